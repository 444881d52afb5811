/* control.c: xencloned's control socket: one JSON request line per
 * connection, one reply line ({"op":"status"}); and the --status client. */
#define _GNU_SOURCE /* accept4() */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "daemon/unixsock.h"
#include "xencloned/control.h"

#define MAX_REQUEST  4096
#define IO_TIMEOUT_S 5 /* a client that sends nothing does not hold us */

int control_parse_request(const char *line, char **op, char **err)
{
    char ebuf[256] = "";
    const char *path[] = {"op", NULL};
    yajl_val root = yajl_tree_parse(line, ebuf, sizeof(ebuf)), v;
    int rc = -EINVAL;

    *op = NULL;
    *err = NULL;
    if (!root) {
        /* yajl's message spans lines; the first says what is wrong. */
        ebuf[strcspn(ebuf, "\n")] = '\0';
        *err = g_strdup_printf("the request is not JSON: %s",
                               ebuf[0] ? ebuf : "parse error");
        goto out;
    }
    if (!YAJL_IS_OBJECT(root)) {
        *err = g_strdup("the request is not a JSON object");
        goto out;
    }
    v = yajl_tree_get(root, path, yajl_t_any);
    if (!v || !YAJL_IS_STRING(v)) {
        *err = g_strdup("the request has no \"op\" string");
        goto out;
    }
    *op = g_strdup(YAJL_GET_STRING(v));
    rc = 0;
out:
    if (root)
        yajl_tree_free(root);
    return rc;
}

char *control_error_reply(const char *msg)
{
    const unsigned char *buf;
    size_t len;
    yajl_gen g = yajl_gen_alloc(NULL);
    char *line = NULL;

    if (!g)
        return NULL;
    yajl_gen_map_open(g);
    yajl_gen_string(g, (const unsigned char *)"ok", 2);
    yajl_gen_bool(g, 0);
    yajl_gen_string(g, (const unsigned char *)"error", 5);
    yajl_gen_string(g, (const unsigned char *)msg, strlen(msg));
    yajl_gen_map_close(g);
    if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
        line = malloc(len + 2);
        if (line) {
            memcpy(line, buf, len);
            line[len] = '\n';
            line[len + 1] = '\0';
        }
    }
    yajl_gen_free(g);
    return line;
}

int control_listen(const char *path)
{
    return unix_listen(path, 8, SOCK_NONBLOCK);
}

/* Read one line (without its '\n') into BUF. Returns its length or -errno. */
static ssize_t read_line(int fd, char *buf, size_t size)
{
    size_t len = 0;
    ssize_t n;

    while (len < size - 1) {
        n = read(fd, buf + len, size - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            break;
        len += n;
        if (memchr(buf + len - n, '\n', n))
            break;
    }
    buf[len] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    return len < size - 1 ? (ssize_t)strlen(buf) : -E2BIG;
}

static int write_all(int fd, const char *s)
{
    size_t len = strlen(s);
    ssize_t n;

    while (len) {
        n = write(fd, s, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        s += n;
        len -= n;
    }
    return 0;
}

void control_serve(int lfd, char *(*reply)(const char *op, void *data),
                   void *data)
{
    char buf[MAX_REQUEST], *op = NULL, *err = NULL, *line = NULL, *msg = NULL;
    const char *step = "accepting a connection";
    ssize_t len;
    int fd, rc = 0;

    fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0) {
        rc = -errno;
        goto out;
    }
    unix_set_timeouts(fd, IO_TIMEOUT_S);
    step = "reading the request";
    len = read_line(fd, buf, sizeof(buf));
    if (len < 0) {
        rc = (int)len;
        msg = g_strdup_printf("cannot read the request: %s", g_strerror(-rc));
    } else if (control_parse_request(buf, &op, &err) < 0) {
        msg = g_strdup(err);
    } else {
        line = reply(op, data);
        if (!line)
            msg = g_strdup_printf("unknown op '%s' (known: status)", op);
    }
    if (msg) {
        g_warning("control socket: %s", msg);
        line = control_error_reply(msg);
    }
    step = "writing the reply";
    if (line && (rc = write_all(fd, line)) < 0)
        goto out;
    rc = 0;
out:
    if (rc)
        g_warning("control socket: %s failed: %s", step, g_strerror(-rc));
    if (fd >= 0)
        close(fd);
    free(line);
    g_free(op);
    g_free(err);
    g_free(msg);
}

int control_request(const char *path, const char *op, char **err)
{
    char *req = NULL, buf[4096];
    GString *reply = NULL;
    int fd = -1, rc;
    ssize_t n;

    *err = NULL;
    fd = unix_connect(path, IO_TIMEOUT_S);
    if (fd == -ENAMETOOLONG) {
        rc = fd;
        *err = g_strdup_printf("socket path too long: %s", path);
        goto out;
    }
    if (fd < 0) {
        rc = fd;
        *err = g_strdup_printf("xencloned is not running (cannot connect to "
                               "%s: %s)",
                               path, g_strerror(-rc));
        goto out;
    }
    req = g_strdup_printf("{\"op\":\"%s\"}\n", op);
    rc = write_all(fd, req);
    if (rc) {
        *err = g_strdup_printf("cannot send the request to %s: %s", path,
                               g_strerror(-rc));
        goto out;
    }
    reply = g_string_new(NULL);
    while ((n = read(fd, buf, sizeof(buf))) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = -errno;
            *err = g_strdup_printf("cannot read the reply from %s: %s", path,
                                   g_strerror(errno));
            goto out;
        }
        g_string_append_len(reply, buf, n);
    }
    fputs(reply->str, stdout);
    rc = 0;
    if (!g_str_has_prefix(reply->str, "{\"ok\":true")) {
        rc = -EPROTO;
        *err = g_strdup_printf("xencloned refused the request (reply: %s)",
                               reply->len ? g_strchomp(reply->str) : "none");
    }
out:
    if (fd >= 0)
        close(fd);
    if (reply)
        g_string_free(reply, TRUE);
    g_free(req);
    return rc;
}
