/* p9.c: 9P2000.L message decoding and encoding (little endian, bounded). */
#include <errno.h>
#include <string.h>

#include "xen9pfsd/p9.h"

int p9_header(const uint8_t *data, size_t len, uint32_t *size, uint8_t *type,
              uint16_t *tag)
{
    struct p9_buf b;

    if (len < P9_HDR_SIZE)
        return -EBADMSG;
    p9_reader(&b, data, len);
    *size = p9_get32(&b);
    *type = p9_get8(&b);
    *tag = p9_get16(&b);
    return *size == len ? 0 : -EBADMSG;
}

void p9_reader(struct p9_buf *b, const uint8_t *data, size_t len)
{
    b->data = (uint8_t *)data;
    b->len = len;
    b->cap = len;
    b->pos = 0;
    b->err = false;
}

const uint8_t *p9_getraw(struct p9_buf *b, size_t n)
{
    const uint8_t *p;

    if (b->err || n > b->len - b->pos) {
        b->err = true;
        return NULL;
    }
    p = b->data + b->pos;
    b->pos += n;
    return p;
}

static uint64_t get_le(struct p9_buf *b, unsigned int n)
{
    const uint8_t *p = p9_getraw(b, n);
    uint64_t v = 0;

    if (!p)
        return 0;
    for (unsigned int i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

uint8_t p9_get8(struct p9_buf *b)
{
    return (uint8_t)get_le(b, 1);
}

uint16_t p9_get16(struct p9_buf *b)
{
    return (uint16_t)get_le(b, 2);
}

uint32_t p9_get32(struct p9_buf *b)
{
    return (uint32_t)get_le(b, 4);
}

uint64_t p9_get64(struct p9_buf *b)
{
    return get_le(b, 8);
}

struct p9_str p9_getstr(struct p9_buf *b)
{
    struct p9_str s = {.s = "", .len = 0};
    uint16_t len = p9_get16(b);
    const uint8_t *p = p9_getraw(b, len);

    if (p) {
        s.s = (const char *)p;
        s.len = len;
    }
    return s;
}

size_t p9_remaining(const struct p9_buf *b)
{
    return b->err ? 0 : b->len - b->pos;
}

void p9_writer(struct p9_buf *b, uint8_t *buf, size_t cap, uint8_t type,
               uint16_t tag)
{
    b->data = buf;
    b->cap = cap;
    b->len = 0;
    b->pos = 0;
    b->err = false;
    p9_put32(b, 0);
    p9_put8(b, type);
    p9_put16(b, tag);
}

uint8_t *p9_reserve(struct p9_buf *b, size_t n)
{
    uint8_t *p;

    if (b->err || n > b->cap - b->len) {
        b->err = true;
        return NULL;
    }
    p = b->data + b->len;
    b->len += n;
    return p;
}

static void store_le(uint8_t *p, uint64_t v, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_le(struct p9_buf *b, uint64_t v, unsigned int n)
{
    uint8_t *p = p9_reserve(b, n);

    if (p)
        store_le(p, v, n);
}

void p9_set32(uint8_t *at, uint32_t v)
{
    store_le(at, v, 4);
}

void p9_put8(struct p9_buf *b, uint8_t v)
{
    put_le(b, v, 1);
}

void p9_put16(struct p9_buf *b, uint16_t v)
{
    put_le(b, v, 2);
}

void p9_put32(struct p9_buf *b, uint32_t v)
{
    put_le(b, v, 4);
}

void p9_put64(struct p9_buf *b, uint64_t v)
{
    put_le(b, v, 8);
}

void p9_putraw(struct p9_buf *b, const void *data, size_t len)
{
    uint8_t *p = p9_reserve(b, len);

    if (p && len)
        memcpy(p, data, len);
}

void p9_putstr(struct p9_buf *b, const char *s, size_t len)
{
    if (len > UINT16_MAX) {
        b->err = true;
        return;
    }
    p9_put16(b, (uint16_t)len);
    p9_putraw(b, s, len);
}

void p9_putqid(struct p9_buf *b, const struct p9_qid *q)
{
    p9_put8(b, q->type);
    p9_put32(b, q->version);
    p9_put64(b, q->path);
}

long p9_finish(struct p9_buf *b)
{
    if (b->err || b->len > UINT32_MAX)
        return -EMSGSIZE;
    b->data[0] = (uint8_t)b->len;
    b->data[1] = (uint8_t)(b->len >> 8);
    b->data[2] = (uint8_t)(b->len >> 16);
    b->data[3] = (uint8_t)(b->len >> 24);
    return (long)b->len;
}

long p9_lerror(uint8_t *buf, size_t cap, uint16_t tag, uint32_t ecode)
{
    struct p9_buf b;

    p9_writer(&b, buf, cap, P9_RLERROR, tag);
    p9_put32(&b, ecode);
    return p9_finish(&b);
}

int p9_name_check(struct p9_str name)
{
    if (name.len == 0 || memchr(name.s, '\0', name.len) ||
        memchr(name.s, '/', name.len))
        return -EINVAL;
    if ((name.len == 1 && name.s[0] == '.') ||
        (name.len == 2 && name.s[0] == '.' && name.s[1] == '.'))
        return -EINVAL;
    if (name.len > P9_NAME_MAX)
        return -ENAMETOOLONG;
    return 0;
}

const char *p9_type_name(uint8_t type)
{
    switch (type) {
    case P9_TSTATFS:
        return "Tstatfs";
    case P9_TLOPEN:
        return "Tlopen";
    case P9_TLCREATE:
        return "Tlcreate";
    case P9_TRENAME:
        return "Trename";
    case P9_TGETATTR:
        return "Tgetattr";
    case P9_TSETATTR:
        return "Tsetattr";
    case P9_TXATTRWALK:
        return "Txattrwalk";
    case P9_TREADDIR:
        return "Treaddir";
    case P9_TFSYNC:
        return "Tfsync";
    case P9_TMKDIR:
        return "Tmkdir";
    case P9_TRENAMEAT:
        return "Trenameat";
    case P9_TUNLINKAT:
        return "Tunlinkat";
    case P9_TVERSION:
        return "Tversion";
    case P9_TAUTH:
        return "Tauth";
    case P9_TATTACH:
        return "Tattach";
    case P9_TFLUSH:
        return "Tflush";
    case P9_TWALK:
        return "Twalk";
    case P9_TREAD:
        return "Tread";
    case P9_TWRITE:
        return "Twrite";
    case P9_TCLUNK:
        return "Tclunk";
    case P9_TREMOVE:
        return "Tremove";
    default:
        return "unknown";
    }
}
