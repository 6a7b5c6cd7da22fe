# tend: make, make check, make check-sanitize, make install, make bench, make run,
# make fuzz, make deb (build/tend_VERSION-1_ARCH.deb), make image (OCI image
# localhost/tend:VERSION, FROM scratch)
#
# Every program lives in src/DIR/ and is declared in src/DIR/build.mk:
#   PROGS += prog
#   prog_SRCS = src/DIR/prog.c
#   prog_DYNAMIC = 1     (optional: link glibc dynamically, e.g. for NSS)
#   prog_LDFLAGS = ...   (optional: extra link flags)
# Programs link statically against glibc and libskarnet.a by default.

NAME    := $(shell cat package/name)
VERSION := $(shell cat package/version)

CC      ?= cc
CFLAGS  ?= -O2 -g
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DESTDIR ?=

BUILD ?= build
BIN   ?= bin

TEND_CPPFLAGS := -std=c99 -D_POSIX_C_SOURCE=200809L -D_XOPEN_SOURCE=700 \
                 -DTEND_VERSION='"$(VERSION)"' -Isrc/include
TEND_WARN     := -Wall -Wextra -Wno-unused-parameter
STATIC_LINK   := -static
SKARNET       := -l:libskarnet.a

ifeq ($(SANITIZE),1)
  CFLAGS      := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
  LDFLAGS     += -fsanitize=address,undefined
  STATIC_LINK :=
endif

