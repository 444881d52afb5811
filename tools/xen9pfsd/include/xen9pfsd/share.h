/* share.h: one confined host directory: resolution beneath its root,
 * read-only mode, and the file/byte limits of one device. */
#ifndef XEN9PFSD_SHARE_H
#define XEN9PFSD_SHARE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

struct share_config {
    const char *path;   /* host directory (absolute) */
    bool readonly;      /* every change fails with EROFS */
    uint64_t max_files; /* files + directories beneath the root; 0: none */
    uint64_t max_bytes; /* bytes of regular files; 0: none */
};

struct share {
    int root; /* O_PATH descriptor of the root directory */
    bool readonly;
    uint64_t max_files, max_bytes;
    uint64_t used_files, used_bytes; /* counted at open, kept up to date */
};

/* Open CFG's root and count what it holds. 0 or -errno; *STEP names the
 * failing stage. */
int share_open(struct share *sh, const struct share_config *cfg,
               const char **step);
void share_close(struct share *sh);

/*
 * Open NAME beneath DIRFD (a descriptor of this share) with FLAGS, never
 * leaving it and never following a symlink (openat2 RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS). NAME "" opens DIRFD's
 * own object again. A descriptor or -errno (-EXDEV: it would escape,
 * -ELOOP: a symlink on the way).
 */
int share_openat(int dirfd, const char *name, int flags, mode_t mode);

/* Reopen the object of the O_PATH descriptor FD with FLAGS (same inode). */
int share_reopen(int fd, int flags);

/* Quota checks: 0, -EDQUOT (one file more than max_files) or -ENOSPC
 * (GROW more bytes than max_bytes allows). */
int share_may_create(const struct share *sh);
/* How many of GROW bytes fit (GROW if unlimited). */
uint64_t share_bytes_room(const struct share *sh, uint64_t grow);
/* Account a file created (+1) or removed (-1), and a size change. */
void share_account(struct share *sh, int files, int64_t bytes);

#endif
