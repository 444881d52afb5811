/* ring.h: consuming Xen's clone notification ring (pure, no Xen calls). */
#ifndef XENCLONED_RING_H
#define XENCLONED_RING_H

#include <stddef.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xen/clone.h>

struct cloned_ring {
    struct xen_clone_ring *shared; /* the mapped frames */
    uint32_t nr_ents;              /* validated at attach time */
};

/*
 * Use the BYTES bytes at MEM (a registered ring as mapped) as R.
 * Returns 0, or -EPROTO if its nr_ents is not a power of two that fits.
 */
int ring_attach(struct cloned_ring *r, void *mem, size_t bytes);

/*
 * Take the oldest unconsumed notification into *N and hand its slot back
 * to Xen. Returns 1 if one was taken, 0 if the ring is empty, or -EPROTO
 * if Xen's producer index is impossible (more than nr_ents ahead).
 */
int ring_pop(struct cloned_ring *r, struct xen_clone_notification *n);

/* Notifications waiting (as far as the indexes can be trusted). */
uint32_t ring_pending(const struct cloned_ring *r);

/* Drop everything (after -EPROTO): cons = prod. */
void ring_resync(struct cloned_ring *r);

#endif
