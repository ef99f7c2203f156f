#!/usr/bin/env bash
# A captured signed request cannot be replayed: not at once, not with a
# timestamp signed 14 minutes ahead, and not after sgd restarts (the nonces
# live in <state-dir>/nonces, 0600).  Host mode, plain HTTP on 127.0.0.1
# inside the test's namespace.
. "$(dirname "$0")/lib.sh"
need_sgd
need_cmd curl python3
PORT=$((19000 + $$ % 1000))
CREDS=$T_TMP/credentials
echo "LTAIreplay000001 r3playS3cret 1234567890 replay@example.com" >"$CREDS"
chmod 600 "$CREDS"
topo_host 1
start_sgd host host --listen "127.0.0.1:$PORT" --plain-http --credentials "$CREDS"

signed_url() { # AHEAD_SECONDS ACTION: a V1-signed GET
	echo "http://127.0.0.1:$PORT/?$(v1_query LTAIreplay000001 r3playS3cret --ahead "$1" "$2")"
}
send() { # URL: prints "STATUS CODE"
	local code
	code=$(nsx host curl -s -o "$T_TMP/answer.json" -w '%{http_code}' --max-time "$((HANG_MS / 1000))" "$1")
	echo "$code $(jq -r '.Code // "-"' "$T_TMP/answer.json" 2>/dev/null)"
}

now=$(signed_url 0 DescribeSecurityGroups)
ahead=$(signed_url 840 DescribeSecurityGroups)
assert_eq "a signed request" "200 -" "$(send "$now")"
assert_eq "the same request again" "400 SignatureNonceUsed" "$(send "$now")"
assert_eq "a request signed 14 minutes ahead" "200 -" "$(send "$ahead")"
assert_eq "replayed" "400 SignatureNonceUsed" "$(send "$ahead")"
assert_eq "the nonce journal is private" 600 "$(stat -c %a "$T_TMP/state-host/nonces")"

stop_sgd TERM
start_sgd host host --listen "127.0.0.1:$PORT" --plain-http --credentials "$CREDS"
assert_eq "after a restart: the first request replayed" "400 SignatureNonceUsed" "$(send "$now")"
assert_eq "after a restart: the future-signed request replayed" "400 SignatureNonceUsed" "$(send "$ahead")"
stop_sgd KILL
start_sgd host host --listen "127.0.0.1:$PORT" --plain-http --credentials "$CREDS"
assert_eq "after kill -9: still refused" "400 SignatureNonceUsed" "$(send "$now")"
assert_eq "a fresh signed request still works" "200 -" "$(send "$(signed_url 0 DescribeSecurityGroups)")"
finish
