/* ring.h: index arithmetic and copies for the 9pfs transport's byte rings. */
#ifndef XEN9PFSD_RING_H
#define XEN9PFSD_RING_H

#include <stdint.h>

/*
 * A byte ring of SIZE bytes (a power of two) with free-running 32-bit
 * producer and consumer indexes (docs/misc/9pfs.pandoc). The indexes live
 * in a page the guest writes: every function takes values read once and
 * checks them, so a guest whose indexes lie gets -EPROTO, never a copy out
 * of bounds.
 */

/* Bytes the producer has written and the consumer not yet read. */
int ring9_avail(uint32_t prod, uint32_t cons, uint32_t size, uint32_t *avail);
/* Bytes the producer may still write. */
int ring9_space(uint32_t prod, uint32_t cons, uint32_t size, uint32_t *space);
/* Copy LEN bytes from RING at index CONS (wrapping) to DST. */
void ring9_read(const volatile uint8_t *ring, uint32_t size, uint32_t cons,
                void *dst, uint32_t len);
/* Copy LEN bytes from SRC into RING at index PROD (wrapping). */
void ring9_write(volatile uint8_t *ring, uint32_t size, uint32_t prod,
                 const void *src, uint32_t len);
/* Is ORDER a ring order we accept (data pages 1 << ORDER, at most MAX)? */
int ring9_order_ok(uint32_t order, uint32_t max);
/* Bytes of each direction for ORDER: pages * 4096 / 2. */
uint32_t ring9_size(uint32_t order);

#endif
