/* vif.c: the vif's operations table (netback in the backend domain). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xendev/vif.h"
#include "xendev/xendev.h"

#define DEFAULT_SCRIPT "/etc/xen/scripts/vif-bridge"
#define TX_RETRIES     8

static int st_read(struct xendev_ctx *ctx, const char *dir, const char *key,
                   char *buf, size_t len)
{
    char path[XENDEV_PATH_MAX];
    int rc = xendev_join(path, sizeof(path), dir, key);

    return rc ? rc : ctx->store->read(ctx->store, path, buf, len);
}

static int st_write(struct xendev_ctx *ctx, const char *dir, const char *key,
                    const char *value)
{
    char path[XENDEV_PATH_MAX];
    int rc = xendev_join(path, sizeof(path), dir, key);

    return rc ? rc : ctx->store->write(ctx->store, path, value);
}

static int st_rm(struct xendev_ctx *ctx, const char *dir, const char *key)
{
    char path[XENDEV_PATH_MAX];
    int rc = xendev_join(path, sizeof(path), dir, key);

    return rc ? rc : ctx->store->rm(ctx->store, path);
}

static int st_writeu(struct xendev_ctx *ctx, const char *dir, const char *key,
                     unsigned int value)
{
    char v[16];

    snprintf(v, sizeof(v), "%u", value);
    return st_write(ctx, dir, key, v);
}

static int ctx_valid(struct xendev_ctx *ctx, const struct xendev *dev)
{
    if (!ctx || !ctx->store || !ctx->store->read || !ctx->store->write ||
        !ctx->store->rm || !dev || dev->ops != &xendev_vif_ops ||
        !dev->backend[0] || !dev->frontend[0])
        return -EINVAL;
    ctx->error[0] = '\0';
    return 0;
}

int xendev_vif_read_backend(struct xendev_ctx *ctx, const struct xendev *dev,
                            struct xendev_vif_backend *out)
{
    char buf[64];
    int rc = ctx_valid(ctx, dev);

    if (rc || !out)
        return -EINVAL;
    memset(out, 0, sizeof(*out));
    rc = st_read(ctx, dev->backend, "bridge", buf, sizeof(buf));
    if (rc == -ENOENT || (!rc && !buf[0]))
        return xendev_error(ctx, -ENOENT,
                            "%s/bridge is not set: no bridge to attach to",
                            dev->backend);
    if (rc)
        return xendev_error(ctx, rc, "cannot read %s/bridge: %s", dev->backend,
                            strerror(-rc));
    if (xendev_ifname_valid(buf))
        return xendev_error(ctx, -EINVAL,
                            "bridge '%s' (%s/bridge) is not an interface name",
                            buf, dev->backend);
    strcpy(out->bridge, buf);

    rc = st_read(ctx, dev->backend, "vifname", buf, sizeof(buf));
    if (!rc && buf[0])
        return xendev_error(ctx, -EOPNOTSUPP,
                            "vifname '%s' is set: renaming a vif is not "
                            "supported (netback names it vif%u.%u)",
                            buf, dev->fe_domid, dev->devid);
    if (rc && rc != -ENOENT)
        return xendev_error(ctx, rc, "cannot read %s/vifname: %s", dev->backend,
                            strerror(-rc));
    rc = xendev_vif_ifname(out->ifname, sizeof(out->ifname), dev->fe_domid,
                           dev->devid);
    if (rc)
        return xendev_error(ctx, rc, "no interface name for domain %u",
                            dev->fe_domid);

    rc = st_read(ctx, dev->backend, "mac", buf, sizeof(buf));
    if (!rc && !xendev_mac_valid(buf))
        strcpy(out->mac, buf);
    return 0;
}

int xendev_hotplug_report(struct xendev_ctx *ctx, const struct xendev *dev,
                          const char *reason)
{
    int rc;

    if (!ctx || !ctx->store || !dev || !dev->backend[0])
        return -EINVAL;
    if (!reason)
        return st_write(ctx, dev->backend, "hotplug-status", "connected");
    /* The error text first: libxl reads it once it sees the status. */
    rc = st_write(ctx, dev->backend, "hotplug-error", reason);
    if (rc)
        return rc;
    return st_write(ctx, dev->backend, "hotplug-status", "error");
}

