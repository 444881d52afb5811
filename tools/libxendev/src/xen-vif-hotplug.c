/*
 * xen-vif-hotplug: libxl's vif hotplug script, in C. Installed in Dom0 as
 * /etc/xen/scripts/vif-bridge (libxl's default vif script); see
 * tools/libxendev/README.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xendev/hotplug.h"
#include "xendev/vif.h"
#include "xendev/xendev.h"

static const char *prog = "xen-vif-hotplug";

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: %s online|offline [type_if=vif]\n"
            "       %s --help\n"
            "\n"
            "libxl's hotplug program for a vif (network device) whose backend "
            "is\n"
            "netback in this domain. libxl runs it with the environment:\n"
            "  XENBUS_PATH  the backend directory, backend/vif/DOMID/DEVID\n"
            "  XENBUS_TYPE  vif (optional)\n"
            "  vif          the interface, vifDOMID.DEVID (optional)\n"
            "\n"
            "online (or add): attach the interface to the bridge named by\n"
            "XENBUS_PATH/bridge, bring it up, and write\n"
            "XENBUS_PATH/hotplug-status=connected. On failure write\n"
            "hotplug-error (the reason) and hotplug-status=error, and exit 1.\n"
            "offline (or remove): bring the interface down and detach it\n"
            "from its bridge; an interface already gone is fine.\n"
            "\n"
            "Exit status: 0 done, 1 the operation failed, 2 bad arguments or\n"
            "environment.\n",
            prog, prog);
}

static const char *env(const char *name)
{
    return getenv(name);
}

int main(int argc, char **argv)
{
    struct xendev_hotplug_req req;
    struct xendev_ctx ctx = {0};
    struct xendev dev;
    char err[512];
    int rc;

    if (argc > 0 && argv[0] && argv[0][0]) {
        const char *b = strrchr(argv[0], '/');

        prog = b ? b + 1 : argv[0];
    }
    rc = xendev_hotplug_parse(argc, argv, env, &req, err, sizeof(err));
    if (rc) {
        fprintf(stderr, "%s: %s\n", prog, err);
        fprintf(stderr, "Try '%s --help'.\n", prog);
        return 2;
    }
    if (req.action == XENDEV_HOTPLUG_HELP) {
        usage(stdout);
        return 0;
    }
    rc = xendev_init(&dev, &xendev_vif_ops, req.be_domid, req.fe_domid,
                     req.devid);
    if (!rc) /* keep the path as libxl gave it (relative to our home) */
        snprintf(dev.backend, sizeof(dev.backend), "%s", req.backend);
    if (rc) {
        fprintf(stderr, "%s: bad device %s: %s\n", prog, req.backend,
                strerror(-rc));
        return 2;
    }
    rc = xendev_store_xs_open(&ctx.store);
    if (rc) {
        fprintf(stderr, "%s: %s %s: cannot connect to XenStore: %s\n", prog,
                argv[1], req.ifname, strerror(-rc));
        return 1;
    }
    ctx.netif = xendev_netif_linux();
    if (req.action == XENDEV_HOTPLUG_ONLINE)
        rc = dev.ops->connect(&ctx, &dev);
    else
        rc = dev.ops->disconnect(&ctx, &dev);
    xendev_store_xs_close(ctx.store);
    if (rc) {
        fprintf(stderr, "%s: %s %s: %s\n", prog, argv[1], req.ifname,
                ctx.error[0] ? ctx.error : strerror(-rc));
        return 1;
    }
    return 0;
}
