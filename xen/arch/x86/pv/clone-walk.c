/* SPDX-License-Identifier: GPL-2.0-only */
/* clone-walk.c: the one walker of a PV guest's 4-level page tables (x86). */

#include <xen/domain_page.h>
#include <xen/sched.h>

#include "clone-internal.h"

/* One walk in progress: what clone_walk() was given. */
struct walk {
    const struct clone_walk_ops *ops;
    void *ctx;
    const struct domain *d;
    struct clone_walk_cursor *cur;
};

/*
 * The table m0 (and m1 beside it) at level lvl. resumed: on the way down
 * to the cursor (walked by an earlier call); its entries go on at pos[lvl].
 */
static int walk_table(struct walk *w, unsigned int lvl, mfn_t m0, mfn_t m1,
                      bool resumed)
{
    const struct clone_walk_ops *ops = w->ops;
    struct clone_walk_table tb = { .lvl = lvl, .mfn = { m0, m1 } };
    unsigned int i, start = resumed ? w->cur->pos[lvl] : 0;
    int rc = ops->table(w->ctx, &tb, resumed);

    /* Without entry(), the entries of L1 tables are not looked at. */
    if ( !rc && (lvl > 1 || ops->entry) )
    {
        tb.map[0] = map_domain_page(tb.mfn[0]);
        if ( !mfn_eq(tb.mfn[1], INVALID_MFN) )
            tb.map[1] = map_domain_page(tb.mfn[1]);
    }

    for ( i = start; !rc && tb.map[0] && i < L1_PAGETABLE_ENTRIES; i++ )
    {
        intpte_t e[2] = {
            ACCESS_ONCE(tb.map[0][i]),
            ops->pair ? ACCESS_ONCE(tb.map[1][i]) : 0,
        };

        if ( lvl == 4 && !is_guest_l4_slot(w->d, i) )
            continue;
        if ( ops->entry )
            rc = ops->entry(w->ctx, &tb, i, e);
        else
            rc = lvl > 1 && (e[0] & _PAGE_PRESENT) ? CLONE_WALK_DOWN : 0;
        if ( rc == CLONE_WALK_DOWN && lvl == 1 )
        {
            ASSERT_UNREACHABLE();
            rc = -EINVAL;
        }
        if ( rc != CLONE_WALK_DOWN )
            continue;

        /* Below L2, the cursor's entry is an L1 table not done yet. */
        rc = walk_table(w, lvl - 1, clone_pte_mfn(e[0]),
                        ops->pair ? clone_pte_mfn(e[1]) : INVALID_MFN,
                        resumed && i == start && lvl > 2);
        if ( rc == -ERESTART )
            w->cur->pos[lvl] = i; /* the table below stopped: on there */
        else if ( !rc && ops->up )
            rc = ops->up(w->ctx, &tb, i, e);
        /* After each L1 table: may stop, to go on at the next one. */
        if ( !rc && lvl == 2 && ops->preempt && ops->preempt(w->ctx) )
        {
            w->cur->pos[2] = i + 1;
            rc = -ERESTART;
        }
    }

    if ( !rc && ops->done )
        rc = ops->done(w->ctx, &tb);
    if ( tb.map[1] )
        unmap_domain_page(tb.map[1]);
    if ( tb.map[0] )
        unmap_domain_page(tb.map[0]);

    return rc;
}

int clone_walk(const struct clone_walk_ops *ops, void *ctx,
               const struct domain *d, struct clone_walk_cursor *cur,
               mfn_t root, mfn_t root2)
{
    struct walk w = { .ops = ops, .ctx = ctx, .d = d, .cur = cur };
    int rc = walk_table(&w, 4, root, ops->pair ? root2 : INVALID_MFN,
                        cur->resume);

    cur->resume = rc == -ERESTART;

    return rc;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
