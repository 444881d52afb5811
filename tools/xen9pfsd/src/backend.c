/* backend.c: xen9pfsd's devices: XenStore handshake (docs/misc/9pfs.pandoc),
 * ring mapping, event channels, request processing and JSON status. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <xen/io/xenbus.h>

#include "xen9pfsd/backend.h"
#include "daemon/log.h"
#include "xen9pfsd/p9.h"
#include "xen9pfsd/ring.h"
#include "xen9pfsd/server.h"

#define xen_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)

/* The shared interface page (xen/include/public/io/9pfs.h, ring.h). */
struct intf9 {
    volatile uint32_t in_cons, in_prod;
    uint8_t pad1[56];
    volatile uint32_t out_cons, out_prod;
    uint8_t pad2[56];
    volatile uint32_t ring_order;
    volatile uint32_t ref[];
};

struct p9d_ring {
    struct p9d_device *dev;
    unsigned int index;
    struct intf9 *intf;
    uint8_t *data; /* in: data, out: data + size */
    uint32_t order, size;
    evtchn_port_t port;         /* ours */
    unsigned long ref, remote;  /* ring-ref<i>, event-channel-<i> */
    uint32_t out_cons, in_prod; /* our private copies */
    uint8_t *req, *resp;
    uint32_t resp_len, resp_done; /* a reply waiting for room */
};

struct p9d_device {
    struct p9d *d;
    unsigned int domid, devid;
    char *key, *bepath, *fepath, *fe_state_path, *token;
    struct share_config cfg;
    char *share_path, *tag;
    struct p9_server *srv;
    struct p9_server *inherit; /* fids a clone takes when it connects */
    unsigned int nrings;
    struct p9d_ring rings[P9D_MAX_RINGS];
    bool connected, failed;
    uint64_t requests, errors;
};

static char *xs_get(struct p9d *d, const char *dir, const char *key)
{
    char *path = g_strdup_printf("%s/%s", dir, key);
    char *v = xs_read(d->xsh, XBT_NULL, path, NULL);

    g_free(path);
    return v;
}

static int xs_set(struct p9d *d, const char *dir, const char *key,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int xs_set(struct p9d *d, const char *dir, const char *key,
                  const char *fmt, ...)
{
    char *path = g_strdup_printf("%s/%s", dir, key), *v;
    va_list ap;
    bool ok;

    va_start(ap, fmt);
    v = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    ok = xs_write(d->xsh, XBT_NULL, path, v, strlen(v));
    g_free(path);
    g_free(v);
    return ok ? 0 : -(errno ? errno : EIO);
}

static int xs_get_uint(struct p9d *d, const char *dir, const char *key,
                       unsigned long *out)
{
    char *v = xs_get(d, dir, key), *end;
    int rc = 0;

    if (!v)
        return -ENOENT;
    errno = 0;
    *out = strtoul(v, &end, 10);
    if (errno || end == v || *end)
        rc = -EINVAL;
    free(v);
    return rc;
}

static int be_state(struct p9d_device *dev, XenbusState st)
{
    return xs_set(dev->d, dev->bepath, "state", "%d", (int)st);
}

static int fe_state(struct p9d_device *dev)
{
    unsigned long st;

    return xs_get_uint(dev->d, dev->fepath, "state", &st) < 0
               ? XenbusStateUnknown
               : (int)st;
}

/* ---- status ---- */

static void write_status(struct p9d *d)
{
    GString *s;
    GHashTableIter it;
    gpointer v;
    bool first = true;
    char *tmp;

    if (!d->opt.status_file || !d->opt.status_file[0])
        return;
    s = g_string_new("{\"devices\": [");
    g_hash_table_iter_init(&it, d->devices);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        struct p9d_device *dev = v;
        char *path = g_strescape(dev->share_path ? dev->share_path : "", NULL);

        g_string_append_printf(
            s,
            "%s\n  {\"domid\": %u, \"devid\": %u, \"path\": \"%s\", "
            "\"read_only\": %s, \"connected\": %s, \"failed\": %s, "
            "\"rings\": %u, \"msize\": %u, \"fids\": %u, "
            "\"requests\": %" PRIu64 ", \"errors\": %" PRIu64 "}",
            first ? "" : ",", dev->domid, dev->devid, path,
            dev->cfg.readonly ? "true" : "false",
            dev->connected ? "true" : "false", dev->failed ? "true" : "false",
            dev->nrings, dev->srv ? p9_server_msize(dev->srv) : 0,
            dev->srv ? p9_server_nfids(dev->srv) : 0, dev->requests,
            dev->errors);
        first = false;
        g_free(path);
    }
    g_string_append(s, "\n]}\n");
    tmp = g_strdup_printf("%s.tmp", d->opt.status_file);
    if (!g_file_set_contents(tmp, s->str, (gssize)s->len, NULL) ||
        rename(tmp, d->opt.status_file) < 0)
        log_warn("cannot write the status file %s", d->opt.status_file);
    g_free(tmp);
    g_string_free(s, TRUE);
}

