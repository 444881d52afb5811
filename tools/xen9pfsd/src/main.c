/* main.c: xen9pfsd's entry point: options, detaching, pid file, and the
 * main loop (XenStore watches, event channels, control socket, signals). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>

#include "daemon/detach.h"
#include "daemon/log.h"
#include "daemon/quit.h"
#include "xen9pfsd/backend.h"
#include "xen9pfsd/control.h"

#define EXIT_START 1
#define EXIT_USAGE 2

struct options {
    bool foreground, help;
    const char *logfile, *pidfile, *socket;
    GLogLevelFlags log_level;
    struct p9d_options p9d;
};

static const char usage[] =
    "Usage: xen9pfsd [OPTIONS]\n"
    "The 9pfs backend daemon: serves the 9P2000.L shares of the devices\n"
    "under backend/9pfs in XenStore (xl's p9=[...] or xen9pfs-attach).\n"
    "\n"
    "  -F, --foreground          stay in the foreground, log to stderr\n"
    "  -l, --log-file FILE       log here when detached\n"
    "                            (default /var/log/xen/xen9pfsd.log)\n"
    "  -p, --pidfile FILE        write our pid here (default: none)\n"
    "  -s, --status-file FILE    JSON status of every device, rewritten on\n"
    "                            changes (default /var/run/xen9pfsd.json)\n"
    "  -c, --control FILE        control socket for xencloned\n"
    "                            (default /var/run/xen9pfsd.sock)\n"
    "  -o, --max-ring-order N    largest ring order offered, 1-9 (default 9)\n"
    "  -m, --max-msize BYTES     largest 9P message, 4096-1048576\n"
    "                            (default 1048576; rings may lower it)\n"
    "  -v, --log-level LEVEL     error, warning, info or debug (default info)\n"
    "  -h, --help                show this help\n"
    "\n"
    "Exit status: 0 when stopped by SIGTERM/SIGINT, 1 if it cannot start,\n"
    "2 on bad options. Backend keys it reads per device: path,\n"
    "security_model (none), read-only (0/1), max-files, max-bytes.\n";

static int parse_uint(const char *s, unsigned long lo, unsigned long hi,
                      unsigned long *out)
{
    char *end;

    errno = 0;
    *out = strtoul(s, &end, 10);
    return errno || end == s || *end || *out < lo || *out > hi || s[0] == '-'
               ? -EINVAL
               : 0;
}

static int options_parse(int argc, char **argv, struct options *o, char **err)
{
    static const struct option longs[] = {
        {"foreground", no_argument, NULL, 'F'},
        {"log-file", required_argument, NULL, 'l'},
        {"pidfile", required_argument, NULL, 'p'},
        {"status-file", required_argument, NULL, 's'},
        {"control", required_argument, NULL, 'c'},
        {"max-ring-order", required_argument, NULL, 'o'},
        {"max-msize", required_argument, NULL, 'm'},
        {"log-level", required_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    unsigned long v;
    int c;

    *o = (struct options){
        .logfile = "/var/log/xen/xen9pfsd.log",
        .pidfile = "",
        .socket = "/var/run/xen9pfsd.sock",
        .log_level = G_LOG_LEVEL_INFO,
        .p9d = {.max_ring_order = 9,
                .max_msize = 1u << 20,
                .status_file = "/var/run/xen9pfsd.json"},
    };
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":Fl:p:s:c:o:m:v:h", longs, NULL)) !=
           -1) {
        switch (c) {
        case 'F':
            o->foreground = true;
            break;
        case 'l':
            o->logfile = optarg;
            break;
        case 'p':
            o->pidfile = optarg;
            break;
        case 's':
            o->p9d.status_file = optarg;
            break;
        case 'c':
            o->socket = optarg;
            break;
        case 'h':
            o->help = true;
            break;
        case 'o':
            if (parse_uint(optarg, 1, 9, &v) < 0) {
                *err = g_strdup_printf("--max-ring-order: '%s' is not a "
                                       "number from 1 to 9",
                                       optarg);
                return -EINVAL;
            }
            o->p9d.max_ring_order = (unsigned int)v;
            break;
        case 'm':
            if (parse_uint(optarg, 4096, 1u << 20, &v) < 0) {
                *err = g_strdup_printf("--max-msize: '%s' is not a number "
                                       "from 4096 to 1048576",
                                       optarg);
                return -EINVAL;
            }
            o->p9d.max_msize = (uint32_t)v;
            break;
        case 'v':
            if (dlog_level_parse(optarg, &o->log_level) < 0) {
                *err =
                    g_strdup_printf("--log-level: unknown level '%s'", optarg);
                return -EINVAL;
            }
            break;
        case ':':
            *err =
                g_strdup_printf("option '%s' needs a value", argv[optind - 1]);
            return -EINVAL;
        default:
            *err = g_strdup_printf("unknown option '%s'", argv[optind - 1]);
            return -EINVAL;
        }
    }
    if (optind < argc) {
        *err = g_strdup_printf("unexpected argument '%s'", argv[optind]);
        return -EINVAL;
    }
    return 0;
}

struct daemon {
    struct p9d p9d;
    struct control ctl;
    GMainLoop *loop;
};

static gboolean on_xs(gint fd, GIOCondition cond, gpointer data)
{
    struct daemon *d = data;

    p9d_handle_watches(&d->p9d);
    return G_SOURCE_CONTINUE;
}

static gboolean on_evtchn(gint fd, GIOCondition cond, gpointer data)
{
    struct daemon *d = data;

    p9d_handle_events(&d->p9d);
    return G_SOURCE_CONTINUE;
}

static gboolean on_control(gint fd, GIOCondition cond, gpointer data)
{
    struct daemon *d = data;

    control_handle(&d->ctl, &d->p9d);
    return G_SOURCE_CONTINUE;
}

int main(int argc, char **argv)
{
    struct options o;
    struct daemon d = {.ctl = {.fd = -1}};
    char *err = NULL;
    int ready_fd = -1, status = EXIT_START;
    bool opened = false;

    if (options_parse(argc, argv, &o, &err) < 0) {
        fprintf(stderr,
                "xen9pfsd: error: %s\nTry 'xen9pfsd --help' for more "
                "information.\n",
                err);
        g_free(err);
        return EXIT_USAGE;
    }
    if (o.help) {
        fputs(usage, stdout);
        return 0;
    }
    if (!o.foreground) {
        ready_fd =
            daemon_detach("xen9pfsd", o.logfile, STDOUT_FILENO, EXIT_START);
        if (ready_fd < 0)
            return EXIT_START;
        dlog_init("xen9pfsd", DLOG_DOMAIN_NAMES, o.log_level, stdout);
    } else {
        dlog_init("xen9pfsd", DLOG_DOMAIN_NAMES, o.log_level, stderr);
    }
    log_info("starting (max ring order %u, max msize %u)", o.p9d.max_ring_order,
             o.p9d.max_msize);
    signal(SIGPIPE, SIG_IGN);
    if (p9d_open(&d.p9d, &o.p9d) < 0)
        goto out;
    opened = true;
    if (control_open(&d.ctl, o.socket) < 0 ||
        daemon_pidfile_write(o.pidfile) < 0)
        goto out;
    d.loop = g_main_loop_new(NULL, FALSE);
    g_unix_fd_add(xs_fileno(d.p9d.xsh), G_IO_IN, on_xs, &d);
    g_unix_fd_add(xenevtchn_fd(d.p9d.xce), G_IO_IN, on_evtchn, &d);
    g_unix_fd_add(d.ctl.fd, G_IO_IN, on_control, &d);
    daemon_quit_on_signals(d.loop, "shutting down");
    /* Devices that exist already (we were restarted). */
    d.p9d.starting = true;
    p9d_scan(&d.p9d);
    d.p9d.starting = false;
    status = 0;
    log_info("ready");
    daemon_ready(&ready_fd, 0);
    g_main_loop_run(d.loop);
out:
    daemon_ready(&ready_fd, status);
    control_close(&d.ctl);
    if (opened)
        p9d_close(&d.p9d);
    if (o.pidfile[0] && status == 0)
        unlink(o.pidfile);
    log_info("exiting with status %d", status);
    if (d.loop)
        g_main_loop_unref(d.loop);
    return status;
}
