#!/usr/bin/env bash
# Tenants over signed TCP stay inside their own accounts (host mode):
#  - a tenant binds no host device: not lo, not the uplink, not even an
#    allowed tap (403 Forbidden.HostDevice), on create and on modify;
#  - the administrator (Unix socket) binds neither lo nor a device of the
#    default route (IPv4 or IPv6), nor a name outside host_devices, and a
#    device it may bind is filtered at once;
#  - loopback still answers afterwards (TCP to 127.0.0.1 and ::1), and sgd's
#    dispatch map holds none of the refused devices;
#  - addresses: a tenant can neither take another tenant's address in that
#    tenant's VPC nor use the VPC at all (the same 404 whether the address is
#    taken or not), special addresses are refused, and its own VPC may reuse
#    the address;
#  - per-account quotas on groups, interfaces, prefix lists and port lists,
#    which the administrator does not have.
. "$(dirname "$0")/lib.sh"
need_sgd
need_cmd curl python3
PORT=$((19000 + $$ % 1000))
CREDS=$T_TMP/credentials
cat >"$CREDS" <<'EOF'
LTAItenantA000001 s3cretA 3000000001 a@tenant.example
LTAItenantB000001 s3cretB 3000000002 b@tenant.example
EOF
chmod 600 "$CREDS"
# The uplink names match the allow-list on purpose: the default route, not
# the list, is what keeps them out.
SGD_CONF=$T_TMP/tenant.conf
cat >"$SGD_CONF" <<'EOF'
host_devices = h* up* tap*
quota.groups_per_account = 3
quota.nics_per_account = 2
quota.prefix_lists_per_account = 1
quota.port_lists_per_account = 1
EOF

# host ns: h1 <-> c1 (client), and two uplinks towards a gateway ns: up4
# carries the IPv4 default route, up6 the IPv6 one.
topo_host 1
ns_add gw
veth host up4 gw g4
veth host up6 gw g6
addr host up4 203.0.113.1/24
addr gw g4 203.0.113.254/24
addr host up6 2001:db8:fe::1/64
addr gw g6 2001:db8:fe::fe/64
ip -n "${PFX}host" route add default via 203.0.113.254 dev up4 || die "IPv4 default route"
ip -n "${PFX}host" -6 route add default via 2001:db8:fe::fe dev up6 || die "IPv6 default route"
start_sgd host host --listen "127.0.0.1:$PORT" --credentials "$CREDS" --plain-http
H=$(host_ip4 1)
C=$(client_ip4 1)

# Signed V1 request as KEY over TCP (in sgd's namespace): prints
# "<http status> <Code, or the value of FIELD on success>".
tcall() { # KEY FIELD ACTION K=V...
	local key=$1 field=$2 url code; shift 2
	local secret
	case $key in LTAItenantA000001) secret=s3cretA ;; LTAItenantB000001) secret=s3cretB ;; *) die "no key $key" ;; esac
	url="http://127.0.0.1:$PORT/?$(v1_query "$key" "$secret" "$@")" || die "cannot sign $*"
	code=$(nsx host curl -s -o "$T_TMP/tcall.json" -w '%{http_code}' --max-time "$((HANG_MS / 1000))" "$url")
	if [ "$code" == 200 ]; then
		echo "$code $(jq -r --arg f "$field" '.[$f] // "-"' "$T_TMP/tcall.json")"
	else
		echo "$code $(jq -r '.Code // "?"' "$T_TMP/tcall.json" 2>/dev/null)"
	fi
}
A() { tcall LTAItenantA000001 "$@"; }
B() { tcall LTAItenantB000001 "$@"; }
# The value of a successful call; the test cannot go on without it.
must() { # WHAT CALL...
	local what=$1 out; shift
	out=$("$@")
	[ "${out%% *}" == 200 ] || die "$what: $out"
	echo "${out#* }"
}
# sgctl as the administrator: the error Code, or "ok".
admin_code() {
	if "$SGCTL_BIN" --socket "$SGD_SOCK" "$@" >"$T_TMP/admin.out" 2>"$T_TMP/admin.err"; then
		echo ok
	else
		grep -v '^sgctl: warning' "$T_TMP/admin.err" | sed -n '1s/:.*//p'
	fi
}
dispatch_devices() { # the device names in sgd's dispatch map, sorted
	sgd_nft -j list table inet sgd | jq -r '.nftables[] | .map? // empty | .elem[]? | .[0]' | sort | tr '\n' ' '
}

