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

/* Most vifs of a shell a child reuses. */
#define VIFCLONE_MAX_SHELL_VIFS 8

/*
 * The vifs a child reuses from the shell it was (chaosd's clone shells
 * with vifs: backends probed by netback and bridged ahead, waiting in
 * InitWait). Planned before the XenStore copy, written inside it.
 */
struct vifclone_plan {
    struct cloned_service *s;
    unsigned int parent, child;
    enum cloned_net_mode mode;
    unsigned int n; /* vifs reused */
    struct {
        unsigned int devid;
        char mac[18]; /* mode new: the child's own; "" = the parent's */
        char ip[20];
    } vif[VIFCLONE_MAX_SHELL_VIFS];
};

/*
 * Before the XenStore copy: which of CHILD's vif backends (present only if
 * CHILD was a shell with vifs) wait for a frontend and match a vif of
 * PARENT (same device number and bridge)? Those go in PLAN; any other
 * vif of the shell is removed now (backend first; netback unplugs it),
 * so that it falls back to today's path. Returns 0 or a negative errno.
 */
int vifclone_plan(struct cloned_service *s, unsigned int parent,
                  unsigned int child, struct vifclone_plan *plan);

/*
 * Inside the XenStore copy's transaction (an xsclone_extra_fn, ARG the
 * plan): each planned vif's frontend (the parent's keys, its state) and
 * its backend's mac and ip (netback reads the mac when it connects), so
 * that when the copy commits, netback sees the frontend and connects the
 * waiting backend.
 */
int vifclone_plan_write(struct xs_handle *xsh, xs_transaction_t t, void *arg);

/*
 * Give CHILD a copy of every vif of PARENT: the child's frontend (the
 * parent's keys) and a backend in state 1, netback's probe awaited, the
 * vif plugged into its bridge and up, hotplug-status=connected, backend
 * Connected awaited (when the parent's frontend was). In network mode
 * "new" the child gets its own MAC and ip first. On failure everything
 * made is removed. A vif in PLAN (NULL: none) keeps the shell's backend:
 * only the family bond (mode same) and netback's connection remain.
 * Returns 0 (also when the parent has no vif) or a negative errno
 * (logged, with the stage and the vif).
 */
int vifclone_child(struct cloned_service *s, unsigned int parent,
                   unsigned int child, const struct vifclone_plan *plan);

/* Remove CHILD's cloned vifs: backend directories (netback unplugs and
 * frees the vif), then frontend directories. */
void vifclone_remove(struct cloned_service *s, unsigned int child);
/* A clone shell that ended unused (we destroyed it, or the reaper found
 * it dying or gone): its vifs' backends (made ahead by chaosd), then its
 * home, where only their frontend stand-ins live (a shell is never
 * introduced). */
void vifclone_remove_shell(struct cloned_service *s, unsigned int shell);

/* Remove the cloned vifs (marked VIFCLONE_MARK_KEY) of every domain that
 * is gone or dying. Called at start and on each domain watch event. */
void vifclone_reap(struct cloned_service *s);

#endif
