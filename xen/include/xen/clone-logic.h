/* SPDX-License-Identifier: GPL-2.0-only */
/* clone-logic.h: pure decisions of clone_op, shared with the host tests. */
/*
 * Everything here is arithmetic on plain integers, so that
 * xen/tests/host compiles this very header on the build machine and
 * checks it (see xen/tests/host/clone-logic-test.c). Callers in Xen:
 * common/clone.c, arch/x86/pv/clone.c, common/event_channel.c.
 */
#ifndef __XEN_CLONE_LOGIC_H__
#define __XEN_CLONE_LOGIC_H__

#ifdef __XEN__
#include <xen/errno.h>      /* the host tests include <errno.h> */
#endif

/* Entries per page of the guest's P2M frame-list tree (64-bit). */
#define P2M_FL_ENTRIES      512UL
/* Stack below the guest's stack pointer kept private in a clone. */
#define CLONE_STACK_BYTES   (64UL << 10)
/* Largest guest (in PFNs) that is cloned: 64 GiB of 4k pages. */
#define CLONE_MAX_PFNS      (1UL << 24)

/* Indexes of pfn in the frame list list, a frame list and a P2M page. */
static inline void clone_p2m_index(unsigned long pfn, unsigned int idx[3])
{
    idx[0] = pfn / (P2M_FL_ENTRIES * P2M_FL_ENTRIES);
    idx[1] = (pfn / P2M_FL_ENTRIES) % P2M_FL_ENTRIES;
    idx[2] = pfn % P2M_FL_ENTRIES;
}

/*
 * Entries of a ring of nr_frames pages: the largest power of two such that
 * hdr bytes of header and that many ent-byte entries fit.
 */
static inline unsigned int clone_ring_nr_ents(unsigned int nr_frames,
                                              unsigned int page_size,
                                              unsigned int hdr,
                                              unsigned int ent)
{
    unsigned int fit = (nr_frames * page_size - hdr) / ent, n = 1;

    if ( !fit )
        return 0;
    while ( n * 2 <= fit )
        n *= 2;
    return n;
}

/* Slot of free-running index idx in a ring of nr_ents (a power of two). */
static inline unsigned int clone_ring_slot(unsigned int idx,
                                           unsigned int nr_ents)
{
    return idx & (nr_ents - 1);
}

/*
 * May need more entries be promised, with free-running prod/cons (the
 * consumer's cons is untrusted), reserved entries promised already?
 */
static inline bool clone_ring_has_room(unsigned int prod, unsigned int cons,
                                       unsigned int nr_ents,
                                       unsigned int reserved,
                                       unsigned int need)
{
    unsigned int used = prod - cons;

    if ( used > nr_ents )           /* a lying consumer: no room */
        return false;
    return need <= nr_ents - used && reserved <= nr_ents - used - need;
}

/* Are CLONEOP_clone's scalar arguments valid? */
static inline bool clone_op_args_ok(unsigned int nr_children,
                                    unsigned int flags,
                                    unsigned int max_batch,
                                    unsigned int known_flags)
{
    return nr_children >= 1 && nr_children <= max_batch &&
           !(flags & ~known_flags);
}

/*
 * May a member of generation gen, in a family of members live domains,
 * make nr clones under max_family and max_depth? 0, or the error.
 */
static inline int clone_family_check(unsigned int members, unsigned int nr,
                                     unsigned int gen, unsigned int max_family,
                                     unsigned int max_depth)
{
    if ( gen >= max_depth )
        return -EMLINK;
    if ( nr > max_family || members > max_family - nr )
        return -ENOSPC;
    return 0;
}

/* Would nr more children exceed max live children? */
static inline bool clone_over_limit(unsigned int live, unsigned int nr,
                                    unsigned int max_clones)
{
    return nr > max_clones || live > max_clones - nr;
}

/*
 * How many frames may a family share, by the policy of the member that
 * clones: its max_shared, or by default max_family members of its
 * max_pages each (what the family could own without sharing).
 */
static inline uint64_t clone_shared_limit(uint64_t max_shared,
                                          unsigned int max_family,
                                          uint64_t max_pages)
{
    return max_shared ? max_shared : (uint64_t)max_family * max_pages;
}

/* Would a family that shares shared frames exceed limit with nr more? */
static inline bool clone_shared_over(uint64_t shared, uint64_t nr,
                                     uint64_t limit)
{
    return nr > limit || shared > limit - nr;
}

/*
 * A parent page may be shared if its count is exactly the allocation
 * reference plus the one mapping found (count == expect), and its type
 * count is what that mapping holds: one writable type reference for a
 * writable mapping, none for a read-only one.
 */
static inline bool clone_page_shareable(unsigned long count,
                                        unsigned long expect,
                                        unsigned long type,
                                        unsigned long type_mask,
                                        unsigned long type_count_mask,
                                        unsigned long writable_type,
                                        bool rw)
{
    if ( count != expect )
        return false;
    return rw ? (type & (type_mask | type_count_mask)) == (writable_type | 1)
              : !(type & type_count_mask);
}

/*
 * The state of a child's event channel from its parent's: the same for
 * unbound, VIRQ and IPI channels, unbound (to the same remote) for
 * interdomain ones; -1 for those that are refused (PIRQ, others).
 * Free and reserved channels are not copied (0 returned: skip).
 */
static inline int clone_evtchn_state(int state, int ecs_free,
                                     int ecs_reserved, int ecs_unbound,
                                     int ecs_interdomain, int ecs_virq,
                                     int ecs_ipi)
{
    if ( state == ecs_free || state == ecs_reserved )
        return 0;
    if ( state == ecs_unbound || state == ecs_interdomain )
        return ecs_unbound;
    if ( state == ecs_virq || state == ecs_ipi )
        return state;
    return -1;
}

#endif /* __XEN_CLONE_LOGIC_H__ */
