FUZZERS += svstat_json
svstat_json_FUZZ_SRCS = src/svstat/svstat_json.c src/svstat/svstat_prom.c \
  src/svstat/svstat_text.c
