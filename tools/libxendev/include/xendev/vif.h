/*
 * vif.h: the network device (netback/netfront) in xendev's terms.
 *
 * Backend keys (what libxl writes and netback reads): frontend,
 * frontend-id, online, state, script, mac, bridge, handle, type, and
 * optionally vifname, ip; the hotplug program reports in hotplug-status
 * ("connected" or "error") and hotplug-error.
 */
#ifndef XENDEV_VIF_H
#define XENDEV_VIF_H

#include "xendev.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The default bridge, the one Dom0's init creates (and libxl's default). */
#define XENDEV_VIF_DEFAULT_BRIDGE "xenbr0"

/* create()'s configuration for a vif. NULL fields take defaults. */
struct xendev_vif_config {
    const char *mac;    /* "00:16:3e:xx:xx:xx" (required) */
    const char *bridge; /* default XENDEV_VIF_DEFAULT_BRIDGE */
    const char *script; /* default "/etc/xen/scripts/vif-bridge" */
    const char *ip;     /* optional, space-separated addresses */
};

/* What connect() needs, read from the backend directory. */
struct xendev_vif_backend {
    char ifname[XENDEV_IFNAME_MAX]; /* vifname, or vif<fe>.<devid> */
    char bridge[XENDEV_IFNAME_MAX];
    char mac[18];
};

/* The Linux name netback gives the device: "vif<fe>.<devid>". */
int xendev_vif_ifname(char *buf, size_t len, unsigned int fe_domid,
                      unsigned int devid);

/* Check an interface name as the kernel would accept it (1 to 15 bytes,
 * no '/', ':' or whitespace, not "." or ".."): 0 or -EINVAL. */
int xendev_ifname_valid(const char *name);

/* Check a MAC address "xx:xx:xx:xx:xx:xx" (hex, unicast): 0 or -EINVAL. */
int xendev_mac_valid(const char *mac);

/* Read DEV's backend keys: bridge (required, a valid name), vifname
 * (optional; default vif<fe>.<devid>), mac (optional). Reasons for a
 * failure go to CTX->error. */
int xendev_vif_read_backend(struct xendev_ctx *ctx, const struct xendev *dev,
                            struct xendev_vif_backend *out);

/* Report on DEV's backend: hotplug-status=connected (REASON NULL), or
 * hotplug-error=REASON then hotplug-status=error. */
int xendev_hotplug_report(struct xendev_ctx *ctx, const struct xendev *dev,
                          const char *reason);

#ifdef __cplusplus
}
#endif
#endif
