# Benchmark helpers (included by the Makefile).  scripts/bench.sh uses
# $(BUILD)/bench/pktgen, an AF_PACKET sendmmsg traffic source (the kernel here
# has no pktgen module).  Target: bench-tools (make bench should depend on it).
BENCH_SRC = $(wildcard bench/*.c)
BENCH_BIN = $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

.PHONY: bench-tools
bench-tools: $(BENCH_BIN)

$(BUILD)/bench/%: bench/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<
