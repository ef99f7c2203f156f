#!/usr/bin/env bash
# Quintuple rules: SourcePortRange, DestCidrIp, Ipv6DestCidrIp (host mode;
# the host answers for 198.51.100.0/24 and 2001:db8:ff::/64).
. "$(dirname "$0")/lib.sh"
setup_host 1
A=$(new_group five)
new_nic h1 "$(host_ip4 1)" "$(host_ip6 1)" "$A" >/dev/null
H=$(host_ip4 1)
authorize "$A" SourceCidrIp=203.0.113.0/24 IpProtocol=TCP PortRange=22/22 SourcePortRange=7000/8000
authorize "$A" SourceCidrIp=0.0.0.0/0 DestCidrIp=198.51.100.0/25 IpProtocol=UDP PortRange=53/53
authorize "$A" Ipv6SourceCidrIp=2001:db8:a::/48 Ipv6DestCidrIp=2001:db8:ff::/120 IpProtocol=TCP PortRange=443/443
authorize "$A" SourceCidrIp=203.0.113.0/24 IpProtocol=TCP PortRange=80/80 Priority=2
authorize "$A" SourceCidrIp=203.0.113.0/24 IpProtocol=TCP PortRange=80/80 SourcePortRange=9000/9100 Policy=Drop Priority=1
batch_begin
batch_add pass tcp 203.0.113.5 "$H" 7000 22
batch_add pass tcp 203.0.113.5 "$H" 7500 22
batch_add pass tcp 203.0.113.5 "$H" 8000 22
batch_add drop tcp 203.0.113.5 "$H" 6999 22
batch_add drop tcp 203.0.113.5 "$H" 8001 22
batch_add pass udp 192.0.2.99 198.51.100.10 - 53
batch_add pass udp 192.0.2.99 198.51.100.127 - 53
batch_add drop udp 192.0.2.99 198.51.100.128 - 53
batch_add drop udp 192.0.2.99 "$H" - 53
batch_add pass tcp 2001:db8:a::5 2001:db8:ff::5 - 443
batch_add drop tcp 2001:db8:a::5 2001:db8:ff::1:5 - 443
batch_add drop tcp 2001:db8:a::5 "$(host_ip6 1)" - 443
batch_add drop tcp 2001:db8:b::5 2001:db8:ff::5 - 443
batch_add pass tcp 203.0.113.5 "$H" 8999 80
batch_add drop tcp 203.0.113.5 "$H" 9000 80
batch_add drop tcp 203.0.113.5 "$H" 9100 80
batch_add pass tcp 203.0.113.5 "$H" 9101 80
batch_run "quintuple"
finish
