/* ninep.c: ask xen9pfsd, through its control socket, to clone a parent's
 * 9pfs devices for a child (see tools/xen9pfsd/README.md). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib.h>

#include "xencloned/ninep.h"

int ninep_clone(const char *socket_path, unsigned int parent,
                unsigned int child, char **why)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    struct timeval tv = {.tv_sec = 10};
    char req[64], answer[256];
    ssize_t n;
    int fd, rc;

    *why = NULL;
    if (strlen(socket_path) >= sizeof(sa.sun_path))
        return -ENAMETOOLONG;
    strcpy(sa.sun_path, socket_path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        /* No 9pfs daemon: no 9pfs devices to clone. */
        rc = errno == ENOENT || errno == ECONNREFUSED ? 0 : -errno;
        goto out;
    }
    snprintf(req, sizeof(req), "clone %u %u\n", parent, child);
    if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
        rc = -errno;
        goto out;
    }
    n = read(fd, answer, sizeof(answer) - 1);
    if (n <= 0) {
        rc = n < 0 ? -errno : -EPROTO;
        goto out;
    }
    answer[n] = '\0';
    answer[strcspn(answer, "\n")] = '\0';
    rc = strncmp(answer, "ok ", 3) ? -EIO : 0;
    if (rc)
        *why = g_strdup(answer);
out:
    close(fd);
    return rc;
}