/* ---- rings ---- */

static void ring_unmap(struct p9d_ring *r)
{
    struct p9d *d;

    if (!r->dev)
        return; /* never mapped */
    d = r->dev->d;

    if (r->port) {
        g_hash_table_remove(d->ports, GUINT_TO_POINTER(r->port));
        xenevtchn_unbind(d->xce, r->port);
    }
    if (r->data)
        xengnttab_unmap(d->xgt, r->data, 1u << r->order);
    if (r->intf)
        xengnttab_unmap(d->xgt, r->intf, 1);
    g_free(r->req);
    g_free(r->resp);
    memset(r, 0, sizeof(*r));
}

static int ring_map(struct p9d_device *dev, unsigned int i)
{
    struct p9d *d = dev->d;
    struct p9d_ring *r = &dev->rings[i];
    char key[32];
    unsigned long ref, port;
    uint32_t refs[512];
    xenevtchn_port_or_error_t local;
    int rc;

    r->dev = dev;
    r->index = i;
    snprintf(key, sizeof(key), "ring-ref%u", i);
    rc = xs_get_uint(d, dev->fepath, key, &ref);
    if (rc < 0)
        return rc;
    snprintf(key, sizeof(key), "event-channel-%u", i);
    rc = xs_get_uint(d, dev->fepath, key, &port);
    if (rc < 0)
        return rc;
    r->ref = ref;
    r->remote = port;
    r->intf = xengnttab_map_grant_ref(d->xgt, dev->domid, (uint32_t)ref,
                                      PROT_READ | PROT_WRITE);
    if (!r->intf)
        return -(errno ? errno : EFAULT);
    r->order = r->intf->ring_order;
    if (!ring9_order_ok(r->order, d->opt.max_ring_order))
        return -EINVAL;
    for (uint32_t k = 0; k < (1u << r->order); k++)
        refs[k] = r->intf->ref[k];
    r->data = xengnttab_map_domain_grant_refs(
        d->xgt, 1u << r->order, dev->domid, refs, PROT_READ | PROT_WRITE);
    if (!r->data)
        return -(errno ? errno : EFAULT);
    r->size = ring9_size(r->order);
    /* Attach where the indexes stand: a restarted daemon or a clone's
     * copied ring go on from there. */
    r->out_cons = r->intf->out_cons;
    r->in_prod = r->intf->in_prod;
    local = xenevtchn_bind_interdomain(d->xce, dev->domid, (uint32_t)port);
    if (local < 0)
        return -(errno ? errno : EINVAL);
    r->port = (evtchn_port_t)local;
    g_hash_table_insert(d->ports, GUINT_TO_POINTER(r->port), r);
    r->req = g_malloc(d->opt.max_msize);
    r->resp = g_malloc(d->opt.max_msize);
    return 0;
}

/* Copy as much of the pending reply as the in ring has room for. 1 when
 * it is all out, 0 if some waits, -EPROTO if the frontend's index lies. */
static int ring_flush(struct p9d_ring *r)
{
    uint32_t space, n, cons = r->intf->in_cons;
    int rc;

    xen_mb();
    rc = ring9_space(r->in_prod, cons, r->size, &space);
    if (rc < 0)
        return rc;
    n = r->resp_len - r->resp_done;
    if (n > space)
        n = space;
    if (n) {
        ring9_write(r->data, r->size, r->in_prod, r->resp + r->resp_done, n);
        xen_wmb();
        r->in_prod += n;
        r->intf->in_prod = r->in_prod;
        r->resp_done += n;
        xenevtchn_notify(r->dev->d->xce, r->port);
    }
    if (r->resp_done < r->resp_len)
        return 0;
    r->resp_len = r->resp_done = 0;
    return 1;
}

