PROGS += supervise
supervise_SRCS = src/supervise/supervise.c src/supervise/tree.c \
                 src/supervise/notify.c src/supervise/adopt.c
