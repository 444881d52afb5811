/* SPDX-License-Identifier: GPL-2.0-only */
/* clone.c: x86 PV half of clone_op: copy a 64-bit PV domain, COW faults
 * (CLONEOP_reset is in clone-reset.c). */
/*
 * A child gets private copies of the parent's page tables, P2M tree,
 * granted pages and of every page that is not mapped exactly once; every
 * other page is shared: its frame moves to dom_cow, every mapping of it
 * is read-only, and the frame lives as long as some L1 entry maps it (each
 * mapping holds a general reference, taken by normal L1 validation). A
 * write to a shared page that its domain had mapped writable faults into
 * arch_clone_cow_fault(), which gives the domain a private copy. See
 * docs/clone-design.md.
 */

#include <xen/clone.h>
#include <xen/domain_page.h>
#include <xen/event.h>
#include <xen/guest_access.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/vmap.h>
#include <asm/flushtlb.h>
#include <asm/i387.h>
#include <asm/p2m.h>
#include <asm/paging.h>
#include <asm/shared.h>
#include <public/clone.h>

#include <xen/clone-logic.h>

#include "mm.h"
#include "clone-internal.h"

void arch_clone_domain_config(const struct domain *parent,
                              struct xen_arch_domainconfig *config)
{
    config->emulation_flags = parent->arch.emulation_flags;
    config->misc_flags = parent->arch.msr_relaxed ? XEN_X86_MSR_RELAXED : 0;
}

bool clone_may_map_shared(const struct domain *d, const struct page_info *pg)
{
    const struct clone_domain *cd = d->clone;

    /* HVM memory sharing's frames are its own (arch/x86/mm/mem_sharing.c). */
    if ( (pg->u.inuse.type_info & PGT_type_mask) == PGT_shared_page )
        return true;

    /* family_id outlives the family: d may be dying, its family gone. */
    return cd && cd->family_id &&
           ACCESS_ONCE(pg->clone_family) == cd->family_id;
}

/*
 * A frame owned by dom_cow is being freed (free_domheap_pages()): if a
 * clone family shares it, its family is no longer charged for it.
 */
void clone_shared_frame_freed(struct page_info *pg)
{
    uint64_t id;

    /* HVM memory sharing's frames use this slot for their own list. */
    if ( (pg->u.inuse.type_info & PGT_type_mask) == PGT_shared_page )
        return;

    id = pg->clone_family;
    pg->clone_family = 0;
    if ( id )
        clone_family_uncharge(id, 1);
}

/* Refuse what this implementation cannot clone. */
int arch_clone_check(struct domain *parent)
{
    const struct vcpu *v;

    if ( !is_pv_domain(parent) || is_pv_32bit_domain(parent) )
        return -EOPNOTSUPP;

    for_each_vcpu ( parent, v )
        if ( v->vcpu_id != 0 )
            return -EOPNOTSUPP;

    v = parent->vcpu ? parent->vcpu[0] : NULL;
    if ( !v || !v->is_initialised || v->arch.old_guest_table ||
         !pagetable_is_null(v->arch.guest_table_user) ||
         pagetable_is_null(v->arch.guest_table) )
        return -EOPNOTSUPP;

    if ( parent->evtchn_fifo )
        return -EOPNOTSUPP;

    /*
     * Areas Xen writes into by guest address or frame (a registered
     * vcpu_info, runstate or secondary time area) would be written into
     * shared frames, or the parent's, by the child: refused. So are
     * shadow and log-dirty parents, whose paging code knows nothing of
     * shared frames.
     */
    if ( !mfn_eq(v->vcpu_info_mfn, INVALID_MFN) ||
         !guest_handle_is_null(runstate_guest(v)) ||
         !guest_handle_is_null(v->arch.time_info_guest) ||
         paging_mode_enabled(parent) || paging_mode_log_dirty(parent) )
        return -EOPNOTSUPP;

    /* Grant mappings (its own pages' included) are not cloned. */
    if ( gnttab_clone_has_maps(parent) )
        return -EOPNOTSUPP;

    return 0;
}

/*
 * A shell (XEN_CLONE_FLAG_SHELLS) must look like a domain fresh from
 * domain_create(): no page of its own, at most vCPU 0 and never
 * initialised, no paging mode, 2-level event channels, no grant mapping,
 * and the parent's PV width and arch configuration.
 */
bool arch_clone_shell_ok(const struct domain *parent, struct domain *shell)
{
    const struct vcpu *v;

    if ( !is_pv_domain(shell) || is_pv_32bit_domain(shell) ||
         domain_tot_pages(shell) || !page_list_empty(&shell->page_list) ||
         paging_mode_enabled(shell) || shell->evtchn_fifo ||
         shell->arch.emulation_flags != parent->arch.emulation_flags ||
         shell->arch.msr_relaxed != parent->arch.msr_relaxed ||
         gnttab_clone_has_maps(shell) )
        return false;

    for_each_vcpu ( shell, v )
        if ( v->vcpu_id != 0 || v->is_initialised )
            return false;

    return true;
}

/*
 * The PFN of mfn if it is in range, else ~0UL. mfn may come from anything
 * a guest writes (its P2M tree, its grant entries): the M2P covers valid
 * frames only, so anything else has no PFN.
 */
unsigned long clone_ctx_pfn(const struct clone_ctx *x, mfn_t mfn)
{
    unsigned long pfn;

    if ( !mfn_valid(mfn) )
        return ~0UL;
    pfn = get_gpfn_from_mfn(mfn_x(mfn));

    return pfn < x->nr_pfns ? pfn : ~0UL;
}

/*
 * The PFN of the child's ring frame mfn (from the parent's grant entries,
 * translated): only a frame the child owns, as its private copy of a
 * parent page, counts; anything else is reported as no ring at all.
 */
static unsigned long child_ring_pfn(const struct clone_ctx *x, uint64_t *mfn)
{
    unsigned long pfn = ~0UL;

    if ( *mfn && mfn_valid(_mfn(*mfn)) &&
         page_get_owner(mfn_to_page(_mfn(*mfn))) == x->c )
        pfn = clone_ctx_pfn(x, _mfn(*mfn));
    if ( pfn == ~0UL || !mfn_eq(x->cmfn[pfn], _mfn(*mfn)) )
    {
        *mfn = 0;
        return ~0UL;
    }

    return pfn;
}

/* Map a frame of d's P2M tree; NULL unless d owns it. Unmap with put. */
static void *map_owned(struct domain *d, mfn_t mfn, struct page_info **pg)
{
    if ( !mfn_valid(mfn) )
        return NULL;
    *pg = mfn_to_page(mfn);
    if ( !get_page(*pg, d) )
        return NULL;
    return map_domain_page(mfn);
}

