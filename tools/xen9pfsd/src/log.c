/* log.c: the g_log handler: level filter, timestamp, level tag, one line. */
#include <stdio.h>
#include <unistd.h>

#include "xen9pfsd/log.h"

static GLogLevelFlags log_max = G_LOG_LEVEL_INFO;
static FILE *log_out;
static FILE *log_tee;

static const char *level_tag(GLogLevelFlags level)
{
    if (level & G_LOG_LEVEL_ERROR)
        return "fatal";
    if (level & G_LOG_LEVEL_CRITICAL)
        return "error";
    if (level & G_LOG_LEVEL_WARNING)
        return "warning";
    if (level & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO))
        return "info";
    return "debug";
}

static void handler(const gchar *domain, GLogLevelFlags level,
                    const gchar *message, gpointer data)
{
    GLogLevelFlags lvl = level & G_LOG_LEVEL_MASK;
    GDateTime *now;
    gchar *stamp;

    /* GLib's levels grow as they get less severe. */
    if (lvl > log_max && !(level & G_LOG_FLAG_FATAL))
        return;
    now = g_date_time_new_now_local();
    stamp = g_date_time_format(now, "%F %T.%f");
    fprintf(log_out ? log_out : stderr, "%.23s %s[%d]: %s: %s\n", stamp,
            domain ? domain : "xen9pfsd", (int)getpid(), level_tag(level),
            message);
    fflush(log_out ? log_out : stderr);
    if (log_tee && lvl <= G_LOG_LEVEL_WARNING)
        fprintf(log_tee, "xen9pfsd: %s: %s\n", level_tag(level), message);
    g_free(stamp);
    g_date_time_unref(now);
}

void p9d_log_init(GLogLevelFlags level, FILE *out)
{
    /* "info" also shows g_message(): MESSAGE is more severe than INFO. */
    log_max = level;
    log_out = out;
    g_log_set_default_handler(handler, NULL);
}

void p9d_log_tee(FILE *tee)
{
    log_tee = tee;
}
