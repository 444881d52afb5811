/* client.c: talk to chaosd: one request line, one reply line. */
#include <errno.h>
#include <stdio.h>
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
    /* A create waits as long as chaosd takes: chaosd serves requests in
     * order and always answers; giving up early would leave it making a
     * guest nobody waits for. Only status, resize and shells time out. */
    return chaos_ask_timeout(socket_path, req,
                             req->op == CHAOS_OP_CREATE ? 0 : REPLY_TIMEOUT_S,
                             out);
}

int chaos_ask_timeout(const char *socket_path, const struct chaos_request *req,
                      unsigned int timeout_s, char **out)
{
    char *line = NULL, *buf = NULL;
    size_t len = 0;
    int fd, rc;

    fd = unix_connect(socket_path, timeout_s);
    if (fd < 0)
        return fd;
    rc = chaos_proto_request(req, &line);
    if (rc)
        goto out;
    /* MSG_NOSIGNAL: a chaosd gone meanwhile is an error, not SIGPIPE. */
    if (send(fd, line, strlen(line), MSG_NOSIGNAL) != (ssize_t)strlen(line)) {
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

int chaos_ask_shells(const char *socket_path, unsigned int parent,
                     unsigned int n, unsigned int timeout_s,
                     struct chaos_reply *rep, char *why, size_t why_len)
{
    struct chaos_request req = {
        .op = CHAOS_OP_SHELLS, .parent = parent, .count = n};
    char *line = NULL;
    int rc;

    memset(rep, 0, sizeof(*rep));
    rc = chaos_ask_timeout(socket_path, &req, timeout_s, &line);
    if (rc == -ENOENT || rc == -ECONNREFUSED) {
        snprintf(why, why_len, "chaosd is not running (no answer on %s)",
                 socket_path);
        goto out;
    }
    if (rc) {
        snprintf(why, why_len, "asking chaosd on %s: %s", socket_path,
                 strerror(-rc));
        goto out;
    }
    rc = chaos_proto_parse_shells(line, n, rep, why, why_len);
out:
    free(line);
    return rc;
}
