/* xsclone.h: give a child its own copy of its parent's XenStore entries,
 * with XS_CLONE requests (the default) or node by node (deep copy). */
#ifndef XENCLONED_XSCLONE_H
#define XENCLONED_XSCLONE_H

#include <xenstore.h>
#include "xspath.h"

/* How the copy is made ([service] xenstore_copy). */
enum xsclone_method {
    XSCLONE_XS_CLONE, /* server-side XS_CLONE requests (xs_clone()) */
    XSCLONE_DEEP,     /* read, rewrite and write every node */
};

/*
 * Copy /local/domain/<parent>, /libxl/<parent> (if present) and the
 * parent's vm node to the child's paths in one transaction, rewritten by
 * RW (see xspath.h). Whatever the child's paths held before is removed.
 * Both methods give the same result. Returns 0 or a negative errno.
 */
int xsclone_domain(struct xs_handle *xsh, const struct xsrewrite *rw,
                   enum xsclone_method method);

/* Remove the child's paths (after a failed clone); best effort. */
void xsclone_remove(struct xs_handle *xsh, const struct xsrewrite *rw);

#endif
