#!/usr/bin/env bash
# An interface that appears after its record was created is filtered at
# once; one that goes and comes back too (host mode).
. "$(dirname "$0")/lib.sh"
setup_host 1
A=$(new_group late)
new_nic h2 "$(host_ip4 2)" "$(host_ip6 2)" "$A" >/dev/null
authorize "$A" SourceCidrIp=203.0.113.0/24 IpProtocol=TCP PortRange=22/22
topo_host_link 2
path_host 2
H=$(host_ip4 2)
verdicts() {
	batch_add pass tcp 203.0.113.5 "$H" - 22
	batch_add drop tcp 203.0.113.5 "$H" - 23
	batch_add drop tcp 2001:db8:b::5 "$(host_ip6 2)" - 22
}
batch_begin; verdicts; batch_run "h2 created after its record"

ip -n "${PFX}host" link del h2
ip netns del "${PFX}c2"
topo_host_link 2
path_host 2
batch_begin; verdicts; batch_run "h2 deleted and created again"
finish