static void device_fail(struct p9d_device *dev, const char *step, int rc);

/* Answer every whole request in the out ring. */
static void ring_serve(struct p9d_ring *r)
{
    struct p9d_device *dev = r->dev;
    const char *step = "reading the out ring's indexes";
    uint32_t avail, prod, size;
    uint8_t hdr[P9_HDR_SIZE];
    int rc;

    for (;;) {
        if (r->resp_len) {
            step = "writing a reply into the in ring";
            rc = ring_flush(r);
            if (rc < 0)
                goto fail;
            if (rc == 0)
                return; /* the frontend notifies when it has read */
        }
        step = "reading the out ring's indexes";
        prod = r->intf->out_prod;
        xen_rmb();
        rc = ring9_avail(prod, r->out_cons, r->size, &avail);
        if (rc < 0)
            goto fail;
        if (avail < P9_HDR_SIZE)
            return;
        ring9_read(r->data + r->size, r->size, r->out_cons, hdr, sizeof(hdr));
        size = hdr[0] | hdr[1] << 8 | hdr[2] << 16 | (uint32_t)hdr[3] << 24;
        step = "checking a request's size";
        if (size < P9_HDR_SIZE || size > p9_server_msize(dev->srv) ||
            size > r->size) {
            rc = -EMSGSIZE;
            goto fail;
        }
        if (avail < size)
            return; /* the rest is on its way */
        ring9_read(r->data + r->size, r->size, r->out_cons, r->req, size);
        /* Our copy is what we parse: its size field is the one checked. */
        memcpy(r->req, hdr, 4);
        xen_mb();
        r->out_cons += size;
        r->intf->out_cons = r->out_cons;
        r->resp_len = (uint32_t)p9_server_handle(
            dev->srv, r->req, size, r->resp, dev->d->opt.max_msize);
        r->resp_done = 0;
        dev->requests++;
        if (r->resp_len >= P9_HDR_SIZE && r->resp[4] == 7 /* Rlerror */)
            dev->errors++;
        if (r->req[4] == P9_TVERSION)
            log_info("device %s: Tversion, msize %u", dev->key,
                     p9_server_msize(dev->srv));
    }
fail:
    device_fail(dev, step, rc);
}

/* ---- devices ---- */

static void device_disconnect(struct p9d_device *dev)
{
    for (unsigned int i = 0; i < P9D_MAX_RINGS; i++)
        ring_unmap(&dev->rings[i]);
    dev->nrings = 0;
    p9_server_free(dev->srv);
    dev->srv = NULL;
    dev->connected = false;
}

/* A protocol error: the device is closed, other devices go on. */
static void device_fail(struct p9d_device *dev, const char *step, int rc)
{
    log_err("device %s (domain %u) failed at %s: %s; closing it", dev->key,
            dev->domid, step, g_strerror(-rc));
    device_disconnect(dev);
    dev->failed = true;
    be_state(dev, XenbusStateClosing);
    write_status(dev->d);
}

static void device_free(gpointer p)
{
    struct p9d_device *dev = p;

    device_disconnect(dev);
    if (dev->fe_state_path)
        xs_unwatch(dev->d->xsh, dev->fe_state_path, dev->token);
    p9_server_free(dev->inherit);
    g_free(dev->key);
    g_free(dev->bepath);
    free(dev->fepath);
    g_free(dev->fe_state_path);
    g_free(dev->token);
    free(dev->share_path);
    free(dev->tag);
    g_free(dev);
}

/* Parse a limit key ("max-files", "max-bytes"): 0 if absent. */
static int read_limit(struct p9d *d, const char *be, const char *key,
                      uint64_t *out)
{
    unsigned long v;
    int rc = xs_get_uint(d, be, key, &v);

    *out = rc == 0 ? v : 0;
    return rc == -ENOENT ? 0 : rc;
}

