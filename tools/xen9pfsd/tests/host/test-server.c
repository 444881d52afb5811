/* test-server.c: the 9P2000.L server against a temp directory: every
 * operation, confinement (.., absolute names, planted symlinks, long names
 * and walks), read-only shares, limits, malformed messages, fid cloning. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "xen9pfsd/p9.h"
#include "xen9pfsd/server.h"

#define MSIZE 8192u

static struct p9_server *srv;
static uint8_t req[3 * MSIZE], resp[MSIZE];
static struct p9_buf w, r;
static uint16_t next_tag = 1;
static char dir[64];

static void begin(uint8_t type)
{
    p9_writer(&w, req, sizeof(req), type, next_tag++);
}

/* Send the message built since begin(): 0 for the right R-message (R is
 * then positioned after its header), -ecode for Rlerror, -1000 else. */
static int send_to(struct p9_server *s)
{
    long n = p9_finish(&w);
    size_t len;
    uint32_t size;
    uint8_t type;
    uint16_t tag;

    if (n < 0)
        return -2000;
    len = p9_server_handle(s, req, (size_t)n, resp, sizeof(resp));
    if (p9_header(resp, len, &size, &type, &tag) < 0)
        return -1000;
    if (tag != (uint16_t)(next_tag - 1))
        return -1001;
    p9_reader(&r, resp, len);
    r.pos = P9_HDR_SIZE;
    if (type == P9_RLERROR)
        return -(int)p9_get32(&r);
    return type == req[4] + 1 ? 0 : -1002;
}

static int send(void)
{
    return send_to(srv);
}

static void str(const char *s)
{
    p9_putstr(&w, s, strlen(s));
}

static int version(struct p9_server *s, uint32_t msize)
{
    begin(P9_TVERSION);
    p9_put32(&w, msize);
    str("9P2000.L");
    return send_to(s);
}

static int attach(struct p9_server *s, uint32_t fid)
{
    begin(P9_TATTACH);
    p9_put32(&w, fid);
    p9_put32(&w, P9_NOFID);
    str("root");
    str("");
    p9_put32(&w, 0);
    return send_to(s);
}

/* Twalk FID -> NEWFID through N names; the Rwalk count in *NQ. */
static int walk(uint32_t fid, uint32_t newfid, int n, const char **names,
                int *nq)
{
    int rc;

    begin(P9_TWALK);
    p9_put32(&w, fid);
    p9_put32(&w, newfid);
    p9_put16(&w, (uint16_t)n);
    for (int i = 0; i < n; i++)
        str(names[i]);
    rc = send();
    if (rc == 0 && nq)
        *nq = p9_get16(&r);
    return rc;
}

static int walk1(uint32_t fid, uint32_t newfid, const char *name)
{
    int nq = -1, rc = walk(fid, newfid, name ? 1 : 0, &name, &nq);

    return rc ? rc : (nq == (name ? 1 : 0) ? 0 : -3000 - nq);
}

static int clunk(uint32_t fid)
{
    begin(P9_TCLUNK);
    p9_put32(&w, fid);
    return send();
}

static int lcreate(uint32_t fid, const char *name, uint32_t flags,
                   uint32_t mode)
{
    begin(P9_TLCREATE);
    p9_put32(&w, fid);
    str(name);
    p9_put32(&w, flags);
    p9_put32(&w, mode);
    p9_put32(&w, 0);
    return send();
}

static int lopen(uint32_t fid, uint32_t flags)
{
    begin(P9_TLOPEN);
    p9_put32(&w, fid);
    p9_put32(&w, flags);
    return send();
}

/* Twrite; the count written in *DONE. */
static int pwrite9(uint32_t fid, uint64_t off, const char *data, uint32_t n,
                   uint32_t *done)
{
    int rc;

    begin(P9_TWRITE);
    p9_put32(&w, fid);
    p9_put64(&w, off);
    p9_put32(&w, n);
    p9_putraw(&w, data, n);
    rc = send();
    if (rc == 0)
        *done = p9_get32(&r);
    return rc;
}

/* Tread into BUF; the count in *DONE. */
static int pread9(uint32_t fid, uint64_t off, char *buf, uint32_t n,
                  uint32_t *done)
{
    int rc;

    begin(P9_TREAD);
    p9_put32(&w, fid);
    p9_put64(&w, off);
    p9_put32(&w, n);
    rc = send();
    if (rc == 0) {
        *done = p9_get32(&r);
        const uint8_t *d = p9_getraw(&r, *done);
        if (!d)
            return -4000;
        memcpy(buf, d, *done);
    }
    return rc;
}

