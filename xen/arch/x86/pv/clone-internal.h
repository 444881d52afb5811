/* SPDX-License-Identifier: GPL-2.0-only */
/* clone-internal.h: what clone.c, clone-reset.c and clone-walk.c share. */
#ifndef __X86_PV_CLONE_INTERNAL_H__
#define __X86_PV_CLONE_INTERNAL_H__

#include <xen/mm.h>
#include <asm/page.h>

struct clone_domain;
struct domain;

/* Per-PFN state of a clone in progress. */
#define PS_TABLE    0x01    /* a page table of the parent */
#define PS_COPY     0x02    /* must be private in the child */
#define PS_SEEN     0x04    /* mapped by an L1 entry */
#define PS_MULTI    0x08    /* mapped by more than one L1 entry */
#define PS_SHARE    0x10    /* to be shared with the child */
#define PS_P2M      0x20    /* a frame of the guest's P2M tree */

struct clone_ctx {
    struct domain *p, *c;
    struct clone_domain *pcd, *ccd;
    unsigned long nr_pfns;
    uint8_t *st;            /* PS_* per PFN */
    mfn_t *cmfn;            /* the child's private frame per PFN */
    mfn_t fll;              /* the parent's P2M frame list list */
    unsigned long si_pfn;   /* the parent's start_info, or ~0UL */
    bool flush;             /* parent PTEs were made read-only */
    unsigned long nr_reserved; /* charged to the family, not yet shared */
};

/* The page type of a page table of each level (1..4). */
static const unsigned long lvl_type[5] = {
    0, PGT_l1_page_table, PGT_l2_page_table, PGT_l3_page_table,
    PGT_l4_page_table,
};

/* The frame a page-table entry maps. */
static inline mfn_t clone_pte_mfn(intpte_t e)
{
    return _mfn((e & PADDR_MASK & PAGE_MASK) >> PAGE_SHIFT);
}

/*
 * Where a preemptible walk goes on: the L4/L3/L2 indexes of the next L1
 * table. The next walk goes down from the L4 again to the cursor, and
 * every table on the way is checked again (table() with resumed true).
 */
struct clone_walk_cursor {
    bool resume;            /* the last walk stopped half way: at pos[] */
    unsigned int pos[5];    /* the next entry to look at, per level */
};

/* A table being walked ([0]) and the one beside it ([1], if any). */
struct clone_walk_table {
    unsigned int lvl;       /* 1..4 */
    mfn_t mfn[2];           /* [1]: INVALID_MFN if none */
    intpte_t *map[2];       /* mapped by the walker for entry(), up() */
};

/* entry(): walk the table this entry maps (above L1 only). */
#define CLONE_WALK_DOWN 1

/*
 * What a walk does (every function cf_check): each returns 0 to go on or
 * a negative errno that ends the walk. The walker reads every entry once
 * (ACCESS_ONCE) and skips Xen's L4 slots.
 */
struct clone_walk_ops {
    /*
     * pair: walk a second tree in step ([1]): its tables are those its
     * own entries map. Otherwise table() may name a table to map as [1].
     */
    bool pair;
    /*
     * A table, before its entries: check it (mapped only if this returns
     * 0, so it must refuse an invalid frame). resumed: on the way down to
     * the cursor, walked by an earlier call.
     */
    int (*table)(void *ctx, struct clone_walk_table *tb, bool resumed);
    /*
     * Entry i, e[] read from map[] (e[1] is 0 unless pair): 0, an errno
     * or CLONE_WALK_DOWN. NULL: every present entry above L1 is walked
     * down, and the entries of L1 tables are not looked at.
     */
    int (*entry)(void *ctx, const struct clone_walk_table *tb,
                 unsigned int i, const intpte_t e[2]);
    /* After the table below entry i was walked in full (may be NULL). */
    int (*up)(void *ctx, const struct clone_walk_table *tb, unsigned int i,
              const intpte_t e[2]);
    /* After every entry of a table (may be NULL). */
    int (*done)(void *ctx, const struct clone_walk_table *tb);
    /* After each L1 table: stop here with -ERESTART? (may be NULL) */
    bool (*preempt)(void *ctx);
};

/*
 * Walk the page tables rooted at root (and root2 beside it, if ops->pair)
 * of domain d (whose L4 slots are the guest's), from the cursor if
 * cur->resume. -ERESTART: stopped by preempt(), cur says where.
 */
int clone_walk(const struct clone_walk_ops *ops, void *ctx,
               const struct domain *d, struct clone_walk_cursor *cur,
               mfn_t root, mfn_t root2);

/* The PFN of mfn in x's parent if it is in range, else ~0UL. */
unsigned long clone_ctx_pfn(const struct clone_ctx *x, mfn_t mfn);

/*
 * Walk d's guest P2M tree from its frame list list fll: frame() for every
 * frame of the tree, entry() for every PFN below nr_pfns; stops at the
 * first error.
 */
int clone_p2m_walk(struct domain *d, mfn_t fll, unsigned long nr_pfns,
                   int (*frame)(struct clone_ctx *x, mfn_t mfn),
                   int (*entry)(struct clone_ctx *x, unsigned long pfn,
                                mfn_t mfn),
                   struct clone_ctx *x);

/* Set d's guest P2M entry pfn to mfn, through its frame-list tree. */
int clone_p2m_set(struct domain *d, unsigned long pfn, mfn_t mfn);

/* Free a page of d that holds only its allocation reference. */
void clone_free_new_page(struct page_info *pg, struct domain *d);

/* Take the references a new L1 entry of d needs, as validation does. */
bool clone_get_new_l1e(l1_pgentry_t nl1e, struct domain *d);

#endif /* __X86_PV_CLONE_INTERNAL_H__ */
