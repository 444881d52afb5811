/* SPDX-License-Identifier: GPL-2.0-only */
/* clone-reset.c: x86 PV half of CLONEOP_reset (a child back to its birth). */

#include <xen/clone.h>
#include <xen/domain_page.h>
#include <xen/event.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <xen/vmap.h>
#include <asm/flushtlb.h>
#include <asm/p2m.h>
#include <asm/paging.h>
#include <asm/shared.h>
#include <public/clone.h>

#include <xen/clone-logic.h>

#include "mm.h"
#include "clone-internal.h"

/*
 * CLONEOP_reset: make a child's memory the parent's current memory again
 * and its vCPU what it was at birth. The child's page tables must still
 * have the shape of the parent's (same tables at the same places, every
 * entry mapping the same PFN): pass 1 checks that without changing
 * anything (-EBUSY otherwise), pass 2 changes the child's L1 entries:
 *  - a child's private copy of a page the parent still shares is dropped
 *    and the child maps the shared frame read-only again (memory goes
 *    back to Xen);
 *  - a child page whose parent frame is the parent's own gets the
 *    parent's content (copied into the child's page, or into a new one
 *    if the child still mapped a shared frame);
 *  - the child's page tables, its P2M tree, its xenstore and console
 *    rings and its start_info keep the child's contents.
 * Both domains are paused by the caller.
 *
 * Preemption: the work is done in chunks of at most RESET_BUDGET L1
 * tables (fewer if a softirq is pending). After a chunk, -ERESTART goes
 * back to common code with the cursor in struct reset_state: the pass and
 * the walk's cursor (clone_walk(): the L4/L3/L2 indexes of the next L1
 * table). The next chunk walks down from the L4 again to the cursor,
 * checking every table on the way as the first walk did, so nothing is
 * kept but indexes: a table freed or retyped in between (Dom0 may map
 * and update the paused domains' memory while the domctl lock is free) is
 * found as it would be in one walk. Pass 1 only tells whether pass 2 may
 * start; pass 2 checks every entry again and swaps entries with cmpxchg
 * under the table's page lock, so a change between chunks (or between
 * the passes) that pass 1 did not see makes pass 2 fail with -EBUSY and
 * crashes the half reset child, as a change by another Dom0 vCPU during
 * one long walk did before.
 */
#define RS_KEEP 0x01    /* a child page whose content stays the child's */

/* L1 tables per chunk. */
#define RESET_BUDGET 32

/* A reset between two chunks (the common code keeps it for us). */
struct reset_state {
    uint8_t *st;            /* RS_* per PFN */
    unsigned long nr_pfns;
    bool apply;             /* pass 2 (the child is being changed) */
    struct clone_walk_cursor cur;   /* where the walk stopped half way */
    unsigned long nr_chunks;
    unsigned long nr_reshared, nr_copied;
};

struct reset_ctx {
    struct domain *p, *c;
    struct clone_domain *ccd;
    struct clone_ctx x;     /* for clone_p2m_walk(), clone_ctx_pfn() */
    bool apply;             /* pass 2 */
    unsigned int nr_l1;     /* L1 tables done in this chunk */
    unsigned long nr_reshared, nr_copied;
};

static int cf_check reset_mark_p2m(struct clone_ctx *x, mfn_t mfn)
{
    unsigned long pfn = clone_ctx_pfn(x, mfn);

    if ( pfn == ~0UL )
        return -EBUSY;
    x->st[pfn] |= RS_KEEP;

    return 0;
}

/* Swap *pl1e from ol1e to nl1e in the child's L1 table l1pg. */
static bool reset_swap(struct page_info *l1pg, l1_pgentry_t *pl1e,
                       l1_pgentry_t ol1e, l1_pgentry_t nl1e)
{
    bool done = false;

    if ( page_lock(l1pg) )
    {
        if ( (l1pg->u.inuse.type_info & PGT_type_mask) == PGT_l1_page_table )
            done = cmpxchg(&l1e_get_intpte(*pl1e), l1e_get_intpte(ol1e),
                           l1e_get_intpte(nl1e)) == l1e_get_intpte(ol1e);
        page_unlock(l1pg);
    }

    return done;
}

