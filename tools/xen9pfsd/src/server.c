/* server.c: 9P2000.L operations on one device's share: fid table, walk,
 * open/create, read/write, attributes, directories, limits. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <glib.h>

#include "xen9pfsd/p9.h"
#include "xen9pfsd/server.h"

#define IOHDRSZ 24u /* Rread/Twrite header bytes */

struct fid {
    char *path; /* relative to the root: "" or "a/b" */
    int obj;    /* O_PATH descriptor of the object */
    int fd;     /* after lopen/lcreate: the open file, else -1 */
    int flags;  /* its open flags */
    DIR *dir;   /* after lopen of a directory, for readdir */
    bool isdir;
};

struct p9_server {
    struct share sh;
    GHashTable *fids; /* fid number -> struct fid */
    uint32_t max_msize, msize;
    bool stale; /* taken over: EIO until Tversion */
};

static void fid_free(gpointer p)
{
    struct fid *f = p;

    if (f->dir)
        closedir(f->dir); /* closes f->fd */
    else if (f->fd >= 0)
        close(f->fd);
    if (f->obj >= 0)
        close(f->obj);
    g_free(f->path);
    g_free(f);
}

int p9_server_new(const struct share_config *cfg, uint32_t max_msize,
                  struct p9_server **out, const char **step)
{
    struct p9_server *s = g_new0(struct p9_server, 1);
    int rc;

    rc = share_open(&s->sh, cfg, step);
    if (rc < 0) {
        g_free(s);
        return rc;
    }
    s->fids =
        g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, fid_free);
    s->max_msize = s->msize = max_msize;
    *out = s;
    return 0;
}

void p9_server_free(struct p9_server *s)
{
    if (!s)
        return;
    g_hash_table_destroy(s->fids);
    share_close(&s->sh);
    g_free(s);
}

void p9_server_set_stale(struct p9_server *s)
{
    s->stale = true;
}

uint32_t p9_server_msize(const struct p9_server *s)
{
    return s->msize;
}

unsigned int p9_server_nfids(const struct p9_server *s)
{
    return g_hash_table_size(s->fids);
}

static struct fid *fid_get(struct p9_server *s, uint32_t num)
{
    return g_hash_table_lookup(s->fids, GUINT_TO_POINTER(num));
}

static int fid_add(struct p9_server *s, uint32_t num, struct fid *f)
{
    if (num == P9_NOFID)
        return -EINVAL;
    if (g_hash_table_size(s->fids) >= P9_SERVER_MAX_FIDS)
        return -EMFILE;
    g_hash_table_replace(s->fids, GUINT_TO_POINTER(num), f);
    return 0;
}

static struct fid *fid_new(char *path, int obj)
{
    struct fid *f = g_new0(struct fid, 1);
    struct stat st;

    f->path = path;
    f->obj = obj;
    f->fd = -1;
    f->isdir = fstat(obj, &st) == 0 && S_ISDIR(st.st_mode);
    return f;
}

static void qid_of(const struct stat *st, struct p9_qid *q)
{
    q->type = S_ISDIR(st->st_mode)   ? P9_QTDIR
              : S_ISLNK(st->st_mode) ? P9_QTSYMLINK
                                     : P9_QTFILE;
    q->version = (uint32_t)st->st_mtim.tv_sec ^ (uint32_t)st->st_mtim.tv_nsec;
    q->path = (uint64_t)st->st_ino;
}

static int qid_fd(int fd, struct p9_qid *q)
{
    struct stat st;

    if (fstat(fd, &st) < 0)
        return -errno;
    qid_of(&st, q);
    return 0;
}

/* A NUL-terminated copy of NAME after p9_name_check. */
static int name_dup(struct p9_str name, char **out)
{
    int rc = p9_name_check(name);

    *out = rc == 0 ? g_strndup(name.s, name.len) : NULL;
    return rc;
}

static char *path_join(const char *dir, const char *name)
{
    return dir[0] ? g_strdup_printf("%s/%s", dir, name) : g_strdup(name);
}