static void unmap_owned(void *va, struct page_info *pg)
{
    unmap_domain_page(va);
    put_page(pg);
}

/*
 * Walk d's P2M tree (3 levels of 512 entries, from the frame list list)
 * from PFN first: frame(x, mfn) is called for every frame of the tree on
 * the way, entry(x, pfn, mfn) for every PFN from first to below nr_pfns.
 * Stops at the first error.
 */
static int p2m_walk_from(struct domain *d, mfn_t fll, unsigned long first,
                         unsigned long nr_pfns,
                         int (*frame)(struct clone_ctx *x, mfn_t mfn),
                         int (*entry)(struct clone_ctx *x, unsigned long pfn,
                                      mfn_t mfn),
                         struct clone_ctx *x)
{
    struct page_info *pg3, *pg2, *pg1;
    const unsigned long *l3, *l2, *l1;
    unsigned int i3, i2, i1;
    unsigned long pfn = first;
    int rc = 0;

    l3 = map_owned(d, fll, &pg3);
    if ( !l3 )
        return -EOPNOTSUPP;
    if ( frame )
        rc = frame(x, fll);

    for ( i3 = pfn / P2M_FL_ENTRIES / P2M_FL_ENTRIES;
          !rc && pfn < nr_pfns && i3 < P2M_FL_ENTRIES; i3++ )
    {
        mfn_t m2 = _mfn(l3[i3]);

        l2 = map_owned(d, m2, &pg2);
        if ( !l2 )
        {
            rc = -EOPNOTSUPP;
            break;
        }
        if ( frame )
            rc = frame(x, m2);

        /* Past the first leaf, pfn is aligned: i2 and i1 start at 0. */
        for ( i2 = (pfn / P2M_FL_ENTRIES) % P2M_FL_ENTRIES;
              !rc && pfn < nr_pfns && i2 < P2M_FL_ENTRIES; i2++ )
        {
            mfn_t m1 = _mfn(l2[i2]);

            l1 = map_owned(d, m1, &pg1);
            if ( !l1 )
            {
                rc = -EOPNOTSUPP;
                break;
            }
            if ( frame )
                rc = frame(x, m1);

            for ( i1 = pfn % P2M_FL_ENTRIES;
                  !rc && pfn < nr_pfns && i1 < P2M_FL_ENTRIES; i1++, pfn++ )
                if ( entry )
                    rc = entry(x, pfn, _mfn(l1[i1]));

            unmap_owned((void *)l1, pg1);
            /* Big guests take a while: let timers and IPIs through. */
            process_pending_softirqs();
        }
        unmap_owned((void *)l2, pg2);
    }
    unmap_owned((void *)l3, pg3);

    return rc;
}

int clone_p2m_walk(struct domain *d, mfn_t fll, unsigned long nr_pfns,
                   int (*frame)(struct clone_ctx *x, mfn_t mfn),
                   int (*entry)(struct clone_ctx *x, unsigned long pfn,
                                mfn_t mfn),
                   struct clone_ctx *x)
{
    return p2m_walk_from(d, fll, 0, nr_pfns, frame, entry, x);
}

/* Set d's guest P2M entry pfn to mfn, through its frame-list tree. */
int clone_p2m_set(struct domain *d, unsigned long pfn, mfn_t mfn)
{
    struct page_info *pg;
    unsigned int idx[3];
    mfn_t next = _mfn(arch_get_pfn_to_mfn_frame_list_list(d));
    unsigned long *t;
    unsigned int lvl;

    if ( pfn >= arch_get_max_pfn(d) )
        return -ERANGE;

    clone_p2m_index(pfn, idx);
    for ( lvl = 0; lvl < 2; lvl++ )
    {
        t = map_owned(d, next, &pg);
        if ( !t )
            return -EOPNOTSUPP;
        next = _mfn(t[idx[lvl]]);
        unmap_owned(t, pg);
    }

    /*
     * The leaf is written: it must be an ordinary page of d. The guest
     * controls the tree, and could point a leaf at one of its own page
     * tables; the writable type reference refuses that.
     */
    if ( !mfn_valid(next) )
        return -EOPNOTSUPP;
    pg = mfn_to_page(next);
    if ( !get_page_and_type(pg, d, PGT_writable_page) )
        return -EOPNOTSUPP;
    t = map_domain_page(next);
    t[idx[2]] = mfn_x(mfn);
    unmap_domain_page(t);
    put_page_and_type(pg);

    return 0;
}

static int cf_check mark_p2m_frame(struct clone_ctx *x, mfn_t mfn)
{
    unsigned long pfn = clone_ctx_pfn(x, mfn);

    if ( pfn == ~0UL )
        return -EOPNOTSUPP;
    x->st[pfn] |= PS_COPY | PS_P2M;

    return 0;
}

static void cf_check mark_granted(void *ctx, mfn_t mfn)
{
    struct clone_ctx *x = ctx;
    unsigned long pfn;

    if ( !mfn_valid(mfn) || page_get_owner(mfn_to_page(mfn)) != x->p )
        return;
    pfn = clone_ctx_pfn(x, mfn);
    if ( pfn != ~0UL )
        x->st[pfn] |= PS_COPY;
}

static mfn_t cf_check xlat_granted(void *ctx, mfn_t mfn)
{
    struct clone_ctx *x = ctx;
    unsigned long pfn;

    if ( !mfn_valid(mfn) || page_get_owner(mfn_to_page(mfn)) != x->p )
        return mfn;
    pfn = clone_ctx_pfn(x, mfn);

    return (pfn != ~0UL && !mfn_eq(x->cmfn[pfn], INVALID_MFN))
           ? x->cmfn[pfn] : mfn;
}

/*
 * The build of one child, between two chunks (the common code keeps it
 * for a control domain's clone; a fork builds in one go). The walks of
 * the parent's page tables (classify, build, pin: clone_walk()) stop
 * after a budget of L1 tables, or earlier when a softirq waits: the
 * cursor is the pass and the L4/L3/L2 indexes of the next L1 table; the
 * next chunk walks down from the L4 again to the cursor, checking every
 * table on the way. The pass over the P2M stops after a budget of P2M
 * leaves.
 */
#define BUILD_BUDGET 32     /* L1 tables or P2M leaves per chunk */

enum build_phase {
    BP_CLASSIFY,            /* pass 1: classify_ops */
    BP_DECIDE,              /* decide_pfn() per PFN: copy or share */
    BP_SHARE,               /* charge, grants, event channels */
    BP_BUILD,               /* pass 2: build_ops */
    BP_VCPU,                /* the child's vCPU: validates its tables */
    BP_PIN,                 /* pin_ops */
};

