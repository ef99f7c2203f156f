#!/usr/bin/env bash
# Load and abuse of the API (host mode):
#  - 50 concurrent clients over the Unix socket mixing describes and
#    mutations: no 5xx, no failed connection, a watchdog's describes are
#    answered throughout, every acknowledged rule is in the database and the
#    kernel, and the kernel table equals a fresh compile of the database;
#  - idle and dribbling connections do not stop anyone else being answered;
# Latencies are logged, never asserted (a busy machine is slow, not wrong):
# make bench measures them.  Each request's only bound is a hang bound.
#  - a body over the limit gets 413 (with and without Content-Length);
#  - an unsigned flood over TCP gets 4xx quickly, and a signed request
#    still works after it;
#  - 1,100 connections from one address dribbling header lines over TCP do
#    not starve a signed request from another address (the per-address
#    limit), and sgd closes the dribblers at the request deadline although
#    they keep sending.
# The TCP listener is plain HTTP here (--plain-http); t_tls tests HTTPS.
#   CLIENTS=n (default 50) ITER=n (default 12)
. "$(dirname "$0")/lib.sh"
need_sgd
need_cmd curl python3
CLIENTS=${CLIENTS:-50}
ITER=${ITER:-12}
PORT=$((18000 + $$ % 1000))
CREDS=$T_TMP/credentials
echo "LTAIload00000001 l0adS3cret 1234567890 load@example.com" >"$CREDS"
chmod 600 "$CREDS"
topo_host 1
start_sgd host host --listen "127.0.0.1:$PORT" --plain-http --credentials "$CREDS"
assert_match "sgd warns that --plain-http sends signed requests in clear" \
	"127.0.0.1:$PORT serves plain HTTP.*in clear" "$(cat "$SGD_LOG")"
H=$(host_ip4 1)

NG=10
GIDS=()
for ((g = 0; g < NG; g++)); do GIDS+=("$(new_group "loadgroup$g")"); done
# One interface holds at most 5 groups: the first five are enforced on h1.
new_nic h1 "$H" "$(host_ip6 1)" "${GIDS[@]:0:5}" >/dev/null

# One request over the socket; prints "HTTP_CODE SECONDS".
req() { # QUERY
	curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time "$((HANG_MS / 1000))" \
		--unix-socket "$SGD_SOCK" "http://localhost/?RegionId=cn-hangzhou&$1" || echo "000 $((HANG_MS / 1000))"
}
perm() { # PORT
	echo "Permissions.1.SourceCidrIp=203.0.113.0%2F24&Permissions.1.IpProtocol=TCP&Permissions.1.PortRange=$1%2F$1"
}

# ---- 1. concurrent clients ----

client() { # ID: ITER requests; odd ones authorize, every second one of those is revoked later
	local id=$1 g=${GIDS[$(($1 % NG))]} i p out
	for ((i = 0; i < ITER; i++)); do
		p=$((30000 + id * 32 + i))
		if [ $((i % 4)) -eq 1 ]; then
			out=$(req "Action=AuthorizeSecurityGroup&SecurityGroupId=$g&$(perm "$p")")
			echo "auth $g $p $out"
		elif [ $((i % 8)) -eq 7 ]; then
			p=$((p - 2))
			out=$(req "Action=RevokeSecurityGroup&SecurityGroupId=$g&$(perm "$p")")
			echo "revoke $g $p $out"
		elif [ $((i % 2)) -eq 0 ]; then
			echo "desc - - $(req "Action=DescribeSecurityGroupAttribute&SecurityGroupId=$g")"
		else
			echo "desc - - $(req "Action=DescribeSecurityGroups&PageSize=50")"
		fi
	done >"$T_TMP/client.$id"
}

watchdog() { # DescribeSecurityGroups every 100 ms until the flag file goes
	while [ -e "$T_TMP/load.running" ]; do
		req "Action=DescribeSecurityGroups"
		sleep 0.1
	done >"$T_TMP/watchdog"
}

