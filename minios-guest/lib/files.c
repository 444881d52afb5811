/* files.c: POSIX-like files on the 9pfs share (9pfront): descriptors,
 * offsets, path walks, directories; errors in errno. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <minios/p9front.h>

#define MAX_FDS   64
#define MAX_DEPTH 64 /* path elements */
#define MOUNT_MS  30000

struct file {
    int used;
    uint32_t fid;
    int flags;
    off_t off;
    unsigned int gen; /* p9_generation() when opened */
};

struct dir {
    uint32_t fid;
    unsigned int gen;
    uint64_t off; /* the server's offset of the next batch */
    uint8_t *buf;
    uint32_t len, pos;
    struct dirent ent;
};

static struct file files[MAX_FDS];

static int fail(int rc)
{
    errno = -rc;
    return -1;
}

static int mounted(void)
{
    return p9_mount(0, MOUNT_MS);
}

/*
 * Split PATH ("/a/b/c" or "a/b/c") into at most MAX_DEPTH names in COPY.
 * With PARENT, the last name is returned in *LAST and not counted.
 */
static int split(const char *path, char *copy, size_t size, const char **names,
                 unsigned int *n, const char **last)
{
    char *s;

    if (!path || !path[0])
        return -ENOENT;
    if (strlen(path) >= size)
        return -ENAMETOOLONG;
    strcpy(copy, path);
    *n = 0;
    for (s = copy; *s;) {
        while (*s == '/')
            s++;
        if (!*s)
            break;
        if (*n == MAX_DEPTH)
            return -ENAMETOOLONG;
        names[(*n)++] = s;
        while (*s && *s != '/')
            s++;
        if (*s)
            *s++ = '\0';
    }
    for (unsigned int i = 0; i < *n; i++)
        if (!strcmp(names[i], "."))
            return -EINVAL; /* keep paths plain: no "." elements */
    if (last) {
        if (*n == 0)
            return -EBUSY; /* the root itself */
        *last = names[--(*n)];
    }
    return 0;
}

/* A new fid for the N names from the root (16 per Twalk). */
static int walk_names(const char **names, unsigned int n, uint32_t *out)
{
    unsigned int done = 0, first = n > 16 ? 16 : n;
    int fid, rc, tries = 0;

    /*
     * The first walk clones the root into a free fid. EEXIST: the server
     * has that number in use although we think it free (a Dom0 `xl clone`
     * copied our fids while the parent ran on): leave it marked, take
     * another.
     */
    do {
        fid = p9_fid_alloc();
        if (fid < 0)
            return fid;
        rc = p9_walk(P9_ROOTFID, (uint32_t)fid, first, names);
    } while (rc == -EEXIST && ++tries < 16);
    if (rc < 0) {
        p9_fid_release((uint32_t)fid);
        return rc;
    }
    done = first;
    /* The next ones walk the new fid on. */
    while (done < n) {
        unsigned int k = n - done > 16 ? 16 : n - done;

        rc = p9_walk((uint32_t)fid, (uint32_t)fid, k, names + done);
        if (rc < 0) {
            p9_clunk((uint32_t)fid);
            return rc;
        }
        done += k;
    }
    *out = (uint32_t)fid;
    return 0;
}

/* A fid for PATH (PARENT: for its directory, *LAST its last name). */
static int walk_path(const char *path, char *copy, size_t size, uint32_t *fid,
                     const char **last)
{
    const char *names[MAX_DEPTH];
    unsigned int n;
    int rc = mounted();

    if (rc == 0)
        rc = split(path, copy, size, names, &n, last);
    if (rc == 0)
        rc = walk_names(names, n, fid);
    return rc;
}

/* FD's file, or NULL with errno: EBADF, or EIO when its session is gone
 * (the backend restarted: the descriptor cannot be used again). */
static struct file *file_of(int fd)
{
    if (fd < 0 || fd >= MAX_FDS || !files[fd].used) {
        errno = EBADF;
        return NULL;
    }
    if (files[fd].gen != p9_generation()) {
        errno = EIO;
        return NULL;
    }
    return &files[fd];
}

static int fd_alloc(uint32_t fid, int flags)
{
    for (int i = 0; i < MAX_FDS; i++)
        if (!files[i].used) {
            files[i] = (struct file){1, fid, flags, 0, p9_generation()};
            return i;
        }
    return -EMFILE;
}

