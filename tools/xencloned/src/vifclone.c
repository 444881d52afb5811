/* vifclone.c: clone every vif of a parent for a child through libxendev
 * (frontend, backend in state 1, netback's probe, in-process hotplug,
 * Connected); remove them backend first when the child is gone. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <xendev/vif.h>
#include <xendev/xendev.h>

#include "daemon/log.h"
#include "xencloned/vifaddr.h"
#include "xencloned/vifclone.h"

#define MAX_USED_IPS 4096

int vifclone_open(struct cloned_service *s)
{
    int rc = xendev_store_xs_open(&s->dev_store);

    if (rc) {
        log_err("cannot open libxendev's XenStore connection: %s",
                g_strerror(-rc));
        goto out;
    }
    s->xsw = xs_open(0);
    if (!s->xsw) {
        rc = -errno;
        log_err("cannot open a XenStore connection for vif waits: %s",
                g_strerror(errno));
    }
out:
    return rc;
}

void vifclone_close(struct cloned_service *s)
{
    if (s->xsw)
        xs_close(s->xsw);
    s->xsw = NULL;
    xendev_store_xs_close(s->dev_store);
    s->dev_store = NULL;
}

static char *xs_getf(struct xs_handle *xsh, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

static char *xs_getf(struct xs_handle *xsh, const char *fmt, ...)
{
    va_list ap;
    char *path, *v;

    va_start(ap, fmt);
    path = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    v = xs_read(xsh, XBT_NULL, path, NULL);
    g_free(path);
    return v;
}

/* The parent's network mode: its data/clone/net-mode key, else the
 * configuration's. */
static enum cloned_net_mode mode_of(struct cloned_service *s,
                                    unsigned int parent)
{
    char *v = xs_getf(s->xsh, "/local/domain/%u/" VIFCLONE_MODE_KEY, parent);
    enum cloned_net_mode mode = s->config->net_mode;

    if (v && config_net_mode_parse(v, &mode))
        log_warn("domain %u: %s '%s' is not same or new; using %s", parent,
                 VIFCLONE_MODE_KEY, v, config_net_mode_name(mode));
    free(v);
    return mode;
}

/* Every address in an "ip" key of a vif backend of Dom0: taken. */
static size_t used_ips(struct cloned_service *s, uint32_t *used, size_t max)
{
    const char *root = "/local/domain/0/backend/vif";
    unsigned int nd = 0, nv = 0;
    char **doms = xs_directory(s->xsh, XBT_NULL, root, &nd);
    size_t n = 0;

    for (unsigned int i = 0; doms && i < nd; i++) {
        char *dpath = g_strdup_printf("%s/%s", root, doms[i]);
        char **devs = xs_directory(s->xsh, XBT_NULL, dpath, &nv);
        for (unsigned int j = 0; devs && j < nv; j++) {
            char *ip = xs_getf(s->xsh, "%s/%s/ip", dpath, devs[j]);
            uint32_t a;
            char sfx[4];

            if (ip && n < max && !vifaddr_parse(ip, &a, sfx))
                used[n++] = a;
            free(ip);
        }
        free(devs);
        g_free(dpath);
    }
    free(doms);
    return n;
}

/* DEV's backend state (0 if unreadable). */
static unsigned int be_state(struct cloned_service *s, const struct xendev *dev)
{
    char *v = xs_getf(s->xsh, "%s/state", dev->backend);
    unsigned int st = v ? (unsigned int)strtoul(v, NULL, 10) : 0;

    free(v);
    return st;
}

/* Why netback gave up on DEV, from its error node (g_free it). */
static char *be_error(struct cloned_service *s, const struct xendev *dev)
{
    char *v = xs_getf(s->xsh, "/local/domain/%u/error/backend/vif/%u/%u/error",
                      dev->be_domid, dev->fe_domid, dev->devid);
    char *r = g_strdup(v ? v : "no error node");

    free(v);
    return r;
}

/*
 * Log why CHILD's vif DEVID (a copy of PARENT's) failed at STEP with RC
 * (and ERROR, libxendev's detail); when netback closed CDEV (-ENODEV), its
 * own reason too.
 */
static void log_vif_failure(struct cloned_service *s, const struct xendev *cdev,
                            unsigned int child, unsigned int devid,
                            unsigned int parent, const char *step, int rc,
                            const char *error)
{
    log_err("child %u: vif %u of %u failed at %s: %s%s%s%s", child, devid,
            parent, step, g_strerror(-rc), error[0] ? " (" : "", error,
            error[0] ? ")" : "");
    if (rc == -ENODEV) {
        char *why = be_error(s, cdev);

        log_err("child %u: netback closed vif %u: %s", child, devid, why);
        g_free(why);
    }
}

