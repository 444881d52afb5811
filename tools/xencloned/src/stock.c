/* stock.c: keep Xen's stock of empty shells for guests' forks topped up
 * with shells from chaosd's clone pools (CLONEOP_add_shells). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "daemon/log.h"
#include "daemon/unixsock.h"
#include "xencloned/stock.h"

#define CHAOSD_REPLY_MAX 65536
#define CHAOSD_TIMEOUT_S 30

/* Send REQ to chaosd on PATH, read its one reply (g_malloc()ed) until it
 * closes: 0, or -errno (-ENOENT/-ECONNREFUSED: chaosd is not running). */
static int chaosd_ask(const char *path, const char *req, char **reply)
{
    size_t len = 0, reqlen = strlen(req);
    char *buf = NULL;
    ssize_t r = 0;
    int fd, rc;

    fd = unix_connect(path, CHAOSD_TIMEOUT_S);
    if (fd < 0)
        return fd;
    if (send(fd, req, reqlen, MSG_NOSIGNAL) != (ssize_t)reqlen) {
        rc = -EPIPE;
        goto out;
    }
    shutdown(fd, SHUT_WR);
    buf = g_malloc(CHAOSD_REPLY_MAX);
    while (len < CHAOSD_REPLY_MAX - 1 &&
           (r = read(fd, buf + len, CHAOSD_REPLY_MAX - 1 - len)) > 0)
        len += (size_t)r;
    if (r < 0) {
        rc = errno == EAGAIN ? -ETIMEDOUT : -errno;
        goto out;
    }
    if (!len || len == CHAOSD_REPLY_MAX - 1) {
        rc = len ? -E2BIG : -ECONNRESET;
        goto out;
    }
    buf[len] = '\0';
    *reply = buf;
    buf = NULL;
    rc = 0;
out:
    g_free(buf);
    close(fd);
    return rc;
}

/*
 * Ask chaosd for N shells fitting PARENT into IDS: how many it handed over
 * (ours from then on, even in a reply we cannot use), or -errno with the
 * reason in *WHY (g_free it).
 */
static int chaosd_shells(const char *path, unsigned int parent, unsigned int n,
                         uint32_t *ids, char **why)
{
    static const char *ok_path[] = {"ok", NULL};
    static const char *ids_path[] = {"domids", NULL};
    static const char *error_path[] = {"error", NULL};
    char req[96], perr[128], *reply = NULL;
    yajl_val root = NULL, v;
    int rc, got = 0;

    snprintf(req, sizeof(req),
             "{\"op\":\"shells\",\"parent\":%u,\"count\":%u}\n", parent, n);
    rc = chaosd_ask(path, req, &reply);
    if (rc) {
        *why =
            g_strdup_printf("asking chaosd on %s: %s", path, g_strerror(-rc));
        goto out;
    }
    root = yajl_tree_parse(reply, perr, sizeof(perr));
    v = root ? yajl_tree_get(root, ok_path, yajl_t_any) : NULL;
    if (!v || !(YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v))) {
        rc = -EPROTO;
        *why = g_strdup("chaosd's reply is not understood");
        goto out;
    }
    if (YAJL_IS_FALSE(v)) {
        v = yajl_tree_get(root, error_path, yajl_t_string);
        rc = -EAGAIN;
        *why =
            g_strdup_printf("chaosd: %s", v ? YAJL_GET_STRING(v) : "no shell");
        goto out;
    }
    v = yajl_tree_get(root, ids_path, yajl_t_array);
    for (size_t i = 0; v && i < v->u.array.len && got < (int)n; i++) {
        yajl_val d = v->u.array.values[i];

        if (YAJL_IS_INTEGER(d) && YAJL_GET_INTEGER(d) > 0 &&
            YAJL_GET_INTEGER(d) < DOMID_FIRST_RESERVED)
            ids[got++] = (uint32_t)YAJL_GET_INTEGER(d);
    }
    rc = got;
out:
    yajl_tree_free(root);
    g_free(reply);
    return rc;
}

/* Remove our shell at index I (the caller destroyed it or Xen used it). */
static void forget(struct cloned_service *s, unsigned int i)
{
    s->stock_ids[i] = s->stock_ids[--s->nr_stock];
}

/* Destroy a shell we own (empty: nothing else to undo; the vif reaper
 * takes its pre-made backends). */
static void destroy_shell(struct cloned_service *s, uint32_t domid,
                          const char *why)
{
    if (xc_domain_destroy(s->xch, domid) && errno != ESRCH)
        log_warn("stock: destroying shell %u (%s) failed: %s", domid, why,
                 g_strerror(errno));
    else
        log_info("stock: shell %u destroyed (%s)", domid, why);
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
    got = chaosd_shells(s->config->chaosd_socket, s->stock_parent, want, ids,
                        &why);
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
