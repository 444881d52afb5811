/* unixsock.h: the Unix stream sockets of the daemons' control channels. */
#ifndef DAEMON_UNIXSOCK_H
#define DAEMON_UNIXSOCK_H

/* Listen on PATH (close-on-exec, plus FLAGS such as SOCK_NONBLOCK) with
 * BACKLOG. A socket file left by a daemon that died is replaced; one a
 * live daemon still answers on is not: -EADDRINUSE. Returns the fd or
 * -errno (-ENAMETOOLONG for a path longer than sun_path holds). */
int unix_listen(const char *path, int backlog, int flags);

/* Connect to PATH (close-on-exec). TIMEOUT_S > 0 bounds every later read
 * and write (they fail with EAGAIN); 0 waits as long as the peer takes.
 * Returns the fd or -errno: -ENOENT or -ECONNREFUSED when nobody
 * listens. */
int unix_connect(const char *path, unsigned int timeout_s);

/* Bound FD's reads and writes to TIMEOUT_S seconds (0: no bound). */
void unix_set_timeouts(int fd, unsigned int timeout_s);

#endif