/* The parent of PATH ("" for a top-level name or the root). */
static char *path_parent(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? g_strndup(path, slash - path) : g_strdup("");
}

/* ---- session ---- */

static int op_version(struct p9_server *s, struct p9_buf *in,
                      struct p9_buf *out)
{
    uint32_t msize = p9_get32(in);
    struct p9_str v = p9_getstr(in);
    bool ours = v.len == 8 && !memcmp(v.s, "9P2000.L", 8);

    if (in->err)
        return -EBADMSG;
    if (msize < P9_SERVER_MIN_MSIZE)
        return -EINVAL;
    g_hash_table_remove_all(s->fids); /* a new session */
    s->stale = false;
    s->msize = msize < s->max_msize ? msize : s->max_msize;
    p9_put32(out, s->msize);
    if (ours)
        p9_putstr(out, "9P2000.L", 8);
    else
        p9_putstr(out, "unknown", 7);
    return 0;
}

static int op_attach(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
    uint32_t fid = p9_get32(in);
    struct p9_qid q;
    struct fid *f;
    int obj, rc;

    p9_get32(in); /* afid: no authentication */
    p9_getstr(in);
    p9_getstr(in);
    p9_get32(in);
    if (in->err)
        return -EBADMSG;
    if (fid_get(s, fid))
        return -EEXIST;
    obj = share_openat(s->sh.root, "", O_PATH | O_DIRECTORY, 0);
    if (obj < 0)
        return obj;
    rc = qid_fd(obj, &q);
    f = fid_new(g_strdup(""), obj);
    if (rc == 0)
        rc = fid_add(s, fid, f);
    if (rc < 0) {
        fid_free(f);
        return rc;
    }
    p9_putqid(out, &q);
    return 0;
}

static int op_walk(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
    uint32_t fid = p9_get32(in), newfid = p9_get32(in);
    uint16_t n = p9_get16(in);
    struct p9_str names[P9_MAXWELEM];
    struct fid *from = fid_get(s, fid), *f;
    char *path = NULL;
    int obj = -1, rc = 0;
    uint16_t done = 0;
    uint8_t *count;

    if (in->err)
        return -EBADMSG;
    if (n > P9_MAXWELEM)
        return -E2BIG;
    for (uint16_t i = 0; i < n; i++)
        names[i] = p9_getstr(in);
    if (in->err)
        return -EBADMSG;
    if (!from)
        return -EBADF;
    if (newfid != fid && fid_get(s, newfid))
        return -EEXIST;
    if (from->fd >= 0)
        return -EBADF; /* an open fid cannot be walked (9P) */
    path = g_strdup(from->path);
    obj = dup(from->obj);
    if (obj < 0) {
        rc = -errno;
        goto fail;
    }
    count = p9_reserve(out, 2);
    for (; done < n; done++) {
        struct p9_str nm = names[done];
        char *next;
        int nobj;
        struct p9_qid q;

        if (nm.len == 2 && nm.s[0] == '.' && nm.s[1] == '.') {
            /* ".." from the root is the root (9P). */
            next = path_parent(path);
            nobj = share_openat(s->sh.root, next, O_PATH, 0);
        } else {
            char *name;

            rc = name_dup(nm, &name);
            if (rc < 0)
                break;
            next = path_join(path, name);
            nobj = share_openat(obj, name, O_PATH, 0);
            g_free(name);
        }
        if (nobj < 0 || strlen(next) >= PATH_MAX) {
            rc = nobj < 0 ? nobj : -ENAMETOOLONG;
            if (nobj >= 0)
                close(nobj);
            g_free(next);
            break;
        }
        rc = qid_fd(nobj, &q);
        if (rc < 0) {
            close(nobj);
            g_free(next);
            break;
        }
        p9_putqid(out, &q);
        close(obj);
        obj = nobj;
        g_free(path);
        path = next;
    }
    if (done < n) {
        /* The first element failed: an error; a later one: the prefix. */
        if (done == 0)
            goto fail;
        rc = 0;
        close(obj);
        g_free(path);
    } else {
        f = fid_new(path, obj);
        if (newfid == fid)
            g_hash_table_remove(s->fids, GUINT_TO_POINTER(fid));
        rc = fid_add(s, newfid, f);
        if (rc < 0) {
            fid_free(f);
            return rc;
        }
    }
    if (count) {
        count[0] = (uint8_t)done;
        count[1] = (uint8_t)(done >> 8);
    }
    return 0;
fail:
    if (obj >= 0)
        close(obj);
    g_free(path);
    return rc;
}

