#!/usr/bin/env bash
# Revoke takes effect: by fields, by SecurityGroupRuleId, and for one of
# two overlapping permissions exactly its own coverage goes (host mode).
. "$(dirname "$0")/lib.sh"
setup_host 1
A=$(new_group rev)
new_nic h1 "$(host_ip4 1)" "$(host_ip6 1)" "$A" >/dev/null
H=$(host_ip4 1)
authorize "$A" SourceCidrIp=203.0.113.0/24 IpProtocol=TCP PortRange=22/22
expect_pass tcp 203.0.113.5 "$H" - 22
revoke "$A" SourceCidrIp=203.0.113.0/24 IpProtocol=TCP PortRange=22/22
expect_drop tcp 203.0.113.5 "$H" - 22

authorize "$A" Ipv6SourceCidrIp=2001:db8:a::/48 IpProtocol=UDP PortRange=53/53
expect_pass udp 2001:db8:a::5 "$(host_ip6 1)" - 53
rid=$(rule_ids "$A" | head -n1)
[ -n "$rid" ] || die "describe-security-group-attribute shows no SecurityGroupRuleId"
ctl revoke-security-group "$A" SecurityGroupRuleId.1="$rid" >/dev/null
expect_drop udp 2001:db8:a::5 "$(host_ip6 1)" - 53

log "overlapping permissions"
authorize "$A" SourceCidrIp=0.0.0.0/0 IpProtocol=TCP PortRange=22/22
authorize "$A" SourceCidrIp=203.0.113.0/24 IpProtocol=TCP PortRange=20/30
batch_begin
batch_add pass tcp 203.0.113.5 "$H" - 22
batch_add pass tcp 203.0.113.5 "$H" - 25
batch_add pass tcp 198.51.100.5 "$H" - 22
batch_add drop tcp 198.51.100.5 "$H" - 25
batch_run "both"
revoke "$A" SourceCidrIp=0.0.0.0/0 IpProtocol=TCP PortRange=22/22
batch_begin
batch_add pass tcp 203.0.113.5 "$H" - 22
batch_add pass tcp 203.0.113.5 "$H" - 25
batch_add drop tcp 198.51.100.5 "$H" - 22
batch_run "0.0.0.0/0 revoked"
authorize "$A" SourceCidrIp=0.0.0.0/0 IpProtocol=TCP PortRange=22/22
revoke "$A" SourceCidrIp=203.0.113.0/24 IpProtocol=TCP PortRange=20/30
batch_begin
batch_add pass tcp 203.0.113.5 "$H" - 22
batch_add drop tcp 203.0.113.5 "$H" - 25
batch_add pass tcp 198.51.100.5 "$H" - 22
batch_run "203.0.113.0/24 20-30 revoked"
revoke "$A" SourceCidrIp=0.0.0.0/0 IpProtocol=TCP PortRange=22/22
expect_drop tcp 203.0.113.5 "$H" - 22
finish
