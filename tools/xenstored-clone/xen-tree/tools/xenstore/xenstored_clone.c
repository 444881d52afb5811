/*
 * XS_CLONE: copy a domain's XenStore subtrees for a clone of the domain in
 * one request, rewriting owners, ACLs and the nodes naming the domain.
 * See XS_CLONE in xs_wire.h and docs/misc/xenstore.txt.
 *
 * This program is free software; you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation; either version 2 of the License, or
 * (at your option) any later version.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utils.h"
#include "talloc.h"
#include "xenstored_core.h"
#include "xenstored_clone.h"
#include "xenstored_domain.h"
#include "xenstored_transaction.h"
#include "xenstored_watch.h"

/* What a copy job changes in the nodes right below its root. */
enum clone_fixup {
	FIXUP_NONE,
	FIXUP_HOME,	/* Skip device/ and console/; rewrite domid, name. */
	FIXUP_FRONTEND,	/* Rewrite backend, backend-id. */
	FIXUP_BACKEND,	/* Rewrite frontend, frontend-id. */
};

struct clone_job {
	const char *src;
	const char *dst;
	enum clone_fixup fixup;
};

struct clone_state {
	const void *ctx;
	struct connection *conn;
	unsigned int parent, child;
	char parent_str[8], child_str[8];
	bool child_unpriv;
	/* Child's frontend and backend paths (dev_* ops). */
	const char *frontend, *backend;
	/* New nodes, each parent before its children. */
	struct node **nodes;
	unsigned int n_nodes;
	/* Existing nodes gaining a child entry. */
	struct node **updated;
	unsigned int n_updated;
	/* Quota use of the child: nodes it owns, their size. */
	unsigned int child_nodes, child_memory;
};

static const struct {
	const char *name;
	const char *dev_type;	/* Backend type for dev_* ops, else NULL. */
} clone_ops[] = {
	{ XS_CLONE_OP_FULL, NULL },
	{ XS_CLONE_OP_BASIC, NULL },
	{ XS_CLONE_OP_DEV_CONSOLE, "console" },
	{ XS_CLONE_OP_DEV_VIF, "vif" },
	{ XS_CLONE_OP_DEV_9PFS, "9pfs" },
};

/* A domid in decimal, without sign, spaces or leading zeros. */
static int parse_domid(const char *s, unsigned int *domid)
{
	unsigned long val;
	char *end;

	if (!*s || strlen(s) > 5 || (s[0] == '0' && s[1]) ||
	    strspn(s, "0123456789") != strlen(s))
		return EINVAL;
	val = strtoul(s, &end, 10);
	if (*end || val >= DOMID_FIRST_RESERVED)
		return EINVAL;
	*domid = val;

	return 0;
}

/* Is a equal to b or below it? */
static bool is_subpath(const char *a, const char *b)
{
	size_t len = strlen(b);

	if (streq(b, "/"))
		return true;
	return !strncmp(a, b, len) && (a[len] == '/' || !a[len]);
}

/* name without its last n components ("/" at most). */
static char *strip_components(const void *ctx, const char *name,
			      unsigned int n)
{
	char *s = talloc_strdup(ctx, name);
	char *slash;

	while (s && n--) {
		slash = strrchr(s, '/');
		if (slash == s) {
			s[1] = 0;
			break;
		}
		*slash = 0;
	}
	if (!s)
		errno = ENOMEM;
	return s;
}

/* Number of trailing path components a and b have in common. */
static unsigned int common_tail(const char *a, const char *b)
{
	const char *ea = a + strlen(a), *eb = b + strlen(b);
	const char *sa, *sb;
	unsigned int n = 0;

	while (ea > a && eb > b) {
		for (sa = ea; sa > a && sa[-1] != '/'; sa--)
			;
		for (sb = eb; sb > b && sb[-1] != '/'; sb--)
			;
		if (ea - sa != eb - sb || memcmp(sa, sb, ea - sa))
			break;
		n++;
		ea = sa - 1;
		eb = sb - 1;
	}
	return n;
}

