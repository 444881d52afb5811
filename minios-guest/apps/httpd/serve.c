/* serve.c: the httpd loop: many connections, requests in order on each. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <minios/net.h>
#include <minios/time.h>
#include "httpd.h"

#define MAX_CONNS 128
#define REQ_MAX   4096
#define NOW       1 /* a deadline already past: do not wait */
/* After "Connection: close", how long the client has to close first. */
#define LINGER_NS (5 * NSEC_PER_SEC)

struct conn {
    int fd;           /* -1: free */
    uint64_t closing; /* 0, or when we close it if the client has not */
    size_t len;
    char buf[REQ_MAX];
};

static struct conn conns[MAX_CONNS];

static const char *find(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);

    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(hay + i, needle, k))
            return hay + i;
    return NULL;
}

/* Does the header block H (lower-cased copy) say "connection: WHAT"? */
static int conn_header(const char *h, const char *what)
{
    char want[40];

    snprintf(want, sizeof(want), "\r\nconnection: %s", what);
    return strstr(h, want) != NULL;
}

static int reply(int fd, int status, const char *reason, const struct body *b,
                 int with_body, int keep)
{
    static char out[16384];
    char head[256];
    int n =
        snprintf(head, sizeof(head),
                 "HTTP/1.1 %d %s\r\n"
                 "Content-Type: application/octet-stream\r\n"
                 "Content-Length: %lu\r\n"
                 "X-Checksum: %08x\r\n"
                 "X-Domid: %u\r\n"
                 "Connection: %s\r\n\r\n",
                 status, reason, b ? (unsigned long)b->size : 0UL,
                 b ? b->crc : 0U, httpd_domid(), keep ? "keep-alive" : "close");

    /* A small body goes out with its headers in one send: with two sends
     * a 1 KiB request took 50 ms under wrk -c1 (the body seemingly waited
     * for the client's delayed ACK of the header segment), 6 ms with one. */
    if (b && with_body && b->size && b->size <= sizeof(out) - (size_t)n) {
        memcpy(out, head, n);
        memcpy(out + n, b->data, b->size);
        return net_send(fd, out, n + b->size) < 0 ? -1 : 0;
    }
    if (net_send(fd, head, n) < 0)
        return -1;
    if (b && with_body && b->size && net_send(fd, b->data, b->size) < 0)
        return -1;
    return 0;
}

/* Answer every complete request in C's buffer: 0, 1 when the last
 * response is sent (the client closes), or -1 to close now. */
static int handle(struct conn *c, const struct body *b)
{
    static char low[REQ_MAX + 1];

    for (;;) {
        const char *end = find(c->buf, c->len, "\r\n\r\n");
        if (!end) {
            if (c->len == REQ_MAX) {
                reply(c->fd, 431, "Request Header Fields Too Large", NULL, 0,
                      0);
                return -1;
            }
            return 0;
        }
        size_t hlen = end + 4 - c->buf;
        for (size_t i = 0; i < hlen; i++)
            low[i] = tolower((unsigned char)c->buf[i]);
        low[hlen] = '\0';
        int get = !strncmp(low, "get ", 4), head = !strncmp(low, "head ", 5);
        const char *eol = strstr(low, "\r\n");
        int v11 = eol - low >= 8 && !memcmp(eol - 8, "http/1.1", 8);
        int keep =
            v11 ? !conn_header(low, "close") : conn_header(low, "keep-alive");
        if (!get && !head) {
            reply(c->fd, 405, "Method Not Allowed", NULL, 0, 0);
            return -1;
        }
        if (reply(c->fd, 200, "OK", b, get, keep) < 0)
            return -1;
        if (!keep)
            return 1;
        memmove(c->buf, c->buf + hlen, c->len - hlen);
        c->len -= hlen;
    }
}

unsigned long httpd_stats_every;

static void drop(struct conn *c)
{
    static unsigned long closed;

    net_close(c->fd);
    if (httpd_stats_every && ++closed % httpd_stats_every == 0)
        net_print_stats("httpd");
    c->fd = -1;
    c->len = 0;
    c->closing = 0;
}

/*
 * The client closes first after "Connection: close": the TIME-WAIT state
 * stays on its side. lwIP answers a SYN that reuses the 4-tuple of one of
 * its own TIME-WAIT connections with an ACK, so a server that closed first
 * refuses a client that reuses its port within 2 MSL.
 */
static void linger(struct conn *c, char *scratch, size_t len)
{
    ssize_t n = net_recv(c->fd, scratch, len, NOW);

    if (n == -ETIMEDOUT) {
        if (monotonic_ns() >= c->closing)
            drop(c);
        return;
    }
    if (n <= 0)
        drop(c); /* the client closed (or reset): we close second */
}

void serve(int lfd, const struct body *b)
{
    for (int i = 0; i < MAX_CONNS; i++)
        conns[i].fd = -1;
    for (;;) {
        int fd, busy = 0;

        while ((fd = net_accept(lfd, NOW)) >= 0) {
            int i = 0;
            while (i < MAX_CONNS && conns[i].fd >= 0)
                i++;
            if (i == MAX_CONNS) {
                net_close(fd); /* full: the client sees a reset */
                continue;
            }
            conns[i].fd = fd;
            conns[i].len = 0;
            conns[i].closing = 0;
            busy = 1;
        }
        for (int i = 0; i < MAX_CONNS; i++) {
            struct conn *c = &conns[i];
            if (c->fd < 0)
                continue;
            if (c->closing) {
                linger(c, c->buf, REQ_MAX);
                continue;
            }
            ssize_t n = net_recv(c->fd, c->buf + c->len, REQ_MAX - c->len, NOW);
            if (n == -ETIMEDOUT)
                continue;
            busy = 1;
            int rc = n <= 0 ? -1 : handle((c->len += n, c), b);
            if (rc < 0)
                drop(c);
            else if (rc > 0)
                c->closing = monotonic_ns() + LINGER_NS;
        }
        if (!busy)
            net_wait(monotonic_ns() + NSEC_PER_SEC);
    }
}
