/* control.h: xen9pfsd's control socket (one line a request, one answer). */
#ifndef XEN9PFSD_CONTROL_H
#define XEN9PFSD_CONTROL_H

#include "xen9pfsd/backend.h"
#include "xen9pfsd/ctlparse.h"

/*
 * Requests on a Unix stream socket, one line each, answered with one line:
 *   clone PARENT CHILD   give every 9pfs device of the clone CHILD the fids
 *                        of PARENT's device of the same number:
 *                        "ok N" (devices) or "error STEP: REASON"
 *   ping                 "ok 0"
 */
struct control {
    int fd;
    char *path;
};

int control_open(struct control *c, const char *path);
/* Accept one connection and answer its request (short and blocking). */
void control_handle(struct control *c, struct p9d *d);
void control_close(struct control *c);

#endif
