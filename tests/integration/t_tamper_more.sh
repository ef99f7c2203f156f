#!/usr/bin/env bash
# Tamper repair beyond flush/delete table (t_tamper.sh): an element deleted
# from sgd's sets and maps, an accept rule inserted into a nic chain, a
# chain flushed, the base chain's policy or hook priority changed, the
# table made dormant, a foreign chain jumping into sgd's chains, a table
# recreated by someone else while sgd is stopped, and tampering during a
# burst of API mutations.  Each is undone: sgd logs the repair and packets
# prove it.  Mutations racing a tamper (driven by sgd's test hook: the
# mutation is held between its database write and its kernel batch while
# the test tampers) answer correctly; afterwards the kernel table equals a
# fresh compile of the database (host mode).  Repair latencies are logged,
# never asserted: make bench measures speed.
. "$(dirname "$0")/lib.sh"
T_ALLOW_FALLBACK=1 # this test tampers: refused incremental batches are expected
setup_host 1
A=$(new_group tamperguard)
B=$(new_group tamperfriends)
NIC=$(new_nic h1 "$(host_ip4 1)" "$(host_ip6 1)" "$A")
X=$(new_nic "" 203.0.113.9 "" "$B")
H=$(host_ip4 1) H6=$(host_ip6 1)
PL=$(ctl_get PrefixListId create-prefix-list PrefixListName=tamperpl AddressFamily=IPv4 MaxEntries=20 \
	Entry.1.Cidr=198.51.100.0/28)
authorize "$A" SourceCidrIp=203.0.113.0/24 IpProtocol=TCP PortRange=22/22
authorize "$A" Ipv6SourceCidrIp=2001:db8:a::/48 IpProtocol=UDP PortRange=53/53
authorize "$A" SourceGroupId="$B" IpProtocol=TCP PortRange=5000/5000
authorize "$A" SourcePrefixListId="$PL" IpProtocol=TCP PortRange=6000/6000
authorize "$A" SourceCidrIp=192.0.2.128/25 IpProtocol=TCP PortRange=23/23 Policy=Drop Priority=1
authorize "$A" SourceCidrIp=192.0.2.0/24 IpProtocol=TCP PortRange=23/23 Priority=2

verdicts() {
	batch_add pass tcp 203.0.113.5 "$H" - 22
	batch_add drop tcp 203.0.113.5 "$H" - 24
	batch_add pass udp 2001:db8:a::5 "$H6" - 53
	batch_add drop udp 2001:db8:b::5 "$H6" - 53
	batch_add pass tcp 203.0.113.9 "$H" - 5000
	batch_add drop tcp 203.0.113.10 "$H" - 5000
	batch_add pass tcp 198.51.100.3 "$H" - 6000
	batch_add drop tcp 198.51.100.30 "$H" - 6000
	batch_add drop tcp 192.0.2.200 "$H" - 23
	batch_add pass tcp 192.0.2.100 "$H" - 23
}
t0=$(date +%s%N)
batch_begin; verdicts; batch_run "before"
PROBE_MS=$((($(date +%s%N) - t0) / 1000000))

# ---- helpers ----

table_json() { sgd_nft -j list table inet sgd; }
set_names() { table_json | jq -r '.nftables[] | (.set? // .map? // empty) | .name'; }
chain_names() { table_json | jq -r '.nftables[] | .chain? // empty | select(.hook == null) | .name'; }
nic_chain() { chain_names | grep '^nic-' | grep -vE -- '-[46]$' | head -n1; }  # not a family chain
base_chain() { table_json | jq -r '.nftables[] | .chain? // empty | select(.hook) | .name' | head -n1; }
njson() { sgd_nft -j -f - <<<"{\"nftables\": [$1]}"; }

# The table without what differs between equal rulesets (handles, counters,
# listing order of objects and of set elements).

# Runs TAMPER (a function), waits for sgd's repair, proves it with packets
# and records the time from the tamper to right verdicts (for the log).
LAT=()
tamper_case() { # LABEL TAMPER
	local t0 t1 n
	n=$(repairs_logged)
	t0=$(date +%s%N)
	"$2" || { fail "$1: the tamper itself failed"; return; }
	if expect_repaired "$n" "repaired: $1" verdicts; then
		t1=$(date +%s%N)
		LAT+=($(((t1 - t0) / 1000000)))
	fi
}

