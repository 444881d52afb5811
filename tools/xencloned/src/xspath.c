/* xspath.c: map a parent's XenStore paths, values and permissions to its
 * child's. Pure string logic, unit-tested on the host. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>

#include "xencloned/xspath.h"

char *xspath_child_name(const char *parent_name, unsigned int child)
{
    return g_strdup_printf("%s-clone-%u", parent_name, child);
}

void xspath_roots(const struct xsrewrite *rw, char *roots[3], unsigned *n)
{
    *n = 0;
    roots[(*n)++] = g_strdup_printf("/local/domain/%u", rw->parent);
    roots[(*n)++] = g_strdup_printf("/libxl/%u", rw->parent);
    if (rw->parent_vm && rw->child_vm)
        roots[(*n)++] = g_strdup(rw->parent_vm);
}

/* If PATH is ROOT or under it, the rest of PATH ("" or "/..."), else NULL. */
static const char *under(const char *path, const char *root)
{
    size_t n = strlen(root);

    if (strncmp(path, root, n) != 0)
        return NULL;
    if (path[n] != '\0' && path[n] != '/')
        return NULL;
    return path + n;
}

enum root_kind { ROOT_NONE, ROOT_DOMAIN, ROOT_LIBXL, ROOT_VM };

/* Which of the parent's roots PATH is under; *REST gets the rest. */
static enum root_kind classify(const struct xsrewrite *rw, const char *path,
                               const char **rest)
{
    char dom[32], libxl[32];

    snprintf(dom, sizeof(dom), "/local/domain/%u", rw->parent);
    snprintf(libxl, sizeof(libxl), "/libxl/%u", rw->parent);
    if ((*rest = under(path, dom)))
        return ROOT_DOMAIN;
    if ((*rest = under(path, libxl)))
        return ROOT_LIBXL;
    if (rw->parent_vm && rw->child_vm && rw->parent_vm[0] == '/' &&
        (*rest = under(path, rw->parent_vm)))
        return ROOT_VM;
    return ROOT_NONE;
}

char *xspath_to_child(const struct xsrewrite *rw, const char *path)
{
    const char *rest;

    switch (classify(rw, path, &rest)) {
    case ROOT_DOMAIN:
        return g_strdup_printf("/local/domain/%u%s", rw->child, rest);
    case ROOT_LIBXL:
        return g_strdup_printf("/libxl/%u%s", rw->child, rest);
    case ROOT_VM:
        return g_strdup_printf("%s%s", rw->child_vm, rest);
    default:
        return NULL;
    }
}

bool xspath_skip(const struct xsrewrite *rw, const char *path)
{
    static const char *const domain_skip[] = {"/device", "/backend", "/error",
                                              "/console/tty", NULL};
    static const char *const libxl_skip[] = {"/device", NULL};
    const char *const *list;
    const char *rest;

    switch (classify(rw, path, &rest)) {
    case ROOT_DOMAIN:
        list = domain_skip;
        break;
    case ROOT_LIBXL:
        list = libxl_skip;
        break;
    default:
        return false;
    }
    for (; *list; list++)
        if (under(rest, *list))
            return true;
    return false;
}

char *xspath_value(const struct xsrewrite *rw, const char *path,
                   const char *value, unsigned int len, unsigned int *outlen)
{
    enum root_kind kind;
    const char *rest;
    char *v = g_malloc(len + 1), *out = NULL;

    memcpy(v, value, len);
    v[len] = '\0';
    kind = classify(rw, path, &rest);
    if (kind == ROOT_DOMAIN) {
        if (!strcmp(rest, "/name"))
            out = g_strdup(rw->child_name);
        else if (!strcmp(rest, "/domid"))
            out = g_strdup_printf("%u", rw->child);
        else if (!strcmp(rest, "/vm") && rw->child_vm)
            out = g_strdup(rw->child_vm);
        else if (!strcmp(rest, "/store/ring-ref"))
            out = g_strdup_printf("%" PRIu64, rw->store_mfn);
        else if (!strcmp(rest, "/console/ring-ref"))
            out = g_strdup_printf("%" PRIu64, rw->console_mfn);
    } else if (kind == ROOT_VM) {
        if (!strcmp(rest, "/name"))
            out = g_strdup(rw->child_name);
        else if (!strcmp(rest, "/uuid") && rw->child_uuid)
            out = g_strdup(rw->child_uuid);
    }
    /* A value naming one of the parent's paths names the child's. */
    if (!out && kind != ROOT_NONE && strlen(v) == len && v[0] == '/')
        out = xspath_to_child(rw, v);
    if (!out) {
        *outlen = len;
        return v;
    }
    g_free(v);
    *outlen = strlen(out);
    return out;
}

void xsperms_rewrite(const struct xsrewrite *rw, struct xs_permissions *perms,
                     unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        if (perms[i].id == rw->parent)
            perms[i].id = rw->child;
}
