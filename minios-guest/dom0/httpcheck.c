/* httpcheck.c: Dom0 helper: N sequential HTTP connections to the httpd
 * guest app, each body checked against its length and X-Checksum; with
 * --domids, how many responses each domain (X-Domid) served; with --hold,
 * N connections held open across an event, each asked before and after. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <minios/crc32.h>

static int usage(void)
{
    fprintf(stderr,
            "usage: minios-httpcheck [--domids] HOST PORT CONNS [REQUESTS]\n"
            "  open CONNS (1..1000000) connections one after the other, send\n"
            "  REQUESTS (default 1) GETs on each (keep-alive, the last with\n"
            "  Connection: close), check every body's length and CRC-32;\n"
            "  exit 0 if there was no error. --domids: also print, per\n"
            "  X-Domid header value, 'domid D: N responses'\n"
            "   or: minios-httpcheck --hold FILE HOST PORT CONNS\n"
            "  open CONNS (1..100) keep-alive connections, one GET on each\n"
            "  ('conn C before D', D its X-Domid, or 'conn C before failed'),\n"
            "  wait until FILE exists, then one more GET on each same\n"
            "  connection ('conn C after D' or 'conn C after failed');\n"
            "  exit 0 if every request was answered\n");
    return 2;
}

#define MAX_DOMIDS 32768
static unsigned long per_domid[MAX_DOMIDS], no_domid;
static long last_domid; /* of the last response read, -1 if none */

/* Read one response on FD: 0 if its body matches its headers. */
static int one_response(int fd, char *buf, size_t cap)
{
    size_t len = 0, body_len;
    char *hend, *h;
    unsigned long clen;
    unsigned int want;

    for (;;) {
        ssize_t n = recv(fd, buf + len, cap - 1 - len, 0);
        if (n <= 0)
            return -1;
        len += n;
        buf[len] = '\0';
        if ((hend = strstr(buf, "\r\n\r\n")))
            break;
        if (len == cap - 1)
            return -1;
    }
    if (strncmp(buf, "HTTP/1.1 200 ", 13))
        return -1;
    h = strcasestr(buf, "\r\ncontent-length:");
    if (!h || h > hend)
        return -1;
    clen = strtoul(h + 17, NULL, 10);
    h = strcasestr(buf, "\r\nx-checksum:");
    if (!h || h > hend)
        return -1;
    want = strtoul(h + 13, NULL, 16);
    h = strcasestr(buf, "\r\nx-domid:");
    last_domid = -1;
    if (h && h < hend && strtoul(h + 10, NULL, 10) < MAX_DOMIDS) {
        last_domid = (long)strtoul(h + 10, NULL, 10);
        per_domid[last_domid]++;
    } else {
        no_domid++;
    }
    char *body = malloc(clen + 1);
    if (!body)
        return -1;
    body_len = len - (hend + 4 - buf);
    if (body_len > clen) {
        free(body);
        return -1; /* more than announced */
    }
    memcpy(body, hend + 4, body_len);
    while (body_len < clen) {
        ssize_t n = recv(fd, body + body_len, clen - body_len, 0);
        if (n <= 0) {
            free(body);
            return -1;
        }
        body_len += n;
    }
    int rc = crc32(0, body, clen) == want ? 0 : -1;
    free(body);
    return rc;
}

/* One GET on FD (tag C/R, CLOSE: the last): its X-Domid, or -1. */
static long ask(int fd, const char *host, unsigned long c, int r, int close)
{
    static char buf[8192];
    int n =
        snprintf(buf, sizeof(buf), "GET /%lu/%d HTTP/1.1\r\nHost: %s\r\n%s\r\n",
                 c, r, host, close ? "Connection: close\r\n" : "");

    if (send(fd, buf, n, MSG_NOSIGNAL) != n ||
        one_response(fd, buf, sizeof(buf)) < 0 || last_domid < 0)
        return -1;
    return last_domid;
}

