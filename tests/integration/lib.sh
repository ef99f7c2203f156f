# lib.sh - namespace harness for sgd's packet tests.  Source it from a test:
#   . "$(dirname "$0")/lib.sh"
# Everything it creates carries the prefix $PFX (sgdt<pid>-) and is removed by
# an EXIT trap, also when the test fails or is interrupted.  Addresses are
# documentation ranges only: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24,
# 2001:db8::/32.
set -u

LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$LIB_DIR/../.." && pwd)
SGD_BUILD=${SGD_BUILD:-build}
case $SGD_BUILD in /*) ;; *) SGD_BUILD=$REPO/$SGD_BUILD ;; esac
PROBE=${PROBE:-$SGD_BUILD/tests/tools/probe}
SGD_BIN=${SGD_BIN:-$SGD_BUILD/sgd}
SGCTL_BIN=${SGCTL_BIN:-$SGD_BUILD/sgctl}
PFX=${PFX:-sgdt$$-}
T_NAME=$(basename "${0%.sh}")
T_TMP=$(mktemp -d "/tmp/${PFX}XXXX")
T_FAILS=0
T_CHECKS=0
T_NS=()        # namespaces we created (full names)
T_PIDS=()      # processes we started
SGD_PID=""
SGD_NS=""
SGD_SOCK=""
SGD_LOG=""
NEXT_ID=1
NEXT_PORT=20000
# Waits for an event are bounded only to catch hangs: tests never assert
# speed (make bench measures it), so a slow or busy machine passes.
HANG_MS=${HANG_MS:-60000}

# ---- reporting ----

log() { printf '[%s] %s\n' "$T_NAME" "$*"; }

fail() {
	T_FAILS=$((T_FAILS + 1))
	printf '[%s] FAIL: %s\n' "$T_NAME" "$*" >&2
}

ok() {
	T_CHECKS=$((T_CHECKS + 1))
	printf '[%s] ok: %s\n' "$T_NAME" "$*"
}

# Stop the test at once: the trap still cleans up.
die() {
	printf '[%s] FATAL: %s\n' "$T_NAME" "$*" >&2
	# Inside $(...) exit would only leave the subshell: stop the test too.
	[ "$BASHPID" == "$$" ] || kill -USR1 "$$"
	exit 1
}

# Last line of every test.  Unless the test tampers with the kernel
# (T_ALLOW_FALLBACK=1), sgd's incremental batches must all have been
# accepted: a refused one means the compiler or the batch order is wrong.
finish() {
	if [ -z "${T_ALLOW_FALLBACK:-}" ] && grep -q 'replaced it whole' "$T_TMP"/sgd-*.log 2>/dev/null; then
		fail "the kernel refused an incremental batch although nobody tampered:" \
			"$(grep -h 'replaced it whole' "$T_TMP"/sgd-*.log | head -n 3)"
	fi
	if [ "$T_FAILS" -gt 0 ]; then
		log "$T_FAILS failure(s), $T_CHECKS check(s) passed"
		exit 1
	fi
	[ "$T_CHECKS" -gt 0 ] || die "no check ran: a test that checks nothing is a defect"
	log "all $T_CHECKS checks passed"
	exit 0
}

assert_eq() { # WHAT EXPECTED ACTUAL
	if [ "$2" == "$3" ]; then ok "$1"; else fail "$1: expected '$2', got '$3'"; return 1; fi
}

assert_match() { # WHAT REGEX TEXT
	if [[ $3 =~ $2 ]]; then ok "$1"; else fail "$1: '$3' does not match /$2/"; fi
}

# ---- prerequisites: missing ones fail loudly, never skip ----

need_root() {
	[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, nftables)"
	command -v ip >/dev/null || die "needs iproute2 (ip)"
	command -v nft >/dev/null || die "needs nftables (nft)"
	[ -x "$PROBE" ] || die "probe tool missing: $PROBE (make BUILD=... tools)"
}

need_sgd() {
	need_root
	[ -x "$SGD_BIN" ] || die "sgd missing: $SGD_BIN"
	[ -x "$SGCTL_BIN" ] || die "sgctl missing: $SGCTL_BIN"
	command -v jq >/dev/null || die "needs jq"
}

need_cmd() { for c; do command -v "$c" >/dev/null || die "needs $c"; done; }

# A V1-signed query string (tests/integration/sign_v1.py).
v1_query() { # KEY_ID SECRET [--ahead SECONDS] ACTION [KEY=VALUE...]
	python3 "$LIB_DIR/sign_v1.py" "$@"
}

# ---- cleanup ----

cleanup() {
	local pid ns
	for pid in "${T_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${T_PIDS[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	for ns in "${T_NS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	if [ "$T_FAILS" -gt 0 ] && [ -n "${SGD_LOG:-}" ] && [ -s "$SGD_LOG" ]; then
		echo "---- last lines of sgd log $SGD_LOG ----" >&2
		tail -n 30 "$SGD_LOG" >&2
	fi
	# A sanitizer report from any sgd we ran fails the test, whatever it
	# checked (make san-check runs this suite against ASan/UBSan builds).
	local san
	san=$(grep -hE -A12 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$T_TMP"/sgd-*.log 2>/dev/null | head -n 40)
	[ -n "${KEEP_TMP:-}" ] || rm -rf "$T_TMP"
	if [ -n "$san" ]; then
		printf '[%s] FAIL: sanitizer report from sgd:\n%s\n' "$T_NAME" "$san" >&2
		exit 1
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'exit 1' USR1

# ---- namespaces and links ----

nsx() { local ns=$1; shift; ip netns exec "$PFX$ns" "$@"; }

ns_add() { # NAME: a namespace with loopback up and no reverse-path filter
	local ns=$PFX$1
	ip netns add "$ns" || die "ip netns add $ns failed"
	T_NS+=("$ns")
	ip -n "$ns" link set lo up
	# Probes carry any source address: no reverse-path filter, sources that
	# are local addresses accepted, no duplicate address detection waits.
	nsx "$1" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
		net.ipv4.conf.all.accept_local=1 net.ipv4.conf.default.accept_local=1 \
		net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 \
		net.ipv6.conf.default.accept_ra=0 net.ipv6.conf.all.accept_ra=0 \
		net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0 >/dev/null ||
		die "sysctl in $ns failed"
}

ns_forwarding() { # NAME
	nsx "$1" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 >/dev/null ||
		die "cannot turn forwarding on in $1"
}

veth() { # NS1 IF1 NS2 IF2: a veth pair, both ends up
	ip link add "$2" netns "$PFX$1" type veth peer name "$4" netns "$PFX$3" ||
		die "veth $1/$2 - $3/$4 failed"
	nsx "$1" sysctl -qw "net.ipv4.conf.$2.rp_filter=0" "net.ipv4.conf.$2.accept_local=1" >/dev/null
	nsx "$3" sysctl -qw "net.ipv4.conf.$4.rp_filter=0" "net.ipv4.conf.$4.accept_local=1" >/dev/null
	ip -n "$PFX$1" link set "$2" up
	ip -n "$PFX$3" link set "$4" up
}

addr() { # NS IF ADDR/LEN...
	local ns=$1 dev=$2 a; shift 2
	for a; do
		case $a in
		*:*) ip -n "$PFX$ns" -6 addr add "$a" dev "$dev" nodad || die "addr $a on $ns/$dev" ;;
		*) ip -n "$PFX$ns" addr add "$a" dev "$dev" || die "addr $a on $ns/$dev" ;;
		esac
	done
}

# Every address in PREFIX is local in NS (AnyIP): probes may target any of
# them and still reach the input hook and the raw sockets.
anyip() { # NS PREFIX...
	local ns=$1 p; shift
	for p; do
		case $p in
		*:*) ip -n "$PFX$ns" -6 route add local "$p" dev lo || die "anyip $p in $ns" ;;
		*) ip -n "$PFX$ns" route add local "$p" dev lo || die "anyip $p in $ns" ;;
		esac
	done
}

# Runs CMD in namespace NS in the background, bounded to 30s, output to a
# log; the PID recorded is the command's own (ip netns exec and timeout exec
# or forward signals), so the cleanup really stops it.
bg_in() { # NS CMD...
	local ns=$1; shift
	ip netns exec "$PFX$ns" timeout 30 "$@" >>"$T_TMP/bg.log" 2>&1 </dev/null &
	T_PIDS+=($!)
}

mac_of() { nsx "$1" cat "/sys/class/net/$2/address"; }

# Permanent neighbour entry so bulk forwarded probes never wait for ARP/ND.
neigh() { # NS DEV ADDR PEER_NS PEER_DEV
	ip -n "$PFX$1" neigh replace "$3" lladdr "$(mac_of "$4" "$5")" dev "$2" nud permanent ||
		die "neigh $3 in $1"
}

# Host mode: namespace "host" (sgd runs there) with one veth h<i> per client
# namespace c<i> (interface c<i>).  Link i: host 192.0.2.(16i+1)/28 and
# 2001:db8:<i>::1/64, client .(16i+2) and ::2.  The host also answers for
# 198.51.100.0/24 and 2001:db8:ff::/64 (AnyIP) so rules with destination
# ranges can be probed.
topo_host() { # NCLIENTS
	local n=${1:-1} i
	ns_add host
	anyip host 198.51.100.0/24 2001:db8:ff::/64
	for ((i = 1; i <= n; i++)); do
		ns_add "c$i"
		veth "c$i" "c$i" host "h$i"
		addr host "h$i" "192.0.2.$((16 * i + 1))/28" "2001:db8:$i::1/64"
		addr "c$i" "c$i" "192.0.2.$((16 * i + 2))/28" "2001:db8:$i::2/64"
	done
	path_host 1
}

host_ip4() { echo "192.0.2.$((16 * $1 + 1))"; }
host_ip6() { echo "2001:db8:$1::1"; }
client_ip4() { echo "192.0.2.$((16 * $1 + 2))"; }
client_ip6() { echo "2001:db8:$1::2"; }

# Adds host link i later (for the "interface appears after its record" test).
topo_host_link() { # I
	local i=$1
	ns_add "c$i"
	veth "c$i" "c$i" host "h$i"
	addr host "h$i" "192.0.2.$((16 * i + 1))/28" "2001:db8:$i::1/64"
	addr "c$i" "c$i" "192.0.2.$((16 * i + 2))/28" "2001:db8:$i::2/64"
}

# Routed mode: client ns "cl" (c0) - router ns "rt" (r0; sgd runs there,
# forwarding) - one ns vm<i> per VM (eth0), the router's side is tap<i>, the
# managed HostDevice.  cl 192.0.2.2/24, 2001:db8:1::2; rt 192.0.2.1,
# 2001:db8:1::1; tap<i> 198.51.100.(16i+1)/28 and 2001:db8:1<i>::1/64, vm<i>
# .(16i+2) and ::2.  VM 1 also owns 203.0.113.0/24 and 2001:db8:ff::/64
# (routed to it, AnyIP there) for destination-range probes.
topo_routed() { # NVMS
	local n=${1:-1} i
	ns_add cl
	ns_add rt
	ns_forwarding rt
	veth cl c0 rt r0
	addr cl c0 192.0.2.2/24 2001:db8:1::2/64
	addr rt r0 192.0.2.1/24 2001:db8:1::1/64
	ip -n "${PFX}cl" route add default via 192.0.2.1
	ip -n "${PFX}cl" -6 route add default via 2001:db8:1::1
	for ((i = 1; i <= n; i++)); do
		topo_routed_vm "$i"
	done
	ip -n "${PFX}rt" route add 203.0.113.0/24 via "$(vm_ip4 1)" dev tap1
	ip -n "${PFX}rt" -6 route add 2001:db8:ff::/64 via "$(vm_ip6 1)" dev tap1
	anyip vm1 203.0.113.0/24 2001:db8:ff::/64
	neigh cl c0 192.0.2.1 rt r0
	neigh cl c0 2001:db8:1::1 rt r0
	path_routed 1
}

topo_routed_vm() { # I
	local i=$1
	ns_add "vm$i"
	veth rt "tap$i" "vm$i" eth0
	addr rt "tap$i" "198.51.100.$((16 * i + 1))/28" "2001:db8:1$i::1/64"
	addr "vm$i" eth0 "$(vm_ip4 "$i")/28" "$(vm_ip6 "$i")/64"
	ip -n "${PFX}vm$i" route add default via "198.51.100.$((16 * i + 1))"
	ip -n "${PFX}vm$i" -6 route add default via "2001:db8:1$i::1"
	neigh rt "tap$i" "$(vm_ip4 "$i")" "vm$i" eth0
	neigh rt "tap$i" "$(vm_ip6 "$i")" "vm$i" eth0
	neigh "vm$i" eth0 "198.51.100.$((16 * i + 1))" rt "tap$i"
	neigh "vm$i" eth0 "2001:db8:1$i::1" rt "tap$i"
	neigh rt r0 192.0.2.2 cl c0
	neigh rt r0 2001:db8:1::2 cl c0
}

vm_ip4() { echo "198.51.100.$((16 * $1 + 2))"; }
vm_ip6() { echo "2001:db8:1$1::2"; }

# ---- probe paths: where probes are injected and where they are counted ----

P_SEND_NS="" P_SEND_DEV="" P_DMAC="" P_RECV_NS=""

set_path() { # SEND_NS SEND_DEV PEER_NS PEER_DEV RECV_NS
	P_SEND_NS=$1 P_SEND_DEV=$2 P_DMAC=$(mac_of "$3" "$4") P_RECV_NS=$5
	[ -n "$P_DMAC" ] || die "no MAC for $3/$4"
}
path_host() { set_path "c$1" "c$1" host "h$1" host; }          # client i -> host
path_routed() { set_path cl c0 rt r0 "vm$1"; }                   # client -> vm i
path_vm2vm() { set_path "vm$1" eth0 rt "tap$1" "vm$2"; }         # vm i -> vm j

# ---- probes ----

B_LIST="" B_WANT=() B_DESC=()

batch_begin() {
	B_LIST=$T_TMP/batch.$NEXT_ID
	: >"$B_LIST"
	B_WANT=() B_DESC=()
}

# VERDICT(pass|drop) PROTO SRC DST [SPORT|- [DPORT|-]]: unset ports get a
# fresh source port, so every probe is a new conntrack flow.
batch_add() {
	local want=$1 proto=$2 src=$3 dst=$4 sport=${5:--} dport=${6:--}
	if [ "$sport" == - ]; then sport=$NEXT_PORT; NEXT_PORT=$((NEXT_PORT + 1)); fi
	[ "$NEXT_PORT" -lt 65000 ] || NEXT_PORT=20000
	echo "$NEXT_ID $proto $src $dst $sport $dport" >>"$B_LIST"
	B_WANT[$NEXT_ID]=$want
	B_DESC[$NEXT_ID]="$proto $src:$sport -> $dst:$dport"
	NEXT_ID=$((NEXT_ID + 1))
}

# Sends the batch along the current path; one ok/FAIL line per probe.
# LABEL names the step.  Returns 1 if any verdict was wrong.
batch_run() { # LABEL [quiet]
	local label=$1 quiet=${2:-} out id got bad=0
	out=$("$PROBE" run --send-ns "$PFX$P_SEND_NS" --dev "$P_SEND_DEV" --dmac "$P_DMAC" \
		--recv-ns "$PFX$P_RECV_NS" --file "$B_LIST" 2>"$T_TMP/probe.err") ||
		{ fail "$label: probe failed: $(cat "$T_TMP/probe.err")"; return 1; }
	while read -r id got; do
		if [ "$got" == "${B_WANT[$id]}" ]; then
			[ -n "$quiet" ] || ok "$label: ${B_DESC[$id]} $got"
		else
			[ -n "$quiet" ] || fail "$label: ${B_DESC[$id]}: expected ${B_WANT[$id]}, got $got"
			bad=1
		fi
	done <<<"$out"
	return $bad
}

expect() { # VERDICT PROTO SRC DST [SPORT [DPORT]]  (one probe, one check)
	batch_begin
	batch_add "$@"
	batch_run "$P_SEND_NS->$P_RECV_NS"
}
expect_pass() { expect pass "$@"; }
expect_drop() { expect drop "$@"; }

# Retries a whole batch until every verdict is right (for changes that take
# effect asynchronously, e.g. the end of a burst of tampering), bounded by
# HANG_MS.  Each try builds fresh probes through the function BUILDER.
expect_eventually() { # LABEL BUILDER
	local label=$1 builder=$2 end
	end=$(($(date +%s%N) / 1000000 + HANG_MS))
	while :; do
		batch_begin
		"$builder"
		if batch_run "$label" quiet; then
			ok "$label"
			return 0
		fi
		if [ "$(($(date +%s%N) / 1000000))" -ge "$end" ]; then
			batch_begin; "$builder"
			batch_run "$label"   # once more, loudly, to show what is wrong
			fail "$label: still wrong after ${HANG_MS}ms"
			return 1
		fi
		sleep 0.05
	done
}

# Tamper repair is observable in sgd's log: each repair ends with this line.
repairs_logged() { grep -c 'repair: table inet sgd replaced' "$SGD_LOG"; }
wait_repair() { # N: until more than N repairs were logged
	wait_until "$HANG_MS" bash -c "[ \$(grep -c 'repair: table inet sgd replaced' '$SGD_LOG') -gt $1 ]"
}
# After a tamper: sgd logged a repair (N = repairs_logged before the tamper),
# and the packets are right again.
expect_repaired() { # N LABEL BUILDER
	wait_repair "$1" || { fail "$2: no repair logged within ${HANG_MS}ms"; return 1; }
	expect_eventually "$2" "$3"
}

# ---- sgd ----

# Starts sgd in namespace NS, waits for its socket to answer.
# Its test hook (hold_*) lives in $SGD_HOLD.
start_sgd() { # NS MODE [extra sgd args...]
	local ns=$1 mode=$2 end; shift 2
	SGD_NS=$ns
	SGD_SOCK=$T_TMP/sgd-$ns.sock
	SGD_LOG=$T_TMP/sgd-$ns.log
	SGD_HOLD=$T_TMP/hold-$ns
	mkdir -p "$T_TMP/state-$ns" "$SGD_HOLD"
	[ -p "$SGD_HOLD/held" ] || mkfifo "$SGD_HOLD/held" "$SGD_HOLD/release"
	# The tests bind devices of any name (h1, tap1): allow every name (lo and
	# the default route's device stay refused).  A test may bring SGD_CONF.
	[ -n "${SGD_CONF:-}" ] || { SGD_CONF=$T_TMP/sgd.conf; echo 'host_devices = *' >"$SGD_CONF"; }
	SGD_TEST_HOLD_DIR=$SGD_HOLD ip netns exec "$PFX$ns" "$SGD_BIN" --config "$SGD_CONF" \
		--state-dir "$T_TMP/state-$ns" --socket "$SGD_SOCK" --mode "$mode" "$@" >>"$SGD_LOG" 2>&1 &
	SGD_PID=$!
	T_PIDS+=("$SGD_PID")
	end=$(($(date +%s%N) / 1000000 + HANG_MS))
	while [ "$(($(date +%s%N) / 1000000))" -lt "$end" ]; do
		kill -0 "$SGD_PID" 2>/dev/null || { tail -n 20 "$SGD_LOG" >&2; die "sgd exited at start"; }
		if [ -S "$SGD_SOCK" ] && "$SGCTL_BIN" --socket "$SGD_SOCK" describe-security-groups \
			>/dev/null 2>&1; then
			log "sgd pid $SGD_PID up in $ns ($mode)"
			return 0
		fi
		sleep 0.1
	done
	tail -n 20 "$SGD_LOG" >&2
	die "sgd did not answer on $SGD_SOCK within ${HANG_MS}ms"
}

# The test hook (src/sgd/testhook.h): the next mutation stops between its
# database write and its kernel batch, holding the writers' lock, until
# hold_release.  hold_wait returns once it is held (bounded by HANG_MS).
hold_arm() { : >"$SGD_HOLD/arm"; }
hold_wait() {
	local point
	point=$(timeout "$((HANG_MS / 1000))" cat "$SGD_HOLD/held") && [ -n "$point" ]
}
hold_release() { timeout "$((HANG_MS / 1000))" sh -c "echo go >'$SGD_HOLD/release'"; }

stop_sgd() { # [SIGNAL]: TERM by default; waits for the process
	local sig=${1:-TERM} i
	[ -n "$SGD_PID" ] || return 0
	kill "-$sig" "$SGD_PID" 2>/dev/null
	wait_until "$HANG_MS" bash -c "! kill -0 $SGD_PID"
	kill -0 "$SGD_PID" 2>/dev/null && { kill -KILL "$SGD_PID"; fail "sgd ignored SIG$sig for ${HANG_MS}ms"; }
	wait "$SGD_PID" 2>/dev/null
	local rc=$?
	SGD_PID=""
	return $rc
}

# sgctl against the current sgd; prints its JSON.  An API error is a test
# failure (use ctl_err when an error is expected).
ctl() {
	local out rc
	out=$("$SGCTL_BIN" --socket "$SGD_SOCK" "$@" 2>"$T_TMP/ctl.err")
	rc=$?
	if [ $rc -ne 0 ]; then
		fail "sgctl $* -> exit $rc: $(cat "$T_TMP/ctl.err") $out"
		return 1
	fi
	printf '%s\n' "$out"
}

ctl_err() { # prints the error Code; fails the test if the call succeeded
	if "$SGCTL_BIN" --socket "$SGD_SOCK" "$@" >/dev/null 2>"$T_TMP/ctl.err"; then
		fail "sgctl $* succeeded, expected an error"
		return 1
	fi
	cat "$T_TMP/ctl.err"
}

# FIELD ACTION ARGS...: prints one field of the answer; dies when absent,
# since everything after would be meaningless.
ctl_get() {
	local field=$1 out v; shift
	out=$(ctl "$@") || die "cannot continue after: sgctl $*"
	v=$(jq -r --arg f "$field" '.[$f] // empty' <<<"$out")
	[ -n "$v" ] || die "sgctl $*: no $field in $out"
	printf '%s\n' "$v"
}

new_group() { # NAME [normal|enterprise] -> sg id
	ctl_get SecurityGroupId create-security-group SecurityGroupName="$1" VpcId=vpc-1 \
		SecurityGroupType="${2:-normal}"
}

# NIC record for a managed device (DEV may be "" for a remote NIC whose
# addresses only feed group-sourced rules).  Extra args: Key=Value.
new_nic() { # DEV IPV4 [IPV6|""] SG... -> eni id
	local dev=$1 ip4=$2 ip6=$3 i=1 args=(); shift 3
	[ -n "$dev" ] && args+=(HostDevice="$dev")
	[ -n "$ip4" ] && args+=(PrimaryIpAddress="$ip4")
	[ -n "$ip6" ] && args+=(Ipv6Addresses.1="$ip6")
	for sg; do args+=(SecurityGroupIds.$i="$sg"); i=$((i + 1)); done
	ctl_get NetworkInterfaceId create-network-interface VpcId=vpc-1 "${args[@]}"
}

# One permission: SG KEY=VALUE... (keys without the Permissions.1. prefix).
authorize() {
	local sg=$1 a args=(); shift
	for a; do args+=("Permissions.1.$a"); done
	ctl authorize-security-group "$sg" "${args[@]}" >/dev/null
}

revoke() {
	local sg=$1 a args=(); shift
	for a; do args+=("Permissions.1.$a"); done
	ctl revoke-security-group "$sg" "${args[@]}" >/dev/null
}

sgd_nft() { nsx "$SGD_NS" nft "$@"; }

# Polls CMD every 50ms for up to MS milliseconds; 0 as soon as it succeeds.
wait_until() { # MS CMD...
	local ms=$1 end; shift
	end=$(($(date +%s%N) / 1000000 + ms))
	until "$@" >/dev/null 2>&1; do
		[ "$(($(date +%s%N) / 1000000))" -lt "$end" ] || return 1
		sleep 0.05
	done
}

# SecurityGroupRuleIds of a group, one a line.
rule_ids() { # SG
	ctl describe-security-group-attribute "$1" | jq -r '.. | objects | .SecurityGroupRuleId? // empty'
}

# Handles of every rule in sgd's table, sorted: equal before and after a
# change means no rule was rewritten.
rule_handles() {
	sgd_nft -j list table inet sgd | jq -r '.nftables[] | .rule? // empty | .handle' | sort -n | tr '\n' ' '
}

sgd_base_chains() {
	sgd_nft -j list table inet sgd | jq -r '.nftables[] | .chain? // empty | select(.hook) | .name'
}

# The usual starts: topology + sgd in the enforcing namespace.
setup_host() { need_sgd; topo_host "${1:-1}"; start_sgd host host; }
setup_routed() { need_sgd; topo_routed "${1:-1}"; start_sgd rt routed; }

# sgd's table as canonical JSON: no handles, counters zeroed, sets, elements and
# chains sorted, so two listings compare equal when the rulesets are the same.
norm_table() {
	sgd_nft -j list table inet sgd | jq -S '[.nftables[] | select(.metainfo | not)] as $a | {
		table: [$a[] | .table? // empty | del(.handle)],
		chains: ([$a[] | .chain? // empty | del(.handle)] | sort_by(.name)),
		sets: ([$a[] | (.set? // .map? // empty) | del(.handle)
			| if .elem then .elem |= sort_by(tostring) else . end] | sort_by(.name)),
		rules: (reduce ($a[] | .rule? // empty) as $r ({};
			.[$r.chain] += [$r | del(.handle) | walk(if type == "object" and has("counter")
				then .counter = {} else . end)]))}'
}

sighup_count() { grep -c 'SIGHUP: table inet sgd replaced' "$SGD_LOG"; }

# The incrementally maintained table equals a full re-apply (SIGHUP) of the
# database: what sgd did step by step is what a fresh compile gives.
check_full_equals_incremental() { # LABEL
	local before after n
	before=$(norm_table) || { fail "$1: cannot list table inet sgd"; return; }
	n=$(sighup_count)
	kill -HUP "$SGD_PID"
	wait_until "$HANG_MS" bash -c "[ \$(grep -c 'SIGHUP: table inet sgd replaced' '$SGD_LOG') -gt $n ]" ||
		{ fail "$1: no SIGHUP re-apply logged"; return; }
	after=$(norm_table)
	if [ "$before" == "$after" ]; then
		ok "$1: kernel table equals a fresh compile of the database"
	else
		fail "$1: kernel table differs from a fresh compile of the database"
		diff <(echo "$before") <(echo "$after") | head -n 30 >&2
	fi
}
