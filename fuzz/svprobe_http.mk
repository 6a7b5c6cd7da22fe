FUZZERS += svprobe_http
svprobe_http_FUZZ_SRCS = src/svprobe/http_response.c
