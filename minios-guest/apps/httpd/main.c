/* httpd: HTTP/1.1 with keep-alive; every GET gets the same body of B
 * bytes and its CRC-32 in X-Checksum, and the serving domain's id in
 * X-Domid. With workers=N the domain listens, then forks N-1 workers
 * (clones: NGINX's master and workers); all of them serve. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <minios/app.h>
#include <minios/crc32.h>
#include <minios/net.h>
#include <unistd.h>
#include "httpd.h"

#define NET_TIMEOUT_MS 30000
#define MAX_SIZE       (64UL << 20)
#define MAX_WORKERS    64

unsigned int httpd_domid(void)
{
    return (unsigned int)getpid();
}

static int usage(const char *bad)
{
    printf("httpd: bad argument '%s'\n", bad);
    printf("usage: httpd [port=N] [size=B] [workers=W] "
           "[stats=N] " NET_OPTIONS_USAGE
           "   (TCP port 1..65535, default 80; body of B"
           " bytes, 0..%lu, default 1024; W serving domains, 1..%u, default"
           " 1: W-1 forked after listen; print the netfront counters after"
           " every N connections, default 0: never; poll_ms: the network's"
           " polling fallback, default 20)\n",
           MAX_SIZE, MAX_WORKERS);
    return 2;
}

/* A body nobody can mistake for another: bytes of a 32-bit LCG. */
static void fill(char *p, size_t n)
{
    uint32_t x = 12345;

    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245U + 12345U;
        p[i] = (char)(x >> 16);
    }
}

int main(int argc, char **argv)
{
    unsigned long port = 80, size = 1024, workers = 1, w;
    struct body b;
    const char *v;
    char *data;
    int lfd, rc;

    for (int i = 1; i < argc; i++) {
        if (arg_value(argv[i], "port", &v)) {
            if (parse_ulong(v, &port) < 0 || port < 1 || port > 65535)
                return usage(argv[i]);
        } else if (arg_value(argv[i], "workers", &v)) {
            if (parse_ulong(v, &workers) < 0 || workers < 1 ||
                workers > MAX_WORKERS)
                return usage(argv[i]);
        } else if (arg_value(argv[i], "size", &v)) {
            if (parse_ulong(v, &size) < 0 || size > MAX_SIZE)
                return usage(argv[i]);
        } else if (arg_value(argv[i], "stats", &v)) {
            if (parse_ulong(v, &httpd_stats_every) < 0)
                return usage(argv[i]);
        } else if (net_option(argv[i]) <= 0) {
            return usage(argv[i]);
        }
    }
    data = malloc(size ? size : 1);
    if (!data) {
        printf("httpd: no memory for a body of %lu bytes\n", size);
        return 1;
    }
    fill(data, size);
    b = (struct body){data, size, crc32(0, data, size)};
    rc = net_init(NET_TIMEOUT_MS);
    if (rc < 0) {
        printf("httpd: no network: %s\n", strerror(-rc));
        return 1;
    }
    lfd = net_listen(port, 128);
    if (lfd < 0) {
        printf("httpd: cannot listen on tcp port %lu: %s\n", port,
               strerror(-lfd));
        return 1;
    }
    printf("httpd: serving %lu bytes (crc32 %08x) on tcp port %lu\n", size,
           b.crc, port);
    /* Workers share the listening socket, as forked processes would: in
     * network mode "same" Dom0 spreads connections over the family. */
    for (w = 1; w < workers; w++) {
        pid_t pid = fork();

        if (pid < 0) {
            printf("httpd: fork of worker %lu failed: %s\n", w,
                   strerror(errno));
            break;
        }
        if (pid == 0) {
            printf("httpd: worker %lu (domid %u) serving\n", w,
                   (unsigned int)getpid());
            break;
        }
    }
    if (workers > 1 && w >= workers)
        printf("httpd: %lu workers (domid %u and %lu forked)\n", workers,
               (unsigned int)getpid(), workers - 1);
    serve(lfd, &b);
    return 0;
}
