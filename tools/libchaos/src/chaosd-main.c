/* chaosd-main.c: chaosd's entry point: options, logging, detaching, pid
 * file, clean-up of a previous chaosd's shells, the main loop. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chaos/proto.h"
#include "daemon/detach.h"
#include "daemon/log.h"
#include "daemon/quit.h"
#include "chaosd.h"

#define EXIT_START 1
#define EXIT_USAGE 2

static const char usage[] =
    "Usage: chaosd [OPTIONS]\n"
    "\n"
    "Keep pools of ready VM shells (LightVM-style) and serve 'chaos create'\n"
    "from them. A shell is a paused PV domain with its memory populated,\n"
    "its XenStore and console event channels and its XenStore skeleton;\n"
    "a request only loads the kernel, writes console and vifs, introduces\n"
    "the domain to xenstored and unpauses it. Pools are refilled in the\n"
    "background to their target, at most refill-rate shells a second.\n"
    "\n"
    "At start, chaosd adopts the shells a previous chaosd left behind when\n"
    "they are complete and intact (their record in /var/run/chaos, Xen tag,\n"
    "paused domain, pages, event channels, XenStore skeleton, vifs in\n"
    "InitWait and bridged) and their flavour is configured unchanged, up to\n"
    "each pool's target; it destroys the others (half-made, damaged, of an\n"
    "unknown or changed flavour, beyond the target), logging each decision.\n"
    "On SIGTERM or SIGINT it destroys its shells and exits.\n"
    "\n"
    "Options:\n"
    "  -c, --config FILE    configuration (default " CHAOSD_DEFAULT_CONFIG ";\n"
    "                       a missing default file means no flavours)\n"
    "  -s, --socket PATH    listen here (overrides [chaosd] socket; default\n"
    "                       " CHAOS_DEFAULT_SOCKET ")\n"
    "  -p, --pidfile FILE   pid file (default /var/run/chaosd.pid; \"\" none)\n"
    "  -l, --log-file FILE  log here once detached (default\n"
    "                       /var/log/xen/chaosd.log)\n"
    "  -F, --foreground     do not detach; log to stderr\n"
    "  -v, --verbose        log debug messages too\n"
    "  -h, --help           this text\n"
    "\n"
    "Configuration (GLib key file):\n"
    "  [chaosd]\n"
    "  socket=/var/run/chaosd.sock\n"
    "  refill-rate=4        shells made per second at most (1-1000)\n"
    "  refill-burst=2       shells made back to back at most (1-1000)\n"
    "  [flavour:small]      one group per flavour (name: A-Z a-z 0-9 _ -)\n"
    "  memory=4             MB (required)\n"
    "  vcpus=1              (default 1)\n"
    "  shells=2             ready shells to keep (0-4096, default 2)\n"
    "  vifs=xenbr0          vifs made ready, one bridge each (';')\n"
    "  kind=guest           guest (default) or clone: empty shells (no\n"
    "                       memory, no XenStore) that Xen fills as a\n"
    "                       clone's children; memory is then the largest\n"
    "                       parent max memory served, vcpus must equal the\n"
    "                       parent's\n"
    "  seclabel=U:R:T       FLASK label its shells are made with (xl's\n"
    "                       seclabel; a clone shell takes its parent's\n"
    "                       label when Xen makes it a child). Needed under\n"
    "                       FLASK: an unlabelled domain is unlabeled_t,\n"
    "                       which the policy lets nobody create\n"
    "\n"
    "Socket API: one JSON request line per connection, one reply line:\n"
    "  {\"op\":\"create\",\"config\":{...}} {\"op\":\"status\"}\n"
    "  {\"op\":\"resize\",\"flavour\":\"small\",\"target\":8}\n"
    "  {\"op\":\"shells\",\"parent\":5,\"count\":2}  (clone shells, handed\n"
    "                       over to the asking process; see chaos clone)\n"
    "\n"
    "Exit status: 0 after a clean shutdown; 1 if it could not start (the\n"
    "reason is printed and logged); 2 bad usage. Started detached, chaosd\n"
    "returns once it listens. See tools/libchaos/README.md; chaos --help.\n";

static int old_pid(const char *pidfile)
{
    FILE *f = pidfile[0] ? fopen(pidfile, "r") : NULL;
    int pid = 0;

    if (f) {
        if (fscanf(f, "%d", &pid) != 1)
            pid = 0;
        fclose(f);
    }
    return pid;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"socket", required_argument, NULL, 's'},
        {"pidfile", required_argument, NULL, 'p'},
        {"log-file", required_argument, NULL, 'l'},
        {"foreground", no_argument, NULL, 'F'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *config = CHAOSD_DEFAULT_CONFIG, *socket_path = NULL;
    const char *pidfile = "/var/run/chaosd.pid";
    const char *logfile = "/var/log/xen/chaosd.log";
    bool foreground = false, config_given = false, pid_written = false;
    struct chaosd d = {.listen_fd = -1};
    unsigned int reaped = 0;
    int o, rc, ready_fd = -1, status = EXIT_START, prev;
    GLogLevelFlags log_max = G_LOG_LEVEL_INFO;
    char *err = NULL;

    while ((o = getopt_long(argc, argv, "c:s:p:l:Fvh", opts, NULL)) != -1) {
        switch (o) {
        case 'c':
            config = optarg;
            config_given = true;
            break;
        case 's':
            socket_path = optarg;
            break;
        case 'p':
            pidfile = optarg;
            break;
        case 'l':
            logfile = optarg;
            break;
        case 'F':
            foreground = true;
            break;
        case 'v':
            log_max = G_LOG_LEVEL_DEBUG;
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            fprintf(stderr, "Try 'chaosd --help'.\n");
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr,
                "chaosd: error: unexpected argument '%s'\n"
                "Try 'chaosd --help'.\n",
                argv[optind]);
        return EXIT_USAGE;
    }
    if (chaosd_config_load(config, !config_given, &d.config, &err)) {
        fprintf(stderr, "chaosd: error: %s\n", err);
        g_free(err);
        return EXIT_START;
    }
    if (socket_path) {
        g_free(d.config.socket);
        d.config.socket = g_strdup(socket_path);
    }
    dlog_init("chaosd", 0, log_max, stderr);
    if (!foreground) {
        /* Until ready, warnings and errors also reach whoever started us. */
        ready_fd = daemon_detach("chaosd", logfile, STDERR_FILENO, EXIT_START);
        if (ready_fd < 0)
            goto out;
    }
    g_info("starting (config %s, %zu flavour(s), refill %u/s burst %u)", config,
           d.config.n_flavours, d.config.refill_rate, d.config.refill_burst);

    rc = chaos_open(&d.ctx);
    if (rc) {
        g_critical("opening Xen and XenStore failed: %s", g_strerror(-rc));
        goto out;
    }
    /* Each flavour's FLASK label, resolved once (a bad one stops us). */
    for (size_t i = 0; i < d.config.n_flavours; i++) {
        struct chaos_flavour *f = &d.config.flavours[i];

        if (!f->seclabel[0])
            continue;
        rc = chaos_seclabel_sid(d.ctx, f->seclabel, &f->ssidref);
        if (rc) {
            g_critical("flavour %s: seclabel: %s", f->name, chaos_error(d.ctx));
            goto out;
        }
        g_info("flavour %s: shells labelled %s (sid %u)", f->name, f->seclabel,
               f->ssidref);
    }
    if (api_listen(&d, d.config.socket))
        goto out;
    prev = old_pid(pidfile);
    if (daemon_pidfile_write(pidfile))
        goto out;
    pid_written = pidfile[0] != '\0';
    /* Shells of a chaosd that died (its pid is gone or was PREV): the
     * complete ones adopted, the rest destroyed. */
    pools_init(&d);
    pools_adopt(&d, prev > 0 && prev != getpid() ? prev : -1);
    rc = chaos_reap_orphans(d.ctx, prev > 0 && prev != getpid() ? prev : -1,
                            &reaped);
    if (rc)
        g_warning("cleaning up old shells failed at %s", chaos_error(d.ctx));
    else if (reaped)
        g_info("destroyed %u shell(s) or node(s) left by a previous chaosd",
               reaped);

    d.loop = g_main_loop_new(NULL, FALSE);
    daemon_quit_on_signals(d.loop, "destroying the shells and exiting");
    signal(SIGPIPE, SIG_IGN);
    pools_schedule_refill(&d);
    pools_watch(&d);
    status = 0;
    g_info("ready on %s", d.config.socket);
    daemon_ready(&ready_fd, 0);
    g_main_loop_run(d.loop);
    pools_drain(&d);

out:
    daemon_ready(&ready_fd, status);
    api_close(&d, d.config.socket ? d.config.socket : "");
    if (pid_written)
        unlink(pidfile);
    chaos_close(d.ctx);
    g_info("exiting with status %d", status);
    if (d.loop)
        g_main_loop_unref(d.loop);
    chaosd_config_clear(&d.config);
    return status;
}
