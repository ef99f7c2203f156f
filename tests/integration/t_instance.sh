#!/usr/bin/env bash
# One sgd per network namespace, and only root can hold that claim: an
# unprivileged user who squats the names an sgd might use (the abstract
# socket name older versions bound, a lock file in the lock directory)
# cannot keep sgd from starting; a second sgd in the namespace is refused.
. "$(dirname "$0")/lib.sh"
need_cmd setpriv
[ -x /usr/bin/python3 ] || die "needs /usr/bin/python3 (Debian python3: uid 65534 runs it)"
setup_host 1
A=$(new_group instance)
new_nic h1 "$(host_ip4 1)" "" "$A" >/dev/null
authorize "$A" SourceCidrIp=203.0.113.0/24 IpProtocol=TCP PortRange=22/22
stop_sgd TERM

# The squatter: uid 65534 in sgd's namespace binds the abstract name and
# tries to plant a lock file; it stays until the test is done (or HANG_MS).
# It talks to the test through files in a directory it may write.
chmod 711 "$T_TMP"
mkdir -m 777 "$T_TMP/squat"
nsx host setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 - \
	"$T_TMP/squat/ready" "$T_TMP/squat/done" "$HANG_MS" <<'PY' 2>"$T_TMP/squat.err" &
import glob, os, socket, sys, time
ready, done, hang_ms = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind("\0sgd/table/inet/sgd")
s.listen(1)
planted = []
for d in ["/run/sgd/netns", "/run/sgd"]:
    try:
        p = os.path.join(d, "squat.lock")
        open(p, "w").close()
        planted.append(p)
    except OSError:
        pass
with open(ready + ".tmp", "w") as f:
    f.write(" ".join(planted))
os.rename(ready + ".tmp", ready)
end = time.time() + hang_ms / 1000
while time.time() < end and not os.path.exists(done):
    time.sleep(0.05)
PY
squat=$!
T_PIDS+=("$squat")
wait_until "$HANG_MS" test -e "$T_TMP/squat/ready" || die "the squatter did not start: $(cat "$T_TMP/squat.err")"
assert_eq "an unprivileged user cannot write the lock directory" "" "$(cat "$T_TMP/squat/ready")"
start_sgd host host
kill -0 "$squat" 2>/dev/null && ok "sgd started while an unprivileged process squats its old claim" ||
	fail "the squatter was gone before sgd started: the test did not test"
expect_pass tcp 203.0.113.5 "$(host_ip4 1)" - 22
: >"$T_TMP/squat/done"

timeout "$((HANG_MS / 1000))" ip netns exec "${PFX}host" "$SGD_BIN" --state-dir "$T_TMP/state-other" \
	--socket "$T_TMP/second.sock" --mode host >"$T_TMP/second.log" 2>&1
rc=$?
if [ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q 'already keeps table inet sgd' "$T_TMP/second.log"; then
	ok "a second sgd in the namespace refuses to start: $(grep -o 'pid [0-9]*' "$T_TMP/second.log")"
else
	fail "a second sgd in the namespace ran (exit $rc): $(tail -n2 "$T_TMP/second.log")"
fi
grep -q "pid $SGD_PID" "$T_TMP/second.log" && ok "the refusal names the running sgd's pid" ||
	fail "the refusal does not name pid $SGD_PID: $(cat "$T_TMP/second.log")"
finish
