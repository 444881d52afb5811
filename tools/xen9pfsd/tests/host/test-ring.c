/* test-ring.c: 9pfs byte-ring indexes: wrap-around, lying indexes, copies. */
#include <errno.h>
#include <string.h>

#include "tap.h"
#include "xen9pfsd/ring.h"

int main(void)
{
    uint8_t ring[16], out[16];
    uint32_t n = 99;

    is_int(ring9_avail(10, 4, 16, &n), 0, "avail: prod 10 cons 4");
    is_int(n, 6, "  6 bytes");
    is_int(ring9_avail(3, 0xfffffffdu, 16, &n), 0,
           "avail across the 2^32 wrap");
    is_int(n, 6, "  6 bytes");
    n = 99;
    is_int(ring9_avail(40, 4, 16, &n), -EPROTO,
           "a producer more than a ring ahead lies");
    is_int(n, 99, "  and nothing is reported");
    is_int(ring9_avail(4, 10, 16, &n), -EPROTO,
           "a consumer ahead of its producer lies");
    is_int(ring9_space(10, 4, 16, &n), 0, "space");
    is_int(n, 10, "  10 bytes");
    is_int(ring9_space(20, 4, 16, &n), 0, "a full ring");
    is_int(n, 0, "  no space");
    is_int(ring9_space(21, 4, 16, &n), -EPROTO, "an overfull ring lies");

    memset(ring, 0, sizeof(ring));
    ring9_write(ring, 16, 14, "abcdef", 6);
    ok(!memcmp(ring + 14, "ab", 2) && !memcmp(ring, "cdef", 4),
       "a write wraps at the end");
    memset(out, 0, sizeof(out));
    ring9_read(ring, 16, 0xfffffffeu, out, 6);
    ok(!memcmp(out, "abcdef", 6), "a read wraps (index near 2^32)");
    memset(out, 'z', sizeof(out));
    ring9_read(ring, 16, 0, out, 17);
    ok(out[0] == 'z', "a read longer than the ring copies nothing");
    ring9_write(ring, 16, 0, "0123456789abcdef", 16);
    ring9_read(ring, 16, 32, out, 16);
    ok(!memcmp(out, "0123456789abcdef", 16), "a whole-ring copy");

    ok(!ring9_order_ok(0, 9), "order 0 refused");
    ok(ring9_order_ok(1, 9), "order 1 accepted");
    ok(ring9_order_ok(9, 9), "order 9 accepted");
    ok(!ring9_order_ok(10, 12), "order 10 refused (the spec's maximum is 9)");
    ok(!ring9_order_ok(6, 5), "an order above our maximum refused");
    is_int(ring9_size(1), 4096, "order 1: 4 KiB each way");
    is_int(ring9_size(9), 1024 * 1024, "order 9: 1 MiB each way");
    return done_testing();
}