# ---- 1. a tenant binds no host device ----
GB=$(must "tenant B creates a group in vpc-b" B SecurityGroupId CreateSecurityGroup VpcId=vpc-b \
	SecurityGroupName=b-web)
for dev in lo up4 up6 h1 tap3; do
	assert_eq "tenant B: CreateNetworkInterface HostDevice=$dev" "403 Forbidden.HostDevice" \
		"$(B - CreateNetworkInterface SecurityGroupId="$GB" HostDevice="$dev" PrimaryIpAddress=10.9.0.2)"
done
EB=$(must "tenant B creates a remote interface" B NetworkInterfaceId CreateNetworkInterface \
	SecurityGroupId="$GB" PrimaryIpAddress=10.9.0.1)
for dev in lo up4 h1; do
	assert_eq "tenant B: ModifyNetworkInterfaceAttribute HostDevice=$dev" "403 Forbidden.HostDevice" \
		"$(B - ModifyNetworkInterfaceAttribute NetworkInterfaceId="$EB" HostDevice="$dev")"
done
B - DescribeNetworkInterfaces NetworkInterfaceId.1="$EB" >/dev/null
assert_eq "tenant B's interface is still remote" "Available " \
	"$(jq -r '.NetworkInterfaceSets.NetworkInterfaceSet[] | .Status + " " + .HostDevice' "$T_TMP/tcall.json")"
assert_eq "no device bound by the tenant's attempts" "" "$(dispatch_devices)"

# ---- 2. the administrator: never lo or an uplink, only listed names ----
G=$(new_group admin-web)
assert_eq "admin: HostDevice=lo" InvalidHostDevice.NotAllowed \
	"$(admin_code create-network-interface VpcId=vpc-1 SecurityGroupIds.1="$G" HostDevice=lo)"
assert_eq "admin: HostDevice=up4 (IPv4 default route)" InvalidHostDevice.NotAllowed \
	"$(admin_code create-network-interface VpcId=vpc-1 SecurityGroupIds.1="$G" HostDevice=up4)"
assert_eq "admin: HostDevice=up6 (IPv6 default route)" InvalidHostDevice.NotAllowed \
	"$(admin_code create-network-interface VpcId=vpc-1 SecurityGroupIds.1="$G" HostDevice=up6)"
assert_eq "admin: HostDevice=eth7 (not in host_devices)" InvalidHostDevice.NotAllowed \
	"$(admin_code create-network-interface VpcId=vpc-1 SecurityGroupIds.1="$G" HostDevice=eth7)"
expect_pass tcp "$C" "$H" - 22   # nothing filters h1 yet
N=$(new_nic h1 "$H" "" "$G")
ok "admin binds h1 (listed, no default route)"
expect_drop tcp "$C" "$H" - 22   # h1 is filtered now: default drop
assert_eq "admin: move h1's interface to lo" InvalidHostDevice.NotAllowed \
	"$(admin_code modify-network-interface-attribute "$N" HostDevice=lo)"
assert_eq "admin: move h1's interface to up4" InvalidHostDevice.NotAllowed \
	"$(admin_code modify-network-interface-attribute "$N" HostDevice=up4)"
assert_eq "admin binds tenant B's interface to tap3" ok \
	"$(admin_code modify-network-interface-attribute "$EB" HostDevice=tap3)"
assert_eq "dispatch map: only the devices the administrator bound" "h1 tap3 " "$(dispatch_devices)"

# ---- 3. loopback still answers ----
bg_in host python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::1", int(sys.argv[1])))
s.listen(4)
open(sys.argv[2], "w").close()
while True:
    c, _ = s.accept()
    c.sendall(b"hello\n")
    c.close()
' "$((PORT + 1))" "$T_TMP/l6.ready"
wait_until "$HANG_MS" test -e "$T_TMP/l6.ready" || fail "the ::1 listener did not start"
assert_eq "TCP over ::1 answers" hello \
	"$(nsx host timeout "$((HANG_MS / 1000))" bash -c "exec 3<>/dev/tcp/::1/$((PORT + 1)); head -n1 <&3")"
assert_match "TCP over 127.0.0.1: sgd answers tenant A" '^200 ' "$(A - DescribeSecurityGroups)"

# ---- 4. addresses and VPCs ----
GA=$(must "tenant A creates a group in vpc-a" A SecurityGroupId CreateSecurityGroup VpcId=vpc-a \
	SecurityGroupName=a-web)
must "tenant A: interface 10.1.0.5 in vpc-a" A NetworkInterfaceId CreateNetworkInterface \
	SecurityGroupId="$GA" PrimaryIpAddress=10.1.0.5 >/dev/null
