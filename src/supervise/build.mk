PROGS += supervise
supervise_SRCS = src/supervise/supervise.c
