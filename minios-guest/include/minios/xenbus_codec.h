/* xenbus_codec.h: the xenstore wire format and ring copies (pure). */
#ifndef MINIOS_XENBUS_CODEC_H
#define MINIOS_XENBUS_CODEC_H

#include <stddef.h>
#include <stdint.h>
#include <public/io/xs_wire.h>

struct xs_iov {
    const void *base;
    size_t len;
};

/* Header + the concatenated PARTS into BUF: bytes used, or -EMSGSIZE if
 * the payload exceeds XENSTORE_PAYLOAD_MAX or BUF. */
int xs_encode(void *buf, size_t cap, uint32_t type, uint32_t req_id,
              uint32_t tx_id, const struct xs_iov *parts, unsigned int n);
/* 0 if a reply header is acceptable, else -EBADMSG. */
int xs_check_header(const struct xsd_sockmsg *msg);
/* Copy up to LEN bytes into the request ring at *PROD (CONS: the reader's
 * index); advances *PROD and returns the bytes copied. */
size_t xs_ring_put(char *ring, XENSTORE_RING_IDX cons, XENSTORE_RING_IDX *prod,
                   const void *data, size_t len);
/* Copy up to LEN bytes out of a reply ring at *CONS; advances *CONS. */
size_t xs_ring_get(const char *ring, XENSTORE_RING_IDX *cons,
                   XENSTORE_RING_IDX prod, void *data, size_t len);
/* The errno named by an XS_ERROR body ("ENOENT"); EINVAL if unknown. */
int xs_error_errno(const char *body, size_t len);
/* Split BODY (LEN bytes of NUL-terminated strings) into OUT (at most MAX);
 * returns the number of strings, or -EBADMSG if the last is unterminated. */
int xs_split_strings(char *body, size_t len, char **out, int max);
/* An XS_WATCH_EVENT body: "path\0token\0". 0 or -EBADMSG. */
int xs_parse_watch_event(char *body, size_t len, char **path, char **token);

#endif
