/* detach.h: start a daemon in the background behind a ready pipe. */
#ifndef DAEMON_DETACH_H
#define DAEMON_DETACH_H

/*
 * Fork. The starting process waits for the daemon's status byte ('0' +
 * status) on a pipe and exits with it, or with FAIL_STATUS if the daemon
 * dies without one. The daemon: setsid(), stdin on /dev/null, LOGFILE
 * (appended) on LOG_FD (STDOUT_FILENO: stderr stays until ready;
 * STDERR_FILENO: stdout goes to /dev/null), and warnings and errors
 * teed (dlog_tee) to the starting process's stderr until ready.
 * Returns the pipe's write end in the daemon; -1 (said on stderr as
 * "PROG: error: ...") in the caller if it could not detach.
 */
int daemon_detach(const char *prog, const char *logfile, int log_fd,
                  int fail_status);

/*
 * Tell the starting process STATUS (0: ready) on *READY_FD, once, and
 * set it to -1; nothing if it is already -1. On 0 the tee ends and, with
 * the log on stdout, stderr goes to the log too.
 */
void daemon_ready(int *ready_fd, int status);

/* The starting process's half: the status read from RFD, FAIL_STATUS if
 * the pipe closes without one. */
int daemon_ready_wait(int rfd, int fail_status);

/* Write our pid to PATH ("" none); logs and returns -errno on failure. */
int daemon_pidfile_write(const char *path);

#endif
