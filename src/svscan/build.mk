PROGS += svscan
svscan_SRCS = src/svscan/svscan.c src/svscan/adopt.c src/svscan/kill.c
