/* control.c: the control socket xencloned uses to clone a guest's devices. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "xen9pfsd/control.h"
#include "daemon/log.h"

int control_open(struct control *c, const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    const char *step = "checking the socket path";
    int rc;

    c->fd = -1;
    c->path = NULL;
    if (strlen(path) >= sizeof(sa.sun_path)) {
        rc = -ENAMETOOLONG;
        goto fail;
    }
    strcpy(sa.sun_path, path);
    step = "creating the control socket";
    c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        rc = -errno;
        goto fail;
    }
    unlink(path); /* a stale socket of a killed daemon */
    step = "binding the control socket";
    if (bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(c->fd, 8) < 0) {
        rc = -errno;
        goto fail;
    }
    c->path = strdup(path);
    return 0;
fail:
    log_err("cannot start: %s failed at %s: %s", path, step, g_strerror(-rc));
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    return rc;
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
