# Test tools: small C programs the namespace tests drive (included by the Makefile).
# Targets: $(BUILD)/tests/tools/probe  (alias: make tools)
TOOLS_SRC = $(wildcard tests/tools/*.c)
TOOLS_BIN = $(TOOLS_SRC:tests/tools/%.c=$(BUILD)/tests/tools/%)

.PHONY: tools
tools: $(TOOLS_BIN)

$(BUILD)/tests/tools/%: tests/tools/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<