: >"$T_TMP/load.running"
watchdog &
wd=$!
T_PIDS+=("$wd")
t0=$(date +%s%N)
pids=()
for ((c = 0; c < CLIENTS; c++)); do
	client "$c" &
	pids+=($!)
done
T_PIDS+=("${pids[@]}")
for p in "${pids[@]}"; do wait "$p"; done
t1=$(date +%s%N)
rm -f "$T_TMP/load.running"
wait "$wd"
ms=$(((t1 - t0) / 1000000))
cat "$T_TMP"/client.* >"$T_TMP/all"
total=$(wc -l <"$T_TMP/all")
muts=$(grep -cE '^(auth|revoke)' "$T_TMP/all")
log "$total requests ($muts mutations) from $CLIENTS clients in ${ms}ms:" \
	"$((total * 1000 / (ms ? ms : 1))) requests/s"
assert_eq "every client request answered" $((CLIENTS * ITER)) "$total"
bad=$(awk '$4 !~ /^[2]/' "$T_TMP/all")
assert_eq "under load: no 5xx, no failed connection, no error" "" "$bad"
p99=$(awk '{print $5}' "$T_TMP/all" | sort -n | awk '{a[NR] = $1} END {print a[int(NR * 0.99)]}')
wmax=$(awk '{print $2}' "$T_TMP/watchdog" | sort -n | tail -n1)
wn=$(wc -l <"$T_TMP/watchdog")
log "client latency p99 ${p99}s; watchdog: $wn describes, slowest ${wmax}s"
assert_eq "watchdog answered 200 throughout" "" "$(awk '$1 != 200' "$T_TMP/watchdog")"
[ "$wn" -gt 0 ] && ok "the watchdog ran ($wn describes during the load)" || fail "the watchdog never ran"

# Every acknowledged rule is in the database, nothing else.
expected() { # G: ports authorized and not revoked
	awk -v g="$1" '$2 == g && $4 == 200 { if ($1 == "auth") a[$3] = 1; else delete a[$3] }
		END { for (p in a) print p }' "$T_TMP/all" | sort -n
}
dbports() { # G
	ctl describe-security-group-attribute "$1" | jq -r '.Permissions.Permission[].PortRange' |
		cut -d/ -f1 | sort -n
}
dbok=0
for g in "${GIDS[@]}"; do
	[ "$(expected "$g")" == "$(dbports "$g")" ] && dbok=$((dbok + 1)) ||
		fail "group $g: database rules differ from the acknowledged calls"
done
assert_eq "every group holds exactly its acknowledged rules" "$NG" "$dbok"
load_verdicts() {
	local g n=0 p
	for g in "${GIDS[@]:0:5}"; do
		for p in $(expected "$g" | head -n 4); do batch_add pass tcp 203.0.113.5 "$H" - "$p"; done
	done
	for p in $(awk '$1 == "revoke" && $4 == 200 {print $3}' "$T_TMP/all" | head -n 8); do
		grep -q "^auth [^ ]* $p 200" <(grep -E "^auth ($(IFS='|'; echo "${GIDS[*]:0:5}")) " "$T_TMP/all") &&
			batch_add drop tcp 203.0.113.5 "$H" - "$p"
	done
	batch_add drop tcp 203.0.113.5 "$H" - 29999
}
batch_begin; load_verdicts; batch_run "after the load: packets follow the database" quiet &&
	ok "after the load: packets follow the database" || fail "after the load: packets differ"
n=$(grep -c 'SIGHUP: table inet sgd replaced' "$SGD_LOG")
before=$(sgd_nft -j list table inet sgd | jq -S '[.nftables[] | (.set? // .map? // empty) | del(.handle)
	| if .elem then .elem |= sort_by(tostring) else . end] | sort_by(.name)')
kill -HUP "$SGD_PID"
wait_until "$HANG_MS" bash -c "[ \$(grep -c 'SIGHUP: table inet sgd replaced' '$SGD_LOG') -gt $n ]" ||
	fail "no SIGHUP re-apply logged"