static int op_clunk(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
    uint32_t fid = p9_get32(in);

    if (in->err)
        return -EBADMSG;
    return g_hash_table_remove(s->fids, GUINT_TO_POINTER(fid)) ? 0 : -EBADF;
}

/* ---- open, create, I/O ---- */

/* The host flags for the 9P2000.L (Linux) open FLAGS; -EROFS if a
 * read-only share would be changed. */
static int open_flags(const struct p9_server *s, uint32_t flags, bool isdir)
{
    int acc = flags & O_ACCMODE;
    int host = acc | (flags & (O_TRUNC | O_DSYNC | O_SYNC | O_DIRECTORY));

    if (acc == O_ACCMODE)
        return -EINVAL;
    if (s->sh.readonly && (acc != O_RDONLY || (flags & O_TRUNC)))
        return -EROFS;
    if (isdir) {
        if (acc != O_RDONLY)
            return -EISDIR;
        host |= O_DIRECTORY;
    }
    return host;
}

static int op_lopen(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
    uint32_t fid = p9_get32(in), flags = p9_get32(in);
    struct fid *f = fid_get(s, fid);
    struct stat before, after;
    struct p9_qid q;
    int host, fd;

    if (in->err)
        return -EBADMSG;
    if (!f)
        return -EBADF;
    if (f->fd >= 0)
        return -EBUSY; /* already open */
    host = open_flags(s, flags, f->isdir);
    if (host < 0)
        return host;
    if (fstat(f->obj, &before) < 0)
        return -errno;
    fd = share_reopen(f->obj, host);
    if (fd < 0)
        return fd;
    if ((host & O_TRUNC) && S_ISREG(before.st_mode) && fstat(fd, &after) == 0)
        share_account(&s->sh, 0, (int64_t)after.st_size - before.st_size);
    f->fd = fd;
    f->flags = host;
    qid_of(&before, &q);
    p9_putqid(out, &q);
    p9_put32(out, 0); /* iounit: msize - IOHDRSZ */
    return 0;
}

static int op_lcreate(struct p9_server *s, struct p9_buf *in,
                      struct p9_buf *out)
{
    uint32_t fid = p9_get32(in);
    struct p9_str nm = p9_getstr(in);
    uint32_t flags = p9_get32(in), mode = p9_get32(in);
    struct fid *f = fid_get(s, fid);
    char *name = NULL;
    int host, fd = -1, obj = -1, rc;
    struct p9_qid q;

    p9_get32(in); /* gid: files belong to the daemon's user */
    if (in->err)
        return -EBADMSG;
    if (!f)
        return -EBADF;
    if (!f->isdir || f->fd >= 0)
        return -ENOTDIR;
    rc = name_dup(nm, &name);
    if (rc < 0)
        return rc;
    rc = share_may_create(&s->sh);
    if (rc < 0)
        goto out;
    rc = host = open_flags(s, flags & ~O_DIRECTORY, false);
    if (rc < 0)
        goto out;
    /* Always a new file: Tlcreate on an existing name is EEXIST. */
    fd = share_openat(f->obj, name, host | O_CREAT | O_EXCL, mode & 07777);
    if (fd < 0) {
        rc = fd;
        goto out;
    }
    share_account(&s->sh, 1, 0);
    obj = share_openat(f->obj, name, O_PATH, 0);
    if (obj < 0) {
        rc = obj;
        goto out;
    }
    rc = qid_fd(obj, &q);
    if (rc < 0)
        goto out;
    /* The fid now stands for the new, open file. */
    close(f->obj);
    f->obj = obj;
    obj = -1;
    f->fd = fd;
    fd = -1;
    f->flags = host;
    f->isdir = false;
    {
        char *p = path_join(f->path, name);
        g_free(f->path);
        f->path = p;
    }
    p9_putqid(out, &q);
    p9_put32(out, 0);
out:
    if (fd >= 0)
        close(fd);
    if (obj >= 0)
        close(obj);
    g_free(name);
    return rc;
}