/* One L1 entry pair: the child's ce (in l1 table cl1) and the parent's pe. */
static int reset_l1e(struct reset_ctx *r, mfn_t cl1, l1_pgentry_t *pce,
                     l1_pgentry_t ce, l1_pgentry_t pe)
{
    mfn_t cm = l1e_get_mfn(ce), pm = l1e_get_mfn(pe);
    struct page_info *cpg, *ppg, *npg, *l1pg = mfn_to_page(cl1);
    struct domain *cown, *pown;
    unsigned long pfn;
    l1_pgentry_t nl1e;
    bool rw;

    if ( mfn_eq(cm, pm) )
        return 0;                       /* still the same shared frame */
    if ( (l1e_get_flags(ce) & _PAGE_GNTTAB) || !mfn_valid(cm) ||
         !mfn_valid(pm) )
        return -EBUSY;

    cpg = mfn_to_page(cm);
    ppg = mfn_to_page(pm);
    cown = page_get_owner(cpg);
    pown = page_get_owner(ppg);

    /* shared_info and grant frames: each has its own. */
    if ( is_xen_heap_page(cpg) || is_xen_heap_page(ppg) )
        return cown == r->c && pown == r->p ? 0 : -EBUSY;

    pfn = clone_ctx_pfn(&r->x, cm);
    if ( pfn == ~0UL || pfn != clone_ctx_pfn(&r->x, pm) )
        return -EBUSY;                  /* the child remapped it */
    if ( cown != r->c && cown != dom_cow )
        return -EBUSY;
    if ( pown != r->p && pown != dom_cow )
        return -EBUSY;

    /* The child's views of its own tables, P2M, rings: keep them. */
    if ( cown == r->c &&
         ((cpg->u.inuse.type_info & PGT_type_mask) != PGT_writable_page &&
          (cpg->u.inuse.type_info & PGT_type_mask) != PGT_none) )
        return 0;
    if ( (r->x.st[pfn] & RS_KEEP) || pfn == r->ccd->own_pfn[0] ||
         pfn == r->ccd->own_pfn[1] || pfn == r->ccd->own_pfn[2] )
        return 0;

    if ( !r->apply )
        return 0;

    rw = (l1e_get_flags(ce) & _PAGE_RW) ||
         (pfn < r->ccd->nr_pfns && test_bit(pfn, r->ccd->was_rw));

    /*
     * A private page of the child, held by its allocation and this one
     * mapping only; the parent still shares its frame.
     */
    if ( cown == r->c && pown == dom_cow &&
         (cpg->count_info & (PGC_allocated | PGC_count_mask)) ==
         (PGC_allocated | 2) &&
         (cpg->u.inuse.type_info & PGT_count_mask) ==
         ((l1e_get_flags(ce) & _PAGE_RW) ? 1 : 0) &&
         clone_get_new_l1e(nl1e = l1e_from_mfn(pm,
                                               l1e_get_flags(ce) & ~_PAGE_RW),
                           r->c) )
    {
        if ( !get_page(cpg, r->c) )
        {
            put_page_from_l1e(nl1e, r->c);
            return -EBUSY;
        }
        if ( !reset_swap(l1pg, pce, ce, nl1e) )
        {
            put_page(cpg);
            put_page_from_l1e(nl1e, r->c);
            return -EBUSY;
        }
        if ( rw )
            __set_bit(pfn, r->ccd->was_rw);
        clone_p2m_set(r->c, pfn, pm);
        put_page_from_l1e(ce, r->c);
        /* Our reference keeps it until the allocation one is gone. */
        set_gpfn_from_mfn(mfn_x(cm), INVALID_M2P_ENTRY);
        put_page_alloc_ref(cpg);
        put_page(cpg);
        r->nr_reshared++;
        return 0;
    }

    /* A private page of the child: give it the parent's content. */
    if ( cown == r->c )
    {
        copy_domain_page(cm, pm);
        r->nr_copied++;
        return 0;
    }

    /* The child still maps a shared frame, the parent has its own copy. */
    if ( pown == dom_cow )
    {
        /* Another shared frame (the parent is a clone too): map that one. */
        nl1e = l1e_from_mfn(pm, l1e_get_flags(ce) & ~_PAGE_RW);
        if ( !clone_get_new_l1e(nl1e, r->c) )
            return -EBUSY;
        if ( !reset_swap(l1pg, pce, ce, nl1e) )
        {
            put_page_from_l1e(nl1e, r->c);
            return -EBUSY;
        }
        clone_p2m_set(r->c, pfn, pm);
        put_page(cpg);
        r->nr_reshared++;
        return 0;
    }

    npg = alloc_domheap_page(r->c, 0);
    if ( !npg )
        return -ENOMEM;
    copy_domain_page(page_to_mfn(npg), pm);
    nl1e = l1e_from_mfn(page_to_mfn(npg),
                        l1e_get_flags(ce) | (rw ? _PAGE_RW : 0));
    if ( !clone_get_new_l1e(nl1e, r->c) )
    {
        clone_free_new_page(npg, r->c);
        return -ENOMEM;
    }
    if ( !reset_swap(l1pg, pce, ce, nl1e) )
    {
        put_page_from_l1e(nl1e, r->c);
        clone_free_new_page(npg, r->c);
        return -EBUSY;
    }
    set_gpfn_from_mfn(mfn_x(page_to_mfn(npg)), pfn);
    clone_p2m_set(r->c, pfn, page_to_mfn(npg));
    put_page(cpg);
    r->nr_copied++;

    return 0;
}

