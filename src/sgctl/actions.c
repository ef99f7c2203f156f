/* actions.c - the actions sgctl offers, their id parameter and their
 * parameters (Alibaba ECS names), with one line of help each.  RegionId,
 * Version and Action are added by sgctl itself and are not listed. */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include "ctl.h"

#define P(n, h) { n, false, h }
#define R(n, h) { n, true, h }
#define END { NULL, false, NULL }
#define TOKEN P("ClientToken", "idempotence token, up to 64 ASCII characters")

/* Permission fields shared by AuthorizeSecurityGroup and RevokeSecurityGroup. */
#define PERMISSION_PARAMS                                                                      \
	P("Permissions.N.Policy", "accept (default) or drop"),                                 \
	P("Permissions.N.Priority", "1 (highest, default) to 100"),                            \
	P("Permissions.N.IpProtocol", "TCP, UDP, ICMP, ICMPv6, GRE, ALL or a number 0-255"),   \
	P("Permissions.N.PortRange", "destination ports, e.g. 22/22; -1/-1 for ICMP/GRE/ALL"), \
	P("Permissions.N.PortRangeListId", "port list (prl-...) instead of PortRange"),        \
	P("Permissions.N.SourceCidrIp", "source IPv4 CIDR or address"),                        \
	P("Permissions.N.Ipv6SourceCidrIp", "source IPv6 CIDR or address"),                    \
	P("Permissions.N.SourceGroupId", "source security group (sg-...)"),                    \
	P("Permissions.N.SourceGroupOwnerId", "account id owning SourceGroupId"),              \
	P("Permissions.N.SourceGroupOwnerAccount", "account name owning SourceGroupId"),       \
	P("Permissions.N.SourcePrefixListId", "source prefix list (pl-...)"),                  \
	P("Permissions.N.SourcePortRange", "source ports, e.g. 1024/65535"),                   \
	P("Permissions.N.DestCidrIp", "destination IPv4 CIDR (quintuple rule)"),               \
	P("Permissions.N.Ipv6DestCidrIp", "destination IPv6 CIDR (quintuple rule)"),           \
	P("Permissions.N.NicType", "intranet (default) or internet"),                          \
	P("Permissions.N.Description", "rule description, up to 512 characters")

static const struct ctl_param p_create_sg[] = {
	P("SecurityGroupName", "name, 2-128 characters, starts with a letter"),
	P("Description", "description, 2-256 characters"),
	P("VpcId", "VPC the group belongs to"),
	P("SecurityGroupType", "normal (basic, default) or enterprise (advanced)"),
	P("ResourceGroupId", "resource group"),
	TOKEN, END,
};

static const struct ctl_param p_delete_sg[] = {
	R("SecurityGroupId", "security group to delete"), END,
};

static const struct ctl_param p_describe_sgs[] = {
	P("SecurityGroupId", "only this group"),
	P("SecurityGroupIds", "JSON array of group ids, e.g. [\"sg-1\",\"sg-2\"]"),
	P("SecurityGroupName", "only groups with this name"),
	P("SecurityGroupType", "normal or enterprise"),
	P("VpcId", "only groups of this VPC"),
	P("MaxResults", "entries per page, 1-100"),
	P("NextToken", "token from the previous page"),
	P("PageNumber", "page number, from 1 (deprecated paging)"),
	P("PageSize", "entries per page, 1-50 (deprecated paging)"),
	END,
};

static const struct ctl_param p_describe_sg_attr[] = {
	R("SecurityGroupId", "security group"),
	P("NicType", "intranet (default) or internet"),
	P("Direction", "ingress, egress or all (default)"),
	P("MaxResults", "rules per page"),
	P("NextToken", "token from the previous page"),
	END,
};

static const struct ctl_param p_authorize_sg[] = {
	R("SecurityGroupId", "security group to add inbound rules to"),
	PERMISSION_PARAMS,
	TOKEN, END,
};

static const struct ctl_param p_revoke_sg[] = {
	R("SecurityGroupId", "security group to remove inbound rules from"),
	P("SecurityGroupRuleId.N", "rule id (sgr-...) to remove"),
	PERMISSION_PARAMS,
	TOKEN, END,
};

