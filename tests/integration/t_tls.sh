#!/usr/bin/env bash
# TLS on the TCP listener (--listen):
#  - sgd refuses to start with --listen alone (neither --tls-cert/--tls-key
#    nor --plain-http), with half a TLS setup, with a key file that is
#    missing, not a key, or not the certificate's key: exit non-zero, the
#    reason in its log, no socket left;
#  - with a certificate from a throwaway test CA it serves HTTPS: a signed
#    request over https (curl --cacert) is answered 200; TLS 1.2 and 1.3 are
#    spoken, TLS 1.0/1.1 refused (the same client speaks TLS 1.1 to an
#    openssl s_server, so the refusal is sgd's); plain HTTP to the port gets
#    no HTTP answer; the Unix socket stays plain HTTP.
# Everything runs inside the test's namespace; nothing is timed.
. "$(dirname "$0")/lib.sh"
need_sgd
need_cmd curl openssl python3
PORT=$((19000 + $$ % 1000))
CREDS=$T_TMP/credentials
echo "LTAItls000000001 tl5S3cret 1234567890 tls@example.com" >"$CREDS"
chmod 600 "$CREDS"
ns_add host
HANG_S=$((HANG_MS / 1000))

# ---- a throwaway CA and a server certificate for 127.0.0.1 (IP SAN) ----
P=$T_TMP/pki
mkdir -p "$P"
ossl() { openssl "$@" >>"$P/openssl.log" 2>&1 || die "openssl $1 failed: $(tail -n 3 "$P/openssl.log")"; }
ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj "/CN=sgd test CA $$" -keyout "$P/ca.key" -out "$P/ca.pem"
ossl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-subj "/CN=127.0.0.1" -keyout "$P/server.key" -out "$P/server.csr"
printf '%s\n' "subjectAltName=IP:127.0.0.1" "basicConstraints=critical,CA:FALSE" \
	"keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" >"$P/server.ext"
ossl x509 -req -in "$P/server.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" -CAcreateserial -days 2 \
	-extfile "$P/server.ext" -out "$P/server.pem"
chmod 600 "$P/server.key"
printf -- '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----\n' >"$P/junk.key"
chmod 600 "$P/junk.key"

# ---- start-up refusals ----
# Runs sgd in the namespace with ARGS; it must exit non-zero (not hang:
# bounded by the hang bound) and say REGEX in its log.
refuses() { # LABEL REGEX ARGS...
	local label=$1 re=$2 dir rc; shift 2
	dir=$(mktemp -d "$T_TMP/refuse.XXXX")
	nsx host timeout "$HANG_S" "$SGD_BIN" --state-dir "$dir" --socket "$dir/sgd.sock" --mode host \
		--credentials "$CREDS" --listen "127.0.0.1:$PORT" "$@" >"$dir/log" 2>&1
	rc=$?
	if [ $rc -eq 0 ] || [ $rc -eq 124 ]; then
		fail "$label: sgd did not refuse to start (exit $rc)"
		sed 's/^/      /' "$dir/log" >&2
		return
	fi
	ok "$label: sgd exits $rc"
	if grep -qE -- "$re" "$dir/log"; then
		ok "$label: the log says why: $(grep -m1 -E -- "$re" "$dir/log")"
	else
		fail "$label: no /$re/ in the log:"
		sed 's/^/      /' "$dir/log" >&2
	fi
	[ ! -e "$dir/sgd.sock" ] && ok "$label: no socket left behind" ||
		fail "$label: $dir/sgd.sock left behind"
}
refuses "--listen alone" "--listen needs --tls-cert and --tls-key, or --plain-http"
refuses "--tls-cert without --tls-key" "--tls-cert and --tls-key go together" --tls-cert "$P/server.pem"
refuses "a missing key file" "--tls-key $T_TMP/pki/nokey.pem: No such file" \
	--tls-cert "$P/server.pem" --tls-key "$P/nokey.pem"
refuses "a key file that holds no key" "GnuTLS failed to setup x509 certificate/key" \
	--tls-cert "$P/server.pem" --tls-key "$P/junk.key"
refuses "the CA's key for the server certificate" "certificate and the given key do not match" \
	--tls-cert "$P/server.pem" --tls-key "$P/ca.key"
refuses "a certificate as the key" "no PEM private key" --tls-cert "$P/server.pem" --tls-key "$P/server.pem"

