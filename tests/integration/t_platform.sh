#!/usr/bin/env bash
# Platform traffic is always let in on a managed interface, whatever the
# rules (docs/semantics.md): IPv6 neighbor discovery, DHCPv4 and DHCPv6
# replies.  The NIC's group has no rule that would allow any of it.
. "$(dirname "$0")/lib.sh"
need_cmd socat
setup_host 1
A=$(new_group platform)
new_nic h1 "$(host_ip4 1)" "$(host_ip6 1)" "$A" >/dev/null
H4=$(host_ip4 1) C4=$(client_ip4 1) H6=$(host_ip6 1) C6=$(client_ip6 1)

log "DHCP replies pass, other UDP does not"
batch_begin
batch_add pass udp "$C4" "$H4" 67 68
batch_add drop udp "$C4" "$H4" 68 67
batch_add drop udp "$C4" "$H4" 67 69
batch_add pass udp "$C6" "$H6" 547 546
batch_add drop udp "$C6" "$H6" 546 547
batch_run "platform udp"

log "IPv6 neighbor discovery works through the default drop"
# Only TCP 8080 from the client is allowed; resolving the client's and the
# host's link-layer addresses needs NS/NA (ICMPv6 135/136) through the NIC.
authorize "$A" Ipv6SourceCidrIp="$C6/128" IpProtocol=TCP PortRange=8080/8080
nsx host ip -6 neigh flush dev h1
nsx c1 ip -6 neigh flush dev c1
bg_in host socat -T3 TCP6-LISTEN:8080,reuseaddr SYSTEM:'echo hello'
wait_until "$HANG_MS" nsx host sh -c "grep -qi ':1F90 ' /proc/net/tcp6" || fail "listener did not start"
got=$(nsx c1 timeout 5 socat -T3 - "TCP6:[$H6]:8080" </dev/null 2>&1)
assert_eq "TCP over IPv6 after the neighbour caches were flushed" hello "$got"
state=$(nsx host ip -6 neigh show "$C6" dev h1)
assert_match "the host learnt the client by ND" 'lladdr' "$state"
# And ICMPv6 echo (type 128) is still governed by the rules: dropped.
expect_drop icmp "$C6" "$H6"
finish