static int mkdir9(uint32_t dfid, const char *name)
{
    begin(P9_TMKDIR);
    p9_put32(&w, dfid);
    str(name);
    p9_put32(&w, 0755);
    p9_put32(&w, 0);
    return send();
}

static int unlinkat9(uint32_t dfid, const char *name, uint32_t flags)
{
    begin(P9_TUNLINKAT);
    p9_put32(&w, dfid);
    str(name);
    p9_put32(&w, flags);
    return send();
}

static int renameat9(uint32_t ofid, const char *o, uint32_t nfid, const char *n)
{
    begin(P9_TRENAMEAT);
    p9_put32(&w, ofid);
    str(o);
    p9_put32(&w, nfid);
    str(n);
    return send();
}

static int setattr9(uint32_t fid, uint32_t valid, uint32_t mode, uint64_t size)
{
    begin(P9_TSETATTR);
    p9_put32(&w, fid);
    p9_put32(&w, valid);
    p9_put32(&w, mode);
    p9_put32(&w, 0);
    p9_put32(&w, 0);
    p9_put64(&w, size);
    for (int i = 0; i < 4; i++)
        p9_put64(&w, 0);
    return send();
}

/* Tgetattr: the size in *SIZE, the qid path in *INO. */
static int getattr9(uint32_t fid, uint64_t *size, uint64_t *ino)
{
    int rc;

    begin(P9_TGETATTR);
    p9_put32(&w, fid);
    p9_put64(&w, P9_GETATTR_BASIC);
    rc = send();
    if (rc == 0) {
        p9_get64(&r);
        p9_get8(&r);
        p9_get32(&r);
        *ino = p9_get64(&r);
        p9_get32(&r); /* mode, uid, gid */
        p9_get32(&r);
        p9_get32(&r);
        p9_get64(&r); /* nlink, rdev */
        p9_get64(&r);
        *size = p9_get64(&r);
    }
    return rc;
}

static long host_size(const char *name)
{
    char p[200];
    struct stat st;

    snprintf(p, sizeof(p), "%s/%s", dir, name);
    return stat(p, &st) == 0 ? (long)st.st_size : -errno;
}

static int host_mode(const char *name)
{
    char p[200];
    struct stat st;

    snprintf(p, sizeof(p), "%s/%s", dir, name);
    return stat(p, &st) == 0 ? (int)(st.st_mode & 07777) : -errno;
}

static int new_server(struct p9_server **s, bool ro, uint64_t files,
                      uint64_t bytes)
{
    struct share_config cfg = {
        .path = dir, .readonly = ro, .max_files = files, .max_bytes = bytes};
    const char *step;

    return p9_server_new(&cfg, MSIZE, s, &step);
}

/* The names a Treaddir of the open directory FID returns, joined by ' '
 * (without . and ..), sorted by the caller's expectations: we check
 * membership only. */
static int readdir_has(uint32_t fid, const char *name)
{
    uint64_t off = 0;
    int found = 0;

    for (;;) {
        uint32_t count;
        size_t end;

        begin(P9_TREADDIR);
        p9_put32(&w, fid);
        p9_put64(&w, off);
        p9_put32(&w, 200); /* small: several calls */
        if (send() < 0)
            return -1;
        count = p9_get32(&r);
        if (count == 0)
            break;
        end = r.pos + count;
        while (r.pos < end && !r.err) {
            struct p9_str nm;

            r.pos += P9_QID_SIZE;
            off = p9_get64(&r);
            p9_get8(&r);
            nm = p9_getstr(&r);
            if (nm.len == strlen(name) && !memcmp(nm.s, name, nm.len))
                found++;
        }
        if (r.err)
            return -1;
    }
    return found;
}