static const struct ctl_param p_modify_sg_rule[] = {
	R("SecurityGroupId", "security group"),
	R("SecurityGroupRuleId", "rule to modify (sgr-...)"),
	P("Policy", "accept or drop"),
	P("Priority", "1 (highest) to 100"),
	P("IpProtocol", "TCP, UDP, ICMP, ICMPv6, GRE, ALL or a number 0-255"),
	P("PortRange", "destination ports, e.g. 22/22"),
	P("PortRangeListId", "port list (prl-...)"),
	P("SourceCidrIp", "source IPv4 CIDR"),
	P("Ipv6SourceCidrIp", "source IPv6 CIDR"),
	P("SourceGroupId", "source security group"),
	P("SourceGroupOwnerId", "account id owning SourceGroupId"),
	P("SourceGroupOwnerAccount", "account name owning SourceGroupId"),
	P("SourcePrefixListId", "source prefix list"),
	P("SourcePortRange", "source ports"),
	P("DestCidrIp", "destination IPv4 CIDR"),
	P("Ipv6DestCidrIp", "destination IPv6 CIDR"),
	P("NicType", "intranet or internet"),
	P("Description", "rule description"),
	TOKEN, END,
};

static const struct ctl_param p_modify_sg_policy[] = {
	R("SecurityGroupId", "security group"),
	R("InnerAccessPolicy", "Accept (members talk freely) or Drop (members isolated)"),
	TOKEN, END,
};

static const struct ctl_param p_create_pl[] = {
	R("PrefixListName", "name, 2-128 characters"),
	R("AddressFamily", "IPv4 or IPv6"),
	R("MaxEntries", "capacity, 1-200, fixed at creation"),
	P("Description", "description"),
	P("Entry.N.Cidr", "CIDR of entry N"),
	P("Entry.N.Description", "description of entry N"),
	TOKEN, END,
};

static const struct ctl_param p_modify_pl[] = {
	R("PrefixListId", "prefix list (pl-...)"),
	P("PrefixListName", "new name"),
	P("Description", "new description"),
	P("AddEntry.N.Cidr", "CIDR to add"),
	P("AddEntry.N.Description", "description of the added entry"),
	P("RemoveEntry.N.Cidr", "CIDR to remove"),
	END,
};

static const struct ctl_param p_delete_pl[] = {
	R("PrefixListId", "prefix list to delete"), END,
};

static const struct ctl_param p_describe_pls[] = {
	P("PrefixListId.N", "only these prefix lists"),
	P("PrefixListName", "only lists with this name"),
	P("AddressFamily", "IPv4 or IPv6"),
	P("MaxResults", "entries per page, 1-100"),
	P("NextToken", "token from the previous page"),
	END,
};

static const struct ctl_param p_describe_pl_attr[] = {
	R("PrefixListId", "prefix list"), END,
};

static const struct ctl_param p_create_prl[] = {
	R("PortRangeListName", "name, 2-128 characters"),
	R("MaxEntries", "capacity, 1-2000, fixed at creation"),
	P("Description", "description"),
	P("Entry.N.PortRange", "port range of entry N, e.g. 80/80"),
	P("Entry.N.Description", "description of entry N"),
	TOKEN, END,
};

static const struct ctl_param p_modify_prl[] = {
	R("PortRangeListId", "port list (prl-...)"),
	P("PortRangeListName", "new name"),
	P("Description", "new description"),
	P("AddEntry.N.PortRange", "port range to add"),
	P("AddEntry.N.Description", "description of the added entry"),
	P("RemoveEntry.N.PortRange", "port range to remove"),
	TOKEN, END,
};

static const struct ctl_param p_delete_prl[] = {
	R("PortRangeListId", "port list to delete"), END,
};

static const struct ctl_param p_describe_prls[] = {
	P("PortRangeListId.N", "only these port lists"),
	P("PortRangeListName", "only lists with this name"),
	P("MaxResults", "entries per page"),
	P("NextToken", "token from the previous page"),
	END,
};

static const struct ctl_param p_create_nic[] = {
	P("HostDevice", "sgd extension, administrator only: Linux device enforced for this NIC (tap12)"),
	P("VpcId", "sgd extension: VPC of the interface (else the first group's)"),
	P("VSwitchId", "vSwitch (accepted, recorded)"),
	P("SecurityGroupId", "group to join (or SecurityGroupIds.N)"),
	P("SecurityGroupIds.N", "groups to join, up to 5"),
	P("PrimaryIpAddress", "primary private IPv4 address"),
	P("PrivateIpAddress.N", "secondary private IPv4 addresses"),
	P("Ipv6Address.N", "IPv6 addresses"),
	P("NetworkInterfaceName", "name"),
	P("Description", "description"),
	TOKEN, END,
};

static const struct ctl_param p_delete_nic[] = {
	R("NetworkInterfaceId", "interface to delete (eni-...)"), END,
};

