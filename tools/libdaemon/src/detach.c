/* detach.c: fork behind a ready pipe; the starter exits with its status. */
#define _GNU_SOURCE /* pipe2() */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/detach.h"
#include "daemon/log.h"

static int detached_log_fd = -1;
static FILE *detached_tee;

int daemon_ready_wait(int rfd, int fail_status)
{
    char st;
    ssize_t n;

    do
        n = read(rfd, &st, 1);
    while (n < 0 && errno == EINTR);
    return n == 1 ? st - '0' : fail_status;
}

int daemon_detach(const char *prog, const char *logfile, int log_fd,
                  int fail_status)
{
    int fds[2], logfd, nul, tee;
    pid_t pid;

    logfd = open(logfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (logfd < 0) {
        fprintf(stderr, "%s: error: cannot open the log file %s: %s\n", prog,
                logfile, strerror(errno));
        return -1;
    }
    if (pipe2(fds, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
        fprintf(stderr, "%s: error: cannot detach: %s\n", prog,
                strerror(errno));
        close(logfd);
        return -1;
    }
    if (pid > 0) {
        /* '0' + the exit status, or nothing if the daemon died. */
        close(fds[1]);
        exit(daemon_ready_wait(fds[0], fail_status));
    }
    close(fds[0]);
    setsid();
    /* Until ready, warnings and errors also reach whoever started us. */
    tee = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
    detached_tee = tee >= 0 ? fdopen(tee, "w") : NULL;
    if (detached_tee)
        setvbuf(detached_tee, NULL, _IONBF, 0);
    dlog_tee(detached_tee);
    nul = open("/dev/null", O_RDWR);
    dup2(nul, STDIN_FILENO);
    if (log_fd == STDERR_FILENO)
        dup2(nul, STDOUT_FILENO);
    dup2(logfd, log_fd);
    close(nul);
    close(logfd);
    detached_log_fd = log_fd;
    return fds[1];
}

void daemon_ready(int *ready_fd, int status)
{
    char st = (char)('0' + status);

    if (*ready_fd < 0)
        return;
    if (status == 0) {
        dlog_tee(NULL);
        if (detached_tee)
            fclose(detached_tee);
        detached_tee = NULL;
    }
    if (write(*ready_fd, &st, 1) != 1)
        g_warning("cannot tell the starting process %s",
                  status ? "our status" : "we are ready");
    close(*ready_fd);
    *ready_fd = -1;
    if (status == 0 && detached_log_fd == STDOUT_FILENO)
        dup2(STDOUT_FILENO, STDERR_FILENO);
}

int daemon_pidfile_write(const char *path)
{
    FILE *f;
    int rc = 0;

    if (!path[0])
        return 0;
    f = fopen(path, "w");
    if (!f) {
        rc = -errno;
    } else {
        if (fprintf(f, "%d\n", (int)getpid()) < 0)
            rc = errno ? -errno : -EIO;
        if (fclose(f) != 0 && !rc)
            rc = -errno;
    }
    if (rc)
        g_critical("cannot write the pid file %s: %s", path, g_strerror(-rc));
    return rc;
}
