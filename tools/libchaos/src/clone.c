/* clone.c: clone a domain into empty shells from chaosd, or into children
 * Xen makes when chaosd has none, and wait for the clone service. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chaos/client.h"
#include "internal.h"

/* How long a clone waits for chaosd's shells (busy serving creates). */
#define SHELLS_TIMEOUT_S 120

int chaos_domid_of(struct chaos_ctx *ctx, const char *what, unsigned int *domid)
{
    char **doms, path[64], name[CHAOS_NAME_MAX];
    unsigned int nd = 0, i, id;
    int rc = -ENOENT;

    if (!xendev_parse_uint(what, XENDEV_DOMID_MAX, domid))
        return 0;
    doms = xs_directory(ctx->xsh, XBT_NULL, "/local/domain", &nd);
    for (i = 0; doms && i < nd && rc; i++) {
        snprintf(path, sizeof(path), "/local/domain/%s/name", doms[i]);
        if (!xendev_parse_uint(doms[i], XENDEV_DOMID_MAX, &id) &&
            !chaos_xs_read(ctx, path, name, sizeof(name)) &&
            !strcmp(name, what)) {
            *domid = id;
            rc = 0;
        }
    }
    free(doms);
    if (rc)
        chaos_fail(ctx, rc, "finding the domain", "no domain '%s'", what);
    return rc;
}

/*
 * Ask chaosd for N shells fitting PARENT: 0 with them in RES, or -errno
 * with the reason in RES->note (chaosd absent, pool empty, no flavour);
 * shells handed over in a reply we cannot use are in RES, to destroy.
 */
static int take_shells(const char *socket_path, unsigned int parent,
                       unsigned int n, struct chaos_clone_result *res)
{
    struct chaos_reply rep;
    int rc;

    rc = chaos_ask_shells(socket_path, parent, n, SHELLS_TIMEOUT_S, &rep,
                          res->note, sizeof(res->note));
    memcpy(res->children, rep.domids, rep.nr_domids * sizeof(rep.domids[0]));
    res->nr = rep.nr_domids;
    if (!rc)
        snprintf(res->flavour, sizeof(res->flavour), "%s", rep.flavour);
    return rc;
}

static void destroy_all(struct chaos_ctx *ctx, struct chaos_clone_result *res)
{
    for (unsigned int i = 0; i < res->nr; i++)
        xc_domain_destroy(ctx->xch, res->children[i]);
    res->nr = 0;
}

/* Give each shell a fresh v4 UUID (the child keeps it; the chaos tag goes). */
static int fresh_handles(struct chaos_ctx *ctx,
                         const struct chaos_clone_result *res)
{
    xen_domain_handle_t h;
    int rc;

    for (unsigned int i = 0; i < res->nr; i++) {
        rc = chaos_random(h, sizeof(h));
        if (rc)
            return rc;
        h[6] = (h[6] & 0x0f) | 0x40;
        h[8] = (h[8] & 0x3f) | 0x80;
        if (xc_domain_sethandle(ctx->xch, res->children[i], h))
            return chaos_neg_errno();
    }
    return 0;
}

/* Wait until every child is set up (as xl clone does); drop failed ones. */
static int wait_complete(struct chaos_ctx *ctx, struct chaos_clone_result *res,
                         unsigned int timeout_s)
{
    long long deadline = chaos_mono_us() / 1000 + timeout_s * 1000LL;
    xen_clone_info_t info;
    unsigned int i, j, pending;
    int rc = 0;

    do {
        pending = 0;
        for (i = 0; i < res->nr; i++) {
            if (!res->children[i])
                continue;
            if (xc_clone_get_info(ctx->xch, res->children[i], &info)) {
                rc = chaos_fail(ctx, -EIO, "waiting for the clone service",
                                "child %u was not set up (%s); Xen destroyed "
                                "it (see /var/log/xen/xencloned.log)",
                                res->children[i], strerror(errno));
                res->children[i] = 0;
            } else if (info.flags & XEN_CLONE_INFO_PENDING) {
                pending++;
            }
        }
        if (pending)
            usleep(2000);
    } while (pending && chaos_mono_us() / 1000 < deadline);
    for (i = 0; pending && i < res->nr; i++)
        if (res->children[i] &&
            !xc_clone_get_info(ctx->xch, res->children[i], &info) &&
            (info.flags & XEN_CLONE_INFO_PENDING)) {
            rc = chaos_fail(ctx, -ETIMEDOUT, "waiting for the clone service",
                            "child %u was not set up within %u s; destroyed",
                            res->children[i], timeout_s);
            xc_domain_destroy(ctx->xch, res->children[i]);
            res->children[i] = 0;
        }
    for (i = j = 0; i < res->nr; i++)
        if (res->children[i])
            res->children[j++] = res->children[i];
    res->nr = j;
    return rc;
}

int chaos_clone(struct chaos_ctx *ctx, const char *socket_path,
                unsigned int parent, unsigned int n, bool paused,
                unsigned int timeout_s, struct chaos_clone_result *res)
{
    unsigned int flags = paused ? XEN_CLONE_FLAG_PAUSED : 0;
    uint32_t kids[CHAOS_MAX_SHELLS];
    const char *step = "checking the request";
    xen_clone_info_t info;
    int rc;

    memset(res, 0, sizeof(*res));
    ctx->error[0] = '\0';
    if (!parent || !n || n > CHAOS_MAX_SHELLS)
        return chaos_fail(ctx, -EINVAL, step,
                          "domain %u, %u children: want a guest and 1 to %d",
                          parent, n, CHAOS_MAX_SHELLS);
    step = "CLONEOP_get_info";
    if (xc_clone_get_info(ctx->xch, parent, &info))
        return chaos_fail(ctx, chaos_neg_errno(), step, "domain %u: %s", parent,
                          strerror(errno));
    if (!(info.flags & XEN_CLONE_INFO_SERVICE))
        return chaos_fail(ctx, -ENXIO, step,
                          "no clone service is registered with Xen (is "
                          "xencloned running?)");

    if (take_shells(socket_path, parent, n, res) == 0) {
        step = "giving the shells fresh UUIDs";
        rc = fresh_handles(ctx, res);
        if (rc) {
            destroy_all(ctx, res);
            return chaos_fail(ctx, rc, step, "%s", strerror(-rc));
        }
        for (unsigned int i = 0; i < n; i++)
            kids[i] = res->children[i];
        step = "CLONEOP_clone into shells";
        if (xc_clone(ctx->xch, parent, n, flags | XEN_CLONE_FLAG_SHELLS,
                     kids) == 0) {
            res->shells = true;
            goto wait;
        }
        rc = chaos_neg_errno();
        /* Refused before anything changed: the shells are still empty. */
        destroy_all(ctx, res);
        if (rc != -EINVAL)
            return chaos_fail(ctx, rc, step, "domain %u: %s", parent,
                              strerror(-rc));
        snprintf(res->note, sizeof(res->note),
                 "Xen refused pool '%s''s shells for domain %u (EINVAL: "
                 "they do not fit it; destroyed)",
                 res->flavour, parent);
    } else {
        destroy_all(ctx, res); /* shells of a partial reply, if any */
    }
    step = "CLONEOP_clone";
    if (xc_clone(ctx->xch, parent, n, flags, kids))
        return chaos_fail(ctx, chaos_neg_errno(), step, "domain %u: %s", parent,
                          strerror(errno));
    for (unsigned int i = 0; i < n; i++)
        res->children[i] = kids[i];
    res->nr = n;
wait:
    return wait_complete(ctx, res, timeout_s);
}
