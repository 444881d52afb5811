/* hotplug.c: libxl's hotplug-script calling convention, parsed; pure. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "xendev/hotplug.h"
#include "xendev/vif.h"

static int bad(char *err, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad(char *err, size_t len, const char *fmt, ...)
{
    va_list ap;

    if (err && len) {
        va_start(ap, fmt);
        vsnprintf(err, len, fmt, ap);
        va_end(ap);
    }
    return -EINVAL;
}

int xendev_hotplug_parse(int argc, char *const argv[],
                         const char *(*get_env)(const char *name),
                         struct xendev_hotplug_req *req, char *err,
                         size_t err_len)
{
    const char *action, *path, *xtype, *vif;
    int i, rc;

    if (!req || !get_env)
        return -EINVAL;
    memset(req, 0, sizeof(*req));
    if (err && err_len)
        err[0] = '\0';
    if (argc < 2 || !argv || !argv[1])
        return bad(err, err_len,
                   "missing ACTION (online, offline, add or remove)");
    action = argv[1];
    if (!strcmp(action, "--help") || !strcmp(action, "-h")) {
        req->action = XENDEV_HOTPLUG_HELP;
        return 0;
    }
    if (!strcmp(action, "online") || !strcmp(action, "add"))
        req->action = XENDEV_HOTPLUG_ONLINE;
    else if (!strcmp(action, "offline") || !strcmp(action, "remove"))
        req->action = XENDEV_HOTPLUG_OFFLINE;
    else
        return bad(err, err_len,
                   "unknown ACTION '%s' (online, offline, add or remove)",
                   action);
    for (i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "type_if=vif"))
            continue;
        if (!strncmp(argv[i], "type_if=", 8))
            return bad(err, err_len,
                       "'%s': only type_if=vif is handled (no emulated "
                       "tap devices here)",
                       argv[i]);
        return bad(err, err_len, "unexpected argument '%s'", argv[i]);
    }

    path = get_env("XENBUS_PATH");
    if (!path || !*path)
        return bad(err, err_len,
                   "XENBUS_PATH is not set (it names the backend directory, "
                   "e.g. backend/vif/1/0; this program is run by libxl)");
    rc = xendev_parse_backend_path(path, req->type, sizeof(req->type),
                                   &req->be_domid, &req->fe_domid, &req->devid);
    if (rc)
        return bad(err, err_len,
                   "XENBUS_PATH '%s' is not a backend path "
                   "(backend/TYPE/DOMID/DEVID or "
                   "/local/domain/BE/backend/TYPE/DOMID/DEVID)",
                   path);
    strcpy(req->backend, path); /* fits: checked by the parser */
    if (strcmp(req->type, "vif"))
        return bad(err, err_len,
                   "XENBUS_PATH '%s' is a '%s' device; only vif is handled",
                   path, req->type);
    xtype = get_env("XENBUS_TYPE");
    if (xtype && *xtype && strcmp(xtype, req->type))
        return bad(err, err_len,
                   "XENBUS_TYPE '%s' does not match XENBUS_PATH '%s'", xtype,
                   path);

    vif = get_env("vif");
    if (vif && *vif) {
        char want[XENDEV_IFNAME_MAX];

        if (xendev_ifname_valid(vif))
            return bad(err, err_len, "vif '%s' is not an interface name", vif);
        /* netback names the device vif<domid>.<devid>; anything else is
         * a renamed device (vifname), which we do not handle. */
        rc = xendev_vif_ifname(want, sizeof(want), req->fe_domid, req->devid);
        if (rc || strcmp(vif, want))
            return bad(err, err_len,
                       "vif '%s' does not match XENBUS_PATH '%s' (expected "
                       "'%s')",
                       vif, path, rc ? "?" : want);
        strcpy(req->ifname, vif);
    } else if (xendev_vif_ifname(req->ifname, sizeof(req->ifname),
                                 req->fe_domid, req->devid)) {
        return bad(err, err_len, "no interface name for XENBUS_PATH '%s'",
                   path);
    }
    return 0;
}
