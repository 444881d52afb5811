/* clone.h: cloning this domain (clone, fork) and collecting children. */
#ifndef MINIOS_CLONE_H
#define MINIOS_CLONE_H

#include <stdint.h>
#include <public/xen.h>
#include <public/clone.h>

/*
 * clone(): the guest asks Xen to clone it into n children (1..64) that
 * share its memory copy-on-write (see README, "fork() and clone()").
 * Returns 0 in the parent, with children[0..n-1] filled with the
 * children's domids; returns k + 1 in child k (which finds its own domid
 * in children[k]); a negative errno if no child was made (-ENXIO: no
 * clone service in Dom0; -EPERM: cloning is disabled for this domain;
 * -E2BIG: beyond its max_clones; -EINVAL: n out of range). The parent
 * returns once Dom0's clone service has set every child up.
 */
int clone(unsigned int n, domid_t *children);

/* Is this domain a child made by clone()/fork() (here or in a parent)? */
int clone_is_child(void);

/*
 * A clone made from outside (xl clone: Dom0's clone_op) resumes where its
 * parent was, with the parent's registers: nothing tells it. This looks
 * at our domid (one CLONEOP_get_info); if it is no longer the one we had,
 * we are such a child and every after_clone hook runs now. Returns 1
 * then, else 0. Code that needs its devices right after an outside clone
 * (the network: net_wait()) calls it from its wait loop.
 */
int clone_check(void);

/* The raw hypercall: clone_op(cmd, arg). */
long hyp_clone_op(unsigned int cmd, void *arg);

/*
 * End a cloned child with STATUS for its parent's wait (CLONEOP_exit;
 * exit() calls it in a child). Does not return.
 */
__attribute__((noreturn)) void clone_exit(int status);

#endif