int main(void)
{
    const char *names[20];
    uint64_t size, ino, root_ino;
    uint32_t done;
    char buf[MSIZE], path[256], longname[300];
    struct p9_server *ro, *q, *child;
    int nq, fd;

    strcpy(dir, "/tmp/xen9pfsd-test.XXXXXX");
    if (!mkdtemp(dir)) {
        printf("Bail out! mkdtemp: %s\n", strerror(errno));
        return 1;
    }
    setenv("DIR9", dir, 1);
    /* A host file outside the share that escapes would reach, and
     * symlinks planted inside the share pointing out of it and in it. */
    snprintf(path, sizeof(path), "%s.outside", dir);
    fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0 || write(fd, "SECRET", 6) != 6) {
        printf("Bail out! cannot write %s\n", path);
        return 1;
    }
    close(fd);
    snprintf(buf, sizeof(buf), "%s/escape", dir);
    if (symlink(path, buf) < 0)
        return 1;
    snprintf(buf, sizeof(buf), "%s/escdir", dir);
    if (symlink("/etc", buf) < 0)
        return 1;
    snprintf(buf, sizeof(buf), "%s/inside", dir);
    if (symlink(".", buf) < 0)
        return 1;

    is_int(new_server(&srv, false, 0, 0), 0, "server on a temp directory");
    is_int(version(srv, 1 << 20), 0, "Tversion");
    is_int(p9_get32(&r), MSIZE, "  msize lowered to ours");
    is_int(p9_server_msize(srv), MSIZE, "  and in force");
    is_int(version(srv, 100), -EINVAL, "Tversion with a tiny msize refused");
    is_int(attach(srv, 1), 0, "Tattach fid 1");
    is_int(p9_get8(&r), P9_QTDIR, "  the root is a directory");
    p9_get32(&r);
    root_ino = p9_get64(&r);
    is_int(attach(srv, 1), -EEXIST, "Tattach on a fid in use: EEXIST");

    /* Files: create, write, read back, truncate, chmod, getattr. */
    is_int(walk1(1, 2, NULL), 0, "Twalk with no names clones a fid");
    is_int(lcreate(2, "a.txt", O_RDWR, 0644), 0, "Tlcreate a.txt");
    is_int(lcreate(1, "a.txt", O_RDWR, 0644), -EEXIST,
           "Tlcreate on an existing name: EEXIST");
    is_int(pwrite9(2, 0, "hello world", 11, &done), 0, "Twrite");
    is_int(done, 11, "  11 bytes");
    is_int(host_size("a.txt"), 11, "  the host file has 11 bytes");
    memset(buf, 0, sizeof(buf));
    is_int(pread9(2, 6, buf, 100, &done), 0, "Tread at offset 6");
    ok(done == 5 && !memcmp(buf, "world", 5), "  reads 'world'");
    is_int(pread9(2, 0, buf, 0xffffffffu, &done), 0,
           "Tread of 4 GiB is clamped to msize");
    is_int(done, 11, "  and returns the 11 bytes");
    is_int(setattr9(2, P9_SETATTR_SIZE | P9_SETATTR_MODE, 0600, 5), 0,
           "Tsetattr: truncate to 5, mode 0600");
    is_int(host_size("a.txt"), 5, "  host size 5");
    is_int(host_mode("a.txt"), 0600, "  host mode 0600");
    is_int(getattr9(2, &size, &ino), 0, "Tgetattr");
    is_int(size, 5, "  size 5");
    begin(P9_TFSYNC);
    p9_put32(&w, 2);
    p9_put32(&w, 0);
    is_int(send(), 0, "Tfsync");
    begin(P9_TSTATFS);
    p9_put32(&w, 1);
    is_int(send(), 0, "Tstatfs");
    is_int(clunk(2), 0, "Tclunk");
    is_int(clunk(2), -EBADF, "Tclunk of a clunked fid: EBADF");
    is_int(walk1(1, 3, "a.txt"), 0, "Twalk to a.txt");
    is_int(lopen(3, O_RDONLY), 0, "Tlopen read-only");
    is_int(pwrite9(3, 0, "x", 1, &done), -EBADF,
           "Twrite on a read-only open: EBADF");
    is_int(lopen(3, O_RDONLY), -EBUSY, "Tlopen twice: EBUSY");
    is_int(walk1(3, 9, NULL), -EBADF, "Twalk from an open fid: EBADF");

    /* Directories. */
    is_int(mkdir9(1, "d"), 0, "Tmkdir d");
    is_int(mkdir9(1, "d"), -EEXIST, "Tmkdir d again: EEXIST");
    is_int(walk1(1, 4, "d"), 0, "Twalk to d");
    is_int(renameat9(1, "a.txt", 4, "b.txt"), 0, "Trenameat a.txt -> d/b.txt");
    is_int(host_size("d/b.txt"), 5, "  the host has d/b.txt");
    is_int(host_size("a.txt"), -ENOENT, "  and no a.txt");
    is_int(pread9(3, 0, buf, 5, &done), 0,
           "the fid opened before the rename still reads");
    ok(done == 5 && !memcmp(buf, "hello", 5), "  the same file");
    is_int(walk1(1, 5, NULL), 0, "a fid for readdir");
    is_int(lopen(5, O_RDONLY | O_DIRECTORY), 0, "Tlopen of the root");
    is_int(lopen(4, O_RDWR), -EISDIR, "Tlopen of a directory for writing");
    is_int(readdir_has(5, "d"), 1, "Treaddir lists d once");
    is_int(readdir_has(5, "escape"), 1, "  and the planted symlink");
    is_int(readdir_has(5, "a.txt"), 0, "  and not the renamed a.txt");
    is_int(unlinkat9(1, "d", P9_AT_REMOVEDIR), -ENOTEMPTY,
           "Tunlinkat of a full directory: ENOTEMPTY");
    is_int(unlinkat9(4, "b.txt", 0), 0, "Tunlinkat d/b.txt");
    is_int(host_size("d/b.txt"), -ENOENT, "  gone from the host");
    is_int(clunk(4), 0, "clunk d");
    is_int(unlinkat9(1, "d", P9_AT_REMOVEDIR), 0, "Tunlinkat d (a dir)");
    is_int(unlinkat9(1, "d", 0x1234), -EINVAL, "Tunlinkat with bad flags");

    /* Confinement. */
    names[0] = "..";
    is_int(walk(1, 6, 1, names, &nq), 0, "Twalk '..' from the root");
    ok(nq == 1 && (r.pos += 5, p9_get64(&r) == root_ino),
       "  stays at the root");
    clunk(6);
    is_int(mkdir9(1, "sub"), 0, "mkdir sub");
    names[0] = "sub";
    names[1] = "..";
    names[2] = "..";
    names[3] = "..";
    is_int(walk(1, 6, 4, names, &nq), 0, "Twalk sub/../../..");
    ok(nq == 4 && (r.pos += 3 * 13 + 5, p9_get64(&r) == root_ino),
       "  ends at the root");
    clunk(6);
    is_int(walk1(1, 6, "/etc"), -EINVAL, "Twalk '/etc' (absolute): EINVAL");
    is_int(walk1(1, 6, "../x"), -EINVAL, "Twalk '../x' (a slash): EINVAL");
    is_int(walk1(1, 6, "escape"), -ELOOP,
           "Twalk to a symlink planted to a file outside: ELOOP");
    is_int(walk1(1, 6, "escdir"), -ELOOP,
           "Twalk to a symlink planted to /etc: ELOOP");
    is_int(walk1(1, 6, "inside"), -ELOOP,
           "Twalk to a symlink within the share: ELOOP (none followed)");
    is_int(lcreate(1, "escape", O_RDWR | O_TRUNC, 0644), -EEXIST,
           "Tlcreate over the planted symlink: EEXIST");
    is_int(mkdir9(1, ".."), -EINVAL, "Tmkdir '..': EINVAL");
    is_int(unlinkat9(1, "..", 0), -EINVAL, "Tunlinkat '..': EINVAL");
    is_int(renameat9(1, "sub", 1, "../sub"), -EINVAL,
           "Trenameat to '../sub': EINVAL");
    is_int(renameat9(1, "sub", 1, "/tmp/sub"), -EINVAL,
           "Trenameat to '/tmp/sub': EINVAL");
    memset(longname, 'n', 256);
    longname[256] = '\0';
    is_int(walk1(1, 6, longname), -ENAMETOOLONG,
           "Twalk of a 256-byte name: ENAMETOOLONG");
    is_int(mkdir9(1, longname), -ENAMETOOLONG,
           "Tmkdir of a 256-byte name: ENAMETOOLONG");
    for (int i = 0; i < 17; i++)
        names[i] = "sub";
    is_int(walk(1, 6, 17, names, &nq), -E2BIG,
           "Twalk of 17 elements refused (MAXWELEM 16)");
    {
        char tiny[4] = {0};
        snprintf(path, sizeof(path), "%s.outside", dir);
        fd = open(path, O_RDONLY);
        ok(fd >= 0 && read(fd, tiny, 3) == 3 && !memcmp(tiny, "SEC", 3),
           "the file outside is untouched");
        if (fd >= 0)
            close(fd);
    }
    ok(readlink(strcat(strcpy(buf, dir), "/escape"), path, 10) > 0,
       "the planted symlink is untouched");

    /* Malformed messages. */
    begin(200);
    is_int(send(), -EOPNOTSUPP, "an unknown type: Rlerror EOPNOTSUPP");
    begin(P9_TWALK + 1);
    is_int(send(), -EOPNOTSUPP, "an R-message sent as a request: EOPNOTSUPP");
    begin(P9_TWALK);
    p9_put32(&w, 1);
    is_int(send(), -EBADMSG, "a truncated Twalk: EBADMSG");
    begin(P9_TWRITE);
    p9_put32(&w, 3);
    p9_put64(&w, 0);
    p9_put32(&w, 1000);
    p9_putraw(&w, "abc", 3);
    is_int(send(), -EBADMSG, "a Twrite whose count exceeds its data: EBADMSG");
    begin(P9_TCLUNK);
    p9_put32(&w, 777);
    is_int(send(), -EBADF, "an unknown fid: EBADF");
    is_int(walk1(1, 3, NULL), -EEXIST, "Twalk to a newfid in use: EEXIST");
    begin(P9_TWALK);
    p9_put32(&w, 1);
    p9_put32(&w, 8);
    p9_put16(&w, 2);
    str("sub");
    is_int(send(), -EBADMSG, "a Twalk with fewer names than it counts");
    {
        size_t len = p9_server_handle(srv, (const uint8_t *)"\x05\0\0\0d", 5,
                                      resp, sizeof(resp));
        ok(len == 11 && resp[4] == P9_RLERROR,
           "a message shorter than a header: Rlerror");
        memcpy(req, "\xff\xff\x00\x00\x78\x01\x00", 7);
        len = p9_server_handle(srv, req, 7, resp, sizeof(resp));
        ok(len == 11 && resp[4] == P9_RLERROR,
           "a size field that lies: Rlerror");
    }
    is_int(p9_server_nfids(srv), 3, "fids 1, 3, 5 remain");

    /* Fid cloning: same numbers, the open file reopened with its mode. */
    is_int(walk1(1, 10, "sub"), 0, "a fid on sub");
    is_int(lcreate(10, "c", O_RDWR, 0644), 0, "an open read-write file c");
    is_int(pwrite9(10, 0, "parent", 6, &done), 0, "  written");
    is_int(new_server(&child, false, 0, 0), 0, "a child's server");
    is_int(p9_server_clone_fids(child, srv), 0, "clone every fid");
    is_int(p9_server_nfids(child), 4, "  four fids in the child");
    begin(P9_TWRITE);
    p9_put32(&w, 10);
    p9_put64(&w, 6);
    p9_put32(&w, 5);
    p9_putraw(&w, "child", 5);
    is_int(send_to(child), 0, "the child writes through the same fid");
    is_int(pread9(10, 0, buf, 20, &done), 0, "the parent reads");
    ok(done == 11 && !memcmp(buf, "parentchild", 11),
       "  the shared file: 'parentchild'");
    begin(P9_TCLUNK);
    p9_put32(&w, 3);
    is_int(send_to(child), 0, "the child clunks fid 3");
    is_int(pread9(3, 0, buf, 5, &done), 0, "  the parent's fid 3 still reads");
    p9_server_free(child);

    /* A session taken over after a daemon restart. */
    p9_server_set_stale(srv);
    is_int(walk1(1, 20, NULL), -EIO, "a stale session answers EIO");
    is_int(clunk(1), -EIO, "  to every request");
    is_int(version(srv, MSIZE), 0, "  until a new Tversion");
    is_int(attach(srv, 1), 0, "  after which attach works again");
    is_int(p9_server_nfids(srv), 1, "  with the old fids gone");

    /* A read-only share. */
    is_int(new_server(&ro, true, 0, 0), 0, "a read-only server");
    version(ro, MSIZE);
    attach(ro, 1);
    begin(P9_TLCREATE);
    p9_put32(&w, 1);
    str("new");
    p9_put32(&w, O_RDWR);
    p9_put32(&w, 0644);
    p9_put32(&w, 0);
    is_int(send_to(ro), -EROFS, "Tlcreate: EROFS");
    begin(P9_TMKDIR);
    p9_put32(&w, 1);
    str("nd");
    p9_put32(&w, 0755);
    p9_put32(&w, 0);
    is_int(send_to(ro), -EROFS, "Tmkdir: EROFS");
    begin(P9_TUNLINKAT);
    p9_put32(&w, 1);
    str("sub");
    p9_put32(&w, P9_AT_REMOVEDIR);
    is_int(send_to(ro), -EROFS, "Tunlinkat: EROFS");
    begin(P9_TWALK);
    p9_put32(&w, 1);
    p9_put32(&w, 2);
    p9_put16(&w, 2);
    str("sub");
    str("c");
    is_int(send_to(ro), 0, "Twalk to sub/c");
    begin(P9_TLOPEN);
    p9_put32(&w, 2);
    p9_put32(&w, O_RDWR);
    is_int(send_to(ro), -EROFS, "Tlopen for writing: EROFS");
    begin(P9_TLOPEN);
    p9_put32(&w, 2);
    p9_put32(&w, O_RDONLY | O_TRUNC);
    is_int(send_to(ro), -EROFS, "Tlopen with O_TRUNC: EROFS");
    begin(P9_TSETATTR);
    p9_put32(&w, 2);
    p9_put32(&w, P9_SETATTR_SIZE);
    for (int i = 0; i < 3; i++)
        p9_put32(&w, 0);
    for (int i = 0; i < 5; i++)
        p9_put64(&w, 0);
    is_int(send_to(ro), -EROFS, "Tsetattr: EROFS");
    begin(P9_TLOPEN);
    p9_put32(&w, 2);
    p9_put32(&w, O_RDONLY);
    is_int(send_to(ro), 0, "Tlopen read-only works");
    is_int(host_size("sub/c"), 11, "the host file is unchanged");
    p9_server_free(ro);

    /* Limits: the share now holds sub, sub/c (11 bytes) and 3 symlinks. */
    is_int(new_server(&q, false, 7, 100), 0,
           "a server limited to 7 files and 100 bytes");
    version(q, MSIZE);
    attach(q, 1);
    begin(P9_TWALK);
    p9_put32(&w, 1);
    p9_put32(&w, 2);
    p9_put16(&w, 0);
    send_to(q);
    begin(P9_TLCREATE);
    p9_put32(&w, 2);
    str("big");
    p9_put32(&w, O_RDWR);
    p9_put32(&w, 0644);
    p9_put32(&w, 0);
    is_int(send_to(q), 0, "the 6th file");
    begin(P9_TMKDIR);
    p9_put32(&w, 1);
    str("d7");
    p9_put32(&w, 0755);
    p9_put32(&w, 0);
    is_int(send_to(q), 0, "the 7th file (a directory)");
    begin(P9_TMKDIR);
    p9_put32(&w, 1);
    str("d8");
    p9_put32(&w, 0755);
    p9_put32(&w, 0);
    is_int(send_to(q), -EDQUOT, "the 8th: EDQUOT");
    memset(buf, 'q', 200);
    begin(P9_TWRITE);
    p9_put32(&w, 2);
    p9_put64(&w, 0);
    p9_put32(&w, 200);
    p9_putraw(&w, buf, 200);
    is_int(send_to(q), 0, "a 200-byte write with 89 bytes left");
    is_int(p9_get32(&r), 89, "  writes 89 (short write)");
    begin(P9_TWRITE);
    p9_put32(&w, 2);
    p9_put64(&w, 89);
    p9_put32(&w, 1);
    p9_putraw(&w, buf, 1);
    is_int(send_to(q), -ENOSPC, "the next byte: ENOSPC");
    is_int(host_size("big"), 89, "nothing written past the limit");
    begin(P9_TSETATTR);
    p9_put32(&w, 2);
    p9_put32(&w, P9_SETATTR_SIZE);
    for (int i = 0; i < 3; i++)
        p9_put32(&w, 0);
    p9_put64(&w, 1000);
    for (int i = 0; i < 4; i++)
        p9_put64(&w, 0);
    is_int(send_to(q), -ENOSPC, "truncating up past the limit: ENOSPC");
    begin(P9_TWRITE);
    p9_put32(&w, 2);
    p9_put64(&w, 0);
    p9_put32(&w, 50);
    p9_putraw(&w, buf, 50);
    is_int(send_to(q), 0, "overwriting inside the file needs no room");
    begin(P9_TUNLINKAT);
    p9_put32(&w, 1);
    str("big");
    p9_put32(&w, 0);
    is_int(send_to(q), 0, "unlink big");
    begin(P9_TMKDIR);
    p9_put32(&w, 1);
    str("d8");
    p9_put32(&w, 0755);
    p9_put32(&w, 0);
    is_int(send_to(q), 0, "  frees a file: mkdir works again");
    p9_server_free(q);
    p9_server_free(srv);

    snprintf(buf, sizeof(buf), "rm -rf '%s' '%s.outside'", dir, dir);
    if (system(buf) != 0)
        printf("# could not remove %s\n", dir);
    return done_testing();
}
