/* names.h: an index of the domains' names, kept current by XenStore watch
 * events, so a name check costs a few round trips, not one per domain. */
#ifndef CHAOS_NAMES_H
#define CHAOS_NAMES_H

#include <stddef.h>

/* The watch that feeds the index, and its token. */
#define CHAOS_NAMES_WATCH "/local/domain"
#define CHAOS_NAMES_TOKEN "chaos-names"

/* Domids the index holds: 0 up to, not including, Xen's first reserved. */
#define CHAOS_NAMES_DOMID_LIMIT 0x7ff0u

struct chaos_names;

/*
 * Reads domain DOMID's name into BUF (LEN bytes): 0, -ENOENT when it has
 * none, -ENOSPC when it does not fit, other -errno when it cannot be read.
 */
typedef int chaos_names_read_fn(void *arg, unsigned int domid, char *buf,
                                size_t len);

/* A new, empty index (every domain unknown): 0 or -ENOMEM. */
int chaos_names_new(struct chaos_names **out);
void chaos_names_free(struct chaos_names *t);

/*
 * Note a watch event on PATH. "/local/domain/N" and "/local/domain/N/name"
 * make N's name unknown; "/local/domain" itself (the event a new watch
 * fires) and anything above it make every name unknown; the rest is
 * ignored.
 */
void chaos_names_event(struct chaos_names *t, const char *path);

/*
 * Make the index match XenStore's /local/domain listing DOMS (NDOMS
 * entries; those that are not domids are skipped): domains no longer
 * listed are dropped, and the names of new or unknown ones are read
 * through READ. A name READ cannot fit is kept as none (it cannot equal a
 * name chaos accepts). 0, or READ's -errno (what was read is kept).
 */
int chaos_names_sync(struct chaos_names *t, char *const *doms, size_t ndoms,
                     chaos_names_read_fn *read, void *arg);

/* The domid that has NAME (lowest first), or -ENOENT; "" is nobody's. */
int chaos_names_find(const struct chaos_names *t, const char *name);

/* How many domains the index holds. */
size_t chaos_names_count(const struct chaos_names *t);

#endif
