/* xenbus_front.c: the frontend handshake every PV device driver uses. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <minios/gnttab.h>
#include <minios/time.h>
#include <minios/xenbus_front.h>

static uint64_t deadline_ms(unsigned long ms)
{
    return monotonic_ns() + ms * NSEC_PER_MSEC;
}

int xenbus_front_read(const struct xenbus_front *f, const char *key,
                      char **value)
{
    char path[200];

    snprintf(path, sizeof(path), "%s/%s", f->node, key);
    return xenbus_read(XBT_NIL, path, value);
}

int xenbus_front_read_backend(const struct xenbus_front *f, const char *key,
                              char **value)
{
    char path[200];

    snprintf(path, sizeof(path), "%s/%s", f->backend, key);
    return xenbus_read(XBT_NIL, path, value);
}

XenbusState xenbus_front_backend_state(const struct xenbus_front *f)
{
    char path[200];
    unsigned long st;

    snprintf(path, sizeof(path), "%s/state", f->backend);
    if (xenbus_read_ulong(XBT_NIL, path, &st) < 0)
        return XenbusStateUnknown;
    return (XenbusState)st;
}

int xenbus_front_wait(struct xenbus_front *f, XenbusState state,
                      unsigned long timeout_ms)
{
    uint64_t deadline = deadline_ms(timeout_ms);
    char path[200], token[64];
    int rc;

    snprintf(path, sizeof(path), "%s/state", f->backend);
    snprintf(token, sizeof(token), "front:%s", f->node);
    rc = xenbus_watch(path, token);
    if (rc < 0)
        return rc;
    for (;;) {
        XenbusState st = xenbus_front_backend_state(f);
        if (st == state || (state < XenbusStateClosing && st > state &&
                            st < XenbusStateClosing)) {
            rc = 0;
            break;
        }
        if (state < XenbusStateClosing &&
            (st == XenbusStateClosing || st == XenbusStateClosed ||
             (st == XenbusStateUnknown && state != XenbusStateUnknown))) {
            /* Unknown before Initialising: the node may not exist yet. */
            if (st != XenbusStateUnknown || monotonic_ns() >= deadline) {
                rc = -ENODEV;
                break;
            }
        }
        if (monotonic_ns() >= deadline) {
            rc = -ETIMEDOUT;
            break;
        }
        /* The watch fires on any change (or after 1 s: poll anyway). */
        uint64_t next = monotonic_ns() + NSEC_PER_SEC;
        rc = xenbus_wait_watch(token, NULL, next < deadline ? next : deadline);
        if (rc < 0 && rc != -ETIMEDOUT)
            break;
    }
    xenbus_unwatch(path, token);
    return rc;
}

int xenbus_front_open(struct xenbus_front *f, const char *type,
                      unsigned int index, unsigned long timeout_ms)
{
    char path[80], *s;
    unsigned long id;
    int rc;

    memset(f, 0, sizeof(*f));
    snprintf(f->node, sizeof(f->node), "device/%s/%u", type, index);
    snprintf(path, sizeof(path), "%s/backend-id", f->node);
    rc = xenbus_read_ulong(XBT_NIL, path, &id);
    if (rc < 0)
        return rc == -ENOENT ? -ENODEV : rc;
    if (id >= DOMID_FIRST_RESERVED)
        return -EINVAL;
    f->backend_id = (domid_t)id;
    rc = xenbus_front_read(f, "backend", &s);
    if (rc < 0)
        return rc;
    if (strlen(s) >= sizeof(f->backend)) {
        free(s);
        return -ENAMETOOLONG;
    }
    strcpy(f->backend, s);
    free(s);
    rc = xenbus_front_switch(f, XenbusStateInitialising);
    if (rc < 0)
        return rc;
    return xenbus_front_wait(f, XenbusStateInitWait, timeout_ms);
}

int xenbus_front_grant(const struct xenbus_front *f, void *va, int readonly)
{
    return gnttab_grant_access(f->backend_id, va, readonly);
}

int xenbus_front_evtchn(struct xenbus_front *f, evtchn_handler_t handler,
                        void *data)
{
    int port = evtchn_alloc_unbound(f->backend_id);
    int rc;

    if (port < 0)
        return port;
    rc = evtchn_bind(port, handler, data);
    if (rc < 0) {
        evtchn_close(port);
        return rc;
    }
    f->port = port;
    return port;
}

int xenbus_front_printf(xenbus_transaction_t t, const struct xenbus_front *f,
                        const char *key, const char *fmt, ...)
{
    char path[200], value[128];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(value, sizeof(value), fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof(value))
        return -E2BIG;
    snprintf(path, sizeof(path), "%s/%s", f->node, key);
    return xenbus_write(t, path, value);
}

int xenbus_front_switch(struct xenbus_front *f, XenbusState state)
{
    return xenbus_front_printf(XBT_NIL, f, "state", "%d", (int)state);
}

int xenbus_front_publish(struct xenbus_front *f,
                         int (*write)(xenbus_transaction_t t,
                                      struct xenbus_front *f, void *arg),
                         void *arg, XenbusState state)
{
    for (int tries = 0; tries < 10; tries++) {
        xenbus_transaction_t t;
        int rc = xenbus_transaction_start(&t);

        if (rc < 0)
            return rc;
        rc = write ? write(t, f, arg) : 0;
        if (rc == 0)
            rc = xenbus_front_printf(t, f, "state", "%d", (int)state);
        if (rc < 0) {
            xenbus_transaction_end(t, 1);
            return rc;
        }
        rc = xenbus_transaction_end(t, 0);
        if (rc != -EAGAIN)
            return rc;
    }
    return -EAGAIN;
}

int xenbus_front_close(struct xenbus_front *f, unsigned long timeout_ms)
{
    int rc = xenbus_front_switch(f, XenbusStateClosing);

    if (rc == 0)
        rc = xenbus_front_wait(f, XenbusStateClosed, timeout_ms);
    xenbus_front_switch(f, XenbusStateClosed);
    return rc;
}
