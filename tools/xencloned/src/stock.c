/* stock.c: keep Xen's stock of empty shells for guests' forks topped up
 * with shells from chaosd's clone pools (CLONEOP_add_shells). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "chaos/client.h"
#include "daemon/log.h"
#include "xencloned/stock.h"
#include "xencloned/vifclone.h"

/* Remove our shell at index I (the caller destroyed it or Xen used it). */
static void forget(struct cloned_service *s, unsigned int i)
{
    s->stock_ids[i] = s->stock_ids[--s->nr_stock];
}

/* Destroy a shell we own (empty), and the vifs chaosd made ahead for it. */
static void destroy_shell(struct cloned_service *s, uint32_t domid,
                          const char *why)
{
    if (xc_domain_destroy(s->xch, domid) && errno != ESRCH) {
        log_warn("stock: destroying shell %u (%s) failed: %s", domid, why,
                 g_strerror(errno));
        return;
    }
    log_info("stock: shell %u destroyed (%s)", domid, why);
    vifclone_remove_shell(s, domid);
}

/* How long a top-up waits for chaosd (the service loop waits meanwhile). */
#define CHAOSD_TIMEOUT_S 30

_Static_assert(CHAOS_MAX_SHELLS == XEN_CLONE_MAX_BATCH,
               "chaosd hands over at most one clone_op batch of shells");

/*
 * Ask chaosd for N shells fitting PARENT into IDS (libchaos's client):
 * how many it handed over (ours from then on), or -errno with the reason
 * in *WHY (g_free it). Shells named in a reply we cannot use are destroyed.
 */
static int chaosd_shells(struct cloned_service *s, unsigned int parent,
                         unsigned int n, uint32_t *ids, char **why)
{
    char reason[2 * CHAOS_ERR_MAX];
    struct chaos_reply rep;
    int rc;

    rc = chaos_ask_shells(s->config->chaosd_socket, parent, n, CHAOSD_TIMEOUT_S,
                          &rep, reason, sizeof(reason));
    if (rc) {
        *why = g_strdup(reason);
        for (unsigned int i = 0; i < rep.nr_domids; i++)
            destroy_shell(s, rep.domids[i], "chaosd's reply was unusable");
        return rc;
    }
    for (unsigned int i = 0; i < n; i++)
        ids[i] = rep.domids[i];
    return (int)n;
}

void stock_note_child(struct cloned_service *s, unsigned int parent,
                      unsigned int child, unsigned int flags)
{
    if (!s->config->fork_shells)
        return;
    if (flags & XEN_CLONE_NOTIFY_SELF) {
        s->stock_parent = parent;
        s->stock_quiet = false; /* worth asking chaosd again */
    }
    if (!(flags & XEN_CLONE_NOTIFY_STOCK))
        return;
    for (unsigned int i = 0; i < s->nr_stock; i++)
        if (s->stock_ids[i] == child) {
            forget(s, i);
            break;
        }
    log_info("stock: fork of %u took shell %u", parent, child);
}

/* Forget shells no longer in Xen's stock; destroy those handed back. */
static void reconcile(struct cloned_service *s)
{
    for (unsigned int i = 0; i < s->nr_stock;) {
        xen_clone_info_t ci;
        uint32_t id = s->stock_ids[i];

        if (xc_clone_get_info(s->xch, id, &ci) < 0) {
            if (errno == ESRCH) {
                log_info("stock: shell %u is gone", id);
                forget(s, i);
            } else
                i++; /* try again next time */
            continue;
        }
        if (ci.flags & XEN_CLONE_INFO_STOCK) {
            i++;
            continue;
        }
        /* A child announced but not drained yet keeps its clone state. */
        if (ci.parent != DOMID_INVALID) {
            forget(s, i);
            continue;
        }
        forget(s, i);
        destroy_shell(s, id, "Xen handed it back");
    }
}

void stock_topup(struct cloned_service *s)
{
    unsigned int target = s->config->fork_shells, want;
    const char *step = "reading Xen's stock";
    uint32_t ids[XEN_CLONE_MAX_BATCH];
    xen_clone_info_t ci;
    char *why = NULL;
    int got = 0;

    if (!target || !s->registered)
        return;
    reconcile(s);
    if (!s->stock_parent || s->stock_quiet)
        return;
    /* A parent that is gone names no shape: wait for the next fork. */
    if (xc_clone_get_info(s->xch, s->stock_parent, &ci) < 0 && errno == ESRCH) {
        log_info("stock: domain %u, the last to fork, is gone: no top-up "
                 "until another forks",
                 s->stock_parent);
        s->stock_parent = 0;
        return;
    }
    if (xc_clone_get_info(s->xch, 0, &ci) < 0) {
        log_warn("stock: %s failed: %s", step, g_strerror(errno));
        return;
    }
    if (ci.nr_stock >= target)
        return;
    want = target - ci.nr_stock;
    if (want > XEN_CLONE_MAX_BATCH)
        want = XEN_CLONE_MAX_BATCH;

    step = "asking chaosd for shells";
    got = chaosd_shells(s, s->stock_parent, want, ids, &why);
    if (got <= 0) {
        /* Not again (every 2 s) before the next fork: no request storm. */
        s->stock_quiet = true;
        /* No chaosd is the default set-up: not worth a warning. */
        if (got == -ENOENT || got == -ECONNREFUSED)
            log_debug("stock: %s", why);
        else if (got == -EAGAIN)
            log_debug("stock: %s (parent %u)", why, s->stock_parent);
        else
            log_warn("stock: %s failed: %s", step, why);
        goto out;
    }

    step = "CLONEOP_add_shells";
    if (xc_clone_add_shells(s->xch, ids, (unsigned int)got) < 0) {
        int err = errno;

        /* A parent gone, shells Xen will not take: they are ours to go. */
        log_warn("stock: %s of %d shell(s) for parent %u failed: %s", step, got,
                 s->stock_parent, g_strerror(err));
        for (int i = 0; i < got; i++)
            destroy_shell(s, ids[i], "Xen refused it");
        goto out;
    }
    for (int i = 0; i < got; i++)
        s->stock_ids[s->nr_stock++] = ids[i];
    s->nr_stock_added += (unsigned int)got;
    log_info("stock: %d shell(s) from chaosd given to Xen for forks of "
             "domain %u (%u in the stock)",
             got, s->stock_parent, ci.nr_stock + (unsigned int)got);
out:
    g_free(why);
}

void stock_release(struct cloned_service *s)
{
    while (s->nr_stock) {
        uint32_t id = s->stock_ids[0];

        forget(s, 0);
        destroy_shell(s, id, "the service stops");
    }
}

void stock_info(struct cloned_service *s, struct cloned_stock_info *out)
{
    xen_clone_info_t ci;

    *out = (struct cloned_stock_info){
        .target = s->config->fork_shells,
        .ours = s->nr_stock,
        .added = s->nr_stock_added,
        .parent = s->stock_parent,
    };
    for (unsigned int i = 0; i < s->nr_stock && i < 64; i++)
        out->domids[i] = s->stock_ids[i];
    if (s->xch && xc_clone_get_info(s->xch, 0, &ci) == 0) {
        out->in_xen = ci.nr_stock;
        out->taken = ci.nr_stock_taken;
        out->dropped = ci.nr_stock_dropped;
    }
}
