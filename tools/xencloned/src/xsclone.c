/* xsclone.c: copy a parent's XenStore entries to its child in one
 * transaction: XS_CLONE requests, or node by node (read, rewrite, write). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/log.h"
#include "xencloned/xsclone.h"

#define XSCLONE_TRIES 8

/* Copy the node PATH and its subtree. 0, or a negative errno. */
static int copy_tree(struct xs_handle *xsh, xs_transaction_t t,
                     const struct xsrewrite *rw, const char *path)
{
    struct xs_permissions *perms = NULL;
    unsigned int len, outlen, nperms, nents = 0;
    char *value = NULL, *out = NULL, *cpath = NULL, **ents = NULL;
    int rc = 0;

    if (xspath_skip(rw, path))
        goto out;
    value = xs_read(xsh, t, path, &len);
    if (!value) {
        /* A node that went away (or an absent root) is not an error. */
        rc = errno == ENOENT ? 0 : -errno;
        goto out;
    }
    perms = xs_get_permissions(xsh, t, path, &nperms);
    if (!perms) {
        rc = -errno;
        goto out;
    }
    cpath = xspath_to_child(rw, path);
    if (!cpath) {
        rc = -EINVAL;
        goto out;
    }
    out = xspath_value(rw, path, value, len, &outlen);
    xsperms_rewrite(rw, perms, nperms);
    if (!xs_write(xsh, t, cpath, out, outlen) ||
        !xs_set_permissions(xsh, t, cpath, perms, nperms)) {
        rc = -errno;
        log_debug("writing %s failed: %s", cpath, g_strerror(errno));
        goto out;
    }
    ents = xs_directory(xsh, t, path, &nents);
    for (unsigned int i = 0; ents && i < nents && !rc; i++) {
        char *sub = g_strdup_printf("%s/%s", path, ents[i]);

        rc = copy_tree(xsh, t, rw, sub);
        g_free(sub);
    }
out:
    free(ents);
    g_free(cpath);
    g_free(out);
    free(perms);
    free(value);
    return rc;
}

static void remove_child_paths(struct xs_handle *xsh, xs_transaction_t t,
                               const struct xsrewrite *rw)
{
    char *roots[3];
    unsigned int n;

    xspath_roots(rw, roots, &n);
    for (unsigned int i = 0; i < n; i++) {
        char *c = xspath_to_child(rw, roots[i]);

        xs_rm(xsh, t, c); /* ENOENT is fine */
        g_free(c);
        g_free(roots[i]);
    }
}

/* The deep copy: every node of every root, rewritten by xspath.c. */
static int copy_deep(struct xs_handle *xsh, xs_transaction_t t,
                     const struct xsrewrite *rw)
{
    char *roots[3];
    unsigned int n;
    int rc = 0;

    xspath_roots(rw, roots, &n);
    for (unsigned int i = 0; i < n && !rc; i++)
        rc = copy_tree(xsh, t, rw, roots[i]);
    for (unsigned int i = 0; i < n; i++)
        g_free(roots[i]);
    return rc;
}

/* xs_clone(); a missing source is fine when OPTIONAL. */
static int clone_op(struct xs_handle *xsh, xs_transaction_t t,
                    const struct xsrewrite *rw, const char *op,
                    const char *from, const char *to, bool optional)
{
    if (xs_clone(xsh, t, rw->parent, rw->child, op, from, to))
        return 0;
    if (optional && errno == ENOENT)
        return 0;
    log_debug("XS_CLONE %s %s -> %s failed: %s", op, from, to,
              g_strerror(errno));
    return -errno;
}

static int write_str(struct xs_handle *xsh, xs_transaction_t t,
                     const char *path, const char *value)
{
    return xs_write(xsh, t, path, value, strlen(value)) ? 0 : -errno;
}

/*
 * The copy with XS_CLONE: the home ("basic": without device/ and console/,
 * name and domid rewritten), the console, /libxl/<parent> and the vm node
 * ("full": owners and ACLs rewritten), then what only xencloned knows: the
 * ring references, the vm path, the vm's name and uuid. What the deep copy
 * skips is removed from the copies (XS_CLONE has no filter for it).
 */
