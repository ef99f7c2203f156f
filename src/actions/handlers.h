/* handlers.h - every action handler; action.c's dispatch table names them. */
#ifndef SGD_ACTIONS_HANDLERS_H
#define SGD_ACTIONS_HANDLERS_H

#include "internal.h"

/* security groups (group.c) */
SG_ACTION(act_CreateSecurityGroup);
SG_ACTION(act_DeleteSecurityGroup);
SG_ACTION(act_DescribeSecurityGroups);
SG_ACTION(act_DescribeSecurityGroupAttribute);
SG_ACTION(act_ModifySecurityGroupPolicy);

/* rules (authorize.c, revoke.c, modify_rule.c) */
SG_ACTION(act_AuthorizeSecurityGroup);
SG_ACTION(act_RevokeSecurityGroup);
SG_ACTION(act_ModifySecurityGroupRule);

/* prefix lists (prefix_list.c) */
SG_ACTION(act_CreatePrefixList);
SG_ACTION(act_ModifyPrefixList);
SG_ACTION(act_DeletePrefixList);
SG_ACTION(act_DescribePrefixLists);
SG_ACTION(act_DescribePrefixListAttributes);

/* port lists (port_list.c) */
SG_ACTION(act_CreatePortRangeList);
SG_ACTION(act_ModifyPortRangeList);
SG_ACTION(act_DeletePortRangeList);
SG_ACTION(act_DescribePortRangeLists);

/* network interfaces (nic.c) */
SG_ACTION(act_CreateNetworkInterface);
SG_ACTION(act_DeleteNetworkInterface);
SG_ACTION(act_DescribeNetworkInterfaces);
SG_ACTION(act_JoinSecurityGroup);
SG_ACTION(act_LeaveSecurityGroup);
SG_ACTION(act_ModifyNetworkInterfaceAttribute);

#endif
