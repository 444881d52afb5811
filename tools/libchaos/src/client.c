/* client.c: talk to chaosd: one request line, one reply line. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "chaos/client.h"
#include "daemon/unixsock.h"

/* How long status and resize wait for chaosd (busy serving creates). */
#define REPLY_TIMEOUT_S 120

int chaos_ask(const char *socket_path, const struct chaos_request *req,
              char **out)
{
    char *line = NULL, *buf = NULL;
    size_t len = 0;
    int fd, rc;

    /* A create waits as long as chaosd takes: chaosd serves requests in
     * order and always answers; giving up early would leave it making a
     * guest nobody waits for. Only status and resize time out. */
    fd = unix_connect(socket_path,
                      req->op == CHAOS_OP_CREATE ? 0 : REPLY_TIMEOUT_S);
    if (fd < 0)
        return fd;
    rc = chaos_proto_request(req, &line);
    if (rc)
        goto out;
    if (write(fd, line, strlen(line)) != (ssize_t)strlen(line)) {
        rc = -EPIPE;
        goto out;
    }
    shutdown(fd, SHUT_WR);
    buf = malloc(CHAOS_PROTO_MAX);
    if (!buf) {
        rc = -ENOMEM;
        goto out;
    }
    for (;;) {
        ssize_t n = read(fd, buf + len, CHAOS_PROTO_MAX - 1 - len);

        if (n < 0) {
            rc = errno == EAGAIN ? -ETIMEDOUT : -errno;
            goto out;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len == CHAOS_PROTO_MAX - 1) {
            rc = -E2BIG;
            goto out;
        }
    }
    buf[len] = '\0';
    if (!len) {
        rc = -ECONNRESET; /* chaosd closed without a reply */
        goto out;
    }
    *out = buf;
    buf = NULL;
    rc = 0;
out:
    free(line);
    free(buf);
    close(fd);
    return rc;
}