static int copy_xs_clone(struct xs_handle *xsh, xs_transaction_t t,
                         const struct xsrewrite *rw)
{
    char *ph = g_strdup_printf("/local/domain/%u", rw->parent);
    char *ch = g_strdup_printf("/local/domain/%u", rw->child);
    char *pl = g_strdup_printf("/libxl/%u", rw->parent);
    char *cl = g_strdup_printf("/libxl/%u", rw->child);
    char *pc = g_strdup_printf("%s/console", ph);
    char *cc = g_strdup_printf("%s/console", ch);
    char *p = NULL, *v = NULL;
    int rc;

    rc = clone_op(xsh, t, rw, XS_CLONE_OP_BASIC, ph, ch, false);
    if (!rc)
        rc = clone_op(xsh, t, rw, XS_CLONE_OP_FULL, pc, cc, true);
    if (!rc)
        rc = clone_op(xsh, t, rw, XS_CLONE_OP_FULL, pl, cl, true);
    if (!rc && rw->parent_vm && rw->child_vm)
        rc = clone_op(xsh, t, rw, XS_CLONE_OP_FULL, rw->parent_vm, rw->child_vm,
                      true);
    if (rc)
        goto out;

    /* Nodes that stay with the parent (see xspath_skip()). */
    for (const char *const *s =
             (const char *const[]){"backend", "error", "console/tty", NULL};
         *s; s++) {
        g_free(p);
        p = g_strdup_printf("%s/%s", ch, *s);
        xs_rm(xsh, t, p);
    }
    g_free(p);
    p = g_strdup_printf("%s/device", cl);
    xs_rm(xsh, t, p);

    /* The values that differ. */
    g_free(p);
    p = g_strdup_printf("%s/store/ring-ref", ch);
    v = g_strdup_printf("%" PRIu64, rw->store_mfn);
    rc = write_str(xsh, t, p, v);
    if (!rc) {
        g_free(p);
        g_free(v);
        p = g_strdup_printf("%s/console/ring-ref", ch);
        v = g_strdup_printf("%" PRIu64, rw->console_mfn);
        rc = write_str(xsh, t, p, v);
    }
    if (!rc && rw->parent_vm && rw->child_vm) {
        g_free(p);
        p = g_strdup_printf("%s/vm", ch);
        rc = write_str(xsh, t, p, rw->child_vm);
        g_free(p);
        p = g_strdup_printf("%s/name", rw->child_vm);
        if (!rc)
            rc = write_str(xsh, t, p, rw->child_name);
        g_free(p);
        p = g_strdup_printf("%s/uuid", rw->child_vm);
        if (!rc && rw->child_uuid)
            rc = write_str(xsh, t, p, rw->child_uuid);
    }
out:
    g_free(p);
    g_free(v);
    g_free(ph);
    g_free(ch);
    g_free(pl);
    g_free(cl);
    g_free(pc);
    g_free(cc);
    return rc;
}

int xsclone_domain(struct xs_handle *xsh, const struct xsrewrite *rw,
                   enum xsclone_method method, xsclone_extra_fn extra,
                   void *arg)
{
    int rc = -EAGAIN;

    for (int tries = 0; tries < XSCLONE_TRIES && rc == -EAGAIN; tries++) {
        xs_transaction_t t = xs_transaction_start(xsh);

        if (t == XBT_NULL) {
            rc = -errno;
            break;
        }
        remove_child_paths(xsh, t, rw);
        rc = method == XSCLONE_DEEP ? copy_deep(xsh, t, rw)
                                    : copy_xs_clone(xsh, t, rw);
        if (!rc && extra)
            rc = extra(xsh, t, arg);
        if (rc) {
            xs_transaction_end(xsh, t, true);
            break;
        }
        if (!xs_transaction_end(xsh, t, false)) {
            rc = -errno; /* -EAGAIN: a concurrent change, try again */
            if (rc == -EAGAIN)
                log_info("child %u: the XenStore copy's transaction met a "
                         "concurrent change (try %d of %d)",
                         rw->child, tries + 1, XSCLONE_TRIES);
        }
    }
    return rc;
}

void xsclone_remove(struct xs_handle *xsh, const struct xsrewrite *rw)
{
    remove_child_paths(xsh, XBT_NULL, rw);
}
