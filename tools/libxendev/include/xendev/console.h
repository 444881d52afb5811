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
    unsigned long ring_ref; /* MFN of the console ring page */
    unsigned int port;      /* the guest's event channel for it */
};

extern const struct xendev_ops xendev_console_ops;

/* The frontend directory of DEV: /local/domain/F/console for devid 0,
 * DEV->frontend otherwise. */
int xendev_console_frontend(char *buf, size_t len, const struct xendev *dev);

#ifdef __cplusplus
}
#endif
#endif