static int op_read(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
    uint32_t fid = p9_get32(in);
    uint64_t off = p9_get64(in);
    uint32_t count = p9_get32(in);
    struct fid *f = fid_get(s, fid);
    uint8_t *cnt, *data;
    ssize_t n;

    if (in->err)
        return -EBADMSG;
    if (!f || f->fd < 0)
        return -EBADF;
    if ((f->flags & O_ACCMODE) == O_WRONLY)
        return -EBADF;
    if (off > INT64_MAX)
        return -EINVAL;
    if (count > s->msize - IOHDRSZ)
        count = s->msize - IOHDRSZ;
    cnt = p9_reserve(out, 4);
    data = p9_reserve(out, count);
    if (!cnt || !data)
        return -EMSGSIZE;
    n = pread(f->fd, data, count, (off_t)off);
    if (n < 0)
        return -errno;
    out->len -= count - (size_t)n; /* give back what was not read */
    p9_set32(cnt, (uint32_t)n);
    return 0;
}

static int op_write(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
    uint32_t fid = p9_get32(in);
    uint64_t off = p9_get64(in);
    uint32_t count = p9_get32(in);
    const uint8_t *data = p9_getraw(in, count);
    struct fid *f = fid_get(s, fid);
    struct stat st;
    uint64_t end, grow = 0, room;
    ssize_t n;

    if (in->err)
        return -EBADMSG;
    if (!f || f->fd < 0 || (f->flags & O_ACCMODE) == O_RDONLY)
        return -EBADF;
    if (off > (uint64_t)INT64_MAX - count)
        return -EFBIG;
    if (fstat(f->fd, &st) < 0)
        return -errno;
    end = off + count;
    if (end > (uint64_t)st.st_size)
        grow = end - (uint64_t)st.st_size;
    room = share_bytes_room(&s->sh, grow);
    if (room < grow) {
        /* Write what fits under the limit, nothing past it. */
        uint64_t limit_end = (uint64_t)st.st_size + room;

        if (off >= limit_end)
            return count ? -ENOSPC : 0;
        count = (uint32_t)(limit_end - off);
    }
    n = pwrite(f->fd, data, count, (off_t)off);
    if (n < 0)
        return -errno;
    if (S_ISREG(st.st_mode) &&
        (uint64_t)off + (uint64_t)n > (uint64_t)st.st_size)
        share_account(&s->sh, 0, (int64_t)(off + n - st.st_size));
    p9_put32(out, (uint32_t)n);
    return 0;
}

static int op_fsync(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
    uint32_t fid = p9_get32(in), datasync = p9_get32(in);
    struct fid *f = fid_get(s, fid);

    if (in->err)
        return -EBADMSG;
    if (!f || f->fd < 0)
        return -EBADF;
    if ((datasync ? fdatasync(f->fd) : fsync(f->fd)) < 0)
        return -errno;
    return 0;
}

/* ---- attributes ---- */

static int op_getattr(struct p9_server *s, struct p9_buf *in,
                      struct p9_buf *out)
{
    uint32_t fid = p9_get32(in);
    struct fid *f = fid_get(s, fid);
    struct p9_qid q;
    struct stat st;

