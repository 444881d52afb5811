/* xenbus.c: a synchronous xenstore client over the shared ring. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <minios/os.h>
#include <minios/mm.h>
#include <minios/clone.h>
#include <minios/driver.h>
#include <minios/events.h>
#include <minios/time.h>
#include <minios/xenbus.h>
#include <minios/xenbus_codec.h>

#define XS_TIMEOUT    (30 * NSEC_PER_SEC)
#define XS_CLONE_LOOK (1 * NSEC_PER_SEC)

struct watch_event {
    struct watch_event *next;
    char *path;
    char *token;
    char body[];
};

static struct xenstore_domain_interface *ring; /* RAM page, kept as a VA */
static evtchn_port_t port;
static uint32_t next_req_id;
static struct watch_event *events_head, **events_tail = &events_head;

static void xs_event(evtchn_port_t p, void *data)
{
    /* Nothing to do here: waiters re-check the ring when they wake. */
}

int xenbus_init(void)
{
    ring = mfn_to_virt(start_info->store_mfn);
    port = start_info->store_evtchn;
    return evtchn_bind(port, xs_event, NULL);
}

/* The child's watches are not the parent's (XenStore keeps none for it):
 * drop queued events, re-read the ring and port from start_info. */
static void xenbus_after_clone(void)
{
    while (events_head) {
        struct watch_event *ev = events_head;
        events_head = ev->next;
        free(ev);
    }
    events_tail = &events_head;
    xenbus_init();
}

DRIVER(xenbus_driver, 2) = {
    .name = "xenbus", .init = xenbus_init, .after_clone = xenbus_after_clone};

static int can_write(void *arg)
{
    return ring->req_prod - ring->req_cons < XENSTORE_RING_SIZE;
}

static int can_read(void *arg)
{
    return ring->rsp_prod != ring->rsp_cons;
}

/*
 * Wait until COND holds on the ring: 0, -ETIMEDOUT at DEADLINE, or -EAGAIN
 * if we turned out to be a clone made from outside (xl clone) since the
 * request went out. Such a clone resumes with its parent's request in
 * flight, but xenstored introduces it as a new connection on a reset ring
 * (indexes 0): the request, its reply, or the rest of either, is lost for
 * the child, which must send the request again. It is looked for every
 * XS_CLONE_LOOK without progress (one CLONEOP_get_info): the ring usually
 * moves well before.
 */
static int wait_ring(int (*cond)(void *), uint64_t deadline)
{
    for (;;) {
        uint64_t until = monotonic_ns() + XS_CLONE_LOOK;

        if (wait_until(cond, NULL, until < deadline ? until : deadline) == 0)
            return 0;
        if (clone_check())
            return -EAGAIN;
        if (monotonic_ns() >= deadline)
            return -ETIMEDOUT;
    }
}

static int ring_write(const void *data, size_t len, uint64_t deadline)
{
    const char *p = data;

    while (len > 0) {
        XENSTORE_RING_IDX prod = ring->req_prod;
        mb();
        size_t n = xs_ring_put(ring->req, ring->req_cons, &prod, p, len);
        if (n == 0) {
            int rc = wait_ring(can_write, deadline);

            if (rc < 0)
                return rc;
            continue;
        }
        wmb();
        ring->req_prod = prod;
        evtchn_notify(port);
        p += n;
        len -= n;
    }
    return 0;
}

static int ring_read(void *data, size_t len, uint64_t deadline)
{
    char *p = data;

    while (len > 0) {
        XENSTORE_RING_IDX cons = ring->rsp_cons;
        XENSTORE_RING_IDX prod = ring->rsp_prod;
        rmb();
        size_t n = xs_ring_get(ring->rsp, &cons, prod, p, len);
        if (n == 0) {
            int rc = wait_ring(can_read, deadline);

            if (rc < 0)
                return rc;
            continue;
        }
        mb();
        ring->rsp_cons = cons;
        evtchn_notify(port);
        p += n;
        len -= n;
    }
    return 0;
}

/* Read one message; *BODY is malloc'd and NUL-terminated. -EAGAIN: we
 * became a clone with the message half read (its rest is lost). */
