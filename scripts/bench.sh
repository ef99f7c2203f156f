#!/usr/bin/env bash
# make bench: ratios measured in one run, each against a baseline measured
# right beside it (alternating A/B trials, several repeats, medians).
#
#   packet path   new TCP flows that end in the default drop, pps with N rules
#                 over pps with an empty table, for sgd's compiled form and for
#                 a naive one-rule-per-permission chain (nft -f)
#   control path  one AuthorizeSecurityGroup on 10 vs 10,000 rules; p99 of a
#                 Describe while 50 clients mutate the same group vs idle; a
#                 prefix list entry and a group membership that 1 vs 100 groups
#                 reference; full load of 10,000 rules: nft -f vs sgd start-up
#   memory        sgd VmRSS empty vs 10,000 rules; kernel growth of the naive
#                 vs the compiled 10,000-rule ruleset
#
# Everything runs in network namespaces named sgb<PID>-*, created here and
# deleted on exit, with the daemons this script started (killed by PID).
# BENCH_QUICK=1: fewer/shorter trials (about 2 minutes).  BENCH_OUT=FILE: where
# the JSON lines go (default $SGD_BUILD/bench-results.jsonl).  BENCH_VS=DIR: also
# compare the packet path of DIR/sgd (A, e.g. a build of the previous commit)
# with this build's (B) on the same rules.  See docs/bench.md.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${SGD_BUILD:-build}
P="sgb$$"
GEN="$P-gen"
WORK=$(mktemp -d /tmp/sgbench.XXXXXX)
OUT=${BENCH_OUT:-$B/bench-results.jsonl}
SIZES="10 100 1000 10000"
BIG=10000
declare -A SGD_PID=() NIC=() GRP=() MAC=()
NSS=()

if [ "${BENCH_QUICK:-0}" = 1 ]; then
	PKT_SECONDS=0.3 PKT_REPEATS=3 CTL_REPEATS=7 LOAD_REPEATS=3 KMEM_REPEATS=2 READS=100 READ_REPEATS=3
else
	PKT_SECONDS=1 PKT_REPEATS=7 CTL_REPEATS=21 LOAD_REPEATS=7 KMEM_REPEATS=3 READS=300 READ_REPEATS=5
fi

