/* page_alloc.c: first-fit bitmap allocator of contiguous page runs. */
#include <errno.h>
#include <string.h>
#include <minios/page_alloc.h>

#define BITS_PER_WORD (8 * sizeof(unsigned long))

static inline int test(const struct page_alloc *pa, unsigned long i)
{
    return (pa->bitmap[i / BITS_PER_WORD] >> (i % BITS_PER_WORD)) & 1;
}

static void set_range(struct page_alloc *pa, unsigned long i, unsigned long n,
                      int used)
{
    for (; n > 0; i++, n--) {
        unsigned long bit = 1UL << (i % BITS_PER_WORD);
        if (used)
            pa->bitmap[i / BITS_PER_WORD] |= bit;
        else
            pa->bitmap[i / BITS_PER_WORD] &= ~bit;
    }
}

size_t page_alloc_bitmap_size(unsigned long npages)
{
    return (npages + BITS_PER_WORD - 1) / BITS_PER_WORD * sizeof(unsigned long);
}

void page_alloc_init(struct page_alloc *pa, unsigned long *bitmap,
                     unsigned long base, unsigned long npages)
{
    pa->bitmap = bitmap;
    pa->base = base;
    pa->npages = npages;
    pa->nfree = 0;
    pa->hint = 0;
    memset(bitmap, 0xff, page_alloc_bitmap_size(npages));
}

void page_alloc_release(struct page_alloc *pa, unsigned long pfn,
                        unsigned long n)
{
    unsigned long i = pfn - pa->base;

    for (unsigned long k = 0; k < n; k++)
        if (test(pa, i + k))
            pa->nfree++;
    set_range(pa, i, n, 0);
}

/* First free index at or after I (npages if none), skipping full words. */
static unsigned long next_free(const struct page_alloc *pa, unsigned long i)
{
    while (i < pa->npages) {
        if (i % BITS_PER_WORD == 0 && pa->bitmap[i / BITS_PER_WORD] == ~0UL) {
            i += BITS_PER_WORD;
            continue;
        }
        if (!test(pa, i))
            return i;
        i++;
    }
    return pa->npages;
}

/* Search [FROM, TO) for N free pages in a row. */
static long search(const struct page_alloc *pa, unsigned long from,
                   unsigned long to, unsigned long n)
{
    unsigned long i = next_free(pa, from);

    while (i < to && i + n <= pa->npages) {
        unsigned long run = 0;
        while (run < n && !test(pa, i + run))
            run++;
        if (run == n)
            return (long)i;
        i = next_free(pa, i + run);
    }
    return -ENOMEM;
}

long page_alloc_get(struct page_alloc *pa, unsigned long n)
{
    long i;

    if (n == 0 || n > pa->npages)
        return n == 0 ? -EINVAL : -ENOMEM;
    if (n > pa->nfree)
        return -ENOMEM;
    i = search(pa, pa->hint, pa->npages, n);
    if (i < 0)
        i = search(pa, 0, pa->npages, n);
    if (i < 0)
        return i;
    set_range(pa, i, n, 1);
    pa->nfree -= n;
    pa->hint = i + n;
    return (long)(pa->base + i);
}

int page_alloc_put(struct page_alloc *pa, unsigned long pfn, unsigned long n)
{
    unsigned long i = pfn - pa->base;

    if (pfn < pa->base || n == 0 || i + n > pa->npages || i + n < i)
        return -EINVAL;
    for (unsigned long k = 0; k < n; k++)
        if (!test(pa, i + k))
            return -EINVAL;
    set_range(pa, i, n, 0);
    pa->nfree += n;
    if (i < pa->hint)
        pa->hint = i;
    return 0;
}

int page_alloc_test(const struct page_alloc *pa, unsigned long pfn)
{
    if (pfn < pa->base || pfn - pa->base >= pa->npages)
        return -EINVAL;
    return test(pa, pfn - pa->base);
}