after=$(sgd_nft -j list table inet sgd | jq -S '[.nftables[] | (.set? // .map? // empty) | del(.handle)
	| if .elem then .elem |= sort_by(tostring) else . end] | sort_by(.name)')
assert_eq "after the load: kernel sets equal a fresh compile" "$before" "$after"

# ---- 2. slow clients ----
# 30 connections that send nothing, 5 that send half a request line, 5
# that dribble a body one byte every 100 ms: held open until the test has
# been served (the file slow.done; at most HANG_MS).
python3 - "$SGD_SOCK" "$T_TMP/slow.ready" "$T_TMP/slow.done" "$HANG_MS" <<'PY' &
import os, socket, sys, time
path, ready, done, hang_ms = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s
idle = [conn() for _ in range(30)]
half = [conn() for _ in range(5)]
for s in half:
    s.sendall(b"POST /?Action=DescribeSecurityGroups&Regi")
drib = [conn() for _ in range(5)]
for s in drib:
    s.sendall(b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
              b"Content-Length: 1000\r\n\r\n")
open(ready, "w").close()
end = time.time() + hang_ms / 1000
while time.time() < end and not os.path.exists(done):
    for s in drib:
        try:
            s.send(b"A")
        except OSError:
            pass
    time.sleep(0.1)
PY
slow=$!
T_PIDS+=("$slow")
wait_until "$HANG_MS" test -e "$T_TMP/slow.ready" || fail "slow clients did not connect"
worst=0
for ((i = 0; i < 10; i++)); do
	out=$(req "Action=DescribeSecurityGroupAttribute&SecurityGroupId=${GIDS[0]}")
	[ "${out%% *}" == 200 ] || fail "with slow clients connected: answer $out"
	worst=$(awk -v a="$worst" -v b="${out#* }" 'BEGIN {print (b > a) ? b : a}')
done
out=$(req "Action=AuthorizeSecurityGroup&SecurityGroupId=${GIDS[0]}&$(perm 29000)")
assert_eq "a mutation with slow clients connected" 200 "${out%% *}"
kill -0 "$slow" 2>/dev/null && ok "slow clients were still connected during those requests" ||
	fail "slow clients were gone too early: the test did not test"
: >"$T_TMP/slow.done"
log "with slow clients connected: slowest answer ${worst}s"
wait "$slow"
expect_pass tcp 203.0.113.5 "$H" - 29000

# ---- 3. bodies over the limit (1 MiB by default) ----
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >"$T_TMP/big"
code=$(curl -s -o "$T_TMP/413.json" -w '%{http_code}' --max-time "$((HANG_MS / 1000))" --unix-socket "$SGD_SOCK" \
	-H 'Content-Type: application/x-www-form-urlencoded' --data-binary @"$T_TMP/big" \
	"http://localhost/?Action=DescribeSecurityGroups&RegionId=cn-hangzhou")
assert_eq "2 MiB body with Content-Length: 413" 413 "$code"
assert_eq "413 names the error" RequestBodyTooLarge "$(jq -r .Code "$T_TMP/413.json" 2>/dev/null)"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time "$((HANG_MS / 1000))" --unix-socket "$SGD_SOCK" \
	-H 'Transfer-Encoding: chunked' -H 'Content-Type: application/x-www-form-urlencoded' \
	--data-binary @"$T_TMP/big" "http://localhost/?Action=DescribeSecurityGroups&RegionId=cn-hangzhou")
