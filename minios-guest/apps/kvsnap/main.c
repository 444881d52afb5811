/* kvsnap: Nephele's Redis BGSAVE experiment without a network: fill N
 * keys, fork; the child saves a snapshot through 9pfs and exits while the
 * parent keeps changing keys; the parent checks the snapshot is exactly
 * the state at fork time and prints the fork and save times. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <minios/app.h>
#include <minios/p9front.h>
#include <minios/time.h>

struct rec {
    char key[12]; /* "k" + decimal index, NUL-padded */
    uint32_t val;
};

#define BATCH 4096 /* records per write */

static struct rec *store;
static struct rec batch[BATCH];

static uint32_t initial(unsigned long i)
{
    uint32_t x = (uint32_t)i * 2654435761u;

    return x ^ (x >> 13);
}

/* The child: write every record to PATH; exit 0 or 1. */
static void save(const char *path, unsigned long n)
{
    uint64_t t0 = monotonic_ns();
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644), ok = fd >= 0;

    for (unsigned long i = 0; ok && i < n; i += BATCH) {
        unsigned long k = n - i < BATCH ? n - i : BATCH;
        ok = write(fd, store + i, k * sizeof(struct rec)) ==
             (ssize_t)(k * sizeof(struct rec));
    }
    ok = ok && fsync(fd) == 0 && close(fd) == 0;
    printf("kvsnap: child %d saved %lu keys in %lu us: %s\n", getpid(), n,
           (unsigned long)((monotonic_ns() - t0) / 1000),
           ok ? "ok" : strerror(errno));
    exit(ok ? 0 : 1);
}

int main(int argc, char **argv)
{
    unsigned long n = 1000, changed = 0, bad = 0;
    const char *path = "snapshot.kv", *v;
    uint64_t t0, t_fork, t_saved;
    int status = -1, fd;
    pid_t pid;

    for (int i = 1; i < argc; i++) {
        if (arg_value(argv[i], "keys", &v) && parse_ulong(v, &n) == 0 &&
            n <= 10000000)
            continue;
        printf("kvsnap: bad argument '%s'\n", argv[i]);
        printf("usage: kvsnap [keys=N]   (N <= 10000000, default 1000)\n");
        return 2;
    }
    if (p9_mount(0, 30000) < 0) {
        printf("kvsnap: cannot mount 9pfs device 0\n");
        return 1;
    }
    store = malloc((n ? n : 1) * sizeof(struct rec));
    if (!store) {
        printf("kvsnap: no memory for %lu keys\n", n);
        return 1;
    }
    memset(store, 0, (n ? n : 1) * sizeof(struct rec));
    for (unsigned long i = 0; i < n; i++) {
        snprintf(store[i].key, sizeof(store[i].key), "k%lu", i);
        store[i].val = initial(i);
    }
    printf("kvsnap: %lu keys filled\n", n);

    t0 = monotonic_ns();
    pid = fork();
    if (pid == 0)
        save(path, n);
    t_fork = monotonic_ns();
    if (pid < 0) {
        printf("kvsnap: fork failed: %s\n", strerror(errno));
        return 1;
    }
    /* The parent goes on serving: every key changes while the child saves. */
    for (unsigned long i = 0; i < n; i++, changed++)
        store[i].val = ~store[i].val;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        printf("kvsnap: the child failed (status %#x)\n", status);
        return 1;
    }
    t_saved = monotonic_ns();

    /* The snapshot must be the fork-time state, not the current one. */
    fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("kvsnap: cannot open the snapshot: %s\n", strerror(errno));
        return 1;
    }
    for (unsigned long i = 0; i < n; i += BATCH) {
        unsigned long k = n - i < BATCH ? n - i : BATCH;
        if (read(fd, batch, k * sizeof(struct rec)) !=
            (ssize_t)(k * sizeof(struct rec))) {
            printf("kvsnap: the snapshot is short at key %lu\n", i);
            return 1;
        }
        for (unsigned long j = 0; j < k; j++) {
            char key[12] = {0};
            snprintf(key, sizeof(key), "k%lu", i + j);
            if (memcmp(batch[j].key, key, sizeof(key)) ||
                batch[j].val != initial(i + j) ||
                batch[j].val == store[i + j].val)
                bad++;
        }
    }
    if (read(fd, batch, 1) != 0)
        bad++; /* longer than N records */
    close(fd);
    printf("kvsnap: keys %lu, fork %lu us, save %lu us (fork to child "
           "collected), %lu keys changed meanwhile\n",
           n, (unsigned long)((t_fork - t0) / 1000),
           (unsigned long)((t_saved - t0) / 1000), changed);
    if (bad) {
        printf("kvsnap: the snapshot differs from the fork-time state in "
               "%lu records\n",
               bad);
        return 1;
    }
    printf("kvsnap: ok, the snapshot is exactly the state at fork time\n");
    return 0;
}