    p9_get64(in); /* request mask: we always answer the basic set */
    if (in->err)
        return -EBADMSG;
    if (!f)
        return -EBADF;
    if (fstat(f->fd >= 0 ? f->fd : f->obj, &st) < 0)
        return -errno;
    qid_of(&st, &q);
    p9_put64(out, P9_GETATTR_BASIC);
    p9_putqid(out, &q);
    p9_put32(out, st.st_mode);
    p9_put32(out, st.st_uid);
    p9_put32(out, st.st_gid);
    p9_put64(out, st.st_nlink);
    p9_put64(out, st.st_rdev);
    p9_put64(out, (uint64_t)st.st_size);
    p9_put64(out, (uint64_t)st.st_blksize);
    p9_put64(out, (uint64_t)st.st_blocks);
    p9_put64(out, (uint64_t)st.st_atim.tv_sec);
    p9_put64(out, (uint64_t)st.st_atim.tv_nsec);
    p9_put64(out, (uint64_t)st.st_mtim.tv_sec);
    p9_put64(out, (uint64_t)st.st_mtim.tv_nsec);
    p9_put64(out, (uint64_t)st.st_ctim.tv_sec);
    p9_put64(out, (uint64_t)st.st_ctim.tv_nsec);
    for (int i = 0; i < 4; i++)
        p9_put64(out, 0); /* btime, gen, data_version */
    return 0;
}

static int op_setattr(struct p9_server *s, struct p9_buf *in,
                      struct p9_buf *out)
{
    uint32_t fid = p9_get32(in), valid = p9_get32(in), mode = p9_get32(in);
    uint64_t size, t[4];
    struct fid *f = fid_get(s, fid);
    struct stat st;
    char proc[40];

    p9_get32(in); /* uid and gid: not changed (security_model none) */
    p9_get32(in);
    size = p9_get64(in);
    for (int i = 0; i < 4; i++)
        t[i] = p9_get64(in);
    if (in->err)
        return -EBADMSG;
    if (!f)
        return -EBADF;
    if (s->sh.readonly)
        return -EROFS;
    if (fstat(f->obj, &st) < 0)
        return -errno;
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", f->obj);
    if ((valid & P9_SETATTR_MODE) && chmod(proc, mode & 07777) < 0)
        return -errno;
    if (valid & P9_SETATTR_SIZE) {
        int64_t delta = (int64_t)size - st.st_size;

        if (!S_ISREG(st.st_mode))
            return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
        if (size > INT64_MAX)
            return -EFBIG;
        if (delta > 0 && share_bytes_room(&s->sh, delta) < (uint64_t)delta)
            return -ENOSPC;
        if (truncate(proc, (off_t)size) < 0)
            return -errno;
        share_account(&s->sh, 0, delta);
    }
    if (valid & (P9_SETATTR_ATIME | P9_SETATTR_MTIME)) {
        struct timespec ts[2] = {{.tv_nsec = UTIME_OMIT},
                                 {.tv_nsec = UTIME_OMIT}};

        if (valid & P9_SETATTR_ATIME) {
            ts[0].tv_nsec = UTIME_NOW;
            if (valid & P9_SETATTR_ATIME_SET)
                ts[0] = (struct timespec){(time_t)t[0], (long)t[1]};
        }
        if (valid & P9_SETATTR_MTIME) {
            ts[1].tv_nsec = UTIME_NOW;
            if (valid & P9_SETATTR_MTIME_SET)
                ts[1] = (struct timespec){(time_t)t[2], (long)t[3]};
        }
        if (utimensat(AT_FDCWD, proc, ts, 0) < 0)
            return -errno;
    }
    return 0;
}

static int op_statfs(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
    uint32_t fid = p9_get32(in);
    struct statfs sf;
    uint64_t blocks, bfree, files, ffree;

    if (in->err)
        return -EBADMSG;
    if (!fid_get(s, fid))
        return -EBADF;
    if (fstatfs(s->sh.root, &sf) < 0)
        return -errno;
    blocks = sf.f_blocks;
    bfree = sf.f_bavail;
    files = sf.f_files;
    ffree = sf.f_ffree;
    if (s->sh.max_bytes && sf.f_bsize) {
        blocks = s->sh.max_bytes / sf.f_bsize;
        bfree = share_bytes_room(&s->sh, UINT64_MAX) / sf.f_bsize;
    }
    if (s->sh.max_files) {
        files = s->sh.max_files;
        ffree = files > s->sh.used_files ? files - s->sh.used_files : 0;
    }
    p9_put32(out, (uint32_t)sf.f_type);
    p9_put32(out, (uint32_t)sf.f_bsize);
    p9_put64(out, blocks);
    p9_put64(out, bfree);
    p9_put64(out, bfree);
    p9_put64(out, files);
    p9_put64(out, ffree);
    p9_put64(out, 0);
    p9_put32(out, P9_NAME_MAX);
    return 0;
}

