/* test-ring.c: host tests of the notification ring consumer. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "xencloned/ring.h"
#include "tap.h"

#define PAGE 4096

static void produce(struct xen_clone_ring *r, uint32_t id, uint16_t child)
{
    struct xen_clone_notification *e = &r->ent[r->prod & (r->nr_ents - 1)];

    *e = (struct xen_clone_notification){
        .id = id,
        .parent = 1,
        .child = child,
        .child_store_mfn = 0x1000 + child,
        .child_console_mfn = 0x2000 + child,
    };
    __atomic_store_n(&r->prod, r->prod + 1, __ATOMIC_RELEASE);
}

int main(void)
{
    struct xen_clone_notification n;
    struct cloned_ring cr;
    struct xen_clone_ring *r = aligned_alloc(PAGE, 2 * PAGE);
    int all_ok = 1;

    plan(26);
    is_int(sizeof(struct xen_clone_notification), 32,
           "a notification is 32 bytes");
    is_int(offsetof(struct xen_clone_ring, ent), XEN_CLONE_RING_HDR_SIZE,
           "the entries start after the 16-byte header");

    memset(r, 0, 2 * PAGE);
    is_int(ring_attach(&cr, r, PAGE), -EPROTO, "nr_ents 0 is refused");
    r->nr_ents = 48;
    is_int(ring_attach(&cr, r, PAGE), -EPROTO,
           "nr_ents not a power of two is refused");
    r->nr_ents = 128;
    is_int(ring_attach(&cr, r, PAGE), -EPROTO,
           "128 entries do not fit one page");
    is_int(ring_attach(&cr, r, 8), -EPROTO, "a mapping smaller than a header");
    is_int(ring_attach(&cr, r, 2 * PAGE), 0, "128 entries fit two pages");
    r->nr_ents = 64;
    is_int(ring_attach(&cr, r, PAGE), 0, "64 entries fit one page");
    is_int(cr.nr_ents, 64, "nr_ents is taken from the ring");

    is_int(ring_pop(&cr, &n), 0, "an empty ring gives nothing");
    is_int(ring_pending(&cr), 0, "nothing pending");
    produce(r, 1, 5);
    produce(r, 2, 6);
    produce(r, 3, 7);
    is_int(ring_pending(&cr), 3, "three pending");
    is_int(ring_pop(&cr, &n), 1, "pop one");
    ok(n.id == 1 && n.child == 5 && n.child_store_mfn == 0x1005 &&
           n.child_console_mfn == 0x2005,
       "the oldest entry comes first, intact");
    is_int(r->cons, 1, "cons advanced: the slot is Xen's again");
    ring_pop(&cr, &n);
    is_int(n.id, 2, "then the second");
    ring_pop(&cr, &n);
    is_int(n.id, 3, "then the third");
    is_int(ring_pop(&cr, &n), 0, "then empty");

    /* Free-running indexes across the 32-bit wrap. */
    r->prod = r->cons = UINT32_MAX - 2;
    for (uint32_t i = 0; i < 6; i++)
        produce(r, 100 + i, 20 + i);
    is_int(ring_pending(&cr), 6, "six pending across the wrap");
    for (uint32_t i = 0; i < 6; i++)
        all_ok &= ring_pop(&cr, &n) == 1 && n.id == 100 + i;
    ok(all_ok, "all six come out in order across the wrap");
    is_int(r->cons, 3, "cons wrapped to 3");

    /* A full ring is drained completely, in order. */
    all_ok = 1;
    for (uint32_t i = 0; i < 64; i++)
        produce(r, 200 + i, i);
    is_int(ring_pending(&cr), 64, "a full ring");
    for (uint32_t i = 0; i < 64; i++)
        all_ok &= ring_pop(&cr, &n) == 1 && n.id == 200 + i;
    ok(all_ok, "a full ring drains in order");

    /* An impossible producer index. */
    r->prod = r->cons + 65;
    is_int(ring_pop(&cr, &n), -EPROTO, "prod more than nr_ents ahead: -EPROTO");
    ring_resync(&cr);
    is_int(r->cons, r->prod, "resync: cons = prod");
    is_int(ring_pop(&cr, &n), 0, "empty after a resync");
    free(r);
    return done_testing();
}