static int device_connect(struct p9d_device *dev)
{
    struct p9d *d = dev->d;
    const char *step = "reading the frontend's version";
    char *version = NULL;
    unsigned long nrings;
    uint32_t msize = d->opt.max_msize;
    bool takeover;
    int rc;

    /*
     * A frontend ready at our start: a daemon before us may have served it
     * (its fids died with it, whether it was killed or stopped). A new
     * session (Tversion) clears this at once.
     */
    takeover = d->starting;

    version = xs_get(d, dev->fepath, "version");
    if (!version || strcmp(version, "1")) {
        rc = -EPROTONOSUPPORT;
        goto fail;
    }
    step = "reading num-rings";
    rc = xs_get_uint(d, dev->fepath, "num-rings", &nrings);
    if (rc == 0 && (nrings < 1 || nrings > P9D_MAX_RINGS))
        rc = -EINVAL;
    if (rc < 0)
        goto fail;
    step = "mapping the rings";
    for (unsigned int i = 0; i < nrings; i++) {
        dev->nrings = i + 1;
        rc = ring_map(dev, i);
        if (rc < 0)
            goto fail;
        if (dev->rings[i].size < msize)
            msize = dev->rings[i].size;
    }
    step = "opening the share";
    rc = p9_server_new(&dev->cfg, msize, &dev->srv, &step);
    if (rc < 0)
        goto fail;
    if (takeover) {
        /* Its fids died with that daemon: requests in flight and later
         * ones get EIO until the guest starts a new session. */
        p9_server_set_stale(dev->srv);
        log_info("device %s: taken over from a previous daemon; its session "
                 "gets EIO until a new Tversion",
                 dev->key);
    }
    if (dev->inherit) {
        step = "taking the parent's fids";
        rc = p9_server_clone_fids(dev->srv, dev->inherit);
        if (rc < 0)
            goto fail;
        p9_server_free(dev->inherit);
        dev->inherit = NULL;
    }
    step = "switching to Connected";
    rc = be_state(dev, XenbusStateConnected);
    if (rc < 0)
        goto fail;
    dev->connected = true;
    dev->failed = false;
    log_info("device %s: domain %u connected, %u ring(s) of order %u, "
             "share %s%s",
             dev->key, dev->domid, dev->nrings, dev->rings[0].order,
             dev->share_path, dev->cfg.readonly ? " (read-only)" : "");
    free(version);
    /* Requests written before we attached (a clone, a restart). */
    for (unsigned int i = 0; i < dev->nrings; i++)
        ring_serve(&dev->rings[i]);
    return 0;
fail:
    log_err("device %s (domain %u) failed at %s: %s", dev->key, dev->domid,
            step, g_strerror(-rc));
    free(version);
    device_disconnect(dev);
    dev->failed = true;
    be_state(dev, XenbusStateClosing);
    return rc;
}

/* Do the frontend's ring-ref0/event-channel-0 differ from ours? */
static bool rings_changed(struct p9d_device *dev)
{
    unsigned long ref, port;

    if (xs_get_uint(dev->d, dev->fepath, "ring-ref0", &ref) < 0 ||
        xs_get_uint(dev->d, dev->fepath, "event-channel-0", &port) < 0)
        return false;
    return ref != dev->rings[0].ref || port != dev->rings[0].remote;
}

/* Has the toolstack asked the backend to close (libxl's device removal:
 * online 0, backend state Closing)? */
static bool toolstack_closing(struct p9d_device *dev)
{
    unsigned long online = 1, st = 0;

    xs_get_uint(dev->d, dev->bepath, "online", &online);
    xs_get_uint(dev->d, dev->bepath, "state", &st);
    return online == 0 && st == XenbusStateClosing;
}