# ---- single tampers ----

first_elem_json() { # SET: the delete command for its first element
	table_json | jq -c --arg s "$1" '.nftables[] | (.set? // .map? // empty) | select(.name == $s)
		| {delete: {element: {family: "inet", table: "sgd", name: $s,
			elem: [.elem[0] | if type == "object" and has("elem") then .elem.val
				elif type == "array" then .[0] else . end]}}}'
}
del_first_elem() { # SET
	local cmd
	cmd=$(first_elem_json "$1")
	[ -n "$cmd" ] || { echo "no element in $1" >&2; return 1; }
	njson "$cmd"
}
del_rule_elem() { del_first_elem "$(set_names | grep -E '^c4[pq]-' | head -n1)"; }
del_nics_elem() { del_first_elem nics; }
del_member_elem() { del_first_elem "m4-$B"; }
del_pl_elem() { del_first_elem "$PL"; }
insert_accept() { sgd_nft insert rule inet sgd "$(nic_chain)" accept; }
flush_nic_chain() { sgd_nft flush chain inet sgd "$(nic_chain)"; }
flush_group_chains() {
	local c
	for c in $(chain_names | grep '^g-'); do sgd_nft flush chain inet sgd "$c" || return 1; done
}
policy_drop() { njson "{\"add\": {\"chain\": {\"family\": \"inet\", \"table\": \"sgd\", \"name\": \"$(base_chain)\", \"type\": \"filter\", \"hook\": \"input\", \"prio\": 0, \"policy\": \"drop\"}}}"; }
delete_base_rule() {
	local h
	h=$(table_json | jq -r --arg c "$(base_chain)" '.nftables[] | .rule? // empty | select(.chain == $c) | .handle' | head -n1)
	njson "{\"delete\": {\"rule\": {\"family\": \"inet\", \"table\": \"sgd\", \"chain\": \"$(base_chain)\", \"handle\": $h}}}"
}
dormant() { sgd_nft add table inet sgd '{ flags dormant; }'; }
foreign_chain() {
	# A foreign base chain inside sgd's table that accepts everything first.
	sgd_nft -f - <<-EOF
		add chain inet sgd intruder { type filter hook input priority -10; policy accept; }
		add rule inet sgd intruder tcp dport 24 accept
	EOF
}
elem_add() { sgd_nft add element inet sgd "m4-$B" '{ 203.0.113.10 }'; }

tamper_case "an element deleted from a rule set" del_rule_elem
tamper_case "an element deleted from the nics map" del_nics_elem
tamper_case "an element deleted from a member set" del_member_elem
tamper_case "an element deleted from a prefix-list set" del_pl_elem
tamper_case "an element added to a member set" elem_add
tamper_case "an accept rule inserted into a nic chain" insert_accept
tamper_case "a nic chain flushed" flush_nic_chain
tamper_case "every group chain flushed" flush_group_chains
tamper_case "the base chain's policy set to drop" policy_drop
tamper_case "the dispatch rule deleted" delete_base_rule
tamper_case "the table made dormant" dormant
tamper_case "a foreign base chain added to table inet sgd" foreign_chain
# Kernel-side repair latency: a nic chain flushed, then polled until its
# default drop is back (no probes in the loop).
KLAT=()
for ((i = 0; i < 10; i++)); do
	c=$(nic_chain)
	t0=$(date +%s%N)
	sgd_nft flush chain inet sgd "$c"
	wait_until "$HANG_MS" sh -c "ip netns exec '$PFX$SGD_NS' nft list chain inet sgd '$c' | grep -q 'default drop'" ||
		fail "chain flush $i: not repaired within ${HANG_MS}ms"
	KLAT+=($((($(date +%s%N) - t0) / 1000000)))
done
ksorted=$(printf '%s\n' "${KLAT[@]}" | sort -n)
log "kernel-side repair latency over 10 chain flushes in ms: min $(head -n1 <<<"$ksorted")" \
	"median $(sed -n 5p <<<"$ksorted") max $(tail -n1 <<<"$ksorted")"
assert_eq "every chain flush was repaired" 10 "${#KLAT[@]}"
if sgd_nft list chain inet sgd intruder >/dev/null 2>&1; then
	fail "the intruder chain survived the repair"
