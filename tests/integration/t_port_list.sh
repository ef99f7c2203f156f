#!/usr/bin/env bash
# Port range lists (PortRangeListId), edited live (host mode).
. "$(dirname "$0")/lib.sh"
setup_host 1
A=$(new_group ports)
new_nic h1 "$(host_ip4 1)" "$(host_ip6 1)" "$A" >/dev/null
H=$(host_ip4 1)
PRL=$(ctl_get PortRangeListId create-port-range-list PortRangeListName=web MaxEntries=10 \
	Entry.1.PortRange=80/80 Entry.2.PortRange=8000/8100)
authorize "$A" SourceCidrIp=203.0.113.0/24 IpProtocol=TCP PortRangeListId="$PRL"
authorize "$A" Ipv6SourceCidrIp=2001:db8:a::/48 IpProtocol=UDP PortRangeListId="$PRL"
batch_begin
batch_add pass tcp 203.0.113.5 "$H" - 80
batch_add pass tcp 203.0.113.5 "$H" - 8000
batch_add pass tcp 203.0.113.5 "$H" - 8100
batch_add drop tcp 203.0.113.5 "$H" - 8101
batch_add drop tcp 203.0.113.5 "$H" - 81
batch_add drop tcp 203.0.113.5 "$H" - 443
batch_add drop udp 203.0.113.5 "$H" - 80
batch_add pass udp 2001:db8:a::5 "$(host_ip6 1)" - 8050
batch_add drop udp 2001:db8:a::5 "$(host_ip6 1)" - 443
batch_run "port list"
ctl modify-port-range-list "$PRL" AddEntry.1.PortRange=443/443 RemoveEntry.1.PortRange=80/80 >/dev/null
batch_begin
batch_add pass tcp 203.0.113.5 "$H" - 443
batch_add drop tcp 203.0.113.5 "$H" - 80
batch_add pass tcp 203.0.113.5 "$H" - 8050
batch_add pass udp 2001:db8:a::5 "$(host_ip6 1)" - 443
batch_run "after the edit"
finish
