/* SPDX-License-Identifier: GPL-2.0-only */
/* clone-internal.h: what clone.c and clone-reset.c (x86 PV) share. */
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
