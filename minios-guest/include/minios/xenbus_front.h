/* xenbus_front.h: the frontend side of the xenbus device handshake. */
#ifndef MINIOS_XENBUS_FRONT_H
#define MINIOS_XENBUS_FRONT_H

#include <stdint.h>
#include <public/xen.h>
#include <public/io/xenbus.h>
#include <minios/events.h>
#include <minios/xenbus.h>

/*
 * A frontend (netfront, later 9pfs...) does:
 *   xenbus_front_open(&f, "vif", 0, timeout)  backend path/id, backend
 *                                             at least InitWait
 *   xenbus_front_grant(&f, ring, 0)           grant its ring pages
 *   xenbus_front_evtchn(&f, handler, data)    an event channel
 *   xenbus_front_publish(&f, fn, arg, state)  its keys + its new state,
 *                                             in one transaction
 *   xenbus_front_wait(&f, Connected, timeout) backend Connected
 *   ... xenbus_front_close(&f, timeout)       Closing/Closed both sides
 * Every call returns 0 (or a value) or a negative errno; waits end with
 * -ETIMEDOUT after TIMEOUT_MS, or -ENODEV if the backend goes away.
 */
struct xenbus_front {
    char node[48];     /* "device/vif/0" (relative to our domain) */
    char backend[128]; /* the backend's absolute path */
    domid_t backend_id;
    evtchn_port_t port; /* from xenbus_front_evtchn(), 0 if none */
};

int xenbus_front_open(struct xenbus_front *f, const char *type,
                      unsigned int index, unsigned long timeout_ms);
/* Read a key of ours / of the backend (malloc'd value, free() it). */
int xenbus_front_read(const struct xenbus_front *f, const char *key,
                      char **value);
int xenbus_front_read_backend(const struct xenbus_front *f, const char *key,
                              char **value);
/* Grant the backend the page at VA: the ref. */
int xenbus_front_grant(const struct xenbus_front *f, void *va, int readonly);
/* An unbound port for the backend, bound to HANDLER: the port. */
int xenbus_front_evtchn(struct xenbus_front *f, evtchn_handler_t handler,
                        void *data);
/* Run WRITE(t, f, arg) (it writes our keys with xenbus_front_printf) and
 * set our state to STATE in one transaction, retried on conflicts. */
int xenbus_front_publish(struct xenbus_front *f,
                         int (*write)(xenbus_transaction_t t,
                                      struct xenbus_front *f, void *arg),
                         void *arg, XenbusState state);
int xenbus_front_printf(xenbus_transaction_t t, const struct xenbus_front *f,
                        const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int xenbus_front_switch(struct xenbus_front *f, XenbusState state);
/* The backend's state now (XenbusStateUnknown if unreadable). */
XenbusState xenbus_front_backend_state(const struct xenbus_front *f);
/* Wait until the backend's state is STATE (or beyond, for Connected:
 * never Closing/Closed, which fail with -ENODEV). */
int xenbus_front_wait(struct xenbus_front *f, XenbusState state,
                      unsigned long timeout_ms);
/* Closing, wait for the backend to close, Closed. */
int xenbus_front_close(struct xenbus_front *f, unsigned long timeout_ms);

#endif
