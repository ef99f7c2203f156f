#!/usr/bin/env bash
# Reads never wait for writers: while a mutation is held between its
# database write and its kernel batch (sgd's test hook; it holds the
# writers' lock), every Describe action is answered, from the last
# committed state: the held change is not visible.  Once released, the
# writer's own next read sees it (read-your-writes).  Nothing here is timed:
# the only bound is the hang bound.
. "$(dirname "$0")/lib.sh"
setup_host 1
A=$(new_group readers)
H=$(host_ip4 1)
new_nic h1 "$H" "" "$A" >/dev/null
authorize "$A" SourceCidrIp=203.0.113.0/24 IpProtocol=TCP PortRange=22/22
ports() { # one Describe over the socket, bounded only by the hang bound
	curl -s --max-time "$((HANG_MS / 1000))" --unix-socket "$SGD_SOCK" \
		"http://localhost/?Action=DescribeSecurityGroupAttribute&RegionId=cn-hangzhou&SecurityGroupId=$A" |
		jq -r '[.Permissions.Permission[].PortRange] | sort | join(" ")'
}
describe_ok() { # ACTION [K=V...]: 200 from a Describe
	local a=$1 q="" kv; shift
	for kv; do q="$q&$kv"; done
	curl -s -o /dev/null -w '%{http_code}' --max-time "$((HANG_MS / 1000))" --unix-socket "$SGD_SOCK" \
		"http://localhost/?Action=$a&RegionId=cn-hangzhou$q"
}

hold_arm
"$SGCTL_BIN" --socket "$SGD_SOCK" authorize-security-group "$A" Permissions.1.SourceCidrIp=203.0.113.0/24 \
	Permissions.1.IpProtocol=TCP Permissions.1.PortRange=80/80 >"$T_TMP/auth.out" 2>&1 &
writer=$!
T_PIDS+=("$writer")
hold_wait || die "the mutation never reached the test hook"
ok "a mutation is held mid-transaction, holding the writers' lock"

assert_eq "DescribeSecurityGroupAttribute answers while the writer is held, without its change" \
	"22/22" "$(ports)"
for a in DescribeSecurityGroups DescribeNetworkInterfaces DescribePrefixLists DescribePortRangeLists; do
	assert_eq "$a answers while the writer is held" 200 "$(describe_ok "$a")"
done
kill -0 "$writer" 2>/dev/null && ok "the writer was still held during those reads" ||
	fail "the writer finished early: the test did not test"

hold_release || fail "sgd did not take the release"
wait "$writer" && ok "the held mutation answered success" || fail "the held mutation: $(cat "$T_TMP/auth.out")"
assert_eq "after the commit, reads see it" "22/22 80/80" "$(ports)"
expect_pass tcp 203.0.113.5 "$H" - 80
finish
