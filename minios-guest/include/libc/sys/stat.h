/* sys/stat.h: file attributes of the 9pfs share: stat, fstat, mkdir. */
#ifndef MINIOS_SYS_STAT_H
#define MINIOS_SYS_STAT_H

#include <stdint.h>
#include <sys/types.h>

#define S_IFMT     0170000
#define S_IFDIR    0040000
#define S_IFREG    0100000
#define S_IFLNK    0120000
#define S_ISDIR(m) (((m)&S_IFMT) == S_IFDIR)
#define S_ISREG(m) (((m)&S_IFMT) == S_IFREG)

struct stat {
    uint64_t st_ino;
    uint32_t st_mode;
    uint64_t st_nlink;
    off_t st_size;
    uint64_t st_blocks;
    int64_t st_atime, st_mtime, st_ctime;
};

int stat(const char *path, struct stat *st);
int fstat(int fd, struct stat *st);
int mkdir(const char *path, uint32_t mode);

#endif
