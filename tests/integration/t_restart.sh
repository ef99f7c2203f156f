#!/usr/bin/env bash
# While sgd is down the kernel keeps enforcing; a restart converges on the
# database: rules kept, stale kernel state removed (host mode).
. "$(dirname "$0")/lib.sh"
setup_host 1
A=$(new_group keep)
new_nic h1 "$(host_ip4 1)" "$(host_ip6 1)" "$A" >/dev/null
H=$(host_ip4 1)
authorize "$A" SourceCidrIp=203.0.113.0/24 IpProtocol=TCP PortRange=22/22
verdicts() {
	batch_add pass tcp 203.0.113.5 "$H" - 22
	batch_add drop tcp 203.0.113.5 "$H" - 23
	batch_add drop tcp 198.51.100.99 "$H" - 23
}
batch_begin; verdicts; batch_run "running"

stop_sgd KILL
batch_begin; verdicts; batch_run "after kill -9: the kernel still enforces"

log "stale state while sgd is down"
base=$(sgd_base_chains | head -n1)
[ -n "$base" ] || die "no base chain in table inet sgd"
# JSON input: it reaches chains whatever their name (nft's parser refuses
# keywords such as "hook" as chain names).
sgd_nft -j -f - <<EOF || die "cannot add a stale rule"
{"nftables": [{"insert": {"rule": {"family": "inet", "table": "sgd", "chain": "$base", "expr": [
  {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": "198.51.100.99"}},
  {"accept": null}]}}}]}
EOF
sgd_nft add chain inet sgd stale_junk || die "cannot add a stale chain"
expect_pass tcp 198.51.100.99 "$H" - 23

start_sgd host host
batch_begin; verdicts; batch_run "after restart: stale rule gone, rules kept"
if sgd_nft list chain inet sgd stale_junk >/dev/null 2>&1; then
	fail "stale chain survived the restart"
else
	ok "stale chain removed"
fi
authorize "$A" SourceCidrIp=203.0.113.0/24 IpProtocol=TCP PortRange=24/24
expect_pass tcp 203.0.113.5 "$H" - 24

stop_sgd TERM
assert_eq "sgd exits 0 on SIGTERM" 0 "$?"
sgd_nft list table inet sgd >/dev/null 2>&1 && ok "table kept after SIGTERM" ||
	fail "SIGTERM removed table inet sgd"
batch_begin; verdicts; batch_run "after SIGTERM"
start_sgd host host
batch_begin; verdicts; batch_add pass tcp 203.0.113.5 "$H" - 24; batch_run "second restart"
finish
