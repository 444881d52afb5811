/* udpcheck.c: Dom0 helper: send UDP datagrams of sizes 1..1472 to an echo
 * server and check that each comes back intact. */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_SIZE 1472 /* largest datagram in one 1500-byte frame */
#define TRIES    3

static int usage(void)
{
    fprintf(stderr,
            "usage: minios-udpcheck HOST PORT COUNT\n"
            "  send COUNT (1..100000) datagrams, sizes spread over "
            "1..%d, each\n  awaited (1 s, %d tries) and compared; "
            "exit 0 if all came back intact\n",
            MAX_SIZE, TRIES);
    return 2;
}

int main(int argc, char **argv)
{
    static unsigned char out[MAX_SIZE], in[MAX_SIZE + 1];
    struct sockaddr_in to = {.sin_family = AF_INET};
    unsigned long count, port;
    unsigned long ok = 0, lost = 0, bad = 0, retries = 0;
    char *end;
    int fd;

    if (argc != 4 || inet_pton(AF_INET, argv[1], &to.sin_addr) != 1)
        return usage();
    port = strtoul(argv[2], &end, 10);
    if (*end || port < 1 || port > 65535)
        return usage();
    count = strtoul(argv[3], &end, 10);
    if (*end || count < 1 || count > 100000)
        return usage();
    to.sin_port = htons(port);
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0) {
        perror("minios-udpcheck: socket");
        return 1;
    }
    srand(getpid());
    for (unsigned long i = 0; i < count; i++) {
        size_t size = count == 1 ? 1 : 1 + i * (MAX_SIZE - 1) / (count - 1);
        int got = 0;
        for (size_t k = 0; k < size; k++)
            out[k] = rand();
        memcpy(out, &i, size < sizeof(i) ? size : sizeof(i));
        for (int t = 0; t < TRIES && !got; t++) {
            struct pollfd p = {.fd = fd, .events = POLLIN};
            if (t)
                retries++;
            if (send(fd, out, size, 0) != (ssize_t)size) {
                perror("minios-udpcheck: send");
                return 1;
            }
            while (!got && poll(&p, 1, 1000) == 1) {
                ssize_t n = recv(fd, in, sizeof(in), 0);
                if (n < 0)
                    break;
                if ((size_t)n == size && !memcmp(in, out, size))
                    got = 1;
                else if ((size_t)n >= sizeof(i) && !memcmp(in, &i, sizeof(i)))
                    bad++; /* ours, but damaged */
                /* else: a late echo of an earlier datagram */
            }
        }
        if (got)
            ok++;
        else
            lost++;
    }
    printf("sent %lu, intact %lu, lost %lu, damaged %lu, retries %lu\n", count,
           ok, lost, bad, retries);
    return ok == count && !bad ? 0 : 1;
}
