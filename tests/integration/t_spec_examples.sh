#!/usr/bin/env bash
# The two request examples of the AuthorizeSecurityGroup page, with real
# packets (host mode).  Example 1's 10.0.0.0/8 becomes 203.0.113.0/24 so the
# probes use documentation addresses; it is sent as raw HTTP over the socket.
. "$(dirname "$0")/lib.sh"
need_cmd curl
setup_host 2
A=$(new_group web)
B=$(new_group peers)
new_nic h1 "$(host_ip4 1)" "$(host_ip6 1)" "$A" >/dev/null
H=$(host_ip4 1)

log "example 1: SourceCidrIp, TCP 22/22, Accept (raw HTTP request)"
body="Action=AuthorizeSecurityGroup&RegionId=cn-hangzhou&SecurityGroupId=$A"
body+="&Permissions.1.SourceCidrIp=203.0.113.0%2F24&Permissions.1.PortRange=22%2F22"
body+="&Permissions.1.IpProtocol=TCP&Permissions.1.Policy=Accept"
resp=$(curl -s --max-time 5 --unix-socket "$SGD_SOCK" -d "$body" http://localhost/)
assert_match "example 1 answered with a RequestId" '"RequestId"' "$resp"
batch_begin
batch_add pass tcp 203.0.113.5 "$H" - 22
batch_add pass tcp 203.0.113.250 "$H" - 22
batch_add drop tcp 203.0.113.5 "$H" - 23
batch_add drop tcp 198.51.100.5 "$H" - 22
batch_add drop udp 203.0.113.5 "$H" - 22
batch_add drop icmp 203.0.113.5 "$H"
batch_run "example 1"

log "example 2: SourceGroupId and SourcePrefixListId, TCP 22/22, Drop"
new_nic "" 203.0.113.7 "" "$B" >/dev/null
PL=$(ctl_get PrefixListId create-prefix-list PrefixListName=blocked AddressFamily=IPv4 \
	MaxEntries=10 Entry.1.Cidr=203.0.113.64/26)
ctl authorize-security-group "$A" \
	Permissions.1.SourceGroupId="$B" Permissions.1.PortRange=22/22 \
	Permissions.1.IpProtocol=TCP Permissions.1.Policy=Drop \
	Permissions.2.SourcePrefixListId="$PL" Permissions.2.PortRange=22/22 \
	Permissions.2.IpProtocol=TCP Permissions.2.Policy=Drop >/dev/null
batch_begin
batch_add drop tcp 203.0.113.7 "$H" - 22     # member of B: drop before accept at priority 1
batch_add drop tcp 203.0.113.70 "$H" - 22    # in the prefix list
batch_add drop tcp 203.0.113.127 "$H" - 22
batch_add pass tcp 203.0.113.8 "$H" - 22     # neither: example 1 still accepts
batch_add pass tcp 203.0.113.63 "$H" - 22
batch_add pass tcp 203.0.113.128 "$H" - 22
batch_run "example 2"

log "an interface sgd does not manage is untouched"
path_host 2
batch_begin
batch_add pass tcp 198.51.100.5 "$(host_ip4 2)" - 23
batch_add pass udp 2001:db8:b::5 "$(host_ip6 2)" - 9
batch_run "unmanaged h2"
finish
