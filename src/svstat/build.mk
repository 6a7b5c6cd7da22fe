PROGS += svstat
svstat_SRCS = src/svstat/svstat.c src/svstat/svstat_fmt.c