static int read_message(struct xsd_sockmsg *hdr, char **body, uint64_t deadline)
{
    int rc = ring_read(hdr, sizeof(*hdr), deadline);

    if (rc < 0)
        return rc;
    if (xs_check_header(hdr) < 0)
        return -EBADMSG;
    *body = malloc(hdr->len + 1);
    if (!*body)
        return -ENOMEM;
    rc = ring_read(*body, hdr->len, deadline);
    if (rc < 0) {
        free(*body);
        return rc;
    }
    (*body)[hdr->len] = '\0';
    return 0;
}

static void queue_watch_event(char *body, size_t len)
{
    struct watch_event *ev = malloc(sizeof(*ev) + len + 1);
    char *path, *token;

    if (!ev)
        return;
    memcpy(ev->body, body, len + 1);
    if (xs_parse_watch_event(ev->body, len, &path, &token) < 0) {
        free(ev);
        return;
    }
    ev->path = path;
    ev->token = token;
    ev->next = NULL;
    *events_tail = ev;
    events_tail = &ev->next;
}

/* One request, its reply in *REPLY (malloc'd) unless REPLY is NULL. */
static int talk(uint32_t type, xenbus_transaction_t t,
                const struct xs_iov *parts, unsigned int n, char **reply,
                size_t *reply_len)
{
    uint64_t deadline = monotonic_ns() + XS_TIMEOUT;
    size_t cap = sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX;
    char *buf = malloc(cap);
    uint32_t id = ++next_req_id;
    struct xsd_sockmsg hdr;
    char *body = NULL;
    const char *stage;
    size_t len;
    int rc;

    if (!buf)
        return -ENOMEM;
    rc = xs_encode(buf, cap, type, id, t, parts, n);
    if (rc < 0)
        goto out;
    len = rc;
send:
    stage = "sending it";
    rc = ring_write(buf, len, deadline);
    while (rc == 0) {
        stage = "waiting for its reply";
        rc = wait_ring(can_read, deadline);
        if (rc < 0)
            break;
        stage = "reading a reply";
        rc = read_message(&hdr, &body, deadline);
        if (rc < 0)
            break;
        if (hdr.type == XS_WATCH_EVENT) {
            queue_watch_event(body, hdr.len);
        } else if (hdr.req_id == id) {
            break;
        }
        free(body);
        body = NULL;
    }
    if (rc == -EAGAIN) {
        /* A clone: the request is gone with the parent's connection. */
        printf("xenbus: a clone: request %u sent again (cloned while %s)\n", id,
               stage);
        deadline = monotonic_ns() + XS_TIMEOUT;
        goto send;
    }
    if (rc < 0) {
        printf("xenbus: request %u (type %u): %d\n", id, type, rc);
        goto out;
    }
    if (hdr.type == XS_ERROR) {
        rc = -xs_error_errno(body, hdr.len);
        goto out;
    }
    rc = 0;
    if (reply_len)
        *reply_len = hdr.len;
    if (reply) {
        *reply = body;
        body = NULL;
    }
out:
    free(body);
    free(buf);
    return rc;
}

static struct xs_iov str_part(const char *s)
{
    return (struct xs_iov){s, strlen(s) + 1};
}

int xenbus_read(xenbus_transaction_t t, const char *path, char **value)
{
    struct xs_iov p = str_part(path);

    return talk(XS_READ, t, &p, 1, value, NULL);
}

int xenbus_read_ulong(xenbus_transaction_t t, const char *path,
                      unsigned long *value)
{
    char *s, *end;
    int rc = xenbus_read(t, path, &s);

    if (rc < 0)
        return rc;
    *value = strtoul(s, &end, 10);
    rc = (end == s || *end) ? -EINVAL : 0;
    free(s);
    return rc;
}

int xenbus_write(xenbus_transaction_t t, const char *path, const char *value)
{
    struct xs_iov p[2] = {str_part(path), {value, strlen(value)}};

    return talk(XS_WRITE, t, p, 2, NULL, NULL);
}

int xenbus_printf(xenbus_transaction_t t, const char *path, const char *fmt,
                  ...)
{
    char buf[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof(buf))
        return -E2BIG;
    return xenbus_write(t, path, buf);
}

int xenbus_mkdir(xenbus_transaction_t t, const char *path)
{
    struct xs_iov p = str_part(path);

    return talk(XS_MKDIR, t, &p, 1, NULL, NULL);
}

