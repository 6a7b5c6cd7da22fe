FUZZERS += envdir_value
envdir_value_FUZZ_SRCS = src/chainload/envdir_value.c