# ---- HTTPS ----
start_sgd host host --listen "127.0.0.1:$PORT" --credentials "$CREDS" \
	--tls-cert "$P/server.pem" --tls-key "$P/server.key"
assert_match "sgd says it serves HTTPS" "127.0.0.1:$PORT: HTTPS" "$(cat "$SGD_LOG")"

# A V1-signed query string for ACTION.
signed_query() { v1_query LTAItls000000001 tl5S3cret "$@"; }
https() { # CURL_ARGS... URL: prints the HTTP code (000: no HTTP answer)
	nsx host curl -s -o "$T_TMP/https.out" -w '%{http_code}' --max-time "$HANG_S" "$@"
}

code=$(https --cacert "$P/ca.pem" "https://127.0.0.1:$PORT/?$(signed_query DescribeSecurityGroups)")
assert_eq "a signed request over HTTPS (curl --cacert test CA)" 200 "$code"
assert_eq "its answer is the action's" "0" "$(jq -r '.TotalCount' "$T_TMP/https.out" 2>/dev/null)"
code=$(https --cacert "$P/ca.pem" "https://127.0.0.1:$PORT/?Action=DescribeSecurityGroups&RegionId=cn-hangzhou&Version=2014-05-26")
assert_eq "an unsigned request over HTTPS is still refused" 400 "$code"
code=$(https "https://127.0.0.1:$PORT/?$(signed_query DescribeSecurityGroups)")
assert_eq "without the test CA curl does not trust the certificate (no answer)" 000 "$code"
code=$(https "http://127.0.0.1:$PORT/?$(signed_query DescribeSecurityGroups)")
assert_eq "plain HTTP to the TLS port gets no HTTP answer" 000 "$code"

# Protocol versions, with openssl s_client (-brief prints the version).
tls_version() { # S_CLIENT_ARGS...: the protocol version agreed with PORT, or "refused"
	local out
	out=$(nsx host timeout "$HANG_S" openssl s_client -connect "127.0.0.1:${TLS_PORT:-$PORT}" \
		-CAfile "$P/ca.pem" -verify_return_error -brief "$@" </dev/null 2>&1) &&
		grep -oE 'Protocol version: TLSv[0-9.]+' <<<"$out" | cut -d' ' -f3 || echo refused
}
assert_eq "TLS 1.3 is spoken (certificate verified)" TLSv1.3 "$(tls_version -tls1_3)"
assert_eq "TLS 1.2 is spoken (certificate verified)" TLSv1.2 "$(tls_version -tls1_2)"
old=(-cipher 'DEFAULT:@SECLEVEL=0') # OpenSSL 3 speaks TLS < 1.2 only at security level 0
# The control: this very client speaks TLS 1.1 to a server that allows it.
CTRL_PORT=$((PORT + 1000))
bg_in host openssl s_server -www -accept "127.0.0.1:$CTRL_PORT" \
	-cert "$P/server.pem" -key "$P/server.key" -tls1_1 "${old[@]}"
wait_until "$HANG_MS" nsx host bash -c "exec 3<>/dev/tcp/127.0.0.1/$CTRL_PORT" ||
	fail "openssl s_server (the control) did not start"
assert_eq "control: the TLS 1.1 client works against openssl s_server -tls1_1" TLSv1.1 \
	"$(TLS_PORT=$CTRL_PORT tls_version -tls1_1 "${old[@]}")"
assert_eq "TLS 1.1 is refused by sgd" refused "$(tls_version -tls1_1 "${old[@]}")"
assert_eq "TLS 1.0 is refused by sgd" refused "$(tls_version -tls1 "${old[@]}")"

# After all that, sgd still serves HTTPS, and the Unix socket is plain HTTP.
code=$(https --cacert "$P/ca.pem" "https://127.0.0.1:$PORT/?$(signed_query DescribeSecurityGroups)")
assert_eq "a signed request over HTTPS after the refused handshakes" 200 "$code"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time "$HANG_S" --unix-socket "$SGD_SOCK" \
	"http://localhost/?Action=DescribeSecurityGroups&RegionId=cn-hangzhou")
assert_eq "the Unix socket speaks plain HTTP" 200 "$code"
kill -0 "$SGD_PID" 2>/dev/null && ok "sgd still running" || fail "sgd died"
finish