assert_eq "2 MiB chunked body: 413" 413 "$code"
# Without a length up front the 413 can only follow the body (libmicrohttpd
# 0.9.75 refuses a response mid-upload); past 4x the limit sgd stops
# reading and closes instead of swallowing an endless stream.  Either way
# it is refused quickly and sgd does not grow.
head -c $((12 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >"$T_TMP/huge"
rss0=$(awk '/VmRSS/ {print $2}' "/proc/$SGD_PID/status")
t0=$(date +%s%N)
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time "$((HANG_MS / 1000))" --unix-socket "$SGD_SOCK" \
	-H 'Transfer-Encoding: chunked' -H 'Content-Type: application/x-www-form-urlencoded' \
	--data-binary @"$T_TMP/huge" "http://localhost/?Action=DescribeSecurityGroups&RegionId=cn-hangzhou")
ms=$((($(date +%s%N) - t0) / 1000000))
rss1=$(awk '/VmRSS/ {print $2}' "/proc/$SGD_PID/status")
case $code in 413 | 100 | 000) ok "12 MiB chunked body refused in ${ms}ms (HTTP $code)" ;;
*) fail "12 MiB chunked body: HTTP $code" ;; esac
[ $((rss1 - rss0)) -lt 8192 ] && ok "sgd did not keep the big bodies (RSS +$((rss1 - rss0)) KiB)" ||
	fail "sgd grew by $((rss1 - rss0)) KiB reading a 12 MiB body"
out=$(req "Action=DescribeSecurityGroups")
assert_eq "sgd answers after the big bodies" 200 "${out%% *}"

# ---- 4. unsigned flood over TCP ----
N=2000
for ((i = 0; i < N; i++)); do
	case $((i % 3)) in
	0) echo "url = \"http://127.0.0.1:$PORT/?Action=DescribeSecurityGroups&RegionId=cn-hangzhou&Version=2014-05-26\"" ;;
	1) echo "url = \"http://127.0.0.1:$PORT/?Action=AuthorizeSecurityGroup&RegionId=cn-hangzhou&Version=2014-05-26&SecurityGroupId=${GIDS[0]}&AccessKeyId=LTAIload00000001&SignatureNonce=n$i&Timestamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&Signature=bogus$i\"" ;;
	2) echo "url = \"http://127.0.0.1:$PORT/?Action=DeleteSecurityGroup&RegionId=cn-hangzhou&Version=2014-05-26&SecurityGroupId=${GIDS[1]}&AccessKeyId=LTAInobody&Signature=x\"" ;;
	esac
	echo 'output = "/dev/null"'
done >"$T_TMP/flood.cfg"
t0=$(date +%s%N)
nsx host curl -s --parallel --parallel-max 50 --max-time "$((HANG_MS / 1000))" -K "$T_TMP/flood.cfg" \
	-w '%{http_code} %{time_total}\n' >"$T_TMP/flood.out"
ms=$((($(date +%s%N) - t0) / 1000000))
got=$(wc -l <"$T_TMP/flood.out")
log "unsigned flood: $got requests over TCP in ${ms}ms ($((got * 1000 / (ms ? ms : 1))) requests/s)," \
	"slowest $(awk '{print $2}' "$T_TMP/flood.out" | sort -n | tail -n1)s"
assert_eq "every flood request answered" "$N" "$got"
assert_eq "every flood request got 4xx" "" "$(awk '$1 !~ /^4/' "$T_TMP/flood.out" | sort | uniq -c)"
assert_eq "the flood changed nothing" 2 "$(ctl describe-security-group-attribute "${GIDS[1]}" >/dev/null &&
	ctl describe-security-group-attribute "${GIDS[0]}" | jq '.Permissions.Permission | length > 0' >/dev/null && echo 2)"

# A correctly signed V1 request still works after the flood.
signed_url() { # ACTION KEY=VALUE...
	echo "http://127.0.0.1:$PORT/?$(v1_query LTAIload00000001 l0adS3cret "$@")"
}
url=$(signed_url DescribeSecurityGroups)
code=$(nsx host curl -s -o "$T_TMP/signed.json" -w '%{http_code}' --max-time "$((HANG_MS / 1000))" "$url")
assert_eq "a signed request after the flood" 200 "$code"
[ "$code" == 200 ] || cat "$T_TMP/signed.json" >&2

