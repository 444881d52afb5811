/* localbench.c: xen9pfs-localbench DIR MB FILES: the files app's bench mode
 * as a Dom0 process on Dom0's own filesystem (the baseline of make bench):
 * MB MiB written (64 KiB writes, fsync) and read back, FILES small files
 * created, written (100 bytes) and closed. Prints KB/s and files/s. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CHUNK 65536

static unsigned long long now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000ULL + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
    static char chunk[CHUNK];
    unsigned long long t0, t1, t2, t3, total = 0;
    unsigned long mb, nfiles;
    char p[4096];
    ssize_t n;
    int fd;

    if (argc != 4 || (mb = strtoul(argv[2], NULL, 10)) == 0 ||
        (nfiles = strtoul(argv[3], NULL, 10)) == 0) {
        fprintf(stderr, "usage: xen9pfs-localbench DIR MB FILES\n");
        return 2;
    }
    memset(chunk, 'b', CHUNK);
    if (mkdir(argv[1], 0755) < 0 && errno != EEXIST) {
        fprintf(stderr, "xen9pfs-localbench: error: mkdir %s: %s\n", argv[1],
                strerror(errno));
        return 1;
    }
    snprintf(p, sizeof(p), "%s/seq.bin", argv[1]);
    t0 = now_us();
    fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    for (unsigned long i = 0; fd >= 0 && i < mb * 16; i++)
        total += write(fd, chunk, CHUNK) == CHUNK ? CHUNK : 0;
    if (fd < 0 || fsync(fd) < 0 || close(fd) < 0 || total != mb * 1048576) {
        fprintf(stderr, "xen9pfs-localbench: error: writing %s\n", p);
        return 1;
    }
    t1 = now_us();
    fd = open(p, O_RDONLY);
    total = 0;
    while (fd >= 0 && (n = read(fd, chunk, CHUNK)) > 0)
        total += n;
    if (fd < 0 || close(fd) < 0 || total != mb * 1048576) {
        fprintf(stderr, "xen9pfs-localbench: error: reading %s\n", p);
        return 1;
    }
    t2 = now_us();
    for (unsigned long i = 0; i < nfiles; i++) {
        snprintf(p, sizeof(p), "%s/s%lu", argv[1], i);
        fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0644);
        if (fd < 0 || write(fd, chunk, 100) != 100 || close(fd) < 0) {
            fprintf(stderr, "xen9pfs-localbench: error: %s\n", p);
            return 1;
        }
    }
    t3 = now_us();
    printf("files: bench: seq_write_kbs %llu\n",
           mb * 1024 * 1000000ULL / (t1 - t0 + 1));
    printf("files: bench: seq_read_kbs %llu\n",
           mb * 1024 * 1000000ULL / (t2 - t1 + 1));
    printf("files: bench: small_files_per_s %llu\n",
           nfiles * 1000000ULL / (t3 - t2 + 1));
    return 0;
}
