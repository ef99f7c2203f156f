#!/usr/bin/env bash
# Operators debug with nft: `nft list ruleset` and `nft -j list ruleset`
# print sgd's table without error, and comments name the rule ids.
. "$(dirname "$0")/lib.sh"
setup_host 1
A=$(new_group listed)
B=$(new_group src)
new_nic h1 "$(host_ip4 1)" "$(host_ip6 1)" "$A" >/dev/null
new_nic "" 203.0.113.9 2001:db8:a::9 "$B" >/dev/null
PL=$(ctl_get PrefixListId create-prefix-list PrefixListName=listed-pl AddressFamily=IPv4 MaxEntries=5 \
	Entry.1.Cidr=198.51.100.0/24)
PRL=$(ctl_get PortRangeListId create-port-range-list PortRangeListName=listed-ports MaxEntries=5 \
	Entry.1.PortRange=80/80)
authorize "$A" SourceCidrIp=203.0.113.0/24 IpProtocol=TCP PortRange=22/22
authorize "$A" SourceCidrIp=203.0.113.0/24 IpProtocol=TCP PortRange=23/23 Policy=Drop Priority=2
authorize "$A" Ipv6SourceCidrIp=2001:db8:a::/48 IpProtocol=UDP PortRange=53/53 SourcePortRange=1/1024
authorize "$A" SourceGroupId="$B" IpProtocol=ALL PortRange=-1/-1
authorize "$A" SourcePrefixListId="$PL" IpProtocol=TCP PortRangeListId="$PRL"
authorize "$A" SourceCidrIp=192.0.2.0/24 DestCidrIp=198.51.100.0/25 IpProtocol=GRE PortRange=-1/-1

out=$(sgd_nft list ruleset 2>"$T_TMP/nft.err"); rc=$?
assert_eq "nft list ruleset exit status" 0 "$rc"
assert_eq "nft list ruleset stderr" "" "$(cat "$T_TMP/nft.err")"
assert_match "text shows table inet sgd" 'table inet sgd' "$out"
json=$(sgd_nft -j list ruleset 2>"$T_TMP/nft.err"); rc=$?
assert_eq "nft -j list ruleset exit status" 0 "$rc"
assert_eq "nft -j list ruleset stderr" "" "$(cat "$T_TMP/nft.err")"
assert_eq "JSON has table inet sgd" 1 \
	"$(jq '[.nftables[] | .table? // empty | select(.family == "inet" and .name == "sgd")] | length' <<<"$json")"
ids=$(rule_ids "$A")
assert_eq "describe shows six rule ids" 6 "$(wc -w <<<"$ids")"
for id in $ids; do
	if grep -q "comment \".*$id" <<<"$out"; then ok "a comment names $id"
	else fail "no comment names $id"; fi
done
# The dump must also be loadable: nft parses its own output back.
nsx host nft -c -f - <<<"$out" 2>"$T_TMP/nft.err" && ok "nft -c accepts the listed ruleset" ||
	fail "nft -c -f refuses the listed ruleset: $(head -n5 "$T_TMP/nft.err")"
finish