/* Follow the frontend's state. */
static void device_step(struct p9d_device *dev)
{
    int fe = fe_state(dev);

    if (toolstack_closing(dev)) {
        if (dev->connected)
            log_info("device %s: closed by the toolstack", dev->key);
        device_disconnect(dev);
        be_state(dev, XenbusStateClosed);
        write_status(dev->d);
        return;
    }

    switch (fe) {
    case XenbusStateInitialised:
    case XenbusStateConnected:
        if (dev->connected && rings_changed(dev)) {
            /* The frontend started over with new rings (we may have
             * missed its Initialising): attach to those. */
            log_info("device %s: the frontend has new rings", dev->key);
            device_disconnect(dev);
        }
        if (!dev->connected && !dev->failed)
            device_connect(dev);
        break;
    case XenbusStateInitialising:
        /* A frontend starting (again): offer ourselves anew. */
        if (dev->connected)
            device_disconnect(dev);
        dev->failed = false;
        be_state(dev, XenbusStateInitWait);
        break;
    case XenbusStateClosing:
        device_disconnect(dev);
        be_state(dev, XenbusStateClosing);
        break;
    case XenbusStateClosed:
    case XenbusStateUnknown: /* its domain is gone */
    default:
        if (dev->connected)
            log_info("device %s: frontend closed (state %d)", dev->key, fe);
        device_disconnect(dev);
        if (fe == XenbusStateClosed)
            be_state(dev, XenbusStateClosed);
        if (fe == XenbusStateUnknown &&
            !xs_is_domain_introduced(dev->d->xsh, dev->domid)) {
            /* Its domain is gone and no toolstack cleans up after
             * xen9pfs-attach: remove the backend (the watch frees it). */
            log_info("device %s: domain %u is gone", dev->key, dev->domid);
            xs_rm(dev->d->xsh, XBT_NULL, dev->bepath);
            return;
        }
        break;
    }
    write_status(dev->d);
}

static struct p9d_device *device_new(struct p9d *d, unsigned int domid,
                                     unsigned int devid)
{
    struct p9d_device *dev = g_new0(struct p9d_device, 1);
    const char *step = "reading the frontend's path";
    unsigned long ro = 0;
    char *sm = NULL;
    int rc;

    dev->d = d;
    dev->domid = domid;
    dev->devid = devid;
    dev->key = g_strdup_printf("%u/%u", domid, devid);
    dev->bepath = g_strdup_printf("/local/domain/%u/backend/9pfs/%u/%u",
                                  d->self, domid, devid);
    dev->fepath = xs_get(d, dev->bepath, "frontend");
    if (!dev->fepath) {
        rc = -ENOENT;
        goto fail;
    }
    step = "reading the share's path";
    dev->share_path = xs_get(d, dev->bepath, "path");
    if (!dev->share_path) {
        rc = -ENOENT;
        goto fail;
    }
    step = "reading security_model";
    sm = xs_get(d, dev->bepath, "security_model");
    if (sm && strcmp(sm, "none")) {
        rc = -EOPNOTSUPP;
        goto fail;
    }
    step = "reading the limits";
    rc = xs_get_uint(d, dev->bepath, "read-only", &ro);
    if (rc == -ENOENT)
        rc = 0;
    if (rc == 0)
        rc = read_limit(d, dev->bepath, "max-files", &dev->cfg.max_files);
    if (rc == 0)
        rc = read_limit(d, dev->bepath, "max-bytes", &dev->cfg.max_bytes);
    if (rc < 0)
        goto fail;
    dev->cfg.path = dev->share_path;
    dev->cfg.readonly = ro != 0;
    step = "checking the share's directory";
    {
        struct share sh;
        const char *s2;

        rc = share_open(&sh, &dev->cfg, &s2);
        if (rc < 0)
            goto fail;
        share_close(&sh);
    }
    step = "publishing our features";
    rc = xs_set(d, dev->bepath, "versions", "1");
    if (rc == 0)
        rc = xs_set(d, dev->bepath, "max-rings", "%u", P9D_MAX_RINGS);
    if (rc == 0)
        rc = xs_set(d, dev->bepath, "max-ring-page-order", "%u",
                    d->opt.max_ring_order);
    if (rc < 0)
        goto fail;
    step = "watching the frontend's state";
    dev->fe_state_path = g_strdup_printf("%s/state", dev->fepath);
    dev->token = g_strdup_printf("fe:%s", dev->key);
    if (!xs_watch(d->xsh, dev->fe_state_path, dev->token)) {
        rc = -errno;
        g_free(dev->fe_state_path);
        dev->fe_state_path = NULL;
        goto fail;
    }
    free(sm);
    log_info("device %s: domain %u, share %s%s", dev->key, domid,
             dev->share_path, dev->cfg.readonly ? " (read-only)" : "");
    if (fe_state(dev) != XenbusStateInitialised &&
        fe_state(dev) != XenbusStateConnected)
        be_state(dev, XenbusStateInitWait);
    return dev;
fail:
    log_err("device %u/%u failed at %s: %s", domid, devid, step,
            g_strerror(-rc));
    free(sm);
    /* Tell the frontend and the toolstack: this device will not work. */
    be_state(dev, XenbusStateClosed);
    device_free(dev);
    return NULL;
}

