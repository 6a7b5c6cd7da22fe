PROGS += svinstance
svinstance_SRCS = src/svinstance/svinstance.c src/svinstance/instance_id.c \
                  src/svinstance/instance_make.c \
                  src/svinstance/instance_remove.c
