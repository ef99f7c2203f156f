#!/usr/bin/env bash
# Crash consistency: a stream of mutations (authorize/revoke with two
# permissions a call, join/leave, prefix-list add+remove in one call, group
# creation) while sgd is killed with SIGKILL at random points, also during
# its start-up.  After every restart:
#  - every acknowledged call is in the database (Describe* shows it);
#  - the call in flight at the kill is all there or not there at all;
#  - a ClientToken retried after the crash answers as the first call did
#    (same SecurityGroupId, no second group) and a token of an acknowledged
#    call replays the same answer;
#  - packets follow the database, and the kernel table built by incremental
#    changes equals the one a SIGHUP re-applies from the database.
#   SEED=n (default: random, printed) ROUNDS=n (default 12)
. "$(dirname "$0")/lib.sh"
T_ALLOW_FALLBACK=1 # this test tampers: refused incremental batches are expected
need_sgd
SEED=${SEED:-$(( $(date +%s) % 100000 ))}
ROUNDS=${ROUNDS:-12}
log "seed $SEED (rerun with SEED=$SEED), $ROUNDS rounds"
RANDOM=$SEED
T_END=$((SECONDS + 50))

topo_host 1
start_sgd host host
H=$(host_ip4 1)
A=$(new_group crashguard)
B=$(new_group crashfriends)
C=$(new_group crashothers)
new_nic h1 "$H" "$(host_ip6 1)" "$A" >/dev/null
X=$(new_nic "" 203.0.113.9 "" "$C")
PL=$(ctl_get PrefixListId create-prefix-list PrefixListName=crashpl AddressFamily=IPv4 \
	MaxEntries=20 Entry.1.Cidr=203.0.113.0/28)
authorize "$A" SourceGroupId="$B" IpProtocol=TCP PortRange=5000/5000
authorize "$A" SourcePrefixListId="$PL" IpProtocol=TCP PortRange=6000/6000

# ---- expected state ----
declare -A AUTH=()      # port -> 1: TCP and UDP port/port from 203.0.113.128/25
declare -A PLE=([0]=1)  # k -> 1: entry 203.0.113.(16k)/28 in PL
JOINED=0                # X in B
declare -A GROUPS_OK=() # name -> SecurityGroupId answered
declare -A ANSWER=()    # token -> first answer without RequestId
LAST_TOKEN="" LAST_ARGS=()
OPNUM=0

sgctl_raw() { "$SGCTL_BIN" --socket "$SGD_SOCK" "$@" 2>>"$T_TMP/driver.err"; }
strip_rid() { jq -cS 'del(.RequestId)'; }

perm_args() { # PORT: the two permissions of one authorize/revoke call
	echo "Permissions.1.SourceCidrIp=203.0.113.128/25 Permissions.1.IpProtocol=TCP" \
		"Permissions.1.PortRange=$1/$1 Permissions.2.SourceCidrIp=203.0.113.128/25" \
		"Permissions.2.IpProtocol=UDP Permissions.2.PortRange=$1/$1"
}