static int vif_connect(struct xendev_ctx *ctx, const struct xendev *dev)
{
    struct xendev_vif_backend be;
    struct xendev_netif *n;
    char reason[sizeof(ctx->error)], fe_id[16];
    int rc = ctx_valid(ctx, dev);

    if (rc)
        return rc;
    n = ctx->netif;
    if (!n || !n->exists || !n->is_bridge || !n->bridge_add || !n->set_up)
        return xendev_error(ctx, -EINVAL, "no network interface operations");
    /* No backend directory: nothing to report on (and no node to make). */
    rc = st_read(ctx, dev->backend, "frontend-id", fe_id, sizeof(fe_id));
    if (rc == -ENOENT)
        return xendev_error(ctx, rc, "backend %s does not exist", dev->backend);
    rc = xendev_vif_read_backend(ctx, dev, &be);
    if (rc)
        goto fail;
    rc = n->is_bridge(n, be.bridge);
    if (rc == -ENODEV) {
        xendev_error(ctx, rc, "bridge '%s' does not exist", be.bridge);
        goto fail;
    } else if (rc == -ENOTDIR) {
        xendev_error(ctx, rc, "'%s' is not a bridge", be.bridge);
        goto fail;
    } else if (rc) {
        xendev_error(ctx, rc, "cannot check bridge '%s': %s", be.bridge,
                     strerror(-rc));
        goto fail;
    }
    rc = n->exists(n, be.ifname);
    if (rc) {
        xendev_error(ctx, rc,
                     "interface %s does not exist (is xen-netback loaded?)",
                     be.ifname);
        goto fail;
    }
    rc = n->bridge_add(n, be.bridge, be.ifname);
    if (rc) {
        xendev_error(ctx, rc, "cannot attach %s to bridge %s: %s", be.ifname,
                     be.bridge, strerror(-rc));
        goto fail;
    }
    rc = n->set_up(n, be.ifname, true);
    if (rc) {
        xendev_error(ctx, rc, "cannot bring %s up: %s", be.ifname,
                     strerror(-rc));
        n->bridge_del(n, be.bridge, be.ifname);
        goto fail;
    }
    rc = xendev_hotplug_report(ctx, dev, NULL);
    if (rc) {
        xendev_error(ctx, rc, "cannot write %s/hotplug-status: %s",
                     dev->backend, strerror(-rc));
        goto fail;
    }
    return 0;

fail:
    snprintf(reason, sizeof(reason), "%s", ctx->error);
    xendev_hotplug_report(ctx, dev, reason); /* best effort */
    return rc;
}

static int vif_disconnect(struct xendev_ctx *ctx, const struct xendev *dev)
{
    struct xendev_netif *n;
    char ifname[XENDEV_IFNAME_MAX], bridge[64];
    int rc = ctx_valid(ctx, dev);

    if (rc)
        return rc;
    n = ctx->netif;
    if (!n || !n->exists || !n->bridge_del || !n->set_up)
        return xendev_error(ctx, -EINVAL, "no network interface operations");
    rc = xendev_vif_ifname(ifname, sizeof(ifname), dev->fe_domid, dev->devid);
    if (rc)
        return xendev_error(ctx, rc, "no interface name for domain %u",
                            dev->fe_domid);
    if (n->exists(n, ifname) == -ENODEV)
        return 0; /* netback removed it already: nothing left to undo */
    /* The backend directory may be gone: then any bridge it is on. */
    if (st_read(ctx, dev->backend, "bridge", bridge, sizeof(bridge)) ||
        xendev_ifname_valid(bridge))
        bridge[0] = '\0';
    rc = n->set_up(n, ifname, false);
    if (rc && rc != -ENODEV)
        return xendev_error(ctx, rc, "cannot bring %s down: %s", ifname,
                            strerror(-rc));
    rc = n->bridge_del(n, bridge[0] ? bridge : NULL, ifname);
    if (rc && rc != -ENODEV)
        return xendev_error(ctx, rc, "cannot detach %s from %s: %s", ifname,
                            bridge[0] ? bridge : "its bridge", strerror(-rc));
    return 0;
}

