FUZZERS += svlog_line
svlog_line_FUZZ_SRCS = src/logger/svlog_line.c src/logger/svlog_script.c \
  src/logger/svlog_match.c
