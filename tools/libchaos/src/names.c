/* names.c: the index of domain names behind chaos_name_in_use() (pure). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "chaos/config.h"
#include "chaos/names.h"

struct name_entry {
    unsigned long gen; /* the last sync that found it listed */
    bool known;        /* NAME is current */
    char name[CHAOS_NAME_MAX];
};

struct chaos_names {
    struct name_entry **by_domid; /* CHAOS_NAMES_DOMID_LIMIT slots */
    unsigned int top;             /* every entry's domid is below it */
    unsigned long gen;
    bool all_unknown; /* no name can be trusted (a new watch, say) */
};

int chaos_names_new(struct chaos_names **out)
{
    struct chaos_names *t = calloc(1, sizeof(*t));

    if (!t)
        return -ENOMEM;
    t->by_domid = calloc(CHAOS_NAMES_DOMID_LIMIT, sizeof(*t->by_domid));
    if (!t->by_domid) {
        free(t);
        return -ENOMEM;
    }
    t->all_unknown = true;
    *out = t;
    return 0;
}

void chaos_names_free(struct chaos_names *t)
{
    if (!t)
        return;
    for (unsigned int d = 0; d < t->top; d++)
        free(t->by_domid[d]);
    free(t->by_domid);
    free(t);
}

/*
 * S's leading domid (decimal, no sign, no leading zero) into *DOMID; *END
 * is where it stops. -EINVAL if there is none or it is out of range.
 */
static int parse_domid(const char *s, unsigned int *domid, const char **end)
{
    unsigned long v = 0;
    const char *p = s;

    if (*p < '0' || *p > '9' || (*p == '0' && p[1] >= '0' && p[1] <= '9'))
        return -EINVAL;
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (unsigned long)(*p - '0');
        if (v >= CHAOS_NAMES_DOMID_LIMIT)
            return -EINVAL;
    }
    *domid = (unsigned int)v;
    *end = p;
    return 0;
}

void chaos_names_event(struct chaos_names *t, const char *path)
{
    static const char root[] = CHAOS_NAMES_WATCH;
    size_t n = strlen(path);
    unsigned int domid;
    const char *rest;

    if (path[0] != '/')
        return; /* a special ("@...") event */
    /* The watched node itself, or one of its ancestors. */
    if (!strncmp(root, path, n) &&
        (root[n] == '\0' || root[n] == '/' || n == 1)) {
        t->all_unknown = true;
        return;
    }
    if (strncmp(path, CHAOS_NAMES_WATCH "/", sizeof(root)))
        return;
    if (parse_domid(path + sizeof(root), &domid, &rest))
        return;
    if ((*rest == '\0' || !strcmp(rest, "/name")) && domid < t->top &&
        t->by_domid[domid])
        t->by_domid[domid]->known = false;
}

static int read_name(struct name_entry *e, unsigned int domid,
                     chaos_names_read_fn *read, void *arg)
{
    int rc = read(arg, domid, e->name, sizeof(e->name));

    if (rc == -ENOENT || rc == -ENOSPC) {
        e->name[0] = '\0'; /* no name, or one chaos never matches */
        rc = 0;
    }
    e->known = !rc;
    return rc;
}

int chaos_names_sync(struct chaos_names *t, char *const *doms, size_t ndoms,
                     chaos_names_read_fn *read, void *arg)
{
    unsigned long gen = ++t->gen;
    struct name_entry *e;
    unsigned int domid, d;
    const char *end;
    size_t i;
    int rc;

    for (i = 0; i < ndoms; i++) {
        if (parse_domid(doms[i], &domid, &end) || *end)
            continue;
        e = t->by_domid[domid];
        if (!e) {
            e = calloc(1, sizeof(*e));
            if (!e)
                return -ENOMEM;
            t->by_domid[domid] = e;
            if (domid >= t->top)
                t->top = domid + 1;
        }
        e->gen = gen;
        if (!e->known || t->all_unknown) {
            rc = read_name(e, domid, read, arg);
            if (rc)
                return rc; /* nothing dropped; all_unknown stays */
        }
    }
    for (d = 0; d < t->top; d++)
        if (t->by_domid[d] && t->by_domid[d]->gen != gen) {
            free(t->by_domid[d]);
            t->by_domid[d] = NULL;
        }
    while (t->top && !t->by_domid[t->top - 1])
        t->top--;
    t->all_unknown = false;
    return 0;
}

int chaos_names_find(const struct chaos_names *t, const char *name)
{
    for (unsigned int d = 0; d < t->top; d++)
        if (t->by_domid[d] && t->by_domid[d]->known &&
            t->by_domid[d]->name[0] && !strcmp(t->by_domid[d]->name, name))
            return (int)d;
    return -ENOENT;
}

size_t chaos_names_count(const struct chaos_names *t)
{
    size_t n = 0;

    for (unsigned int d = 0; d < t->top; d++)
        n += t->by_domid[d] != NULL;
    return n;
}