/*
 * Wait until DEV's backend reaches state WANT (or beyond, short of
 * Closing) and, with IFNAME, that interface exists (netback makes it just
 * after InitWait; that is no XenStore event, so it is polled every 10 ms).
 * -ETIMEDOUT after DEADLINE (monotonic us), -ENODEV if netback closes it.
 */
static int wait_backend(struct cloned_service *s, const struct xendev *dev,
                        unsigned int want, const char *ifname, gint64 deadline)
{
    struct xendev_netif *nif = xendev_netif_linux();
    char *path = g_strdup_printf("%s/state", dev->backend);
    int rc;

    if (!xs_watch(s->xsw, path, "vif")) {
        rc = -errno;
        goto out;
    }
    for (;;) {
        unsigned int st = be_state(s, dev);
        gint64 left = deadline - g_get_monotonic_time();
        struct pollfd p = {.fd = xs_fileno(s->xsw), .events = POLLIN};
        char **w;

        if (st >= XENDEV_STATE_CLOSING) {
            rc = -ENODEV;
            break;
        }
        if (st >= want && (!ifname || nif->exists(nif, ifname) == 0)) {
            rc = 0;
            break;
        }
        if (left <= 0) {
            rc = -ETIMEDOUT;
            break;
        }
        poll(&p, 1, st >= want ? 10 : (int)MIN(left / 1000 + 1, 1000));
        while ((w = xs_check_watch(s->xsw)) != NULL)
            free(w);
    }
    xs_unwatch(s->xsw, path, "vif");
out:
    g_free(path);
    return rc;
}

/* Clone the parent's vif DEVID for the child, connected. */
static int clone_one(struct cloned_service *s, unsigned int parent,
                     unsigned int child, unsigned int devid,
                     enum cloned_net_mode mode)
{
    struct xendev_ctx ctx = {.store = s->dev_store,
                             .netif = xendev_netif_linux()};
    struct xendev_vif_clone_opts opts = {0};
    struct xendev pdev, cdev;
    uint32_t *used = NULL, addr;
    char mac[18], ip[20], sfx[4] = "", ifname[XENDEV_IFNAME_MAX];
    char bond[XENDEV_IFNAME_MAX] = "";
    char *be_id = NULL, *pip = NULL, *fe_state = NULL;
    char *mark = NULL, *pid = NULL;
    const char *step = "reading the parent's frontend";
    gint64 t0 = g_get_monotonic_time(), deadline;
    gint64 t_write = t0, t_probe = t0, t_hotplug = t0, t_end;
    unsigned int be = 0;
    bool wait_connected;
    size_t n;
    int rc;

