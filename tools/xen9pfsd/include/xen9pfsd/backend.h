/* backend.h: the Xen side of xen9pfsd: devices found under backend/9pfs in
 * XenStore, their handshake, rings, event channels and JSON status. */
#ifndef XEN9PFSD_BACKEND_H
#define XEN9PFSD_BACKEND_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>

#define P9D_MAX_RINGS 4u /* advertised as max-rings */

struct p9d_options {
    unsigned int max_ring_order; /* advertised max-ring-page-order */
    uint32_t max_msize;          /* upper bound on the negotiated msize */
    const char *status_file;     /* JSON status rewritten on changes; "" */
};

struct p9d {
    struct p9d_options opt;
    struct xs_handle *xsh;
    xenevtchn_handle *xce;
    xengnttab_handle *xgt;
    GHashTable *devices; /* "DOMID/DEVID" -> struct p9d_device */
    GHashTable *ports;   /* local port -> struct p9d_ring */
    unsigned int self;   /* our domid (the backend domain) */
    bool starting;       /* the first scan: devices a dead daemon served */
};

/* Open XenStore, event channels, grant mapping; watch backend/9pfs. 0 or
 * -errno (logged with the failing step). */
int p9d_open(struct p9d *d, const struct p9d_options *opt);
/* Look at every device already under backend/9pfs (daemon restart). */
void p9d_scan(struct p9d *d);
/* Handle XenStore watch events (the XenStore fd is readable). */
void p9d_handle_watches(struct p9d *d);
/* Serve rings whose event channels fired (the evtchn fd is readable). */
void p9d_handle_events(struct p9d *d);
/* Disconnect every device (backends go Closed) and close handles. */
void p9d_close(struct p9d *d);

/* The device DOMID/DEVID, or NULL. */
struct p9d_device *p9d_find(struct p9d *d, unsigned int domid,
                            unsigned int devid);
/*
 * Cloning: give the connected device CHILD_DOMID/DEVID (its backend nodes
 * already copied) the fids of PARENT's device, attaching to the child's
 * rings where their indexes stand. 0 or -errno, *STEP set.
 */
int p9d_clone_device(struct p9d *d, unsigned int parent, unsigned int child,
                     unsigned int devid, const char **step);

#endif
