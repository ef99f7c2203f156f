#!/usr/bin/env bash
# SDK compatibility test: the official Alibaba Cloud SDKs (@alicloud/ecs20140526,
# signature V3, and @alicloud/pop-core, signature V1), unchanged, drive sgd over
# HTTPS, and real TCP/ICMP traffic proves each verdict.  sgd's certificate (for
# 127.0.0.1, an IP SAN) comes from a throwaway CA made here with openssl; node
# trusts it through NODE_EXTRA_CA_CERTS, so the SDKs verify it as usual.
#
# Topology (two namespaces made for this run, deleted on any exit):
#   cli ns  c0 192.0.2.2-4/24 2001:db8::2/64      ── veth ──  sgd0 192.0.2.1/24 2001:db8::1/64       sgd ns
#           c1 198.51.100.2-4/24 2001:db8:1::2/64 ── veth ──  sgd1 198.51.100.1/24 2001:db8:1::1/64  (sgd --mode host)
# sgd0 is the NIC the ecs20140526 run manages, sgd1 the pop-core run's.
#
# Usage: SGD_BUILD=build tests/sdk/run.sh   (root; needs ip, socat, node, npm, nft, python3, openssl)
# SGD_SDK_VERBOSE=1 also prints the server's answer to every expected error.
# SGD_SDK_FIELDS=1 lists, per action, the response-model fields sgd leaves out.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${SGD_BUILD:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
sgd_bin=$build/sgd
port=8780