PROGS :=
include $(sort $(wildcard src/*/build.mk))

LIB_SRCS := $(sort $(wildcard src/libtend/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIBTEND  := $(BUILD)/libtend.a

all: deps $(PROGS:%=$(BIN)/%)

deps:
	@CC="$(CC)" sh package/deps build

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(TEND_CPPFLAGS) $(CPPFLAGS) $(TEND_WARN) $(CFLAGS) -MMD -MP -c -o $@ $<

$(LIBTEND): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rc $@ $^

define prog_rule
$(BIN)/$(1): $$(patsubst %.c,$(BUILD)/%.o,$$($(1)_SRCS)) $(LIBTEND)
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) $$($(1)_LDFLAGS) $$(if $$($(1)_DYNAMIC),,$(STATIC_LINK)) -o $$@ $$^ $(SKARNET) $$($(1)_LDLIBS)
endef
$(foreach p,$(PROGS),$(eval $(call prog_rule,$(p))))

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# Small programs the tests use to look at what a service sees.
TEST_HELPERS := $(patsubst t/helpers/%.c,$(BUILD)/t/%,$(wildcard t/helpers/*.c))
$(BUILD)/t/%: t/helpers/%.c $(LIBTEND)
	@mkdir -p $(dir $@)
	$(CC) $(TEND_CPPFLAGS) $(TEND_WARN) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBTEND) $(SKARNET)

# Fuzz harnesses (fuzz/README.md): fuzz/NAME.mk says FUZZERS += NAME and
# NAME_FUZZ_SRCS. make check runs their corpus through fuzz/replay.c
# (t/90-fuzz-corpus.t); make fuzz runs them under libFuzzer.
FUZZERS :=
include $(sort $(wildcard fuzz/*.mk))
TEND_HEADERS := $(wildcard src/include/tend/*.h)
define fuzz_replay_rule
$(BUILD)/t/fuzz-$(1): fuzz/$(1).c fuzz/replay.c $$($(1)_FUZZ_SRCS) $(LIB_SRCS) $(TEND_HEADERS)
	@mkdir -p $$(dir $$@)
	$(CC) $(TEND_CPPFLAGS) $(TEND_WARN) $(CFLAGS) $(LDFLAGS) -o $$@ $$(filter %.c,$$^) $(SKARNET)
endef
$(foreach f,$(FUZZERS),$(eval $(call fuzz_replay_rule,$(f))))
TEST_HELPERS += $(FUZZERS:%=$(BUILD)/t/fuzz-%)

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 30
FUZZ_DIR := build/fuzz
define fuzz_rule
$(FUZZ_DIR)/$(1): fuzz/$(1).c $$($(1)_FUZZ_SRCS) $(LIB_SRCS) $(TEND_HEADERS)
	@mkdir -p $$(dir $$@)
	$(FUZZ_CC) $(TEND_CPPFLAGS) -O1 -g -fsanitize=fuzzer,address,undefined -o $$@ $$(filter %.c,$$^) $(SKARNET)
endef
$(foreach f,$(FUZZERS),$(eval $(call fuzz_rule,$(f))))

fuzz:
	@CC="$(CC)" sh package/deps fuzz
	$(MAKE) $(FUZZERS:%=$(FUZZ_DIR)/%)
	@for f in $(FUZZERS); do \
	  mkdir -p $(FUZZ_DIR)/work/$$f || exit 1; \
	  echo "fuzz: $$f for $(FUZZ_SECONDS) s"; \
	  $(FUZZ_DIR)/$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_DIR)/crash-$$f- -close_fd_mask=1 \
	    $(FUZZ_DIR)/work/$$f fuzz/corpus/$$f 2>$(FUZZ_DIR)/$$f.log; rc=$$?; \
	  grep -E '^stat::(number_of_executed_units|peak_rss_mb)' $(FUZZ_DIR)/$$f.log; \
	  [ $$rc = 0 ] || { tail -40 $(FUZZ_DIR)/$$f.log; echo "fuzz: $$f failed, see $(FUZZ_DIR)/$$f.log"; exit 1; }; \
	done

PROVE ?= prove
PROVE_JOBS ?= 2
# make test TESTS='t/60-setuidgid.t t/62-envdir.t' runs only those.
TESTS ?= t/
# A test file that hangs is killed (and fails) instead of hanging the run.
TEST_TIMEOUT ?= 300

test: all $(TEST_HELPERS)
	TEND_BIN="$(abspath $(BIN))" TEND_HELPERS="$(abspath $(BUILD)/t)" \
	  $(PROVE) -j$(PROVE_JOBS) --exec "timeout -k 5 $(TEST_TIMEOUT) sh" $(TESTS)

check:
	@CC="$(CC)" sh package/deps check
	$(MAKE) test
	$(MAKE) check-sanitize

check-sanitize:
	@CC="$(CC)" sh package/deps check
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	  TEND_TIMEOUT_SCALE=3 \
	  $(MAKE) SANITIZE=1 BUILD=build/san BIN=build/san/bin test

bench: all
	@CC="$(CC)" sh package/deps bench
	TEND_BIN="$(abspath $(BIN))" sh bench/run

run: all
	sh examples/run-demo "$(abspath $(BIN))"

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8
	for p in $(PROGS); do install -m 755 $(BIN)/$$p $(DESTDIR)$(BINDIR)/$$p || exit 1; done
	for m in $(wildcard doc/*.1); do install -m 644 $$m $(DESTDIR)$(MANDIR)/man1/ || exit 1; done
	for m in $(wildcard doc/*.8); do install -m 644 $$m $(DESTDIR)$(MANDIR)/man8/ || exit 1; done

# Debian package (package/deb) and container image (package/image); each
# installs what it needs through package/deps, which make and make check
# never ask for.
deb: all
	@CC="$(CC)" sh package/deps deb
	@PROGS="$(PROGS)" BIN="$(BIN)" OUT="$(BUILD)" sh package/deb

image: all
	@CC="$(CC)" sh package/deps image
	@PROGS="$(PROGS)" BIN="$(BIN)" OUT="$(BUILD)" sh package/image

format-check:
	clang-format --dry-run --Werror $(shell find src t/helpers fuzz -name '*.[ch]')

clean:
	rm -rf $(BUILD) $(BIN)

.PHONY: all deps test check check-sanitize bench run install format-check clean fuzz deb image
