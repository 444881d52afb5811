/* kvsnap-linux.c: xen9pfs-kvsnap-linux DIR KEYS: the kvsnap experiment as
 * a Dom0 Linux process (the baseline of make bench): fill KEYS records,
 * fork; the child writes the snapshot to DIR and exits while the parent
 * changes every key; checks the snapshot; prints fork and save times. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct rec {
    char key[12];
    uint32_t val;
};

static unsigned long long now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000ULL + ts.tv_nsec / 1000;
}

static uint32_t initial(unsigned long i)
{
    uint32_t x = (uint32_t)i * 2654435761u;

    return x ^ (x >> 13);
}

int main(int argc, char **argv)
{
    unsigned long n, bad = 0;
    unsigned long long t0, t_fork, t_saved;
    struct rec *store, r;
    char path[4096];
    int status, fd;
    pid_t pid;

    if (argc != 3) {
        fprintf(stderr, "usage: xen9pfs-kvsnap-linux DIR KEYS\n");
        return 2;
    }
    n = strtoul(argv[2], NULL, 10);
    if (n > 10000000) {
        fprintf(stderr, "xen9pfs-kvsnap-linux: at most 10000000 keys\n");
        return 2;
    }
    snprintf(path, sizeof(path), "%s/snapshot.kv", argv[1]);
    store = calloc(n ? n : 1, sizeof(*store));
    if (!store)
        return 1;
    for (unsigned long i = 0; i < n; i++) {
        snprintf(store[i].key, sizeof(store[i].key), "k%u", (unsigned)i);
        store[i].val = initial(i);
    }
    t0 = now_us();
    pid = fork();
    if (pid == 0) {
        fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
        if (fd < 0 ||
            write(fd, store, n * sizeof(*store)) !=
                (ssize_t)(n * sizeof(*store)) ||
            fsync(fd) < 0 || close(fd) < 0)
            _exit(1);
        _exit(0);
    }
    t_fork = now_us();
    if (pid < 0) {
        fprintf(stderr, "xen9pfs-kvsnap-linux: fork: %s\n", strerror(errno));
        return 1;
    }
    for (unsigned long i = 0; i < n; i++)
        store[i].val = ~store[i].val;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status)) {
        fprintf(stderr, "xen9pfs-kvsnap-linux: the child failed\n");
        return 1;
    }
    t_saved = now_us();
    fd = open(path, O_RDONLY);
    for (unsigned long i = 0; fd >= 0 && i < n; i++)
        if (read(fd, &r, sizeof(r)) != sizeof(r) || r.val != initial(i))
            bad++;
    if (fd < 0 || bad) {
        fprintf(stderr, "xen9pfs-kvsnap-linux: bad snapshot (%lu)\n", bad);
        return 1;
    }
    close(fd);
    printf("kvsnap: keys %lu, fork %llu us, save %llu us\n", n, t_fork - t0,
           t_saved - t0);
    return 0;
}
