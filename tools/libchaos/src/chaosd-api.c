/* chaosd-api.c: chaosd's Unix socket: one JSON request line in, one reply
 * line out, per connection (see include/chaos/proto.h). */
#define _GNU_SOURCE /* accept4() */
#include <errno.h>
#include <glib-unix.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "chaos/proto.h"
#include "chaosd.h"
#include "daemon/unixsock.h"

/* A client has this long to send its request. */
#define REQUEST_TIMEOUT_S 5

static char *handle(struct chaosd *d, const char *line, int pid)
{
    struct chaos_request *req = g_new0(struct chaos_request, 1);
    char err[CHAOS_ERR_MAX];
    char *out;

    if (chaos_proto_parse_request(line, req, err, sizeof(err)))
        out = reply_error("bad-request", "parsing the request", EINVAL, "%s",
                          err);
    else if (req->op == CHAOS_OP_CREATE)
        out = pools_create(d, &req->config);
    else if (req->op == CHAOS_OP_RESIZE)
        out = pools_resize(d, req->flavour, req->target);
    else if (req->op == CHAOS_OP_SHELLS)
        out = pid > 0 ? pools_shells(d, req->parent, req->count, pid)
                      : reply_error("bad-request", "reading the client's pid",
                                    EPERM, "the client's pid is unknown");
    else
        out = pools_status(d);
    g_free(req);
    return out;
}

/* Read one line (or up to EOF) from FD: g_free() it; NULL on error. */
static char *read_request(int fd)
{
    struct timeval tv = {.tv_sec = REQUEST_TIMEOUT_S};
    char *buf = g_malloc(CHAOS_PROTO_MAX);
    size_t len = 0;

    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    while (len < CHAOS_PROTO_MAX - 1) {
        ssize_t n = read(fd, buf + len, CHAOS_PROTO_MAX - 1 - len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
        if (memchr(buf + len - n, '\n', (size_t)n))
            break;
    }
    buf[len] = '\0';
    if (!len) {
        g_free(buf);
        return NULL;
    }
    return buf;
}

static void write_all(int fd, const char *s)
{
    size_t len = strlen(s);

    while (len) {
        ssize_t n = write(fd, s, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; /* the client went away: nothing to tell it */
        s += n;
        len -= (size_t)n;
    }
}

static gboolean on_client(gint fd, GIOCondition cond, gpointer data)
{
    struct chaosd *d = data;
    int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
    struct ucred cred = {0};
    socklen_t clen = sizeof(cred);
    char *line, *reply;

    if (c < 0)
        return G_SOURCE_CONTINUE;
    /* Shells handed over are tagged with their taker's pid. */
    if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &clen))
        cred.pid = 0;
    line = read_request(c);
    if (line) {
        reply = handle(d, line, (int)cred.pid);
        write_all(c, reply);
        g_free(reply);
        g_free(line);
    }
    close(c);
    return G_SOURCE_CONTINUE;
}

int api_listen(struct chaosd *d, const char *path)
{
    const char *step = "listening";
    int fd = -1, rc;

    /* A socket left by a chaosd that died is replaced; a live one's not. */
    fd = unix_listen(path, 128, 0);
    if (fd < 0) {
        rc = fd;
        goto fail;
    }
    step = "restricting the socket to root";
    if (chmod(path, 0600)) {
        rc = -errno;
        goto fail;
    }
    d->listen_fd = fd;
    d->listen_source = g_unix_fd_add(fd, G_IO_IN, on_client, d);
    return 0;

fail:
    g_critical("socket %s: %s failed: %s%s", path, step, g_strerror(-rc),
               rc == -EADDRINUSE ? " (another chaosd is running)" : "");
    if (fd >= 0)
        close(fd);
    return rc;
}

void api_close(struct chaosd *d, const char *path)
{
    if (d->listen_source)
        g_source_remove(d->listen_source);
    d->listen_source = 0;
    if (d->listen_fd >= 0) {
        close(d->listen_fd);
        unlink(path);
    }
    d->listen_fd = -1;
}
