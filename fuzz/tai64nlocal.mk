FUZZERS += tai64nlocal
tai64nlocal_FUZZ_SRCS = src/logger/tai64nlocal_conv.c