else
	ok "the intruder chain is gone"
fi
assert_eq "policy back to accept" accept \
	"$(table_json | jq -r '.nftables[] | .chain? // empty | select(.hook) | .policy')"

# ---- mutations racing a tamper ----
# Deterministic race: sgd's test hook holds the mutation between its
# database write and its kernel batch, with the writers' lock held; the
# tamper lands then, and its repair has to wait for the mutation.  The
# mutation's incremental batch meets a kernel that differs from what sgd
# applied; it must still answer success and take effect.  FALLBACK=1: the
# tamper removed an object the batch touches, so the batch must be refused
# and the dataplane must fall back to a full replace (logged).
race() { # LABEL FALLBACK TAMPER SGCTL-ARGS...: the call must answer success
	local label=$1 want_fb=$2 tamper=$3 cp f0; shift 3
	f0=$(fallbacks)
	hold_arm
	"$SGCTL_BIN" --socket "$SGD_SOCK" "$@" >"$T_TMP/race.out" 2>&1 &
	cp=$!
	T_PIDS+=("$cp")
	if ! hold_wait; then
		fail "$label: the mutation never reached the test hook"
		rm -f "$SGD_HOLD/arm"
		wait "$cp"
		return
	fi
	"$tamper" >"$T_TMP/tamper.out" 2>&1 || fail "$label: the tamper failed: $(cat "$T_TMP/tamper.out")"
	hold_release || fail "$label: sgd did not take the release"
	if wait "$cp"; then ok "$label: answered success"
	else fail "$label: $(cat "$T_TMP/race.out")"; fi
	if [ "$want_fb" == 1 ]; then
		[ "$(fallbacks)" -gt "$f0" ] && ok "$label: the refused batch fell back to a full replace" ||
			fail "$label: the dataplane's fallback was not reached"
	fi
}
fallbacks() { grep -c 'replaced it whole' "$SGD_LOG"; }
f0=$(fallbacks)
authorize "$A" SourceCidrIp=203.0.113.0/24 IpProtocol=TCP PortRange=7000/7000
expect_pass tcp 203.0.113.5 "$H" - 7000
del_7000() { # the very element the revoke below removes
	local s cmd
	s=$(set_names | grep -E '^c4[pq]-' | head -n1)
	cmd=$(table_json | jq -c --arg s "$s" '.nftables[] | .set? // empty | select(.name == $s)
		| {delete: {element: {family: "inet", table: "sgd", name: $s,
			elem: [.elem[] | .elem.val | select(.concat[-1] == 7000)]}}}')
	njson "$cmd"
}
race "revoke racing the deletion of its element" 1 del_7000 revoke-security-group "$A" \
	Permissions.1.SourceCidrIp=203.0.113.0/24 Permissions.1.IpProtocol=TCP Permissions.1.PortRange=7000/7000
race "authorize racing a flushed nic chain" 0 flush_nic_chain authorize-security-group "$A" \
	Permissions.1.SourceCidrIp=203.0.113.0/24 Permissions.1.IpProtocol=TCP Permissions.1.PortRange=7001/7001
race "a join racing the deletion of the nics map element" 0 del_nics_elem join-security-group \
	NetworkInterfaceId="$NIC" SecurityGroupId="$B"
G=$(new_group tamperracer)
foreign_ref() { # a rule of someone else's that uses G's member set
	njson "{\"add\": {\"rule\": {\"family\": \"inet\", \"table\": \"sgd\", \"chain\": \"$(nic_chain)\", \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip\", \"field\": \"saddr\"}}, \"right\": \"@m4-$G\"}}, {\"accept\": null}]}}}"
}
race "DeleteSecurityGroup racing a foreign rule that uses its set" 1 foreign_ref delete-security-group "$G"
race "a prefix-list edit racing the deletion of its element" 0 del_pl_elem modify-prefix-list "$PL" \
	AddEntry.1.Cidr=198.51.100.64/28
log "races: $(($(fallbacks) - f0)) mutations fell back to a full replace"
race_verdicts() {
	verdicts
	batch_add drop tcp 203.0.113.5 "$H" - 7000
	batch_add pass tcp 203.0.113.5 "$H" - 7001
	batch_add pass tcp 198.51.100.70 "$H" - 6000
}
expect_eventually "packets after the races" race_verdicts
check_full_equals_incremental "after the races"
revoke "$A" SourceCidrIp=203.0.113.0/24 IpProtocol=TCP PortRange=7001/7001
ctl leave-security-group NetworkInterfaceId="$NIC" SecurityGroupId="$B" >/dev/null

# ---- tampering during a burst of API mutations ----
declare -A WANT=()
burst() { # writes "ok PORT auth|revoke" or "err ..." lines
	local i p
	for ((i = 0; i < 80; i++)); do
		p=$((8000 + i % 20))
		if [ $((i / 20 % 2)) -eq 0 ]; then op=authorize; else op=revoke; fi
		if out=$("$SGCTL_BIN" --socket "$SGD_SOCK" "$op-security-group" "$A" \
			Permissions.1.SourceCidrIp=203.0.113.0/24 Permissions.1.IpProtocol=TCP \
			Permissions.1.PortRange=$p/$p Permissions.2.Ipv6SourceCidrIp=2001:db8:a::/48 \
			Permissions.2.IpProtocol=TCP Permissions.2.PortRange=$p/$p 2>&1); then
			echo "ok $p $op"
		else
			echo "err $p $op $out"
		fi
	done >"$T_TMP/burst.log"
}
burst &
bp=$!
T_PIDS+=("$bp")
tampers=0
t_end=$((SECONDS + 20))
while kill -0 "$bp" 2>/dev/null && [ $SECONDS -lt $t_end ]; do
	case $((tampers % 6)) in
	0) del_rule_elem ;;
	1) flush_nic_chain ;;
	2) insert_accept ;;
	3) del_nics_elem ;;
	4) flush_group_chains ;;
	5) policy_drop ;;
	esac >/dev/null 2>&1
	tampers=$((tampers + 1))
	sleep 0.0$((RANDOM % 5))
