/* control.c: the control socket xencloned uses to clone a guest's devices. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "xen9pfsd/control.h"
#include "daemon/log.h"
#include "daemon/unixsock.h"

int control_open(struct control *c, const char *path)
{
    int rc;

    c->path = NULL;
    /* A stale socket of a killed daemon is replaced, a live one's kept. */
    c->fd = unix_listen(path, 8, 0);
    if (c->fd < 0) {
        rc = c->fd;
        c->fd = -1;
        log_err("cannot start: listening on the control socket %s failed: "
                "%s%s",
                path, g_strerror(-rc),
                rc == -EADDRINUSE ? " (another xen9pfsd answers on it)" : "");
        return rc;
    }
    c->path = strdup(path);
    return 0;
}

void control_handle(struct control *c, struct p9d *d)
{
    struct timeval tv = {.tv_sec = 5};
    char line[128], answer[256];
    unsigned int parent, child, n = 0;
    const char *step = "reading the request";
    ssize_t len;
    int fd, rc;

    fd = accept(c->fd, NULL, NULL);
    if (fd < 0)
        return;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    len = read(fd, line, sizeof(line) - 1);
    if (len <= 0) {
        rc = len < 0 ? -errno : -ENODATA;
        goto fail;
    }
    line[len] = '\0';
    line[strcspn(line, "\r\n")] = '\0';
    step = "parsing the request";
    rc = control_parse(line, &parent, &child);
    if (rc < 0)
        goto fail;
    if (rc == 0) {
        /* Every device number the parent has (xl numbers from 0). */
        rc = 0;
        for (unsigned int devid = 0; devid < 16 && rc == 0; devid++) {
            if (!p9d_find(d, parent, devid))
                continue;
            rc = p9d_clone_device(d, parent, child, devid, &step);
            if (rc == 0)
                n++;
        }
        if (rc < 0)
            goto fail;
        log_info("clone %u -> %u: %u device(s) take the parent's fids", parent,
                 child, n);
    }
    snprintf(answer, sizeof(answer), "ok %u\n", n);
    goto reply;
fail:
    log_err("control request '%s' failed at %s: %s", len > 0 ? line : "", step,
            g_strerror(-rc));
    snprintf(answer, sizeof(answer), "error %s: %s\n", step, g_strerror(-rc));
reply:
    if (write(fd, answer, strlen(answer)) < 0)
        log_warn("cannot answer on the control socket: %s", g_strerror(errno));
    close(fd);
}

void control_close(struct control *c)
{
    if (c->fd >= 0)
        close(c->fd);
    if (c->path)
        unlink(c->path);
    free(c->path);
    c->fd = -1;
    c->path = NULL;
}
