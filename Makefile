# arc -- one GNU Makefile for every program, test, fuzzer and benchmark.
#
#   make deps          install the missing Debian packages (apt-get)
#   make               build every program into $(BUILD)/
#   make run           deps + build + arcd on a demo database with simulated units
#   make test          deps + build + check-layers + every test (SAN=1: ASan + UBSan)
#   make check-layers  prove the layers on the objects (tests/layers.py)
#   make fuzz          run the libFuzzer targets for FUZZ_SECONDS each
#                      (FUZZ_NAMES=config: that one alone)
#   make bench         the benchmarks of docs/BENCHMARKS.md
#   make install       programs, man pages, sample arc.conf, systemd unit
#                      (PREFIX=/usr/local, DESTDIR for staging)

BUILD		:= build
ifeq ($(SAN),1)
BUILD		:= build-san
SANFLAGS	:= -fsanitize=address,undefined -fno-omit-frame-pointer \
		   -fno-sanitize-recover=all
endif

CC		?= cc
PKG_CONFIG	?= pkg-config
PKGS		:= libevent libevent_openssl openssl sqlite3 inih jansson \
		   libmosquitto
OPT		?= -O2 -g
WARN		:= -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
		   -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral \
		   -Wpointer-arith -Wcast-qual -Wno-missing-field-initializers
CPPFLAGS	+= -D_GNU_SOURCE
CFLAGS		+= -std=c11 $(OPT) $(WARN) $(SANFLAGS) -pthread \
		   $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
LDFLAGS		+= $(SANFLAGS) -pthread
LIBS		:= $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lm
TEST_LIBS	:= $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

DEB_PKGS	:= build-essential pkg-config libevent-dev libssl-dev \
		   libsqlite3-dev sqlite3 libinih-dev libcmocka-dev \
		   libjansson-dev libncurses-dev libmosquitto-dev mosquitto \
		   clang libclang-rt-14-dev tmux python3 python3-cryptography \
		   procps openssl python3-yaml gnuplot-nox tzdata curl man-db \
		   python3-paho-mqtt mosquitto-clients \
		   groff-base

