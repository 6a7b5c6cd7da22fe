PROGS += svscan
svscan_SRCS = src/svscan/svscan.c
