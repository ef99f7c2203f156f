#!/usr/bin/env bash
# A database sgd does not understand never opens traffic (host mode):
#  - SIGHUP with a row sgd cannot load (an orphan rule, an unknown source
#    kind, family 5, an address that does not parse, a NIC in a missing
#    group) keeps the running model and leaves table inet sgd untouched
#    (same handles), says why on stderr, and the next unrelated API call
#    still filters every interface;
#  - sgd refuses to start on such a database, naming table and row, and on
#    a state.db that holds no sgd schema (zero bytes, another program's);
#    the kernel keeps enforcing meanwhile;
#  - state.db, -wal and -shm are 0600 under umask 0 in a 0777 directory,
#    and an existing wider state.db is narrowed at start.
. "$(dirname "$0")/lib.sh"
need_sgd
need_cmd sqlite3
topo_host 1
H=$(host_ip4 1)
STATE=$T_TMP/state-host
DB=$STATE/state.db

mkdir -p "$STATE"
chmod 0777 "$STATE"
old_umask=$(umask)
umask 000
start_sgd host host
umask "$old_umask"
for f in state.db state.db-wal state.db-shm; do
	assert_eq "$f is 0600 (umask 0, directory 0777)" 600 "$(stat -c %a "$STATE/$f" 2>&1)"
done

A=$(new_group badstate)
new_nic h1 "$H" "$(host_ip6 1)" "$A" >/dev/null
authorize "$A" SourceCidrIp=203.0.113.0/24 IpProtocol=TCP PortRange=22/22
authorize "$A" SourceCidrIp=203.0.113.66/32 IpProtocol=TCP PortRange=22/22 Policy=Drop
DROP_ID=$(ctl describe-security-group-attribute "$A" |
	jq -r '.Permissions.Permission[] | select(.Policy | ascii_downcase == "drop") | .SecurityGroupRuleId')
[ -n "$DROP_ID" ] || die "no id for the drop rule"
verdicts() {
	batch_add pass tcp 203.0.113.5 "$H" - 22
	batch_add drop tcp 203.0.113.66 "$H" - 22
	batch_add drop tcp 198.51.100.9 "$H" - 22
}
batch_begin; verdicts; batch_run "running"

db() { sqlite3 -cmd ".timeout 5000" "$DB" "$@" || die "sqlite3 $*"; }
# The table as the kernel holds it, handles included: equal means untouched.
raw_table() {
	sgd_nft -j list table inet sgd | jq -cS '[.nftables[] | select(.metainfo | not)]
		| walk(if type == "object" and has("counter") then .counter = {} else . end)'
}
nlogged() { grep -c "$1" "$SGD_LOG"; }

# CORRUPT (SQL) NEEDLE (in the log) UNDO (SQL) LABEL
bad_reload() {
	local corrupt=$1 needle=$2 undo=$3 label=$4 before after n r
	before=$(raw_table)
	n=$(nlogged 'SIGHUP: .*does not load')
	r=$(nlogged 'SIGHUP: table inet sgd replaced')
	db "$corrupt"
	kill -HUP "$SGD_PID"
	if wait_until "$HANG_MS" bash -c "[ \$(grep -c 'SIGHUP: .*does not load' '$SGD_LOG') -gt $n ]"; then
		ok "$label: SIGHUP refused the database"
	else
		fail "$label: no refusal logged after SIGHUP"
	fi
	grep -qF -- "$needle" "$SGD_LOG" && ok "$label: the reason names table and row" ||
		fail "$label: no \"$needle\" in the log"
	assert_eq "$label: nothing re-applied" "$r" "$(nlogged 'SIGHUP: table inet sgd replaced')"
	after=$(raw_table)
	[ "$before" == "$after" ] && ok "$label: table inet sgd untouched" ||
		fail "$label: table inet sgd changed on a refused SIGHUP"
	# An unrelated call syncs the running model to the kernel: the NIC and
	# every rule must still be in it.
	new_group "after-$RANDOM" >/dev/null
	batch_begin; verdicts; batch_run "$label: after an unrelated call"
	assert_eq "$label: reads still see both rules" 2 \
		"$(ctl describe-security-group-attribute "$A" | jq '.Permissions.Permission | length')"
	db "$undo"
	r=$(nlogged 'SIGHUP: table inet sgd replaced')
	kill -HUP "$SGD_PID"
	wait_until "$HANG_MS" bash -c "[ \$(grep -c 'SIGHUP: table inet sgd replaced' '$SGD_LOG') -gt $r ]" &&
		ok "$label: repaired database reloads" || fail "$label: repaired database did not reload"
}

