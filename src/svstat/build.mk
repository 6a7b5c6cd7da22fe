PROGS += svstat
svstat_SRCS = src/svstat/svstat.c src/svstat/svstat_fmt.c \
  src/svstat/svstat_read.c src/svstat/svstat_text.c \
  src/svstat/svstat_json.c src/svstat/svstat_prom.c \
  src/svstat/svstat_cgroup.c
