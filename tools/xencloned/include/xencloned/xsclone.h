/* xsclone.h: give a child its own copy of its parent's XenStore entries.
 * One entry point, so the deep copy can later become an XS_CLONE request. */
#ifndef XENCLONED_XSCLONE_H
#define XENCLONED_XSCLONE_H

#include <xenstore.h>
#include "xspath.h"

/*
 * Copy /local/domain/<parent>, /libxl/<parent> (if present) and the
 * parent's vm node to the child's paths in one transaction, rewritten by
 * RW (see xspath.h). Whatever the child's paths held before is removed.
 * Returns 0 or a negative errno.
 */
int xsclone_domain(struct xs_handle *xsh, const struct xsrewrite *rw);

/* Remove the child's paths (after a failed clone); best effort. */
void xsclone_remove(struct xs_handle *xsh, const struct xsrewrite *rw);

#endif
