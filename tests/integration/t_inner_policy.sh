#!/usr/bin/env bash
# InnerAccessPolicy Accept/Drop, and enterprise groups isolating members
# (routed mode: vm1 and vm2 are members of one basic group; probes go from
# vm2 to vm1 through the router).
. "$(dirname "$0")/lib.sh"
setup_routed 3
G=$(new_group inner)
E=$(new_group adv enterprise)
new_nic tap1 "$(vm_ip4 1)" "$(vm_ip6 1)" "$G" >/dev/null
N2=$(new_nic tap2 "$(vm_ip4 2)" "$(vm_ip6 2)" "$G")
new_nic tap3 "$(vm_ip4 3)" "$(vm_ip6 3)" "$E" >/dev/null
new_nic "" 192.0.2.50 "" "$E" >/dev/null
V1=$(vm_ip4 1) V1_6=$(vm_ip6 1) V2=$(vm_ip4 2) V2_6=$(vm_ip6 2)

path_vm2vm 2 1
batch_begin
batch_add pass tcp "$V2" "$V1" - 23
batch_add pass udp "$V2" "$V1" - 9
batch_add pass tcp "$V2_6" "$V1_6" - 23
batch_add drop tcp 192.0.2.99 "$V1" - 23
batch_run "Accept (default): members reach each other"
path_routed 1
expect_drop tcp 192.0.2.2 "$V1" - 23

ctl modify-security-group-policy "$G" InnerAccessPolicy=Drop >/dev/null
path_vm2vm 2 1
batch_begin
batch_add drop tcp "$V2" "$V1" - 23
batch_add drop tcp "$V2_6" "$V1_6" - 23
batch_run "Drop: members isolated"
# A group may not name itself as source: vm2 also joins F, G's rule names F.
F=$(new_group friends)
ctl join-security-group NetworkInterfaceId="$N2" SecurityGroupId="$F" >/dev/null
authorize "$G" SourceGroupId="$F" IpProtocol=TCP PortRange=22/22
batch_begin
batch_add pass tcp "$V2" "$V1" - 22
batch_add pass tcp "$V2_6" "$V1_6" - 22
batch_add drop tcp "$V2" "$V1" - 23
batch_run "Drop: a user rule wins over Drop"

ctl modify-security-group-policy "$G" InnerAccessPolicy=Accept >/dev/null
authorize "$G" SourceCidrIp="$V2/32" IpProtocol=TCP PortRange=24/24 Policy=Drop
batch_begin
batch_add pass tcp "$V2" "$V1" - 23
batch_add pass tcp "$V2" "$V1" - 24
batch_run "Accept again: it takes precedence over a user drop rule"

path_routed 3
batch_begin
batch_add drop tcp 192.0.2.50 "$(vm_ip4 3)" - 23
batch_add drop tcp 192.0.2.51 "$(vm_ip4 3)" - 23
batch_run "enterprise group: members isolated"
authorize "$E" SourceCidrIp=192.0.2.50/32 IpProtocol=TCP PortRange=23/23
expect_pass tcp 192.0.2.50 "$(vm_ip4 3)" - 23
finish
