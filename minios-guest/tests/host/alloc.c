/* alloc.c: page allocator and heap invariants under random alloc/free. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include <minios/page_alloc.h>
#include <minios/heap.h>

#define NPAGES 4096UL
#define BASE   100UL /* first PFN managed: not 0, to catch offset bugs */

static unsigned char *arena; /* PFN p lives at arena + (p - BASE) * 4096 */
static unsigned long bitmap[NPAGES / 64];
static struct page_alloc pa;
static int bad_frees;

void heap_check_fail(const char *what, const void *p)
{
    bad_frees++;
}

static void *get_pages(unsigned long n)
{
    long pfn = page_alloc_get(&pa, n);

    return pfn < 0 ? NULL : arena + (pfn - BASE) * 4096;
}

static void put_pages(void *va, unsigned long n)
{
    page_alloc_put(&pa, BASE + ((unsigned char *)va - arena) / 4096, n);
}

/* Bits set in the bitmap must equal npages - nfree. */
static unsigned long count_used(void)
{
    unsigned long used = 0;

    for (unsigned long p = BASE; p < BASE + NPAGES; p++)
        used += page_alloc_test(&pa, p) == 1;
    return used;
}

struct run {
    long pfn;
    unsigned long n;
};

static void test_pages(void)
{
    static struct run runs[2000];
    static unsigned char owner[NPAGES]; /* 0 free, else run index + 1 */
    int nruns = 0, overlap = 0, accounting = 0, bad = 0;

    page_alloc_init(&pa, bitmap, BASE, NPAGES);
    ok(pa.nfree == 0 && page_alloc_get(&pa, 1) == -ENOMEM,
       "a fresh allocator owns nothing");
    page_alloc_release(&pa, BASE, NPAGES);
    ok(pa.nfree == NPAGES, "released pages are free (%lu)", pa.nfree);
    ok(page_alloc_get(&pa, 0) == -EINVAL, "allocating 0 pages is refused");
    ok(page_alloc_get(&pa, NPAGES + 1) == -ENOMEM, "too many pages: ENOMEM");

    srand(4);
    memset(owner, 0, sizeof(owner));
    for (int step = 0; step < 20000; step++) {
        if (nruns > 0 && (rand() % 2 || nruns == 2000)) {
            int i = rand() % nruns;
            for (unsigned long k = 0; k < runs[i].n; k++)
                owner[runs[i].pfn - BASE + k] = 0;
            if (page_alloc_put(&pa, runs[i].pfn, runs[i].n))
                bad++;
            runs[i] = runs[--nruns];
            continue;
        }
        unsigned long n = rand() % 8 ? 1 + rand() % 4 : 1 + rand() % 64;
        long pfn = page_alloc_get(&pa, n);
        if (pfn < 0)
            continue;
        if ((unsigned long)pfn < BASE || pfn + n > BASE + NPAGES)
            bad++;
        for (unsigned long k = 0; k < n; k++) {
            if (owner[pfn - BASE + k])
                overlap++;
            owner[pfn - BASE + k] = 1;
        }
        runs[nruns++] = (struct run){pfn, n};
        if (step % 1000 == 0 && count_used() != NPAGES - pa.nfree)
            accounting++;
    }
    ok(!bad, "every run is in range and frees cleanly");
    ok(!overlap, "no two live runs overlap");
    ok(!accounting, "the free count matches the bitmap");
    long any = page_alloc_get(&pa, 1);
    ok(any >= 0 && page_alloc_put(&pa, any, 1) == 0 &&
           page_alloc_put(&pa, any, 1) == -EINVAL,
       "a double free of pages is refused");
    ok(page_alloc_put(&pa, BASE - 1, 1) == -EINVAL &&
           page_alloc_put(&pa, BASE + NPAGES, 1) == -EINVAL,
       "freeing outside the range is refused");
    while (nruns > 0) {
        nruns--;
        page_alloc_put(&pa, runs[nruns].pfn, runs[nruns].n);
    }
    ok(pa.nfree == NPAGES && count_used() == 0, "all pages free at the end");
    ok(page_alloc_get(&pa, NPAGES) == (long)BASE,
       "after all frees one run can take everything");
    page_alloc_put(&pa, BASE, NPAGES);
}

struct blk {
    unsigned char *p;
    size_t size;
    unsigned char fill;
};

static void test_heap(void)
{
    static const struct heap_ops ops = {get_pages, put_pages};
    static struct blk blks[3000];
    struct heap h;
    int n = 0, misaligned = 0, corrupt = 0, failed = 0, outside = 0;

    heap_init(&h, &ops);
    srand(7);
    for (int step = 0; step < 50000; step++) {
        if (n > 0 && (rand() % 2 || n == 3000)) {
            int i = rand() % n;
            for (size_t k = 0; k < blks[i].size; k++)
                if (blks[i].p[k] != blks[i].fill) {
                    corrupt++;
                    break;
                }
            heap_free(&h, blks[i].p);
            blks[i] = blks[--n];
            continue;
        }
        size_t size = rand() % 10  ? 1 + rand() % 300
                      : rand() % 2 ? 1 + rand() % 4000
                                   : 4000 + rand() % 40000;
        unsigned char *p = heap_alloc(&h, size);
        if (!p) {
            failed++;
            continue;
        }
        if ((uintptr_t)p % 16)
            misaligned++;
        if (p < arena || p + size > arena + NPAGES * 4096)
            outside++;
        if (heap_block_size(p) < size)
            corrupt++;
        unsigned char fill = (unsigned char)rand();
        memset(p, fill, size);
        blks[n++] = (struct blk){p, size, fill};
    }
    ok(!failed, "no allocation failed while memory was available");
    ok(!misaligned, "every block is 16-byte aligned");
    ok(!outside, "every block lies inside the page source");
    ok(!corrupt, "no block was overwritten by another");
    ok(h.stats.small_in_use + h.stats.large_in_use == (unsigned long)n,
       "the heap counts %d live blocks", n);
    while (n > 0)
        heap_free(&h, blks[--n].p);
    ok(h.stats.small_in_use == 0 && h.stats.large_in_use == 0,
       "all blocks freed");

    unsigned long free_before = pa.nfree;
    void *big = heap_alloc(&h, 100000);
    ok(big && pa.nfree < free_before, "a large block takes pages");
    heap_free(&h, big);
    ok(pa.nfree == free_before, "freeing it gives the pages back");
    ok(bad_frees == 0, "no bad free so far");
    heap_free(&h, big);
    ok(bad_frees == 1, "a double free is detected");
    void *s = heap_alloc(&h, 10);
    heap_free(&h, s);
    heap_free(&h, s);
    ok(bad_frees == 2, "a double free of a small block is detected");

    char *r = heap_alloc(&h, 20);
    strcpy(r, "keep me");
    r = heap_realloc(&h, r, 5000);
    ok(r && !strcmp(r, "keep me"), "realloc keeps the contents");
    heap_free(&h, r);
    ok(heap_alloc(&h, (size_t)-1) == NULL, "an impossible size fails");
    ok(heap_alloc(&h, NPAGES * 4096) == NULL,
       "more than the page source fails cleanly");
}

int main(void)
{
    arena = aligned_alloc(4096, NPAGES * 4096);
    if (!arena)
        return 1;
    test_pages();
    page_alloc_init(&pa, bitmap, BASE, NPAGES);
    page_alloc_release(&pa, BASE, NPAGES);
    test_heap();
    free(arena);
    return done_testing();
}
