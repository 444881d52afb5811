/* share.c: confined resolution beneath a share's root (openat2), and the
 * per-device file and byte counters behind its limits. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "xen9pfsd/share.h"

int share_openat(int dirfd, const char *name, int flags, mode_t mode)
{
    struct open_how how = {
        /* No O_NOFOLLOW: with O_PATH it would open a trailing symlink
         * itself; RESOLVE_NO_SYMLINKS refuses it (ELOOP) instead. */
        .flags = (uint64_t)(flags | O_CLOEXEC),
        .mode = (flags & O_CREAT) ? mode : 0,
        .resolve =
            RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
    };
    long fd;

    if (!name[0])
        name = ".";
    fd = syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
    return fd < 0 ? -errno : (int)fd;
}

int share_reopen(int fd, int flags)
{
    char proc[40];
    int nfd;

    /* The magic link names the very inode FD holds: no path lookup. */
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    nfd = open(proc, (flags & ~(O_CREAT | O_NOFOLLOW)) | O_CLOEXEC);
    return nfd < 0 ? -errno : nfd;
}

/* Count files and bytes beneath the directory DIRFD (closed here). */
static int count_tree(int dirfd, uint64_t *files, uint64_t *bytes, int depth)
{
    DIR *d = fdopendir(dirfd);
    struct dirent *e;
    int rc = 0;

    if (!d) {
        rc = -errno;
        close(dirfd);
        return rc;
    }
    while ((e = readdir(d))) {
        struct stat st;

        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue; /* gone meanwhile */
        (*files)++;
        if (S_ISREG(st.st_mode))
            *bytes += (uint64_t)st.st_size;
        if (S_ISDIR(st.st_mode) && depth < 64) {
            int sub = openat(dirfd, e->d_name,
                             O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0) {
                rc = count_tree(sub, files, bytes, depth + 1);
                if (rc < 0)
                    break;
            }
        }
    }
    closedir(d);
    return rc;
}

int share_open(struct share *sh, const struct share_config *cfg,
               const char **step)
{
    struct stat st;
    int rc, fd;

    memset(sh, 0, sizeof(*sh));
    sh->root = -1;
    *step = "checking the share's path";
    if (!cfg->path || cfg->path[0] != '/') {
        rc = -EINVAL;
        goto fail;
    }
    *step = "opening the share's root";
    sh->root = open(cfg->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (sh->root < 0 || fstat(sh->root, &st) < 0) {
        rc = -errno;
        goto fail;
    }
    sh->readonly = cfg->readonly;
    sh->max_files = cfg->max_files;
    sh->max_bytes = cfg->max_bytes;
    if (sh->max_files || sh->max_bytes) {
        *step = "counting the share's files";
        fd = openat(sh->root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
            rc = -errno;
            goto fail;
        }
        rc = count_tree(fd, &sh->used_files, &sh->used_bytes, 0);
        if (rc < 0)
            goto fail;
    }
    return 0;
fail:
    share_close(sh);
    return rc;
}

void share_close(struct share *sh)
{
    if (sh->root >= 0)
        close(sh->root);
    sh->root = -1;
}

int share_may_create(const struct share *sh)
{
    if (sh->readonly)
        return -EROFS;
    if (sh->max_files && sh->used_files >= sh->max_files)
        return -EDQUOT;
    return 0;
}

uint64_t share_bytes_room(const struct share *sh, uint64_t grow)
{
    uint64_t room;

    if (!sh->max_bytes)
        return grow;
    room = sh->used_bytes < sh->max_bytes ? sh->max_bytes - sh->used_bytes : 0;
    return grow < room ? grow : room;
}

void share_account(struct share *sh, int files, int64_t bytes)
{
    if (files < 0 && sh->used_files < (uint64_t)-files)
        sh->used_files = 0;
    else
        sh->used_files += files;
    if (bytes < 0 && sh->used_bytes < (uint64_t)-bytes)
        sh->used_bytes = 0;
    else
        sh->used_bytes += bytes;
}
