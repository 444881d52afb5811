/* main.c: xencloned's entry point: options, configuration, detaching,
 * pid file, and the main loop (VIRQ_CLONED, XenStore watches, signals). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib-unix.h>

#include "daemon/detach.h"
#include "daemon/log.h"
#include "daemon/quit.h"
#include "xencloned/config.h"
#include "xencloned/control.h"
#include "xencloned/options.h"
#include "xencloned/policy.h"
#include "xencloned/reaper.h"
#include "xencloned/vifclone.h"
#include "xencloned/service.h"
#include "xencloned/stock.h"

#define EXIT_START       1
#define EXIT_USAGE       2
#define EXIT_NO_CLONE_OP 3 /* Xen without clone_op: nothing to serve */

struct daemon {
    struct cloned_service svc;
    GMainLoop *loop;
    int status; /* exit status */
};

static gboolean on_virq(gint fd, GIOCondition cond, gpointer data)
{
    struct daemon *d = data;

    if (service_handle_virq(&d->svc) < 0) {
        d->status = EXIT_START;
        g_main_loop_quit(d->loop);
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static gboolean on_watch(gint fd, GIOCondition cond, gpointer data)
{
    struct daemon *d = data;

    policy_handle_watches(&d->svc);
    return G_SOURCE_CONTINUE;
}

/*
 * The vif reaper, every REAP_PERIOD_S seconds: a clone shell that
 * xenstored never introduced (chaosd's, destroyed unused by its taker)
 * raises no @releaseDomain, so no watch tells us it is gone; without this
 * its backends, bridge port and stand-in home would wait for some other
 * domain's event. vifclone_reap() is idempotent and quiet when there is
 * nothing to remove.
 */
#define REAP_PERIOD_S 2
static gboolean on_reap_tick(gpointer data)
{
    struct daemon *d = data;

    vifclone_reap(&d->svc);
    /* chaosd may have started, or refilled its pool, since the last try. */
    stock_topup(&d->svc);
    return G_SOURCE_CONTINUE;
}

static char *status_reply(const char *op, void *data)
{
    struct daemon *d = data;
    char *line = NULL;

    if (strcmp(op, "status") != 0)
        return NULL;
    if (service_status(&d->svc, &line) < 0)
        line = control_error_reply("out of memory building the status");
    return line;
}

static gboolean on_control(gint fd, GIOCondition cond, gpointer data)
{
    control_serve(fd, status_reply, data);
    return G_SOURCE_CONTINUE;
}

int main(int argc, char **argv)
{
    struct cloned_options opts;
    struct cloned_config config;
    struct daemon d = {.status = EXIT_START};
    char *err = NULL;
    int ready_fd = -1, ctl_fd = -1, rc;
    bool pid_written = false;

    if (options_parse(argc, argv, &opts, &err) < 0) {
        fprintf(stderr,
                "xencloned: error: %s\nTry 'xencloned --help' for more "
                "information.\n",
                err);
        g_free(err);
        return EXIT_USAGE;
    }
    if (opts.help) {
        fputs(options_usage(), stdout);
        return 0;
    }
    if (opts.status) {
        rc = control_request(opts.socket, "status", &err);
        if (rc < 0)
            fprintf(stderr, "xencloned: error: %s\n", err);
        g_free(err);
        return rc < 0 ? EXIT_START : 0;
    }
    if (config_load(opts.config, opts.config_given, &config, &err) < 0) {
        fprintf(stderr, "xencloned: error: %s\n", err);
        g_free(err);
        return EXIT_START;
    }

    if (!opts.foreground) {
        /* Until ready, warnings also reach the terminal we started from. */
        ready_fd =
            daemon_detach("xencloned", opts.logfile, STDOUT_FILENO, EXIT_START);
        if (ready_fd < 0)
            goto out_config;
        dlog_init("xencloned", DLOG_DOMAIN_NAMES, opts.log_level, stdout);
    } else {
        dlog_init("xencloned", DLOG_DOMAIN_NAMES, opts.log_level, stderr);
    }
    log_info("starting (config %s%s)", opts.config,
             access(opts.config, R_OK) ? ", missing: defaults" : "");

    if (service_open(&d.svc, &config) < 0)
        goto out;
    rc = service_register(&d.svc);
    if (rc == -ENOSYS)
        d.status = EXIT_NO_CLONE_OP;
    if (rc < 0 || policy_watch(&d.svc) < 0 ||
        daemon_pidfile_write(opts.pidfile) < 0)
        goto out;
    pid_written = opts.pidfile[0] != '\0';
    ctl_fd = control_listen(opts.socket);
    if (ctl_fd < 0) {
        log_err("cannot listen on the control socket %s: %s", opts.socket,
                g_strerror(-ctl_fd));
        goto out;
    }
    policy_scan(&d.svc);
    reaper_scan(&d.svc);
    vifclone_reap(&d.svc);

    d.loop = g_main_loop_new(NULL, FALSE);
    g_unix_fd_add(service_virq_fd(&d.svc), G_IO_IN, on_virq, &d);
    g_unix_fd_add(xs_fileno(d.svc.xsh), G_IO_IN, on_watch, &d);
    g_unix_fd_add(ctl_fd, G_IO_IN, on_control, &d);
    g_timeout_add_seconds(REAP_PERIOD_S, on_reap_tick, &d);
    daemon_quit_on_signals(d.loop, "shutting down");
    signal(SIGPIPE, SIG_IGN);
    /* Children announced before we bound the VIRQ. */
    service_drain(&d.svc);

    d.status = 0;
    log_info("ready");
    daemon_ready(&ready_fd, 0);
    g_main_loop_run(d.loop);

out:
    daemon_ready(&ready_fd, d.status);
    service_close(&d.svc);
    if (ctl_fd >= 0) {
        close(ctl_fd);
        unlink(opts.socket);
    }
    if (pid_written)
        unlink(opts.pidfile);
    log_info("exiting with status %d", d.status);
    if (d.loop)
        g_main_loop_unref(d.loop);
out_config:
    config_clear(&config);
    return d.status;
}