/* ---- directories ---- */

static int op_readdir(struct p9_server *s, struct p9_buf *in,
                      struct p9_buf *out)
{
    uint32_t fid = p9_get32(in);
    uint64_t off = p9_get64(in);
    uint32_t count = p9_get32(in);
    struct fid *f = fid_get(s, fid);
    size_t start;
    uint8_t *cnt;
    uint32_t n;

    if (in->err)
        return -EBADMSG;
    if (!f || f->fd < 0 || !f->isdir)
        return -EBADF;
    if (!f->dir) {
        f->dir = fdopendir(f->fd);
        if (!f->dir)
            return -errno;
    }
    if (count > s->msize - 11)
        count = s->msize - 11;
    if (off == 0)
        rewinddir(f->dir);
    else
        seekdir(f->dir, (long)off);
    cnt = p9_reserve(out, 4);
    if (!cnt)
        return -EMSGSIZE;
    start = out->len;
    for (;;) {
        long here = telldir(f->dir);
        struct dirent *e;
        size_t nlen, need;
        struct p9_qid q;

        errno = 0;
        e = readdir(f->dir);
        if (!e) {
            if (errno)
                return -errno;
            break;
        }
        nlen = strlen(e->d_name);
        need = P9_QID_SIZE + 8 + 1 + 2 + nlen;
        if (out->len - start + need > count) {
            seekdir(f->dir, here); /* the next call starts here */
            break;
        }
        q.type = e->d_type == DT_DIR   ? P9_QTDIR
                 : e->d_type == DT_LNK ? P9_QTSYMLINK
                                       : P9_QTFILE;
        q.version = 0;
        q.path = e->d_ino;
        p9_putqid(out, &q);
        p9_put64(out, (uint64_t)telldir(f->dir));
        p9_put8(out, e->d_type);
        p9_putstr(out, e->d_name, nlen);
    }
    n = (uint32_t)(out->len - start);
    p9_set32(cnt, (uint32_t)n);
    return 0;
}

static int op_mkdir(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
    uint32_t dfid = p9_get32(in);
    struct p9_str nm = p9_getstr(in);
    uint32_t mode = p9_get32(in);
    struct fid *d = fid_get(s, dfid);
    char *name = NULL;
    struct p9_qid q;
    int rc, obj;

    p9_get32(in); /* gid */
    if (in->err)
        return -EBADMSG;
    if (!d)
        return -EBADF;
    if (!d->isdir)
        return -ENOTDIR;
    rc = name_dup(nm, &name);
    if (rc < 0)
        return rc;
    rc = share_may_create(&s->sh);
    if (rc < 0)
        goto out;
    if (mkdirat(d->obj, name, mode & 07777) < 0) {
        rc = -errno;
        goto out;
    }
    share_account(&s->sh, 1, 0);
    obj = share_openat(d->obj, name, O_PATH, 0);
    if (obj < 0) {
        rc = obj;
        goto out;
    }
    rc = qid_fd(obj, &q);
    close(obj);
    if (rc == 0)
        p9_putqid(out, &q);
out:
    g_free(name);
    return rc;
}

/* Remove NAME from the directory DIRFD and account for it. */
static int remove_entry(struct p9_server *s, int dirfd, const char *name,
                        int flags)
{
    struct stat st;

    if (s->sh.readonly)
        return -EROFS;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return -errno;
    if (unlinkat(dirfd, name, flags) < 0)
        return -errno;
    share_account(&s->sh, -1,
                  S_ISREG(st.st_mode) && st.st_nlink == 1 ? -st.st_size : 0);
    return 0;
}

