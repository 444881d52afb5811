/* options.h: xencloned's command line options and their parser. */
#ifndef XENCLONED_OPTIONS_H
#define XENCLONED_OPTIONS_H

#include <stdbool.h>
#include <glib.h>

#define CLONED_DEFAULT_CONFIG  "/etc/xen/xencloned.conf"
#define CLONED_DEFAULT_PIDFILE "/var/run/xencloned.pid"
#define CLONED_DEFAULT_LOGFILE "/var/log/xen/xencloned.log"
#define CLONED_DEFAULT_SOCKET  "/var/run/xencloned.sock"

struct cloned_options {
    bool foreground;          /* stay attached, log to stderr */
    bool help;                /* --help given: print usage, exit 0 */
    bool config_given;        /* --config given: the file must exist */
    bool status;              /* --status: ask the running daemon, print */
    const char *socket;       /* the control socket */
    const char *config;       /* configuration file */
    const char *pidfile;      /* "" means none */
    const char *logfile;      /* used when not in the foreground */
    GLogLevelFlags log_level; /* the least severe level that is logged */
};

/* The --help text. */
const char *options_usage(void);

/*
 * Parse ARGV into O (which it initialises with the defaults first).
 * Returns 0, or -EINVAL with a message for the user in *ERR (g_free it).
 */
int options_parse(int argc, char **argv, struct cloned_options *o, char **err);

#endif