# The layers (docs/DESIGN.md). Each folder obeys a rule the build checks.
RUNTIME_SRCS	:= $(wildcard arc/runtime/*.c)	# every program: libc only
PROTO_SRCS	:= $(wildcard proto/*.c)	# pure codecs: libc, libcrypto
DB_SRCS		:= $(wildcard db/*.c)		# SQLite, the writer, the worker
CORE_SRCS	:= $(wildcard arc/core/*.c)	# decisions: links alone
PIPE_SRCS	:= arc/config.c arc/config_listen.c arc/notify.c arc/commit.c arc/lookup.c \
		   arc/card.c arc/refresh.c arc/history.c arc/alarm_json.c \
		   arc/alarmline.c arc/alarmio.c arc/alarmload.c arc/ingest.c \
		   arc/escalate.c arc/ladderio.c
ADAPTER_SRCS	:= arc/source.c arc/listen.c arc/device.c arc/udp.c \
		   arc/dc09.c arc/session.c arc/reqparse.c arc/login.c \
		   arc/strangers.c arc/push.c arc/request.c arc/metrics.c \
		   arc/mqtt.c arc/mqttevent.c arc/mqttunit.c \
		   arc/mqttout.c arc/pager.c arc/push_ladder.c \
		   arc/pagecmd.c
ARCD_SRCS	:= arc/arcd.c
CTL_SRCS	:= $(wildcard arc/ctl/*.c)
LOADGEN_SRCS	:= $(filter-out loadgen/echo.c,$(wildcard loadgen/*.c))
ECHO_SRCS	:= loadgen/echo.c
CONSOLE_SRCS	:= $(filter-out console/responder%.c,$(wildcard console/*.c))
# arc-responder: its own files, and the console's safe text (paint.c).
RESPONDER_SRCS	:= $(wildcard console/responder*.c)
RESPONDER_LINK	= $(call obj,$(RESPONDER_SRCS) console/paint.c)
CONSOLE_LIBS	:= $(shell $(PKG_CONFIG) --libs ncursesw 2>/dev/null)
UNIT_TESTS	:= $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
# Core tests link the core and the runtime alone: nothing else exists.
CORE_TESTS	:= test_alarm test_supervise test_dispatch test_gauge test_ladder \
		   test_runtime
# Runtime tests link the runtime alone.
RUNTIME_TESTS	:= test_utf8
FUZZ_NAMES	:= $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAY	:= $(patsubst %,$(BUILD)/tests/replay_%,$(FUZZ_NAMES))

obj		= $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

# Per-program include paths: a file sees the headers of what it may use.
INC_RUNTIME	:= -Iarc/runtime
INC_CORE	:= -Iarc/core $(INC_RUNTIME) -Idb -Iproto
INC_ARC		:= -Iarc $(INC_CORE)
$(BUILD)/obj/arc/runtime/%.o:	INC := $(INC_RUNTIME)
$(BUILD)/obj/proto/%.o:		INC := -Iproto
$(BUILD)/obj/db/%.o:		INC := -Idb $(INC_RUNTIME) -Iproto
$(BUILD)/obj/arc/core/%.o:	INC := $(INC_CORE)
$(BUILD)/obj/arc/%.o:		INC := $(INC_ARC)
$(BUILD)/obj/arc/ctl/%.o:	INC := -Iarc/ctl $(INC_RUNTIME) -Idb -Iproto
$(BUILD)/obj/console/%.o:	INC := -Iconsole $(INC_RUNTIME)
$(BUILD)/obj/loadgen/%.o:	INC := -Iloadgen $(INC_RUNTIME) -Iproto
$(BUILD)/obj/tests/%.o:		INC := $(INC_ARC) -Iconsole -Itests/unit

PROGS		:= $(BUILD)/arcd $(BUILD)/arcd-test $(BUILD)/arcctl \
		   $(BUILD)/arc-loadgen $(BUILD)/arc-echo $(BUILD)/arc-console \
		   $(BUILD)/arc-responder

.PHONY: all deps run test unit fuzz bench clean check-layers install
# Keep generated intermediates (migrations.c): a no-op make relinks nothing.
.SECONDARY:
all: $(PROGS) $(UNIT_TESTS) $(FUZZ_REPLAY)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(INC) $(CFLAGS) -MMD -MP -c -o $@ $<

# arcd's test build: the same objects, arcd.c with the test controls.
$(BUILD)/obj/arc/arcd-test.o: arc/arcd.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(INC_ARC) -DARC_TEST $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj/migrations.o: $(BUILD)/migrations.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/migrations.c: db/embed.sh $(sort $(wildcard db/migrations/*.sql))
	@mkdir -p $(dir $@)
	sh db/embed.sh $(sort $(wildcard db/migrations/*.sql)) > $@

$(BUILD)/libruntime.a: $(call obj,$(RUNTIME_SRCS))
	rm -f $@ && $(AR) rcs $@ $^
$(BUILD)/libproto.a: $(call obj,$(PROTO_SRCS))
	rm -f $@ && $(AR) rcs $@ $^
$(BUILD)/libdb.a: $(call obj,$(DB_SRCS)) $(BUILD)/obj/migrations.o
	rm -f $@ && $(AR) rcs $@ $^
$(BUILD)/libcore.a: $(call obj,$(CORE_SRCS))
	rm -f $@ && $(AR) rcs $@ $^
$(BUILD)/libarc.a: $(call obj,$(PIPE_SRCS) $(ADAPTER_SRCS))
	rm -f $@ && $(AR) rcs $@ $^

ARCLIBS		:= $(BUILD)/libarc.a $(BUILD)/libcore.a $(BUILD)/libdb.a \
		   $(BUILD)/libproto.a $(BUILD)/libruntime.a

$(BUILD)/arcd: $(call obj,$(ARCD_SRCS)) $(ARCLIBS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)
$(BUILD)/arcd-test: $(BUILD)/obj/arc/arcd-test.o $(ARCLIBS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)
$(BUILD)/arcctl: $(call obj,$(CTL_SRCS)) $(BUILD)/libdb.a $(BUILD)/libproto.a \
		$(BUILD)/libruntime.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)
$(BUILD)/arc-loadgen: $(call obj,$(LOADGEN_SRCS)) $(BUILD)/libproto.a \
		$(BUILD)/libruntime.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)
$(BUILD)/arc-echo: $(call obj,$(ECHO_SRCS)) $(BUILD)/libproto.a \
		$(BUILD)/libruntime.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)
$(BUILD)/arc-console: $(call obj,$(CONSOLE_SRCS)) $(BUILD)/libruntime.a
	$(CC) $(LDFLAGS) -o $@ $^ $(CONSOLE_LIBS) $(LIBS)
$(BUILD)/arc-responder: $(RESPONDER_LINK) $(BUILD)/libruntime.a
	$(CC) $(LDFLAGS) -o $@ $^ $(CONSOLE_LIBS) $(LIBS)

# arc-responder's messages and pages: no curses, no broker.
RESPONDER_STATE	:= $(call obj,console/responder_msg.c console/responder_book.c \
		   console/responder_auto.c)
$(BUILD)/tests/test_responder: $(BUILD)/obj/tests/unit/test_responder.o \
		$(RESPONDER_STATE) $(BUILD)/libruntime.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS) $(shell $(PKG_CONFIG) --libs jansson)

# The console's protocol state, without curses or sockets, for its tests.
CONSOLE_STATE_SRCS := console/client.c console/request.c console/queue.c \
		      console/text.c console/supervise.c \
		      console/history.c console/draft.c console/operators.c \
		      console/ladder.c console/respond.c
$(BUILD)/libconsole.a: $(call obj,$(CONSOLE_STATE_SRCS))
	rm -f $@ && $(AR) rcs $@ $^
CONSOLE_TESTS	:= test_console_state test_console_session test_console_super \
		   test_console_shift test_console_ladder
$(patsubst %,$(BUILD)/tests/%,$(CONSOLE_TESTS)): $(BUILD)/tests/%: \
		$(BUILD)/obj/tests/unit/%.o $(BUILD)/obj/tests/unit/console_wire.o \
		$(BUILD)/libconsole.a $(BUILD)/libruntime.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS) $(shell $(PKG_CONFIG) --libs jansson)

# The core's tests: the core and the runtime, no other library at all.
$(patsubst %,$(BUILD)/tests/%,$(CORE_TESTS)): $(BUILD)/tests/%: \
		$(BUILD)/obj/tests/unit/%.o $(BUILD)/libcore.a $(BUILD)/libruntime.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS) -lm

# The runtime's own tests: nothing but the runtime.
$(patsubst %,$(BUILD)/tests/%,$(RUNTIME_TESTS)): $(BUILD)/tests/%: \
		$(BUILD)/obj/tests/unit/%.o $(BUILD)/libruntime.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)

# The config parser's tests: config.c and what it uses below it.
CONFIG_LINK	:= $(call obj,arc/config.c arc/config_listen.c) $(BUILD)/libdb.a $(BUILD)/libruntime.a
$(BUILD)/tests/test_config: $(BUILD)/obj/tests/unit/test_config.o \
		$(CONFIG_LINK)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS) $(shell $(PKG_CONFIG) --libs inih)

# arc-loadgen's seconds and histogram: series.c, hist.c and the runtime.
$(BUILD)/obj/tests/unit/test_series.o: INC := -Iloadgen $(INC_RUNTIME) -Iproto
$(BUILD)/tests/test_series: $(BUILD)/obj/tests/unit/test_series.o \
		$(call obj,loadgen/series.c loadgen/hist.c) $(BUILD)/libruntime.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)

# arc-loadgen's HOST:PORT for --mqtt: lg.c and the runtime.
$(BUILD)/obj/tests/unit/test_lg.o: INC := -Iloadgen $(INC_RUNTIME) -Iproto
$(BUILD)/tests/test_lg: $(BUILD)/obj/tests/unit/test_lg.o \
		$(call obj,loadgen/lg.c) $(BUILD)/libruntime.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)

# arc-loadgen's frame -> shown timing: shown.c, pending.c, hist.c.
$(BUILD)/obj/tests/unit/test_shown.o: INC := -Iloadgen $(INC_RUNTIME) -Iproto
$(BUILD)/tests/test_shown: $(BUILD)/obj/tests/unit/test_shown.o \
		$(call obj,loadgen/shown.c loadgen/pending.c loadgen/hist.c) \
		$(BUILD)/libruntime.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS) -ljansson

# Other unit tests link the archives: only the modules they use come along.
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

# arc-responder's messages and pages (+ jansson).
$(BUILD)/tests/replay_responder: $(BUILD)/obj/tests/fuzz/fuzz_responder.o \
		$(BUILD)/obj/tests/fuzz/replay.o $(RESPONDER_STATE) \
		$(BUILD)/libruntime.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(shell $(PKG_CONFIG) --libs jansson)

# The config parser's replay: config.c and what it uses below it.
$(BUILD)/tests/replay_config: $(BUILD)/obj/tests/fuzz/fuzz_config.o \
		$(BUILD)/obj/tests/fuzz/replay.o $(CONFIG_LINK)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(shell $(PKG_CONFIG) --libs inih)

# ... and fuzzed by libFuzzer under clang.
FUZZ_SECONDS	?= 60
FUZZ_CFLAGS	:= -std=c11 -g -O1 -D_GNU_SOURCE -Iproto -Idb -Iarc/runtime \
		   -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(PROTO_SRCS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $^ $(shell $(PKG_CONFIG) --libs openssl)
# The four that are not pure proto/: the CSV imports (db/ + SQLite), the
# console's protocol state (+ jansson) and the config parser (+ inih).
build-fuzz/fuzz_csv build-fuzz/fuzz_units: build-fuzz/fuzz_%: \
		tests/fuzz/fuzz_%.c $(PROTO_SRCS) $(DB_SRCS) \
		$(BUILD)/migrations.c $(RUNTIME_SRCS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -pthread -o $@ $^ \
	    $(shell $(PKG_CONFIG) --libs sqlite3 openssl)
build-fuzz/fuzz_console: tests/fuzz/fuzz_console.c $(CONSOLE_STATE_SRCS) \
		$(RUNTIME_SRCS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -Iconsole $(shell $(PKG_CONFIG) --cflags jansson) \
	    -o $@ $^ $(shell $(PKG_CONFIG) --libs jansson)
build-fuzz/fuzz_config: tests/fuzz/fuzz_config.c arc/config.c \
		arc/config_listen.c db/db_text.c \
		$(RUNTIME_SRCS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -Iarc -Iarc/core \
	    $(shell $(PKG_CONFIG) --cflags inih jansson) -o $@ $^ \
	    $(shell $(PKG_CONFIG) --libs inih)

# A console's request as arcd checks it (+ the core, jansson).
build-fuzz/fuzz_request: tests/fuzz/fuzz_request.c arc/reqparse.c \
		$(CORE_SRCS) $(RUNTIME_SRCS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -Iarc -Iarc/core \
	    $(shell $(PKG_CONFIG) --cflags jansson) \
	    -o $@ $^ $(shell $(PKG_CONFIG) --libs jansson)

# A page or an ack as arc-responder reads it (+ jansson).
build-fuzz/fuzz_responder: tests/fuzz/fuzz_responder.c \
		console/responder_msg.c console/responder_book.c \
		console/responder_auto.c $(RUNTIME_SRCS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -Iconsole \
	    $(shell $(PKG_CONFIG) --cflags jansson) -o $@ $^ \
	    $(shell $(PKG_CONFIG) --libs jansson)

# An MQTT unit's message as arcd decodes it (+ jansson).
build-fuzz/fuzz_mqtt: tests/fuzz/fuzz_mqtt.c arc/mqttevent.c \
		$(PROTO_SRCS) $(RUNTIME_SRCS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -Iarc -Iarc/core \
	    $(shell $(PKG_CONFIG) --cflags jansson) -o $@ $^ \
	    $(shell $(PKG_CONFIG) --libs jansson openssl)

fuzz: deps $(patsubst %,build-fuzz/fuzz_%,$(FUZZ_NAMES))
	@for f in $(FUZZ_NAMES); do \
		mkdir -p build-fuzz/corpus-$$f; \
		echo "fuzz $$f for $(FUZZ_SECONDS)s"; \
		build-fuzz/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) \
		    -max_len=2048 build-fuzz/corpus-$$f tests/fuzz/corpus/$$f \
		    || exit 1; \
	done

# Calls go down only, no call cycle between files, the pure layers pure.
check-layers: $(call obj,$(RUNTIME_SRCS) $(PROTO_SRCS) $(DB_SRCS) \
		$(CORE_SRCS) $(PIPE_SRCS) $(ADAPTER_SRCS) $(ARCD_SRCS) \
		$(CTL_SRCS) $(CONSOLE_SRCS) $(RESPONDER_SRCS) $(LOADGEN_SRCS) \
		$(ECHO_SRCS))
	@python3 tests/layers.py \
	    runtime: $(call obj,$(RUNTIME_SRCS)) \
	    proto: $(call obj,$(PROTO_SRCS)) \
	    db: $(call obj,$(DB_SRCS)) \
	    core: $(call obj,$(CORE_SRCS)) \
	    pipeline: $(call obj,$(PIPE_SRCS)) \
	    adapters: $(call obj,$(ADAPTER_SRCS)) \
	    arcd: $(call obj,$(ARCD_SRCS)) \
	    ctl: $(call obj,$(CTL_SRCS)) \
	    console: $(call obj,$(CONSOLE_SRCS) $(RESPONDER_SRCS)) \
	    loadgen: $(call obj,$(LOADGEN_SRCS) $(ECHO_SRCS))

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
	$(MAKE) --no-print-directory all check-layers
	BUILD=$(BUILD) SAN=$(SAN) sh tests/run

bench: deps
	$(MAKE) --no-print-directory all
	BUILD=$(BUILD) sh tests/bench

# Where make install puts things; DESTDIR stages them (packaging, tests).
PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
SBINDIR		?= $(PREFIX)/sbin
MANDIR		?= $(PREFIX)/share/man
DOCDIR		?= $(PREFIX)/share/doc/arc
SYSCONFDIR	?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
UNITDIR		?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR	?= $(PREFIX)/lib/sysusers.d
INSTALL		?= install
MAN_PAGES	:= $(wildcard docs/man/*.[1-8])

# The sample arc.conf goes to the docs, and to SYSCONFDIR if none is there.
install: $(BUILD)/arcd $(BUILD)/arcctl $(BUILD)/arc-console \
		$(BUILD)/arc-loadgen $(BUILD)/arc-echo $(BUILD)/arc-responder
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) \
	    $(DESTDIR)$(DOCDIR) $(DESTDIR)$(SYSCONFDIR)/arc \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
	    $(patsubst %,$(DESTDIR)$(MANDIR)/man%,1 5 8)
	$(INSTALL) -m 0755 $(BUILD)/arcd $(BUILD)/arcctl $(DESTDIR)$(SBINDIR)
	$(INSTALL) -m 0755 $(BUILD)/arc-console $(BUILD)/arc-loadgen \
	    $(BUILD)/arc-echo $(BUILD)/arc-responder $(DESTDIR)$(BINDIR)
	for m in $(MAN_PAGES); do \
		$(INSTALL) -m 0644 $$m \
		    $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/} || exit 1; \
	done
	$(INSTALL) -m 0644 docs/arc.conf README.md $(DESTDIR)$(DOCDIR)
	[ -e $(DESTDIR)$(SYSCONFDIR)/arc/arc.conf ] || \
	    $(INSTALL) -m 0644 docs/arc.conf $(DESTDIR)$(SYSCONFDIR)/arc
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	    docs/systemd/arcd.service.in > $(DESTDIR)$(UNITDIR)/arcd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/arcd.service
	$(INSTALL) -m 0644 docs/systemd/arc.sysusers \
	    $(DESTDIR)$(SYSUSERSDIR)/arc.conf

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