static int op_unlinkat(struct p9_server *s, struct p9_buf *in,
                       struct p9_buf *out)
{
    uint32_t dfid = p9_get32(in);
    struct p9_str nm = p9_getstr(in);
    uint32_t flags = p9_get32(in);
    struct fid *d = fid_get(s, dfid);
    char *name;
    int rc;

    if (in->err)
        return -EBADMSG;
    if (!d)
        return -EBADF;
    if (flags & ~P9_AT_REMOVEDIR)
        return -EINVAL;
    rc = name_dup(nm, &name);
    if (rc < 0)
        return rc;
    rc = remove_entry(s, d->obj, name,
                      flags & P9_AT_REMOVEDIR ? AT_REMOVEDIR : 0);
    g_free(name);
    return rc;
}

/* Rename OLD in OLDDIR to NEW in NEWDIR, accounting a replaced file. */
static int rename_entry(struct p9_server *s, int olddir, const char *old,
                        int newdir, const char *new)
{
    struct stat st;
    bool replaced;

    if (s->sh.readonly)
        return -EROFS;
    replaced = fstatat(newdir, new, &st, AT_SYMLINK_NOFOLLOW) == 0;
    if (renameat(olddir, old, newdir, new) < 0)
        return -errno;
    if (replaced)
        share_account(&s->sh, -1,
                      S_ISREG(st.st_mode) && st.st_nlink == 1 ? -st.st_size
                                                              : 0);
    return 0;
}

static int op_renameat(struct p9_server *s, struct p9_buf *in,
                       struct p9_buf *out)
{
    uint32_t ofid = p9_get32(in);
    struct p9_str onm = p9_getstr(in);
    uint32_t nfid = p9_get32(in);
    struct p9_str nnm = p9_getstr(in);
    struct fid *od = fid_get(s, ofid), *nd = fid_get(s, nfid);
    char *old = NULL, *new = NULL;
    int rc;

    if (in->err)
        return -EBADMSG;
    if (!od || !nd)
        return -EBADF;
    rc = name_dup(onm, &old);
    if (rc == 0)
        rc = name_dup(nnm, &new);
    if (rc == 0)
        rc = rename_entry(s, od->obj, old, nd->obj, new);
    g_free(old);
    g_free(new);
    return rc;
}

/* The directory holding fid F's object, and its name there. */
static int fid_parent(struct p9_server *s, const struct fid *f, int *dirfd,
                      char **base)
{
    char *dir;
    const char *slash = strrchr(f->path, '/');

    if (!f->path[0])
        return -EBUSY; /* the root itself */
    dir = path_parent(f->path);
    *dirfd = share_openat(s->sh.root, dir, O_PATH | O_DIRECTORY, 0);
    g_free(dir);
    if (*dirfd < 0)
        return *dirfd;
    *base = g_strdup(slash ? slash + 1 : f->path);
    return 0;
}

static int op_rename(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
    uint32_t fid = p9_get32(in), dfid = p9_get32(in);
    struct p9_str nm = p9_getstr(in);
    struct fid *f = fid_get(s, fid), *d = fid_get(s, dfid);
    char *base = NULL, *new = NULL;
    int dirfd = -1, rc;

    if (in->err)
        return -EBADMSG;
    if (!f || !d)
        return -EBADF;
    rc = name_dup(nm, &new);
    if (rc == 0)
        rc = fid_parent(s, f, &dirfd, &base);
    if (rc == 0)
        rc = rename_entry(s, dirfd, base, d->obj, new);
    if (rc == 0) {
        g_free(f->path);
        f->path = path_join(d->path, new);
    }
    if (dirfd >= 0)
        close(dirfd);
    g_free(base);
    g_free(new);
    return rc;
}

static int op_remove(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
    uint32_t fid = p9_get32(in);
    struct fid *f = fid_get(s, fid);
    char *base = NULL;
    int dirfd = -1, rc;

    if (in->err)
        return -EBADMSG;
    if (!f)
        return -EBADF;
    rc = fid_parent(s, f, &dirfd, &base);
    if (rc == 0)
        rc = remove_entry(s, dirfd, base, f->isdir ? AT_REMOVEDIR : 0);
    if (dirfd >= 0)
        close(dirfd);
    g_free(base);
    /* Tremove clunks the fid whatever the outcome (9P). */
    g_hash_table_remove(s->fids, GUINT_TO_POINTER(fid));
    return rc;
}

