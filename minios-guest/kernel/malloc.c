/* malloc.c: size-class heap on top of a page source (pure logic). */
#include <stdint.h>
#include <string.h>
#include <minios/heap.h>

/*
 * Small blocks (<= HEAP_SMALL_MAX with header) come from power-of-two
 * classes carved out of single pages and recycled on per-class free lists.
 * Larger ones get their own run of pages, returned on free. Every block
 * has a 16-byte header in front of it, so user pointers are 16-aligned.
 */
struct block {
    uint32_t magic;
    uint32_t cls;         /* size class, or LARGE */
    unsigned long npages; /* LARGE: pages of the run */
};

#define MAGIC_USED 0x6d616c6cU /* "mall" */
#define MAGIC_FREE 0x66726565U /* "free" */
#define LARGE      0xffffffffU
#define HDR        16

_Static_assert(sizeof(struct block) <= HDR, "block header too big");

void heap_init(struct heap *h, const struct heap_ops *ops)
{
    memset(h, 0, sizeof(*h));
    h->ops = ops;
}

static unsigned int class_of(size_t total)
{
    unsigned int c = 0;

    while ((1UL << (HEAP_MIN_SHIFT + c)) < total)
        c++;
    return c;
}

static int refill(struct heap *h, unsigned int c)
{
    size_t bsize = 1UL << (HEAP_MIN_SHIFT + c);
    char *page = h->ops->get_pages(1);

    if (!page)
        return -1;
    h->stats.pages_from_source++;
    for (size_t off = 0; off + bsize <= HEAP_PAGE_SIZE; off += bsize) {
        struct block *b = (struct block *)(page + off);
        b->magic = MAGIC_FREE;
        b->cls = c;
        *(void **)((char *)b + HDR) = h->free_list[c];
        h->free_list[c] = b;
    }
    return 0;
}

void *heap_alloc(struct heap *h, size_t size)
{
    struct block *b;

    if (size == 0)
        size = 1;
    if (size > ~(size_t)0 - HEAP_PAGE_SIZE - HDR)
        return NULL;
    if (size + HDR <= HEAP_SMALL_MAX) {
        unsigned int c = class_of(size + HDR);
        if (!h->free_list[c] && refill(h, c) < 0)
            return NULL;
        b = h->free_list[c];
        h->free_list[c] = *(void **)((char *)b + HDR);
        b->magic = MAGIC_USED;
        h->stats.small_in_use++;
        return (char *)b + HDR;
    }
    unsigned long n = (size + HDR + HEAP_PAGE_SIZE - 1) / HEAP_PAGE_SIZE;
    b = h->ops->get_pages(n);
    if (!b)
        return NULL;
    h->stats.pages_from_source += n;
    b->magic = MAGIC_USED;
    b->cls = LARGE;
    b->npages = n;
    h->stats.large_in_use++;
    return (char *)b + HDR;
}

static struct block *header(const void *p)
{
    return (struct block *)((char *)p - HDR);
}

size_t heap_block_size(const void *p)
{
    const struct block *b = header(p);

    if (b->cls == LARGE)
        return b->npages * HEAP_PAGE_SIZE - HDR;
    return (1UL << (HEAP_MIN_SHIFT + b->cls)) - HDR;
}

/* Bad frees (double free, wild pointer) are caught by heap_check_fail. */
extern void heap_check_fail(const char *what, const void *p);

void heap_free(struct heap *h, void *p)
{
    struct block *b;

    if (!p)
        return;
    b = header(p);
    if (b->magic != MAGIC_USED || (b->cls != LARGE && b->cls >= HEAP_CLASSES)) {
        heap_check_fail(b->magic == MAGIC_FREE ? "double free" : "bad free", p);
        return;
    }
    if (b->cls == LARGE) {
        b->magic = MAGIC_FREE;
        h->stats.large_in_use--;
        h->stats.pages_from_source -= b->npages;
        h->ops->put_pages(b, b->npages);
        return;
    }
    b->magic = MAGIC_FREE;
    *(void **)p = h->free_list[b->cls];
    h->free_list[b->cls] = b;
    h->stats.small_in_use--;
}

void *heap_realloc(struct heap *h, void *p, size_t size)
{
    void *q;
    size_t old;

    if (!p)
        return heap_alloc(h, size);
    if (size == 0) {
        heap_free(h, p);
        return NULL;
    }
    old = heap_block_size(p);
    if (size <= old)
        return p;
    q = heap_alloc(h, size);
    if (!q)
        return NULL;
    memcpy(q, p, old);
    heap_free(h, p);
    return q;
}