/*
 * The child's table mfn[0] beside the parent's table mfn[1], at the same
 * place: both the domains' own, of the same PFN, the child's of its type.
 */
static int cf_check reset_table(void *ctx, struct clone_walk_table *tb,
                                bool resumed)
{
    struct reset_ctx *r = ctx;
    mfn_t cm = tb->mfn[0], pm = tb->mfn[1];

    if ( !mfn_valid(cm) || !mfn_valid(pm) ||
         page_get_owner(mfn_to_page(cm)) != r->c ||
         page_get_owner(mfn_to_page(pm)) != r->p ||
         (mfn_to_page(cm)->u.inuse.type_info & PGT_type_mask) !=
         lvl_type[tb->lvl] ||
         clone_ctx_pfn(&r->x, cm) == ~0UL ||
         clone_ctx_pfn(&r->x, cm) != clone_ctx_pfn(&r->x, pm) )
        return -EBUSY;

    return 0;
}

/* Entry i of the child's table (e[0]) and of the parent's (e[1]). */
static int cf_check reset_entry(void *ctx, const struct clone_walk_table *tb,
                                unsigned int i, const intpte_t e[2])
{
    if ( (e[0] ^ e[1]) & _PAGE_PRESENT )
        return -EBUSY;
    if ( !(e[0] & _PAGE_PRESENT) )
        return 0;
    if ( tb->lvl > 1 )
        return CLONE_WALK_DOWN;

    return reset_l1e(ctx, tb->mfn[0], (l1_pgentry_t *)&tb->map[0][i],
                     l1e_from_intpte(e[0]), l1e_from_intpte(e[1]));
}

/*
 * After each L1 table: stop once the budget is spent or a softirq waits
 * (the caller returns to its guest in between).
 */
static bool cf_check reset_preempt(void *ctx)
{
    struct reset_ctx *r = ctx;

    return ++r->nr_l1 >= RESET_BUDGET || hypercall_preempt_check();
}

/* The child's tables walked beside the parent's. */
static const struct clone_walk_ops reset_ops = {
    .pair = true,
    .table = reset_table,
    .entry = reset_entry,
    .preempt = reset_preempt,
};

/*
 * Is the child's vCPU still on the tables, GDT and LDT it was born with?
 * Otherwise its birth context cannot be loaded back: -EBUSY, not a crash.
 */
static bool reset_vcpu_same_shape(const struct vcpu *cv,
                                  const struct vcpu_guest_context *b)
{
    unsigned int i;

    /* What arch_set_info_guest() compares on an initialised vCPU. */
    if ( xen_pfn_to_cr3(pagetable_get_pfn(cv->arch.guest_table)) !=
         b->ctrlreg[3] ||
         cv->arch.pv.ldt_ents != b->ldt_ents ||
         (cv->arch.pv.ldt_ents && cv->arch.pv.ldt_base != b->ldt_base) ||
         cv->arch.pv.gdt_ents != b->gdt_ents )
        return false;
    for ( i = 0; i < DIV_ROUND_UP(b->gdt_ents, 512); i++ )
        if ( cv->arch.pv.gdt_frames[i] != b->gdt_frames[i] )
            return false;

    return true;
}

