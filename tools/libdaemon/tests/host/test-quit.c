/* test-quit.c: host test: SIGTERM and SIGINT end the loop with a line. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "daemon/log.h"
#include "daemon/quit.h"
#include "tap.h"

static gboolean send_signal(gpointer data)
{
    raise(GPOINTER_TO_INT(data));
    return G_SOURCE_REMOVE;
}

/* Run a loop that raises SIG once it runs; the log it wrote. */
static gchar *run(GMainLoop *loop, int sig, FILE *out)
{
    long n;
    gchar *s;

    g_idle_add(send_signal, GINT_TO_POINTER(sig));
    g_main_loop_run(loop);
    fflush(out);
    n = ftell(out);
    s = g_malloc0(n + 1);
    rewind(out);
    if (fread(s, 1, n, out) != (size_t)n)
        s[0] = '\0';
    rewind(out);
    if (ftruncate(fileno(out), 0) < 0)
        s[0] = '\0';
    return s;
}

int main(void)
{
    GMainLoop *loop = g_main_loop_new(NULL, FALSE);
    FILE *out = tmpfile();
    gchar *s;

    if (!out) {
        printf("Bail out! tmpfile\n");
        return 1;
    }
    dlog_init("tq", 0, G_LOG_LEVEL_INFO, out);
    daemon_quit_on_signals(loop, "shutting down");
    s = run(loop, SIGTERM, out);
    ok(strstr(s, " tq[") && strstr(s, "]: info: signal received: shutting "
                                      "down\n"),
       "SIGTERM: the loop ends, with an info line");
    g_free(s);
    s = run(loop, SIGINT, out);
    ok(strstr(s, "]: info: signal received: shutting down\n") != NULL,
       "SIGINT: the loop ends again");
    g_free(s);
    dlog_init("tq", 0, G_LOG_LEVEL_WARNING, out);
    s = run(loop, SIGTERM, out);
    is_str(s, "", "at level warning the loop ends without a line");
    g_free(s);
    g_main_loop_unref(loop);
    fclose(out);
    return done_testing();
}