struct build_state {
    struct clone_ctx x;
    mfn_t l4;                   /* the parent's L4 when the build began */
    enum build_phase phase;
    bool chunked;               /* may stop between chunks (-ERESTART) */
    struct clone_walk_cursor cur;   /* where a walk stopped half way */
    unsigned long next_pfn;     /* BP_DECIDE: the next PFN */
    unsigned int nr_done;       /* L1 tables or P2M leaves this chunk */
    unsigned long nr_chunks;    /* chunks after the first */
    struct vcpu_guest_context *ctxt;    /* BP_VCPU: the child's vCPU */
};

/* After one more L1 table: is this chunk's budget spent? */
static bool cf_check build_preempt(void *ctx)
{
    struct build_state *s = container_of(ctx, struct build_state, x);

    return s->chunked &&
           (++s->nr_done >= BUILD_BUDGET || hypercall_preempt_check());
}

/*
 * Pass 1, a table: classify it. resumed: the table is on the way down to
 * the cursor (classified by an earlier chunk).
 */
static int cf_check classify_table(void *ctx, struct clone_walk_table *tb,
                                   bool resumed)
{
    struct clone_ctx *x = ctx;
    struct page_info *pg;
    unsigned long pfn;

    if ( !mfn_valid(tb->mfn[0]) )
        return -EOPNOTSUPP;
    pg = mfn_to_page(tb->mfn[0]);
    pfn = clone_ctx_pfn(x, tb->mfn[0]);
    /* Shared, aliased or linear tables; a table in the P2M tree. */
    if ( page_get_owner(pg) != x->p || pfn == ~0UL ||
         (pg->u.inuse.type_info & PGT_type_mask) != lvl_type[tb->lvl] ||
         (x->st[pfn] & PS_P2M) )
        return -EOPNOTSUPP;
    /* A table on the way to the cursor must be the one classified. */
    if ( resumed && !(x->st[pfn] & PS_TABLE) )
        return -EBUSY;
    if ( !resumed && (x->st[pfn] & PS_TABLE) )
        return -EOPNOTSUPP;
    x->st[pfn] |= PS_TABLE;

    return 0;
}

/* Pass 1, an entry: what an L1 entry maps is seen once more. */
static int cf_check classify_entry(void *ctx, const struct clone_walk_table *tb,
                                   unsigned int i, const intpte_t e[2])
{
    struct clone_ctx *x = ctx;
    mfn_t tm = clone_pte_mfn(e[0]);
    struct page_info *pg;
    unsigned long pfn;

    if ( !(e[0] & _PAGE_PRESENT) )
        return 0;
    if ( tb->lvl > 1 )
        return CLONE_WALK_DOWN;
    if ( !mfn_valid(tm) )
        return 0; /* refused in pass 2 */
    pg = mfn_to_page(tm);
    if ( page_get_owner(pg) != x->p && page_get_owner(pg) != dom_cow )
        return 0;
    pfn = clone_ctx_pfn(x, tm);
    if ( pfn != ~0UL )
        x->st[pfn] |= (x->st[pfn] & PS_SEEN) ? PS_MULTI : PS_SEEN;

    return 0;
}

static const struct clone_walk_ops classify_ops = {
    .table = classify_table,
    .entry = classify_entry,
    .preempt = build_preempt,
};

/*
 * The frame mapped at va by d's tables rooted at l4, or INVALID_MFN. va is
 * the guest's (a stack pointer, start_info's address): Xen's own L4 slots
 * and superpage entries (Xen's direct map) are not followed.
 */
static mfn_t va_to_mfn(const struct domain *d, mfn_t mfn, unsigned long va)
{
    static const unsigned int shift[] = { 39, 30, 21, 12 };
    unsigned int lvl;

    if ( !is_guest_l4_slot(d, l4_table_offset(va)) )
        return INVALID_MFN;
    for ( lvl = 0; lvl < 4; lvl++ )
    {
        intpte_t *t, e;

        if ( !mfn_valid(mfn) )
            return INVALID_MFN;
        t = map_domain_page(mfn);
        e = ACCESS_ONCE(t[(va >> shift[lvl]) & (L1_PAGETABLE_ENTRIES - 1)]);
        unmap_domain_page(t);
        if ( !(e & _PAGE_PRESENT) || (lvl && lvl < 3 && (e & _PAGE_PSE)) )
            return INVALID_MFN;
        mfn = _mfn((e & PADDR_MASK & PAGE_MASK) >> PAGE_SHIFT);
    }

    return mfn;
}

/*
 * Keep the pages around the guest's stack private: Xen writes exception
 * and event frames there with interrupts off, where a copy-on-write fault
 * cannot be served (fixup_page_fault() needs interrupts on).
 */
static void mark_stack(struct clone_ctx *x, mfn_t l4, unsigned long rsp)
{
    /*
     * rsp is the guest's (stack_switch does not check it): count pages
     * rather than compare addresses, so that a stack at either end of the
     * address space cannot make the walk wrap.
     */
    unsigned long top = rsp & PAGE_MASK, below = CLONE_STACK_BYTES;
    unsigned long va, n;

    if ( top < below )
        below = top;
    va = top - below;
    for ( n = (below >> PAGE_SHIFT) + 1 + (top != PAGE_MASK); n--;
          va += PAGE_SIZE )
    {
        mfn_t mfn;
        unsigned long pfn;

        if ( !is_canonical_address(va) )
            continue;
        mfn = va_to_mfn(x->p, l4, va);
        if ( mfn_eq(mfn, INVALID_MFN) || !mfn_valid(mfn) ||
             page_get_owner(mfn_to_page(mfn)) != x->p )
            continue;
        pfn = clone_ctx_pfn(x, mfn);
        if ( pfn != ~0UL )
            x->st[pfn] |= PS_COPY;
    }
}

/*
 * The parent's start_info (where the toolstack put it), if it is still
 * there: a page of the parent's, at the recorded address, with the magic.
 * It is copied for the child and rewritten to name the child's own pages.
 */
static void mark_start_info(struct clone_ctx *x, mfn_t l4)
{
    const start_info_t *si;
    mfn_t mfn;
    unsigned long pfn;
    bool ok;

    x->si_pfn = ~0UL;
    if ( !x->pcd->start_info_va ||
         !is_canonical_address(x->pcd->start_info_va) )
        return;
    mfn = va_to_mfn(x->p, l4, x->pcd->start_info_va & PAGE_MASK);
    if ( mfn_eq(mfn, INVALID_MFN) || !mfn_valid(mfn) ||
         page_get_owner(mfn_to_page(mfn)) != x->p )
        return;
    pfn = clone_ctx_pfn(x, mfn);
    if ( pfn == ~0UL )
        return;

    si = map_domain_page(mfn);
    ok = !strncmp(si->magic, "xen-3.0-x86_64", 14);
    unmap_domain_page(si);
    if ( !ok )
        return;

    x->st[pfn] |= PS_COPY;
    x->si_pfn = pfn;
}

