/* gnttab.c: grant table v1: setup, growth by frames, grant and revoke. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <minios/os.h>
#include <minios/mm.h>
#include <minios/driver.h>
#include <minios/gnttab.h>
#include <minios/hypercall.h>

#define PER_FRAME (PAGE_SIZE / sizeof(grant_entry_v1_t))
/* VA reserved for the table; Xen's default limit for a domU is 64. */
#define MAX_FRAMES 64U
/* Refs below this are the toolstack's (console, xenstore). */
#define FIRST_REF GNTTAB_NR_RESERVED_ENTRIES

static grant_entry_v1_t *table; /* MAX_FRAMES pages of VA, nr_frames mapped */
static unsigned int nr_frames, max_frames;
static grant_ref_t *free_list; /* room for every entry of max_frames */
static unsigned int nr_free;

/* Ask Xen for NEW_FRAMES frames (setup_table grows the table) and map
 * the ones we had not mapped yet. */
static int grow_to(unsigned int new_frames)
{
    struct gnttab_setup_table setup = {.dom = DOMID_SELF,
                                       .nr_frames = new_frames};
    xen_pfn_t *frames = calloc(new_frames, sizeof(*frames));
    long rc;

    if (!frames)
        return -ENOMEM;
    set_xen_guest_handle(setup.frame_list, frames);
    rc = hyp_grant_table_op(GNTTABOP_setup_table, &setup, 1);
    if (rc < 0 || setup.status != GNTST_okay) {
        printf("gnttab: setup_table(%u frames) failed (%ld, status %d)\n",
               new_frames, rc, setup.status);
        free(frames);
        return rc < 0 ? (int)rc : -ENOSPC;
    }
    for (unsigned int i = nr_frames; i < new_frames; i++) {
        rc = map_frame((unsigned long)table + i * PAGE_SIZE, frames[i],
                       _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED);
        if (rc < 0) {
            free(frames);
            return (int)rc;
        }
    }
    free(frames);
    /* New refs go on the free list highest first: low refs come out first. */
    for (grant_ref_t r = new_frames * PER_FRAME;
         r-- > (nr_frames ? nr_frames * PER_FRAME : FIRST_REF);)
        free_list[nr_free++] = r;
    nr_frames = new_frames;
    return 0;
}

int gnttab_init(void)
{
    struct gnttab_query_size q = {.dom = DOMID_SELF};

    if (hyp_grant_table_op(GNTTABOP_query_size, &q, 1) < 0 ||
        q.status != GNTST_okay || q.max_nr_frames == 0)
        return -EIO;
    max_frames = q.max_nr_frames < MAX_FRAMES ? q.max_nr_frames : MAX_FRAMES;
    table = vmap_reserve(MAX_FRAMES);
    free_list = malloc(max_frames * PER_FRAME * sizeof(*free_list));
    if (!table || !free_list)
        return -ENOMEM;
    nr_frames = nr_free = 0;
    /* Keep the frames Xen already gave us (the toolstack's entries). */
    return grow_to(q.nr_frames ? q.nr_frames : 1);
}

int gnttab_reserve(unsigned int n)
{
    unsigned int want;

    if (!table)
        return -ENODEV;
    if (nr_free >= n)
        return 0;
    want = nr_frames + (n - nr_free + PER_FRAME - 1) / PER_FRAME;
    if (want > max_frames)
        return -ENOSPC;
    return grow_to(want);
}

int gnttab_grant_access(domid_t domid, void *va, int readonly)
{
    grant_ref_t ref;
    int rc;

    if (!table)
        return -ENODEV;
    if (!nr_free && (rc = gnttab_reserve(1)) < 0)
        return rc;
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

    if (!table || ref < FIRST_REF || ref >= nr_frames * PER_FRAME)
        return -EINVAL;
    flags = table[ref].flags;
    do {
        if (flags & (GTF_reading | GTF_writing))
            return -EBUSY;
        if (!(flags & GTF_permit_access))
            return -EINVAL; /* not granted: never free a ref twice */
    } while (!__atomic_compare_exchange_n(&table[ref].flags, &flags, 0, 0,
                                          __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    free_list[nr_free++] = ref;
    return 0;
}

unsigned int gnttab_free_count(void)
{
    return nr_free;
}

unsigned int gnttab_frames(void)
{
    return nr_frames;
}

/* Xen gives a child as many frames as its parent had, mapped where the
 * parent mapped them: nothing to redo. */
DRIVER(gnttab_driver, 1) = {.name = "gnttab", .init = gnttab_init};