struct p9d_device *p9d_find(struct p9d *d, unsigned int domid,
                            unsigned int devid)
{
    char key[32];

    snprintf(key, sizeof(key), "%u/%u", domid, devid);
    return g_hash_table_lookup(d->devices, key);
}

/* Something changed under backend/9pfs/DOMID/DEVID. */
static void device_check(struct p9d *d, unsigned int domid, unsigned int devid)
{
    struct p9d_device *dev = p9d_find(d, domid, devid);
    char *bepath = g_strdup_printf("/local/domain/%u/backend/9pfs/%u/%u",
                                   d->self, domid, devid);
    char *fe = xs_get(d, bepath, "frontend");
    char *path = xs_get(d, bepath, "path");

    if (!fe || !path) {
        /* Removed by the toolstack (or not written yet). */
        if (dev && !fe) {
            log_info("device %s removed", dev->key);
            g_hash_table_remove(d->devices, dev->key);
            write_status(d);
        }
        goto out;
    }
    if (!dev) {
        dev = device_new(d, domid, devid);
        if (!dev)
            goto out;
        g_hash_table_insert(d->devices, dev->key, dev);
    }
    device_step(dev);
out:
    free(fe);
    free(path);
    g_free(bepath);
}

void p9d_scan(struct p9d *d)
{
    char *base = g_strdup_printf("/local/domain/%u/backend/9pfs", d->self);
    unsigned int nd = 0, nn;
    char **doms = xs_directory(d->xsh, XBT_NULL, base, &nd);

    for (unsigned int i = 0; doms && i < nd; i++) {
        char *dir = g_strdup_printf("%s/%s", base, doms[i]);
        char **devs = xs_directory(d->xsh, XBT_NULL, dir, &nn);

        for (unsigned int k = 0; devs && k < nn; k++)
            device_check(d, (unsigned int)strtoul(doms[i], NULL, 10),
                         (unsigned int)strtoul(devs[k], NULL, 10));
        free(devs);
        g_free(dir);
    }
    free(doms);
    g_free(base);
}

/* @releaseDomain: remove the backends of domains that are gone (when
 * their frontend went, the domain was still there). The watch on the
 * backend directory then frees each device. */
static void release_gone(struct p9d *d)
{
    GHashTableIter it;
    gpointer v;

    g_hash_table_iter_init(&it, d->devices);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        struct p9d_device *dev = v;

        /* A clone's child is not introduced yet while xencloned sets it
         * up, but its frontend is there. */
        if (fe_state(dev) == XenbusStateUnknown &&
            !xs_is_domain_introduced(d->xsh, dev->domid)) {
            log_info("device %s: domain %u is gone", dev->key, dev->domid);
            xs_rm(d->xsh, XBT_NULL, dev->bepath);
        }
    }
}

void p9d_handle_watches(struct p9d *d)
{
    unsigned int n;
    char **ev = xs_check_watch(d->xsh);
    char *prefix = g_strdup_printf("/local/domain/%u/backend/9pfs/", d->self);

    for (; ev; free(ev), ev = xs_check_watch(d->xsh)) {
        const char *path = ev[XS_WATCH_PATH], *token = ev[XS_WATCH_TOKEN];
        unsigned int domid, devid;

        if (!strcmp(token, "release")) {
            release_gone(d);
        } else if (!strncmp(token, "fe:", 3)) {
            if (sscanf(token + 3, "%u/%u", &domid, &devid) == 2)
                device_check(d, domid, devid);
        } else if (!strncmp(path, prefix, strlen(prefix))) {
            n = sscanf(path + strlen(prefix), "%u/%u", &domid, &devid);
            if (n == 2)
                device_check(d, domid, devid);
            else if (n == 1)
                p9d_scan(d); /* a whole domain's directory went away */
        }
    }
    g_free(prefix);
}