/* Point the child's start_info at its own rings and shared_info. */
static void fix_child_start_info(struct clone_ctx *x,
                                 const struct clone_result *res)
{
    start_info_t *si;

    if ( x->si_pfn == ~0UL || mfn_eq(x->cmfn[x->si_pfn], INVALID_MFN) )
        return;

    si = map_domain_page(x->cmfn[x->si_pfn]);
    si->shared_info = virt_to_maddr(x->c->shared_info);
    if ( res->store_mfn )
        si->store_mfn = res->store_mfn;
    if ( res->console_mfn )
        si->console.domU.mfn = res->console_mfn;
    unmap_domain_page(si);
}

/*
 * Free a page of d that holds only its allocation reference (dropping that
 * reference must never be the last put: take one of our own first).
 */
void clone_free_new_page(struct page_info *pg, struct domain *d)
{
    if ( !get_page(pg, d) )
        return;
    set_gpfn_from_mfn(mfn_x(page_to_mfn(pg)), INVALID_M2P_ENTRY);
    put_page_alloc_ref(pg);
    put_page(pg);
}

/* Give the child a private copy of frame mfn at pfn. */
static int copy_to_child(struct clone_ctx *x, unsigned long pfn, mfn_t mfn)
{
    struct page_info *pg = alloc_domheap_page(x->c, 0);

    if ( !pg )
        return -ENOMEM;

    copy_domain_page(page_to_mfn(pg), mfn);
    x->cmfn[pfn] = page_to_mfn(pg);
    set_gpfn_from_mfn(mfn_x(page_to_mfn(pg)), pfn);
    x->ccd->nr_copied_pages++;

    return 0;
}

/* Could this parent page be shared, if mapped once with these flags? */
static bool shareable(const struct page_info *pg, bool rw)
{
    return clone_page_shareable(pg->count_info, PGC_allocated | 2,
                                pg->u.inuse.type_info, PGT_type_mask,
                                PGT_count_mask, PGT_writable_page, rw);
}

/* Decide, per PFN of the parent's P2M, between sharing and copying. */
static int cf_check decide_pfn(struct clone_ctx *x, unsigned long pfn,
                               mfn_t mfn)
{
    struct page_info *pg;
    struct domain *owner;
    uint8_t st = x->st[pfn];
    int rc;

    if ( mfn_eq(mfn, INVALID_MFN) || mfn_x(mfn) == ~0U || !mfn_valid(mfn) )
        return 0; /* a hole */

    pg = mfn_to_page(mfn);
    owner = page_get_owner(pg);
    if ( get_gpfn_from_mfn(mfn_x(mfn)) != pfn ||
         (owner != x->p && owner != dom_cow) || is_special_page(pg) )
    {
        gdprintk(XENLOG_WARNING, "clone: d%d pfn %lx mfn %lx not cloneable\n",
                 x->p->domain_id, pfn, mfn_x(mfn));
        return -EOPNOTSUPP;
    }

    /* A frame another family shares is none of this family's business. */
    if ( owner == dom_cow && !clone_may_map_shared(x->p, pg) )
        return -EOPNOTSUPP;

    if ( owner == dom_cow )
    {
        /* Already shared: the child maps it too, unless nobody does. */
        if ( st & PS_SEEN )
            return 0;
        if ( !get_page(pg, dom_cow) )
            return -EOPNOTSUPP;
        rc = copy_to_child(x, pfn, mfn);
        put_page(pg);
        return rc;
    }

    if ( !(st & (PS_TABLE | PS_COPY | PS_MULTI)) && (st & PS_SEEN) &&
         (shareable(pg, false) || shareable(pg, true)) )
    {
        x->st[pfn] |= PS_SHARE;
        return 0;
    }

    return copy_to_child(x, pfn, mfn);
}

static int bitmap_room(struct clone_domain *cd, unsigned long nr_pfns)
{
    unsigned long *bm;

    if ( cd->nr_pfns >= nr_pfns )
        return 0;

    bm = vzalloc(BITS_TO_LONGS(nr_pfns) * sizeof(long));
    if ( !bm )
        return -ENOMEM;
    if ( cd->was_rw )
    {
        memcpy(bm, cd->was_rw, BITS_TO_LONGS(cd->nr_pfns) * sizeof(long));
        vfree(cd->was_rw);
    }
    cd->was_rw = bm;
    cd->nr_pfns = nr_pfns;

    return 0;
}

/*
 * Share the parent page mapped by *pl1e (entry ol1e of L1 table l1mfn):
 * make the entry read-only, then hand the frame to dom_cow. false if its
 * reference counts changed meanwhile (it is then left as it was).
 */
static bool share_page(struct clone_ctx *x, mfn_t l1mfn, l1_pgentry_t *pl1e,
                       l1_pgentry_t ol1e)
{
    struct page_info *pg = l1e_get_page(ol1e), *l1pg = mfn_to_page(l1mfn);
    struct domain *p = x->p;
    bool rw = l1e_get_flags(ol1e) & _PAGE_RW, ok = false;
    l1_pgentry_t nl1e = ol1e;

    l1e_remove_flags(nl1e, _PAGE_RW);

    if ( !shareable(pg, rw) )
        return false;

    if ( rw )
    {
        if ( !page_lock(l1pg) )
            return false;
        ok = cmpxchg(&l1e_get_intpte(*pl1e), l1e_get_intpte(ol1e),
                     l1e_get_intpte(nl1e)) == l1e_get_intpte(ol1e);
        page_unlock(l1pg);
        if ( !ok )
            return false;
        x->flush = true;
        put_page_type(pg);
    }

    spin_lock(&p->page_alloc_lock);
    ok = cmpxchg(&pg->count_info, PGC_allocated | 2, 1UL) ==
         (PGC_allocated | 2);
    if ( ok )
    {
        page_list_del(pg, &p->page_list);
        /* Off the list: its slot now names the family that shares it. */
        pg->clone_family = x->pcd->family_id;
        page_set_owner(pg, dom_cow);
        /* Charged to the family (reserved by arch_clone_child()). */
        ASSERT(x->nr_reserved);
        x->nr_reserved--;
        /* Never 0: the parent keeps its page tables. */
        if ( !domain_adjust_tot_pages(p, -1) )
            ASSERT_UNREACHABLE();
    }
    spin_unlock(&p->page_alloc_lock);

    if ( !ok && rw )
    {
        /* Someone took a reference meanwhile: make it writable again. */
        if ( get_page_type(pg, PGT_writable_page) && page_lock(l1pg) )
        {
            if ( cmpxchg(&l1e_get_intpte(*pl1e), l1e_get_intpte(nl1e),
                         l1e_get_intpte(ol1e)) != l1e_get_intpte(nl1e) )
                domain_crash(p);
            page_unlock(l1pg);
        }
        else
            domain_crash(p);
        return false;
    }

    return ok;
}

