/* ninep.c: ask xen9pfsd, through its control socket, to clone a parent's
 * 9pfs devices for a child (see tools/xen9pfsd/README.md). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>

#include "daemon/unixsock.h"
#include "xencloned/ninep.h"

int ninep_clone(const char *socket_path, unsigned int parent,
                unsigned int child, char **why)
{
    char req[64], answer[256];
    ssize_t n;
    int fd, rc;

    *why = NULL;
    fd = unix_connect(socket_path, 10);
    if (fd < 0)
        /* No 9pfs daemon: no 9pfs devices to clone. */
        return fd == -ENOENT || fd == -ECONNREFUSED ? 0 : fd;
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
