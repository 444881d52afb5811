/* xspath.h: how a parent's XenStore paths, values and permissions map to
 * its child's (pure string logic, no XenStore access). */
#ifndef XENCLONED_XSPATH_H
#define XENCLONED_XSPATH_H

#include <stdbool.h>
#include <stdint.h>
#include <xenstore.h>

/* What differs between a parent and one child. */
struct xsrewrite {
    unsigned int parent, child; /* domids */
    const char *child_name;     /* "<name>-clone-<child>" */
    const char *parent_vm;      /* the parent's "vm" node value, or NULL */
    const char *child_vm;       /* "/vm/<child uuid>", or NULL */
    const char *child_uuid;     /* the child's UUID as a string, or NULL */
    uint64_t store_mfn;         /* the child's private xenstore ring */
    uint64_t console_mfn;       /* the child's private console ring */
};

/* The child's name: "<parent name>-clone-<child>". g_free it. */
char *xspath_child_name(const char *parent_name, unsigned int child);

/* The roots copied for a clone, in order: /local/domain/<parent>,
 * /libxl/<parent> and the parent's vm path (if any). N gets the count. */
void xspath_roots(const struct xsrewrite *rw, char *roots[3], unsigned *n);

/*
 * The child's path for PATH, one of the parent's paths under a root
 * (the roots themselves included). NULL if PATH is under none. g_free it.
 */
char *xspath_to_child(const struct xsrewrite *rw, const char *path);

/*
 * Whether the node PATH (and its subtree) stays with the parent: devices
 * (backends are per domain; devices are not cloned yet), error nodes and
 * the console's tty (xenconsoled writes the child's own).
 */
bool xspath_skip(const struct xsrewrite *rw, const char *path);

/*
 * The child's value for node PATH whose parent value is VALUE (LEN bytes,
 * not necessarily NUL-terminated): names, domid, uuid, the vm path and the
 * ring references are the child's; a value naming a path under a root is
 * rewritten like a path; anything else is copied. *OUTLEN gets the length.
 * The result is NUL-terminated; g_free it.
 */
char *xspath_value(const struct xsrewrite *rw, const char *path,
                   const char *value, unsigned int len, unsigned int *outlen);

/* Every permission entry naming the parent names the child instead. */
void xsperms_rewrite(const struct xsrewrite *rw, struct xs_permissions *perms,
                     unsigned int n);

#endif