    deadline = t0 + (gint64)s->config->vif_timeout_ms * 1000;
    be_id = xs_getf(s->xsh, "/local/domain/%u/device/vif/%u/backend-id", parent,
                    devid);
    fe_state =
        xs_getf(s->xsh, "/local/domain/%u/device/vif/%u/state", parent, devid);
    if (!be_id || xendev_parse_uint(be_id, XENDEV_DOMID_MAX, &be)) {
        rc = -EINVAL;
        goto fail;
    }
    step = "checking the backend domain";
    if (be != 0) {
        rc = -EOPNOTSUPP; /* the hotplug is done here, in Dom0 */
        goto fail;
    }
    wait_connected = fe_state && !strcmp(fe_state, "4");
    rc = xendev_init(&pdev, &xendev_vif_ops, be, parent, devid);
    rc = rc ?: xendev_init(&cdev, &xendev_vif_ops, be, child, devid);
    rc = rc ?: xendev_vif_ifname(ifname, sizeof(ifname), child, devid);
    if (rc)
        goto fail;
    if (mode == NET_MODE_NEW) {
        step = "choosing the child's address (mode new)";
        used = g_new(uint32_t, MAX_USED_IPS);
        n = used_ips(s, used, MAX_USED_IPS);
        rc = vifaddr_pick(s->config->new_ip_first, s->config->new_ip_last, used,
                          n, &addr);
        if (rc)
            goto fail;
        /* The parent's prefix length goes with the child's address. */
        pip = xs_getf(s->xsh, "%s/ip", pdev.backend);
        if (pip && vifaddr_parse(pip, &(uint32_t){0}, sfx))
            sfx[0] = '\0';
        vifaddr_format(addr, sfx, ip);
        vifaddr_mac(child, mac);
        opts.mac = mac;
        opts.ip = ip;
    }
    step = "writing the child's frontend and backend";
    rc = xendev_vif_clone(&ctx, &pdev, &cdev, &opts);
    if (rc)
        goto fail;
    mark = g_strdup_printf("%s/" VIFCLONE_MARK_KEY, cdev.backend);
    pid = g_strdup_printf("%u", parent);
    if (!xs_write(s->xsh, XBT_NULL, mark, pid, strlen(pid))) {
        rc = -errno;
        goto fail;
    }
    t_write = g_get_monotonic_time();
    step = "waiting for netback to probe the backend (InitWait, vif)";
    rc = wait_backend(s, &cdev, XENDEV_STATE_INITWAIT, ifname, deadline);
    if (rc)
        goto fail;
    t_probe = g_get_monotonic_time();
    if (mode == NET_MODE_SAME && s->config->same_bond) {
        step = "hotplug into the family's bond (bond, up, hotplug-status)";
        rc = xendev_vif_connect_family(&ctx, &pdev, &cdev, bond, sizeof(bond));
    } else {
        step = "hotplug (bridge, up, hotplug-status)";
        rc = xendev_vif_ops.connect(&ctx, &cdev);
    }
    if (rc)
        goto fail;
    t_hotplug = g_get_monotonic_time();
    if (wait_connected) {
        step = "waiting for netback to connect to the copied rings";
        rc = wait_backend(s, &cdev, XENDEV_STATE_CONNECTED, NULL, deadline);
        if (rc)
            goto fail;
    }
    t_end = g_get_monotonic_time();
    log_info("child %u: %s (vif %u of %u) %s, mode %s%s%s%s%s%s%s in %" PRId64
             " us (nodes %" PRId64 ", probe %" PRId64 ", hotplug %" PRId64
             ", connect %" PRId64 " us)",
             child, ifname, devid, parent,
             wait_connected ? "connected"
                            : "plugged (the parent's frontend "
                              "was not connected)",
             config_net_mode_name(mode), opts.mac ? ", mac " : "",
             opts.mac ? opts.mac : "", opts.ip ? ", ip " : "",
             opts.ip ? opts.ip : "", bond[0] ? ", bond " : "", bond, t_end - t0,
             t_write - t0, t_probe - t_write, t_hotplug - t_probe,
             t_end - t_hotplug);
    rc = 0;
    goto out;

fail:
    log_vif_failure(s, &cdev, child, devid, parent, step, rc, ctx.error);
out:
    g_free(mark);
    g_free(pid);
    free(be_id);
    free(fe_state);
    free(pip);
    g_free(used);
    return rc;
}

/* Remove a shell's vif that will not be reused: backend first (netback
 * unplugs it), until its interface is gone, then its frontend stand-in. */
static void remove_shell_vif(struct cloned_service *s, const struct xendev *dev)
{
    struct xendev_netif *nif = xendev_netif_linux();
    char ifname[XENDEV_IFNAME_MAX];
    gint64 deadline =
        g_get_monotonic_time() + (gint64)s->config->vif_timeout_ms * 1000;

    if (!xs_rm(s->xsh, XBT_NULL, dev->backend) && errno != ENOENT)
        log_warn("removing %s failed: %s", dev->backend, g_strerror(errno));
    if (!xendev_vif_ifname(ifname, sizeof(ifname), dev->fe_domid, dev->devid))
        while (nif->exists(nif, ifname) == 0 &&
               g_get_monotonic_time() < deadline)
            g_usleep(2000);
    if (!xs_rm(s->xsh, XBT_NULL, dev->frontend) && errno != ENOENT)
        log_warn("removing %s failed: %s", dev->frontend, g_strerror(errno));
}

