#!/usr/bin/env bash
# Group membership changed live: a NIC joining the source group makes its
# addresses match group-sourced rules, leaving unmatches them; a new member
# NIC counts at once; no rule is rewritten (host mode, remote NIC records).
. "$(dirname "$0")/lib.sh"
setup_host 1
A=$(new_group protected)
B=$(new_group friends)
C=$(new_group others)
new_nic h1 "$(host_ip4 1)" "$(host_ip6 1)" "$A" >/dev/null
H=$(host_ip4 1) H6=$(host_ip6 1)
authorize "$A" SourceGroupId="$B" IpProtocol=TCP PortRange=22/22
X=$(new_nic "" 203.0.113.9 2001:db8:a::9 "$C")
expect_drop tcp 203.0.113.9 "$H" - 22

before=$(rule_handles)
ctl join-security-group NetworkInterfaceId="$X" SecurityGroupId="$B" >/dev/null
batch_begin
batch_add pass tcp 203.0.113.9 "$H" - 22
batch_add pass tcp 2001:db8:a::9 "$H6" - 22
batch_add drop tcp 203.0.113.9 "$H" - 23
batch_add drop tcp 203.0.113.10 "$H" - 22
batch_run "X joined B"
assert_eq "no rule rewritten by a join" "$before" "$(rule_handles)"

ctl leave-security-group NetworkInterfaceId="$X" SecurityGroupId="$B" >/dev/null
batch_begin
batch_add drop tcp 203.0.113.9 "$H" - 22
batch_add drop tcp 2001:db8:a::9 "$H6" - 22
batch_run "X left B"

new_nic "" 203.0.113.10 "" "$B" >/dev/null
batch_begin
batch_add pass tcp 203.0.113.10 "$H" - 22
batch_add drop tcp 203.0.113.9 "$H" - 22
batch_run "new member of B"
finish
