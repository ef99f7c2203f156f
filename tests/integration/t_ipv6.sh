#!/usr/bin/env bash
# IPv6 rules: Ipv6SourceCidrIp with TCP, UDP, ICMPv6, ALL (host mode).
. "$(dirname "$0")/lib.sh"
setup_host 1
A=$(new_group six)
new_nic h1 "$(host_ip4 1)" "$(host_ip6 1)" "$A" >/dev/null
H=$(host_ip4 1) H6=$(host_ip6 1)
authorize "$A" Ipv6SourceCidrIp=2001:db8:a::/48 IpProtocol=TCP PortRange=22/22
authorize "$A" Ipv6SourceCidrIp=2001:db8:a::/48 IpProtocol=UDP PortRange=53/53
authorize "$A" Ipv6SourceCidrIp=2001:db8:a::/48 IpProtocol=ICMPv6 PortRange=-1/-1
authorize "$A" Ipv6SourceCidrIp=2001:db8:c::/64 IpProtocol=ALL PortRange=-1/-1
authorize "$A" SourceCidrIp=203.0.113.0/24 IpProtocol=TCP PortRange=80/80
batch_begin
batch_add pass tcp 2001:db8:a::5 "$H6" - 22
batch_add pass tcp 2001:db8:a:ffff::5 "$H6" - 22
batch_add drop tcp 2001:db8:b::5 "$H6" - 22
batch_add drop tcp 2001:db8:a::5 "$H6" - 23
batch_add pass udp 2001:db8:a::5 "$H6" - 53
batch_add drop udp 2001:db8:b::5 "$H6" - 53
batch_add pass icmp 2001:db8:a::5 "$H6"
batch_add drop icmp 2001:db8:b::5 "$H6"
batch_add pass tcp 2001:db8:c::5 "$H6" - 9999
batch_add pass gre 2001:db8:c::5 "$H6"
batch_add pass 253 2001:db8:c::5 "$H6"
batch_add drop gre 2001:db8:c:1::5 "$H6"
batch_add drop tcp 2001:db8:a::5 "$H6" - 80   # the IPv4 rule does not match IPv6
batch_add pass tcp 203.0.113.5 "$H" - 80
batch_add drop tcp 203.0.113.5 "$H" - 22      # the IPv6 rules do not match IPv4
batch_add drop icmp 203.0.113.5 "$H"
batch_run "ipv6"
finish