bad_reload "CREATE TEMP TABLE t AS SELECT * FROM rules WHERE id = '$DROP_ID';
	UPDATE t SET id = 'sgr-orphan', group_id = 'sg-gone'; INSERT INTO rules SELECT * FROM t;" \
	"table rules, row sgr-orphan: group \"sg-gone\" does not exist" \
	"DELETE FROM rules WHERE id = 'sgr-orphan'" "orphan rule"
bad_reload "UPDATE rules SET src_kind = 7 WHERE id = '$DROP_ID'" \
	"table rules, row $DROP_ID: column src_kind: 7 is outside 0..2" \
	"UPDATE rules SET src_kind = 0 WHERE id = '$DROP_ID'" "unknown source kind"
bad_reload "UPDATE rules SET family = 5 WHERE id = '$DROP_ID'" \
	"table rules, row $DROP_ID: family 5 is not 4, 6 or 0" \
	"UPDATE rules SET family = 4 WHERE id = '$DROP_ID'" "family 5"
bad_reload "UPDATE rules SET src_text = '203.0.113.666/32' WHERE id = '$DROP_ID'" \
	"table rules, row $DROP_ID: source: address \"203.0.113.666/32\" does not parse" \
	"UPDATE rules SET src_text = '203.0.113.66/32' WHERE id = '$DROP_ID'" "unparsable address"
bad_reload "UPDATE nic_groups SET group_id = 'sg-gone'" \
	"table nic_groups, row" \
	"UPDATE nic_groups SET group_id = '$A'" "NIC in a missing group"

# ---- start-up ----

# sgd must exit non-zero with NEEDLE in its output, and never serve.
sgd_must_refuse() { # STATE-DIR NEEDLE LABEL
	local log=$T_TMP/refuse-$RANDOM.log sock=$T_TMP/refuse.sock pid rc
	rm -f "$sock"
	ip netns exec "${PFX}host" "$SGD_BIN" --state-dir "$1" --socket "$sock" --mode host \
		>"$log" 2>&1 </dev/null &
	pid=$!
	T_PIDS+=("$pid")
	wait_until "$HANG_MS" bash -c "! kill -0 $pid || [ -S '$sock' ]"
	if kill -0 "$pid" 2>/dev/null; then
		fail "$3: sgd started: $(tail -n 2 "$log")"
		kill -TERM "$pid"
		wait "$pid" 2>/dev/null
		return 1
	fi
	wait "$pid"
	rc=$?
	[ "$rc" -ne 0 ] && ok "$3: sgd refuses to start (exit $rc)" || fail "$3: sgd exited 0"
	grep -qF -- "$2" "$log" && ok "$3: says why" || fail "$3: no \"$2\" in: $(cat "$log")"
}

db "CREATE TEMP TABLE t AS SELECT * FROM rules WHERE id = '$DROP_ID';
	UPDATE t SET id = 'sgr-orphan', group_id = 'sg-gone'; INSERT INTO rules SELECT * FROM t;"
stop_sgd TERM
sgd_must_refuse "$STATE" "table rules, row sgr-orphan: group \"sg-gone\" does not exist" "orphan rule at start"
batch_begin; verdicts; batch_run "after the refused start: the kernel still enforces"
db "DELETE FROM rules WHERE id = 'sgr-orphan'"

mkdir -p "$T_TMP/state-empty" "$T_TMP/state-other"
: >"$T_TMP/state-empty/state.db"
chmod 600 "$T_TMP/state-empty/state.db"
sgd_must_refuse "$T_TMP/state-empty" "holds no sgd schema" "zero-byte state.db"
assert_eq "the zero-byte state.db is left as it was" 0 "$(stat -c %s "$T_TMP/state-empty/state.db")"
sqlite3 "$T_TMP/state-other/state.db" "CREATE TABLE notes(x); INSERT INTO notes VALUES (1);" ||
	die "cannot make another program's database"
chmod 600 "$T_TMP/state-other/state.db"
sgd_must_refuse "$T_TMP/state-other" "holds no sgd schema" "another program's database"
assert_eq "the other database is left as it was" "notes" \
	"$(sqlite3 "$T_TMP/state-other/state.db" "SELECT group_concat(name) FROM sqlite_master")"
batch_begin; verdicts; batch_run "after the refusals: the kernel still enforces"

chmod 644 "$DB"
start_sgd host host
assert_eq "an existing state.db 0644 is narrowed at start" 600 "$(stat -c %a "$DB")"
grep -q "state.db had mode 0644: now 0600" "$SGD_LOG" && ok "the narrowing is logged" ||
	fail "the narrowing is not logged"
batch_begin; verdicts; batch_run "after the restart"
finish
