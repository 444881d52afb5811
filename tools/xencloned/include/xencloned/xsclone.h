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

/* More writes for the copy's transaction T (0 or a negative errno). */
typedef int (*xsclone_extra_fn)(struct xs_handle *xsh, xs_transaction_t t,
                                void *arg);

/*
 * Copy /local/domain/<parent>, /libxl/<parent> (if present) and the
 * parent's vm node to the child's paths in one transaction, rewritten by
 * RW (see xspath.h). Whatever the child's paths held before is removed.
 * Both methods give the same result. EXTRA (unless NULL) adds its writes
 * to the same transaction, after the copy: watchers see the child's home
 * and those writes at once (a shell's waiting vif backend must never see
 * its frontend missing). Returns 0 or a negative errno.
 */
int xsclone_domain(struct xs_handle *xsh, const struct xsrewrite *rw,
                   enum xsclone_method method, xsclone_extra_fn extra,
                   void *arg);

/* Remove the child's paths (after a failed clone); best effort. */
void xsclone_remove(struct xs_handle *xsh, const struct xsrewrite *rw);

#endif
