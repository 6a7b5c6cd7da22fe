PROGS += supervise
supervise_SRCS = src/supervise/supervise.c src/supervise/tree.c \
                 src/supervise/notify.c src/supervise/adopt.c \
                 src/supervise/files.c src/supervise/alert.c \
                 src/supervise/socket.c src/supervise/socketfile.c \
                 src/supervise/cgroup.c src/supervise/child.c \
                 src/supervise/lines.c
# One supervise runs per service, so its private memory is multiplied by
# the number of services. In a static binary RELRO only protects the
# IRELATIVE slots of glibc's own GOT, and costs a dirty page per process.
supervise_LDFLAGS = -Wl,-z,norelro