static int add_node(struct clone_state *st, struct node *node,
		    bool is_new)
{
	struct node ***arr = is_new ? &st->nodes : &st->updated;
	unsigned int *n = is_new ? &st->n_nodes : &st->n_updated;

	*arr = talloc_realloc(st->ctx, *arr, struct node *, *n + 1);
	if (!*arr)
		return ENOMEM;
	(*arr)[(*n)++] = node;

	return 0;
}

static struct node *find_planned(struct clone_state *st, const char *name,
				 bool is_new)
{
	struct node **arr = is_new ? st->nodes : st->updated;
	unsigned int i, n = is_new ? st->n_nodes : st->n_updated;

	for (i = 0; i < n; i++)
		if (streq(arr[i]->name, name))
			return arr[i];
	return NULL;
}

/* Copy of perms with the parent domain replaced by the child. */
static int clone_perms(struct clone_state *st, struct node_perms *dst,
		       const struct node_perms *src)
{
	unsigned int i;

	dst->num = src->num;
	dst->p = talloc_memdup(st->ctx, src->p, src->num * sizeof(*src->p));
	if (!dst->p)
		return ENOMEM;
	for (i = 0; i < dst->num; i++)
		if (!(dst->p[i].perms & XS_PERM_IGNORE) &&
		    dst->p[i].id == st->parent)
			dst->p[i].id = st->child;

	return 0;
}

/* Check a new node against the child's quotas and account it. */
static int account_node(struct clone_state *st, struct node *node)
{
	unsigned int size;

	if (!is_valid_nodename(node->name))
		return EINVAL;
	if (node->perms.p[0].id != st->child || !st->child_unpriv)
		return 0;

	size = sizeof(struct xs_tdb_record_hdr) +
	       node->perms.num * sizeof(node->perms.p[0]) +
	       node->datalen + node->childlen;
	if (size >= quota_max_entry_size ||
	    node->perms.num > quota_nb_perms_per_node)
		return ENOSPC;
	st->child_nodes++;
	st->child_memory += size + strlen(node->name);

	return 0;
}

static struct node *new_node(struct clone_state *st, const char *name)
{
	struct node *node = talloc_zero(st->ctx, struct node);

	if (!node)
		return NULL;
	node->name = talloc_strdup(node, name);
	if (!node->name)
		return NULL;
	node->generation = NO_GENERATION;
	return node;
}

/*
 * Plan the missing parents of job->dst: a parent k levels up mirrors the
 * source's parent k levels up while both paths end alike (e.g. .../vif/0),
 * otherwise it inherits the permissions of the closest existing node, as
 * XS_WRITE does. The existing node gains a child entry.
 */
static int plan_parents(struct clone_state *st, const struct clone_job *job)
{
	unsigned int k, tail = common_tail(job->src, job->dst);
	struct node *anc, *src_anc, *node;
	const char **missing = NULL;
	unsigned int n_missing = 0;
	char *name, *src_name;
	int ret;

	for (k = 1;; k++) {
		name = strip_components(st->ctx, job->dst, k);
		if (!name)
			return ENOMEM;
		anc = find_planned(st, name, true);
		if (!anc)
			anc = find_planned(st, name, false);
		if (!anc) {
			anc = read_node(st->conn, st->ctx, name);
			if (!anc && errno != ENOENT)
				return errno;
			if (anc && add_node(st, anc, false))
				return ENOMEM;
		}
		if (anc)
			break;
		missing = talloc_realloc(st->ctx, missing, const char *,
					 n_missing + 1);
		if (!missing)
			return ENOMEM;
		missing[n_missing++] = name;
	}

	/* The first missing one (or dst itself) becomes anc's child. */
	ret = add_child(st->ctx, anc, n_missing ? missing[n_missing - 1]
					       : job->dst);
	if (ret)
		return ret;

	for (; n_missing; n_missing--) {
		k = n_missing;
		name = (char *)missing[k - 1];
		node = new_node(st, name);
		if (!node)
			return ENOMEM;
		if (k <= tail) {
			src_name = strip_components(st->ctx, job->src, k);
			if (!src_name)
				return ENOMEM;
			src_anc = read_node(st->conn, st->ctx, src_name);
			if (!src_anc)
				return errno == ENOENT ? EIO : errno;
			ret = clone_perms(st, &node->perms, &src_anc->perms);
		} else {
			ret = 0;
			node->perms.num = anc->perms.num;
			node->perms.p = talloc_memdup(node, anc->perms.p,
						      anc->perms.num *
						      sizeof(*anc->perms.p));
			if (!node->perms.p)
				ret = ENOMEM;
		}
		if (ret)
			return ret;
		if (n_missing > 1 &&
		    add_child(st->ctx, node, missing[n_missing - 2]))
			return ENOMEM;
		if (n_missing == 1 && add_child(st->ctx, node, job->dst))
			return ENOMEM;
		ret = account_node(st, node);
		if (!ret)
			ret = add_node(st, node, true);
		if (ret)
			return ret;
	}

	return 0;
}

