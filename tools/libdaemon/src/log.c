/* log.c: the g_log handler: level filter, timestamp, level tag, one line. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "daemon/log.h"

static GLogLevelFlags log_max = G_LOG_LEVEL_INFO;
static const char *log_prog = "daemon";
static unsigned int log_flags;
static FILE *log_out;
static FILE *log_tee;

const char *dlog_level_tag(GLogLevelFlags level)
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

bool dlog_wanted(GLogLevelFlags max, GLogLevelFlags level)
{
    /* GLib's levels grow as they get less severe. */
    return (level & G_LOG_LEVEL_MASK) <= max || (level & G_LOG_FLAG_FATAL);
}

gchar *dlog_format(const char *stamp, const char *who, int pid,
                   GLogLevelFlags level, const char *message)
{
    return g_strdup_printf("%.23s %s[%d]: %s: %s\n", stamp, who, pid,
                           dlog_level_tag(level), message);
}

int dlog_level_parse(const char *name, GLogLevelFlags *level)
{
    static const struct {
        const char *name;
        GLogLevelFlags level;
    } levels[] = {
        {"error", G_LOG_LEVEL_CRITICAL},
        {"warning", G_LOG_LEVEL_WARNING},
        {"info", G_LOG_LEVEL_INFO},
        {"debug", G_LOG_LEVEL_DEBUG},
    };

    for (size_t i = 0; i < G_N_ELEMENTS(levels); i++) {
        if (strcmp(name, levels[i].name) == 0) {
            *level = levels[i].level;
            return 0;
        }
    }
    return -EINVAL;
}

static void handler(const gchar *domain, GLogLevelFlags level,
                    const gchar *message, gpointer data)
{
    FILE *out = log_out ? log_out : stderr;
    const char *who = log_prog;
    GDateTime *now;
    gchar *stamp, *line;

    if (!dlog_wanted(log_max, level))
        return;
    if (domain && (log_flags & DLOG_DOMAIN_NAMES))
        who = domain;
    now = g_date_time_new_now_local();
    stamp = g_date_time_format(now, "%F %T.%f");
    line = dlog_format(stamp, who, (int)getpid(), level, message);
    fputs(line, out);
    fflush(out);
    if (log_tee && (level & G_LOG_LEVEL_MASK) <= G_LOG_LEVEL_WARNING)
        fprintf(log_tee, "%s: %s: %s\n", log_prog, dlog_level_tag(level),
                message);
    g_free(line);
    g_free(stamp);
    g_date_time_unref(now);
}

void dlog_init(const char *prog, unsigned int flags, GLogLevelFlags max,
               FILE *out)
{
    /* "info" also shows g_message(): MESSAGE is more severe than INFO. */
    log_prog = prog;
    log_flags = flags;
    log_max = max;
    log_out = out;
    g_log_set_default_handler(handler, NULL);
}

void dlog_tee(FILE *tee)
{
    log_tee = tee;
}