int open(const char *path, int flags, ...)
{
    char copy[1024];
    const char *last;
    uint32_t fid, pflags = (uint32_t)flags & ~(O_CREAT | O_EXCL | O_APPEND);
    int rc, fd, mode = 0;
    va_list ap;

    va_start(ap, flags);
    if (flags & O_CREAT)
        mode = va_arg(ap, int);
    va_end(ap);
    if (!(flags & O_CREAT)) {
        rc = walk_path(path, copy, sizeof(copy), &fid, NULL);
        if (rc < 0)
            return fail(rc);
        rc = p9_lopen(fid, pflags);
    } else {
        rc = walk_path(path, copy, sizeof(copy), &fid, &last);
        if (rc < 0)
            return fail(rc);
        rc = p9_lcreate(fid, last, pflags & ~O_DIRECTORY, (uint32_t)mode);
        if (rc == -EEXIST && !(flags & O_EXCL)) {
            /* It exists: open it (the fid still names the directory). */
            p9_clunk(fid);
            rc = walk_path(path, copy, sizeof(copy), &fid, NULL);
            if (rc < 0)
                return fail(rc);
            rc = p9_lopen(fid, pflags);
        }
    }
    if (rc < 0) {
        p9_clunk(fid);
        return fail(rc);
    }
    fd = fd_alloc(fid, flags);
    if (fd < 0) {
        p9_clunk(fid);
        return fail(fd);
    }
    return fd;
}

int close(int fd)
{
    struct file *f = file_of(fd);
    int rc;

    if (!f && errno == EIO) {
        files[fd].used = 0; /* its fid died with the old session */
        return 0;
    }
    if (!f)
        return -1;
    f->used = 0;
    rc = p9_clunk(f->fid);
    return rc < 0 ? fail(rc) : 0;
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
    struct file *f = file_of(fd);
    size_t done = 0;

    if (!f)
        return -1;
    if (off < 0)
        return fail(-EINVAL);
    while (done < n) {
        uint32_t k = n - done > p9_iounit() ? p9_iounit() : n - done;
        long r = p9_read(f->fid, (uint64_t)off + done, (char *)buf + done, k);

        if (r < 0) {
            if (done)
                break;
            return fail((int)r);
        }
        done += r;
        if (r < k)
            break; /* end of file */
    }
    return (ssize_t)done;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    struct file *f = file_of(fd);
    size_t done = 0;

    if (!f)
        return -1;
    if (off < 0)
        return fail(-EINVAL);
    while (done < n) {
        uint32_t k = n - done > p9_iounit() ? p9_iounit() : n - done;
        long r =
            p9_write(f->fid, (uint64_t)off + done, (const char *)buf + done, k);

        if (r < 0) {
            if (done)
                break; /* a short write: the error comes next time */
            return fail((int)r);
        }
        done += r;
        if (r < k)
            break;
    }
    return (ssize_t)done;
}

ssize_t read(int fd, void *buf, size_t n)
{
    struct file *f = file_of(fd);
    ssize_t r;

    if (!f)
        return -1;
    r = pread(fd, buf, n, f->off);
    if (r > 0)
        f->off += r;
    return r;
}

ssize_t write(int fd, const void *buf, size_t n)
{
    struct file *f = file_of(fd);
    struct p9_attr a;
    ssize_t r;
    int rc;

    if (!f)
        return -1;
    if (f->flags & O_APPEND) {
        rc = p9_getattr(f->fid, &a);
        if (rc < 0)
            return fail(rc);
        f->off = (off_t)a.size;
    }
    r = pwrite(fd, buf, n, f->off);
    if (r > 0)
        f->off += r;
    return r;
}

off_t lseek(int fd, off_t off, int whence)
{
    struct file *f = file_of(fd);
    struct p9_attr a;
    off_t base;
    int rc;

    if (!f)
        return -1;
    switch (whence) {
    case SEEK_SET:
        base = 0;
        break;
    case SEEK_CUR:
        base = f->off;
        break;
    case SEEK_END:
        rc = p9_getattr(f->fid, &a);
        if (rc < 0)
            return fail(rc);
        base = (off_t)a.size;
        break;
    default:
        return fail(-EINVAL);
    }
    if (base + off < 0)
        return fail(-EINVAL);
    f->off = base + off;
    return f->off;
}

static void attr_to_stat(const struct p9_attr *a, struct stat *st)
{
    st->st_ino = a->ino;
    st->st_mode = a->mode;
    st->st_nlink = a->nlink;
    st->st_size = (off_t)a->size;
    st->st_blocks = a->blocks;
    st->st_atime = (int64_t)a->atime;
    st->st_mtime = (int64_t)a->mtime;
    st->st_ctime = (int64_t)a->ctime;
}

int fstat(int fd, struct stat *st)
{
    struct file *f = file_of(fd);
    struct p9_attr a;
    int rc;

    if (!f)
        return -1;
    rc = p9_getattr(f->fid, &a);
    if (rc < 0)
        return fail(rc);
    attr_to_stat(&a, st);
    return 0;
}

int stat(const char *path, struct stat *st)
{
    char copy[1024];
    struct p9_attr a;
    uint32_t fid;
    int rc = walk_path(path, copy, sizeof(copy), &fid, NULL);

    if (rc < 0)
        return fail(rc);
    rc = p9_getattr(fid, &a);
    p9_clunk(fid);
    if (rc < 0)
        return fail(rc);
    attr_to_stat(&a, st);
    return 0;
}