static const struct ctl_param p_describe_nics[] = {
	P("NetworkInterfaceId.N", "only these interfaces"),
	P("NetworkInterfaceName", "only interfaces with this name"),
	P("SecurityGroupId", "only members of this group"),
	P("VpcId", "only interfaces of this VPC"),
	P("PrimaryIpAddress", "only the interface with this primary IPv4"),
	P("PrivateIpAddress.N", "only interfaces with these IPv4 addresses"),
	P("Ipv6Address.N", "only interfaces with these IPv6 addresses"),
	P("MaxResults", "entries per page"),
	P("NextToken", "token from the previous page"),
	P("PageNumber", "page number (deprecated paging)"),
	P("PageSize", "entries per page (deprecated paging)"),
	END,
};

static const struct ctl_param p_join_sg[] = {
	R("SecurityGroupId", "group to join"),
	R("NetworkInterfaceId", "interface (eni-...)"),
	P("InstanceId", "not supported by sgd: use NetworkInterfaceId"),
	END,
};

static const struct ctl_param p_leave_sg[] = {
	R("SecurityGroupId", "group to leave"),
	R("NetworkInterfaceId", "interface (eni-...)"),
	P("InstanceId", "not supported by sgd: use NetworkInterfaceId"),
	END,
};

static const struct ctl_param p_modify_nic[] = {
	R("NetworkInterfaceId", "interface (eni-...)"),
	P("SecurityGroupId.N", "the complete new list of groups (replaces the old)"),
	P("NetworkInterfaceName", "new name"),
	P("Description", "new description"),
	P("HostDevice", "sgd extension, administrator only: bind or move the NIC to this device"),
	END,
};

const struct ctl_action ctl_actions[] = {
	{ "CreateSecurityGroup", NULL, NULL, "create a security group", p_create_sg },
	{ "DeleteSecurityGroup", "SecurityGroupId", NULL, "delete a security group", p_delete_sg },
	{ "DescribeSecurityGroups", "SecurityGroupId", NULL, "list security groups",
	  p_describe_sgs },
	{ "DescribeSecurityGroupAttribute", "SecurityGroupId", NULL,
	  "show a security group and its rules", p_describe_sg_attr },
	{ "AuthorizeSecurityGroup", "SecurityGroupId", NULL, "add inbound rules",
	  p_authorize_sg },
	{ "RevokeSecurityGroup", "SecurityGroupId", "SecurityGroupRuleId.1",
	  "remove inbound rules", p_revoke_sg },
	{ "ModifySecurityGroupRule", "SecurityGroupId", "SecurityGroupRuleId",
	  "change an inbound rule", p_modify_sg_rule },
	{ "ModifySecurityGroupPolicy", "SecurityGroupId", NULL,
	  "set a group's InnerAccessPolicy", p_modify_sg_policy },
	{ "CreatePrefixList", NULL, NULL, "create a prefix list", p_create_pl },
	{ "ModifyPrefixList", "PrefixListId", NULL, "rename a prefix list, add/remove entries",
	  p_modify_pl },
	{ "DeletePrefixList", "PrefixListId", NULL, "delete a prefix list", p_delete_pl },
	{ "DescribePrefixLists", "PrefixListId.1", NULL, "list prefix lists", p_describe_pls },
	{ "DescribePrefixListAttributes", "PrefixListId", NULL,
	  "show a prefix list and its entries", p_describe_pl_attr },
	{ "CreatePortRangeList", NULL, NULL, "create a port list", p_create_prl },
	{ "ModifyPortRangeList", "PortRangeListId", NULL, "rename a port list, add/remove entries",
	  p_modify_prl },
	{ "DeletePortRangeList", "PortRangeListId", NULL, "delete a port list", p_delete_prl },
	{ "DescribePortRangeLists", "PortRangeListId.1", NULL, "list port lists",
	  p_describe_prls },
	{ "CreateNetworkInterface", NULL, NULL, "register an interface sgd protects",
	  p_create_nic },
	{ "DeleteNetworkInterface", "NetworkInterfaceId", NULL, "forget an interface",
	  p_delete_nic },
	{ "DescribeNetworkInterfaces", "NetworkInterfaceId.1", NULL, "list interfaces",
	  p_describe_nics },
	{ "JoinSecurityGroup", "SecurityGroupId", "NetworkInterfaceId",
	  "add an interface to a group", p_join_sg },
	{ "LeaveSecurityGroup", "SecurityGroupId", "NetworkInterfaceId",
	  "remove an interface from a group", p_leave_sg },
	{ "ModifyNetworkInterfaceAttribute", "NetworkInterfaceId", NULL,
	  "set an interface's groups, name, description or host device", p_modify_nic },
};

