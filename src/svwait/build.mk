PROGS += svwait
svwait_SRCS = src/svwait/svwait.c
