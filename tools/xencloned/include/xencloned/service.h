/* service.h: the clone service's handles and its registration with Xen. */
#ifndef XENCLONED_SERVICE_H
#define XENCLONED_SERVICE_H

#include <stdbool.h>
#include <xenctrl.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xenstore.h>

struct xendev_store;

#include "config.h"
#include "ring.h"
#include "timings.h"

struct cloned_service {
    xc_interface *xch;
    xenevtchn_handle *xce;
    xenforeignmemory_handle *fmem;
    struct xs_handle *xsh;
    const struct cloned_config *config;

    bool registered;          /* CLONEOP_register succeeded */
    void *ring_mem;           /* the mapped ring frames */
    unsigned int ring_frames; /* how many */
    struct cloned_ring ring;
    evtchn_port_t virq_port; /* local port bound to VIRQ_CLONED */
    bool virq_bound;

    struct xendev_store *dev_store; /* libxendev's, for cloning vifs */
    struct xs_handle *xsw;          /* watches while a child's vif connects */

    GHashTable *policy_seen; /* "domid:uuid" of domains given a policy */
    unsigned long nr_completed, nr_failed, nr_reaped;

    struct cloned_timings timings; /* per-phase timings of every child */
    gint64 announced_us;           /* when the current drain began */
    gint64 started_us;             /* when the service opened */
    GArray *firstrun;              /* children watched until they run */
    guint firstrun_timer;

    /* Shells we gave Xen's stock for forks (stock.c). */
    uint32_t stock_ids[XEN_CLONE_STOCK_MAX];
    unsigned int nr_stock;
    unsigned int stock_parent; /* the last parent that forked */
    bool stock_quiet; /* chaosd refused or is absent: wait for a fork */
    uint64_t nr_stock_added;
};

/*
 * The JSON status line (timings_json() with the service's state), malloc()ed
 * into *OUT. Returns 0 or -ENOMEM.
 */
int service_status(struct cloned_service *s, char **out);

/* Open the Xen handles. Returns 0 or a negative errno (logged). */
int service_open(struct cloned_service *s, const struct cloned_config *c);

/*
 * Register the notification ring with Xen, map it, bind VIRQ_CLONED.
 * Returns 0 or a negative errno (logged); -EBUSY: another service runs.
 */
int service_register(struct cloned_service *s);

/* The file descriptor that becomes readable when VIRQ_CLONED fires. */
int service_virq_fd(const struct cloned_service *s);

/* Complete every child announced in the ring (without waiting). */
void service_drain(struct cloned_service *s);

/*
 * Handle a VIRQ_CLONED: complete every child announced in the ring.
 * Returns 0, or a negative errno if the service cannot go on.
 */
int service_handle_virq(struct cloned_service *s);

/* Unbind, unmap and unregister (children still waiting are failed by Xen),
 * then close the handles. Safe on a partly opened service. */
void service_close(struct cloned_service *s);

#endif
