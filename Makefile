# sgd - security group dataplane.  `make` builds sgd and sgctl; `make check`
# installs what is missing, builds, and runs every test; `make demo` runs it.
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

LAYERS   = model store compile nft link actions api
LIB_SRC  = $(foreach l,$(LAYERS),$(wildcard src/$(l)/*.c))
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
SGD_OBJ  = $(patsubst %.c,$(BUILD)/%.o,$(wildcard src/sgd/*.c))
CTL_OBJ  = $(patsubst %.c,$(BUILD)/%.o,$(wildcard src/sgctl/*.c))
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

include tests/tools/tools.mk
include bench/bench.mk

.PHONY: all deps check unit integration sdk san-check demo bench fuzz clean install
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

clean:
	rm -rf build build-san build-clang build-fuzz
