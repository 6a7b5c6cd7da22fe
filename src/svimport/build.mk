# svimport: supervisord.conf to service directories (doc/svimport.8).
# Dynamic for NSS: a numeric user= is turned into its account name.
PROGS += svimport
svimport_SRCS = src/svimport/svimport.c src/svimport/text.c \
                src/svimport/ini.c src/svimport/lex.c src/svimport/map.c \
                src/svimport/script.c src/svimport/write.c
svimport_DYNAMIC = 1
