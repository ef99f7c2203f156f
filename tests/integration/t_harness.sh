#!/usr/bin/env bash
# The harness itself, against hand-written nft rules (no sgd): every probe
# kind passes where a rule accepts it and is dropped where none does, in both
# topologies, and a bulk batch loses nothing.  If this fails, no other
# result of the suite means anything.
. "$(dirname "$0")/lib.sh"
need_root

# RULES HOOK IFMATCH SRC4 SRC6 DST4NET: one filter table like sgd's shape.
load_rules() { # NS HOOK IFMATCH
	nsx "$1" nft -f - <<EOF || die "hand-written ruleset refused"
table inet harness {
	chain base {
		type filter hook $2 priority 0; policy accept;
		$3 jump guard
	}
	chain guard {
		ct state established,related accept
		ct state invalid drop
		ip saddr $SRC4 tcp dport 22 accept
		ip saddr $SRC4 udp dport 53 accept
		ip saddr $SRC4 icmp type echo-request accept
		ip saddr $SRC4 meta l4proto gre accept
		ip saddr $SRC4 meta l4proto 253 accept
		ip6 saddr 2001:db8:a::/48 tcp dport 22 accept
		ip6 saddr 2001:db8:a::/48 udp dport 53 accept
		ip6 saddr 2001:db8:a::/48 icmpv6 type echo-request accept
		ip6 saddr 2001:db8:a::/48 meta l4proto gre accept
		ip6 saddr 2001:db8:a::/48 meta l4proto 253 accept
		ip daddr $DST4NET tcp dport 80 accept
		tcp sport 7000-8000 tcp dport 81 accept
		drop
	}
}
EOF
}

probes() { # DST4 DST4_IN DST4_OUT DST6: DST4_IN/OUT inside/outside DST4NET
	local d4=$1 d4in=$2 d4out=$3 d6=$4 in4=$IN4 out4=$OUT4
	batch_begin
	batch_add pass tcp "$in4" "$d4" - 22
	batch_add drop tcp "$in4" "$d4" - 23
	batch_add drop tcp "$out4" "$d4" - 22
	batch_add pass udp "$in4" "$d4" - 53
	batch_add drop udp "$in4" "$d4" - 54
	batch_add pass icmp "$in4" "$d4"
	batch_add drop icmp "$out4" "$d4"
	batch_add pass gre "$in4" "$d4"
	batch_add drop gre "$out4" "$d4"
	batch_add pass 253 "$in4" "$d4"
	batch_add drop 99 "$in4" "$d4"
	batch_add pass tcp 2001:db8:a::5 "$d6" - 22
	batch_add drop tcp 2001:db8:b::5 "$d6" - 22
	batch_add pass udp 2001:db8:a::5 "$d6" - 53
	batch_add pass icmp 2001:db8:a::5 "$d6"
	batch_add drop icmp 2001:db8:b::5 "$d6"
	batch_add pass gre 2001:db8:a::5 "$d6"
	batch_add pass 253 2001:db8:a::5 "$d6"
	batch_add drop 253 2001:db8:b::5 "$d6"
	batch_add pass tcp "$out4" "$d4in" - 80
	batch_add drop tcp "$out4" "$d4out" - 80
	batch_add pass tcp "$out4" "$d4" 7500 81
	batch_add drop tcp "$out4" "$d4" 6999 81
}

bulk() { # DST4 N: N probes alternating pass/drop, checked quietly, counted
	local d4=$1 n=$2 i in4=$IN4
	batch_begin
	for ((i = 0; i < n; i++)); do
		if ((i % 2)); then batch_add pass tcp "$in4" "$d4" - 22
		else batch_add drop tcp "$in4" "$d4" - 23; fi
	done
	if batch_run "bulk" quiet; then ok "bulk: $n probes, every verdict right"
	else fail "bulk: some of $n probes got the wrong verdict"; fi
}

log "host topology"
topo_host 2
SRC4=203.0.113.0/24 IN4=203.0.113.5 OUT4=198.51.100.77 DST4NET=198.51.100.0/25
load_rules host input 'iifname "h1"'
path_host 1
probes "$(host_ip4 1)" 198.51.100.10 198.51.100.200 "$(host_ip6 1)"
batch_run "host h1"
path_host 2
batch_begin
batch_add pass tcp 198.51.100.77 "$(host_ip4 2)" - 23
batch_add pass 99 198.51.100.77 "$(host_ip4 2)"
batch_add pass udp 2001:db8:b::5 "$(host_ip6 2)" - 9
batch_run "host h2 (unmanaged: untouched)"
path_host 1
bulk "$(host_ip4 1)" 3000

log "routed topology"
topo_routed 2
SRC4=192.0.2.128/25 IN4=192.0.2.130 OUT4=192.0.2.77 DST4NET=203.0.113.0/25
load_rules rt forward 'oifname "tap1"'
path_routed 1
probes "$(vm_ip4 1)" 203.0.113.5 203.0.113.200 2001:db8:ff::5
batch_run "routed vm1"
path_vm2vm 2 1
batch_begin
batch_add pass tcp 192.0.2.130 "$(vm_ip4 1)" - 22
batch_add drop tcp "$(vm_ip4 2)" "$(vm_ip4 1)" - 22
batch_run "routed vm2 -> vm1"
path_routed 2
batch_begin
batch_add pass tcp 192.0.2.77 "$(vm_ip4 2)" - 23
batch_add pass udp 2001:db8:b::5 "$(vm_ip6 2)" - 9
batch_run "routed vm2 (unmanaged: untouched)"
path_routed 1
bulk 203.0.113.9 3000

log "stateful sanity: an established flow's replies pass the guard"
need_cmd socat
bg_in c1 socat -T3 TCP-LISTEN:8080,reuseaddr SYSTEM:'echo hello'
wait_until "$HANG_MS" nsx c1 sh -c "grep -q ':1F90 ' /proc/net/tcp" || fail "socat listener did not start"
got=$(nsx host timeout 5 socat -t3 -T3 - TCP:"$(client_ip4 1)":8080 </dev/null 2>&1)
assert_eq "host -> c1 TCP reply through the guard" hello "$got"
finish
