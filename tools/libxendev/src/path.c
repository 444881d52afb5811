/* path.c: XenStore path rules for split devices, ids, names; pure code. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "xendev/vif.h"
#include "xendev/xendev.h"

int xendev_error(struct xendev_ctx *ctx, int err, const char *fmt, ...)
{
    va_list ap;

    if (ctx) {
        va_start(ap, fmt);
        vsnprintf(ctx->error, sizeof(ctx->error), fmt, ap);
        va_end(ap);
    }
    return err;
}

int xendev_parse_uint(const char *s, unsigned int max, unsigned int *out)
{
    unsigned long v = 0;
    const char *p;

    if (!s || !*s || !out)
        return -EINVAL;
    if (s[0] == '0' && s[1])
        return -EINVAL; /* no leading zeros: one spelling per id */
    for (p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return -EINVAL;
        v = v * 10 + (unsigned long)(*p - '0');
        if (v > max)
            return -ERANGE;
    }
    *out = (unsigned int)v;
    return 0;
}

static int put(char *buf, size_t len, int n)
{
    if (n < 0)
        return -EINVAL;
    if ((size_t)n >= len)
        return -ENAMETOOLONG;
    return 0;
}

static int type_valid(const char *type)
{
    const char *p;

    if (!type || !*type || strlen(type) > 15)
        return 0;
    for (p = type; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '-'))
            return 0;
    return 1;
}

int xendev_backend_path(char *buf, size_t len, const char *type,
                        unsigned int be_domid, unsigned int fe_domid,
                        unsigned int devid)
{
    if (!buf || !type_valid(type) || fe_domid > XENDEV_DOMID_MAX ||
        (be_domid > XENDEV_DOMID_MAX && be_domid != XENDEV_DOMID_SELF))
        return -EINVAL;
    if (be_domid == XENDEV_DOMID_SELF)
        return put(
            buf, len,
            snprintf(buf, len, "backend/%s/%u/%u", type, fe_domid, devid));
    return put(buf, len,
               snprintf(buf, len, "/local/domain/%u/backend/%s/%u/%u", be_domid,
                        type, fe_domid, devid));
}

int xendev_frontend_path(char *buf, size_t len, const char *type,
                         unsigned int fe_domid, unsigned int devid)
{
    if (!buf || !type_valid(type) || fe_domid > XENDEV_DOMID_MAX)
        return -EINVAL;
    return put(buf, len,
               snprintf(buf, len, "/local/domain/%u/device/%s/%u", fe_domid,
                        type, devid));
}

int xendev_join(char *buf, size_t len, const char *dir, const char *key)
{
    if (!buf || !dir || !key || !*key)
        return -EINVAL;
    return put(buf, len, snprintf(buf, len, "%s/%s", dir, key));
}

/* Next '/'-separated component of *P into BUF; advances *P past it. */
static int component(const char **p, char *buf, size_t len)
{
    const char *s = *p, *e = strchr(s, '/');
    size_t n = e ? (size_t)(e - s) : strlen(s);

    if (n == 0 || n >= len)
        return -EINVAL;
    memcpy(buf, s, n);
    buf[n] = '\0';
    *p = e ? e + 1 : s + n;
    return e ? 1 : 0; /* 1: more follows */
}

int xendev_parse_backend_path(const char *path, char *type, size_t type_len,
                              unsigned int *be_domid, unsigned int *fe_domid,
                              unsigned int *devid)
{
    static const char abs_prefix[] = "/local/domain/";
    char part[16], t[16];
    unsigned int be = XENDEV_DOMID_SELF, fe, id;
    const char *p = path;
    int more;

    if (!path || !type || !be_domid || !fe_domid || !devid)
        return -EINVAL;
    if (strlen(path) >= XENDEV_PATH_MAX)
        return -ENAMETOOLONG;
    if (!strncmp(p, abs_prefix, sizeof(abs_prefix) - 1)) {
        p += sizeof(abs_prefix) - 1;
        if (component(&p, part, sizeof(part)) != 1 ||
            xendev_parse_uint(part, XENDEV_DOMID_MAX, &be))
            return -EINVAL;
    } else if (*p == '/') {
        return -EINVAL;
    }
    if (component(&p, part, sizeof(part)) != 1 || strcmp(part, "backend"))
        return -EINVAL;
    if (component(&p, t, sizeof(t)) != 1 || !type_valid(t))
        return -EINVAL;
    if (component(&p, part, sizeof(part)) != 1 ||
        xendev_parse_uint(part, XENDEV_DOMID_MAX, &fe))
        return -EINVAL;
    more = component(&p, part, sizeof(part));
    if (more != 0 || xendev_parse_uint(part, 0x7fffffffu, &id))
        return -EINVAL;
    if (strlen(t) >= type_len)
        return -ENAMETOOLONG;
    strcpy(type, t);
    *be_domid = be;
    *fe_domid = fe;
    *devid = id;
    return 0;
}

const struct xendev_ops *xendev_ops_find(const char *type)
{
    if (type && !strcmp(type, xendev_vif_ops.type))
        return &xendev_vif_ops;
    return NULL;
}

int xendev_init(struct xendev *dev, const struct xendev_ops *ops,
                unsigned int be_domid, unsigned int fe_domid,
                unsigned int devid)
{
    int rc;

    if (!dev || !ops)
        return -EINVAL;
    memset(dev, 0, sizeof(*dev));
    dev->ops = ops;
    dev->be_domid = be_domid;
    dev->fe_domid = fe_domid;
    dev->devid = devid;
    rc = xendev_backend_path(dev->backend, sizeof(dev->backend), ops->type,
                             be_domid, fe_domid, devid);
    if (rc)
        return rc;
    return xendev_frontend_path(dev->frontend, sizeof(dev->frontend), ops->type,
                                fe_domid, devid);
}

int xendev_vif_ifname(char *buf, size_t len, unsigned int fe_domid,
                      unsigned int devid)
{
    if (!buf || fe_domid > XENDEV_DOMID_MAX)
        return -EINVAL;
    if (len > XENDEV_IFNAME_MAX)
        len = XENDEV_IFNAME_MAX; /* what the kernel can hold */
    return put(buf, len, snprintf(buf, len, "vif%u.%u", fe_domid, devid));
}

int xendev_ifname_valid(const char *name)
{
    const char *p;
    size_t n;

    if (!name)
        return -EINVAL;
    n = strlen(name);
    if (n == 0 || n >= XENDEV_IFNAME_MAX || !strcmp(name, ".") ||
        !strcmp(name, ".."))
        return -EINVAL;
    for (p = name; *p; p++)
        if (*p == '/' || *p == ':' || *p <= ' ' || *p == 0x7f)
            return -EINVAL;
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int xendev_mac_valid(const char *mac)
{
    int i;

    if (!mac || strlen(mac) != 17)
        return -EINVAL;
    for (i = 0; i < 17; i++) {
        if (i % 3 == 2) {
            if (mac[i] != ':')
                return -EINVAL;
        } else if (hexval(mac[i]) < 0) {
            return -EINVAL;
        }
    }
    if (hexval(mac[1]) & 1)
        return -EINVAL; /* multicast bit: no device address */
    return 0;
}