/*
 * The PFN of a table of the parent that pass 1 classified and that has a
 * copy in the child; else ~0UL. Pass 2 and the pin find only those but
 * after a concurrent change (Dom0 rewriting the paused parent's tables).
 */
static unsigned long copied_table_pfn(const struct clone_ctx *x, mfn_t mfn)
{
    unsigned long pfn = clone_ctx_pfn(x, mfn);

    if ( pfn == ~0UL || !(x->st[pfn] & PS_TABLE) ||
         mfn_eq(x->cmfn[pfn], INVALID_MFN) )
        return ~0UL;

    return pfn;
}

/* Pass 2, a parent table: its copy, map[1], is filled entry by entry. */
static int cf_check build_table(void *ctx, struct clone_walk_table *tb,
                                bool resumed)
{
    struct clone_ctx *x = ctx;
    unsigned long pfn = copied_table_pfn(x, tb->mfn[0]);

    if ( pfn == ~0UL )
        return -EBUSY;
    if ( tb->lvl == 1 )
    {
        /*
         * Softirqs may write guest memory through the parent's linear
         * mappings: first drop the writable TLB entries of the pages
         * shared so far, or such a write would land in a shared frame.
         */
        if ( x->flush )
        {
            flush_tlb_mask(x->p->dirty_cpumask);
            x->flush = false;
        }
        process_pending_softirqs();
    }
    tb->mfn[1] = x->cmfn[pfn];

    return 0;
}

/*
 * Pass 2, an entry: the child's entry i. An entry above L1 is filled once
 * the table below is done (build_up()), so a resumed table goes on at
 * the entry of the cursor.
 */
static int cf_check build_entry(void *ctx, const struct clone_walk_table *tb,
                                unsigned int i, const intpte_t e[2])
{
    struct clone_ctx *x = ctx;
    intpte_t flags = e[0] & ~(PADDR_MASK & PAGE_MASK), *ct = tb->map[1];
    mfn_t tm = clone_pte_mfn(e[0]);
    struct page_info *pg;
    struct domain *owner;
    unsigned long tpfn;
    int idx, rc = 0;

    if ( !(e[0] & _PAGE_PRESENT) )
    {
        ct[i] = e[0];
        return 0;
    }
    if ( tb->lvl > 1 )
        return CLONE_WALK_DOWN;

    if ( (get_pte_flags(e[0]) & _PAGE_GNTTAB) || !mfn_valid(tm) )
        return -EOPNOTSUPP; /* grant or MMIO mappings */

    pg = mfn_to_page(tm);
    owner = page_get_owner(pg);
    tpfn = clone_ctx_pfn(x, tm);

    if ( mfn_eq(tm, virt_to_mfn(x->p->shared_info)) )
        ct[i] = (mfn_x(virt_to_mfn(x->c->shared_info)) << PAGE_SHIFT) | flags;
    else if ( owner == x->p && is_xen_heap_page(pg) )
    {
        idx = gnttab_clone_frame_index(x->p, tm);
        if ( idx < 0 )
            rc = -EOPNOTSUPP;
        else
            ct[i] = (mfn_x(gnttab_clone_frame_mfn(x->c, idx)) << PAGE_SHIFT) |
                    flags;
    }
    else if ( owner == dom_cow && tpfn != ~0UL )
    {
        ct[i] = e[0];
        if ( x->pcd->was_rw && tpfn < x->pcd->nr_pfns &&
             test_bit(tpfn, x->pcd->was_rw) )
            __set_bit(tpfn, x->ccd->was_rw);
    }
    else if ( owner != x->p || tpfn == ~0UL )
        rc = -EOPNOTSUPP;
    else if ( !mfn_eq(x->cmfn[tpfn], INVALID_MFN) )
        ct[i] = (mfn_x(x->cmfn[tpfn]) << PAGE_SHIFT) | flags;
    else if ( (x->st[tpfn] & PS_SHARE) &&
              share_page(x, tb->mfn[0], (l1_pgentry_t *)&tb->map[0][i],
                         l1e_from_intpte(e[0])) )
    {
        ct[i] = e[0] & ~(intpte_t)_PAGE_RW;
        if ( e[0] & _PAGE_RW )
        {
            __set_bit(tpfn, x->pcd->was_rw);
            __set_bit(tpfn, x->ccd->was_rw);
        }
    }
    else
    {
        rc = copy_to_child(x, tpfn, tm);
        if ( !rc )
            ct[i] = (mfn_x(x->cmfn[tpfn]) << PAGE_SHIFT) | flags;
    }

    return rc;
}

/* Pass 2, the table below entry i is done: point the entry at its copy. */
static int cf_check build_up(void *ctx, const struct clone_walk_table *tb,
                             unsigned int i, const intpte_t e[2])
{
    struct clone_ctx *x = ctx;

    tb->map[1][i] = (mfn_x(x->cmfn[clone_ctx_pfn(x, clone_pte_mfn(e[0]))]) <<
                     PAGE_SHIFT) | (e[0] & ~(PADDR_MASK & PAGE_MASK));

    return 0;
}

/* Pass 2, a table done: Xen's L4 slots are written by validation. */
static int cf_check build_done(void *ctx, const struct clone_walk_table *tb)
{
    struct clone_ctx *x = ctx;
    unsigned int i;

    if ( tb->lvl == 4 )
        for ( i = 0; i < L4_PAGETABLE_ENTRIES; i++ )
            if ( !is_guest_l4_slot(x->p, i) )
                tb->map[1][i] = 0;

    return 0;
}

static const struct clone_walk_ops build_ops = {
    .table = build_table,
    .entry = build_entry,
    .up = build_up,
    .done = build_done,
    .preempt = build_preempt,
};

