/* log.h: the daemons' g_log handler (level filter, timestamps, a tee). */
#ifndef DAEMON_LOG_H
#define DAEMON_LOG_H

#include <stdbool.h>
#include <stdio.h>
#include <glib.h>

/* Tag each line with its message's log domain when it has one (else
 * with the program's name); without it every line carries the name. */
#define DLOG_DOMAIN_NAMES 1u

/*
 * Send every message of MAX or more severe (GLib order: error, critical,
 * warning, message, info, debug) to OUT, one line each:
 * "YYYY-MM-DD HH:MM:SS.mmm PROG[PID]: TAG: MESSAGE". PROG is kept.
 */
void dlog_init(const char *prog, unsigned int flags, GLogLevelFlags max,
               FILE *out);

/* Also copy warnings and errors to TEE as "PROG: TAG: MESSAGE" (NULL:
 * stop), e.g. the user's terminal while a detaching daemon starts. */
void dlog_tee(FILE *tee);

/* The pure parts of the handler. */
const char *dlog_level_tag(GLogLevelFlags level); /* fatal error warning.. */
bool dlog_wanted(GLogLevelFlags max, GLogLevelFlags level);
/* One log line (with its newline), g_free() it. STAMP is cut at 23. */
gchar *dlog_format(const char *stamp, const char *who, int pid,
                   GLogLevelFlags level, const char *message);
/* "error", "warning", "info", "debug" -> *LEVEL; -EINVAL otherwise. */
int dlog_level_parse(const char *name, GLogLevelFlags *level);

/* Errors the daemon survives are logged at critical level ("error:"). */
#define log_err(...)   g_critical(__VA_ARGS__)
#define log_warn(...)  g_warning(__VA_ARGS__)
#define log_info(...)  g_message(__VA_ARGS__)
#define log_debug(...) g_debug(__VA_ARGS__)

#endif