static bool data_is(const struct node *node, const char *s)
{
	return node->datalen == strlen(s) && !memcmp(node->data, s,
						     node->datalen);
}

static int set_data(struct node *node, const char *s)
{
	node->data = talloc_strdup(node, s);
	if (!node->data)
		return ENOMEM;
	node->datalen = strlen(s);
	return 0;
}

/* Apply job's rewrite to a node right below its root. */
static int fixup_node(struct clone_state *st, const struct clone_job *job,
		      struct node *node, const char *base)
{
	char *name;

	switch (job->fixup) {
	case FIXUP_HOME:
		if (streq(base, "domid"))
			return set_data(node, st->child_str);
		if (streq(base, "name")) {
			name = talloc_asprintf(node, "%.*s-clone-%u",
					       (int)node->datalen,
					       (char *)node->data, st->child);
			if (!name)
				return ENOMEM;
			return set_data(node, name);
		}
		break;
	case FIXUP_FRONTEND:
		if (streq(base, "backend"))
			return set_data(node, st->backend);
		if (streq(base, "backend-id") && data_is(node, st->parent_str))
			return set_data(node, st->child_str);
		break;
	case FIXUP_BACKEND:
		if (streq(base, "frontend"))
			return set_data(node, st->frontend);
		if (streq(base, "frontend-id") &&
		    data_is(node, st->parent_str))
			return set_data(node, st->child_str);
		break;
	default:
		break;
	}
	return 0;
}

static bool skip_child(const struct clone_job *job, unsigned int depth,
		       const char *base)
{
	return job->fixup == FIXUP_HOME && depth == 0 &&
	       (streq(base, "device") || streq(base, "console"));
}

/* Plan the copy of src (depth levels below job->src) to dst. */
static int plan_subtree(struct clone_state *st, const struct clone_job *job,
			const char *src, const char *dst, unsigned int depth)
{
	struct node *orig, *node;
	unsigned int off, len;
	char *sname, *dname;
	int ret;

	orig = read_node(st->conn, st->ctx, src);
	if (!orig)
		return (errno == ENOENT && depth) ? EIO : errno;

	node = new_node(st, dst);
	if (!node)
		return ENOMEM;
	ret = clone_perms(st, &node->perms, &orig->perms);
	if (ret)
		return ret;
	node->data = orig->data;
	node->datalen = orig->datalen;
	if (depth == 1) {
		ret = fixup_node(st, job, node, strrchr(dst, '/') + 1);
		if (ret)
			return ret;
	}
	node->children = talloc_array(node, char, orig->childlen + 1);
	if (!node->children)
		return ENOMEM;
	for (off = 0; off < orig->childlen; off += len) {
		len = strlen(orig->children + off) + 1;
		if (skip_child(job, depth, orig->children + off))
			continue;
		memcpy(node->children + node->childlen, orig->children + off,
		       len);
		node->childlen += len;
	}
	ret = account_node(st, node);
	if (!ret)
		ret = add_node(st, node, true);
	if (ret)
		return ret;

	for (off = 0; off < node->childlen; off += len) {
		len = strlen(node->children + off) + 1;
		sname = talloc_asprintf(st->ctx, "%s/%s", src,
					node->children + off);
		dname = talloc_asprintf(st->ctx, "%s/%s", dst,
					node->children + off);
		if (!sname || !dname)
			return ENOMEM;
		ret = plan_subtree(st, job, sname, dname, depth + 1);
		if (ret)
			return ret;
		talloc_free(sname);
		talloc_free(dname);
	}

	return 0;
}