die() { echo "sdk: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces)"
[ -x "$sgd_bin" ] || die "no sgd binary at $sgd_bin (make first)"
for t in ip socat node npm nft python3 openssl; do command -v $t >/dev/null || die "missing tool: $t"; done

# ---- npm ci, once per package-lock.json ----
stamp=$here/node_modules/.sgd-lock.sha256
want=$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
	echo "sdk: npm ci"
	(cd "$here" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) ||
		die "npm ci failed"
	echo "$want" >"$stamp"
fi

# ---- namespaces, cleaned up on any exit ----
ns=sgdsdk$$
ns_sgd=$ns-sgd
ns_cli=$ns-cli
tmp=$(mktemp -d /tmp/sgdsdk.XXXXXX)
pids=()

cleanup() {
	local rc=$? p i
	trap - EXIT INT TERM
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do
		for i in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	ip netns del "$ns_sgd" 2>/dev/null || true
	ip netns del "$ns_cli" 2>/dev/null || true
	if [ $rc -ne 0 ] && [ -s "$tmp/sgd.log" ]; then
		echo "sdk: --- last lines of sgd's log ---" >&2
		tail -n 40 "$tmp/sgd.log" >&2
	fi
	rm -rf "$tmp"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ip netns add "$ns_sgd"
ip netns add "$ns_cli"
in_sgd() { ip netns exec "$ns_sgd" "$@"; }
in_cli() { ip netns exec "$ns_cli" "$@"; }
in_sgd ip link set lo up
in_cli ip link set lo up

# link <nic> <peer> <nic-ip4> <client-ip4s...> -- <nic-ip6> <client-ip6>
link() {
	local nic=$1 peer=$2 nic4=$3; shift 3
	ip link add "$nic" netns "$ns_sgd" type veth peer name "$peer" netns "$ns_cli"
	in_sgd ip addr add "$nic4/24" dev "$nic"
	while [ "$1" != -- ]; do in_cli ip addr add "$1/24" dev "$peer"; shift; done
	shift
	in_sgd ip -6 addr add "$1/64" dev "$nic" nodad
	in_cli ip -6 addr add "$2/64" dev "$peer" nodad
	in_sgd ip link set "$nic" up
	in_cli ip link set "$peer" up
}
link sgd0 c0 192.0.2.1 192.0.2.2 192.0.2.3 192.0.2.4 -- 2001:db8::1 2001:db8::2
link sgd1 c1 198.51.100.1 198.51.100.2 198.51.100.3 198.51.100.4 -- 2001:db8:1::1 2001:db8:1::2

# ---- listeners in the sgd namespace (dual stack, every address) ----
tcp_ports="22 80 443 3389 8080 8081 8443"
for p in $tcp_ports; do
	# `ip netns exec` execs (no fork): $! is the listener itself.
	ip netns exec "$ns_sgd" socat -u "TCP6-LISTEN:$p,fork,reuseaddr,ipv6only=0" OPEN:/dev/null &
	pids+=($!)
done

# ---- sgd ----
cat >"$tmp/credentials" <<'EOF'
# AccessKeyId AccessKeySecret AccountId AccountName
LTAItest0001 secret1 1000000001 a@example.com
LTAItest0002 secret2 1000000002 b@example.com
EOF
chmod 0600 "$tmp/credentials"
# A throwaway CA, and sgd's certificate for 127.0.0.1 signed by it.
ossl() { openssl "$@" >>"$tmp/openssl.log" 2>&1 || { cat "$tmp/openssl.log" >&2; die "openssl $1 failed"; }; }
ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj "/CN=sgd sdk test CA $$" -keyout "$tmp/ca.key" -out "$tmp/ca.pem"
ossl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
	-keyout "$tmp/server.key" -out "$tmp/server.csr"
printf '%s\n' "subjectAltName=IP:127.0.0.1" "basicConstraints=critical,CA:FALSE" \
	"keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" >"$tmp/server.ext"
ossl x509 -req -in "$tmp/server.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial \
	-days 2 -extfile "$tmp/server.ext" -out "$tmp/server.pem"
chmod 0600 "$tmp/server.key"
mkdir -p "$tmp/state"
# The devices the administrator binds the SDKs' NICs to are sgd0 and sgd1:
# names host_devices must allow.
echo 'host_devices = sgd0 sgd1' >"$tmp/sgd.conf"
ip netns exec "$ns_sgd" "$sgd_bin" --config "$tmp/sgd.conf" --state-dir "$tmp/state" \
	--socket "$tmp/sgd.sock" --mode host --credentials "$tmp/credentials" --listen "127.0.0.1:$port" \
	--tls-cert "$tmp/server.pem" --tls-key "$tmp/server.key" >"$tmp/sgd.log" 2>&1 &
sgd_pid=$!
pids+=($sgd_pid)

# Bounded wait (a hang bound, not a speed goal): sgd listening, and every probe listener up.
up=0
for _ in $(seq 600); do
	kill -0 "$sgd_pid" 2>/dev/null || { cat "$tmp/sgd.log" >&2; die "sgd exited during start-up"; }
	if in_sgd bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null; then up=1; break; fi
	sleep 0.1
done
[ $up -eq 1 ] || die "sgd does not listen on 127.0.0.1:$port after 60 s"
for p in $tcp_ports; do
	ok=0
	for _ in $(seq 600); do
		if in_sgd bash -c "exec 3<>/dev/tcp/127.0.0.1/$p" 2>/dev/null; then ok=1; break; fi
		sleep 0.1
	done
	[ $ok -eq 1 ] || die "probe listener on port $p did not start"
done

# ---- the test, inside the sgd namespace (it reaches sgd on 127.0.0.1) ----
# In the background and waited for, so that INT/TERM run the cleanup at once.
export SGD_SDK_PORT=$port SGD_SDK_NS_CLI=$ns_cli SGD_SDK_NS_SGD=$ns_sgd
export SGD_SDK_SGCTL=$build/sgctl SGD_SDK_SOCK=$tmp/sgd.sock
export NODE_EXTRA_CA_CERTS=$tmp/ca.pem
ip netns exec "$ns_sgd" node "$here/test.js" &
test_pid=$!
pids+=($test_pid)
rc=0
wait $test_pid || rc=$?
exit $rc