assert_eq "tenant A: 10.1.0.5 again in vpc-a" "400 InvalidPrivateIpAddress.Duplicated" \
	"$(A - CreateNetworkInterface SecurityGroupId="$GA" PrivateIpAddress.1=10.1.0.5)"
assert_eq "tenant B: Alice's address in her VPC" "404 InvalidVpcId.NotFound" \
	"$(B - CreateNetworkInterface SecurityGroupId="$GB" VpcId=vpc-a PrimaryIpAddress=10.1.0.5)"
assert_eq "tenant B: a free address in her VPC (same answer)" "404 InvalidVpcId.NotFound" \
	"$(B - CreateNetworkInterface SecurityGroupId="$GB" VpcId=vpc-a PrimaryIpAddress=10.1.0.6)"
assert_eq "tenant B: a group in her VPC" "404 InvalidVpcId.NotFound" \
	"$(B - CreateSecurityGroup VpcId=vpc-a)"
assert_eq "tenant B: a group in the administrator's VPC" "404 InvalidVpcId.NotFound" \
	"$(B - CreateSecurityGroup VpcId=vpc-1)"
assert_match "tenant B: the same address in vpc-b is fine" '^200 eni-' \
	"$(B NetworkInterfaceId CreateNetworkInterface SecurityGroupId="$GB" PrimaryIpAddress=10.1.0.5)"
assert_eq "tenant A: loopback address" "400 InvalidPrivateIpAddress.Malformed" \
	"$(A - CreateNetworkInterface SecurityGroupId="$GA" PrimaryIpAddress=127.0.0.1)"
assert_eq "tenant A: multicast IPv6 address" "400 InvalidIpv6Address.Malformed" \
	"$(A - CreateNetworkInterface SecurityGroupId="$GA" Ipv6Address.1=ff02::1)"
assert_eq "tenant A: IPv4-mapped IPv6 address" "400 InvalidIpv6Address.Malformed" \
	"$(A - CreateNetworkInterface SecurityGroupId="$GA" Ipv6Address.1=::ffff:10.1.0.5)"

# ---- 5. quotas per account (the configured 3 groups, 2 interfaces, 1+1 lists) ----
assert_match "tenant A: 2nd group" '^200 sg-' "$(A SecurityGroupId CreateSecurityGroup VpcId=vpc-a)"
assert_match "tenant A: 3rd group" '^200 sg-' "$(A SecurityGroupId CreateSecurityGroup VpcId=vpc-a)"
assert_eq "tenant A: 4th group" "403 QuotaExceed.SecurityGroup" "$(A - CreateSecurityGroup VpcId=vpc-a)"
assert_match "tenant A: 2nd interface" '^200 eni-' \
	"$(A NetworkInterfaceId CreateNetworkInterface SecurityGroupId="$GA" PrimaryIpAddress=10.1.0.7)"
assert_eq "tenant A: 3rd interface" "403 QuotaExceeded.Eni" \
	"$(A - CreateNetworkInterface SecurityGroupId="$GA" PrimaryIpAddress=10.1.0.8)"
assert_match "tenant A: a prefix list" '^200 pl-' "$(A PrefixListId CreatePrefixList PrefixListName=nets \
	AddressFamily=IPv4 MaxEntries=5)"
assert_eq "tenant A: a 2nd prefix list" "403 QuotaExceed.PrefixList" \
	"$(A - CreatePrefixList PrefixListName=nets2 AddressFamily=IPv4 MaxEntries=5)"
assert_match "tenant A: a port list" '^200 prl-' "$(A PortRangeListId CreatePortRangeList \
	PortRangeListName=ports MaxEntries=5)"
assert_eq "tenant A: a 2nd port list" "403 QuotaExceed.PortRangeList" \
	"$(A - CreatePortRangeList PortRangeListName=ports2 MaxEntries=5)"
assert_match "tenant B still has her own quota" '^200 sg-' "$(B SecurityGroupId CreateSecurityGroup VpcId=vpc-b)"
for i in 2 3 4; do new_group "admin-more-$i" >/dev/null; done
ok "the administrator is not limited (4 groups of its own)"

# Everything the tenants tried left sgd serving and h1 filtered.
expect_drop tcp "$C" "$H" - 22
assert_eq "dispatch map unchanged by the tenants" "h1 tap3 " "$(dispatch_devices)"
kill -0 "$SGD_PID" 2>/dev/null && ok "sgd still running" || fail "sgd died"
finish