/* Point the child's copy of the P2M tree at the child's frames. */
static int fix_child_p2m(struct clone_ctx *x)
{
    unsigned long pfn = clone_ctx_pfn(x, x->fll), base = 0;
    unsigned long *l3, *l2, *l1;
    unsigned int i3, i2, i1;

#define CHILD_COPY(p) ((p) != ~0UL && !mfn_eq(x->cmfn[p], INVALID_MFN))
    int rc = 0;

    if ( !CHILD_COPY(pfn) )
        return -EOPNOTSUPP;
    l3 = map_domain_page(x->cmfn[pfn]);
    for ( i3 = 0; !rc && base < x->nr_pfns && i3 < P2M_FL_ENTRIES; i3++ )
    {
        unsigned long p2 = clone_ctx_pfn(x, _mfn(l3[i3]));

        if ( !CHILD_COPY(p2) )
        {
            rc = -EOPNOTSUPP;
            break;
        }
        l3[i3] = mfn_x(x->cmfn[p2]);
        l2 = map_domain_page(x->cmfn[p2]);
        for ( i2 = 0; base < x->nr_pfns && i2 < P2M_FL_ENTRIES; i2++ )
        {
            unsigned long p1 = clone_ctx_pfn(x, _mfn(l2[i2]));

            if ( !CHILD_COPY(p1) )
            {
                rc = -EOPNOTSUPP;
                break;
            }
            l2[i2] = mfn_x(x->cmfn[p1]);
            l1 = map_domain_page(x->cmfn[p1]);
            for ( i1 = 0; base < x->nr_pfns && i1 < P2M_FL_ENTRIES;
                  i1++, base++ )
                if ( !mfn_eq(x->cmfn[base], INVALID_MFN) )
                    l1[i1] = mfn_x(x->cmfn[base]);
            unmap_domain_page(l1);
        }
        unmap_domain_page(l2);
    }
    unmap_domain_page(l3);
#undef CHILD_COPY

    if ( !rc )
        arch_set_pfn_to_mfn_frame_list_list(x->c, mfn_x(x->cmfn[pfn]));

    return rc;
}

/* The pin, a parent table: pass 2 gave it a copy. */
static int cf_check pin_table(void *ctx, struct clone_walk_table *tb,
                              bool resumed)
{
    struct clone_ctx *x = ctx;

    /* The parent's tables may have changed since pass 2 (Dom0). */
    return copied_table_pfn(x, tb->mfn[0]) == ~0UL ? -EBUSY : 0;
}

/*
 * The pin, a table after the tables below it: pin the child's copy if
 * the parent has the table pinned.
 */
static int cf_check pin_done(void *ctx, const struct clone_walk_table *tb)
{
    struct clone_ctx *x = ctx;
    struct page_info *cpg;

    if ( !(mfn_to_page(tb->mfn[0])->u.inuse.type_info & PGT_pinned) )
        return 0;

    cpg = mfn_to_page(x->cmfn[copied_table_pfn(x, tb->mfn[0])]);
    if ( !get_page_and_type(cpg, x->c, lvl_type[tb->lvl]) )
        return -EINVAL;
    if ( test_and_set_bit(_PGT_pinned, &cpg->u.inuse.type_info) )
        put_page_and_type(cpg);

    return 0;
}

/* No entry(): the L1 tables' entries are not looked at. */
static const struct clone_walk_ops pin_ops = {
    .table = pin_table,
    .done = pin_done,
    .preempt = build_preempt,
};

/* The child's vCPU 0 context: the parent's state, on the child's tables. */
static int clone_vcpu_ctxt(struct clone_ctx *x, const struct clone_args *args,
                           mfn_t cl4, struct vcpu_guest_context **out)
{
    struct vcpu *pv = x->p->vcpu[0];
    struct vcpu_guest_context *ctxt = xzalloc(struct vcpu_guest_context);
    unsigned int i;
    int rc;

    if ( !ctxt )
        return -ENOMEM;

    if ( args->self )
        vcpu_save_fpu(pv);

    arch_get_info_guest(pv, (vcpu_guest_context_u){ .nat = ctxt });

    /* current: its FPU state was saved above; load it back. */
    if ( args->self )
        vcpu_restore_fpu_nonlazy(pv, false);

    if ( args->self )
    {
        /* current: the saved state is stale; take the live one. */
        const struct cpu_user_regs *regs = guest_cpu_user_regs();

        memcpy(&ctxt->user_regs, regs, offsetof(struct cpu_user_regs, es));
        ctxt->user_regs.rax = args->rax;
        ctxt->user_regs.ds = read_sreg(ds);
        ctxt->user_regs.es = read_sreg(es);
        ctxt->user_regs.fs = read_sreg(fs);
        ctxt->user_regs.gs = read_sreg(gs);
        ctxt->fs_base = read_fs_base();
        if ( pv->arch.flags & TF_kernel_mode )
        {
            ctxt->gs_base_kernel = read_gs_base();
            ctxt->gs_base_user = read_gs_shadow();
        }
        else
        {
            ctxt->gs_base_user = read_gs_base();
            ctxt->gs_base_kernel = read_gs_shadow();
        }
    }

    rc = -EOPNOTSUPP;
    if ( ctxt->ctrlreg[1] )
        goto out;
    for ( i = 0; i < DIV_ROUND_UP(ctxt->gdt_ents, 512); i++ )
    {
        unsigned long pfn = clone_ctx_pfn(x, _mfn(ctxt->gdt_frames[i]));

        if ( pfn == ~0UL || mfn_eq(x->cmfn[pfn], INVALID_MFN) )
            goto out;
        ctxt->gdt_frames[i] = mfn_x(x->cmfn[pfn]);
    }
    ctxt->ctrlreg[3] = xen_pfn_to_cr3(mfn_x(cl4));
    *out = ctxt;
    ctxt = NULL;
    rc = 0;

 out:
    xfree(ctxt);
    return rc;
}

/*
 * Load the child's vCPU from s->ctxt: this validates the child's page
 * tables, preemptibly. -ERESTART (chunked only): call again later, the
 * validation goes on where it stopped (as XEN_DOMCTL_setvcpucontext's
 * continuations do). On 0 the context is kept for CLONEOP_reset.
 */
static int clone_vcpu_load(struct build_state *s)
{
    struct vcpu *pv = s->x.p->vcpu[0], *cv = s->x.c->vcpu[0];
    int rc;

    for ( ; ; )
    {
        rc = arch_set_info_guest(cv, (vcpu_guest_context_u){ .nat = s->ctxt });
        if ( rc != -ERESTART || s->chunked )
            break;
        process_pending_softirqs();
    }
    if ( rc )
        return rc;

    /* State outside the context: timers. */
    cv->periodic_period = pv->periodic_period;
    if ( timer_expires_before(&pv->singleshot_timer, STIME_MAX) )
        set_timer(&cv->singleshot_timer, pv->singleshot_timer.expires);

    /* Kept for CLONEOP_reset: the child's vCPU as it was born. */
    s->x.ccd->birth_ctxt = s->ctxt;
    s->ctxt = NULL;

    return 0;
}

/* Free a build's state; what it reserved and did not share is given back. */
static void build_state_free(struct build_state *s)
{
    /* Reserved, not shared (a page that changed, or a failure). */
    clone_family_uncharge(s->x.pcd->family_id, s->x.nr_reserved);
    xfree(s->ctxt);
    vfree(s->x.cmfn);
    vfree(s->x.st);
    xfree(s);
}

/*
 * The first chunk's set-up: policies, what must be private (the P2M tree,
 * granted pages, the stacks, start_info).
 */
