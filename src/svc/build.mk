PROGS += svc
svc_SRCS = src/svc/svc.c