static int op_flush(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
    p9_get16(in); /* oldtag: requests are answered in order, never held */
    return in->err ? -EBADMSG : 0;
}

typedef int (*op_fn)(struct p9_server *, struct p9_buf *, struct p9_buf *);

static op_fn op_for(uint8_t type)
{
    switch (type) {
    case P9_TVERSION:
        return op_version;
    case P9_TATTACH:
        return op_attach;
    case P9_TWALK:
        return op_walk;
    case P9_TCLUNK:
        return op_clunk;
    case P9_TLOPEN:
        return op_lopen;
    case P9_TLCREATE:
        return op_lcreate;
    case P9_TREAD:
        return op_read;
    case P9_TWRITE:
        return op_write;
    case P9_TFSYNC:
        return op_fsync;
    case P9_TGETATTR:
        return op_getattr;
    case P9_TSETATTR:
        return op_setattr;
    case P9_TSTATFS:
        return op_statfs;
    case P9_TREADDIR:
        return op_readdir;
    case P9_TMKDIR:
        return op_mkdir;
    case P9_TUNLINKAT:
        return op_unlinkat;
    case P9_TRENAMEAT:
        return op_renameat;
    case P9_TRENAME:
        return op_rename;
    case P9_TREMOVE:
        return op_remove;
    case P9_TFLUSH:
        return op_flush;
    default:
        return NULL;
    }
}

size_t p9_server_handle(struct p9_server *s, const uint8_t *req, size_t len,
                        uint8_t *resp, size_t cap)
{
    struct p9_buf in, out;
    uint32_t size;
    uint8_t type;
    uint16_t tag = P9_NOTAG;
    op_fn fn;
    long n;
    int rc;

    if (cap > s->msize)
        cap = s->msize;
    rc = p9_header(req, len, &size, &type, &tag);
    if (rc < 0)
        goto error;
    if (s->stale && type != P9_TVERSION) {
        rc = -EIO; /* the session died with the daemon that had it */
        goto error;
    }
    fn = (type & 1) ? NULL : op_for(type);
    if (!fn) {
        rc = -EOPNOTSUPP;
        goto error;
    }
    p9_reader(&in, req, len);
    in.pos = P9_HDR_SIZE;
    p9_writer(&out, resp, cap, type + 1, tag);
    rc = fn(s, &in, &out);
    if (rc < 0)
        goto error;
    n = p9_finish(&out);
    if (n < 0) {
        rc = (int)n;
        goto error;
    }
    return (size_t)n;
error:
    n = p9_lerror(resp, cap, tag, (uint32_t)-rc);
    return n < 0 ? 0 : (size_t)n;
}

int p9_server_clone_fids(struct p9_server *child,
                         const struct p9_server *parent)
{
    GHashTableIter it;
    gpointer key, val;

    child->msize = parent->msize;
    g_hash_table_iter_init(&it, parent->fids);
    while (g_hash_table_iter_next(&it, &key, &val)) {
        const struct fid *pf = val;
        struct fid *f;
        int obj, rc;

        obj = dup(pf->obj); /* O_PATH: the same host object */
        if (obj < 0)
            return -errno;
        f = fid_new(g_strdup(pf->path), obj);
        if (pf->fd >= 0) {
            /* Its own open file description, with the same mode. */
            f->fd = share_reopen(pf->obj, pf->flags & ~O_TRUNC);
            f->flags = pf->flags;
            if (f->fd < 0) {
                rc = f->fd;
                f->fd = -1;
                fid_free(f);
                return rc;
            }
        }
        rc = fid_add(child, GPOINTER_TO_UINT(key), f);
        if (rc < 0) {
            fid_free(f);
            return rc;
        }
    }
    return 0;
}