done
wait "$bp"
errs=$(grep -c '^err' "$T_TMP/burst.log")
assert_eq "burst: every mutation answered success during $tampers tampers" 0 "$errs"
[ "$errs" -eq 0 ] || grep '^err' "$T_TMP/burst.log" | head -n 5 >&2
# Ports 8000-8019: authorized by calls 0-19 and 40-59, revoked by 20-39
# and 60-79, so the last word on each is a revoke: the 6 rules of the start.
rules=$(rule_ids "$A" | wc -l)
assert_eq "burst: the database holds the rules it should" 6 "$rules" ||
	ctl describe-security-group-attribute "$A" | jq -c '.Permissions.Permission[] | [.SourceCidrIp, .Ipv6SourceCidrIp, .PortRange]' >&2
burst_verdicts() {
	verdicts
	batch_add drop tcp 203.0.113.5 "$H" - 8000
	batch_add drop tcp 2001:db8:a::7 "$H6" - 8019
}
expect_eventually "repaired after the burst" burst_verdicts
check_full_equals_incremental "after the burst"

# ---- a table recreated by someone else while sgd is stopped ----
stop_sgd TERM
sgd_nft delete table inet sgd
sgd_nft add table inet sgd
sgd_nft add chain inet sgd dispatch '{ type filter hook input priority 0; policy accept; }'
sgd_nft add rule inet sgd dispatch accept
sgd_nft add set inet sgd "m4-$B" '{ type ipv4_addr; }'
expect_pass tcp 203.0.113.5 "$H" - 24
start_sgd host host
batch_begin; verdicts; batch_run "after start on a table recreated by someone else"
check_full_equals_incremental "after start on a foreign table"

stop_sgd TERM
sgd_nft delete table inet sgd
sgd_nft add table inet sgd '{ flags dormant; }'
start_sgd host host
batch_begin; verdicts; batch_run "after start on a dormant table"

kill -0 "$SGD_PID" 2>/dev/null && ok "sgd still running" || fail "sgd died"
sorted=$(printf '%s\n' "${LAT[@]}" | sort -n)
log "repair latency (tamper to right verdicts, incl. one ${PROBE_MS}ms probe batch) in ms:" \
	"min $(head -n1 <<<"$sorted") median $(sed -n "$(((${#LAT[@]} + 1) / 2))p" <<<"$sorted") max $(tail -n1 <<<"$sorted")"
finish
