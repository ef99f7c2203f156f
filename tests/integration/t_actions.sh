#!/usr/bin/env bash
# Every action, end to end: once through sgctl and once as raw HTTP over the
# Unix socket (curl), checking the answers' fields and a few error codes and
# statuses.  The dataplane is exercised by the other tests; here the API is.
. "$(dirname "$0")/lib.sh"
need_cmd curl jq
setup_host 1

# raw ACTION K=V...: POST a form body; prints "<status> <body>".
raw() {
	local action=$1 args=(); shift
	args=(--data-urlencode "Action=$action" --data-urlencode "RegionId=cn-hangzhou")
	for kv; do args+=(--data-urlencode "$kv"); done
	curl -s -o "$T_TMP/raw.body" -w '%{http_code}' --unix-socket "$SGD_SOCK" "${args[@]}" http://localhost/
	printf ' %s\n' "$(cat "$T_TMP/raw.body")"
}
raw_ok() { # FIELD ACTION ARGS...: a 200 whose body has FIELD (or "-" for none); prints FIELD's value
	local field=$1 out status body; shift
	out=$(raw "$@"); status=${out%% *}; body=${out#* }
	if [ "$status" != 200 ] || ! jq -e .RequestId <<<"$body" >/dev/null; then
		fail "raw $*: HTTP $status $body" >&2; return 1
	fi
	ok "raw $1: 200" >&2
	[ "$field" == - ] || jq -r --arg f "$field" '.[$f]' <<<"$body"
}
raw_err() { # STATUS CODE ACTION ARGS...
	local want_status=$1 want_code=$2 out status body; shift 2
	out=$(raw "$@"); status=${out%% *}; body=${out#* }
	assert_eq "raw $1 status" "$want_status" "$status"
	assert_eq "raw $1 Code" "$want_code" "$(jq -r .Code <<<"$body")"
	for f in RequestId HostId Code Message Recommend; do
		jq -e --arg f "$f" 'has($f)' <<<"$body" >/dev/null || fail "raw $1 error lacks $f: $body"
	done
}

for via in sgctl raw; do
	log "---- via $via ----"
	if [ $via == sgctl ]; then
		A=$(new_group "web-$via")
		B=$(new_group "peers-$via")
		E=$(new_group "ent-$via" enterprise)
		PL=$(ctl_get PrefixListId create-prefix-list PrefixListName=pl-$via AddressFamily=IPv4 MaxEntries=5 Entry.1.Cidr=198.51.100.0/24)
		PRL=$(ctl_get PortRangeListId create-port-range-list PortRangeListName=prl-$via MaxEntries=5 Entry.1.PortRange=80/80)
		N=$(new_nic h1 "$(host_ip4 1)" "$(host_ip6 1)" "$A")
		R=$(ctl_get NetworkInterfaceId create-network-interface VpcId=vpc-1 PrimaryIpAddress=192.0.2.200 SecurityGroupIds.1="$B")
		ctl authorize-security-group "$A" Permissions.1.SourceCidrIp=10.0.0.0/8 Permissions.1.PortRange=22/22 Permissions.1.IpProtocol=TCP Permissions.1.Policy=Accept \
			Permissions.2.SourceGroupId="$B" Permissions.2.PortRange=22/22 Permissions.2.IpProtocol=TCP Permissions.2.Policy=Drop \
			Permissions.3.SourcePrefixListId="$PL" Permissions.3.PortRange=22/22 Permissions.3.IpProtocol=TCP Permissions.3.Policy=Drop \
			Permissions.4.Ipv6SourceCidrIp=2001:db8::/32 Permissions.4.PortRangeListId="$PRL" Permissions.4.IpProtocol=TCP Permissions.4.Priority=5 >/dev/null
		attr=$(ctl describe-security-group-attribute "$A")
		ctl modify-security-group-policy "$A" InnerAccessPolicy=Drop >/dev/null
		rid=$(jq -r '.Permissions.Permission[] | select(.SourceCidrIp=="10.0.0.0/8") | .SecurityGroupRuleId' <<<"$attr")
		ctl modify-security-group-rule "$A" SecurityGroupRuleId="$rid" Priority=7 >/dev/null
		ctl modify-prefix-list "$PL" AddEntry.1.Cidr=203.0.113.0/24 RemoveEntry.1.Cidr=198.51.100.0/24 >/dev/null
		ctl modify-port-range-list "$PRL" AddEntry.1.PortRange=443/443 >/dev/null
		ctl join-security-group NetworkInterfaceId="$N" SecurityGroupId="$B" >/dev/null
		ctl leave-security-group NetworkInterfaceId="$N" SecurityGroupId="$B" >/dev/null
		ctl modify-network-interface-attribute "$N" SecurityGroupId.1="$A" SecurityGroupId.2="$B" NetworkInterfaceName=renamed >/dev/null
		groups=$(ctl describe-security-groups)
		pls=$(ctl describe-prefix-lists)
		plattr=$(ctl describe-prefix-list-attributes "$PL")
		prls=$(ctl describe-port-range-lists)
		nics=$(ctl describe-network-interfaces)
		attr=$(ctl describe-security-group-attribute "$A")
	else
		A=$(raw_ok SecurityGroupId CreateSecurityGroup SecurityGroupName=web-raw VpcId=vpc-1)
		B=$(raw_ok SecurityGroupId CreateSecurityGroup SecurityGroupName=peers-raw VpcId=vpc-1)
		E=$(raw_ok SecurityGroupId CreateSecurityGroup SecurityGroupName=ent-raw VpcId=vpc-1 SecurityGroupType=enterprise)
		PL=$(raw_ok PrefixListId CreatePrefixList PrefixListName=pl-raw AddressFamily=IPv4 MaxEntries=5 Entry.1.Cidr=198.51.100.0/24)
		PRL=$(raw_ok PortRangeListId CreatePortRangeList PortRangeListName=prl-raw MaxEntries=5 Entry.1.PortRange=80/80)
		N=$(raw_ok NetworkInterfaceId CreateNetworkInterface HostDevice=h9 VpcId=vpc-1 PrimaryIpAddress=192.0.2.201 SecurityGroupIds.1="$A")
		R=$(raw_ok NetworkInterfaceId CreateNetworkInterface VpcId=vpc-1 PrimaryIpAddress=192.0.2.202 SecurityGroupIds.1="$B")
		raw_ok - AuthorizeSecurityGroup SecurityGroupId="$A" Permissions.1.SourceCidrIp=10.0.0.0/8 Permissions.1.PortRange=22/22 Permissions.1.IpProtocol=TCP \
			Permissions.2.SourceGroupId="$B" Permissions.2.PortRange=22/22 Permissions.2.IpProtocol=TCP Permissions.2.Policy=Drop \
			Permissions.3.SourcePrefixListId="$PL" Permissions.3.PortRange=22/22 Permissions.3.IpProtocol=TCP Permissions.3.Policy=Drop \
			Permissions.4.Ipv6SourceCidrIp=2001:db8::/32 Permissions.4.PortRangeListId="$PRL" Permissions.4.IpProtocol=TCP Permissions.4.Priority=5 >/dev/null
		attr=$(raw DescribeSecurityGroupAttribute SecurityGroupId="$A"); attr=${attr#* }
		raw_ok - ModifySecurityGroupPolicy SecurityGroupId="$A" InnerAccessPolicy=Drop >/dev/null
		rid=$(jq -r '.Permissions.Permission[] | select(.SourceCidrIp=="10.0.0.0/8") | .SecurityGroupRuleId' <<<"$attr")
		raw_ok - ModifySecurityGroupRule SecurityGroupId="$A" SecurityGroupRuleId="$rid" Priority=7 >/dev/null
		raw_ok - ModifyPrefixList PrefixListId="$PL" AddEntry.1.Cidr=203.0.113.0/24 RemoveEntry.1.Cidr=198.51.100.0/24 >/dev/null
		raw_ok - ModifyPortRangeList PortRangeListId="$PRL" AddEntry.1.PortRange=443/443 >/dev/null
		raw_ok - JoinSecurityGroup NetworkInterfaceId="$N" SecurityGroupId="$B" >/dev/null
		raw_ok - LeaveSecurityGroup NetworkInterfaceId="$N" SecurityGroupId="$B" >/dev/null
		raw_ok - ModifyNetworkInterfaceAttribute NetworkInterfaceId="$N" SecurityGroupId.1="$A" SecurityGroupId.2="$B" NetworkInterfaceName=renamed >/dev/null
		groups=$(raw DescribeSecurityGroups); groups=${groups#* }
		pls=$(raw DescribePrefixLists); pls=${pls#* }
		plattr=$(raw DescribePrefixListAttributes PrefixListId="$PL"); plattr=${plattr#* }
		prls=$(raw DescribePortRangeLists); prls=${prls#* }
		nics=$(raw DescribeNetworkInterfaces); nics=${nics#* }
		attr=$(raw DescribeSecurityGroupAttribute SecurityGroupId="$A"); attr=${attr#* }
	fi

	# What the describes say.
	assert_eq "$via: rules of A" 4 "$(jq '.Permissions.Permission | length' <<<"$attr")"
	assert_eq "$via: modified priority" 7 "$(jq -r --arg r "$rid" '.Permissions.Permission[] | select(.SecurityGroupRuleId==$r) | .Priority | tonumber' <<<"$attr")"
	assert_eq "$via: InnerAccessPolicy" Drop "$(jq -r .InnerAccessPolicy <<<"$attr")"
	assert_eq "$via: group source" "$B" "$(jq -r '.Permissions.Permission[] | select(.SourceGroupId!="" and .SourceGroupId!=null) | .SourceGroupId' <<<"$attr")"
	assert_eq "$via: port list rule" "$PRL" "$(jq -r '.Permissions.Permission[] | select(.PortRangeListId!="" and .PortRangeListId!=null) | .PortRangeListId' <<<"$attr")"
	jq -e --arg a "$A" '[.SecurityGroups.SecurityGroup[].SecurityGroupId] | index($a)' <<<"$groups" >/dev/null || fail "$via: $A not in DescribeSecurityGroups"
	jq -e --arg p "$PL" '[.PrefixLists.PrefixList[].PrefixListId] | index($p)' <<<"$pls" >/dev/null || fail "$via: $PL not in DescribePrefixLists"
	assert_eq "$via: prefix list entries" 203.0.113.0/24 "$(jq -r '[.Entries.Entry[].Cidr] | join(",")' <<<"$plattr")"
	jq -e --arg p "$PRL" '[.PortRangeLists[].PortRangeListId] | index($p)' <<<"$prls" >/dev/null || fail "$via: $PRL not in DescribePortRangeLists"
	assert_eq "$via: NIC groups" "2" "$(jq -r --arg n "$N" '.NetworkInterfaceSets.NetworkInterfaceSet[] | select(.NetworkInterfaceId==$n) | .SecurityGroupIds.SecurityGroupId | length' <<<"$nics")"

	# Still referenced: refused, nothing dangling.
	raw_err 403 DependencyViolation DeleteSecurityGroup SecurityGroupId="$B"
	raw_err 400 NotAllowed.AssociationExist DeletePrefixList PrefixListId="$PL"
	# Errors of the spec table, with their statuses.
	raw_err 400 InvalidGroupAuthParameter.OperationDenied AuthorizeSecurityGroup SecurityGroupId="$E" Permissions.1.SourceGroupId="$B" Permissions.1.PortRange=22/22 Permissions.1.IpProtocol=TCP
	raw_err 404 InvalidSecurityGroupId.NotFound AuthorizeSecurityGroup SecurityGroupId=sg-doesnotexist Permissions.1.SourceCidrIp=10.0.0.0/8 Permissions.1.PortRange=22/22 Permissions.1.IpProtocol=TCP
	raw_err 400 InvalidParam.PortRange AuthorizeSecurityGroup SecurityGroupId="$A" Permissions.1.SourceCidrIp=10.0.0.0/8 Permissions.1.PortRange=22 Permissions.1.IpProtocol=TCP

	# Tear down in dependency order; each step through the same path.
	if [ $via == sgctl ]; then
		ctl revoke-security-group "$A" SecurityGroupRuleId.1="$rid" >/dev/null
		ctl revoke-security-group "$A" Permissions.1.SourceGroupId="$B" Permissions.1.PortRange=22/22 Permissions.1.IpProtocol=TCP Permissions.1.Policy=Drop \
			Permissions.2.SourcePrefixListId="$PL" Permissions.2.PortRange=22/22 Permissions.2.IpProtocol=TCP Permissions.2.Policy=Drop \
			Permissions.3.Ipv6SourceCidrIp=2001:db8::/32 Permissions.3.PortRangeListId="$PRL" Permissions.3.IpProtocol=TCP >/dev/null
		ctl delete-network-interface "$N" >/dev/null
		ctl delete-network-interface "$R" >/dev/null
		ctl delete-prefix-list "$PL" >/dev/null
		ctl delete-port-range-list "$PRL" >/dev/null
		for g in "$A" "$B" "$E"; do ctl delete-security-group "$g" >/dev/null; done
	else
		raw_ok - RevokeSecurityGroup SecurityGroupId="$A" SecurityGroupRuleId.1="$rid" >/dev/null
		raw_ok - RevokeSecurityGroup SecurityGroupId="$A" Permissions.1.SourceGroupId="$B" Permissions.1.PortRange=22/22 Permissions.1.IpProtocol=TCP Permissions.1.Policy=Drop \
			Permissions.2.SourcePrefixListId="$PL" Permissions.2.PortRange=22/22 Permissions.2.IpProtocol=TCP Permissions.2.Policy=Drop \
			Permissions.3.Ipv6SourceCidrIp=2001:db8::/32 Permissions.3.PortRangeListId="$PRL" Permissions.3.IpProtocol=TCP >/dev/null
		raw_ok - DeleteNetworkInterface NetworkInterfaceId="$N" >/dev/null
		raw_ok - DeleteNetworkInterface NetworkInterfaceId="$R" >/dev/null
		raw_ok - DeletePrefixList PrefixListId="$PL" >/dev/null
		raw_ok - DeletePortRangeList PortRangeListId="$PRL" >/dev/null
		for g in "$A" "$B" "$E"; do raw_ok - DeleteSecurityGroup SecurityGroupId="$g" >/dev/null; done
	fi
	assert_eq "$via: all gone" 0 "$(ctl describe-security-groups | jq '.SecurityGroups.SecurityGroup | length')"
done

# Malformed requests: a clear 4xx, never a crash.
out=$(raw NoSuchAction); assert_eq "unknown action" 404 "${out%% *}"
out=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$SGD_SOCK" -d 'Action=DescribeSecurityGroups&RegionId=%zz' http://localhost/)
assert_match "bad percent-encoding" '^4' "$out"
head -c 3000000 /dev/zero | tr '\0' a >"$T_TMP/huge"
out=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$SGD_SOCK" --data-binary "@$T_TMP/huge" http://localhost/)
assert_match "huge body" '^4' "$out"
out=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$SGD_SOCK" -X DELETE http://localhost/)
assert_match "wrong method" '^4' "$out"
kill -0 "$SGD_PID" || fail "sgd died on malformed input"
finish
