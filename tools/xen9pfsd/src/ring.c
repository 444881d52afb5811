/* ring.c: index arithmetic and wrapping copies for 9pfs byte rings (pure). */
#include <errno.h>
#include <string.h>

#include "xen9pfsd/ring.h"

int ring9_avail(uint32_t prod, uint32_t cons, uint32_t size, uint32_t *avail)
{
    uint32_t n = prod - cons; /* unsigned: wraps like the indexes */

    if (n > size)
        return -EPROTO;
    *avail = n;
    return 0;
}

int ring9_space(uint32_t prod, uint32_t cons, uint32_t size, uint32_t *space)
{
    uint32_t used;
    int rc = ring9_avail(prod, cons, size, &used);

    if (rc == 0)
        *space = size - used;
    return rc;
}

void ring9_read(const volatile uint8_t *ring, uint32_t size, uint32_t cons,
                void *dst, uint32_t len)
{
    uint32_t off = cons & (size - 1);
    uint32_t first = len < size - off ? len : size - off;

    if (len > size)
        return; /* callers check avail/space first */
    memcpy(dst, (const uint8_t *)ring + off, first);
    memcpy((uint8_t *)dst + first, (const uint8_t *)ring, len - first);
}

void ring9_write(volatile uint8_t *ring, uint32_t size, uint32_t prod,
                 const void *src, uint32_t len)
{
    uint32_t off = prod & (size - 1);
    uint32_t first = len < size - off ? len : size - off;

    if (len > size)
        return;
    memcpy((uint8_t *)ring + off, src, first);
    memcpy((uint8_t *)ring, (const uint8_t *)src + first, len - first);
}

int ring9_order_ok(uint32_t order, uint32_t max)
{
    /* Order 0 would be one page split in halves; the spec starts at 1. */
    return order >= 1 && order <= max && order <= 9;
}

uint32_t ring9_size(uint32_t order)
{
    return (UINT32_C(1) << order) * 4096u / 2u;
}
