/* quit.c: SIGTERM and SIGINT quit the main loop, with a log line. */
#include <signal.h>
#include <glib-unix.h>

#include "daemon/log.h"
#include "daemon/quit.h"

static const char *quit_what;

static gboolean on_signal(gpointer data)
{
    log_info("signal received: %s", quit_what);
    g_main_loop_quit(data);
    return G_SOURCE_CONTINUE;
}

void daemon_quit_on_signals(GMainLoop *loop, const char *what)
{
    quit_what = what;
    g_unix_signal_add(SIGTERM, on_signal, loop);
    g_unix_signal_add(SIGINT, on_signal, loop);
}