int vifclone_plan(struct cloned_service *s, unsigned int parent,
                  unsigned int child, struct vifclone_plan *plan)
{
    struct xendev_ctx ctx = {.store = s->dev_store,
                             .netif = xendev_netif_linux()};
    char *path = g_strdup_printf("/local/domain/0/backend/vif/%u", child);
    unsigned int n = 0, devid;
    char **ids = xs_directory(s->xsh, XBT_NULL, path, &n);
    uint32_t *used = NULL, addr;
    size_t nused = 0;
    int rc = 0;

    memset(plan, 0, sizeof(*plan));
    plan->s = s;
    plan->parent = parent;
    plan->child = child;
    if (!ids || !n || !s->dev_store)
        goto out; /* no shell's vif: the usual path */
    plan->mode = mode_of(s, parent);
    for (unsigned int i = 0; i < n; i++) {
        struct xendev pdev, cdev;
        char *be = NULL, *bridge = NULL, *pip = NULL;
        char sfx[4] = "";
        bool reuse = false;

        if (xendev_parse_uint(ids[i], 0xffff, &devid) ||
            xendev_init(&pdev, &xendev_vif_ops, 0, parent, devid) ||
            xendev_init(&cdev, &xendev_vif_ops, 0, child, devid))
            continue;
        be = xs_getf(s->xsh, "%s/backend-id", pdev.frontend);
        bridge = xs_getf(s->xsh, "%s/bridge", pdev.backend);
        if (!be || strcmp(be, "0") || !bridge)
            log_info("child %u: parent %u has no vif %u on a bridge of "
                     "Dom0: the shell's vif %u is removed",
                     child, parent, devid, devid);
        else if (plan->n == VIFCLONE_MAX_SHELL_VIFS)
            log_info("child %u: more than %d vifs: the shell's vif %u is "
                     "removed",
                     child, VIFCLONE_MAX_SHELL_VIFS, devid);
        else if (xendev_vif_backend_waiting(&ctx, &cdev, bridge))
            log_info("child %u: the shell's vif %u is not reused (%s): "
                     "removed",
                     child, devid, ctx.error);
        else
            reuse = true;
        if (reuse && plan->mode == NET_MODE_NEW) {
            if (!used) {
                used = g_new(uint32_t, MAX_USED_IPS);
                nused =
                    used_ips(s, used, MAX_USED_IPS - VIFCLONE_MAX_SHELL_VIFS);
            }
            rc = vifaddr_pick(s->config->new_ip_first, s->config->new_ip_last,
                              used, nused, &addr);
            if (rc) {
                log_err("child %u: vif %u: no address left for mode new: %s",
                        child, devid, g_strerror(-rc));
                reuse = false;
            } else {
                used[nused++] = addr;
                pip = xs_getf(s->xsh, "%s/ip", pdev.backend);
                if (pip && vifaddr_parse(pip, &(uint32_t){0}, sfx))
                    sfx[0] = '\0';
                vifaddr_format(addr, sfx, plan->vif[plan->n].ip);
                vifaddr_mac(child, plan->vif[plan->n].mac);
            }
        }
        if (reuse)
            plan->vif[plan->n++].devid = devid;
        else
            remove_shell_vif(s, &cdev);
        free(be);
        free(bridge);
        free(pip);
        rc = 0;
    }
out:
    g_free(used);
    free(ids);
    g_free(path);
    return rc;
}

int vifclone_plan_write(struct xs_handle *xsh, xs_transaction_t t, void *arg)
{
    struct vifclone_plan *plan = arg;
    struct xendev_store *bs = NULL;
    struct xendev_ctx ctx = {.netif = xendev_netif_linux()};
    char *p = NULL, *v = NULL;
    int rc;

    if (!plan || !plan->n)
        return 0;
    rc = xendev_store_xs_borrow(xsh, t, &bs);
    if (rc)
        return rc;
    ctx.store = bs;
    v = g_strdup_printf("%u", plan->parent);
    for (unsigned int i = 0; i < plan->n && !rc; i++) {
        struct xendev_vif_clone_opts opts = {.backend_ready = true};
        struct xendev pdev, cdev;

        opts.mac = plan->vif[i].mac[0] ? plan->vif[i].mac : NULL;
        opts.ip = plan->vif[i].ip[0] ? plan->vif[i].ip : NULL;
        rc = xendev_init(&pdev, &xendev_vif_ops, 0, plan->parent,
                         plan->vif[i].devid);
        rc = rc
                 ?: xendev_init(&cdev, &xendev_vif_ops, 0, plan->child,
                                plan->vif[i].devid);
        rc = rc ?: xendev_vif_clone(&ctx, &pdev, &cdev, &opts);
        if (rc) {
            log_err("child %u: vif %u: writing the frontend of the shell's "
                    "backend: %s (%s)",
                    plan->child, plan->vif[i].devid, g_strerror(-rc),
                    ctx.error);
            break;
        }
        /* A cloned vif from now on (reaped with the child), no shell's. */
        g_free(p);
        p = g_strdup_printf("%s/" VIFCLONE_MARK_KEY, cdev.backend);
        if (!xs_write(xsh, t, p, v, strlen(v)))
            rc = -errno;
        g_free(p);
        p = g_strdup_printf("%s/" XENDEV_VIF_SHELL_KEY, cdev.backend);
        if (!rc && !xs_rm(xsh, t, p))
            rc = -errno;
    }
    g_free(p);
    g_free(v);
    xendev_store_xs_close(bs);
    return rc;
}

