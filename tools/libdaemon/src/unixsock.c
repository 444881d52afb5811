/* unixsock.c: listen and connect on the daemons' Unix control sockets. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/unixsock.h"

static int unix_addr(const char *path, struct sockaddr_un *sa)
{
    *sa = (struct sockaddr_un){.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa->sun_path))
        return -ENAMETOOLONG;
    strcpy(sa->sun_path, path);
    return 0;
}

void unix_set_timeouts(int fd, unsigned int timeout_s)
{
    struct timeval tv = {.tv_sec = timeout_s};

    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

int unix_connect(const char *path, unsigned int timeout_s)
{
    struct sockaddr_un sa;
    int fd = -1, rc;

    rc = unix_addr(path, &sa);
    if (rc)
        goto out;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        rc = -errno;
        goto out;
    }
    if (timeout_s)
        unix_set_timeouts(fd, timeout_s);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        rc = -errno;
        goto out;
    }
    rc = fd;
    fd = -1;
out:
    if (fd >= 0)
        close(fd);
    return rc;
}

int unix_listen(const char *path, int backlog, int flags)
{
    struct sockaddr_un sa;
    int fd = -1, rc;

    rc = unix_addr(path, &sa);
    if (rc)
        goto out;
    /* Someone answers: a live daemon owns the socket, leave it. */
    fd = unix_connect(path, 0);
    if (fd >= 0) {
        rc = -EADDRINUSE;
        goto out;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | flags, 0);
    if (fd < 0) {
        rc = -errno;
        goto out;
    }
    unlink(path); /* the socket file of a daemon that died */
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(fd, backlog) < 0) {
        rc = -errno;
        goto out;
    }
    rc = fd;
    fd = -1;
out:
    if (fd >= 0)
        close(fd);
    return rc;
}
