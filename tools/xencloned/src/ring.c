/* ring.c: consume Xen's clone notification ring (free-running indexes,
 * acquire on prod, release on cons). Pure: unit-tested on the host. */
#include <errno.h>

#include "xencloned/ring.h"

int ring_attach(struct cloned_ring *r, void *mem, size_t bytes)
{
    struct xen_clone_ring *shared = mem;
    uint32_t n = __atomic_load_n(&shared->nr_ents, __ATOMIC_ACQUIRE);
    size_t fit;

    if (bytes < XEN_CLONE_RING_HDR_SIZE)
        return -EPROTO;
    fit = (bytes - XEN_CLONE_RING_HDR_SIZE) /
          sizeof(struct xen_clone_notification);
    if (n == 0 || (n & (n - 1)) != 0 || n > fit)
        return -EPROTO;
    r->shared = shared;
    r->nr_ents = n;
    return 0;
}

uint32_t ring_pending(const struct cloned_ring *r)
{
    uint32_t prod = __atomic_load_n(&r->shared->prod, __ATOMIC_ACQUIRE);
    uint32_t cons = __atomic_load_n(&r->shared->cons, __ATOMIC_RELAXED);

    return prod - cons;
}

int ring_pop(struct cloned_ring *r, struct xen_clone_notification *n)
{
    /* Entries up to prod are complete once prod is read (acquire). */
    uint32_t prod = __atomic_load_n(&r->shared->prod, __ATOMIC_ACQUIRE);
    uint32_t cons = __atomic_load_n(&r->shared->cons, __ATOMIC_RELAXED);

    if (prod == cons)
        return 0;
    if (prod - cons > r->nr_ents)
        return -EPROTO;
    *n = r->shared->ent[cons & (r->nr_ents - 1)];
    /* The copy is done before Xen may reuse the slot (release). */
    __atomic_store_n(&r->shared->cons, cons + 1, __ATOMIC_RELEASE);
    return 1;
}

void ring_resync(struct cloned_ring *r)
{
    uint32_t prod = __atomic_load_n(&r->shared->prod, __ATOMIC_ACQUIRE);

    __atomic_store_n(&r->shared->cons, prod, __ATOMIC_RELEASE);
}