void p9d_handle_events(struct p9d *d)
{
    xenevtchn_port_or_error_t port = xenevtchn_pending(d->xce);
    struct p9d_ring *r;

    if (port < 0)
        return;
    xenevtchn_unmask(d->xce, (evtchn_port_t)port);
    r = g_hash_table_lookup(d->ports, GUINT_TO_POINTER(port));
    if (r && r->dev->connected) {
        ring_serve(r);
        /* Counters in the status file stay coarse: once per event. */
    }
}

int p9d_open(struct p9d *d, const struct p9d_options *opt)
{
    const char *step = "opening XenStore";
    char *base = NULL, *dom = NULL;
    int rc;

    memset(d, 0, sizeof(*d));
    d->opt = *opt;
    d->devices =
        g_hash_table_new_full(g_str_hash, g_str_equal, NULL, device_free);
    d->ports = g_hash_table_new(g_direct_hash, g_direct_equal);
    d->xsh = xs_open(0);
    if (!d->xsh) {
        rc = -errno;
        goto fail;
    }
    step = "reading our domid";
    dom = xs_read(d->xsh, XBT_NULL, "domid", NULL);
    d->self = dom ? (unsigned int)strtoul(dom, NULL, 10) : 0;
    step = "opening event channels";
    d->xce = xenevtchn_open(NULL, 0);
    if (!d->xce) {
        rc = -errno;
        goto fail;
    }
    step = "opening grant mapping";
    d->xgt = xengnttab_open(NULL, 0);
    if (!d->xgt) {
        rc = -errno;
        goto fail;
    }
    /* Rings of order 9 map 512 pages each, up to 4 rings a device. */
    xengnttab_set_max_grants(d->xgt, 65536);
    step = "watching backend/9pfs";
    base = g_strdup_printf("/local/domain/%u/backend/9pfs", d->self);
    if (!xs_watch(d->xsh, base, "backend")) {
        rc = -errno;
        goto fail;
    }
    step = "watching @releaseDomain";
    if (!xs_watch(d->xsh, "@releaseDomain", "release")) {
        rc = -errno;
        goto fail;
    }
    g_free(base);
    free(dom);
    write_status(d);
    return 0;
fail:
    log_err("cannot start: %s failed: %s", step, g_strerror(-rc));
    g_free(base);
    free(dom);
    p9d_close(d);
    return rc;
}

void p9d_close(struct p9d *d)
{
    if (d->devices) {
        GHashTableIter it;
        gpointer v;

        /* Our frontends see us go: Closed, then nothing is mapped. */
        g_hash_table_iter_init(&it, d->devices);
        while (g_hash_table_iter_next(&it, NULL, &v))
            be_state(v, XenbusStateClosed);
        g_hash_table_destroy(d->devices);
        d->devices = NULL;
    }
    if (d->ports)
        g_hash_table_destroy(d->ports);
    d->ports = NULL;
    if (d->xgt)
        xengnttab_close(d->xgt);
    if (d->xce)
        xenevtchn_close(d->xce);
    if (d->xsh)
        xs_close(d->xsh);
    d->xgt = NULL;
    d->xce = NULL;
    d->xsh = NULL;
}

/* Copy the directory FROM to TO (keys one level deep), with OWNER owning
 * it and READER reading it; KEY_SKIP keys are left out; REWRITE_KEY gets
 * REWRITE_VAL. One transaction. */