/*
 * dev_* ops: find the backend of the frontend job->src through its
 * "backend" node, .../backend/<type>/<parent>/<devid>, and the child's
 * .../backend/<type>/<child>/<devid>.
 */
static int plan_device(struct clone_state *st, const char *type,
		       const char *src, const char *dst,
		       struct clone_job *jobs)
{
	char *name, *bpath, *comp[4], *prefix;
	struct node *node;
	int i;

	node = read_node(st->conn, st->ctx, src);
	if (!node)
		return errno;
	name = talloc_asprintf(st->ctx, "%s/backend", src);
	if (!name)
		return ENOMEM;
	node = read_node(st->conn, st->ctx, name);
	if (!node)
		return errno == ENOENT ? EINVAL : errno;
	bpath = talloc_strndup(st->ctx, node->data, node->datalen);
	if (!bpath)
		return ENOMEM;
	if (!is_valid_nodename(bpath) || streq(bpath, "/"))
		return EINVAL;

	prefix = talloc_strdup(st->ctx, bpath);
	if (!prefix)
		return ENOMEM;
	for (i = 3; i >= 0; i--) {
		comp[i] = strrchr(prefix, '/');
		if (!comp[i] || comp[i] == prefix)
			return EINVAL;
		*comp[i]++ = 0;
	}
	if (!streq(comp[0], "backend") || !streq(comp[1], type) ||
	    !streq(comp[2], st->parent_str))
		return EINVAL;

	st->frontend = dst;
	st->backend = talloc_asprintf(st->ctx, "%s/backend/%s/%u/%s", prefix,
				      type, st->child, comp[3]);
	if (!st->backend)
		return ENOMEM;

	jobs[0] = (struct clone_job){ src, dst, FIXUP_FRONTEND };
	jobs[1] = (struct clone_job){ bpath, st->backend, FIXUP_BACKEND };

	return 0;
}

static int plan_job(struct clone_state *st, const struct clone_job *job)
{
	struct node *node;
	int ret;

	node = read_node(st->conn, st->ctx, job->src);
	if (!node)
		return errno;
	node = read_node(st->conn, st->ctx, job->dst);
	if (node)
		return EEXIST;
	if (errno != ENOENT)
		return errno;

	ret = plan_parents(st, job);
	if (!ret)
		ret = plan_subtree(st, job, job->src, job->dst, 0);
	return ret;
}

/* Write the planned nodes, in the connection's current transaction. */
static int write_planned(struct clone_state *st)
{
	struct node *node;
	unsigned int i;

	for (i = 0; i < st->n_updated; i++)
		if (write_node(st->conn, st->updated[i], false))
			return errno;

	ta_node_created(st->conn->transaction);
	for (i = 0; i < st->n_nodes; i++) {
		node = st->nodes[i];
		/*
		 * Record in the transaction that the node did not exist, as
		 * read_node() does for XS_WRITE's new nodes. Without it, a
		 * node made here and removed later in the same transaction
		 * made the commit delete a key the store never had, which
		 * xenstored takes for a corruption and answers with a check
		 * of the whole store (each clone's cost then grew with the
		 * number of domains). It also makes a concurrent creation
		 * of the node fail the commit with EAGAIN.
		 */
		node->generation = NO_GENERATION;
		if (access_node(st->conn, node, NODE_ACCESS_READ, NULL))
			return errno;
		if (write_node(st->conn, node, false))
			return errno;
		if (domain_entry_inc(st->conn, node))
			return ENOMEM;
		fire_watches(st->conn, st->ctx, node->name, node, false, NULL);
	}

	return 0;
}