int fsync(int fd)
{
    struct file *f = file_of(fd);
    int rc;

    if (!f)
        return -1;
    rc = p9_fsync(f->fid);
    return rc < 0 ? fail(rc) : 0;
}

int ftruncate(int fd, off_t len)
{
    struct file *f = file_of(fd);
    int rc;

    if (!f)
        return -1;
    if (len < 0)
        return fail(-EINVAL);
    rc = p9_setattr(f->fid, P9_SETATTR_SIZE, 0, (uint64_t)len);
    return rc < 0 ? fail(rc) : 0;
}

/* Run OP on PATH's directory fid and its last name. */
static int on_parent(const char *path, uint32_t flags, uint32_t mode, int op)
{
    char copy[1024];
    const char *last;
    uint32_t dfid;
    int rc = walk_path(path, copy, sizeof(copy), &dfid, &last);

    if (rc < 0)
        return fail(rc);
    rc = op ? p9_mkdir(dfid, last, mode) : p9_unlinkat(dfid, last, flags);
    p9_clunk(dfid);
    return rc < 0 ? fail(rc) : 0;
}

int mkdir(const char *path, uint32_t mode)
{
    return on_parent(path, 0, mode, 1);
}

int unlink(const char *path)
{
    return on_parent(path, 0, 0, 0);
}

int rmdir(const char *path)
{
    return on_parent(path, P9_AT_REMOVEDIR, 0, 0);
}

int rename(const char *from, const char *to)
{
    char c1[1024], c2[1024];
    const char *l1, *l2;
    uint32_t d1, d2;
    int rc = walk_path(from, c1, sizeof(c1), &d1, &l1);

    if (rc < 0)
        return fail(rc);
    rc = walk_path(to, c2, sizeof(c2), &d2, &l2);
    if (rc < 0) {
        p9_clunk(d1);
        return fail(rc);
    }
    rc = p9_renameat(d1, l1, d2, l2);
    p9_clunk(d1);
    p9_clunk(d2);
    return rc < 0 ? fail(rc) : 0;
}

DIR *opendir(const char *path)
{
    char copy[1024];
    const char *names[1];
    unsigned int n;
    struct dir *d;
    uint32_t fid;
    int rc;

    /* "/" (or "") is the root: no names to walk. */
    if (path && split(path, copy, sizeof(copy), names, &n, NULL) == 0 &&
        n == 0) {
        rc = mounted();
        if (rc == 0)
            rc = walk_names(names, 0, &fid);
    } else {
        rc = walk_path(path, copy, sizeof(copy), &fid, NULL);
    }
    if (rc < 0) {
        fail(rc);
        return NULL;
    }
    rc = p9_lopen(fid, O_RDONLY | O_DIRECTORY);
    d = rc == 0 ? calloc(1, sizeof(*d)) : NULL;
    if (d)
        d->buf = malloc(p9_iounit());
    if (!d || !d->buf) {
        p9_clunk(fid);
        if (d)
            free(d);
        fail(rc < 0 ? rc : -ENOMEM);
        return NULL;
    }
    d->fid = fid;
    d->gen = p9_generation();
    return d;
}

static uint64_t le(const uint8_t *p, unsigned int n)
{
    uint64_t v = 0;

    for (unsigned int i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

struct dirent *readdir(DIR *d)
{
    if (d->gen != p9_generation()) {
        errno = EIO;
        return NULL;
    }
    for (;;) {
        if (d->pos >= d->len) {
            long n = p9_readdir(d->fid, d->off, d->buf, p9_iounit());

            if (n < 0) {
                errno = (int)-n;
                return NULL;
            }
            if (n == 0)
                return NULL;
            d->len = (uint32_t)n;
            d->pos = 0;
        }
        /* qid[13] offset[8] type[1] name[s] */
        if (d->len - d->pos < 24) {
            errno = EPROTO;
            return NULL;
        }
        const uint8_t *e = d->buf + d->pos;
        uint16_t nlen = (uint16_t)le(e + 22, 2);
        if (d->len - d->pos < 24u + nlen || nlen > 255) {
            errno = EPROTO;
            return NULL;
        }
        d->ent.d_ino = le(e + 5, 8);
        d->off = le(e + 13, 8);
        d->ent.d_type = e[21];
        memcpy(d->ent.d_name, e + 24, nlen);
        d->ent.d_name[nlen] = '\0';
        d->pos += 24u + nlen;
        if (strcmp(d->ent.d_name, ".") && strcmp(d->ent.d_name, ".."))
            return &d->ent;
    }
}

int closedir(DIR *d)
{
    int rc;

    if (!d)
        return fail(-EBADF);
    rc = d->gen == p9_generation() ? p9_clunk(d->fid) : 0;
    free(d->buf);
    free(d);
    return rc < 0 ? fail(rc) : 0;
}