# Picks the next operation into OP (type), OP_ARGS (sgctl words), OP_TOKEN
# and OP_KEY (what it changes).  Depends only on the expected state and
# RANDOM, so a seed replays the same stream.
pick_op() {
	local r=$((RANDOM % 100)) ports=("${!AUTH[@]}") k kk
	OPNUM=$((OPNUM + 1))
	OP_TOKEN="t$SEED-$OPNUM"
	if [ $r -lt 35 ] || { [ $r -lt 60 ] && [ ${#ports[@]} -eq 0 ]; }; then
		OP=auth OP_KEY=$((10000 + OPNUM))
		OP_ARGS=(authorize-security-group "$A" $(perm_args "$OP_KEY") ClientToken="$OP_TOKEN")
	elif [ $r -lt 60 ]; then
		OP=revoke OP_KEY=${ports[$((RANDOM % ${#ports[@]}))]}
		OP_ARGS=(revoke-security-group "$A" $(perm_args "$OP_KEY") ClientToken="$OP_TOKEN")
	elif [ $r -lt 75 ]; then
		if [ $JOINED -eq 1 ]; then OP=leave; else OP=join; fi
		OP_KEY="" OP_TOKEN=""
		OP_ARGS=("$OP-security-group" NetworkInterfaceId="$X" SecurityGroupId="$B")
	elif [ $r -lt 92 ] || [ ${#GROUPS_OK[@]} -ge 15 ]; then
		# add one absent entry and remove one present one, in one call
		k=$((RANDOM % 8)); while [ -n "${PLE[$k]:-}" ]; do k=$(((k + 1) % 8)); done
		OP=pl OP_KEY="$k"
		OP_ARGS=(modify-prefix-list "$PL" AddEntry.1.Cidr=203.0.113.$((16 * k))/28 ClientToken="$OP_TOKEN")
		kk=("${!PLE[@]}")
		if [ ${#kk[@]} -gt 0 ]; then
			kk=${kk[$((RANDOM % ${#kk[@]}))]}
			OP_KEY="$k $kk"
			OP_ARGS+=(RemoveEntry.1.Cidr=203.0.113.$((16 * kk))/28)
		fi
	else
		OP=create OP_KEY="crashg$OPNUM"
		OP_ARGS=(create-security-group SecurityGroupName="$OP_KEY" VpcId=vpc-1 ClientToken="$OP_TOKEN")
	fi
}

# The expected state after OP (ANSWER_JSON holds its answer).
apply_op() {
	case $OP in
	auth) AUTH[$OP_KEY]=1 ;;
	revoke) unset "AUTH[$OP_KEY]" ;;
	join) JOINED=1 ;;
	leave) JOINED=0 ;;
	pl) set -- $OP_KEY; PLE[$1]=1; [ -n "${2:-}" ] && unset "PLE[$2]" ;;
	create) GROUPS_OK[$OP_KEY]=$(jq -r .SecurityGroupId <<<"$ANSWER_JSON") ;;
	esac
}

# ---- what the database says (through the API) ----

OBS_AUTH="" OBS_JOINED="" OBS_PLE="" OBS_GROUPS=""
observe() {
	local out
	out=$(ctl describe-security-group-attribute "$A") || die "describe A failed"
	# "port tcp udp" per authorized port, so a half-applied call shows
	OBS_AUTH=$(jq -r '.Permissions.Permission[] | select(.SourceCidrIp == "203.0.113.128/25")
		| "\(.PortRange | split("/")[0]) \(.IpProtocol)"' <<<"$out" | sort -u |
		awk '{p[$1] = p[$1] " " $2} END {for (k in p) print k p[k]}' | sort -n)
	out=$(ctl describe-network-interfaces) || die "describe NICs failed"
	OBS_JOINED=$(jq -r --arg x "$X" --arg b "$B" '.NetworkInterfaceSets.NetworkInterfaceSet[]
		| select(.NetworkInterfaceId == $x) | .SecurityGroupIds.SecurityGroupId
		| if index([$b]) == null then 0 else 1 end' <<<"$out")
	out=$(ctl describe-prefix-list-attributes "$PL") || die "describe PL failed"
	OBS_PLE=$(jq -r '.Entries.Entry[].Cidr' <<<"$out" | sed -E 's#203\.0\.113\.([0-9]+)/28#\1#' |
		awk '{print $1 / 16}' | sort -n | tr '\n' ' ')
	out=$(ctl describe-security-groups PageSize=50) || die "describe groups failed"
	OBS_GROUPS=$(jq -r '.SecurityGroups.SecurityGroup[] | select(.SecurityGroupName | test("^crashg[0-9]+$"))
		| "\(.SecurityGroupName) \(.SecurityGroupId)"' <<<"$out" | sort)
}

exp_auth() {
	local p
	for p in "${!AUTH[@]}"; do echo "$p TCP UDP"; done | sort -n
}
exp_ple() { printf '%s\n' "${!PLE[@]}" | sort -n | tr '\n' ' '; }
exp_groups() {
	local g
	for g in "${!GROUPS_OK[@]}"; do echo "$g ${GROUPS_OK[$g]}"; done | sort
}
state_is_expected() {
	[ "$OBS_AUTH" == "$(exp_auth)" ] && [ "$OBS_JOINED" == "$JOINED" ] &&
		[ "$OBS_PLE" == "$(exp_ple)" ] && [ "$OBS_GROUPS" == "$(exp_groups)" ]
}
show_diff() {
	fail "$1: database differs from every allowed state"
	echo "  rules: db [$(echo $OBS_AUTH)] expected [$(exp_auth | tr '\n' ' ')]" >&2
	echo "  joined: db $OBS_JOINED expected $JOINED; prefix entries: db [$OBS_PLE] expected [$(exp_ple)]" >&2
	echo "  groups: db [$(echo $OBS_GROUPS)] expected [$(exp_groups | tr '\n' ' ')]" >&2
}

# ---- what the kernel does ----

verdicts() {
	local p n=0 k
	for p in "${!AUTH[@]}"; do
		[ $n -lt 12 ] || break
		batch_add pass tcp 203.0.113.200 "$H" - "$p"
		batch_add pass udp 203.0.113.201 "$H" - "$p"
		n=$((n + 1))
	done
	for ((p = 10001; p <= OPNUM + 10000 && n < 24; p += 7)); do
		[ -z "${AUTH[$p]:-}" ] || continue
		batch_add drop tcp 203.0.113.200 "$H" - "$p"
		n=$((n + 1))
	done
	if [ $JOINED -eq 1 ]; then batch_add pass tcp 203.0.113.9 "$H" - 5000
	else batch_add drop tcp 203.0.113.9 "$H" - 5000; fi
	for ((k = 0; k < 8; k++)); do
		if [ -n "${PLE[$k]:-}" ]; then batch_add pass tcp "203.0.113.$((16 * k + 3))" "$H" - 6000
		else batch_add drop tcp "203.0.113.$((16 * k + 3))" "$H" - 6000; fi
	done
}

# The table without what differs between equal rulesets: handles,
# counters, listing order of objects and of set elements.

# Starts sgd and kills it before it is up (kill during start-up).
start_and_kill_early() { # MS
	local ms=$1 pid
	ip netns exec "${PFX}host" "$SGD_BIN" --state-dir "$T_TMP/state-host" --socket "$SGD_SOCK" \
		--mode host >>"$SGD_LOG" 2>&1 &
	pid=$!
	T_PIDS+=("$pid")
	sleep "0.$(printf '%03d' "$ms")"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# Kills sgd the moment the kernel reports the first change of its
# (SKIP+1)th transaction: right after the kernel commit, before (or just
# after) the database COMMIT.  Reads NFNLGRP_NFTABLES itself (`nft monitor`
# 1.0.6 crashes on events that carry several concatenated range elements).
# Bounded: gives up, killing anyway, after 3 s without an event.
mon_killer() { # SKIP
	ip netns exec "${PFX}host" python3 - "$1" "$SGD_PID" "$T_TMP/mon.ready" <<'PY'
import os, select, signal, socket, struct, sys
skip, pid, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12)  # NETLINK_NETFILTER
s.bind((0, 1 << (7 - 1)))                                  # NFNLGRP_NFTABLES
open(ready, "w").close()
gens, hit = 0, False
while not hit and select.select([s], [], [], 3)[0]:
    buf, off = s.recv(1 << 16), 0
    while off + 16 <= len(buf):
        ln, typ = struct.unpack_from("=IH", buf, off)
        if typ >> 8 == 10 and typ & 0xff == 15:  # NFT_MSG_NEWGEN ends a transaction
            gens += 1
        elif typ >> 8 == 10 and gens >= skip:
            hit = True
            break
        off += (ln + 3) & ~3 if ln else len(buf)
if not hit:
    print("monitor killer: only %d transactions in 3s" % gens, file=sys.stderr)
os.kill(pid, signal.SIGKILL)
PY
}

# ---- rounds ----

round=0 kills_mid=0 inflight_applied=0 inflight_absent=0 total_acked=0
while [ $round -lt "$ROUNDS" ] && [ $SECONDS -lt $T_END ]; do
	round=$((round + 1))
	delay=$((RANDOM % 250))
	if [ $((round % 2)) -eq 1 ]; then
		# The killer: a SIGKILL after a random delay, while the driver runs.
		how="after ${delay}ms"
		( sleep "0.$(printf '%03d' "$delay")"; kill -KILL "$SGD_PID" 2>/dev/null ) &
	else
		# The killer: a SIGKILL the moment the kernel reports the Nth
		# change of sgd's table, i.e. between the kernel transaction and
		# the database COMMIT (or just after it).
		skip=$((RANDOM % 6)) how="after kernel transaction $skip"
		rm -f "$T_TMP/mon.ready"
		mon_killer "$skip" &
	fi
	killer=$!
	T_PIDS+=("$killer")
	[ "$how" == "${how#after kernel}" ] || wait_until "$HANG_MS" test -e "$T_TMP/mon.ready"
	acked=0 INFLIGHT=""
	for ((i = 0; i < 60; i++)); do
		pick_op
		PRE_OP=$OP
		if ANSWER_JSON=$(sgctl_raw "${OP_ARGS[@]}"); then
			apply_op
			acked=$((acked + 1))
			if [ -n "$OP_TOKEN" ]; then
				ANSWER[$OP_TOKEN]=$(strip_rid <<<"$ANSWER_JSON")
				LAST_TOKEN=$OP_TOKEN LAST_ARGS=("${OP_ARGS[@]}")
			fi
		else
			INFLIGHT=$OP INF_KEY=$OP_KEY INF_TOKEN=$OP_TOKEN INF_ARGS=("${OP_ARGS[@]}")
			break
		fi
	done
	wait "$killer" 2>/dev/null
	wait "$SGD_PID" 2>/dev/null
	total_acked=$((total_acked + acked))
	if kill -0 "$SGD_PID" 2>/dev/null; then
		fail "round $round: sgd still alive after SIGKILL"
	fi
	[ -n "$INFLIGHT" ] && kills_mid=$((kills_mid + 1))
	# The kernel keeps the last ruleset while sgd is down; one in three
	# rounds also kills the next sgd while it starts up.
	if [ $((RANDOM % 3)) -eq 0 ]; then
		start_and_kill_early $((RANDOM % 60))
	fi
	SGD_PID=""
	start_sgd host host

	observe
	if [ -n "$INFLIGHT" ]; then
		if state_is_expected; then
			inflight_absent=$((inflight_absent + 1))
		else
			OP=$INFLIGHT OP_KEY=$INF_KEY
			ANSWER_JSON=$(jq -nc --arg id "$(awk -v n="$OP_KEY" '$1 == n {print $2}' <<<"$OBS_GROUPS")" \
				'{SecurityGroupId: $id}')
			apply_op
			inflight_applied=$((inflight_applied + 1))
		fi
	fi
	if state_is_expected; then
		ok "round $round (kill $how, $acked acknowledged, in flight: ${INFLIGHT:-none}): database has every acknowledged call, nothing half-applied"
	else
		show_diff "round $round"
		break
	fi
	batch_begin; verdicts
	batch_run "round $round: packets follow the database" quiet &&
		ok "round $round: packets follow the database" ||
		fail "round $round: packets differ from the database"

	# The call in flight, retried with its ClientToken: answers success,
	# and a create answers the group the first attempt made, if it did.
	if [ -n "$INFLIGHT" ] && [ -n "$INF_TOKEN" ]; then
		had=""
		[ "$INFLIGHT" == create ] && had=${GROUPS_OK[$INF_KEY]:-}
		if ANSWER_JSON=$(sgctl_raw "${INF_ARGS[@]}"); then
			OP=$INFLIGHT OP_KEY=$INF_KEY
			# A retry of an applied call replays; of an absent one, applies.
			case $OP in
			create)
				got=$(jq -r .SecurityGroupId <<<"$ANSWER_JSON")
				if [ -n "$had" ]; then
					assert_eq "round $round: create retried after the crash answers the same group" "$had" "$got"
				fi ;;
			esac
			apply_op
			ANSWER[$INF_TOKEN]=$(strip_rid <<<"$ANSWER_JSON")
			observe
			state_is_expected && ok "round $round: retried $INFLIGHT with its ClientToken" ||
				show_diff "round $round: after retrying $INFLIGHT"
		else
			fail "round $round: retrying $INFLIGHT with its ClientToken failed: $(tail -n1 "$T_TMP/driver.err")"
		fi
	fi
	# A token acknowledged before the crash replays the same answer.
	if [ -n "$LAST_TOKEN" ]; then
		if again=$(sgctl_raw "${LAST_ARGS[@]}"); then
			assert_eq "round $round: acknowledged ClientToken replays the same answer" \
				"${ANSWER[$LAST_TOKEN]}" "$(strip_rid <<<"$again")"
		else
			fail "round $round: replaying token $LAST_TOKEN failed: $(tail -n1 "$T_TMP/driver.err")"
		fi
		observe
		state_is_expected || show_diff "round $round: after replaying $LAST_TOKEN"
	fi
	# A few incremental changes, then the table must equal a full re-apply.
	for ((i = 0; i < 4; i++)); do
		pick_op
		if ANSWER_JSON=$(sgctl_raw "${OP_ARGS[@]}"); then
			apply_op
			[ -n "$OP_TOKEN" ] && ANSWER[$OP_TOKEN]=$(strip_rid <<<"$ANSWER_JSON")
		else
			fail "round $round: $OP failed with sgd up: $(tail -n1 "$T_TMP/driver.err")"
		fi
	done
	check_full_equals_incremental "round $round"
	batch_begin; verdicts
	batch_run "round $round: packets after the re-apply" quiet &&
		ok "round $round: packets after the re-apply" ||
		fail "round $round: packets after the re-apply differ from the database"
done
# A second sgd (restarted by hand or by a supervisor while the first is
# still alive) must refuse to start rather than share the database or
# fight over the table: two daemons would undo each other's repairs.
second_sgd() { # STATE-DIR LABEL
	local rc reps
	reps=$(grep -c 'repair:' "$SGD_LOG")
	timeout "$((HANG_MS / 1000))" ip netns exec "${PFX}host" "$SGD_BIN" --state-dir "$1" --socket "$T_TMP/second.sock" \
		--mode host >"$T_TMP/second.log" 2>&1
	rc=$?
	if [ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q 'refusing to start' "$T_TMP/second.log"; then
		ok "a second sgd on $2 refuses to start"
	else
		fail "a second sgd on $2 ran (exit $rc): $(tail -n2 "$T_TMP/second.log")"
	fi
	assert_eq "the first sgd did not have to repair after the second ($2)" "$reps" \
		"$(grep -c 'repair:' "$SGD_LOG")"
}
second_sgd "$T_TMP/state-host" "the same state directory"
second_sgd "$T_TMP/state-other" "another state directory in the same namespace"
batch_begin; verdicts
batch_run "after the second sgd tries: packets follow the database" quiet &&
	ok "after the second sgd tries: packets follow the database" || fail "packets differ after a second sgd"

log "$round rounds, $total_acked acknowledged calls, $kills_mid kills with a call in flight" \
	"($inflight_applied applied, $inflight_absent absent)"
[ "$kills_mid" -gt 0 ] && ok "at least one kill landed in the middle of a call" ||
	fail "no kill landed during a call: the test did not test"
finish
