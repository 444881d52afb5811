/* test-detach.c: host tests of the ready-pipe protocol, detaching, pid file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon/detach.h"
#include "daemon/log.h"
#include "tap.h"

static char *dir;

static void bail(const char *what)
{
    printf("Bail out! %s: %s\n", what, g_strerror(errno));
    exit(1);
}

static gchar *path(const char *name)
{
    return g_build_filename(dir, name, NULL);
}

static gchar *slurp(const char *name)
{
    gchar *p = path(name), *s = NULL;

    if (!g_file_get_contents(p, &s, NULL, NULL))
        s = g_strdup("");
    g_free(p);
    return s;
}

static int exit_status(pid_t pid)
{
    int st;

    if (waitpid(pid, &st, 0) != pid)
        bail("waitpid");
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* A child that sends STATUS (or nothing if < 0); what the parent reads. */
static int protocol(int status)
{
    int fds[2], got;
    pid_t pid;

    if (pipe(fds) < 0 || (pid = fork()) < 0)
        bail("pipe/fork");
    if (pid == 0) {
        close(fds[0]);
        if (status >= 0) {
            daemon_ready(&fds[1], status);
            /* Once only: a second call sends nothing. */
            daemon_ready(&fds[1], 5);
        }
        _exit(fds[1] == -1 || status < 0 ? 0 : 1);
    }
    close(fds[1]);
    got = daemon_ready_wait(fds[0], 1);
    is_int(daemon_ready_wait(fds[0], 77), 77, "then end of pipe");
    close(fds[0]);
    is_int(exit_status(pid), 0, "sender cleared its fd");
    return got;
}

/*
 * A starter that detaches a daemon logging to LOG_FD; the daemon logs,
 * sends STATUS (none if < 0) and logs again. Returns the starter's exit
 * status once the daemon is gone too.
 */
static int run_daemon(int log_fd, const char *logfile, int status)
{
    gchar *term = path("term"), *log = path(logfile);
    int done[2], fd, rc;
    pid_t pid;
    char c;

    if (pipe(done) < 0 || (pid = fork()) < 0)
        bail("pipe/fork");
    if (pid == 0) {
        close(done[0]);
        fd = open(term, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || dup2(fd, STDERR_FILENO) < 0)
            _exit(90);
        dlog_init("td", 0, G_LOG_LEVEL_INFO,
                  log_fd == STDOUT_FILENO ? stdout : stderr);
        fd = daemon_detach("td", log, log_fd, 1);
        if (fd < 0)
            _exit(91);
        /* The daemon. */
        if (getsid(0) != getpid())
            g_critical("not a session leader");
        g_warning("early warning");
        g_message("not teed");
        if (status < 0)
            _exit(9);
        daemon_ready(&fd, status);
        g_warning("late warning");
        fprintf(stderr, "stderr after ready\n");
        fflush(NULL);
        _exit(0);
    }
    close(done[1]);
    rc = exit_status(pid);
    /* The daemon holds done[1] until it exits. */
    while (read(done[0], &c, 1) > 0)
        ;
    close(done[0]);
    g_free(term);
    g_free(log);
    return rc;
}

static void test_detach_stdout(void)
{
    gchar *log, *term;

    is_int(run_daemon(STDOUT_FILENO, "a.log", 0), 0, "ready: starter exits 0");
    log = slurp("a.log");
    term = slurp("term");
    ok(strstr(log, ": warning: early warning\n") != NULL, "log: early");
    ok(strstr(log, ": info: not teed\n") != NULL, "log: info");
    ok(strstr(log, ": warning: late warning\n") != NULL, "log: after ready");
    ok(strstr(log, "\nstderr after ready\n") != NULL,
       "stderr goes to the log once ready");
    ok(strstr(log, "not a session leader") == NULL, "daemon has setsid()");
    is_str(term, "td: warning: early warning\n",
           "terminal: only the warning before ready");
    g_free(log);
    g_free(term);
}

static void test_detach_stderr(void)
{
    gchar *log, *term;

    is_int(run_daemon(STDERR_FILENO, "b.log", 3), 3,
           "status 3: starter exits 3");
    log = slurp("b.log");
    term = slurp("term");
    ok(strstr(log, ": warning: early warning\n") != NULL &&
           strstr(log, ": warning: late warning\n") != NULL &&
           strstr(log, "\nstderr after ready\n") != NULL,
       "log on stderr: all lines");
    is_str(term, "td: warning: early warning\ntd: warning: late warning\n",
           "terminal: warnings teed (not ready: the tee stays)");
    g_free(log);
    g_free(term);
    is_int(run_daemon(STDERR_FILENO, "c.log", -1), 1,
           "daemon dies silently: starter exits the fail status");
}

static void test_detach_bad_log(void)
{
    gchar *term;

    is_int(run_daemon(STDOUT_FILENO, "no/such/dir.log", 0), 91,
           "unopenable log: daemon_detach fails in the caller");
    term = slurp("term");
    ok(g_str_has_prefix(term, "td: error: cannot open the log file ") &&
           strstr(term, "No such file or directory") != NULL,
       "and says so on stderr");
    g_free(term);
}

static void test_pidfile(void)
{
    gchar *p = path("pid"), *s, *want, *bad = path("no/pid");

    is_int(daemon_pidfile_write(p), 0, "pid file written");
    s = slurp("pid");
    want = g_strdup_printf("%d\n", (int)getpid());
    is_str(s, want, "pid file holds our pid");
    is_int(daemon_pidfile_write(""), 0, "\"\": no pid file");
    dlog_init("td", 0, G_LOG_LEVEL_ERROR, stderr); /* quiet */
    is_int(daemon_pidfile_write(bad), -ENOENT, "missing folder: -ENOENT");
    unlink(p);
    g_free(s);
    g_free(want);
    g_free(p);
    g_free(bad);
}

int main(void)
{
    gchar *p;

    setvbuf(stdout, NULL, _IONBF, 0); /* no TAP lines twice after fork */
    dir = g_dir_make_tmp("libdaemon-XXXXXX", NULL);
    if (!dir)
        bail("g_dir_make_tmp");
    is_int(protocol(0), 0, "ready: status 0 arrives");
    is_int(protocol(4), 4, "status 4 arrives");
    is_int(protocol(-1), 1, "nothing sent: the fail status");
    test_detach_stdout();
    test_detach_stderr();
    test_detach_bad_log();
    test_pidfile();
    for (const char *const *f =
             (const char *const[]){"a.log", "b.log", "c.log", "term", NULL};
         *f; f++) {
        p = path(*f);
        unlink(p);
        g_free(p);
    }
    rmdir(dir);
    g_free(dir);
    return done_testing();
}
