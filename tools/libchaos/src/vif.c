/* vif.c: a domain's vifs through libxendev: made and bridged (in a shell,
 * before any kernel, or at finish), given the request's MAC, removed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "xendev/vif.h"

/* How long netback may take to probe a new vif (InitWait). */
#define VIF_PROBE_TIMEOUT_MS 10000

static void sleep_ms(unsigned int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000,
                          .tv_nsec = (long)(ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* A random MAC in Xen's OUI 00:16:3e, as libxl makes them. */
static int random_mac(char out[18])
{
    uint8_t b[3];
    int rc = chaos_random(b, sizeof(b));

    if (!rc)
        snprintf(out, 18, "00:16:3e:%02x:%02x:%02x", b[0] & 0x7f, b[1], b[2]);
    return rc;
}

/* Wait until netback has probed DEV's backend (state >= InitWait). */
static int wait_probed(struct chaos_ctx *ctx, const struct xendev *dev)
{
    char path[XENDEV_PATH_MAX + 8], buf[16];
    unsigned int waited = 0;

    snprintf(path, sizeof(path), "%s/state", dev->backend);
    for (;;) {
        if (!chaos_xs_read(ctx, path, buf, sizeof(buf)) &&
            strtoul(buf, NULL, 10) >= XENDEV_STATE_INITWAIT)
            return 0;
        if (waited >= VIF_PROBE_TIMEOUT_MS)
            return -ETIMEDOUT;
        sleep_ms(5);
        waited += 5;
    }
}

static int add_vif(struct chaos_ctx *ctx, unsigned int domid, unsigned int i,
                   const struct chaos_vif *v)
{
    struct xendev_ctx xc = {.store = ctx->store, .netif = xendev_netif_linux()};
    struct xendev_vif_config cfg = {0};
    struct xendev dev;
    char mac[18];
    int rc;

    if (v->mac[0])
        snprintf(mac, sizeof(mac), "%s", v->mac);
    else if ((rc = random_mac(mac)))
        return chaos_fail(ctx, rc, "vif", "vif %u: no random MAC: %s", i,
                          strerror(-rc));
    cfg.mac = mac;
    cfg.bridge = v->bridge[0] ? v->bridge : NULL;
    cfg.ip = v->ip[0] ? v->ip : NULL;
    rc = xendev_init(&dev, &xendev_vif_ops, 0, domid, i);
    if (!rc)
        rc = dev.ops->create(&xc, &dev, &cfg);
    if (rc)
        return chaos_fail(ctx, rc, "vif", "vif %u: %s", i,
                          xc.error[0] ? xc.error : strerror(-rc));
    rc = wait_probed(ctx, &dev);
    if (rc)
        return chaos_fail(ctx, rc, "vif",
                          "vif %u: netback did not probe %s within %u ms "
                          "(is xen-netback loaded?)",
                          i, dev.backend, VIF_PROBE_TIMEOUT_MS);
    rc = dev.ops->connect(&xc, &dev);
    if (rc)
        return chaos_fail(ctx, rc, "vif", "vif %u: %s", i,
                          xc.error[0] ? xc.error : strerror(-rc));
    return 0;
}

/* Remove vif DEVID of DOMID (unplug, then its XenStore directories). */
void chaos_vif_remove(struct chaos_ctx *ctx, unsigned int domid,
                      unsigned int devid)
{
    struct xendev_ctx xc = {.store = ctx->store, .netif = xendev_netif_linux()};
    struct xendev dev;

    if (xendev_init(&dev, &xendev_vif_ops, 0, domid, devid))
        return;
    dev.ops->disconnect(&xc, &dev); /* best effort: gone is fine */
    dev.ops->destroy(&xc, &dev);
}

int chaos_vif_add(struct chaos_ctx *ctx, unsigned int domid, unsigned int devid,
                  const struct chaos_vif *v)
{
    return add_vif(ctx, domid, devid, v);
}

/* Give a shell's ready vif the request's MAC (both ends: netfront reads
 * the frontend's, netback the backend's when the frontend connects) and
 * IP. */
static int adopt_vif(struct chaos_ctx *ctx, unsigned int domid,
                     unsigned int devid, const struct chaos_vif *v)
{
    static const char *const ends[] = {"/local/domain/%u/device/vif/%u",
                                       "/local/domain/0/backend/vif/%u/%u"};
    char p[128];
    int i, rc = 0;

    for (i = 0; i < 2 && !rc && v->mac[0]; i++) {
        snprintf(p, sizeof(p), ends[i], domid, devid);
        strcat(p, "/mac");
        rc = chaos_xs_printf(ctx, XBT_NULL, p, "%s", v->mac);
    }
    if (!rc && v->ip[0]) {
        snprintf(p, sizeof(p), "/local/domain/0/backend/vif/%u/%u/ip", domid,
                 devid);
        rc = chaos_xs_printf(ctx, XBT_NULL, p, "%s", v->ip);
    }
    if (rc)
        return chaos_fail(ctx, rc, "vif", "vif %u: cannot set its MAC: %s",
                          devid, strerror(-rc));
    return 0;
}

int chaos_vifs_finish(struct chaos_ctx *ctx, unsigned int domid,
                      const char (*ready)[16], unsigned int nr_ready,
                      const struct chaos_vif *want, unsigned int nr_want)
{
    unsigned int i, n = nr_ready > nr_want ? nr_ready : nr_want;
    int rc;

    for (i = 0; i < n; i++) {
        if (i < nr_ready && i < nr_want && !strcmp(ready[i], want[i].bridge))
            rc = adopt_vif(ctx, domid, i, &want[i]);
        else {
            if (i < nr_ready)
                chaos_vif_remove(ctx, domid, i); /* not wanted as it is */
            rc = i < nr_want ? add_vif(ctx, domid, i, &want[i]) : 0;
        }
        if (rc)
            return rc;
    }
    return 0;
}
