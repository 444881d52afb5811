/*
 * console.h: the PV console in xendev's terms. The first console (devid 0)
 * is the one xenconsoled serves: its frontend directory is
 * /local/domain/<fe>/console (not device/console/0), with ring-ref (the
 * ring's MFN), port (the guest's unbound event channel), type=xenconsoled,
 * output=pty, limit and backend-id; the backend directory
 * /local/domain/<be>/backend/console/<fe>/0 is what libxl writes beside it.
 * xenconsoled watches the frontend and connects by itself: connect() and
 * disconnect() have nothing to do.
 */
#ifndef XENDEV_CONSOLE_H
#define XENDEV_CONSOLE_H

#include "xendev.h"

#ifdef __cplusplus
extern "C" {
#endif

/* libxl's LIBXL_XENCONSOLE_LIMIT: bytes xenconsoled buffers per guest. */
#define XENDEV_CONSOLE_LIMIT 1048576

/* create()'s configuration for a console. */
struct xendev_console_config {
    /* MFN of the console ring page; 0: not known yet (a console made
     * before its guest is built): every key but ring-ref is written, and
     * xenconsoled waits for xendev_console_set_ring(). */
    unsigned long ring_ref;
    unsigned int port; /* the guest's event channel for it */
};

extern const struct xendev_ops xendev_console_ops;

/* The frontend directory of DEV: /local/domain/F/console for devid 0,
 * DEV->frontend otherwise. */
int xendev_console_frontend(char *buf, size_t len, const struct xendev *dev);

/* Give a console created with ring_ref 0 its ring (RING_REF, not 0): one
 * write, after which xenconsoled connects (it reads the guest's name
 * then, so write the name first). */
int xendev_console_set_ring(struct xendev_ctx *ctx, const struct xendev *dev,
                            unsigned long ring_ref);

#ifdef __cplusplus
}
#endif
#endif
