#!/usr/bin/env bash
# ICMP, GRE, an IANA protocol number and ALL, crossed with every probe kind
# (host mode).
. "$(dirname "$0")/lib.sh"
setup_host 1
A=$(new_group protos)
new_nic h1 "$(host_ip4 1)" "$(host_ip6 1)" "$A" >/dev/null
H=$(host_ip4 1)
authorize "$A" SourceCidrIp=203.0.113.0/26 IpProtocol=ICMP PortRange=-1/-1
authorize "$A" SourceCidrIp=203.0.113.64/26 IpProtocol=GRE PortRange=-1/-1
authorize "$A" SourceCidrIp=203.0.113.128/26 IpProtocol=253 PortRange=-1/-1
authorize "$A" SourceCidrIp=203.0.113.192/26 IpProtocol=ALL PortRange=-1/-1
batch_begin
for p in tcp udp icmp gre 253 99; do
	for src in 203.0.113.5:icmp 203.0.113.70:gre 203.0.113.130:253 203.0.113.200:all 198.51.100.5:none; do
		allowed=${src#*:} ip=${src%:*} want=drop
		[ "$allowed" == "$p" ] || [ "$allowed" == all ] && want=pass
		batch_add "$want" "$p" "$ip" "$H" - 7
	done
done
batch_run "protocols"
finish
