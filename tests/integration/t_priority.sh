#!/usr/bin/env bash
# Priority order and drop-first at equal priority, across two groups on one
# NIC; default drop behind them (host mode).
. "$(dirname "$0")/lib.sh"
setup_host 1
G1=$(new_group one)
G2=$(new_group two)
new_nic h1 "$(host_ip4 1)" "$(host_ip6 1)" "$G1" "$G2" >/dev/null
H=$(host_ip4 1)
S=SourceCidrIp=203.0.113.0/24
authorize "$G1" $S IpProtocol=TCP PortRange=1000/1999 Policy=Accept Priority=5
authorize "$G2" $S IpProtocol=TCP PortRange=1500/1500 Policy=Drop Priority=5
authorize "$G2" $S IpProtocol=TCP PortRange=2000/2999 Policy=Drop Priority=10
authorize "$G1" SourceCidrIp=203.0.113.7/32 IpProtocol=TCP PortRange=2500/2500 Policy=Accept Priority=3
authorize "$G1" $S IpProtocol=UDP PortRange=53/53 Policy=Drop Priority=50
authorize "$G2" SourceCidrIp=203.0.113.0/25 IpProtocol=UDP PortRange=53/53 Policy=Accept Priority=49
batch_begin
batch_add pass tcp 203.0.113.5 "$H" - 1400   # G1 accept
batch_add drop tcp 203.0.113.5 "$H" - 1500   # G2 drop beats G1 accept at priority 5
batch_add pass tcp 203.0.113.5 "$H" - 1501
batch_add pass tcp 203.0.113.7 "$H" - 2500   # G1 accept priority 3 before G2 drop priority 10
batch_add drop tcp 203.0.113.8 "$H" - 2500
batch_add drop tcp 203.0.113.7 "$H" - 2400
batch_add drop tcp 203.0.113.5 "$H" - 3000   # no rule: default drop
batch_add pass udp 203.0.113.5 "$H" - 53     # accept 49 before drop 50
batch_add drop udp 203.0.113.200 "$H" - 53
batch_run "priorities"

log "changing a priority reorders (ModifySecurityGroupRule)"
rid=$(ctl describe-security-group-attribute "$G2" |
	jq -r '.. | objects | select(.Policy? != null and (.Policy|ascii_downcase) == "accept") | .SecurityGroupRuleId' | head -n1)
if [ -n "$rid" ]; then
	ctl modify-security-group-rule "$G2" SecurityGroupRuleId="$rid" Priority=51 >/dev/null
	batch_begin
	batch_add drop udp 203.0.113.5 "$H" - 53
	batch_run "after priority 49 -> 51"
else
	fail "no accept rule id found in describe-security-group-attribute $G2"
fi
finish
