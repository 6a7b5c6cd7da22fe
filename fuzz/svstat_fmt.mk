FUZZERS += svstat_fmt
svstat_fmt_FUZZ_SRCS = src/svstat/svstat_fmt.c