/* Free a reset's state; crash the child if pass 2 had begun. */
static void reset_state_free(struct domain *child, struct reset_state *s,
                             bool crash)
{
    if ( crash && s->apply && !child->is_dying )
    {
        flush_tlb_mask(child->dirty_cpumask);
        gprintk(XENLOG_WARNING, "clone: reset of d%d cancelled half way: "
                "crashing it\n", child->domain_id);
        domain_crash(child);
    }
    vfree(s->st);
    xfree(s);
}

void arch_clone_reset_cancel(struct domain *child, void *state)
{
    reset_state_free(child, state, true);
}

int arch_clone_reset(struct domain *parent, struct domain *child,
                     void **state)
{
    struct reset_state *s = *state;
    struct reset_ctx r = {
        .p = parent, .c = child, .ccd = child->clone,
        .x = { .p = child, .c = child, .nr_pfns = arch_get_max_pfn(child) },
    };
    struct vcpu *cv = child->vcpu ? child->vcpu[0] : NULL;
    mfn_t cl4, pl4;
    int rc;

    /* Every chunk checks the shape again: the domctl lock was free. */
    if ( !r.ccd || !r.ccd->birth_ctxt || !r.ccd->was_rw || !cv ||
         !parent->vcpu || !parent->vcpu[0] ||
         r.x.nr_pfns != arch_get_max_pfn(parent) ||
         !r.x.nr_pfns || r.x.nr_pfns > CLONE_MAX_PFNS ||
         r.x.nr_pfns > r.ccd->nr_pfns || (s && s->nr_pfns != r.x.nr_pfns) )
        rc = -EOPNOTSUPP;
    else if ( arch_clone_check(child) || arch_clone_check(parent) )
        rc = -EOPNOTSUPP;
    else if ( !reset_vcpu_same_shape(cv, r.ccd->birth_ctxt) )
        rc = -EBUSY;
    else
        rc = 0;
    if ( rc )
        goto fail;

    cl4 = pagetable_get_mfn(cv->arch.guest_table);
    pl4 = pagetable_get_mfn(parent->vcpu[0]->arch.guest_table);

    if ( !s )
    {
        rc = -ENOMEM;
        s = xzalloc(struct reset_state);
        if ( !s )
            goto fail;
        *state = s;
        s->nr_pfns = r.x.nr_pfns;
        s->st = vzalloc(r.x.nr_pfns);
        if ( !s->st )
            goto fail;
        r.x.st = s->st;

        /* The child's P2M tree keeps the child's MFNs. */
        rc = clone_p2m_walk(child,
                            _mfn(arch_get_pfn_to_mfn_frame_list_list(child)),
                            r.x.nr_pfns, reset_mark_p2m, NULL, &r.x);
        if ( rc )
        {
            rc = -EBUSY;
            goto fail;
        }
    }
    else
        s->nr_chunks++;
    r.x.st = s->st;
    r.apply = s->apply;

    /*
     * Pass 1: is the child's address space still the parent's shape?
     * Pass 2: from there on, an error leaves the child half reset.
     */
    rc = clone_walk(&reset_ops, &r, child, &s->cur, cl4, pl4);
    s->nr_reshared += r.nr_reshared;
    s->nr_copied += r.nr_copied;
    if ( s->apply )
        flush_tlb_mask(child->dirty_cpumask);
    if ( rc == -ERESTART )
        return rc;
    if ( !rc && !s->apply )
    {
        /* Pass 1 is done: pass 2 starts in the next chunk. */
        s->apply = true;
        return -ERESTART;
    }
    if ( !rc )
        rc = arch_set_info_guest(cv, (vcpu_guest_context_u){
                                         .nat = r.ccd->birth_ctxt });
    if ( rc )
        goto fail;

    r.ccd->nr_resets++;
    /* Like a new child: look at the timers (it may be blocked in Xen). */
    send_timer_event(cv);
    gdprintk(XENLOG_INFO, "clone: d%d reset: %lu pages shared again, %lu "
             "copied, %lu continuations\n", child->domain_id, s->nr_reshared,
             s->nr_copied, s->nr_chunks);
    reset_state_free(child, s, false);
    *state = NULL;

    return 0;

 fail:
    if ( s && s->apply )
        gprintk(XENLOG_WARNING, "clone: reset of d%d failed half way (%d): "
                "crashing it\n", child->domain_id, rc);
    if ( s )
        reset_state_free(child, s, true);
    *state = NULL;

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