# ---- 5. slow clients over TCP ----
# Dribblers: connections from 127.0.0.1 that send a request line, then a
# header line every EVERY seconds, and never finish the request.  1,100 of
# them used to fill the listener's 1024 connections, and signed requests got
# no answer for as long as they stayed.  Bounded: N connections, at most
# MAX_S seconds (longer than every wait of the check together, so that it
# cannot pass by outliving them), and they stop once sgd closed all of them
# or the test says so (the DONE file).  Their view goes to STATUS.
cat >"$T_TMP/drib.py" <<'PY'
import os, resource, select, socket, sys, time
port, n, every, status, done, max_s = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), \
    sys.argv[4], sys.argv[5], float(sys.argv[6])
end = time.time() + max_s
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if soft < n + 64:
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, n + 64), hard))
live, failed, closed, rounds = [], 0, 0, 0
def report():
    with open(status + ".tmp", "w") as f:
        f.write("connected=%d failed=%d live=%d closed=%d rounds=%d\n"
                % (len(live) + closed, failed, len(live), closed, rounds))
    os.replace(status + ".tmp", status)
def reap():
    # A connection sgd closed reads as EOF (or an error): count it, drop it.
    global live, closed
    p = select.poll()
    for s in live:
        p.register(s, select.POLLIN)
    ready = {fd for fd, _ in p.poll(0)}
    keep = []
    for s in live:
        if s.fileno() in ready:
            try:
                gone = s.recv(4096) == b""
            except OSError:
                gone = True
            if gone:
                s.close()
                closed += 1
                continue
        keep.append(s)
    live = keep
for i in range(n):
    s = socket.socket()
    s.settimeout(10)
    try:
        s.connect(("127.0.0.1", port))
        s.sendall(b"GET /?Action=DescribeSecurityGroups&RegionId=cn-hangzhou HTTP/1.1\r\n")
        live.append(s)
    except OSError:
        failed += 1
        s.close()
    if i % 100 == 99:
        reap()
        report()
reap()
report()
while time.time() < end and live and not os.path.exists(done):
    time.sleep(every)
    for s in live:
        try:
            s.sendall(b"X-Slow-%d: %d\r\n" % (rounds, rounds))
        except OSError:
            pass  # closed: reap() counts it
    rounds += 1
    reap()
    report()
PY
dribble() { # N EVERY TAG: in the background, $DRIB_PID; status in $T_TMP/TAG.status
	rm -f "$T_TMP/$3.status" "$T_TMP/$3.done"
	nsx host python3 "$T_TMP/drib.py" "$PORT" "$1" "$2" "$T_TMP/$3.status" "$T_TMP/$3.done" \
		"$((3 * HANG_MS / 1000 + 30))" >"$T_TMP/$3.log" 2>&1 &
	DRIB_PID=$!
	T_PIDS+=("$DRIB_PID")
}
field() { tr ' ' '\n' <"$T_TMP/$1.status" 2>/dev/null | awk -F= -v k="$2" '$1 == k {print $2}'; }
rounds_at_least() { [ "$(field "$1" rounds)" -ge "$2" ] 2>/dev/null; }
# sgd's side: established connections to its port from 127.0.0.1.
lo_conns() { nsx host ss -Htn state established "( sport = :$PORT and dst 127.0.0.1 )" | wc -l; }
lo_conns_are() { [ "$(lo_conns)" -eq "$1" ]; }

# sgd again, with the harness's settings (SGD_CONF, if it has any) and timeout = T.
restart_with_timeout() { # T
	local conf=$T_TMP/sgd-timeout-$1.conf
	{ [ -n "${SGD_CONF:-}" ] && cat "$SGD_CONF"; echo "timeout = $1"; } >"$conf"
	stop_sgd
	SGD_CONF=$conf start_sgd host host --config "$conf" --listen "127.0.0.1:$PORT" --plain-http \
		--credentials "$CREDS"
}

