#!/usr/bin/env bash
# Groups are stateful: a connection the protected side opens gets its
# replies with no rule allowing them, while new flows from outside are
# dropped.  Host mode and routed mode, TCP and UDP over real sockets.
. "$(dirname "$0")/lib.sh"
need_cmd socat timeout

listen_tcp() { # NS PORT [6]: socat answering "hello" once
	bg_in "$1" socat -T3 TCP${3:-}-LISTEN:"$2",reuseaddr SYSTEM:'echo hello'
	wait_until "$HANG_MS" nsx "$1" sh -c "grep -qi ':$(printf %04X "$2") ' /proc/net/tcp${3:-}" ||
		fail "TCP listener on $1:$2 did not start"
}
listen_udp() { # NS PORT: answers one datagram with "pong"
	bg_in "$1" socat -T3 UDP-RECVFROM:"$2" SYSTEM:'read -r x; echo pong'
	wait_until "$HANG_MS" nsx "$1" sh -c "grep -qi ':$(printf %04X "$2") ' /proc/net/udp" ||
		fail "UDP listener on $1:$2 did not start"
}

setup_host 1
A=$(new_group quiet)
new_nic h1 "$(host_ip4 1)" "$(host_ip6 1)" "$A" >/dev/null
C=$(client_ip4 1)
listen_tcp c1 8080
got=$(nsx host timeout 5 socat -t3 -T3 - TCP:"$C":8080 </dev/null 2>&1)
assert_eq "host mode: outgoing TCP gets its reply" hello "$got"
listen_udp c1 9000
got=$(echo ping | nsx host timeout 5 socat -t3 -T3 - UDP:"$C":9000 2>&1)
assert_eq "host mode: outgoing UDP gets its reply" pong "$got"
listen_tcp c1 8081 6
got=$(nsx host timeout 5 socat -t3 -T3 - TCP6:["$(client_ip6 1)"]:8081 </dev/null 2>&1)
assert_eq "host mode: outgoing TCP over IPv6 gets its reply" hello "$got"
batch_begin
batch_add drop tcp "$C" "$(host_ip4 1)" - 8080
batch_add drop udp "$C" "$(host_ip4 1)" - 9000
batch_run "host mode: new flows from outside"
stop_sgd

log "routed mode"
need_sgd
topo_routed 1
start_sgd rt routed
A=$(new_group quiet)
new_nic tap1 "$(vm_ip4 1)" "$(vm_ip6 1)" "$A" >/dev/null
listen_tcp cl 8080
got=$(nsx vm1 timeout 5 socat -t3 -T3 - TCP:192.0.2.2:8080 </dev/null 2>&1)
assert_eq "routed mode: VM's outgoing TCP gets its reply" hello "$got"
listen_udp cl 9000
got=$(echo ping | nsx vm1 timeout 5 socat -t3 -T3 - UDP:192.0.2.2:9000 2>&1)
assert_eq "routed mode: VM's outgoing UDP gets its reply" pong "$got"
path_routed 1
batch_begin
batch_add drop tcp 192.0.2.2 "$(vm_ip4 1)" - 8082
batch_add drop udp 192.0.2.2 "$(vm_ip4 1)" - 9000
batch_add drop tcp 2001:db8:1::2 "$(vm_ip6 1)" - 8082
batch_run "routed mode: new flows towards the VM"
finish
