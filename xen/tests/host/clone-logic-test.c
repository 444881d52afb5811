/* clone-logic-test: host TAP test of xen/include/xen/clone-logic.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The hypervisor header, compiled as it is. */
#include "../../include/xen/clone-logic.h"

/* Numbers as in Xen 4.17 (xen/include/xen/sched.h, asm/mm.h). */
enum {
    ECS_FREE,
    ECS_RESERVED,
    ECS_UNBOUND,
    ECS_INTERDOMAIN,
    ECS_PIRQ,
    ECS_VIRQ,
    ECS_IPI
};
#define PGC_allocated     (1UL << 63)
#define PGT_type_mask     (7UL << 61)
#define PGT_writable_page (7UL << 61)
#define PGT_l1_page_table (1UL << 61)
#define PGT_count_mask    ((1UL << 54) - 1)

static int n, failed;

static void ok(bool cond, const char *name)
{
    printf("%sok %d - %s\n", cond ? "" : "not ", ++n, name);
    failed += !cond;
}

static int evs(int s)
{
    return clone_evtchn_state(s, ECS_FREE, ECS_RESERVED, ECS_UNBOUND,
                              ECS_INTERDOMAIN, ECS_VIRQ, ECS_IPI);
}

int main(void)
{
    unsigned int idx[3];

    clone_p2m_index(0, idx);
    ok(idx[0] == 0 && idx[1] == 0 && idx[2] == 0, "p2m index of pfn 0");
    clone_p2m_index(511, idx);
    ok(idx[0] == 0 && idx[1] == 0 && idx[2] == 511, "p2m index of pfn 511");
    clone_p2m_index(512, idx);
    ok(idx[0] == 0 && idx[1] == 1 && idx[2] == 0, "p2m index of pfn 512");
    clone_p2m_index(512 * 512 + 513, idx);
    ok(idx[0] == 1 && idx[1] == 1 && idx[2] == 1,
       "p2m index of pfn 512*512+513");
    clone_p2m_index(CLONE_MAX_PFNS - 1, idx);
    ok(idx[0] == 63 && idx[1] == 511 && idx[2] == 511,
       "p2m index of the largest pfn");

    ok(clone_ring_nr_ents(1, 4096, 16, 32) == 64, "1-page ring: 64 entries");
    ok(clone_ring_nr_ents(2, 4096, 16, 32) == 128, "2-page ring: 128 entries");
    ok(clone_ring_nr_ents(8, 4096, 16, 32) == 512, "8-page ring: 512 entries");
    ok(clone_ring_slot(64, 64) == 0 && clone_ring_slot(0xffffffffu, 64) == 63,
       "ring slots wrap");
    ok(clone_ring_has_room(10, 10, 64, 0, 64), "empty ring: room for 64");
    ok(!clone_ring_has_room(10, 10, 64, 1, 64), "reserved entries count");
    ok(!clone_ring_has_room(74, 10, 64, 0, 1), "full ring: no room");
    ok(clone_ring_has_room(3, 0xfffffffeu, 64, 0, 59),
       "room across the 32-bit wrap");
    ok(!clone_ring_has_room(3, 0xfffffffeu, 64, 0, 60),
       "no more room across the wrap");
    ok(!clone_ring_has_room(0, 100, 64, 0, 1), "a lying consumer: no room");

    ok(!clone_op_args_ok(0, 0, 64, 1), "0 children refused");
    ok(clone_op_args_ok(1, 0, 64, 1) && clone_op_args_ok(64, 1, 64, 1),
       "1..64 children, known flag accepted");
    ok(!clone_op_args_ok(65, 0, 64, 1), "65 children refused");
    ok(!clone_op_args_ok(0xffffffffu, 0, 64, 1), "2^32-1 children refused");
    ok(!clone_op_args_ok(1, 2, 64, 1), "unknown flag refused");

    ok(!clone_over_limit(0, 4, 4), "4 children within max_clones 4");
    ok(clone_over_limit(1, 4, 4), "5 children beyond max_clones 4");
    ok(clone_over_limit(0, 1, 0), "max_clones 0 allows none");
    ok(clone_over_limit(0xffffffffu, 1, 0xffffffffu),
       "no overflow in the limit check");

    ok(clone_family_check(1, 2, 0, 3, 1) == 0,
       "an original and 2 clones within max_family 3, depth 1");
    ok(clone_family_check(2, 2, 0, 3, 1) == -ENOSPC,
       "a fourth member beyond max_family 3: -ENOSPC");
    ok(clone_family_check(1, 1, 1, 100, 1) == -EMLINK,
       "generation 1 cloning with max_depth 1: -EMLINK");
    ok(clone_family_check(1, 1, 0, 100, 0) == -EMLINK,
       "max_depth 0: no clone at all");
    ok(clone_family_check(0xffffffffu, 1, 0, 0xffffffffu, 1) == -ENOSPC &&
           clone_family_check(0, 0xffffffffu, 0, 1, 1) == -ENOSPC,
       "no overflow in the family check");

    ok(clone_shared_limit(0, 256, 8192) == 256 * 8192,
       "default max_shared: max_family x max_pages");
    ok(clone_shared_limit(0, 32768, 0xffffffffu) == 32768ULL * 0xffffffffu,
       "the default does not overflow (64 bits)");
    ok(clone_shared_limit(7, 256, 8192) == 7, "a max_shared set is used");
    ok(!clone_shared_over(30, 20, 50) && clone_shared_over(30, 21, 50),
       "50 shared frames fit max_shared 50, 51 do not");
    ok(clone_shared_over(0, 51, 50) && clone_shared_over(60, 0, 50) == true,
       "a clone bigger than the limit, a family already beyond it");
    ok(clone_shared_over(1, ~0ULL, ~0ULL) && !clone_shared_over(0, ~0ULL, ~0ULL),
       "no overflow in the shared check");

    ok(clone_page_shareable(PGC_allocated | 2, PGC_allocated | 2,
                            PGT_writable_page | 1, PGT_type_mask,
                            PGT_count_mask, PGT_writable_page, true),
       "a page mapped writable once is shared");
    ok(clone_page_shareable(PGC_allocated | 2, PGC_allocated | 2, 0,
                            PGT_type_mask, PGT_count_mask, PGT_writable_page,
                            false),
       "a page mapped read-only once is shared");
    ok(!clone_page_shareable(PGC_allocated | 3, PGC_allocated | 2,
                             PGT_writable_page | 1, PGT_type_mask,
                             PGT_count_mask, PGT_writable_page, true),
       "an extra reference (foreign map, grant) means copy");
    ok(!clone_page_shareable(PGC_allocated | 2, PGC_allocated | 2,
                             PGT_writable_page | 2, PGT_type_mask,
                             PGT_count_mask, PGT_writable_page, true),
       "an extra writable type reference means copy");
    ok(!clone_page_shareable(PGC_allocated | 2, PGC_allocated | 2,
                             PGT_l1_page_table | 1, PGT_type_mask,
                             PGT_count_mask, PGT_writable_page, false),
       "a page table is never shared");
    ok(!clone_page_shareable(2, PGC_allocated | 2, PGT_writable_page | 1,
                             PGT_type_mask, PGT_count_mask, PGT_writable_page,
                             true),
       "a page being freed is not shared");

    ok(evs(ECS_FREE) == 0 && evs(ECS_RESERVED) == 0,
       "free and reserved ports are skipped");
    ok(evs(ECS_UNBOUND) == ECS_UNBOUND, "unbound stays unbound");
    ok(evs(ECS_INTERDOMAIN) == ECS_UNBOUND,
       "interdomain becomes unbound (the backend binds again)");
    ok(evs(ECS_VIRQ) == ECS_VIRQ && evs(ECS_IPI) == ECS_IPI,
       "VIRQ and IPI ports are bound again");
    ok(evs(ECS_PIRQ) < 0 && evs(42) < 0, "PIRQs and unknown states refused");

    printf("1..%d\n", n);
    return failed ? 1 : 0;
}