static int build_begin(struct build_state *s, const struct clone_args *args)
{
    struct clone_ctx *x = &s->x;
    struct domain *parent = x->p, *child = x->c;
    uint32_t tsc_mode, khz, inc;
    uint64_t elapsed;
    int rc;

    /*
     * The guest must publish its P2M (see docs/clone-design.md). max_pfn
     * is the guest's to write: it may not claim more PFNs than the domain
     * may have pages, which bounds what is allocated here.
     */
    if ( !x->nr_pfns || x->nr_pfns > CLONE_MAX_PFNS ||
         x->nr_pfns > max(parent->max_pages, domain_tot_pages(parent)) ||
         !mfn_x(x->fll) )
        return -EOPNOTSUPP;

    x->st = vzalloc(x->nr_pfns);
    x->cmfn = vmalloc(x->nr_pfns * sizeof(*x->cmfn));
    if ( !x->st || !x->cmfn || bitmap_room(x->pcd, x->nr_pfns) ||
         bitmap_room(x->ccd, x->nr_pfns) )
        return -ENOMEM;
    memset(x->cmfn, 0xff, x->nr_pfns * sizeof(*x->cmfn));

    /* Limits and policies first: the child's allocations obey them. */
    child->max_pages = parent->max_pages;
    *child->arch.cpu_policy = *parent->arch.cpu_policy;
    domain_cpu_policy_changed(child);
    tsc_get_info(parent, &tsc_mode, &elapsed, &khz, &inc);
    rc = tsc_set_info(child, tsc_mode, elapsed, khz, inc);
    if ( rc )
        return rc;
    child->time_offset = parent->time_offset;

    /* What must be private: the P2M tree, granted pages, page tables. */
    rc = clone_p2m_walk(parent, x->fll, x->nr_pfns, mark_p2m_frame, NULL, x);
    if ( rc )
        return rc;
    gnttab_clone_for_each_granted(parent, mark_granted, x);
    mark_stack(x, s->l4, args->self ? guest_cpu_user_regs()->rsp
                                    : parent->vcpu[0]->arch.user_regs.rsp);
    mark_stack(x, s->l4, parent->vcpu[0]->arch.pv.kernel_sp);
    mark_start_info(x, s->l4);

    return 0;
}

/* BP_SHARE: check pass 1's result, charge the family, grants, events. */
static int build_share(struct build_state *s, struct clone_result *res)
{
    struct clone_ctx *x = &s->x;
    unsigned long i, nr = 0;
    int rc;

    /* Every table and every must-copy page got its copy (is in the P2M). */
    for ( i = 0; i < x->nr_pfns; i++ )
        if ( (x->st[i] & (PS_TABLE | PS_COPY)) &&
             mfn_eq(x->cmfn[i], INVALID_MFN) )
        {
            gdprintk(XENLOG_WARNING, "clone: d%d pfn %lx not in its P2M\n",
                     x->p->domain_id, i);
            return -EOPNOTSUPP;
        }

    /*
     * The frames about to be shared are charged to the family: refused
     * here, before any of the parent's frames changes, if they would take
     * it beyond its limit.
     */
    for ( i = 0; i < x->nr_pfns; i++ )
        if ( x->st[i] & PS_SHARE )
            nr++;
    rc = clone_family_charge(x->pcd, nr);
    if ( rc )
        return rc;
    x->nr_reserved = nr;

    /* Xen-heap pages, event channels. */
    memcpy(x->c->shared_info, x->p->shared_info, PAGE_SIZE);
    rc = gnttab_clone(x->p, x->c, xlat_granted, x, &res->console_mfn,
                      &res->store_mfn);
    x->ccd->own_pfn[0] = child_ring_pfn(x, &res->console_mfn);
    x->ccd->own_pfn[1] = child_ring_pfn(x, &res->store_mfn);
    x->ccd->own_pfn[2] = x->si_pfn;
    if ( !rc )
        rc = evtchn_clone(x->p, x->c);
    if ( rc )
        return rc;
    fix_child_start_info(x, res);

    return 0;
}

/* Run the build from where it stopped: 0, -ERESTART or an error. */
static int build_run(struct build_state *s, const struct clone_args *args,
                     struct clone_result *res)
{
    struct clone_ctx *x = &s->x;
    unsigned long end, l4pfn;
    int rc = 0;

    s->nr_done = 0;
    switch ( s->phase )
    {
    case BP_CLASSIFY:
        rc = clone_walk(&classify_ops, x, x->p, &s->cur, s->l4, INVALID_MFN);
        if ( rc )
            break;
        s->phase = BP_DECIDE;
        /* Fallthrough */
    case BP_DECIDE:
        /* Copy what must be private; mark what may be shared. */
        for ( ; !rc && s->next_pfn < x->nr_pfns; s->next_pfn = end )
        {
            end = min(x->nr_pfns, (s->next_pfn | (P2M_FL_ENTRIES - 1)) + 1);
            rc = p2m_walk_from(x->p, x->fll, s->next_pfn, end, NULL,
                               decide_pfn, x);
            if ( !rc && end < x->nr_pfns && build_preempt(s) )
                rc = -ERESTART;
        }
        if ( rc )
            break;
        s->phase = BP_SHARE;
        /* Fallthrough */
    case BP_SHARE:
        rc = build_share(s, res);
        if ( rc )
            break;
        s->phase = BP_BUILD;
        /* Fallthrough */
    case BP_BUILD:
        /* The child's page tables; shares the parent's pages on the way. */
        rc = clone_walk(&build_ops, x, x->p, &s->cur, s->l4, INVALID_MFN);
        /* Nobody may write through the parent's old writable entries. */
        if ( x->flush )
        {
            flush_tlb_mask(x->p->dirty_cpumask);
            x->flush = false;
        }
        if ( rc )
            break;
        rc = fix_child_p2m(x);
        l4pfn = clone_ctx_pfn(x, s->l4);
        if ( !rc && (l4pfn == ~0UL || mfn_eq(x->cmfn[l4pfn], INVALID_MFN)) )
            rc = -EBUSY;
        if ( !rc )
            rc = clone_vcpu_ctxt(x, args, x->cmfn[l4pfn], &s->ctxt);
        if ( rc )
            break;
        s->phase = BP_VCPU;
        /* Fallthrough */
    case BP_VCPU:
        /* Validate the child's tables through its vCPU, then pin. */
        rc = clone_vcpu_load(s);
        if ( rc )
            break;
        s->phase = BP_PIN;
        /* Fallthrough */
    case BP_PIN:
        rc = clone_walk(&pin_ops, x, x->p, &s->cur, s->l4, INVALID_MFN);
        break;
    }

    return rc;
}

/*
 * Build child as a copy of parent. state: NULL to build in one go (a
 * fork: the caller is the parent's own vCPU); else the build may stop
 * between chunks with -ERESTART and its cursor in *state (NULL on the
 * first call; NULL again after 0 or an error).
 */
