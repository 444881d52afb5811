/*
 * hotplug.h: the calling convention of libxl's device hotplug scripts, as
 * libxl 4.17 uses it for a vif (tools/libs/light/libxl_linux.c):
 *
 *   argv: SCRIPT online|offline type_if=vif     (add|remove also accepted)
 *   env:  XENBUS_PATH=backend/vif/<fe>/<devid>  (relative to the backend's
 *         home; an absolute path is accepted too), XENBUS_TYPE=vif,
 *         XENBUS_BASE_PATH=backend, vif=<netdev name>, netdev=<gateway dev
 *         or empty>, script=<this program>
 *
 * xendev_hotplug_parse() checks all of it without touching the system.
 */
#ifndef XENDEV_HOTPLUG_H
#define XENDEV_HOTPLUG_H

#include "xendev.h"

#ifdef __cplusplus
extern "C" {
#endif

enum xendev_hotplug_action {
    XENDEV_HOTPLUG_NONE = 0,
    XENDEV_HOTPLUG_ONLINE,  /* "online" or "add" */
    XENDEV_HOTPLUG_OFFLINE, /* "offline" or "remove" */
    XENDEV_HOTPLUG_HELP,    /* --help / -h */
};

struct xendev_hotplug_req {
    enum xendev_hotplug_action action;
    char type[16];                  /* from XENBUS_PATH ("vif") */
    unsigned int be_domid;          /* XENDEV_DOMID_SELF when relative */
    unsigned int fe_domid, devid;   /* from XENBUS_PATH */
    char backend[XENDEV_PATH_MAX];  /* XENBUS_PATH as given */
    char ifname[XENDEV_IFNAME_MAX]; /* env "vif", or empty: from XenStore */
};

/* Parse ARGV (ARGC entries) and the environment given by GETENV (getenv,
 * or a test's own). On -EINVAL, ERR (ERR_LEN bytes) says what is wrong,
 * in words for the person reading the log. */
int xendev_hotplug_parse(int argc, char *const argv[],
                         const char *(*get_env)(const char *name),
                         struct xendev_hotplug_req *req, char *err,
                         size_t err_len);

#ifdef __cplusplus
}
#endif
#endif