# Stop what we started (by PID: our sgd instances, the running sgbench step
# and the sgd it may have started), then delete our namespaces.
cleanup() {
	local pid pids
	set +e # clean up as much as we can, whatever fails
	pids="${SGD_PID[*]} $(cat "$WORK/sgb.pid" "$WORK/sgd.pid" 2>/dev/null)"
	for pid in $pids; do
		kill "$pid" 2>/dev/null || true
	done
	wait # our children: the sgd instances and the sgbench step
	pid=$(cat "$WORK/sgd.pid" 2>/dev/null) # the step's child, not ours to wait for
	[ -z "$pid" ] || timeout 10 tail --pid="$pid" -f /dev/null || kill -9 "$pid" 2>/dev/null
	for ns in "${NSS[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
	[ -n "${BENCH_KEEP:-}" ] && echo "bench: kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || { echo "bench: needs root (network namespaces, nftables)" >&2; exit 1; }
[ -x "$B/sgd" ] || { echo "bench: $B/sgd missing: run make all" >&2; exit 1; }
[ -z "${BENCH_VS:-}" ] || [ -x "$BENCH_VS/sgd" ] || { echo "bench: BENCH_VS=$BENCH_VS has no sgd" >&2; exit 1; }
PKTGEN="$B/bench/pktgen"
if [ ! -x "$PKTGEN" ]; then # make bench builds it (bench/bench.mk); a plain script run may not have
	PKTGEN="$WORK/pktgen"
	${CC:-cc} -O2 -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -o "$PKTGEN" bench/pktgen.c
fi
# SGB ARGS: one sgbench.py step, bounded; in the background so a signal
# reaches our trap at once, and its PID noted for the trap.
SGB() {
	local pid rc=0
	timeout 600 python3 bench/sgbench.py --out "$OUT" "$@" &
	pid=$!
	echo "$pid" >"$WORK/sgb.pid"
	wait "$pid" || rc=$?
	: >"$WORK/sgb.pid"
	return $rc
}
say() { printf '\n== %s\n' "$*"; }
addns() { ip netns add "$1"; NSS+=("$1"); ip -n "$1" link set lo up; }

# sgd_start NAME [BINARY]: sgd in namespace $P-NAME, state in $WORK/NAME
sgd_start() {
	local ns="$P-$1" dir="$WORK/$1" bin=${2:-$B/sgd}
	mkdir -p "$dir"
	ip netns exec "$ns" "$bin" --state-dir "$dir" --socket "$dir/sgd.sock" --mode host \
		--config "$WORK/sgd.conf" >>"$dir/log" 2>&1 &
	SGD_PID[$1]=$!
	SGB wait --sock "$dir/sgd.sock" --timeout 60 || { cat "$dir/log" >&2; exit 1; }
}

sgd_stop() {
	kill "${SGD_PID[$1]}"
	wait "${SGD_PID[$1]}" 2>/dev/null || true
	unset "SGD_PID[$1]"
}

# enforcer NAME: namespace $P-NAME with vm0 (192.0.2.10), its peer g-NAME in $GEN
enforcer() {
	local ns="$P-$1"
	addns "$ns"
	ip link add "g-$1" netns "$GEN" type veth peer name vm0 netns "$ns"
	ip -n "$ns" addr add 192.0.2.10/24 dev vm0
	ip -n "$ns" link set vm0 up
	ip -n "$GEN" link set "g-$1" up
	# sources come from all three documentation networks: no reverse-path filter
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.vm0.rp_filter=0
	# Routes for the other two (not a default route: sgd refuses to filter the
	# device that carries the default route).
	ip -n "$ns" route add 198.51.100.0/24 dev vm0
	ip -n "$ns" route add 203.0.113.0/24 dev vm0
	MAC[$1]=$(ip -n "$ns" -j link show vm0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')
}

mkdir -p "$(dirname "$OUT")"
: >"$OUT"
cat >"$WORK/sgd.conf" <<EOF
# 10,000 rules on one interface: raise the per-group and per-interface quotas
quota.rules_per_group = 20000
quota.rules_per_nic = 20000
# the bench's devices (vm0, d0..d21) are not in the default host_devices
host_devices = *
EOF

say "sgd bench $(date -u +%FT%TZ), kernel $(uname -r), $(nproc) CPUs, $(nft --version), quick=${BENCH_QUICK:-0}"
echo "   $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"

say "setup: namespaces $P-*, rule sets, sgd instances"
addns "$GEN"
# TAG: N rules of a shape; "random": priorities 1-100, 10% Drop; "p1": all Accept at priority 1
for tag in 0 $SIZES 1000p1 ${BIG}p1; do
	n=${tag%p1} shape=random
	[ "$n" = "$tag" ] || shape=p1
	SGB rules --n "$n" --seed "$n" --shape $shape --json "$WORK/rules-$tag.json" --naive "$WORK/naive-$tag.nft"
	enforcer "s$tag"
	sgd_start "s$tag"
	read -r "GRP[s$tag]" "NIC[s$tag]" cnt secs < <(SGB setup-nic --sock "$WORK/s$tag/sgd.sock" --dev vm0 \
		--ip 192.0.2.10 --rules "$WORK/rules-$tag.json")
	echo "   sgd   $tag: $cnt rules loaded through the API (100 per call) in ${secs}s"
	enforcer "n$tag"
	t0=$(date +%s.%N)
	ip netns exec "$P-n$tag" nft -f "$WORK/naive-$tag.nft"
	echo "   naive $tag: nft -f in $(awk "BEGIN { printf \"%.3f\", $(date +%s.%N) - $t0 }")s"
done

say "memory"
SGB rss --a-pid "${SGD_PID[s0]}" --a-label "empty" --b-pid "${SGD_PID[s$BIG]}" --b-label "$BIG rules"

say "packet path: new flows to the default drop, packets per CPU-second of the sender+receive path (B/A: N rules over the empty table)"
# spec NAME FORM: the pktgen target and where its after-decision counter is
spec() { echo "$P-$1,g-$1,${MAC[$1]},$2,nic-${NIC[$1]:-none}"; }
for form in sgd naive; do
	for tag in $SIZES 1000p1 ${BIG}p1; do
		if [ $form = sgd ]; then a="s0" b="s$tag"; else a="n0" b="n$tag"; fi
		SGB ab-pkt --gen "$GEN" --pktgen "$PKTGEN" --dst 192.0.2.10 --seconds "$PKT_SECONDS" \
			--repeats "$PKT_REPEATS" --name "$form $tag" --a "$(spec $a $form)" --a-label empty \
			--b "$(spec $b $form)" --b-label "${tag%p1} rules"
	done
done

say "packet path, side by side: sgd's compiled form (B) over the naive chain (A), same rules"
for tag in 0 $SIZES 1000p1 ${BIG}p1; do
	SGB ab-pkt --gen "$GEN" --pktgen "$PKTGEN" --dst 192.0.2.10 --seconds "$PKT_SECONDS" \
		--repeats "$PKT_REPEATS" --name "sgd/naive $tag" --a "$(spec n$tag naive)" --a-label naive \
		--b "$(spec s$tag sgd)" --b-label sgd
done

if [ -n "${BENCH_VS:-}" ]; then
	say "packet path, build vs build: $BENCH_VS/sgd (A) and $B/sgd (B), same rules"
	for tag in $SIZES 1000p1 ${BIG}p1; do
		enforcer "o$tag"
		sgd_start "o$tag" "$BENCH_VS/sgd"
		read -r "GRP[o$tag]" "NIC[o$tag]" cnt secs < <(SGB setup-nic --sock "$WORK/o$tag/sgd.sock" \
			--dev vm0 --ip 192.0.2.10 --rules "$WORK/rules-$tag.json")
		SGB ab-pkt --gen "$GEN" --pktgen "$PKTGEN" --dst 192.0.2.10 --seconds "$PKT_SECONDS" \
			--repeats "$PKT_REPEATS" --name "after/before $tag" --a "$(spec o$tag sgd)" --a-label before \
			--b "$(spec s$tag sgd)" --b-label after
		sgd_stop "o$tag"
	done
fi

say "control path (times per call; ratio B/A)"
SGB ab-authorize --repeats "$CTL_REPEATS" --name "Authorize +1 rule" \
	--a "$WORK/s10/sgd.sock,${GRP[s10]}" --a-label "10 rules" \
	--b "$WORK/s$BIG/sgd.sock,${GRP[s$BIG]}" --b-label "$BIG rules"

SGB ab-read --sock "$WORK/s1000/sgd.sock" --group "${GRP[s1000]}" --writers 50 \
	--reads "$READS" --repeats "$READ_REPEATS" --name "Describe p99 under writers"

addns "$P-c"
for i in $(seq 0 21); do # devices for the NICs (this kernel has no dummy driver)
	ip -n "$P-c" link add "d$i" type veth peer name "p$i"
done
sgd_start c
SGB setup-refs --sock "$WORK/c/sgd.sock" --groups 100 --mover d21 >"$WORK/refs.ids"
SGB ab-refs --sock "$WORK/c/sgd.sock" --ids "$WORK/refs.ids" --groups 100 --repeats "$CTL_REPEATS"

# Full load: the same text sgd put in the kernel, replayed by nft -f in a
# scratch namespace, against sgd starting from its database.
sgd_stop "s$BIG"
{ printf 'table inet sgd\ndelete table inet sgd\n'; ip netns exec "$P-s$BIG" nft list table inet sgd; } \
	>"$WORK/sgd-$BIG.nft"
addns "$P-x"
if ip netns exec "$P-x" nft -f "$WORK/sgd-$BIG.nft" 2>"$WORK/nft-f.err"; then
	SGB ab-load --repeats "$LOAD_REPEATS" --rules "$BIG" --ns "$P-s$BIG" --sgd "$B/sgd" \
		--state "$WORK/s$BIG" --sock "$WORK/s$BIG/sgd.sock" --config "$WORK/sgd.conf" \
		--nft-ns "$P-x" --nft-file "$WORK/sgd-$BIG.nft" --pidfile "$WORK/sgd.pid"
	say "memory: kernel growth of a $BIG-rule ruleset loaded into an empty namespace"
	SGB kmem --repeats "$KMEM_REPEATS" --name "$BIG random" --ns "$P-x" --naive "$WORK/naive-$BIG.nft" \
		--sgd-file "$WORK/sgd-$BIG.nft"
	{ printf 'table inet sgd\ndelete table inet sgd\n'; ip netns exec "$P-s${BIG}p1" nft list table inet sgd; } \
		>"$WORK/sgd-${BIG}p1.nft"
	SGB kmem --repeats "$KMEM_REPEATS" --name "${BIG}p1" --ns "$P-x" --naive "$WORK/naive-${BIG}p1.nft" \
		--sgd-file "$WORK/sgd-${BIG}p1.nft"
else
	echo "   nft -f cannot read back sgd's table (no full-load or kernel-memory comparison):" >&2
	head -5 "$WORK/nft-f.err" >&2
	exit 1
fi

say "done: JSON lines in $OUT"
