#!/usr/bin/env bash
# make demo: a throwaway lab.  Two network namespaces joined by a veth pair:
#   <prefix>-client (192.0.2.1, 2001:db8::1)  ──  <prefix>-vm (192.0.2.10, 2001:db8::10)
# sgd runs in <prefix>-vm in host mode and protects its veth; its state lives in
# ./demo-state.  The spec page's request examples are applied through sgctl and
# real TCP connections show each verdict.  Everything is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${SGD_BUILD:-build}
P="sgdemo$$"
CL="$P-client"; VM="$P-vm"
STATE="$PWD/demo-state"
SOCK="$STATE/sgd.sock"
SGD_PID=""; LISTEN_PID=""

cleanup() {
	[ -n "$LISTEN_PID" ] && kill "$LISTEN_PID" 2>/dev/null || true
	[ -n "$SGD_PID" ] && kill "$SGD_PID" 2>/dev/null && wait "$SGD_PID" 2>/dev/null || true
	ip netns del "$CL" 2>/dev/null || true
	ip netns del "$VM" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

[ "$(id -u)" = 0 ] || { echo "demo: needs root (network namespaces, nftables)" >&2; exit 1; }
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
ctl() { "$B/sgctl" --socket "$SOCK" "$@"; }
try_tcp() { # try_tcp PORT: can the client open a TCP connection to the VM?
	if ip netns exec "$CL" timeout 2 bash -c "echo > /dev/tcp/192.0.2.10/$1" 2>/dev/null; then
		echo "   client -> 192.0.2.10:$1  CONNECTED"
	else
		echo "   client -> 192.0.2.10:$1  blocked"
	fi
}

say "lab: $CL <-> $VM"
ip netns add "$CL"; ip netns add "$VM"
ip link add veth-cl netns "$CL" type veth peer name veth-vm netns "$VM"
ip -n "$CL" addr add 192.0.2.1/24 dev veth-cl
ip -n "$VM" addr add 192.0.2.10/24 dev veth-vm
ip -n "$CL" addr add 2001:db8::1/64 dev veth-cl nodad
ip -n "$VM" addr add 2001:db8::10/64 dev veth-vm nodad
for ns in "$CL" "$VM"; do ip -n "$ns" link set lo up; done
ip -n "$CL" link set veth-cl up; ip -n "$VM" link set veth-vm up

say "start sgd in $VM (state in $STATE)"
rm -rf "$STATE"; mkdir -p "$STATE"
ip netns exec "$VM" "$B/sgd" --state-dir "$STATE" --socket "$SOCK" --mode host &
SGD_PID=$!
for _ in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
[ -S "$SOCK" ] || { echo "demo: sgd did not start" >&2; exit 1; }
ip netns exec "$VM" python3 -c '
import socket, threading
def serve(port):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port)); s.listen(16)
    while True:
        c, _ = s.accept(); c.close()
for p in (22, 80): threading.Thread(target=serve, args=(p,), daemon=True).start()
threading.Event().wait()' &
LISTEN_PID=$!
sleep 0.3

say "no sgd rule yet touches the VM's veth"
try_tcp 22

say "create security groups, a prefix list and the VM's network interface"
SG=$(ctl create-security-group SecurityGroupName=web VpcId=vpc-demo | python3 -c 'import json,sys; print(json.load(sys.stdin)["SecurityGroupId"])')
SG2=$(ctl create-security-group SecurityGroupName=peers VpcId=vpc-demo | python3 -c 'import json,sys; print(json.load(sys.stdin)["SecurityGroupId"])')
PL=$(ctl create-prefix-list PrefixListName=partners AddressFamily=IPv4 MaxEntries=10 Entry.1.Cidr=198.51.100.0/24 | python3 -c 'import json,sys; print(json.load(sys.stdin)["PrefixListId"])')
ctl create-network-interface HostDevice=veth-vm VpcId=vpc-demo PrimaryIpAddress=192.0.2.10 Ipv6Address.1=2001:db8::10 SecurityGroupIds.1="$SG" >/dev/null
echo "   groups $SG $SG2, prefix list $PL, NIC on veth-vm"
echo "   the NIC is now protected: default drop"
try_tcp 22

say "spec example 1: SourceCidrIp 10.0.0.0/8, TCP 22/22, Accept (plus our client's 192.0.2.0/24)"
ctl authorize-security-group "$SG" Permissions.1.SourceCidrIp=10.0.0.0/8 Permissions.1.PortRange=22/22 \
	Permissions.1.IpProtocol=TCP Permissions.1.Policy=Accept \
	Permissions.2.SourceCidrIp=192.0.2.0/24 Permissions.2.PortRange=22/22 Permissions.2.IpProtocol=TCP >/dev/null
try_tcp 22
try_tcp 80

say "spec example 2: SourceGroupId and SourcePrefixListId, TCP 22/22, Drop"
ctl authorize-security-group "$SG" Permissions.1.SourceGroupId="$SG2" Permissions.1.PortRange=22/22 \
	Permissions.1.IpProtocol=TCP Permissions.1.Policy=Drop \
	Permissions.2.SourcePrefixListId="$PL" Permissions.2.PortRange=22/22 Permissions.2.IpProtocol=TCP Permissions.2.Policy=Drop >/dev/null
echo "   the client is in neither: still allowed"
try_tcp 22
echo "   add the client's address to the prefix list: Drop wins at equal priority"
ctl modify-prefix-list "$PL" AddEntry.1.Cidr=192.0.2.1/32 >/dev/null
try_tcp 22

say "the group's rules"
ctl describe-security-group-attribute "$SG" --table

say "what the kernel enforces (nft list table inet sgd)"
ip netns exec "$VM" nft list table inet sgd

say "done: stopping sgd and removing the lab"
