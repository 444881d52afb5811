/* xenbus.c: the xenstore message codec and ring copies. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "tap.h"
#include <minios/xenbus_codec.h>

static void test_encode(void)
{
    char buf[64];
    struct xsd_sockmsg hdr;
    struct xs_iov parts[2] = {{"data/x", 7}, {"value", 5}};
    int n = xs_encode(buf, sizeof(buf), XS_WRITE, 9, 3, parts, 2);

    ok(n == (int)sizeof(hdr) + 12, "a write request is header + 12 bytes");
    memcpy(&hdr, buf, sizeof(hdr));
    ok(hdr.type == XS_WRITE && hdr.req_id == 9 && hdr.tx_id == 3 &&
           hdr.len == 12,
       "its header carries type, request id, transaction id, length");
    ok(!memcmp(buf + sizeof(hdr), "data/x\0value", 12),
       "its payload is path NUL value (no final NUL)");
    ok(xs_encode(buf, 20, XS_WRITE, 1, 0, parts, 2) == -EMSGSIZE,
       "a buffer too small is refused");

    static char big[XENSTORE_PAYLOAD_MAX + 1], out[sizeof(big) + 64];
    struct xs_iov huge = {big, sizeof(big)};
    ok(xs_encode(out, sizeof(out), XS_WRITE, 1, 0, &huge, 1) == -EMSGSIZE,
       "a payload over XENSTORE_PAYLOAD_MAX is refused");
    struct xs_iov max = {big, XENSTORE_PAYLOAD_MAX};
    ok(xs_encode(out, sizeof(out), XS_WRITE, 1, 0, &max, 1) ==
           (int)sizeof(hdr) + XENSTORE_PAYLOAD_MAX,
       "a payload of exactly XENSTORE_PAYLOAD_MAX is accepted");
    ok(xs_encode(buf, sizeof(buf), XS_TRANSACTION_START, 1, 0,
                 &(struct xs_iov){"", 1}, 1) == (int)sizeof(hdr) + 1,
       "transaction start sends one NUL");
}

static void test_header(void)
{
    struct xsd_sockmsg h = {.type = XS_READ, .len = 10};

    ok(xs_check_header(&h) == 0, "a normal reply header is accepted");
    h.len = XENSTORE_PAYLOAD_MAX + 1;
    ok(xs_check_header(&h) == -EBADMSG, "an oversized length is rejected");
    h.len = 0;
    h.type = XS_TYPE_COUNT;
    ok(xs_check_header(&h) == -EBADMSG, "an unknown type is rejected");
}

static void test_ring(void)
{
    char ring[XENSTORE_RING_SIZE], data[3000], back[3000];
    XENSTORE_RING_IDX prod = 0xfffffc00u, cons = prod; /* wraps at 2^32 */
    size_t total = 0, got = 0, n;
    int ok_all = 1;

    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (char)(i * 7 + 1);
    /* Writer and reader take turns in odd-sized steps across the wrap. */
    while (got < sizeof(data)) {
        n = xs_ring_put(ring, cons, &prod, data + total,
                        sizeof(data) - total < 700 ? sizeof(data) - total
                                                   : 700);
        total += n;
        if (prod - cons > XENSTORE_RING_SIZE)
            ok_all = 0;
        n = xs_ring_get(ring, &cons, prod, back + got, 333);
        got += n;
    }
    ok(ok_all, "the writer never overfills the ring");
    ok(got == sizeof(data) && !memcmp(data, back, sizeof(data)),
       "3000 bytes survive the ring, across index wrap-around");
    prod = cons = 5;
    ok(xs_ring_put(ring, cons, &prod, data, 5000) == XENSTORE_RING_SIZE &&
           xs_ring_put(ring, cons, &prod, data, 1) == 0,
       "a full ring takes exactly its size, then nothing");
    XENSTORE_RING_IDX c = 0;
    ok(xs_ring_get(ring, &c, 5000, back, 10) == 0 && c == 0,
       "corrupt indexes (more than a ring of data) read nothing");
}

static void test_errors(void)
{
    ok(xs_error_errno("ENOENT", 7) == ENOENT, "ENOENT maps to ENOENT");
    ok(xs_error_errno("EACCES", 7) == EACCES, "EACCES maps to EACCES");
    ok(xs_error_errno("EAGAIN", 6) == EAGAIN, "unterminated EAGAIN maps");
    ok(xs_error_errno("EWHAT", 6) == EINVAL, "unknown errors map to EINVAL");
    ok(xs_error_errno("ENOENTX", 8) == EINVAL, "no prefix matching");
}

static void test_strings(void)
{
    char dir[] = "a\0bc\0def\0";
    char *out[4];

    ok(xs_split_strings(dir, sizeof(dir) - 1, out, 4) == 3 &&
           !strcmp(out[0], "a") && !strcmp(out[1], "bc") &&
           !strcmp(out[2], "def"),
       "a directory reply splits into its names");
    ok(xs_split_strings(dir, sizeof(dir) - 1, out, 1) == 3,
       "the count is exact even when OUT is short");
    ok(xs_split_strings(dir, 0, out, 4) == 0, "an empty directory has none");
    char bad[] = "abc";
    ok(xs_split_strings(bad, 3, out, 4) == -EBADMSG,
       "an unterminated list is rejected");

    char ev[] = "/local/domain/3/data/poke\0tok\0";
    char *path, *token;
    ok(xs_parse_watch_event(ev, sizeof(ev) - 1, &path, &token) == 0 &&
           !strcmp(path, "/local/domain/3/data/poke") && !strcmp(token, "tok"),
       "a watch event gives path and token");
    char half[] = "/path\0";
    ok(xs_parse_watch_event(half, sizeof(half) - 1, &path, &token) == -EBADMSG,
       "a watch event without a token is rejected");
}

int main(void)
{
    test_encode();
    test_header();
    test_ring();
    test_errors();
    test_strings();
    return done_testing();
}
