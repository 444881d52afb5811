/* service.c: open the Xen handles, register the notification ring with
 * Xen, map it (DOMID_XEN frames), bind VIRQ_CLONED; the VIRQ handler. */
#include <errno.h>
#include <inttypes.h>
#include <sys/mman.h>
#include <unistd.h>

#include "xencloned/child.h"
#include "xencloned/firstrun.h"
#include "daemon/log.h"
#include "xencloned/service.h"
#include "xencloned/stock.h"
#include "xencloned/vifclone.h"

int service_open(struct cloned_service *s, const struct cloned_config *c)
{
    int rc = 0;

    *s = (struct cloned_service){.config = c};
    s->started_us = g_get_monotonic_time();
    s->policy_seen =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    s->xch = xc_interface_open(NULL, NULL, 0);
    if (!s->xch) {
        rc = -errno;
        log_err("cannot open libxenctrl (is this Dom0 on Xen?): %s",
                g_strerror(errno));
        goto out;
    }
    s->xce = xenevtchn_open(NULL, 0);
    if (!s->xce) {
        rc = -errno;
        log_err("cannot open the event channel device: %s", g_strerror(errno));
        goto out;
    }
    s->fmem = xenforeignmemory_open(NULL, 0);
    if (!s->fmem) {
        rc = -errno;
        log_err("cannot open the foreign memory device: %s", g_strerror(errno));
        goto out;
    }
    s->xsh = xs_open(0);
    if (!s->xsh) {
        rc = -errno;
        log_err("cannot connect to xenstored: %s", g_strerror(errno));
        goto out;
    }
    rc = vifclone_open(s);
out:
    return rc;
}

int service_register(struct cloned_service *s)
{
    uint64_t mfns[XEN_CLONE_RING_MAX_FRAMES];
    xen_pfn_t pfns[XEN_CLONE_RING_MAX_FRAMES];
    unsigned int n = s->config->ring_pages;
    int rc, port;

    /*
     * Xen hands over the registration of a service that died (its ring is
     * no longer mapped) and announces its pending children again, on our
     * ring, with XEN_CLONE_NOTIFY_REPLAY. -EBUSY: another daemon maps its
     * ring, or (briefly) a clone is posting: try a few times.
     */
    for (int tries = 0;; tries++) {
        rc = xc_clone_register(s->xch, n, mfns) < 0 ? -errno : 0;
        if (rc != -EBUSY || tries == 4)
            break;
        g_usleep(200 * 1000);
    }
    if (rc) {
        if (rc == -EBUSY)
            log_err("another clone service is registered with Xen and "
                    "running");
        else if (rc == -ENOSYS)
            log_err("this hypervisor has no clone_op (CLONEOP_register: "
                    "ENOSYS): it is not a xen-clone build");
        else
            log_err("CLONEOP_register failed: %s", g_strerror(errno));
        goto out;
    }
    s->registered = true;
    for (unsigned int i = 0; i < n; i++)
        pfns[i] = mfns[i];
    s->ring_mem = xenforeignmemory_map(s->fmem, DOMID_XEN,
                                       PROT_READ | PROT_WRITE, n, pfns, NULL);
    if (!s->ring_mem) {
        rc = -errno;
        log_err("cannot map the notification ring: %s", g_strerror(errno));
        goto out;
    }
    s->ring_frames = n;
    rc = ring_attach(&s->ring, s->ring_mem, (size_t)n * XC_PAGE_SIZE);
    if (rc) {
        log_err("the notification ring's header is invalid (nr_ents %u)",
                ((struct xen_clone_ring *)s->ring_mem)->nr_ents);
        goto out;
    }
    port = xenevtchn_bind_virq(s->xce, VIRQ_CLONED);
    if (port < 0) {
        rc = -errno;
        log_err("cannot bind VIRQ_CLONED: %s", g_strerror(errno));
        goto out;
    }
    s->virq_port = port;
    s->virq_bound = true;
    log_info("registered: %u-page ring (%u entries), VIRQ_CLONED on port %d", n,
             s->ring.nr_ents, port);
    rc = 0;
out:
    return rc;
}

int service_virq_fd(const struct cloned_service *s)
{
    return xenevtchn_fd(s->xce);
}

void service_drain(struct cloned_service *s)
{
    struct xen_clone_notification n;
    int got;

    /* The VIRQ (or the start) that announced these children: their wait. */
    s->announced_us = g_get_monotonic_time();
    while ((got = ring_pop(&s->ring, &n)) > 0) {
        log_debug("notification %u: parent %u child %u (k=%u) flags %#x "
                  "store mfn %#" PRIx64 " console mfn %#" PRIx64,
                  n.id, n.parent, n.child, n.index, n.flags, n.child_store_mfn,
                  n.child_console_mfn);
        stock_note_child(s, n.parent, n.child, n.flags);
        if (child_complete(s, &n) == 0)
            s->nr_completed++;
        else
            s->nr_failed++;
    }
    if (got < 0) {
        log_err("the notification ring is corrupt (%u pending, %u entries): "
                "dropping its contents",
                ring_pending(&s->ring), s->ring.nr_ents);
        ring_resync(&s->ring);
    }
    /* A fork may have taken shells, or named a parent: top the stock up. */
    stock_topup(s);
}

int service_handle_virq(struct cloned_service *s)
{
    xenevtchn_port_or_error_t port;
    int rc = 0;

    port = xenevtchn_pending(s->xce);
    if (port < 0) {
        rc = -errno;
        log_err("reading the event channel failed: %s", g_strerror(errno));
        goto out;
    }
    /* Unmask first: a notification after the ring is drained is not lost. */
    xenevtchn_unmask(s->xce, port);
    if ((evtchn_port_t)port != s->virq_port) {
        log_warn("event on unexpected port %d", port);
        goto out;
    }
    service_drain(s);
out:
    return rc;
}

int service_status(struct cloned_service *s, char **out)
{
    struct cloned_stock_info stock;
    struct cloned_status_info info = {
        .pid = (int)getpid(),
        .registered = s->registered,
        .ring_entries = s->ring_mem ? s->ring.nr_ents : 0,
        .ring_pending = s->ring_mem ? ring_pending(&s->ring) : 0,
        .reaped = s->nr_reaped,
        .policies = s->policy_seen ? g_hash_table_size(s->policy_seen) : 0,
        .uptime_us = g_get_monotonic_time() - s->started_us,
        .stock = &stock,
    };

    stock_info(s, &stock);

    return timings_json(&s->timings, &info, out);
}

void service_close(struct cloned_service *s)
{
    firstrun_stop(s);
    if (s->virq_bound)
        xenevtchn_unbind(s->xce, s->virq_port);
    if (s->ring_mem)
        xenforeignmemory_unmap(s->fmem, s->ring_mem, s->ring_frames);
    if (s->registered) {
        if (xc_clone_unregister(s->xch) < 0)
            log_err("CLONEOP_unregister failed: %s", g_strerror(errno));
        else
            log_info("unregistered from Xen (%lu children completed, %lu "
                     "failed)",
                     s->nr_completed, s->nr_failed);
    }
    /* Xen handed its stock back (or never took it): ours to destroy. */
    if (s->xch)
        stock_release(s);
    vifclone_close(s);
    if (s->xsh)
        xs_close(s->xsh);
    if (s->fmem)
        xenforeignmemory_close(s->fmem);
    if (s->xce)
        xenevtchn_close(s->xce);
    if (s->xch)
        xc_interface_close(s->xch);
    if (s->policy_seen)
        g_hash_table_destroy(s->policy_seen);
    *s = (struct cloned_service){0};
}
