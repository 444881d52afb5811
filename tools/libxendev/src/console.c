/* console.c: the console's operations table (xenconsoled in Dom0). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xendev/console.h"
#include "xendev/xendev.h"

#define TX_RETRIES 8

int xendev_console_frontend(char *buf, size_t len, const struct xendev *dev)
{
    int n;

    if (!buf || !dev || dev->fe_domid > XENDEV_DOMID_MAX)
        return -EINVAL;
    if (dev->devid)
        n = snprintf(buf, len, "%s", dev->frontend);
    else
        n = snprintf(buf, len, "/local/domain/%u/console", dev->fe_domid);
    return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int ctx_valid(struct xendev_ctx *ctx, const struct xendev *dev)
{
    if (!ctx || !ctx->store || !ctx->store->read || !ctx->store->write ||
        !ctx->store->rm || !dev || dev->ops != &xendev_console_ops ||
        !dev->backend[0] || !dev->frontend[0])
        return -EINVAL;
    ctx->error[0] = '\0';
    return 0;
}

static int put(struct xendev_ctx *ctx, const char *dir, const char *key,
               const char *fmt, unsigned long v)
{
    char path[XENDEV_PATH_MAX], val[32];
    int rc = xendev_join(path, sizeof(path), dir, key);

    if (rc)
        return rc;
    snprintf(val, sizeof(val), fmt, v);
    return ctx->store->write(ctx->store, path, val);
}

/* Every key of both directories (inside the caller's transaction). */
static int write_dirs(struct xendev_ctx *ctx, const struct xendev *dev,
                      const char *fe, const struct xendev_console_config *c)
{
    struct xendev_store *st = ctx->store;
    int rc;

    if ((rc = st->write(st, dev->backend, "")) ||
        (rc = put(ctx, dev->backend, "frontend-id", "%lu", dev->fe_domid)) ||
        (rc = put(ctx, dev->backend, "online", "%lu", 1)) ||
        (rc =
             put(ctx, dev->backend, "state", "%lu", XENDEV_STATE_INITIALISING)))
        return rc;
    {
        char path[XENDEV_PATH_MAX];

        if ((rc = xendev_join(path, sizeof(path), dev->backend, "frontend")) ||
            (rc = st->write(st, path, fe)) ||
            (rc = xendev_join(path, sizeof(path), dev->backend, "protocol")) ||
            (rc = st->write(st, path, "vt100")) ||
            (rc = st->write(st, fe, "")) ||
            (rc = xendev_join(path, sizeof(path), fe, "backend")) ||
            (rc = st->write(st, path, dev->backend)) ||
            (rc = xendev_join(path, sizeof(path), fe, "type")) ||
            (rc = st->write(st, path, "xenconsoled")) ||
            (rc = xendev_join(path, sizeof(path), fe, "output")) ||
            (rc = st->write(st, path, "pty")) ||
            (rc = xendev_join(path, sizeof(path), fe, "tty")) ||
            (rc = st->write(st, path, "")))
            return rc;
    }
    if ((rc = put(ctx, fe, "backend-id", "%lu", dev->be_domid)) ||
        (rc = put(ctx, fe, "limit", "%lu", XENDEV_CONSOLE_LIMIT)) ||
        (rc = put(ctx, fe, "port", "%lu", c->port)) ||
        (c->ring_ref && (rc = put(ctx, fe, "ring-ref", "%lu", c->ring_ref))))
        return rc;
    if (st->set_perms &&
        ((rc = st->set_perms(st, fe, dev->fe_domid, (int)dev->be_domid)) ||
         (rc = st->set_perms(st, dev->backend, dev->be_domid,
                             (int)dev->fe_domid))))
        return rc;
    return 0;
}

static int console_create(struct xendev_ctx *ctx, const struct xendev *dev,
                          const void *config)
{
    const struct xendev_console_config *c = config;
    struct xendev_store *st;
    char fe[XENDEV_PATH_MAX];
    int rc = ctx_valid(ctx, dev), i;

    if (rc || !c)
        return -EINVAL;
    rc = xendev_console_frontend(fe, sizeof(fe), dev);
    if (rc)
        return xendev_error(ctx, rc, "no console path for domain %u",
                            dev->fe_domid);
    st = ctx->store;
    for (i = 0; i < TX_RETRIES; i++) {
        if (st->begin && (rc = st->begin(st)))
            break;
        rc = write_dirs(ctx, dev, fe, c);
        if (!st->begin)
            break;
        if (rc) {
            st->end(st, true);
            break;
        }
        rc = st->end(st, false);
        if (rc != -EAGAIN)
            break;
    }
    if (rc)
        return xendev_error(ctx, rc, "cannot write console %s: %s", fe,
                            strerror(-rc));
    return 0;
}

int xendev_console_set_ring(struct xendev_ctx *ctx, const struct xendev *dev,
                            unsigned long ring_ref)
{
    char fe[XENDEV_PATH_MAX];
    int rc = ctx_valid(ctx, dev);

    if (rc || !ring_ref)
        return -EINVAL;
    rc = xendev_console_frontend(fe, sizeof(fe), dev);
    if (!rc)
        rc = put(ctx, fe, "ring-ref", "%lu", ring_ref);
    if (rc)
        return xendev_error(ctx, rc, "cannot give console %s its ring: %s", fe,
                            strerror(-rc));
    return 0;
}

static int console_clone(struct xendev_ctx *ctx, const struct xendev *parent,
                         const struct xendev *child)
{
    return xendev_error(ctx, -EOPNOTSUPP,
                        "console clone: xencloned copies the console with "
                        "the child's XenStore");
}

static int console_nothing(struct xendev_ctx *ctx, const struct xendev *dev)
{
    return ctx_valid(ctx, dev);
}

static int console_destroy(struct xendev_ctx *ctx, const struct xendev *dev)
{
    char fe[XENDEV_PATH_MAX];
    int rc = ctx_valid(ctx, dev);

    if (rc)
        return rc;
    rc = xendev_console_frontend(fe, sizeof(fe), dev);
    if (!rc)
        rc = ctx->store->rm(ctx->store, dev->backend);
    if (!rc)
        rc = ctx->store->rm(ctx->store, fe);
    if (rc)
        return xendev_error(ctx, rc, "cannot remove console of domain %u: %s",
                            dev->fe_domid, strerror(-rc));
    return 0;
}

const struct xendev_ops xendev_console_ops = {
    .type = "console",
    .create = console_create,
    .clone = console_clone,
    .connect = console_nothing,
    .disconnect = console_nothing,
    .destroy = console_destroy,
};
