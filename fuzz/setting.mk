FUZZERS += setting
setting_FUZZ_SRCS =
