/* vifclone.h: a child's copies of its parent's vifs, made and removed
 * through libxendev (stock netback, hotplug done in process). */
#ifndef XENCLONED_VIFCLONE_H
#define XENCLONED_VIFCLONE_H

#include "service.h"

/* Where a parent (or Dom0's admin) chooses its children's network mode. */
#define VIFCLONE_MODE_KEY "data/clone/net-mode"
/* Written in a cloned vif's backend directory: the parent's domid. */
#define VIFCLONE_MARK_KEY "cloned-from"

/* Open what vif cloning needs (a libxendev store, a XenStore handle for
 * waits). Returns 0 or a negative errno (logged). */
int vifclone_open(struct cloned_service *s);
void vifclone_close(struct cloned_service *s);

/*
 * Give CHILD a copy of every vif of PARENT: the child's frontend (the
 * parent's keys) and a backend in state 1, netback's probe awaited, the
 * vif plugged into its bridge and up, hotplug-status=connected, backend
 * Connected awaited (when the parent's frontend was). In network mode
 * "new" the child gets its own MAC and ip first. On failure everything
 * made is removed. Returns 0 (also when the parent has no vif) or a
 * negative errno (logged, with the stage and the vif).
 */
int vifclone_child(struct cloned_service *s, unsigned int parent,
                   unsigned int child);

/* Remove CHILD's cloned vifs: backend directories (netback unplugs and
 * frees the vif), then frontend directories. */
void vifclone_remove(struct cloned_service *s, unsigned int child);

/* Remove the cloned vifs (marked VIFCLONE_MARK_KEY) of every domain that
 * is gone or dying. Called at start and on each domain watch event. */
void vifclone_reap(struct cloned_service *s);

#endif
