/* xenbus_codec.c: xenstore message encoding/decoding and ring copies. */
#include <errno.h>
#include <string.h>
#include <minios/xenbus_codec.h>

int xs_encode(void *buf, size_t cap, uint32_t type, uint32_t req_id,
              uint32_t tx_id, const struct xs_iov *parts, unsigned int n)
{
    struct xsd_sockmsg msg = {.type = type, .req_id = req_id, .tx_id = tx_id};
    size_t len = 0;
    char *p;

    for (unsigned int i = 0; i < n; i++) {
        if (parts[i].len > XENSTORE_PAYLOAD_MAX)
            return -EMSGSIZE;
        len += parts[i].len;
    }
    if (len > XENSTORE_PAYLOAD_MAX || sizeof(msg) + len > cap)
        return -EMSGSIZE;
    msg.len = (uint32_t)len;
    memcpy(buf, &msg, sizeof(msg));
    p = (char *)buf + sizeof(msg);
    for (unsigned int i = 0; i < n; i++) {
        memcpy(p, parts[i].base, parts[i].len);
        p += parts[i].len;
    }
    return (int)(sizeof(msg) + len);
}

int xs_check_header(const struct xsd_sockmsg *msg)
{
    if (msg->len > XENSTORE_PAYLOAD_MAX)
        return -EBADMSG;
    if (msg->type >= XS_TYPE_COUNT)
        return -EBADMSG;
    return 0;
}

size_t xs_ring_put(char *ring, XENSTORE_RING_IDX cons, XENSTORE_RING_IDX *prod,
                   const void *data, size_t len)
{
    XENSTORE_RING_IDX p = *prod;
    size_t used = p - cons;
    size_t n;

    if (used >= XENSTORE_RING_SIZE)
        return 0;
    n = XENSTORE_RING_SIZE - used;
    if (n > len)
        n = len;
    for (size_t i = 0; i < n; i++)
        ring[MASK_XENSTORE_IDX(p + i)] = ((const char *)data)[i];
    *prod = p + (XENSTORE_RING_IDX)n;
    return n;
}

size_t xs_ring_get(const char *ring, XENSTORE_RING_IDX *cons,
                   XENSTORE_RING_IDX prod, void *data, size_t len)
{
    XENSTORE_RING_IDX c = *cons;
    size_t avail = prod - c;
    size_t n;

    if (avail > XENSTORE_RING_SIZE) /* corrupt indexes: take nothing */
        return 0;
    n = avail < len ? avail : len;
    for (size_t i = 0; i < n; i++)
        ((char *)data)[i] = ring[MASK_XENSTORE_IDX(c + i)];
    *cons = c + (XENSTORE_RING_IDX)n;
    return n;
}

int xs_error_errno(const char *body, size_t len)
{
    size_t n = strnlen(body, len);

    for (unsigned int i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]);
         i++) {
        if (strlen(xsd_errors[i].errstring) == n &&
            !memcmp(xsd_errors[i].errstring, body, n))
            return xsd_errors[i].errnum;
    }
    return EINVAL;
}

int xs_split_strings(char *body, size_t len, char **out, int max)
{
    int count = 0;
    size_t start = 0;

    if (len > 0 && body[len - 1] != '\0')
        return -EBADMSG;
    for (size_t i = 0; i < len; i++) {
        if (body[i] != '\0')
            continue;
        if (count < max)
            out[count] = body + start;
        count++;
        start = i + 1;
    }
    return count;
}

int xs_parse_watch_event(char *body, size_t len, char **path, char **token)
{
    char *parts[2];

    if (xs_split_strings(body, len, parts, 2) < 2)
        return -EBADMSG;
    *path = parts[0];
    *token = parts[1];
    return 0;
}
