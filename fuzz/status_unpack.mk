FUZZERS += status_unpack
status_unpack_FUZZ_SRCS =
