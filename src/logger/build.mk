PROGS += svlog tai64n tai64nlocal
svlog_SRCS = src/logger/svlog.c src/logger/svlog_dir.c src/logger/svlog_line.c \
  src/logger/svlog_script.c src/logger/svlog_match.c src/logger/svlog_out.c
tai64n_SRCS = src/logger/tai64n.c
tai64nlocal_SRCS = src/logger/tai64nlocal.c src/logger/tai64nlocal_conv.c
