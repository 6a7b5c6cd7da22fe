FUZZERS += svimport_config
svimport_config_FUZZ_SRCS = src/svimport/text.c src/svimport/ini.c \
                            src/svimport/lex.c src/svimport/map.c \
                            src/svimport/script.c
