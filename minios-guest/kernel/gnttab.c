/* gnttab.c: grant table v1: setup, grant and revoke access to pages. */
#include <errno.h>
#include <stdio.h>
#include <minios/os.h>
#include <minios/mm.h>
#include <minios/gnttab.h>
#include <minios/hypercall.h>

#define NR_FRAMES  1
#define NR_ENTRIES (NR_FRAMES * PAGE_SIZE / sizeof(grant_entry_v1_t))
/* Refs below this are the toolstack's (console, xenstore). */
#define FIRST_REF GNTTAB_NR_RESERVED_ENTRIES

static grant_entry_v1_t *table;
static grant_ref_t free_list[NR_ENTRIES];
static unsigned int nr_free;

int gnttab_init(void)
{
    struct gnttab_setup_table setup = {.dom = DOMID_SELF,
                                       .nr_frames = NR_FRAMES};
    xen_pfn_t frames[NR_FRAMES];
    unsigned long mfns[NR_FRAMES];
    long rc;

    set_xen_guest_handle(setup.frame_list, frames);
    rc = hyp_grant_table_op(GNTTABOP_setup_table, &setup, 1);
    if (rc < 0 || setup.status != GNTST_okay) {
        printf("gnttab: setup_table failed (%ld, status %d)\n", rc,
               setup.status);
        return rc < 0 ? (int)rc : -EIO;
    }
    for (unsigned int i = 0; i < NR_FRAMES; i++)
        mfns[i] = frames[i];
    table = vmap_frames(mfns, NR_FRAMES);
    if (!table)
        return -ENOMEM;
    nr_free = 0;
    for (grant_ref_t r = NR_ENTRIES; r-- > FIRST_REF;)
        free_list[nr_free++] = r;
    return 0;
}

int gnttab_grant_access(domid_t domid, void *va, int readonly)
{
    grant_ref_t ref;

    if (!table)
        return -ENODEV;
    if (!nr_free)
        return -ENOSPC;
    ref = free_list[--nr_free];
    table[ref].frame = virt_to_mfn(va);
    table[ref].domid = domid;
    wmb();
    table[ref].flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
    return ref;
}

int gnttab_end_access(grant_ref_t ref)
{
    uint16_t flags;

    if (!table || ref < FIRST_REF || ref >= NR_ENTRIES)
        return -EINVAL;
    flags = table[ref].flags;
    do {
        if (flags & (GTF_reading | GTF_writing))
            return -EBUSY;
    } while (!__atomic_compare_exchange_n(&table[ref].flags, &flags, 0, 0,
                                          __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    free_list[nr_free++] = ref;
    return 0;
}

unsigned int gnttab_free_count(void)
{
    return nr_free;
}
