/* handlers.h - every action handler; action.c's dispatch table names them. */
#ifndef SGD_ACTIONS_HANDLERS_H
#define SGD_ACTIONS_HANDLERS_H

#include "internal.h"

/* security groups (group.c) */
SG_ACTION(CreateSecurityGroup);
SG_ACTION(DeleteSecurityGroup);
SG_ACTION(DescribeSecurityGroups);
SG_ACTION(DescribeSecurityGroupAttribute);
SG_ACTION(ModifySecurityGroupPolicy);

/* rules (authorize.c, revoke.c, modify_rule.c) */
SG_ACTION(AuthorizeSecurityGroup);
SG_ACTION(RevokeSecurityGroup);
SG_ACTION(ModifySecurityGroupRule);

/* prefix lists (prefix_list.c) */
SG_ACTION(CreatePrefixList);
SG_ACTION(ModifyPrefixList);
SG_ACTION(DeletePrefixList);
SG_ACTION(DescribePrefixLists);
SG_ACTION(DescribePrefixListAttributes);

/* port lists (port_list.c) */
SG_ACTION(CreatePortRangeList);
SG_ACTION(ModifyPortRangeList);
SG_ACTION(DeletePortRangeList);
SG_ACTION(DescribePortRangeLists);

/* network interfaces (nic.c) */
SG_ACTION(CreateNetworkInterface);
SG_ACTION(DeleteNetworkInterface);
SG_ACTION(DescribeNetworkInterfaces);
SG_ACTION(JoinSecurityGroup);
SG_ACTION(LeaveSecurityGroup);
SG_ACTION(ModifyNetworkInterfaceAttribute);

#endif