/* A vif whose backend the shell had ready: its frontend was written with
 * the XenStore copy; what is left is the family bond (mode same) and
 * netback's connection to the copied rings. */
static int finish_reused(struct cloned_service *s, unsigned int parent,
                         unsigned int child, unsigned int devid,
                         enum cloned_net_mode mode, const char *ip)
{
    struct xendev_ctx ctx = {.store = s->dev_store,
                             .netif = xendev_netif_linux()};
    struct xendev pdev, cdev;
    char ifname[XENDEV_IFNAME_MAX], bond[XENDEV_IFNAME_MAX] = "";
    char *fe_state = NULL;
    const char *step = "naming the vif";
    gint64 t0 = g_get_monotonic_time(), t_bond = t0, t_end, deadline;
    bool wait_connected;
    int rc;

    deadline = t0 + (gint64)s->config->vif_timeout_ms * 1000;
    rc = xendev_init(&pdev, &xendev_vif_ops, 0, parent, devid);
    rc = rc ?: xendev_init(&cdev, &xendev_vif_ops, 0, child, devid);
    rc = rc ?: xendev_vif_ifname(ifname, sizeof(ifname), child, devid);
    if (rc)
        goto fail;
    fe_state = xs_getf(s->xsh, "%s/state", pdev.frontend);
    wait_connected = fe_state && !strcmp(fe_state, "4");
    if (mode == NET_MODE_SAME && s->config->same_bond) {
        step = "moving the shell's vif into the family's bond";
        rc = xendev_vif_connect_family(&ctx, &pdev, &cdev, bond, sizeof(bond));
        if (rc)
            goto fail;
    }
    t_bond = g_get_monotonic_time();
    if (wait_connected) {
        step = "waiting for netback to connect the shell's backend";
        rc = wait_backend(s, &cdev, XENDEV_STATE_CONNECTED, NULL, deadline);
        if (rc)
            goto fail;
    }
    t_end = g_get_monotonic_time();
    log_info("child %u: %s (vif %u of %u) %s, mode %s%s%s%s%s, the shell's "
             "backend reused, in %" PRId64 " us (bond %" PRId64
             ", connect %" PRId64 " us)",
             child, ifname, devid, parent,
             wait_connected ? "connected"
                            : "plugged (the parent's frontend "
                              "was not connected)",
             config_net_mode_name(mode), ip ? ", ip " : "", ip ? ip : "",
             bond[0] ? ", bond " : "", bond, t_end - t0, t_bond - t0,
             t_end - t_bond);
    rc = 0;
    goto out;

fail:
    log_vif_failure(s, &cdev, child, devid, parent, step, rc, ctx.error);
out:
    free(fe_state);
    return rc;
}

int vifclone_child(struct cloned_service *s, unsigned int parent,
                   unsigned int child, const struct vifclone_plan *plan)
{
    char *path = g_strdup_printf("/local/domain/%u/device/vif", parent);
    unsigned int n = 0, devid;
    char **ids = xs_directory(s->xsh, XBT_NULL, path, &n);
    enum cloned_net_mode mode;
    int rc = 0;

    if (!ids || !n)
        goto out; /* no vif: nothing to do */
    if (!s->dev_store) {
        log_err("child %u: vif cloning is not available", child);
        rc = -ENOTCONN;
        goto fail;
    }
    mode = mode_of(s, parent);
    for (unsigned int i = 0; i < n; i++) {
        if (xendev_parse_uint(ids[i], 0xffff, &devid)) {
            log_err("child %u: %s/%s is not a device number", child, path,
                    ids[i]);
            rc = -EINVAL;
            goto fail;
        }
        const char *reused_ip = NULL;
        bool reused = false;

        for (unsigned int j = 0; plan && j < plan->n && !reused; j++)
            if (plan->vif[j].devid == devid) {
                reused = true;
                reused_ip = plan->vif[j].ip[0] ? plan->vif[j].ip : NULL;
            }
        rc = reused
                 ? finish_reused(s, parent, child, devid, plan->mode, reused_ip)
                 : clone_one(s, parent, child, devid, mode);
        if (rc)
            goto fail;
    }
    goto out;

fail:
    vifclone_remove(s, child);
out:
    free(ids);
    g_free(path);
    return rc;
}

