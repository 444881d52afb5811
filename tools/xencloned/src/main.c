/* main.c: xencloned's entry point: options, configuration, detaching,
 * pid file, and the main loop (VIRQ_CLONED, XenStore watches, signals). */
#define _GNU_SOURCE /* pipe2() */
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

#include "xencloned/config.h"
#include "xencloned/control.h"
#include "xencloned/log.h"
#include "xencloned/options.h"
#include "xencloned/policy.h"
#include "xencloned/reaper.h"
#include "xencloned/vifclone.h"
#include "xencloned/service.h"

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

static gboolean on_signal(gpointer data)
{
    struct daemon *d = data;

    log_info("signal received: shutting down");
    g_main_loop_quit(d->loop);
    return G_SOURCE_CONTINUE;
}

static int write_pidfile(const char *path)
{
    FILE *f;
    int rc = 0;

    if (!path[0])
        goto out;
    f = fopen(path, "w");
    if (!f) {
        rc = -errno;
        log_err("cannot write the pid file %s: %s", path, g_strerror(errno));
        goto out;
    }
    fprintf(f, "%d\n", (int)getpid());
    if (fclose(f) != 0)
        rc = -errno;
out:
    return rc;
}

/*
 * Detach: the parent waits until the daemon says it is ready (one byte on
 * a pipe) and exits 0, or exits EXIT_START if it does not. Returns the
 * pipe's write end in the daemon, or -1 on error (in the parent).
 */
static int detach(const char *logfile)
{
    int fds[2], logfd, nul;
    pid_t pid;
    char ok;

    logfd = open(logfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (logfd < 0) {
        fprintf(stderr, "xencloned: error: cannot open the log file %s: %s\n",
                logfile, strerror(errno));
        return -1;
    }
    if (pipe2(fds, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
        fprintf(stderr, "xencloned: error: cannot detach: %s\n",
                strerror(errno));
        return -1;
    }
    if (pid > 0) {
        /* '0' + the exit status, or nothing if the daemon died. */
        close(fds[1]);
        exit(read(fds[0], &ok, 1) == 1 ? ok - '0' : EXIT_START);
    }
    close(fds[0]);
    setsid();
    nul = open("/dev/null", O_RDWR);
    dup2(nul, STDIN_FILENO);
    dup2(logfd, STDOUT_FILENO);
    close(nul);
    close(logfd);
    return fds[1];
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
        ready_fd = detach(opts.logfile);
        if (ready_fd < 0)
            goto out_config;
        /* Until ready, warnings also reach the terminal we started from. */
        cloned_log_init(opts.log_level, stdout);
        cloned_log_tee(stderr);
    } else {
        cloned_log_init(opts.log_level, stderr);
    }
    log_info("starting (config %s%s)", opts.config,
             access(opts.config, R_OK) ? ", missing: defaults" : "");

    if (service_open(&d.svc, &config) < 0)
        goto out;
    rc = service_register(&d.svc);
    if (rc == -ENOSYS)
        d.status = EXIT_NO_CLONE_OP;
    if (rc < 0 || policy_watch(&d.svc) < 0 || write_pidfile(opts.pidfile) < 0)
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
    g_unix_signal_add(SIGTERM, on_signal, &d);
    g_unix_signal_add(SIGINT, on_signal, &d);
    signal(SIGPIPE, SIG_IGN);
    /* Children announced before we bound the VIRQ. */
    service_drain(&d.svc);

    d.status = 0;
    log_info("ready");
    if (ready_fd >= 0) {
        cloned_log_tee(NULL);
        if (write(ready_fd, "0", 1) != 1)
            log_warn("cannot tell the starting process we are ready");
        close(ready_fd);
        ready_fd = -1;
        dup2(STDOUT_FILENO, STDERR_FILENO);
    }
    g_main_loop_run(d.loop);

out:
    if (ready_fd >= 0) {
        char st = '0' + d.status;

        if (write(ready_fd, &st, 1) != 1)
            log_warn("cannot tell the starting process our status");
        close(ready_fd);
    }
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
