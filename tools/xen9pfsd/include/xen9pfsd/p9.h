/* p9.h: 9P2000.L message decoding and encoding (pure, bounds-checked). */
#ifndef XEN9PFSD_P9_H
#define XEN9PFSD_P9_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Message types of 9P2000.L (T = request, R = T + 1). */
enum {
    P9_TLERROR = 6,
    P9_RLERROR = 7,
    P9_TSTATFS = 8,
    P9_TLOPEN = 12,
    P9_TLCREATE = 14,
    P9_TRENAME = 20,
    P9_TGETATTR = 24,
    P9_TSETATTR = 26,
    P9_TXATTRWALK = 30,
    P9_TREADDIR = 40,
    P9_TFSYNC = 50,
    P9_TMKDIR = 72,
    P9_TRENAMEAT = 74,
    P9_TUNLINKAT = 76,
    P9_TVERSION = 100,
    P9_TAUTH = 102,
    P9_TATTACH = 104,
    P9_TFLUSH = 108,
    P9_TWALK = 110,
    P9_TREAD = 116,
    P9_TWRITE = 118,
    P9_TCLUNK = 120,
    P9_TREMOVE = 122,
};

#define P9_HDR_SIZE 7u /* size[4] type[1] tag[2] */
#define P9_NOTAG    0xffffu
#define P9_NOFID    0xffffffffu
#define P9_MAXWELEM 16u
#define P9_QID_SIZE 13u
#define P9_NAME_MAX 255u

/* qid.type bits. */
#define P9_QTDIR     0x80
#define P9_QTSYMLINK 0x02
#define P9_QTFILE    0x00

/* Tsetattr valid bits. */
#define P9_SETATTR_MODE      0x001
#define P9_SETATTR_UID       0x002
#define P9_SETATTR_GID       0x004
#define P9_SETATTR_SIZE      0x008
#define P9_SETATTR_ATIME     0x010
#define P9_SETATTR_MTIME     0x020
#define P9_SETATTR_CTIME     0x040
#define P9_SETATTR_ATIME_SET 0x080
#define P9_SETATTR_MTIME_SET 0x100

#define P9_GETATTR_BASIC 0x7ffull
#define P9_AT_REMOVEDIR  0x200

struct p9_qid {
    uint8_t type;
    uint32_t version;
    uint64_t path;
};

/* A string inside a message: not NUL-terminated, LEN bytes at S. */
struct p9_str {
    const char *s;
    uint16_t len;
};

/*
 * A cursor over a message. Reads past the end set ERR and return zeros;
 * writes past CAP set ERR and write nothing: check ERR once at the end.
 */
struct p9_buf {
    uint8_t *data;
    size_t len; /* bytes held (reader: message size; writer: written) */
    size_t cap; /* writer: room */
    size_t pos; /* reader position */
    bool err;
};

/* The header of a message of LEN bytes at DATA: 0, or -EBADMSG when LEN is
 * short or the size field disagrees with LEN... */
int p9_header(const uint8_t *data, size_t len, uint32_t *size, uint8_t *type,
              uint16_t *tag);

void p9_reader(struct p9_buf *b, const uint8_t *data, size_t len);
uint8_t p9_get8(struct p9_buf *b);
uint16_t p9_get16(struct p9_buf *b);
uint32_t p9_get32(struct p9_buf *b);
uint64_t p9_get64(struct p9_buf *b);
/* A string; its bytes stay in the message. */
struct p9_str p9_getstr(struct p9_buf *b);
/* N raw bytes in place (NULL and ERR if fewer remain). */
const uint8_t *p9_getraw(struct p9_buf *b, size_t n);
/* Bytes left to read. */
size_t p9_remaining(const struct p9_buf *b);

/* Start a reply of TYPE/TAG in BUF (CAP bytes); p9_finish writes the size
 * and returns the message length, or -EMSGSIZE if it did not fit. */
void p9_writer(struct p9_buf *b, uint8_t *buf, size_t cap, uint8_t type,
               uint16_t tag);
void p9_put8(struct p9_buf *b, uint8_t v);
void p9_put16(struct p9_buf *b, uint16_t v);
void p9_put32(struct p9_buf *b, uint32_t v);
void p9_put64(struct p9_buf *b, uint64_t v);
void p9_putstr(struct p9_buf *b, const char *s, size_t len);
void p9_putraw(struct p9_buf *b, const void *data, size_t len);
void p9_putqid(struct p9_buf *b, const struct p9_qid *q);
/* Room for N bytes to be filled later: a pointer to them, or NULL. */
uint8_t *p9_reserve(struct p9_buf *b, size_t n);
/* Fill 4 reserved bytes with V, little endian. */
void p9_set32(uint8_t *at, uint32_t v);
long p9_finish(struct p9_buf *b);

/* An Rlerror for TAG with ECODE (positive errno) into BUF: its length. */
long p9_lerror(uint8_t *buf, size_t cap, uint16_t tag, uint32_t ecode);

/*
 * Is NAME a valid single path element for a share? 0, or -EINVAL (empty,
 * NUL or '/' inside, "." or ".."), -ENAMETOOLONG (> P9_NAME_MAX bytes).
 */
int p9_name_check(struct p9_str name);

/* The name of message TYPE ("Twalk"), or "unknown". */
const char *p9_type_name(uint8_t type);

#endif
