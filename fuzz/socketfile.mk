FUZZERS += socketfile
socketfile_FUZZ_SRCS = src/supervise/socketfile.c
