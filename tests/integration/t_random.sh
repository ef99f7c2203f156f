#!/usr/bin/env bash
# Random groups, rules, prefix lists, port lists and NICs from a fixed seed,
# applied through sgctl; thousands of probes; every verdict must equal the
# reference model's (refmodel.py).  Host mode, then routed mode.
#   SEED=n (default 20260101) ROUNDS=n PACKETS=n
. "$(dirname "$0")/lib.sh"
need_sgd
need_cmd python3
SEED=${SEED:-20260101}
ROUNDS=${ROUNDS:-3}
PACKETS=${PACKETS:-1500}
log "seed $SEED (override with SEED=...), $ROUNDS rounds of $PACKETS packets per mode"
python3 "$LIB_DIR/refmodel.py" >/dev/null || fail "refmodel self-test failed"

randtest() { # SEED MODE-ARGS...
	local seed=$1; shift
	python3 "$LIB_DIR/randtest.py" --seed "$seed" --sgctl "$SGCTL_BIN" --socket "$SGD_SOCK" \
		--probe "$PROBE" --send-ns "$PFX$P_SEND_NS" --send-dev "$P_SEND_DEV" --dmac "$P_DMAC" \
		--recv-ns "$PFX$P_RECV_NS" --rounds "$ROUNDS" --packets "$PACKETS" \
		--dump "$T_TMP/scenario-$seed.json" "$@" 2>&1
}

log "host mode"
topo_host 1
start_sgd host host
if out=$(randtest "$SEED" --dev h1 --nic4 "$(host_ip4 1)" --nic6 "$(host_ip6 1)" \
	--src4 203.0.113.0/24,192.0.2.128/25 --src6 2001:db8:a::/48,2001:db8:b::/48 \
	--dst4 198.51.100.0/24 --dst6 2001:db8:ff::/64); then
	echo "$out"; ok "host mode: seed $SEED, model and kernel agree"
else
	echo "$out"; fail "host mode: seed $SEED disagrees (scenario kept: KEEP_TMP=1 keeps $T_TMP)"
fi
stop_sgd

log "routed mode"
topo_routed 1
start_sgd rt routed
SEED2=$((SEED + 1))
if out=$(randtest "$SEED2" --dev tap1 --nic4 "$(vm_ip4 1)" --nic6 "$(vm_ip6 1)" \
	--src4 192.0.2.128/25,198.51.100.128/25 --src6 2001:db8:a::/48,2001:db8:b::/48 \
	--dst4 203.0.113.0/24 --dst6 2001:db8:ff::/64); then
	echo "$out"; ok "routed mode: seed $SEED2, model and kernel agree"
else
	echo "$out"; fail "routed mode: seed $SEED2 disagrees"
fi
finish