static int copy_dir(struct p9d *d, const char *from, const char *to,
                    unsigned int owner, unsigned int reader,
                    const char *const *skip, const char *rewrite_key,
                    const char *rewrite_val)
{
    struct xs_permissions perms[2] = {{.id = owner, .perms = XS_PERM_NONE},
                                      {.id = reader, .perms = XS_PERM_READ}};
    unsigned int n = 0;
    char **keys = NULL;
    int rc = 0;

    for (int tries = 0; tries < 10; tries++) {
        xs_transaction_t t = xs_transaction_start(d->xsh);

        if (!t)
            return -errno;
        keys = xs_directory(d->xsh, t, from, &n);
        if (!keys || !xs_mkdir(d->xsh, t, to) ||
            !xs_set_permissions(d->xsh, t, to, perms, 2)) {
            rc = -(errno ? errno : ENOENT);
            goto abort;
        }
        for (unsigned int i = 0; i < n; i++) {
            char *src = g_strdup_printf("%s/%s", from, keys[i]);
            char *dst = g_strdup_printf("%s/%s", to, keys[i]);
            unsigned int len;
            char *v = NULL;
            bool skipped = false, ok;

            for (const char *const *k = skip; *k; k++)
                skipped |= !strcmp(*k, keys[i]);
            if (!skipped && !strcmp(keys[i], rewrite_key))
                ok = xs_write(d->xsh, t, dst, rewrite_val, strlen(rewrite_val));
            else if (!skipped) {
                v = xs_read(d->xsh, t, src, &len);
                ok = v && xs_write(d->xsh, t, dst, v, len);
            } else
                ok = true;
            free(v);
            g_free(src);
            g_free(dst);
            if (!ok) {
                rc = -(errno ? errno : EIO);
                goto abort;
            }
        }
        free(keys);
        keys = NULL;
        if (xs_transaction_end(d->xsh, t, false))
            return 0;
        if (errno != EAGAIN)
            return -errno;
        continue;
    abort:
        free(keys);
        xs_transaction_end(d->xsh, t, true);
        return rc;
    }
    return -EAGAIN;
}

int p9d_clone_device(struct p9d *d, unsigned int parent, unsigned int child,
                     unsigned int devid, const char **step)
{
    static const char *const fe_skip[] = {NULL};
    static const char *const be_skip[] = {"frontend-id", "state", NULL};
    struct p9d_device *pdev = p9d_find(d, parent, devid), *cdev;
    char *fe = NULL, *be = NULL;
    char id[16];
    int rc;

    *step = "finding the parent's device";
    if (!pdev || !pdev->connected || !pdev->srv)
        return -ENODEV;
    *step = "checking the child's device";
    if (p9d_find(d, child, devid))
        return -EEXIST;
    fe = g_strdup_printf("/local/domain/%u/device/9pfs/%u", child, devid);
    be = g_strdup_printf("/local/domain/%u/backend/9pfs/%u/%u", d->self, child,
                         devid);
    /* The child's frontend: the parent's keys (rings, port, state
     * Connected: the guest's copy goes on), our new backend path. */
    *step = "copying the frontend's nodes";
    rc = copy_dir(d, pdev->fepath, fe, child, d->self, fe_skip, "backend", be);
    if (rc < 0)
        goto out;
    *step = "copying the backend's nodes";
    rc = copy_dir(d, pdev->bepath, be, d->self, child, be_skip, "frontend", fe);
    snprintf(id, sizeof(id), "%u", child);
    if (rc == 0)
        rc = xs_set(d, be, "frontend-id", "%s", id);
    if (rc == 0)
        rc = xs_set(d, be, "state", "%d", XenbusStateInitialising);
    if (rc < 0)
        goto out;
    *step = "creating the child's device";
    cdev = device_new(d, child, devid);
    if (!cdev) {
        rc = -EIO;
        goto out;
    }
    g_hash_table_insert(d->devices, cdev->key, cdev);
    /* Every fid of the parent, same numbers, same host objects and modes. */
    *step = "copying the parent's fids";
    rc = p9_server_new(&pdev->cfg, p9_server_msize(pdev->srv), &cdev->inherit,
                       step);
    if (rc == 0)
        rc = p9_server_clone_fids(cdev->inherit, pdev->srv);
    if (rc < 0)
        goto out;
    *step = "connecting to the child's copied ring";
    rc = device_connect(cdev);
    if (rc == 0)
        log_info("device %s: clone of %s with %u fids, ring indexes out "
                 "%u/%u in %u/%u",
                 cdev->key, pdev->key, p9_server_nfids(cdev->srv),
                 cdev->rings[0].out_cons, cdev->rings[0].intf->out_prod,
                 cdev->rings[0].intf->in_cons, cdev->rings[0].in_prod);
    write_status(d);
out:
    g_free(fe);
    g_free(be);
    return rc;
}
