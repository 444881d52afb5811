/* firstrun.h: observing when an unpaused child first runs. */
#ifndef XENCLONED_FIRSTRUN_H
#define XENCLONED_FIRSTRUN_H

#include <glib.h>

#include "service.h"

/*
 * Watch CHILD, unpaused at UNPAUSED_US (monotonic): once its vCPU 0 has
 * run, its first_run phase is recorded (timings_late). Polled every
 * millisecond from the main loop, for at most FIRSTRUN_MAX_US.
 */
#define FIRSTRUN_MAX_US G_USEC_PER_SEC
void firstrun_watch(struct cloned_service *s, unsigned int child,
                    gint64 unpaused_us);

/* Stop watching (at shutdown). */
void firstrun_stop(struct cloned_service *s);

#endif