/* Run FN inside a transaction when the store has them, retrying. */
static int in_transaction(struct xendev_ctx *ctx,
                          int (*fn)(struct xendev_ctx *, const void *),
                          const void *arg)
{
    struct xendev_store *st = ctx->store;
    int rc, i;

    if (!st->begin || !st->end)
        return fn(ctx, arg);
    for (i = 0; i < TX_RETRIES; i++) {
        rc = st->begin(st);
        if (rc)
            return rc;
        rc = fn(ctx, arg);
        if (rc) {
            st->end(st, true);
            return rc;
        }
        rc = st->end(st, false);
        if (rc != -EAGAIN)
            return rc;
    }
    return xendev_error(ctx, -EAGAIN, "XenStore transaction kept failing");
}

struct create_args {
    const struct xendev *dev;
    const struct xendev_vif_config *cfg;
    const char *bridge, *script;
    char backend_abs[XENDEV_PATH_MAX];
    /* clone only: the frontend's state and the keys copied to it */
    bool backend_ready; /* the shell's backend is kept: mac and ip only */
    unsigned int fe_state;
    unsigned int nr_fe;
    const char *fe_key[16];
    char fe_val[16][64];
};

static int write_nodes(struct xendev_ctx *ctx, const void *arg)
{
    const struct create_args *a = arg;
    const struct xendev *d = a->dev;
    struct xendev_store *st = ctx->store;
    unsigned int i;
    int rc = 0;

    /* Frontend: the guest's to write, the backend's to read. */
    rc = rc ?: st->write(st, d->frontend, "");
    if (!rc && st->set_perms)
        rc = st->set_perms(st, d->frontend, d->fe_domid, (int)d->be_domid);
    rc = rc ?: st_write(ctx, d->frontend, "backend", a->backend_abs);
    rc = rc ?: st_writeu(ctx, d->frontend, "backend-id", d->be_domid);
    rc = rc ?: st_writeu(ctx, d->frontend, "handle", d->devid);
    rc = rc ?: st_write(ctx, d->frontend, "mac", a->cfg->mac);
    for (i = 0; !rc && i < a->nr_fe; i++)
        rc = st_write(ctx, d->frontend, a->fe_key[i], a->fe_val[i]);
    rc = rc ?: st_writeu(ctx, d->frontend, "state", a->fe_state);
    if (a->backend_ready) {
        /* A shell's backend, waiting: netback reads mac when the frontend
         * connects (state 4, this transaction), not when it probed. */
        rc = rc ?: st_write(ctx, d->backend, "mac", a->cfg->mac);
        if (!rc)
            rc = a->cfg->ip ? st_write(ctx, d->backend, "ip", a->cfg->ip)
                            : st_rm(ctx, d->backend, "ip");
        goto out;
    }
    /* Backend: ours, readable by the guest; state 1 so netback probes it. */
    rc = rc ?: st->write(st, d->backend, "");
    if (!rc && st->set_perms)
        rc = st->set_perms(st, d->backend, d->be_domid, (int)d->fe_domid);
    rc = rc ?: st_write(ctx, d->backend, "frontend", d->frontend);
    rc = rc ?: st_writeu(ctx, d->backend, "frontend-id", d->fe_domid);
    rc = rc ?: st_write(ctx, d->backend, "online", "1");
    rc = rc ?: st_write(ctx, d->backend, "script", a->script);
    rc = rc ?: st_write(ctx, d->backend, "mac", a->cfg->mac);
    rc = rc ?: st_write(ctx, d->backend, "bridge", a->bridge);
    rc = rc ?: st_writeu(ctx, d->backend, "handle", d->devid);
    rc = rc ?: st_write(ctx, d->backend, "type", "vif");
    if (!rc && a->cfg->ip)
        rc = st_write(ctx, d->backend, "ip", a->cfg->ip);
    rc = rc ?: st_writeu(ctx, d->backend, "state", XENDEV_STATE_INITIALISING);
out:
    if (rc)
        return xendev_error(ctx, rc,
                            "cannot write the vif's XenStore nodes: %s",
                            strerror(-rc));
    return 0;
}

