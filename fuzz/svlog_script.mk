FUZZERS += svlog_script
svlog_script_FUZZ_SRCS = src/logger/svlog_script.c
