/* netclient: talks to another guest: UDP datagrams to its netecho, or
 * HTTP GETs to its httpd with every body checked; exit 0 if all good. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <minios/app.h>
#include <minios/crc32.h>
#include <minios/net.h>
#include <minios/time.h>

#define NET_TIMEOUT_MS 30000
#define UDP_MAX        1472
#define TRIES          3

static int usage(const char *bad)
{
    printf("netclient: bad argument '%s'\n", bad);
    printf("usage: netclient peer=A.B.C.D [port=N] [mode=udp|http]"
           " [count=N] " NET_OPTIONS_USAGE
           "   (N datagrams (sizes 1..%d) to a netecho, or N"
           " GETs to an httpd; default udp, port 7 (udp) or 80, count 10;"
           " poll_ms: the network's polling fallback, default 20)\n",
           UDP_MAX);
    return 2;
}

static unsigned long udp_round(uint32_t peer, uint16_t port,
                               unsigned long count)
{
    static char out[UDP_MAX], in[UDP_MAX + 1];
    unsigned long good = 0;
    int fd = net_udp_bind(0);

    if (fd < 0)
        return 0;
    for (unsigned long i = 0; i < count; i++) {
        size_t size = count == 1 ? 1 : 1 + i * (UDP_MAX - 1) / (count - 1);
        for (size_t k = 0; k < size; k++)
            out[k] = (char)(i * 31 + k * 7);
        for (int t = 0; t < TRIES; t++) {
            uint64_t deadline = monotonic_ns() + NSEC_PER_SEC;
            ssize_t n;
            net_sendto(fd, out, size, peer, port);
            while ((n = net_recvfrom(fd, in, sizeof(in), NULL, NULL,
                                     deadline)) >= 0)
                if ((size_t)n == size && !memcmp(in, out, size))
                    break;
            if (n >= 0) {
                good++;
                break;
            }
        }
    }
    net_close(fd);
    return good;
}

/* One GET on a new connection: 0 if the body matches its headers. */
static int http_get(uint32_t peer, uint16_t port)
{
    static char buf[8192];
    uint64_t deadline = monotonic_ns() + 10 * NSEC_PER_SEC;
    size_t len = 0, clen, got;
    unsigned long want;
    char *end, *h;
    uint32_t crc;
    int fd = net_connect(peer, port, deadline), rc = -1;

    if (fd < 0)
        return fd;
    const char req[] = "GET / HTTP/1.1\r\nConnection: close\r\n\r\n";
    if (net_send(fd, req, sizeof(req) - 1) < 0)
        goto out;
    for (;;) {
        ssize_t n = net_recv(fd, buf + len, sizeof(buf) - 1 - len, deadline);
        if (n <= 0)
            goto out;
        len += n;
        buf[len] = '\0';
        if ((end = strstr(buf, "\r\n\r\n")))
            break;
        if (len == sizeof(buf) - 1)
            goto out;
    }
    h = strstr(buf, "\r\nContent-Length: ");
    if (!h || h > end)
        goto out;
    clen = strtoul(h + 18, NULL, 10);
    h = strstr(buf, "\r\nX-Checksum: ");
    if (!h || h > end)
        goto out;
    want = strtoul(h + 14, NULL, 16);
    got = len - (end + 4 - buf);
    crc = crc32(0, end + 4, got);
    while (got < clen) {
        ssize_t n = net_recv(fd, buf, sizeof(buf), deadline);
        if (n <= 0)
            goto out;
        crc = crc32(crc, buf, n);
        got += n;
    }
    rc = got == clen && crc == want ? 0 : -1;
out:
    net_close(fd);
    return rc;
}

int main(int argc, char **argv)
{
    unsigned long port = 0, count = 10, good = 0;
    const char *v, *mode = "udp";
    uint32_t peer = 0;
    char a[16];
    int rc;

    for (int i = 1; i < argc; i++) {
        if (arg_value(argv[i], "peer", &v)) {
            if (net_aton(v, &peer) < 0)
                return usage(argv[i]);
        } else if (arg_value(argv[i], "port", &v)) {
            if (parse_ulong(v, &port) < 0 || port < 1 || port > 65535)
                return usage(argv[i]);
        } else if (arg_value(argv[i], "mode", &v)) {
            if (strcmp(v, "udp") && strcmp(v, "http"))
                return usage(argv[i]);
            mode = v;
        } else if (arg_value(argv[i], "count", &v)) {
            if (parse_ulong(v, &count) < 0 || count < 1 || count > 100000)
                return usage(argv[i]);
        } else if (net_option(argv[i]) <= 0) {
            return usage(argv[i]);
        }
    }
    if (!peer)
        return usage("peer=");
    if (!port)
        port = strcmp(mode, "udp") ? 80 : 7;
    rc = net_init(NET_TIMEOUT_MS);
    if (rc < 0) {
        printf("netclient: no network: %s\n", strerror(-rc));
        return 1;
    }
    net_ntoa(peer, a);
    if (!strcmp(mode, "udp")) {
        good = udp_round(peer, port, count);
        printf("netclient: udp %s:%lu: %lu of %lu echoed intact\n", a, port,
               good, count);
    } else {
        for (unsigned long i = 0; i < count; i++)
            if (http_get(peer, port) == 0)
                good++;
        printf("netclient: http %s:%lu: %lu of %lu bodies intact\n", a, port,
               good, count);
    }
    net_print_stats("netclient");
    return good == count ? 0 : 1;
}
