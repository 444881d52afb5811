/* walk-harness.h: host mock of what arch/x86/pv/clone-walk.c uses. */
/*
 * Every header clone-walk.c and clone-internal.h include with <> is a
 * symlink to this file (see ../Makefile, clone-walk.t). Frames are rows
 * of walk_mem[]; map_domain_page() of anything else (given an empty
 * frame), or an unbalanced
 * unmap, is recorded in walk_violations, which the test checks.
 */
#ifndef CLONE_WALK_HARNESS_H
#define CLONE_WALK_HARNESS_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ASSERT_UNREACHABLE() (walk_violations++)
#define ACCESS_ONCE(x)       (*(volatile typeof(x) *)&(x))
#define cf_check

typedef struct {
    unsigned long m;
} mfn_t;
#define _mfn(x)      ((mfn_t){ (x) })
#define mfn_x(x)     ((x).m)
#define mfn_eq(a, b) ((a).m == (b).m)
#define INVALID_MFN  _mfn(~0UL)

typedef uint64_t intpte_t;
typedef struct {
    intpte_t l1;
} l1_pgentry_t;
#define PAGE_SHIFT            12
#define PAGE_MASK             (~((1UL << PAGE_SHIFT) - 1))
#define PADDR_MASK            ((1UL << 52) - 1)
#define _PAGE_PRESENT         0x001UL
#define L1_PAGETABLE_ENTRIES  512
#define L4_PAGETABLE_ENTRIES  512
/* Xen's L4 slots of a 64-bit PV guest (asm/x86_64/page.h). */
#define is_guest_l4_slot(d, s) ((s) < 256 || (s) > 271)

#define PGT_l1_page_table (1UL << 61)
#define PGT_l2_page_table (2UL << 61)
#define PGT_l3_page_table (3UL << 61)
#define PGT_l4_page_table (4UL << 61)

struct domain;
struct page_info;

/* Frames WALK_BASE.. are the rows of walk_mem[]. */
#define WALK_BASE   0x1000UL
#define WALK_FRAMES 512
extern intpte_t walk_mem[WALK_FRAMES][512], walk_bad[512];
extern unsigned int walk_maps, walk_unmaps, walk_violations;

static inline void *map_domain_page(mfn_t mfn)
{
    walk_maps++;
    if ( mfn_x(mfn) < WALK_BASE || mfn_x(mfn) >= WALK_BASE + WALK_FRAMES )
    {
        walk_violations++;
        return walk_bad; /* all zero: nothing below it */
    }
    return walk_mem[mfn_x(mfn) - WALK_BASE];
}

static inline void unmap_domain_page(const void *va)
{
    walk_unmaps++;
    if ( !va || walk_unmaps > walk_maps )
        walk_violations++;
}

#endif
