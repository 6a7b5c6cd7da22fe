FUZZERS += tai64n_hex
tai64n_hex_FUZZ_SRCS =