/* Check CFG and fill A's common part for DEV. */
static int prepare(struct xendev_ctx *ctx, const struct xendev *dev,
                   const struct xendev_vif_config *cfg, struct create_args *a)
{
    if (dev->be_domid == XENDEV_DOMID_SELF)
        return xendev_error(ctx, -EINVAL,
                            "create needs the backend's domid, not 'self'");
    if (!cfg || xendev_mac_valid(cfg->mac))
        return xendev_error(ctx, -EINVAL, "a vif needs a unicast MAC address");
    a->dev = dev;
    a->cfg = cfg;
    a->bridge = cfg->bridge ? cfg->bridge : XENDEV_VIF_DEFAULT_BRIDGE;
    if (xendev_ifname_valid(a->bridge))
        return xendev_error(ctx, -EINVAL, "bridge '%s' is not a name",
                            a->bridge);
    a->script = cfg->script ? cfg->script : DEFAULT_SCRIPT;
    if (cfg->ip && (!*cfg->ip || strchr(cfg->ip, '/') || strlen(cfg->ip) > 200))
        return xendev_error(ctx, -EINVAL, "ip '%s' is not an address list",
                            cfg->ip);
    /* The frontend needs the absolute path, whatever DEV's form. */
    snprintf(a->backend_abs, sizeof(a->backend_abs), "%s", dev->backend);
    return 0;
}

static int vif_create(struct xendev_ctx *ctx, const struct xendev *dev,
                      const void *config)
{
    struct create_args a = {0};
    int rc = ctx_valid(ctx, dev);

    if (rc)
        return rc;
    rc = prepare(ctx, dev, config, &a);
    if (rc)
        return rc;
    a.fe_state = XENDEV_STATE_INITIALISING;
    return in_transaction(ctx, write_nodes, &a);
}

int xendev_vif_clone(struct xendev_ctx *ctx, const struct xendev *parent,
                     const struct xendev *child,
                     const struct xendev_vif_clone_opts *opts)
{
    /* Keys a netfront writes; copied to the child's frontend as they are
     * (its rings are private copies at the same grant references). */
    static const char *const fe_keys[] = {
        "tx-ring-ref",
        "rx-ring-ref",
        "event-channel",
        "request-rx-copy",
        "feature-rx-notify",
        "feature-sg",
        "feature-gso-tcpv4",
        "feature-gso-tcpv6",
        "feature-no-csum-offload",
        "feature-ipv6-csum-offload",
        "multi-queue-num-queues",
        "trusted",
    };
    char mac[32], bridge[64], script[XENDEV_PATH_MAX], ip[256], v[64];
    struct xendev_vif_config cfg = {0};
    struct create_args *a = NULL;
    unsigned int i, state = XENDEV_STATE_INITIALISING;
    int rc = ctx_valid(ctx, parent);

    if (rc || ctx_valid(ctx, child) || parent->devid != child->devid ||
        parent->fe_domid == child->fe_domid) {
        rc = xendev_error(ctx, -EINVAL, "bad parent or child device");
        goto out;
    }
    rc = st_read(ctx, parent->backend, "mac", mac, sizeof(mac));
    if (rc) {
        xendev_error(ctx, rc, "cannot read %s/mac: %s", parent->backend,
                     strerror(-rc));
        goto out;
    }
    cfg.mac = opts && opts->mac ? opts->mac : mac;
    if (!st_read(ctx, parent->backend, "bridge", bridge, sizeof(bridge)))
        cfg.bridge = bridge;
    if (!st_read(ctx, parent->backend, "script", script, sizeof(script)))
        cfg.script = script;
    if (opts && opts->ip)
        cfg.ip = opts->ip;
    else if (!st_read(ctx, parent->backend, "ip", ip, sizeof(ip)) && ip[0])
        cfg.ip = ip;
    a = calloc(1, sizeof(*a));
    if (!a) {
        rc = xendev_error(ctx, -ENOMEM, "out of memory");
        goto out;
    }
    rc = prepare(ctx, child, &cfg, a);
    if (rc)
        goto out;
    for (i = 0; i < sizeof(fe_keys) / sizeof(fe_keys[0]); i++) {
        rc = st_read(ctx, parent->frontend, fe_keys[i], a->fe_val[a->nr_fe],
                     sizeof(a->fe_val[0]));
        if (rc == -ENOENT)
            continue;
        if (rc) {
            xendev_error(ctx, rc, "cannot read %s/%s: %s", parent->frontend,
                         fe_keys[i], strerror(-rc));
            goto out;
        }
        a->fe_key[a->nr_fe++] = fe_keys[i];
    }
    /* The child's frontend is in the parent's state (connected or not). */
    rc = st_read(ctx, parent->frontend, "state", v, sizeof(v));
    if (rc && rc != -ENOENT) {
        xendev_error(ctx, rc, "cannot read the frontend state: %s",
                     strerror(-rc));
        goto out;
    }
    if (!rc && (xendev_parse_uint(v, XENDEV_STATE_CLOSED, &state) || !state)) {
        rc = xendev_error(ctx, -EINVAL, "%s/state '%s' is not a state",
                          parent->frontend, v);
        goto out;
    }
    a->fe_state = state;
    a->backend_ready = opts && opts->backend_ready;
    /* Frontend (state as the parent's) and backend (state 1) together:
     * netback probes a backend whose frontend is complete. A shell's
     * backend is probed already: the frontend (and its mac and ip). */
    rc = in_transaction(ctx, write_nodes, a);
out:
    free(a);
    return rc;
}

