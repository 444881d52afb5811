/* child.h: completing one new child: XenStore, xenstored, console, Xen. */
#ifndef XENCLONED_CHILD_H
#define XENCLONED_CHILD_H

#include "service.h"

/*
 * Finish the child announced by N: copy its XenStore entries, introduce it
 * to xenstored (which also tells xenconsoled), report it complete to Xen and
 * unpause it (unless the request asked for paused children). On failure the
 * child is reported with the error, so Xen destroys it. Returns 0 or the
 * negative errno of the step that failed (already logged).
 */
int child_complete(struct cloned_service *s,
                   const struct xen_clone_notification *n);

#endif