const size_t ctl_nactions = sizeof(ctl_actions) / sizeof(ctl_actions[0]);

int ctl_kebab(const char *camel, char *buf, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; camel[i]; i++) {
		unsigned char c = (unsigned char)camel[i];
		/* a dash before each capital that starts a new word */
		if (isupper(c) && i > 0) {
			if (o + 1 >= len)
				return -ENOSPC;
			buf[o++] = '-';
		}
		if (o + 1 >= len)
			return -ENOSPC;
		buf[o++] = (char)tolower(c);
	}
	if (o >= len)
		return -ENOSPC;
	buf[o] = '\0';
	return 0;
}

const struct ctl_action *ctl_action_find(const char *cmd)
{
	char kebab[96];

	for (size_t i = 0; i < ctl_nactions; i++) {
		const struct ctl_action *a = &ctl_actions[i];
		if (strcmp(cmd, a->name) == 0)
			return a;
		if (ctl_kebab(a->name, kebab, sizeof(kebab)) == 0 && strcasecmp(cmd, kebab) == 0)
			return a;
	}
	return NULL;
}

/* Matches "Permissions.3.Policy" against "Permissions.N.Policy": each "N"
 * component of the pattern stands for a positive decimal index. */
static bool param_match(const char *pattern, const char *key)
{
	const char *start = pattern;

	while (*pattern && *key) {
		bool index = pattern[0] == 'N' && (pattern == start || pattern[-1] == '.') &&
			     (pattern[1] == '.' || pattern[1] == '\0');
		if (index && isdigit((unsigned char)*key)) {
			while (isdigit((unsigned char)*key))
				key++;
			pattern++;
			continue;
		}
		if (*pattern != *key)
			return false;
		pattern++;
		key++;
	}
	return *pattern == '\0' && *key == '\0';
}

bool ctl_param_known(const struct ctl_action *a, const char *key)
{
	static const char *const common[] = { "RegionId", "Version", "Action", NULL };

	for (size_t i = 0; common[i]; i++)
		if (strcmp(key, common[i]) == 0)
			return true;
	for (const struct ctl_param *p = a->params; p->name; p++)
		if (param_match(p->name, key))
			return true;
	return false;
}

void ctl_print_commands(FILE *out)
{
	char kebab[96];

	fprintf(out, "usage: sgctl [--socket PATH] [--region ID] COMMAND [ID] [--Param value | "
		     "Param=value ...] [--table | --json]\n"
		     "       sgctl raw Action=NAME [Key=Value ...]\n"
		     "       sgctl COMMAND --help\n\ncommands:\n");
	for (size_t i = 0; i < ctl_nactions; i++) {
		if (ctl_kebab(ctl_actions[i].name, kebab, sizeof(kebab)) != 0)
			continue;
		fprintf(out, "  %-34s %s\n", kebab, ctl_actions[i].summary);
	}
	fprintf(out, "  %-34s %s\n", "raw", "send any Action with the given parameters");
	fprintf(out, "\nThe socket is --socket, else $SGD_SOCKET, else " CTL_DEFAULT_SOCKET ".\n"
		     "See sgctl(8).\n");
}

void ctl_print_action_help(FILE *out, const struct ctl_action *a)
{
	char kebab[96];

	if (ctl_kebab(a->name, kebab, sizeof(kebab)) != 0)
		snprintf(kebab, sizeof(kebab), "%s", a->name);
	fprintf(out, "usage: sgctl %s", kebab);
	if (a->id_param)
		fprintf(out, " [%s]", a->id_param);
	if (a->id2_param)
		fprintf(out, " [%s]", a->id2_param);
	fprintf(out, " [--Param value | Param=value ...]\n\n%s: %s\n", a->name, a->summary);
	if (a->id_param)
		fprintf(out, "The first positional argument is %s", a->id_param);
	if (a->id2_param)
		fprintf(out, ", the second %s", a->id2_param);
	if (a->id_param)
		fprintf(out, ".\n");
	fprintf(out, "\nparameters (N is an index from 1):\n");
	for (const struct ctl_param *p = a->params; p->name; p++)
		fprintf(out, "  %-40s %s%s\n", p->name, p->required ? "(required) " : "", p->help);
	fprintf(out, "  %-40s %s\n", "RegionId", "region, default " CTL_DEFAULT_REGION
						 " (or --region)");
}
