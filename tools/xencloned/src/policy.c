/* policy.c: give each new domain its clone policy (config file) when
 * @introduceDomain fires; clones keep the policy they inherited. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/log.h"
#include "xencloned/policy.h"
#include "xencloned/vifclone.h"
#include "xencloned/reaper.h"

#define SCAN_BATCH 256

int policy_watch(struct cloned_service *s)
{
    if (!xs_watch(s->xsh, "@introduceDomain", "domains") ||
        !xs_watch(s->xsh, "@releaseDomain", "domains")) {
        log_err("cannot watch XenStore for new domains: %s", g_strerror(errno));
        return -errno;
    }
    return 0;
}

/*
 * "domid:uuid": a domid that is reused names a different domain. Every scan
 * makes one per running domain, so the UUID's hex is written by hand (17
 * printf calls per domain took a good part of a scan with 1,000 running).
 */
static char *domain_key(const xc_domaininfo_t *info)
{
    static const char hex[] = "0123456789abcdef";
    char key[sizeof("4294967295:") + 2 * sizeof(info->handle)];
    int n = snprintf(key, sizeof(key), "%u:", info->domain);

    for (size_t i = 0; i < sizeof(info->handle); i++) {
        key[n++] = hex[info->handle[i] >> 4];
        key[n++] = hex[info->handle[i] & 0xf];
    }
    key[n] = '\0';
    return g_strdup(key);
}

/* Give INFO's domain its policy. False: not yet (no name in XenStore). */
static bool apply(struct cloned_service *s, const xc_domaininfo_t *info)
{
    const struct clone_policy *p;
    xen_clone_info_t ci;
    char path[64], *name;

    if (xc_clone_get_info(s->xch, info->domain, &ci) < 0) {
        log_warn("domain %u: CLONEOP_get_info failed: %s", info->domain,
                 g_strerror(errno));
        return true;
    }
    if (ci.flags & XEN_CLONE_INFO_CHILD) {
        log_debug("domain %u is a clone of %u: it keeps its inherited policy",
                  info->domain, ci.parent);
        return true;
    }
    /* The toolstack names a domain before introducing it: wait for that. */
    snprintf(path, sizeof(path), "/local/domain/%u/name", info->domain);
    name = xs_read(s->xsh, XBT_NULL, path, NULL);
    if (!name)
        return false;
    p = config_policy_for(s->config, name);
    if (xc_clone_set_policy_shared(s->xch, info->domain, p->enabled,
                                   p->max_clones, p->max_family, p->max_depth,
                                   p->max_shared) < 0)
        log_err("domain %u (%s): setting its clone policy failed: %s",
                info->domain, name, g_strerror(errno));
    else
        log_info("domain %u (%s): cloning %s, max_clones %u, max_family %u, "
                 "max_depth %u, max_shared %" PRIu64 "%s",
                 info->domain, name, p->enabled ? "enabled" : "disabled",
                 p->max_clones, p->max_family, p->max_depth, p->max_shared,
                 p->max_shared ? "" : " (Xen's default)");
    free(name);
    return true;
}

void policy_scan(struct cloned_service *s)
{
    xc_domaininfo_t info[SCAN_BATCH];
    GHashTable *now =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    uint32_t next = 1; /* Dom0 is never cloned */
    int n;

    while ((n = xc_domain_getinfolist(s->xch, next, SCAN_BATCH, info)) > 0) {
        for (int i = 0; i < n; i++) {
            char *key = domain_key(&info[i]);

            if (!(info[i].flags & XEN_DOMINF_dying) &&
                (g_hash_table_contains(s->policy_seen, key) ||
                 apply(s, &info[i])))
                g_hash_table_add(now, key);
            else
                g_free(key);
        }
        next = info[n - 1].domain + 1;
    }
    if (n < 0)
        log_err("listing domains failed: %s", g_strerror(errno));
    /* Keep only domains that still exist. */
    g_hash_table_destroy(s->policy_seen);
    s->policy_seen = now;
}

void policy_handle_watches(struct cloned_service *s)
{
    char **w;
    bool rescan = false;

    while ((w = xs_check_watch(s->xsh)) != NULL) {
        if (!strcmp(w[XS_WATCH_TOKEN], "domains"))
            rescan = true;
        free(w);
    }
    if (errno != EAGAIN)
        log_err("reading XenStore watches failed: %s", g_strerror(errno));
    if (rescan) {
        policy_scan(s);
        reaper_scan(s);
        vifclone_reap(s);
    }
}
