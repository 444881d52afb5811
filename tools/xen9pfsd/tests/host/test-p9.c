/* test-p9.c: 9P codec: round trips, truncated and oversized fields, names. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "xen9pfsd/p9.h"

int main(void)
{
    uint8_t buf[64], small[12];
    struct p9_buf w, r;
    struct p9_str s;
    struct p9_qid q = {.type = P9_QTDIR, .version = 7, .path = 0x1122334455ull};
    uint32_t size;
    uint8_t type;
    uint16_t tag;
    long n;

    p9_writer(&w, buf, sizeof(buf), P9_TWALK, 0x1234);
    p9_put32(&w, 0xdeadbeef);
    p9_put64(&w, 0x0102030405060708ull);
    p9_putstr(&w, "name", 4);
    p9_putqid(&w, &q);
    n = p9_finish(&w);
    is_int(n, 7 + 4 + 8 + 6 + 13, "a message's length");
    is_int(p9_header(buf, (size_t)n, &size, &type, &tag), 0, "its header");
    is_int(size, n, "  size field");
    is_int(type, P9_TWALK, "  type");
    is_int(tag, 0x1234, "  tag");
    is_int(p9_header(buf, (size_t)n - 1, &size, &type, &tag), -EBADMSG,
           "a size field that disagrees with the length is refused");
    is_int(p9_header(buf, 6, &size, &type, &tag), -EBADMSG,
           "a message shorter than a header is refused");

    p9_reader(&r, buf, (size_t)n);
    r.pos = P9_HDR_SIZE;
    is_int(p9_get32(&r), 0xdeadbeef, "u32 round trip");
    ok(p9_get64(&r) == 0x0102030405060708ull, "u64 round trip");
    s = p9_getstr(&r);
    ok(s.len == 4 && !memcmp(s.s, "name", 4), "string round trip");
    is_int(p9_get8(&r), P9_QTDIR, "qid type");
    is_int(p9_get32(&r), 7, "qid version");
    ok(p9_get64(&r) == 0x1122334455ull, "qid path");
    ok(!r.err && p9_remaining(&r) == 0, "every byte read, no error");
    is_int(p9_get8(&r), 0, "a read past the end gives 0");
    ok(r.err, "  and sets the error");

    /* A string whose length field points past the end of the message. */
    p9_writer(&w, buf, sizeof(buf), P9_TWALK, 1);
    p9_put16(&w, 500);
    p9_putraw(&w, "abc", 3);
    n = p9_finish(&w);
    p9_reader(&r, buf, (size_t)n);
    r.pos = P9_HDR_SIZE;
    s = p9_getstr(&r);
    ok(r.err && s.len == 0, "a string longer than its message is an error");
    ok(p9_getraw(&r, 1) == NULL, "  and reads stay failed after it");

    /* Writers never pass their capacity. */
    p9_writer(&w, small, sizeof(small), P9_TREAD + 1, 1);
    p9_put32(&w, 1);
    p9_put32(&w, 2); /* 7 + 8 > 12 */
    is_int(p9_finish(&w), -EMSGSIZE, "a reply bigger than its buffer");
    p9_writer(&w, small, sizeof(small), 0, 1);
    ok(p9_reserve(&w, (size_t)-1) == NULL && w.err,
       "reserving SIZE_MAX bytes fails without overflow");
    p9_writer(&w, buf, sizeof(buf), 0, 1);
    {
        uint8_t *cnt = p9_reserve(&w, 4);

        p9_put8(&w, 0xee);
        p9_set32(cnt, 0x0a0b0c0d);
        p9_reader(&r, buf, w.len);
        r.pos = P9_HDR_SIZE;
        ok(p9_get32(&r) == 0x0a0b0c0d && p9_get8(&r) == 0xee,
           "a reserved count filled later, little endian, before what follows");
    }
    p9_writer(&w, buf, sizeof(buf), 0, 1);
    {
        char *big = calloc(1, 70000);
        p9_putstr(&w, big, 70000);
        ok(w.err, "a string of more than 65535 bytes cannot be encoded");
        free(big);
    }
    n = p9_lerror(buf, sizeof(buf), 9, ENOENT);
    p9_reader(&r, buf, (size_t)n);
    ok(n == 11 && p9_get32(&r) == 11 && p9_get8(&r) == P9_RLERROR &&
           p9_get16(&r) == 9 && p9_get32(&r) == ENOENT,
       "Rlerror layout");

    is_int(p9_name_check((struct p9_str){"a", 1}), 0, "name 'a' is valid");
    is_int(p9_name_check((struct p9_str){"", 0}), -EINVAL, "empty name");
    is_int(p9_name_check((struct p9_str){".", 1}), -EINVAL, "name '.'");
    is_int(p9_name_check((struct p9_str){"..", 2}), -EINVAL, "name '..'");
    is_int(p9_name_check((struct p9_str){"a/b", 3}), -EINVAL, "name 'a/b'");
    is_int(p9_name_check((struct p9_str){"/etc", 4}), -EINVAL,
           "absolute name '/etc'");
    is_int(p9_name_check((struct p9_str){"a\0b", 3}), -EINVAL,
           "a NUL inside a name");
    {
        char longname[300];
        memset(longname, 'x', sizeof(longname));
        is_int(p9_name_check((struct p9_str){longname, 255}), 0,
               "a 255-byte name is valid");
        is_int(p9_name_check((struct p9_str){longname, 256}), -ENAMETOOLONG,
               "a 256-byte name is too long");
    }
    is_str(p9_type_name(P9_TWALK), "Twalk", "type names");
    is_str(p9_type_name(255), "unknown", "unknown type name");
    return done_testing();
}
