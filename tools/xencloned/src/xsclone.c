/* xsclone.c: the deep XenStore copy from a parent to a child, in one
 * transaction (node by node: read, rewrite, write, set permissions). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xencloned/log.h"
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

int xsclone_domain(struct xs_handle *xsh, const struct xsrewrite *rw)
{
    char *roots[3];
    unsigned int n;
    int rc = -EAGAIN;

    xspath_roots(rw, roots, &n);
    for (int tries = 0; tries < XSCLONE_TRIES && rc == -EAGAIN; tries++) {
        xs_transaction_t t = xs_transaction_start(xsh);

        if (t == XBT_NULL) {
            rc = -errno;
            break;
        }
        remove_child_paths(xsh, t, rw);
        rc = 0;
        for (unsigned int i = 0; i < n && !rc; i++)
            rc = copy_tree(xsh, t, rw, roots[i]);
        if (rc) {
            xs_transaction_end(xsh, t, true);
            break;
        }
        if (!xs_transaction_end(xsh, t, false))
            rc = -errno; /* -EAGAIN: a concurrent change, try again */
    }
    for (unsigned int i = 0; i < n; i++)
        g_free(roots[i]);
    return rc;
}

void xsclone_remove(struct xs_handle *xsh, const struct xsrewrite *rw)
{
    remove_child_paths(xsh, XBT_NULL, rw);
}