/* --hold FILE HOST PORT CONNS (see usage()). */
static int hold(int argc, char **argv)
{
    struct sockaddr_in to = {.sin_family = AF_INET};
    struct timeval tv = {.tv_sec = 10};
    static int fds[100];
    unsigned long conns, port, errors = 0;
    char *end;

    if (argc != 5 || inet_pton(AF_INET, argv[2], &to.sin_addr) != 1)
        return usage();
    port = strtoul(argv[3], &end, 10);
    if (*end || port < 1 || port > 65535)
        return usage();
    conns = strtoul(argv[4], &end, 10);
    if (*end || conns < 1 || conns > 100)
        return usage();
    to.sin_port = htons(port);
    for (unsigned long c = 0; c < conns; c++) {
        long d = -1;

        fds[c] = socket(AF_INET, SOCK_STREAM, 0);
        if (fds[c] >= 0) {
            setsockopt(fds[c], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
            setsockopt(fds[c], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
            if (connect(fds[c], (struct sockaddr *)&to, sizeof(to)) == 0)
                d = ask(fds[c], argv[2], c, 0, 0);
        }
        if (d < 0) {
            printf("conn %lu before failed\n", c);
            errors++;
        } else {
            printf("conn %lu before %ld\n", c, d);
        }
    }
    fflush(stdout);
    while (access(argv[1], F_OK) != 0)
        usleep(100000);
    for (unsigned long c = 0; c < conns; c++) {
        long d = fds[c] >= 0 ? ask(fds[c], argv[2], c, 1, 1) : -1;

        if (d < 0) {
            printf("conn %lu after failed\n", c);
            errors++;
        } else {
            printf("conn %lu after %ld\n", c, d);
        }
        if (fds[c] >= 0)
            close(fds[c]);
    }
    return errors ? 1 : 0;
}

int main(int argc, char **argv)
{
    static char buf[8192];
    struct sockaddr_in to = {.sin_family = AF_INET};
    struct timeval tv = {.tv_sec = 10};
    unsigned long conns, port, reqs = 1, errors = 0, done = 0;
    char *end;
    int domids = argc > 1 && !strcmp(argv[1], "--domids");

    if (argc > 1 && !strcmp(argv[1], "--hold"))
        return hold(argc - 1, argv + 1);
    if (domids) {
        argv++;
        argc--;
    }
    if ((argc != 4 && argc != 5) ||
        inet_pton(AF_INET, argv[1], &to.sin_addr) != 1)
        return usage();
    port = strtoul(argv[2], &end, 10);
    if (*end || port < 1 || port > 65535)
        return usage();
    conns = strtoul(argv[3], &end, 10);
    if (*end || conns < 1 || conns > 1000000)
        return usage();
    if (argc == 5) {
        reqs = strtoul(argv[4], &end, 10);
        if (*end || reqs < 1 || reqs > 1000000)
            return usage();
    }
    to.sin_port = htons(port);
    for (unsigned long c = 0; c < conns; c++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        /* connect() gives up after this too, not after minutes of SYNs. */
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0) {
            fprintf(stderr, "connection %lu: connect: %s\n", c,
                    strerror(errno));
            errors++;
            if (fd >= 0)
                close(fd);
            continue;
        }
        for (unsigned long r = 0; r < reqs; r++) {
            int n = snprintf(
                buf, sizeof(buf), "GET /%lu/%lu HTTP/1.1\r\nHost: %s\r\n%s\r\n",
                c, r, argv[1], r + 1 == reqs ? "Connection: close\r\n" : "");
            if (send(fd, buf, n, MSG_NOSIGNAL) != n ||
                one_response(fd, buf, sizeof(buf)) < 0) {
                fprintf(stderr, "connection %lu request %lu: failed\n", c, r);
                errors++;
                break;
            }
            done++;
        }
        close(fd);
    }
    for (unsigned int d = 0; domids && d < MAX_DOMIDS; d++)
        if (per_domid[d])
            printf("domid %u: %lu responses\n", d, per_domid[d]);
    if (domids && no_domid)
        printf("no domid: %lu responses\n", no_domid);
    printf("connections %lu, requests %lu ok, errors %lu\n", conns, done,
           errors);
    return errors ? 1 : 0;
}
