/* net-posix.c: include/minios/net.h's TCP calls over Linux sockets, so
 * that apps/httpd builds as a Dom0 process (benchmark baseline). */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <minios/net.h>

/* From minios/time.h (which clashes with unistd.h's sleep()). */
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_SEC  1000000000ULL
uint64_t monotonic_ns(void);

#define MAX_FDS 1024

static unsigned char open_fds[MAX_FDS]; /* what net_wait() watches */

uint64_t monotonic_ns(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * NSEC_PER_SEC + t.tv_nsec;
}

/* Wait for EVENTS on FD until DEADLINE (0: for ever): 0 or -ETIMEDOUT. */
static int wait_fd(int fd, short events, uint64_t deadline)
{
    struct pollfd p = {.fd = fd, .events = events};
    uint64_t now = monotonic_ns();
    int ms = -1;

    if (deadline) {
        if (now >= deadline)
            return -ETIMEDOUT;
        ms = (deadline - now + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC;
    }
    return poll(&p, 1, ms) == 1 ? 0 : -ETIMEDOUT;
}

static int track(int fd)
{
    if (fd < 0 || fd >= MAX_FDS) {
        if (fd >= 0)
            close(fd);
        return -EMFILE;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    open_fds[fd] = 1;
    return fd;
}

int net_init(unsigned long timeout_ms)
{
    return 0;
}

void net_poll(void)
{
}

/* Linux's sockets need no polling fallback: poll_ms=N is accepted (so
 * the same arguments work) and has no effect. */
int net_option(const char *arg)
{
    return strncmp(arg, "poll_ms=", 8) == 0;
}

/* Linux's own counters are in /proc/net/dev: nothing of ours to print. */
void net_print_stats(const char *who)
{
    (void)who;
}

void net_wait(uint64_t deadline)
{
    struct pollfd p[MAX_FDS];
    uint64_t now = monotonic_ns();
    int n = 0, ms = -1;

    for (int fd = 0; fd < MAX_FDS; fd++)
        if (open_fds[fd])
            p[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
    if (deadline)
        ms = deadline > now ? (int)((deadline - now) / NSEC_PER_MSEC) : 0;
    poll(p, n, ms);
}

int net_listen(uint16_t port, int backlog)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0)
        return -errno;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
        listen(fd, backlog) < 0) {
        int e = -errno;
        close(fd);
        return e;
    }
    return track(fd);
}

int net_accept(int fd, uint64_t deadline)
{
    int one = 1;

    for (;;) {
        int c = accept(fd, NULL, NULL);
        if (c >= 0) {
            setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
            return track(c);
        }
        if (errno != EAGAIN && errno != EINTR)
            return -errno;
        if (wait_fd(fd, POLLIN, deadline) < 0)
            return -ETIMEDOUT;
    }
}

ssize_t net_recv(int fd, void *buf, size_t len, uint64_t deadline)
{
    for (;;) {
        ssize_t n = recv(fd, buf, len, 0);
        if (n >= 0)
            return n;
        if (errno != EAGAIN && errno != EINTR)
            return -errno;
        if (wait_fd(fd, POLLIN, deadline) < 0)
            return -ETIMEDOUT;
    }
}

ssize_t net_send(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    size_t left = len;

    while (left > 0) {
        ssize_t n = send(fd, p, left, MSG_NOSIGNAL);
        if (n > 0) {
            p += n;
            left -= n;
        } else if (errno == EAGAIN || errno == EINTR) {
            wait_fd(fd, POLLOUT, 0);
        } else {
            return -errno;
        }
    }
    return len;
}

int net_close(int fd)
{
    if (fd >= 0 && fd < MAX_FDS)
        open_fds[fd] = 0;
    return close(fd) < 0 ? -errno : 0;
}
