# arc -- one GNU Makefile for every program, test, fuzzer and benchmark.
#
#   make deps     install the missing Debian packages (apt-get)
#   make          build every program into $(BUILD)/
#   make run      deps + build + arcd on a demo database with simulated units
#   make test     deps + build + every test (SAN=1: ASan + UBSan build)
#   make fuzz     run the libFuzzer targets for FUZZ_SECONDS each
#   make bench    the benchmarks of docs/BENCHMARKS.md

BUILD		:= build
ifeq ($(SAN),1)
BUILD		:= build-san
SANFLAGS	:= -fsanitize=address,undefined -fno-omit-frame-pointer \
		   -fno-sanitize-recover=all
endif

CC		?= cc
PKG_CONFIG	?= pkg-config
PKGS		:= libevent libevent_pthreads libevent_openssl openssl sqlite3 inih \
		   jansson
OPT		?= -O2 -g
WARN		:= -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
		   -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral \
		   -Wpointer-arith -Wcast-qual -Wno-missing-field-initializers
CPPFLAGS	+= -D_GNU_SOURCE -Iproto -Idb -Iarc -Iloadgen -Iconsole -Itests/unit
CFLAGS		+= -std=c11 $(OPT) $(WARN) $(SANFLAGS) -pthread \
		   $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
LDFLAGS		+= $(SANFLAGS) -pthread
LIBS		:= $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lm
TEST_LIBS	:= $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

DEB_PKGS	:= build-essential pkg-config libevent-dev libssl-dev \
		   libsqlite3-dev sqlite3 libinih-dev libcmocka-dev \
		   libjansson-dev libncurses-dev libmosquitto-dev mosquitto \
		   clang libclang-rt-14-dev tmux python3 python3-cryptography \
		   procps openssl