int arch_clone_child(struct domain *parent, struct domain *child,
                     const struct clone_args *args, struct clone_result *res,
                     void **state)
{
    struct build_state *s = state ? *state : NULL;
    int rc;

    if ( !s )
    {
        if ( !parent->clone || !child->clone )
            return -EOPNOTSUPP;
        s = xzalloc(struct build_state);
        if ( !s )
            return -ENOMEM;
        s->x = (struct clone_ctx){
            .p = parent, .c = child,
            .pcd = parent->clone, .ccd = child->clone,
            .fll = _mfn(arch_get_pfn_to_mfn_frame_list_list(parent)),
            .nr_pfns = arch_get_max_pfn(parent),
        };
        s->l4 = pagetable_get_mfn(parent->vcpu[0]->arch.guest_table);
        s->chunked = state != NULL;
        rc = build_begin(s, args);
    }
    else
    {
        s->nr_chunks++;
        /*
         * The domctl lock was free: the parent (paused, and refused to
         * everyone else's clone and reset) must still be on the same L4.
         * Everything else is checked again on the way to the cursor.
         */
        rc = mfn_eq(pagetable_get_mfn(parent->vcpu[0]->arch.guest_table),
                    s->l4) ? 0 : -EBUSY;
    }

    if ( !rc )
        rc = build_run(s, args, res);
    if ( rc == -ERESTART && s->chunked )
    {
        *state = s;
        return rc;
    }
    /* Only a chunked build stops; anything else would be a bug here. */
    if ( rc == -ERESTART )
    {
        ASSERT_UNREACHABLE();
        rc = -EBUSY;
    }

    if ( !rc )
    {
        s->x.ccd->start_info_va = s->x.pcd->start_info_va;
        /* A sleeping child wakes up and looks at its timers. */
        send_timer_event(child->vcpu[0]);
        if ( s->nr_chunks )
            gdprintk(XENLOG_INFO, "clone of d%d into d%d: %lu continuations\n",
                     parent->domain_id, child->domain_id, s->nr_chunks);
    }
    else
        gdprintk(XENLOG_INFO, "clone of d%d into d%d failed: %d\n",
                 parent->domain_id, child->domain_id, rc);
    build_state_free(s);
    if ( state )
        *state = NULL;

    return rc;
}

void arch_clone_child_cancel(struct domain *child, void *state)
{
    struct build_state *s = state;

    gprintk(XENLOG_INFO, "clone of d%d into d%d cancelled after %lu "
            "continuations\n", s->x.p->domain_id, child->domain_id,
            s->nr_chunks);
    build_state_free(s);
}

/*
 * Take the references a new entry nl1e of d's L1 tables needs exactly as
 * validation does: get_page_from_l1e() checks ownership and the family
 * rule of shared frames, takes the writable type for a writable entry and
 * marks a page mapped writable and non-coherent (WC) PGT_non_coherent, so
 * that a later change of its type flushes caches (XSA-402). A hand-taken
 * writable type reference would skip the last.
 */
bool clone_get_new_l1e(l1_pgentry_t nl1e, struct domain *d)
{
    int rc = get_page_from_l1e(nl1e, d, d);

    /* > 0: flags to flip, for MMIO only; we map RAM of our own. */
    if ( rc > 0 )
    {
        ASSERT_UNREACHABLE();
        rc = -EINVAL;
    }

    return !rc;
}

/*
 * A write fault on a read-only mapping of a shared frame that the domain
 * had mapped writable: give the domain its own copy. Called for guest and
 * Xen-mode faults (copy_to_guest, bounce frames) with interrupts enabled.
 */
int arch_clone_cow_fault(unsigned long addr, struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    struct domain *d = v->domain;
    struct clone_domain *cd = d->clone;
    struct page_info *opg, *npg, *l1pg;
    l1_pgentry_t *pl1e, ol1e, nl1e;
    unsigned long pfn;
    mfn_t gl1mfn, omfn;
    bool done;

    if ( !cd || !cd->was_rw || !is_pv_domain(d) || is_pv_32bit_domain(d) )
        return 0;

    pl1e = map_guest_l1e(addr, &gl1mfn);
    if ( !pl1e )
        return 0;
    ol1e = l1e_from_intpte(ACCESS_ONCE(l1e_get_intpte(*pl1e)));

    if ( (l1e_get_flags(ol1e) & (_PAGE_PRESENT | _PAGE_RW)) != _PAGE_PRESENT )
        goto not_ours;
    omfn = l1e_get_mfn(ol1e);
    if ( !mfn_valid(omfn) )
        goto not_ours;
    opg = mfn_to_page(omfn);
    pfn = get_gpfn_from_mfn(mfn_x(omfn));
    if ( page_get_owner(opg) != dom_cow || pfn >= cd->nr_pfns ||
         !test_bit(pfn, cd->was_rw) )
        goto not_ours;
    l1pg = mfn_to_page(gl1mfn);
    if ( page_get_owner(l1pg) != d )
        goto not_ours;

    npg = alloc_domheap_page(d, 0);
    if ( !npg )
    {
        gprintk(XENLOG_WARNING, "clone: no memory to copy pfn %lx\n", pfn);
        goto not_ours;
    }
    copy_domain_page(page_to_mfn(npg), omfn);
    nl1e = l1e_from_mfn(page_to_mfn(npg), l1e_get_flags(ol1e) | _PAGE_RW);
    if ( !clone_get_new_l1e(nl1e, d) )
    {
        clone_free_new_page(npg, d);
        goto not_ours;
    }

    done = false;
    if ( page_lock(l1pg) )
    {
        if ( (l1pg->u.inuse.type_info & PGT_type_mask) == PGT_l1_page_table )
            done = cmpxchg(&l1e_get_intpte(*pl1e), l1e_get_intpte(ol1e),
                           l1e_get_intpte(nl1e)) == l1e_get_intpte(ol1e);
        page_unlock(l1pg);
    }
    unmap_domain_page(pl1e);

    if ( !done )
    {
        /* The entry changed under our feet: undo, let the access retry. */
        put_page_from_l1e(nl1e, d);
        clone_free_new_page(npg, d);
        return EXCRET_fault_fixed;
    }

    /* The old entry's reference; frees the frame after its last sharer. */
    put_page(opg);

    set_gpfn_from_mfn(mfn_x(page_to_mfn(npg)), pfn);
    clone_p2m_set(d, pfn, page_to_mfn(npg));
    cd->nr_cow_faults++;

    flush_tlb_one_mask(d->dirty_cpumask, addr);

    return EXCRET_fault_fixed;

 not_ours:
    unmap_domain_page(pl1e);
    return 0;
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