int xenbus_rm(xenbus_transaction_t t, const char *path)
{
    struct xs_iov p = str_part(path);

    return talk(XS_RM, t, &p, 1, NULL, NULL);
}

int xenbus_ls(xenbus_transaction_t t, const char *path, char ***names,
              unsigned int *count)
{
    struct xs_iov p = str_part(path);
    char *body, **list;
    size_t len;
    int n, rc = talk(XS_DIRECTORY, t, &p, 1, &body, &len);

    if (rc < 0)
        return rc;
    n = xs_split_strings(body, len, NULL, 0);
    if (n < 0) {
        free(body);
        return n;
    }
    /* One block: the pointer array, then the strings. */
    list = malloc((n + 1) * sizeof(char *) + len + 1);
    if (!list) {
        free(body);
        return -ENOMEM;
    }
    char *strings = (char *)(list + n + 1);
    memcpy(strings, body, len + 1);
    xs_split_strings(strings, len, list, n);
    list[n] = NULL;
    free(body);
    *names = list;
    *count = n;
    return 0;
}

int xenbus_transaction_start(xenbus_transaction_t *t)
{
    struct xs_iov p = {"", 1};
    char *id;
    int rc = talk(XS_TRANSACTION_START, XBT_NIL, &p, 1, &id, NULL);

    if (rc < 0)
        return rc;
    *t = strtoul(id, NULL, 10);
    free(id);
    return 0;
}

int xenbus_transaction_end(xenbus_transaction_t t, int abort)
{
    struct xs_iov p = str_part(abort ? "F" : "T");

    return talk(XS_TRANSACTION_END, t, &p, 1, NULL, NULL);
}

int xenbus_watch(const char *path, const char *token)
{
    struct xs_iov p[2] = {str_part(path), str_part(token)};

    return talk(XS_WATCH, XBT_NIL, p, 2, NULL, NULL);
}

int xenbus_unwatch(const char *path, const char *token)
{
    struct xs_iov p[2] = {str_part(path), str_part(token)};
    int rc = talk(XS_UNWATCH, XBT_NIL, p, 2, NULL, NULL);

    /* Drop events of this watch that are still queued. */
    for (struct watch_event **pp = &events_head; *pp;) {
        struct watch_event *ev = *pp;
        if (!strcmp(ev->token, token)) {
            *pp = ev->next;
            free(ev);
        } else {
            pp = &ev->next;
        }
    }
    events_tail = &events_head;
    while (*events_tail)
        events_tail = &(*events_tail)->next;
    return rc;
}

static struct watch_event *take_event(const char *token)
{
    for (struct watch_event **pp = &events_head; *pp; pp = &(*pp)->next) {
        struct watch_event *ev = *pp;
        if (strcmp(ev->token, token))
            continue;
        *pp = ev->next;
        if (events_tail == &ev->next)
            events_tail = pp;
        return ev;
    }
    return NULL;
}

int xenbus_wait_watch(const char *token, char **path, uint64_t deadline)
{
    struct watch_event *ev;
    struct xsd_sockmsg hdr;
    char *body;
    int rc;

    while (!(ev = take_event(token))) {
        /* No request is outstanding: whatever arrives is an event. */
        if (!can_read(NULL) && wait_until(can_read, NULL, deadline) < 0)
            return -ETIMEDOUT;
        /*
         * The message has begun: all of it is read (a deadline that has
         * passed, e.g. a clone's, would leave half of it in the ring).
         */
        rc = read_message(&hdr, &body, monotonic_ns() + XS_TIMEOUT);
        if (rc == -EAGAIN)
            continue; /* a clone: the rest of the event is lost with the
                       * parent's connection, and so are its watches */
        if (rc < 0)
            return rc;
        if (hdr.type == XS_WATCH_EVENT)
            queue_watch_event(body, hdr.len);
        free(body);
    }
    rc = 0;
    if (path) {
        *path = strdup(ev->path);
        if (!*path)
            rc = -ENOMEM;
    }
    free(ev);
    return rc;
}

domid_t xen_domid(void)
{
    unsigned long id;

    if (xenbus_read_ulong(XBT_NIL, "domid", &id) < 0 ||
        id >= DOMID_FIRST_RESERVED)
        return DOMID_INVALID;
    return (domid_t)id;
}
