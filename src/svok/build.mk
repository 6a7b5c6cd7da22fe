PROGS += svok
svok_SRCS = src/svok/svok.c
