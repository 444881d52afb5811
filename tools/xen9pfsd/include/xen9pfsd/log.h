/* log.h: xen9pfsd's g_log handler (level filter, timestamps, one stream). */
#ifndef XEN9PFSD_LOG_H
#define XEN9PFSD_LOG_H

#include <stdio.h>
#include <glib.h>

/*
 * Send every message of LEVEL or more severe (GLib order: error, critical,
 * warning, message, info, debug) to OUT, one line each with a timestamp.
 */
void p9d_log_init(GLogLevelFlags level, FILE *out);

/* Also copy warnings and errors to TEE (NULL: stop), e.g. the user's
 * terminal while a detaching daemon starts. */
void p9d_log_tee(FILE *tee);

/* Errors the daemon survives are logged at critical level ("error:"). */
#define log_err(...)   g_critical(__VA_ARGS__)
#define log_warn(...)  g_warning(__VA_ARGS__)
#define log_info(...)  g_message(__VA_ARGS__)
#define log_debug(...) g_debug(__VA_ARGS__)

#endif
