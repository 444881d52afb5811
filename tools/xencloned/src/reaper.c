/* reaper.c: destroy clones that have shut down, and their XenStore state. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/log.h"
#include "xencloned/reaper.h"
#include "xencloned/vifclone.h"

#define SCAN_BATCH 256

static const char *reason_name(unsigned int reason)
{
    switch (reason) {
    case SHUTDOWN_poweroff:
        return "poweroff";
    case SHUTDOWN_reboot:
        return "reboot";
    case SHUTDOWN_suspend:
        return "suspend";
    case SHUTDOWN_crash:
        return "crash";
    case SHUTDOWN_watchdog:
        return "watchdog";
    case SHUTDOWN_soft_reset:
        return "soft reset";
    default:
        return "unknown reason";
    }
}

static char *xs_get(struct xs_handle *xsh, const char *fmt, unsigned int domid)
{
    char *path = g_strdup_printf(fmt, domid);
    char *v = xs_read(xsh, XBT_NULL, path, NULL);

    g_free(path);
    return v;
}

static void xs_remove(struct xs_handle *xsh, const char *path)
{
    if (!xs_rm(xsh, XBT_NULL, path) && errno != ENOENT)
        log_warn("removing %s failed: %s", path, g_strerror(errno));
}

/* Destroy the ended clone INFO and its XenStore entries. */
static void reap(struct cloned_service *s, const xc_domaininfo_t *info)
{
    unsigned int domid = info->domain;
    unsigned int reason =
        (info->flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
    char *name = xs_get(s->xsh, "/local/domain/%u/name", domid);
    char *vm = xs_get(s->xsh, "/local/domain/%u/vm", domid);
    char *path;

    if (xc_domain_destroy(s->xch, domid) < 0) {
        log_err("child %u (%s) shut down (%s) but destroying it failed: %s",
                domid, name ? name : "?", reason_name(reason),
                g_strerror(errno));
        goto out;
    }
    vifclone_remove(s, domid); /* its vifs' backends first */
    path = g_strdup_printf("/local/domain/%u", domid);
    xs_remove(s->xsh, path);
    g_free(path);
    path = g_strdup_printf("/libxl/%u", domid);
    xs_remove(s->xsh, path);
    g_free(path);
    if (vm && g_str_has_prefix(vm, "/vm/"))
        xs_remove(s->xsh, vm);
    s->nr_reaped++;
    log_info("child %u (%s) shut down (%s): destroyed", domid,
             name ? name : "?", reason_name(reason));
out:
    free(name);
    free(vm);
}

void reaper_scan(struct cloned_service *s)
{
    xc_domaininfo_t info[SCAN_BATCH];
    uint32_t next = 1;
    int n;

    if (s->config->on_exit != ON_EXIT_DESTROY)
        return;
    while ((n = xc_domain_getinfolist(s->xch, next, SCAN_BATCH, info)) > 0) {
        for (int i = 0; i < n; i++) {
            xen_clone_info_t ci;

            if (!(info[i].flags & XEN_DOMINF_shutdown) ||
                (info[i].flags & XEN_DOMINF_dying))
                continue;
            if (xc_clone_get_info(s->xch, info[i].domain, &ci) < 0 ||
                !(ci.flags & XEN_CLONE_INFO_CHILD) ||
                (ci.flags & XEN_CLONE_INFO_PENDING))
                continue;
            reap(s, &info[i]);
        }
        next = info[n - 1].domain + 1;
    }
    if (n < 0)
        log_err("listing domains failed: %s", g_strerror(errno));
}
