# sgd - security group dataplane.  `make` builds sgd and sgctl; `make check`
# installs what is missing, builds, and runs every test; `make demo` runs it;
# `make install` / `make uninstall` (PREFIX, DESTDIR, SYSCONFDIR, SYSTEMDUNITDIR).
.DEFAULT_GOAL := all
CC      ?= cc
BUILD   ?= build
PKGS     = libnftnl libmnl libnl-3.0 libnl-route-3.0 libmicrohttpd jansson sqlite3 libcrypto
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -D_GNU_SOURCE -Iinclude
CFLAGS  += $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread
ifeq ($(shell pkg-config --exists libsystemd 2>/dev/null && echo y),y)
CFLAGS  += -DHAVE_SYSTEMD $(shell pkg-config --cflags libsystemd)
LDLIBS  += $(shell pkg-config --libs libsystemd)
endif
ifeq ($(SAN),1)
BUILD    = build-san
CFLAGS  += $(SANFLAGS)
LDFLAGS += $(SANFLAGS)
endif

LAYERS   = model store ir compile nft link actions api
LIB_SRC  = $(foreach l,$(LAYERS),$(wildcard src/$(l)/*.c))
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
SGD_OBJ  = $(patsubst %.c,$(BUILD)/%.o,$(wildcard src/sgd/*.c))
CTL_OBJ  = $(patsubst %.c,$(BUILD)/%.o,$(wildcard src/sgctl/*.c))
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

PREFIX         ?= /usr/local
BINDIR         ?= $(PREFIX)/bin
SBINDIR        ?= $(PREFIX)/sbin
MAN8DIR        ?= $(PREFIX)/share/man/man8
SYSCONFDIR     ?= /etc
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system

include tests/tools/tools.mk
include bench/bench.mk

.PHONY: all deps check unit integration sdk san-check demo bench fuzz clean \
	install uninstall install-check
all: $(BUILD)/sgd $(BUILD)/sgctl

$(BUILD)/libsgd.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

$(BUILD)/sgd: $(SGD_OBJ) $(BUILD)/libsgd.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/sgctl: $(CTL_OBJ) $(BUILD)/libsgd.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs libcurl)

$(BUILD)/%.o: %.c $(wildcard include/sgd/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

# Some tests #include a program's sources (sgctl, sgd's config): rebuild on those too.
$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libsgd.a $(wildcard tests/unit/*.h src/*/*.h src/sgd/*.c src/sgctl/*.c)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libsgd.a $(LDLIBS) -lcmocka

deps:
	@scripts/install-deps.sh

unit: $(UNIT_BIN)
	@scripts/run-unit.sh $(UNIT_BIN)

integration: all tools
	@SGD_BUILD=$(BUILD) tests/integration/run.sh

sdk: all tools
	@SGD_BUILD=$(BUILD) tests/sdk/run.sh

# The unit and end-to-end tests again under ASan + UBSan.
san-check:
	$(MAKE) SAN=1 unit
	$(MAKE) SAN=1 integration

check: deps
	$(MAKE) all
	$(MAKE) install-check
	$(MAKE) CC=clang BUILD=build-clang all
	$(MAKE) unit
	$(MAKE) integration
	$(MAKE) sdk
	$(MAKE) san-check

demo: deps all
	@scripts/demo.sh

bench: deps all bench-tools
	@SGD_BUILD=$(BUILD) scripts/bench.sh

fuzz:
	@scripts/fuzz.sh

# The unit's ExecStart follows SBINDIR.  The example config never replaces an
# operator's sgd.conf: it is installed beside it as sgd.conf.example.
install: all
	install -D -m 0755 $(BUILD)/sgd $(DESTDIR)$(SBINDIR)/sgd
	install -D -m 0755 $(BUILD)/sgctl $(DESTDIR)$(BINDIR)/sgctl
	install -D -m 0644 man/sgd.8 $(DESTDIR)$(MAN8DIR)/sgd.8
	install -D -m 0644 man/sgctl.8 $(DESTDIR)$(MAN8DIR)/sgctl.8
	sed 's|^ExecStart=[^ ]*/sgd |ExecStart=$(SBINDIR)/sgd |' systemd/sgd.service >$(BUILD)/sgd.service
	install -D -m 0644 $(BUILD)/sgd.service $(DESTDIR)$(SYSTEMDUNITDIR)/sgd.service
	install -D -m 0644 etc/sgd.conf.example $(DESTDIR)$(SYSCONFDIR)/sgd/sgd.conf.example

# Removes what install put there; sgd.conf, credentials and state stay.
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/sgd $(DESTDIR)$(BINDIR)/sgctl \
	      $(DESTDIR)$(MAN8DIR)/sgd.8 $(DESTDIR)$(MAN8DIR)/sgctl.8 \
	      $(DESTDIR)$(SYSTEMDUNITDIR)/sgd.service \
	      $(DESTDIR)$(SYSCONFDIR)/sgd/sgd.conf.example
	rmdir $(DESTDIR)$(SYSCONFDIR)/sgd 2>/dev/null || true

install-check: all
	@MAKE='$(MAKE)' BUILD='$(BUILD)' scripts/test-install.sh

clean:
	rm -rf build build-san build-clang build-fuzz
