#!/usr/bin/env bash
# A prefix list edited live: rules referencing it follow at once, and no
# rule is rewritten (host mode, IPv4 and IPv6 lists).
. "$(dirname "$0")/lib.sh"
setup_host 1
A=$(new_group pl)
new_nic h1 "$(host_ip4 1)" "$(host_ip6 1)" "$A" >/dev/null
H=$(host_ip4 1) H6=$(host_ip6 1)
P4=$(ctl_get PrefixListId create-prefix-list PrefixListName=v4 AddressFamily=IPv4 MaxEntries=10 \
	Entry.1.Cidr=203.0.113.0/28)
P6=$(ctl_get PrefixListId create-prefix-list PrefixListName=v6 AddressFamily=IPv6 MaxEntries=10 \
	Entry.1.Cidr=2001:db8:a::/48)
authorize "$A" SourcePrefixListId="$P4" IpProtocol=TCP PortRange=22/22
authorize "$A" SourcePrefixListId="$P6" IpProtocol=UDP PortRange=53/53
batch_begin
batch_add pass tcp 203.0.113.5 "$H" - 22
batch_add pass tcp 203.0.113.15 "$H" - 22
batch_add drop tcp 203.0.113.20 "$H" - 22
batch_add pass udp 2001:db8:a::5 "$H6" - 53
batch_add drop udp 2001:db8:b::5 "$H6" - 53
batch_add drop udp 203.0.113.5 "$H" - 53
batch_run "before"

before=$(rule_handles)
ctl modify-prefix-list "$P4" AddEntry.1.Cidr=203.0.113.16/28 RemoveEntry.1.Cidr=203.0.113.0/28 >/dev/null
ctl modify-prefix-list "$P6" AddEntry.1.Cidr=2001:db8:b::/48 RemoveEntry.1.Cidr=2001:db8:a::/48 >/dev/null
batch_begin
batch_add drop tcp 203.0.113.5 "$H" - 22
batch_add pass tcp 203.0.113.20 "$H" - 22
batch_add pass tcp 203.0.113.31 "$H" - 22
batch_add drop tcp 203.0.113.32 "$H" - 22
batch_add drop udp 2001:db8:a::5 "$H6" - 53
batch_add pass udp 2001:db8:b::5 "$H6" - 53
batch_run "after the edit"
assert_eq "no rule rewritten by a prefix-list edit" "$before" "$(rule_handles)"

ctl modify-prefix-list "$P4" AddEntry.1.Cidr=198.51.100.0/24 >/dev/null
expect_pass tcp 198.51.100.200 "$H" - 22
finish
