/* page_alloc.h: a bitmap allocator of contiguous page-frame runs (pure). */
#ifndef MINIOS_PAGE_ALLOC_H
#define MINIOS_PAGE_ALLOC_H

#include <stddef.h>

struct page_alloc {
    unsigned long *bitmap; /* 1 bit per page: set = in use */
    unsigned long base;    /* first PFN managed */
    unsigned long npages;  /* number of PFNs managed */
    unsigned long nfree;   /* pages currently free */
    unsigned long hint;    /* index where the next search starts */
};

/* Bytes of bitmap needed for NPAGES pages. */
size_t page_alloc_bitmap_size(unsigned long npages);
/* Manage [BASE, BASE+NPAGES), all initially in use. */
void page_alloc_init(struct page_alloc *pa, unsigned long *bitmap,
                     unsigned long base, unsigned long npages);
/* Mark N pages from PFN free (used once, to hand memory over). */
void page_alloc_release(struct page_alloc *pa, unsigned long pfn,
                        unsigned long n);
/* Allocate N contiguous pages: their first PFN, or -ENOMEM / -EINVAL. */
long page_alloc_get(struct page_alloc *pa, unsigned long n);
/* Free N pages at PFN; -EINVAL if any of them was not allocated. */
int page_alloc_put(struct page_alloc *pa, unsigned long pfn, unsigned long n);
/* 1 if PFN is allocated, 0 if free, -EINVAL if out of range. */
int page_alloc_test(const struct page_alloc *pa, unsigned long pfn);

#endif