void vifclone_remove(struct cloned_service *s, unsigned int child)
{
    char *be = g_strdup_printf("/local/domain/0/backend/vif/%u", child);
    char *fe = g_strdup_printf("/local/domain/%u/device/vif", child);

    /* Backend first: netback unregisters the vif (and so leaves the
     * bridge), unmaps the rings and unbinds; then the guest's side. */
    if (!xs_rm(s->xsh, XBT_NULL, be) && errno != ENOENT)
        log_warn("removing %s failed: %s", be, g_strerror(errno));
    if (!xs_rm(s->xsh, XBT_NULL, fe) && errno != ENOENT)
        log_warn("removing %s failed: %s", fe, g_strerror(errno));
    g_free(be);
    g_free(fe);
}

void vifclone_remove_shell(struct cloned_service *s, unsigned int shell)
{
    char *home;

    if (!s->xsh)
        return; /* the service never started */
    home = g_strdup_printf("/local/domain/%u", shell);
    vifclone_remove(s, shell);
    if (!xs_rm(s->xsh, XBT_NULL, home) && errno != ENOENT)
        log_warn("removing %s failed: %s", home, g_strerror(errno));
    g_free(home);
}

/* Is DOMID gone, or dying? */
static bool domain_ended(struct cloned_service *s, unsigned int domid)
{
    xc_domaininfo_t info;

    if (xc_domain_getinfolist(s->xch, domid, 1, &info) != 1 ||
        info.domain != domid)
        return true;
    return (info.flags & XEN_DOMINF_dying) != 0;
}

static bool member_runs(unsigned int domid, void *arg)
{
    return !domain_ended(arg, domid);
}

/*
 * Every family bond (xcb*): the slots of ended members are re-pointed at
 * live ones (the bond's hash unchanged, the survivors' flows where they
 * are); a family with no live member loses its slots and its bond.
 */
static void repair_families(struct cloned_service *s)
{
    struct xendev_ctx ctx = {.store = s->dev_store,
                             .netif = xendev_netif_linux()};
    GDir *dir = g_dir_open("/sys/class/net", 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir)) != NULL) {
        int rc;

        if (!g_str_has_prefix(name, "xcb"))
            continue;
        rc = xendev_vif_family_repair(&ctx, name, member_runs, s);
        if (rc < 0)
            log_warn("repairing the family of bond %s failed: %s (%s)", name,
                     g_strerror(-rc), ctx.error);
        else if (rc == 0)
            log_info("the family of bond %s has no member left: %s", name,
                     ctx.error);
        else if (ctx.error[0])
            log_info("bond %s: %d members left; re-pointed %s", name, rc,
                     ctx.error);
    }
    if (dir)
        g_dir_close(dir);
}

void vifclone_reap(struct cloned_service *s)
{
    const char *root = "/local/domain/0/backend/vif";
    unsigned int nd = 0, domid;
    char **doms = xs_directory(s->xsh, XBT_NULL, root, &nd);

    for (unsigned int i = 0; doms && i < nd; i++) {
        unsigned int nv = 0;
        char *dpath = g_strdup_printf("%s/%s", root, doms[i]);
        char **devs = xs_directory(s->xsh, XBT_NULL, dpath, &nv);
        bool ours = false, shell = false;

        for (unsigned int j = 0; devs && j < nv && !ours; j++) {
            char *m =
                xs_getf(s->xsh, "%s/%s/" VIFCLONE_MARK_KEY, dpath, devs[j]);
            char *sh =
                xs_getf(s->xsh, "%s/%s/" XENDEV_VIF_SHELL_KEY, dpath, devs[j]);
            shell = shell || sh != NULL;
            ours = m != NULL || sh != NULL;
            free(m);
            free(sh);
        }
        if (ours && !xendev_parse_uint(doms[i], XENDEV_DOMID_MAX, &domid) &&
            domain_ended(s, domid)) {
            log_info("%s %u has ended: removing its vifs",
                     shell ? "shell" : "child", domid);
            /* A shell that ended unused (destroyed by someone else, e.g.
             * Xen after a failed fork) leaves the home of its frontend
             * stand-ins too: nobody else owns it. */
            if (shell)
                vifclone_remove_shell(s, domid);
            else
                vifclone_remove(s, domid);
        }
        free(devs);
        g_free(dpath);
    }
    free(doms);
    repair_families(s);
}
