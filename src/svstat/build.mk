PROGS += svstat
svstat_SRCS = src/svstat/svstat.c
