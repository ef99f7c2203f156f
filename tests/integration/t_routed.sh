#!/usr/bin/env bash
# Routed mode: the router forwards to VM ports; sgd filters on the port
# towards the VM.  Protocols, IPv6, destination ranges, a VM-to-VM path and
# an unmanaged port.
. "$(dirname "$0")/lib.sh"
setup_routed 2
A=$(new_group vm1)
new_nic tap1 "$(vm_ip4 1)" "$(vm_ip6 1)" "$A" >/dev/null
V=$(vm_ip4 1) V6=$(vm_ip6 1)
authorize "$A" SourceCidrIp=192.0.2.0/25 IpProtocol=TCP PortRange=22/22
authorize "$A" SourceCidrIp=192.0.2.0/25 IpProtocol=UDP PortRange=53/53
authorize "$A" SourceCidrIp=192.0.2.0/25 IpProtocol=ICMP PortRange=-1/-1
authorize "$A" Ipv6SourceCidrIp=2001:db8:1::/64 IpProtocol=TCP PortRange=22/22
authorize "$A" SourceCidrIp=0.0.0.0/0 DestCidrIp=203.0.113.0/25 IpProtocol=TCP PortRange=80/80
authorize "$A" SourceCidrIp=198.51.100.32/28 IpProtocol=GRE PortRange=-1/-1
path_routed 1
batch_begin
batch_add pass tcp 192.0.2.2 "$V" - 22
batch_add drop tcp 192.0.2.2 "$V" - 23
batch_add drop tcp 192.0.2.200 "$V" - 22
batch_add pass udp 192.0.2.2 "$V" - 53
batch_add pass icmp 192.0.2.2 "$V"
batch_add drop icmp 192.0.2.200 "$V"
batch_add pass tcp 2001:db8:1::2 "$V6" - 22
batch_add drop tcp 2001:db8:2::2 "$V6" - 22
batch_add pass tcp 192.0.2.200 203.0.113.5 - 80
batch_add drop tcp 192.0.2.200 203.0.113.200 - 80
batch_add drop tcp 192.0.2.200 "$V" - 80
batch_run "client -> vm1"
path_vm2vm 2 1
batch_begin
batch_add pass gre "$(vm_ip4 2)" "$V"
batch_add drop tcp "$(vm_ip4 2)" "$V" - 22
batch_run "vm2 -> vm1"
path_routed 2
batch_begin
batch_add pass tcp 192.0.2.200 "$(vm_ip4 2)" - 23
batch_add pass udp 2001:db8:2::2 "$(vm_ip6 2)" - 9
batch_run "unmanaged vm2 port: untouched"
finish
