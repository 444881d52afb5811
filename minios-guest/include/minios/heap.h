/* heap.h: malloc over a page source: size classes + whole-page blocks. */
#ifndef MINIOS_HEAP_H
#define MINIOS_HEAP_H

#include <stddef.h>

#define HEAP_PAGE_SIZE 4096UL
#define HEAP_MIN_SHIFT 4 /* smallest block: 16 bytes */
#define HEAP_CLASSES   8 /* 16 .. 2048 bytes */
#define HEAP_SMALL_MAX (1UL << (HEAP_MIN_SHIFT + HEAP_CLASSES - 1))

struct heap_ops {
    void *(*get_pages)(unsigned long n);
    void (*put_pages)(void *va, unsigned long n);
};

struct heap_stats {
    unsigned long small_in_use, large_in_use, pages_from_source;
};

struct heap {
    const struct heap_ops *ops;
    void *free_list[HEAP_CLASSES];
    struct heap_stats stats;
};

void heap_init(struct heap *h, const struct heap_ops *ops);
void *heap_alloc(struct heap *h, size_t size);
void heap_free(struct heap *h, void *p);
void *heap_realloc(struct heap *h, void *p, size_t size);
/* Usable size of block P (at least what was asked). */
size_t heap_block_size(const void *p);

#endif