int xendev_vif_backend_waiting(struct xendev_ctx *ctx,
                               const struct xendev *child, const char *bridge)
{
    char v[XENDEV_PATH_MAX];
    unsigned int st, fe;
    int rc = ctx_valid(ctx, child);

    if (rc)
        return rc;
    rc = st_read(ctx, child->backend, "state", v, sizeof(v));
    if (rc == -ENOENT)
        return xendev_error(ctx, rc, "no backend %s", child->backend);
    if (rc || xendev_parse_uint(v, XENDEV_STATE_CLOSED, &st))
        return xendev_error(ctx, rc ? rc : -EINVAL, "%s/state unreadable",
                            child->backend);
    if (st_read(ctx, child->backend, XENDEV_VIF_SHELL_KEY, v, sizeof(v)) ||
        strcmp(v, "shell"))
        return xendev_error(ctx, -EBUSY, "%s was not made for a shell",
                            child->backend);
    if (st != XENDEV_STATE_INITWAIT)
        return xendev_error(ctx, -EBUSY, "%s is in state %u, not InitWait",
                            child->backend, st);
    if (st_read(ctx, child->backend, "hotplug-status", v, sizeof(v)) ||
        strcmp(v, "connected"))
        return xendev_error(ctx, -EBUSY, "%s is not bridged (hotplug-status)",
                            child->backend);
    if (st_read(ctx, child->backend, "frontend", v, sizeof(v)) ||
        strcmp(v, child->frontend) ||
        st_read(ctx, child->backend, "frontend-id", v, sizeof(v)) ||
        xendev_parse_uint(v, XENDEV_DOMID_MAX, &fe) || fe != child->fe_domid)
        return xendev_error(ctx, -EBUSY, "%s names another frontend",
                            child->backend);
    if (bridge && (st_read(ctx, child->backend, "bridge", v, sizeof(v)) ||
                   strcmp(v, bridge)))
        return xendev_error(ctx, -EXDEV, "%s is on another bridge than %s",
                            child->backend, bridge);
    return 0;
}

static int vif_clone(struct xendev_ctx *ctx, const struct xendev *parent,
                     const struct xendev *child)
{
    return xendev_vif_clone(ctx, parent, child, NULL);
}

static int vif_destroy(struct xendev_ctx *ctx, const struct xendev *dev)
{
    int rc = ctx_valid(ctx, dev);

    if (rc)
        return rc;
    /* Backend first: netback unregisters the device, then the guest's. */
    rc = ctx->store->rm(ctx->store, dev->backend);
    if (rc && rc != -ENOENT)
        return xendev_error(ctx, rc, "cannot remove %s: %s", dev->backend,
                            strerror(-rc));
    rc = ctx->store->rm(ctx->store, dev->frontend);
    if (rc && rc != -ENOENT)
        return xendev_error(ctx, rc, "cannot remove %s: %s", dev->frontend,
                            strerror(-rc));
    return 0;
}

const struct xendev_ops xendev_vif_ops = {
    .type = "vif",
    .create = vif_create,
    .clone = vif_clone,
    .connect = vif_connect,
    .disconnect = vif_disconnect,
    .destroy = vif_destroy,
};
