/* entry_list.h - what prefix lists and port range lists have in common:
 * a named, owned list of at most MaxEntries entries that Create*, Modify*
 * (AddEntry.N / RemoveEntry.N), Delete* and Describe* act on the same way.
 * Each kind describes itself in a struct el_kind (prefix_list.c,
 * port_list.c); entry_list.c runs the actions from that description. */
#ifndef SGD_ACTIONS_ENTRY_LIST_H
#define SGD_ACTIONS_ENTRY_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>

#include "internal.h"

/* One entry as a request gives it. */
struct el_item {
	union {
		struct sg_addr_range addr;   /* prefix lists: a CIDR block */
		struct sg_port_range port;   /* port range lists */
	} range;
	char text[SG_TEXT_LEN];   /* how messages name the entry */
	const char *desc;         /* points into the params; NULL when not given */
};

/* The fields every kind has, as pointers into one list. */
struct el_head {
	char *id;                 /* [SG_ID_LEN] */
	char *name;               /* [SG_NAME_LEN] */
	char *create_time;        /* [SG_TIME_LEN] */
	char **description;
	uint32_t *max_entries;
	uint64_t *owner_id;
	size_t nentries;
};

struct el_kind {
	/* Names in requests, answers and messages. */
	const char *noun;             /* "prefix list" */
	const char *id_param;         /* "PrefixListId", also the id in answers */
	const char *name_param;       /* "PrefixListName" */
	const char *id_prefix;        /* "pl-" */
	const char *create_action, *modify_action;   /* ClientToken scopes */
	const char *not_found_code, *name_code, *quota_code;
	/* One more mandatory Create parameter, between the name and
	 * MaxEntries, that create_attr reads into l before the entries are
	 * parsed (they may depend on it); NULL when the kind has none. */
	const char *attr_param;
	int (*create_attr)(const char *value, void *l, struct sg_reply *r);
	/* Messages about one entry, each given el_item.text (absent_fmt and
	 * conflict_fmt of port range lists, worded as the reference words
	 * them, do not show it). */
	const char *dup_fmt;          /* twice in one request */
	const char *absent_fmt;       /* RemoveEntry not in the list */
	const char *conflict_fmt;     /* both added and removed */
	const char *exists_fmt;       /* AddEntry already in the list */
	/* AddEntry of an entry already in the list sets its description
	 * instead of failing with exists_fmt ("adds or modifies"). */
	bool add_replaces;
	/* Describe* answers: body[answer_key] = {answer_inner: [...]}, or a
	 * plain array when answer_inner is NULL. */
	const char *answer_key, *answer_inner;
	size_t list_size;             /* sizeof the kind's list struct */

	/* The kind's lists in the model and store. */
	void *(*find)(struct sg_model *m, const char *id);
	void *(*at)(struct sg_model *m, size_t i);  /* NULL past the last */
	bool (*add)(struct sg_model *m, const void *l);
	void (*del)(struct sg_model *m, void *l);
	bool (*referenced)(const struct sg_model *m, const char *id);
	int (*put)(struct sg_store *st, const void *l);
	int (*store_del)(struct sg_store *st, const char *id);
	uint32_t (*max_entries_cap)(const struct sg_model *m);
	struct el_head (*head)(void *l);
	void (*scrap)(void *l);       /* frees what a list not in the model owns */

	/* Entries. */
	/* "<prefix>.<n>.<field>" into out (range and text). */
	int (*item_parse)(const void *l, const struct sg_params *p, const char *prefix, unsigned n,
			  struct el_item *out, struct sg_reply *r);
	bool (*item_same)(const struct el_item *a, const struct el_item *b);
	bool (*entry_is)(void *l, size_t i, const struct el_item *it);
	/* Appends it with description desc (ownership passes on success). */
	int (*entry_add)(void *l, const struct el_item *it, char *desc);
	void (*entry_del)(void *l, size_t i);
	char **(*entry_desc)(void *l, size_t i);

	/* Describe*. */
	bool (*matches)(const struct sg_params *p, void *l);  /* kind filters; NULL: none */
	json_t *(*json)(struct sg_model *m, void *l);
};

/* The list named by the kind's id parameter that the caller may see: 400
 * when absent, 404 (also for another account's list: lists are scoped per
 * account) when not found. */
void *el_need(const struct el_kind *k, struct sg_env *env, const struct sg_params *p,
	      const struct sg_caller *c, struct sg_reply *r);

/* Groups with at least one rule for which uses(rule, id) holds. */
size_t el_groups_using(const struct sg_model *m, const char *id,
		       bool (*uses)(const struct sg_rule *ru, const char *id));

/* The actions; l is room for one list of the kind. */
int el_create(const struct el_kind *k, void *l, struct sg_env *env, const struct sg_params *p,
	      const struct sg_caller *c, struct sg_reply *r);
int el_modify(const struct el_kind *k, struct sg_env *env, const struct sg_params *p,
	      const struct sg_caller *c, struct sg_reply *r);
int el_delete(const struct el_kind *k, struct sg_env *env, const struct sg_params *p,
	      const struct sg_caller *c, struct sg_reply *r);
int el_describe(const struct el_kind *k, struct sg_env *env, const struct sg_params *p,
		const struct sg_caller *c, struct sg_reply *r);

#endif