/* op|parent-domid|child-domid|parent-path|child-path| */
int do_clone(const void *ctx, struct connection *conn,
	     struct buffered_data *in)
{
	struct clone_state st = { .ctx = ctx, .conn = conn };
	struct clone_job jobs[2];
	struct transaction *trans = NULL;
	unsigned int i, j, n_jobs = 1;
	int pending;
	const char *dev_type = NULL;
	char *vec[5];
	int ret;

	if (!in->used || in->buffer[in->used - 1] ||
	    get_strings(in, vec, ARRAY_SIZE(vec)) != ARRAY_SIZE(vec))
		return EINVAL;

	for (i = 0; i < ARRAY_SIZE(clone_ops); i++)
		if (streq(vec[0], clone_ops[i].name))
			break;
	if (i == ARRAY_SIZE(clone_ops))
		return EINVAL;
	dev_type = clone_ops[i].dev_type;

	if (parse_domid(vec[1], &st.parent) || parse_domid(vec[2], &st.child) ||
	    st.parent == st.child)
		return EINVAL;
	snprintf(st.parent_str, sizeof(st.parent_str), "%u", st.parent);
	snprintf(st.child_str, sizeof(st.child_str), "%u", st.child);
	st.child_unpriv = st.child != 0 && st.child != priv_domid;

	for (i = 3; i < 5; i++)
		if (!is_valid_nodename(vec[i]) || streq(vec[i], "/"))
			return EINVAL;

	/* The child must be a domain (it owns the copies). */
	ret = domain_clone_quota(st.child, 0, 0);
	if (ret)
		return ret;

	if (dev_type) {
		ret = plan_device(&st, dev_type, vec[3], vec[4], jobs);
		if (ret)
			return ret;
		n_jobs = 2;
	} else {
		jobs[0] = (struct clone_job){ vec[3], vec[4],
			streq(vec[0], XS_CLONE_OP_BASIC) ? FIXUP_HOME
							 : FIXUP_NONE };
	}

	/* No copy may overlap a source or another copy. */
	for (i = 0; i < n_jobs; i++)
		for (j = 0; j < n_jobs; j++)
			if (is_subpath(jobs[i].dst, jobs[j].src) ||
			    is_subpath(jobs[j].src, jobs[i].dst) ||
			    (i != j && (is_subpath(jobs[i].dst, jobs[j].dst))))
				return EINVAL;

	for (i = 0; i < n_jobs; i++) {
		ret = plan_job(&st, &jobs[i]);
		if (ret)
			return ret;
	}

	/*
	 * The child's quota covers what it already owns, what the client's
	 * transaction gave it so far (earlier clones in it), and this copy.
	 */
	pending = conn->transaction ?
		  transaction_entry_delta(conn->transaction, st.child) : 0;
	ret = domain_clone_quota(st.child,
				 st.child_nodes + (pending > 0 ? pending : 0),
				 st.child_memory);
	if (ret)
		return ret;

	/*
	 * Nothing was written so far. Outside a transaction, write in our
	 * own one, so an error leaves nothing behind; inside the client's
	 * one, an error fails it.
	 */
	if (!conn->transaction) {
		trans = transaction_start_implicit(ctx, conn);
		if (!trans)
			return errno;
	}
	ret = write_planned(&st);
	if (trans)
		ret = transaction_end_implicit(conn, trans, !ret) ? : ret;
	else if (ret)
		fail_transaction(conn->transaction);
	if (ret)
		return ret;

	send_ack(conn, XS_CLONE);

	return 0;
}

/*
 * Local variables:
 *  mode: C
 *  c-file-style: "linux"
 *  indent-tabs-mode: t
 *  c-basic-offset: 8
 *  tab-width: 8
 * End:
 */
