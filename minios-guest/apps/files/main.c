/* files: exercises the 9pfs file API on share device 0 and prints the
 * CRC-32 of everything it read; modes for limits, escapes and listings. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <minios/app.h>
#include <minios/crc32.h>
#include <minios/p9front.h>
#include <minios/time.h>
#include <minios/xenbus.h>

#define CHUNK 65536

static int checks, failures;
static uint32_t read_crc; /* of every byte read back */
static char chunk[CHUNK];

static void check(int cond, const char *what)
{
    checks++;
    if (!cond) {
        failures++;
        printf("files: FAILED: %s (errno %d %s)\n", what, errno,
               strerror(errno));
    }
}

/* Byte I of the test file of SIZE bytes. */
static char pattern(unsigned long i, unsigned long size)
{
    return (char)((i * 131 + (i >> 12) + size) & 0xff);
}

static uint32_t pattern_crc(unsigned long size)
{
    uint32_t crc = 0;

    for (unsigned long off = 0; off < size; off += CHUNK) {
        unsigned long n = size - off < CHUNK ? size - off : CHUNK;
        for (unsigned long i = 0; i < n; i++)
            chunk[i] = pattern(off + i, size);
        crc = crc32(crc, chunk, n);
    }
    return crc;
}

/* Write DIR/f-SIZE, read it back, rename it to DIR/g-SIZE. */
static void one_file(const char *dir, unsigned long size)
{
    char f[128], g[128];
    uint32_t want = pattern_crc(size), got = 0;
    unsigned long total = 0;
    struct stat st;
    ssize_t n;
    int fd;

    snprintf(f, sizeof(f), "%s/f-%lu", dir, size);
    snprintf(g, sizeof(g), "%s/g-%lu", dir, size);
    fd = open(f, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    check(fd >= 0, "open(O_CREAT) a new file");
    for (unsigned long off = 0; fd >= 0 && off < size; off += CHUNK) {
        unsigned long k = size - off < CHUNK ? size - off : CHUNK;
        for (unsigned long i = 0; i < k; i++)
            chunk[i] = pattern(off + i, size);
        n = write(fd, chunk, k);
        if (n != (ssize_t)k) {
            check(0, "write a chunk whole");
            break;
        }
        total += n;
    }
    check(total == size, "every byte written");
    check(fd >= 0 && fsync(fd) == 0, "fsync");
    check(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == (off_t)size,
          "fstat: the size written");
    check(fd >= 0 && close(fd) == 0, "close");
    check(stat(f, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == (off_t)size,
          "stat: a regular file of that size");

    fd = open(f, O_RDONLY);
    check(fd >= 0, "open(O_RDONLY)");
    total = 0;
    while (fd >= 0 && (n = read(fd, chunk, CHUNK)) > 0) {
        got = crc32(got, chunk, n);
        read_crc = crc32(read_crc, chunk, n);
        total += n;
    }
    check(total == size && got == want, "read back: same length and CRC-32");
    if (size >= 4096) {
        char c = 0;
        check(pread(fd, &c, 1, (off_t)size / 2) == 1 &&
                  c == pattern(size / 2, size),
              "pread in the middle");
        check(lseek(fd, 0, SEEK_END) == (off_t)size, "lseek(SEEK_END)");
        check(lseek(fd, -1, SEEK_CUR) == (off_t)size - 1 &&
                  read(fd, &c, 1) == 1 && c == pattern(size - 1, size),
              "lseek(SEEK_CUR) and read the last byte");
    }
    check(read(fd, chunk, 10) == 0, "read at the end returns 0");
    check(write(fd, "x", 1) < 0 && errno == EBADF,
          "write to a read-only descriptor: EBADF");
    close(fd);
    check(rename(f, g) == 0, "rename");
    check(stat(f, &st) < 0 && errno == ENOENT, "the old name is gone");
    check(stat(g, &st) == 0 && st.st_size == (off_t)size,
          "the new name has the file");
    printf("files: %s: %lu bytes, crc32 %08x, read back %08x\n", g, size,
           (unsigned)want, (unsigned)got);
}

static int count_entries(const char *dir, const char *name)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int found = 0, total = 0;

    if (!d)
        return -1;
    while ((e = readdir(d))) {
        total++;
        if (!strcmp(e->d_name, name))
            found++;
    }
    closedir(d);
    return name ? found : total;
}

static int mode_api(const char *dir)
{
    static const unsigned long sizes[] = {0, 4096, 10 * 1024 * 1024};
    char p[128];
    struct stat st;
    int fd;

    check(mkdir(dir, 0755) == 0, "mkdir");
    check(mkdir(dir, 0755) < 0 && errno == EEXIST, "mkdir again: EEXIST");
    check(stat(dir, &st) == 0 && S_ISDIR(st.st_mode), "stat: a directory");
    for (unsigned int i = 0; i < 3; i++)
        one_file(dir, sizes[i]);
    check(count_entries(dir, NULL) == 3, "readdir: three entries");
    check(count_entries(dir, "g-4096") == 1, "readdir: g-4096 once");
    check(count_entries(dir, "f-4096") == 0, "readdir: no f-4096");

    /* Truncate, sparse write, append. */
    snprintf(p, sizeof(p), "%s/g-4096", dir);
    fd = open(p, O_RDWR);
    check(fd >= 0 && ftruncate(fd, 100) == 0, "ftruncate to 100");
    check(fstat(fd, &st) == 0 && st.st_size == 100, "  size 100");
    check(pwrite(fd, "end", 3, 197) == 3, "pwrite past the end");
    check(fstat(fd, &st) == 0 && st.st_size == 200, "  size 200");
    close(fd);
    fd = open(p, O_WRONLY | O_APPEND);
    check(fd >= 0 && write(fd, "+", 1) == 1, "append");
    close(fd);
    check(stat(p, &st) == 0 && st.st_size == 201, "  size 201");
    snprintf(p, sizeof(p), "%s/g-0", dir);
    check(unlink(p) == 0, "unlink");
    check(stat(p, &st) < 0 && errno == ENOENT, "  gone");
    check(unlink(p) < 0 && errno == ENOENT, "unlink again: ENOENT");
    check(rmdir(dir) < 0 && errno == ENOTEMPTY,
          "rmdir of a full directory: ENOTEMPTY");
    snprintf(p, sizeof(p), "%s/sub", dir);
    check(mkdir(p, 0700) == 0 && rmdir(p) == 0, "mkdir and rmdir");
    check(open("/no/such/file", O_RDONLY) < 0 && errno == ENOENT,
          "open of a missing file: ENOENT");
    check(open(p, O_CREAT | O_EXCL | O_WRONLY, 0600) >= 0,
          "open(O_CREAT|O_EXCL)");
    check(open(p, O_CREAT | O_EXCL | O_WRONLY, 0600) < 0 && errno == EEXIST,
          "  again: EEXIST");
    check(close(99) < 0 && errno == EBADF, "close of a bad fd: EBADF");
    return 0;
}

/* Write until the device's limits stop us. */
static int mode_quota(const char *dir)
{
    unsigned long total = 0;
    ssize_t n;
    int fd, files = 0;
    char p[128];

    memset(chunk, 'q', CHUNK);
    fd = open("big", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    check(fd >= 0, "open big");
    while (fd >= 0 && (n = write(fd, chunk, 1000)) > 0)
        total += n;
    check(errno == ENOSPC, "writing past max-bytes: ENOSPC");
    printf("files: quota: wrote %lu bytes before ENOSPC\n", total);
    close(fd);
    for (;;) {
        snprintf(p, sizeof(p), "n%d", files);
        fd = open(p, O_CREAT | O_WRONLY, 0644);
        if (fd < 0)
            break;
        close(fd);
        files++;
    }
    check(errno == EDQUOT, "creating past max-files: EDQUOT");
    printf("files: quota: created %d more files before EDQUOT\n", files);
    (void)dir;
    return 0;
}

/* Names that must not leave the share. */
static int mode_escape(const char *dir)
{
    char longname[300];
    struct stat st;
    int fd;

    check(open("link-out", O_RDONLY) < 0 && errno == ELOOP,
          "a host symlink to outside: ELOOP");
    check(open("link-out", O_CREAT | O_WRONLY | O_TRUNC, 0644) < 0,
          "creating over that symlink fails");
    check(stat("dir-out/passwd", &st) < 0 && errno == ELOOP,
          "a host symlink to /etc: ELOOP");
    /* ".." at the root is the root (9P): /etc/passwd is looked up inside. */
    check(open("../../etc/passwd", O_RDONLY) < 0 && errno == ENOENT,
          "../../etc/passwd: ENOENT (inside the share)");
    check(open("/etc/passwd", O_RDONLY) < 0 && errno == ENOENT,
          "/etc/passwd: ENOENT (inside the share)");
    memset(longname, 'n', 256);
    longname[256] = '\0';
    check(open(longname, O_CREAT | O_WRONLY, 0644) < 0 && errno == ENAMETOOLONG,
          "a 256-byte name: ENAMETOOLONG");
    longname[255] = '\0';
    fd = open(longname, O_CREAT | O_WRONLY, 0644);
    check(fd >= 0, "a 255-byte name works");
    close(fd);
    check(unlink(longname) == 0, "  and is removed");
    (void)dir;
    return 0;
}

/* Print the root's entries (two guests must not see each other's). */
static int mode_ls(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    check(d != NULL, "opendir");
    while (d && (e = readdir(d)))
        printf("files: ls: %s\n", e->d_name);
    if (d)
        closedir(d);
    return 0;
}

/* A read-only share: reads work, every change fails with EROFS. */
static int mode_ro(const char *dir)
{
    struct stat st;
    int fd;

    fd = open("ro.txt", O_RDONLY);
    check(fd >= 0 && read(fd, chunk, 100) > 0, "read a file");
    close(fd);
    check(open("ro.txt", O_WRONLY) < 0 && errno == EROFS,
          "open for writing: EROFS");
    check(open("new", O_CREAT | O_WRONLY, 0644) < 0 && errno == EROFS,
          "create: EROFS");
    check(mkdir("d", 0755) < 0 && errno == EROFS, "mkdir: EROFS");
    check(unlink("ro.txt") < 0 && errno == EROFS, "unlink: EROFS");
    check(rename("ro.txt", "x") < 0 && errno == EROFS, "rename: EROFS");
    check(stat("ro.txt", &st) == 0, "the file is still there");
    (void)dir;
    return 0;
}

/*
 * xen9pfsd restarted under us: Dom0 stops the daemon, writes
 * data/files/go, kills it while our request waits, starts a new one. The
 * request in flight and the old descriptor fail with EIO; new opens work.
 */
static int mode_restart(const char *dir)
{
    char buf[32] = {0}, *go = NULL;
    ssize_t n;
    int fd, fd2;

    p9front_set_timeout(120000);
    fd = open("before", O_CREAT | O_RDWR | O_TRUNC, 0644);
    check(fd >= 0 && write(fd, "before restart", 14) == 14 && fsync(fd) == 0,
          "write 'before' and fsync");
    printf("files: restart: ready\n");
    for (int i = 0; i < 6000 && xenbus_read(XBT_NIL, "data/files/go", &go); i++)
        msleep(100);
    free(go);
    printf("files: restart: sending a request\n");
    n = pread(fd, buf, 14, 0);
    check(n < 0 && errno == EIO, "the request in flight fails with EIO");
    printf("files: restart: the request in flight returned %ld (errno %d)\n",
           (long)n, n < 0 ? errno : 0);
    check(write(fd, "x", 1) < 0 && errno == EIO,
          "the old descriptor fails clearly (EIO)");
    n = close(fd);
    check(n == 0 || errno == EIO, "  and is released by close");
    fd2 = open("after", O_CREAT | O_RDWR | O_TRUNC, 0644);
    check(fd2 >= 0, "a new open works (a new session)");
    check(write(fd2, "after restart", 13) == 13, "  write");
    memset(buf, 0, sizeof(buf));
    check(pread(fd2, buf, 13, 0) == 13 && !memcmp(buf, "after restart", 13),
          "  and read back");
    close(fd2);
    fd = open("before", O_RDONLY);
    memset(buf, 0, sizeof(buf));
    check(fd >= 0 && read(fd, buf, 32) == 14 &&
              !memcmp(buf, "before restart", 14),
          "the file written before the restart is intact");
    read_crc = crc32(read_crc, buf, 14);
    close(fd);
    (void)dir;
    return 0;
}

/*
 * fork() with a file open: each side has its own offset (the descriptor is
 * copied, its fid cloned by xen9pfsd), both write the one host file and
 * see each other's writes.
 */
static int mode_fork(const char *dir)
{
    char buf[32] = {0};
    int fd, status = -1;
    pid_t pid;

    fd = open("shared", O_CREAT | O_RDWR | O_TRUNC, 0644);
    check(fd >= 0 && write(fd, "0123456789", 10) == 10,
          "the parent writes 10 bytes");
    pid = fork();
    check(pid >= 0, "fork");
    if (pid == 0) {
        /* The child: the descriptor is open, its offset is at 10. */
        int ok = write(fd, "CHILD", 5) == 5 && lseek(fd, 0, SEEK_SET) == 0 &&
                 read(fd, buf, 32) == 15 && !memcmp(buf, "0123456789CHILD", 15);
        int fd2 = open("child.txt", O_CREAT | O_WRONLY, 0644);

        ok = ok && fd2 >= 0 && write(fd2, "from the child", 14) == 14;
        close(fd2);
        close(fd);
        printf("files: fork: child %d %s\n", getpid(), ok ? "ok" : "FAILED");
        exit(ok ? 0 : 1);
    }
    check(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
              WEXITSTATUS(status) == 0,
          "the child used the inherited descriptor and exited 0");
    check(pread(fd, buf, 32, 0) == 15 && !memcmp(buf, "0123456789CHILD", 15),
          "the parent sees the child's write");
    read_crc = crc32(read_crc, buf, 15);
    check(lseek(fd, 0, SEEK_CUR) == 10, "the parent's offset is its own (10)");
    check(write(fd, "PARENT", 6) == 6, "the parent writes at its offset");
    check(close(fd) == 0, "close");
    (void)dir;
    return 0;
}

/*
 * Throughput for make bench: MB MiB written sequentially (64 KiB writes,
 * then fsync) and read back, then N small files created, written (100
 * bytes) and closed. Prints KB/s and files/s (tools/xen9pfsd/bench).
 */
static int mode_bench(const char *dir, unsigned long mb, unsigned long nfiles)
{
    uint64_t t0, t1, t2, t3;
    unsigned long total = 0;
    char p[64];
    ssize_t n;
    int fd;

    memset(chunk, 'b', CHUNK);
    check(mkdir(dir, 0755) == 0 || errno == EEXIST, "mkdir");
    snprintf(p, sizeof(p), "%s/seq.bin", dir);
    t0 = monotonic_ns();
    fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    for (unsigned long i = 0; fd >= 0 && i < mb * 16; i++)
        total += write(fd, chunk, CHUNK) == CHUNK ? CHUNK : 0;
    check(fd >= 0 && fsync(fd) == 0 && close(fd) == 0 && total == mb * 1048576,
          "sequential write");
    t1 = monotonic_ns();
    fd = open(p, O_RDONLY);
    total = 0;
    while (fd >= 0 && (n = read(fd, chunk, CHUNK)) > 0)
        total += n;
    check(fd >= 0 && close(fd) == 0 && total == mb * 1048576,
          "sequential read");
    t2 = monotonic_ns();
    for (unsigned long i = 0; i < nfiles; i++) {
        snprintf(p, sizeof(p), "%s/s%lu", dir, i);
        fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0644);
        if (fd < 0 || write(fd, chunk, 100) != 100 || close(fd) < 0) {
            check(0, "small file");
            break;
        }
    }
    t3 = monotonic_ns();
    printf("files: bench: seq_write_kbs %lu\n",
           (unsigned long)(mb * 1024 * 1000000ULL / ((t1 - t0) / 1000 + 1)));
    printf("files: bench: seq_read_kbs %lu\n",
           (unsigned long)(mb * 1024 * 1000000ULL / ((t2 - t1) / 1000 + 1)));
    printf("files: bench: small_files_per_s %lu\n",
           (unsigned long)(nfiles * 1000000ULL / ((t3 - t2) / 1000 + 1)));
    return 0;
}

/*
 * For xl clone from Dom0: append fixed-width lines "DOMID SEQ" to
 * loop-<domid> forever (or MAX lines), one open/append/close each; a clone
 * goes on with its own domid, so with its own file. A request the clone
 * caught in flight may get no reply in the child: it fails (EIO, after a
 * 5 s timeout), the next call starts a new session, the loop goes on.
 */
static int mode_loop(unsigned long max)
{
    char name[32], line[32];
    unsigned long seq = 0, failed = 0;

    p9front_set_timeout(5000);
    for (; !max || seq < max; seq++) {
        pid_t me = getpid();
        int fd;

        snprintf(name, sizeof(name), "loop-%d", me);
        snprintf(line, sizeof(line), "%5d %08lu\n", me, seq);
        fd = open(name, O_CREAT | O_WRONLY | O_APPEND, 0644);
        if (fd < 0 || write(fd, line, 15) != 15 || close(fd) < 0) {
            printf("files: loop: %d: line %lu failed: %s\n", me, seq,
                   strerror(errno));
            if (fd >= 0)
                close(fd);
            if (++failed == 10) {
                check(0, "append lines");
                return 0;
            }
            continue;
        }
        failed = 0;
        if (seq % 100 == 0)
            printf("files: loop: %d at %lu\n", me, seq);
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = "api", *dir = "/t", *v;
    unsigned long mb = 16, nfiles = 200;
    struct p9front_stats st;
    int rc;

    for (int i = 1; i < argc; i++) {
        if (arg_value(argv[i], "mode", &v))
            mode = v;
        else if (arg_value(argv[i], "dir", &v))
            dir = v;
        else if (arg_value(argv[i], "mb", &v) && parse_ulong(v, &mb) == 0 &&
                 mb <= 1024)
            continue;
        else if (arg_value(argv[i], "files", &v) &&
                 parse_ulong(v, &nfiles) == 0 && nfiles <= 100000)
            continue;
        else {
            printf("files: bad argument '%s'\n", argv[i]);
            printf("usage: files [mode=api|quota|escape|ls|ro|restart|fork|"
                   "bench|loop] [dir=/t] [mb=16] [files=200 (loop: lines, "
                   "0: forever)]\n");
            return 2;
        }
    }
    rc = p9_mount(0, 30000);
    if (rc < 0) {
        printf("files: cannot mount 9pfs device 0: %s\n", strerror(rc));
        return 1;
    }
    printf("files: mounted tag '%s', %u bytes per request\n",
           p9_tag() ? p9_tag() : "", (unsigned)p9_iounit());
    if (!strcmp(mode, "api"))
        mode_api(dir);
    else if (!strcmp(mode, "quota"))
        mode_quota(dir);
    else if (!strcmp(mode, "escape"))
        mode_escape(dir);
    else if (!strcmp(mode, "ls"))
        mode_ls(dir);
    else if (!strcmp(mode, "ro"))
        mode_ro(dir);
    else if (!strcmp(mode, "restart"))
        mode_restart(dir);
    else if (!strcmp(mode, "fork"))
        mode_fork(dir);
    else if (!strcmp(mode, "bench"))
        mode_bench(dir, mb, nfiles);
    else if (!strcmp(mode, "loop"))
        mode_loop(nfiles);
    else {
        printf("files: unknown mode '%s'\n", mode);
        return 2;
    }
    p9front_stats(&st);
    printf("files: checksum %08x of everything read\n", (unsigned)read_crc);
    printf("files: %lu requests, %lu errors\n", st.requests, st.errors);
    if (failures) {
        printf("files: %d of %d checks failed\n", failures, checks);
        return 1;
    }
    printf("files: ok, %d checks passed\n", checks);
    return 0;
}
