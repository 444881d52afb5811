/* cowspy: tries to map machine frames that are not its own, read-only. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <minios/app.h>
#include <minios/hypercall.h>
#include <minios/mm.h>
#include <minios/os.h>

/* PTE flags of a read-only kernel mapping. */
#define PTE_RO (_PAGE_PRESENT | _PAGE_ACCESSED)
#define SHOWN  4 /* frames whose first bytes are printed */

static int usage(const char *bad)
{
    printf("cowspy: bad argument '%s'\n", bad);
    printf("usage: cowspy lo=MFN hi=MFN   (decimal; lo < hi, at most 1048576 "
           "frames)\n"
           "  maps every frame in [lo, hi) that is not its own read-only, and\n"
           "  counts those Xen let it map (a clone family's shared frames\n"
           "  must not be among them)\n");
    return 2;
}

/* Its own frames outside its P2M: shared_info and the grant table's. */
#define MAX_XEN_FRAMES 64
static unsigned long xen_frames[MAX_XEN_FRAMES];
static unsigned int nr_xen_frames;

static void find_xen_frames(void)
{
    struct gnttab_query_size q = {.dom = DOMID_SELF};
    struct gnttab_setup_table setup = {.dom = DOMID_SELF};
    xen_pfn_t frames[MAX_XEN_FRAMES - 1];

    xen_frames[nr_xen_frames++] = start_info->shared_info >> PAGE_SHIFT;
    if (hyp_grant_table_op(GNTTABOP_query_size, &q, 1) || q.status ||
        !q.nr_frames)
        return;
    setup.nr_frames =
        q.nr_frames < MAX_XEN_FRAMES - 1 ? q.nr_frames : MAX_XEN_FRAMES - 1;
    set_xen_guest_handle(setup.frame_list, frames);
    if (hyp_grant_table_op(GNTTABOP_setup_table, &setup, 1) || setup.status)
        return;
    for (unsigned int i = 0; i < setup.nr_frames; i++)
        xen_frames[nr_xen_frames++] = frames[i];
}

/* Is mfn one of this domain's own frames (its P2M's, or Xen's for it)? */
static int own_frame(unsigned long mfn)
{
    unsigned long pfn = mfn_to_pfn(mfn);

    for (unsigned int i = 0; i < nr_xen_frames; i++)
        if (xen_frames[i] == mfn)
            return 1;
    return pfn < nr_ram_pages && pfn_to_mfn(pfn) == mfn;
}

int main(int argc, char **argv)
{
    unsigned long lo = 0, hi = 0, tried = 0, mapped = 0;
    volatile const uint8_t *win;
    const char *v;
    uint64_t orig;
    char *page;

    for (int i = 1; i < argc; i++) {
        if (arg_value(argv[i], "lo", &v) && !parse_ulong(v, &lo))
            continue;
        if (arg_value(argv[i], "hi", &v) && !parse_ulong(v, &hi))
            continue;
        return usage(argv[i]);
    }
    if (hi <= lo || hi - lo > (1UL << 20))
        return usage(argc > 1 ? argv[argc - 1] : "");

    find_xen_frames();
    /* A window: one of its own pages' slots, emptied for the scan. */
    page = alloc_pages(1);
    if (!page) {
        printf("cowspy: no page for the window\n");
        return 1;
    }
    *page = 1; /* private, mapped writable */
    orig = page_table_l1(page)[virt_to_pfn(page) % 512];
    win = (volatile const uint8_t *)page;
    if (hyp_update_va_mapping((unsigned long)page, 0, UVMF_INVLPG)) {
        printf("cowspy: cannot empty the window\n");
        return 1;
    }

    for (unsigned long mfn = lo; mfn < hi; mfn++) {
        if (own_frame(mfn))
            continue;
        tried++;
        if (hyp_update_va_mapping((unsigned long)page,
                                  ((uint64_t)mfn << PAGE_SHIFT) | PTE_RO,
                                  UVMF_INVLPG))
            continue;
        if (mapped++ < SHOWN)
            printf("cowspy: mapped mfn %lu (not its own): %02x %02x %02x "
                   "%02x ...\n",
                   mfn, win[0], win[1], win[2], win[3]);
    }

    if (hyp_update_va_mapping((unsigned long)page, orig, UVMF_INVLPG)) {
        printf("cowspy: cannot restore the window\n");
        return 1;
    }
    printf("cowspy: %lu of %lu frames not its own were mapped\n", mapped,
           tried);
    return 0;
}
