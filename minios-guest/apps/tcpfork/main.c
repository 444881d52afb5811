/* tcpfork: fork() while holding a TCP connection to a peer, to see what
 * each side gets. Connects to peer:port, sends "before D", waits for a
 * line from the peer, forks; each domain sends "after D" on the connection
 * it inherited and prints what became of it and what it reads next. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <minios/app.h>
#include <minios/clone.h>
#include <minios/net.h>
#include <minios/time.h>

#define NET_TIMEOUT_MS 30000

static int usage(const char *bad)
{
    printf("tcpfork: bad argument '%s'\n", bad);
    printf("usage: tcpfork peer=A.B.C.D [port=N] [wait=S]   (TCP port "
           "1..65535, default 7000; S seconds, 1..3600, default 60, for "
           "each line from the peer)\n");
    return 2;
}

/* One line from FD into BUF (without its newline): its length or -errno. */
static ssize_t read_line(int fd, char *buf, size_t cap, unsigned long wait_s)
{
    uint64_t deadline = monotonic_ns() + wait_s * NSEC_PER_SEC;
    size_t len = 0;

    while (len + 1 < cap) {
        ssize_t n = net_recv(fd, buf + len, 1, deadline);
        if (n < 0)
            return n;
        if (n == 0)
            return -ECONNRESET;
        if (buf[len] == '\n')
            break;
        len++;
    }
    buf[len] = '\0';
    return len;
}

int main(int argc, char **argv)
{
    unsigned long port = 7000, wait_s = 60;
    uint32_t peer = 0;
    const char *v, *who;
    char line[128];
    ssize_t n;
    int fd, rc;
    pid_t pid;

    for (int i = 1; i < argc; i++) {
        if (arg_value(argv[i], "peer", &v)) {
            if (net_aton(v, &peer) < 0)
                return usage(argv[i]);
        } else if (arg_value(argv[i], "port", &v)) {
            if (parse_ulong(v, &port) < 0 || port < 1 || port > 65535)
                return usage(argv[i]);
        } else if (arg_value(argv[i], "wait", &v)) {
            if (parse_ulong(v, &wait_s) < 0 || wait_s < 1 || wait_s > 3600)
                return usage(argv[i]);
        } else {
            return usage(argv[i]);
        }
    }
    if (!peer)
        return usage("(no peer=)");
    rc = net_init(NET_TIMEOUT_MS);
    if (rc < 0) {
        printf("tcpfork: no network: %s\n", strerror(-rc));
        return 1;
    }
    fd = net_connect(peer, port, monotonic_ns() + wait_s * NSEC_PER_SEC);
    if (fd < 0) {
        printf("tcpfork: cannot connect: %s\n", strerror(-fd));
        return 1;
    }
    n = snprintf(line, sizeof(line), "before %u\n", (unsigned int)getpid());
    if (net_send(fd, line, n) < 0)
        return 1;
    printf("tcpfork %u: connected, waiting for the peer's go\n",
           (unsigned int)getpid());
    n = read_line(fd, line, sizeof(line), wait_s);
    if (n < 0) {
        printf("tcpfork: no go from the peer: %s\n", strerror(-n));
        return 1;
    }
    pid = fork();
    if (pid < 0) {
        printf("tcpfork: fork failed: %s\n", strerror(errno));
        return 1;
    }
    who = pid ? "parent" : "child";
    n = snprintf(line, sizeof(line), "after %u\n", (unsigned int)getpid());
    rc = net_send(fd, line, n);
    printf("tcpfork %u (%s): sent 'after': %s\n", (unsigned int)getpid(), who,
           rc < 0 ? strerror(-rc) : "ok");
    n = read_line(fd, line, sizeof(line), wait_s);
    if (n < 0)
        printf("tcpfork %u (%s): reading: %s\n", (unsigned int)getpid(), who,
               strerror(-n));
    else
        printf("tcpfork %u (%s): received '%s'\n", (unsigned int)getpid(), who,
               line);
    net_close(fd);
    /* Keep the domain (and its console) until the test ends it. */
    for (;;)
        net_wait(0);
}
