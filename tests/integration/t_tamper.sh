#!/usr/bin/env bash
# Tamper repair: flushing the ruleset or deleting sgd's table in its
# namespace is undone: sgd logs the repair, and packets prove it (host mode).
. "$(dirname "$0")/lib.sh"
T_ALLOW_FALLBACK=1 # this test tampers: refused incremental batches are expected
setup_host 1
A=$(new_group guard)
new_nic h1 "$(host_ip4 1)" "$(host_ip6 1)" "$A" >/dev/null
H=$(host_ip4 1)
authorize "$A" SourceCidrIp=203.0.113.0/24 IpProtocol=TCP PortRange=22/22
verdicts() {
	batch_add pass tcp 203.0.113.5 "$H" - 22
	batch_add drop tcp 203.0.113.5 "$H" - 23
	batch_add drop udp 198.51.100.5 "$H" - 53
}
batch_begin; verdicts; batch_run "before"

n=$(repairs_logged)
sgd_nft flush ruleset || die "nft flush ruleset failed"
expect_repaired "$n" "repaired after nft flush ruleset" verdicts
n=$(repairs_logged)
sgd_nft delete table inet sgd || die "nft delete table inet sgd failed"
expect_repaired "$n" "repaired after nft delete table inet sgd" verdicts
n=$(repairs_logged)
for c in $(sgd_nft -j list table inet sgd | jq -r '.nftables[] | .chain? // empty | select(.hook == null) | .name'); do
	sgd_nft -j -f - <<<"{\"nftables\": [{\"flush\": {\"chain\": {\"family\": \"inet\", \"table\": \"sgd\", \"name\": \"$c\"}}}]}"
done
expect_repaired "$n" "repaired after flushing every regular chain" verdicts
kill -0 "$SGD_PID" 2>/dev/null && ok "sgd still running" || fail "sgd died"
finish