PROTO_SRCS	:= $(wildcard proto/*.c)
DB_SRCS		:= $(wildcard db/*.c)
COMMON_SRCS	:= arc/log.c arc/xmalloc.c
# arcd's own files; all but arcd.c go into libarc.a so unit tests can
# link just the modules they test.
ARCLIB_SRCS	:= arc/config.c arc/listen.c arc/device.c \
		   arc/udp.c arc/ingest.c arc/dedupe.c arc/unit.c arc/metrics.c \
		   arc/hmap.c arc/alarm.c arc/alarmq.c arc/alarm_json.c arc/alarmio.c \
		   arc/session.c arc/supervise.c arc/clock.c \
		   arc/runaway.c arc/storm.c \
		   arc/incident.c arc/alarm_stats.c
ARCD_SRCS	:= arc/arcd.c
ARCCTL_SRCS	:= arc/arcctl.c arc/arcctl_people.c
LOADGEN_SRCS	:= $(filter-out loadgen/echo.c,$(wildcard loadgen/*.c))
ECHO_SRCS	:= loadgen/echo.c
CONSOLE_SRCS	:= $(wildcard console/*.c)
CONSOLE_LIBS	:= $(shell $(PKG_CONFIG) --libs ncursesw 2>/dev/null)
UNIT_TESTS	:= $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
FUZZ_NAMES	:= $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAY	:= $(patsubst %,$(BUILD)/tests/replay_%,$(FUZZ_NAMES))

obj		= $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

PROGS		:= $(BUILD)/arcd $(BUILD)/arcctl $(BUILD)/arc-loadgen $(BUILD)/arc-echo \
		   $(BUILD)/arc-console

.PHONY: all deps run test unit fuzz bench clean
all: $(PROGS) $(UNIT_TESTS) $(FUZZ_REPLAY)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj/migrations.o: $(BUILD)/migrations.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/migrations.c: db/embed.sh $(sort $(wildcard db/migrations/*.sql))
	@mkdir -p $(dir $@)
	sh db/embed.sh $(sort $(wildcard db/migrations/*.sql)) > $@

$(BUILD)/libproto.a: $(call obj,$(PROTO_SRCS))
	$(AR) rcs $@ $^
$(BUILD)/libdb.a: $(call obj,$(DB_SRCS)) $(BUILD)/obj/migrations.o
	$(AR) rcs $@ $^
$(BUILD)/libcommon.a: $(call obj,$(COMMON_SRCS))
	$(AR) rcs $@ $^

$(BUILD)/libarc.a: $(call obj,$(ARCLIB_SRCS))
	$(AR) rcs $@ $^

ARCLIBS		:= $(BUILD)/libarc.a $(BUILD)/libdb.a $(BUILD)/libproto.a \
		   $(BUILD)/libcommon.a

$(BUILD)/arcd: $(call obj,$(ARCD_SRCS)) $(ARCLIBS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)
$(BUILD)/arcctl: $(call obj,$(ARCCTL_SRCS)) $(ARCLIBS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)
$(BUILD)/arc-loadgen: $(call obj,$(LOADGEN_SRCS)) $(BUILD)/libproto.a $(BUILD)/libcommon.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)
$(BUILD)/arc-echo: $(call obj,$(ECHO_SRCS)) $(BUILD)/libproto.a $(BUILD)/libcommon.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)
$(BUILD)/arc-console: $(call obj,$(CONSOLE_SRCS)) $(BUILD)/libcommon.a
	$(CC) $(LDFLAGS) -o $@ $^ $(CONSOLE_LIBS) $(LIBS)

# The console's protocol state, without curses or sockets, for its tests.
CONSOLE_STATE_SRCS := console/client.c console/queue.c console/draft.c
$(BUILD)/libconsole.a: $(call obj,$(CONSOLE_STATE_SRCS))
	$(AR) rcs $@ $^
$(BUILD)/tests/test_console_state: $(BUILD)/obj/tests/unit/test_console_state.o \
		$(BUILD)/libconsole.a $(BUILD)/libcommon.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS) $(LIBS)

# Unit tests link the archives: only the modules they use come along.
$(BUILD)/tests/test_%: $(BUILD)/obj/tests/unit/test_%.o $(ARCLIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS) $(LIBS)

# Fuzz corpora are replayed by the normal build (any compiler) ...
$(BUILD)/tests/replay_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(BUILD)/obj/tests/fuzz/replay.o $(ARCLIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)
$(BUILD)/tests/replay_console: $(BUILD)/obj/tests/fuzz/fuzz_console.o \
		$(BUILD)/obj/tests/fuzz/replay.o $(BUILD)/libconsole.a $(ARCLIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# ... and fuzzed by libFuzzer under clang.
FUZZ_SECONDS	?= 60
FUZZ_CFLAGS	:= -std=c11 -g -O1 -D_GNU_SOURCE -Iproto -Idb -Iarc \
		   -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(PROTO_SRCS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $^ $(shell $(PKG_CONFIG) --libs openssl)
# The two that are not pure proto/: the CSV import (db/ + SQLite) and the
# console's protocol state (+ jansson).
build-fuzz/fuzz_csv: tests/fuzz/fuzz_csv.c $(PROTO_SRCS) $(DB_SRCS) \
		$(BUILD)/migrations.c $(COMMON_SRCS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -pthread -o $@ $^ \
	    $(shell $(PKG_CONFIG) --libs sqlite3 openssl)
build-fuzz/fuzz_console: tests/fuzz/fuzz_console.c $(CONSOLE_STATE_SRCS) \
		$(COMMON_SRCS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -Iconsole $(shell $(PKG_CONFIG) --cflags jansson) \
	    -o $@ $^ $(shell $(PKG_CONFIG) --libs jansson)

fuzz: deps $(patsubst %,build-fuzz/fuzz_%,$(FUZZ_NAMES))
	@for f in $(FUZZ_NAMES); do \
		mkdir -p build-fuzz/corpus-$$f; \
		echo "fuzz $$f for $(FUZZ_SECONDS)s"; \
		build-fuzz/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) \
		    -max_len=2048 build-fuzz/corpus-$$f tests/fuzz/corpus/$$f \
		    || exit 1; \
	done

deps:
	@missing=$$(for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
		    grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
		    $$missing; \
	fi

# Recursive make so the pkg-config lines above are read after deps ran.
run: deps
	$(MAKE) --no-print-directory all
	BUILD=$(BUILD) sh arc/demo.sh

test: deps
	$(MAKE) --no-print-directory all
	BUILD=$(BUILD) sh tests/run

bench: deps
	$(MAKE) --no-print-directory all
	BUILD=$(BUILD) sh tests/bench

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
