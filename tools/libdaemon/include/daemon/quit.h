/* quit.h: end a daemon's main loop on SIGTERM or SIGINT. */
#ifndef DAEMON_QUIT_H
#define DAEMON_QUIT_H

#include <glib.h>

/* On SIGTERM or SIGINT, log "signal received: WHAT" (info) and quit
 * LOOP, which must outlive the handlers (one loop per process). */
void daemon_quit_on_signals(GMainLoop *loop, const char *what);

#endif
