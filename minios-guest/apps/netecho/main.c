/* netecho: UDP echo on port N (lwIP answers ping on its own). */
#include <stdio.h>
#include <string.h>
#include <minios/app.h>
#include <minios/net.h>

#define NET_TIMEOUT_MS 30000

static int usage(const char *bad)
{
    printf("netecho: bad argument '%s'\n", bad);
    printf("usage: netecho [port=N] " NET_OPTIONS_USAGE
           "   (UDP port 1..65535 to echo on, default 7; poll_ms: the"
           " network's polling fallback, default 20)\n");
    return 2;
}

int main(int argc, char **argv)
{
    static char buf[65536];
    unsigned long port = 7;
    unsigned long n = 0;
    const char *v;
    int fd, rc;

    for (int i = 1; i < argc; i++) {
        int r = net_option(argv[i]);
        if (r > 0)
            continue;
        if (r < 0 || !arg_value(argv[i], "port", &v) ||
            parse_ulong(v, &port) < 0 || port < 1 || port > 65535)
            return usage(argv[i]);
    }
    rc = net_init(NET_TIMEOUT_MS);
    if (rc < 0) {
        printf("netecho: no network: %s\n", strerror(-rc));
        return 1;
    }
    fd = net_udp_bind(port);
    if (fd < 0) {
        printf("netecho: cannot bind udp port %lu: %s\n", port, strerror(-fd));
        return 1;
    }
    printf("netecho: echoing on udp port %lu\n", port);
    for (;;) {
        uint32_t addr;
        uint16_t from;
        ssize_t len = net_recvfrom(fd, buf, sizeof(buf), &addr, &from, 0);
        if (len < 0)
            continue;
        rc = net_sendto(fd, buf, len, addr, from);
        if (rc < 0)
            printf("netecho: reply to port %u failed: %s\n", from,
                   strerror(-rc));
        if (++n == 1)
            printf("netecho: first datagram echoed (%ld bytes)\n", (long)len);
    }
}
