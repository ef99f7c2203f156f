#!/usr/bin/env bash
# lab.sh - a namespace lab for trying sgd by hand (and for scripts/demo.sh).
#
#   scripts/lab.sh up   [host|routed] [PREFIX] [N]   build it, start sgd in it
#   scripts/lab.sh env  [PREFIX]                     print its variables (source them)
#   scripts/lab.sh down [PREFIX]                     stop its sgd, delete its namespaces
#
# host:   PREFIXhost runs sgd (--mode host); clients PREFIXc1..cN, each behind
#         veth h<i> (host 192.0.2.(16i+1), 2001:db8:<i>::1; client .(16i+2), ::2).
# routed: PREFIXrt runs sgd (--mode routed, forwarding) between client PREFIXcl
#         (192.0.2.2) and VMs PREFIXvm1..vmN on ports tap<i> (VM 198.51.100.(16i+2)).
# Default PREFIX is sgdlab-, N is 2.  Everything lives in network namespaces;
# nothing touches the root namespace.  SGD_BUILD (default build) holds sgd,
# sgctl and tests/tools/probe; SGD_NO_START=1 builds the topology only.
set -u
here=$(cd "$(dirname "$0")" && pwd)
cmd=${1:-help}
case $cmd in
up) mode=${2:-host} prefix=${3:-sgdlab-} n=${4:-2} ;;
env | down) prefix=${2:-sgdlab-} ;;
*)
	sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
	exit 2 ;;
esac
labdir=/tmp/sgd-lab-$prefix

lab_down() {
	local pid ns
	if [ -f "$labdir/sgd.pid" ]; then
		pid=$(cat "$labdir/sgd.pid")
		# Only the sgd this lab started: its pid and its command line.
		if grep -q "$labdir" "/proc/$pid/cmdline" 2>/dev/null; then
			kill -TERM "$pid" 2>/dev/null
			for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
			kill -KILL "$pid" 2>/dev/null
		fi
	fi
	if [ -f "$labdir/namespaces" ]; then
		while read -r ns; do ip netns del "$ns" 2>/dev/null; done <"$labdir/namespaces"
	fi
	rm -rf "$labdir"
}

if [ "$cmd" == down ]; then
	[ -d "$labdir" ] || { echo "lab.sh: no lab with prefix $prefix" >&2; exit 1; }
	lab_down
	echo "lab $prefix removed"
	exit 0
fi
if [ "$cmd" == env ]; then
	[ -f "$labdir/env" ] || { echo "lab.sh: no lab with prefix $prefix" >&2; exit 1; }
	cat "$labdir/env"
	exit 0
fi

[ "$(id -u)" -eq 0 ] || { echo "lab.sh: needs root" >&2; exit 1; }
[ -d "$labdir" ] && { echo "lab.sh: lab $prefix exists; run: $0 down $prefix" >&2; exit 1; }
case $mode in host | routed) ;; *) echo "lab.sh: mode is host or routed" >&2; exit 2 ;; esac

# Reuse the test harness's topology builders.  Its EXIT trap removes what was
# built if building fails; on success the trap is dropped and the lab stays.
export PFX=$prefix
. "$here/../tests/integration/lib.sh"
T_NAME=lab
mkdir -p "$labdir"
[ "$mode" == host ] && topo_host "$n" || topo_routed "$n"
printf '%s\n' "${T_NS[@]}" >"$labdir/namespaces"

ens=host sock=$labdir/sgd.sock
[ "$mode" == routed ] && ens=rt
if [ -z "${SGD_NO_START:-}" ]; then
	[ -x "$SGD_BIN" ] || die "no sgd at $SGD_BIN (make, or SGD_NO_START=1)"
	mkdir -p "$labdir/state"
	# The lab's devices (h1, r1, ...) are not in the default host_devices.
	echo 'host_devices = *' >"$labdir/sgd.conf"
	ip netns exec "$PFX$ens" "$SGD_BIN" --config "$labdir/sgd.conf" --state-dir "$labdir/state" \
		--socket "$sock" --mode "$mode" >>"$labdir/sgd.log" 2>&1 &
	echo $! >"$labdir/sgd.pid"
	for _ in $(seq 100); do
		[ -S "$sock" ] && "$SGCTL_BIN" --socket "$sock" describe-security-groups >/dev/null 2>&1 && break
		kill -0 "$(cat "$labdir/sgd.pid")" 2>/dev/null || die "sgd exited: $(tail -n 5 "$labdir/sgd.log")"
		sleep 0.1
	done
fi

{
	echo "LAB_PREFIX=$PFX"
	echo "LAB_MODE=$mode"
	echo "LAB_DIR=$labdir"
	echo "LAB_SGD_NS=$PFX$ens"
	echo "SGD_SOCK=$sock"
	echo "SGCTL=\"$SGCTL_BIN --socket $sock\""
	echo "PROBE=$PROBE"
	if [ "$mode" == host ]; then
		for ((i = 1; i <= n; i++)); do
			echo "LAB_NIC$i=h$i LAB_NIC${i}_IP4=$(host_ip4 "$i") LAB_NIC${i}_IP6=$(host_ip6 "$i")"
			echo "LAB_CLIENT$i=$PFX""c$i LAB_CLIENT${i}_DEV=c$i LAB_CLIENT${i}_DMAC=$(mac_of host "h$i")"
		done
	else
		echo "LAB_CLIENT=${PFX}cl LAB_CLIENT_DEV=c0 LAB_CLIENT_DMAC=$(mac_of rt r0)"
		for ((i = 1; i <= n; i++)); do
			echo "LAB_NIC$i=tap$i LAB_NIC${i}_IP4=$(vm_ip4 "$i") LAB_NIC${i}_IP6=$(vm_ip6 "$i") LAB_VM$i=${PFX}vm$i"
		done
	fi
} >"$labdir/env"

# Keep the lab: no cleanup on this exit.
trap - EXIT INT TERM USR1
rm -rf "$T_TMP"
cat <<EOF
lab $PFX is up ($mode mode, $n $([ "$mode" == host ] && echo clients || echo VMs)).
  namespaces:  $(tr '\n' ' ' <"$labdir/namespaces")
  sgd:         $([ -f "$labdir/sgd.pid" ] && echo "pid $(cat "$labdir/sgd.pid") in $PFX$ens, log $labdir/sgd.log" || echo "not started")
  enter:       ip netns exec $PFX$ens bash
  api:         $SGCTL_BIN --socket $sock describe-security-groups
  variables:   eval "\$($0 env $PFX)"
  probe:       echo '1 tcp 203.0.113.5 DST - 22' | $PROBE run --send-ns <client ns> --dev <dev> --dmac <mac> --recv-ns <ns>
  tear down:   $0 down $PFX
EOF