# 5a. One address holds at most conns_per_ip (64, the default) connections:
# of 1,100 dribblers sgd keeps 64 and closes the rest at once, and a signed
# request from another address (198.51.100.7, local here: the host answers
# 198.51.100.0/24) is answered while those 64 keep dribbling.  sgd runs with
# timeout = 600 here so that its request deadline (5b) cannot close them
# during the check, however slow this machine is.
restart_with_timeout 600
DRIB=1100
PER_IP=64
dribble "$DRIB" 3 drib
wait_until "$HANG_MS" rounds_at_least drib 2 ||
	fail "the dribblers did not get going: $(cat "$T_TMP/drib.status" "$T_TMP/drib.log" 2>&1)"
log "dribblers: $(cat "$T_TMP/drib.status")"
wait_until "$HANG_MS" lo_conns_are "$PER_IP"
assert_eq "sgd holds conns_per_ip connections from 127.0.0.1 and closed the others" "$PER_IP" "$(lo_conns)"
c=$(field drib connected)
[ "${c:-0}" -ge $((DRIB - 10)) ] && ok "$c of $DRIB dribblers connected" ||
	fail "only ${c:-0} of $DRIB dribblers connected: $(cat "$T_TMP/drib.status")"
SIGNED_FROM=198.51.100.7
url=$(signed_url DescribeSecurityGroups)
code=$(nsx host curl -s -o "$T_TMP/signed2.json" -w '%{http_code}' --interface "$SIGNED_FROM" \
	--max-time "$((HANG_MS / 1000))" "$url")
assert_eq "a signed request from $SIGNED_FROM while $DRIB connections from 127.0.0.1 dribble" 200 "$code"
[ "$code" == 200 ] || cat "$T_TMP/signed2.json" >&2
# Not vacuous: the dribblers sgd took were all still there, still sending.
assert_eq "the $PER_IP dribblers sgd took were still connected after that answer" "$PER_IP" "$(lo_conns)"
r0=$(field drib rounds)
wait_until "$HANG_MS" rounds_at_least drib $((r0 + 1))
kill -0 "$DRIB_PID" 2>/dev/null && [ "$(field drib live)" -eq "$PER_IP" ] &&
	ok "the $PER_IP dribblers kept sending afterwards ($(cat "$T_TMP/drib.status"))" ||
	fail "not $PER_IP dribblers still sending after the answer ($(cat "$T_TMP/drib.status"))"
: >"$T_TMP/drib.done"
wait "$DRIB_PID"

# 5b. The request deadline: with timeout = 5, dribblers that send a header
# line every second (so the idle timeout never expires) are closed by sgd
# all the same, and sgd says so in its log.
restart_with_timeout 5
dribble 20 1 dl
wait_until "$HANG_MS" bash -c "grep -q 'connected=20 ' '$T_TMP/dl.status'" ||
	fail "the deadline dribblers did not connect: $(cat "$T_TMP/dl.status" "$T_TMP/dl.log" 2>&1)"
wait_until "$HANG_MS" bash -c "grep -q 'live=0 ' '$T_TMP/dl.status'"
assert_eq "sgd closed all 20 dribbling connections (deadline)" "live=0 closed=20" \
	"$(grep -oE 'live=[0-9]+ closed=[0-9]+' "$T_TMP/dl.status")"
r=$(field dl rounds)
[ "${r:-0}" -ge 2 ] && ok "they sent a header line every second meanwhile ($r rounds)" ||
	fail "closed after only ${r:-0} rounds: not the deadline at work"
assert_match "sgd logged the connections it closed" "closed [0-9]+ connection\(s\) that took more than 5 s" \
	"$(cat "$SGD_LOG")"
url=$(signed_url DescribeSecurityGroups)
code=$(nsx host curl -s -o /dev/null -w '%{http_code}' --max-time "$((HANG_MS / 1000))" "$url")
assert_eq "a signed request after the deadline test" 200 "$code"
: >"$T_TMP/dl.done"
wait "$DRIB_PID"
kill -0 "$SGD_PID" 2>/dev/null && ok "sgd still running" || fail "sgd died"
finish
