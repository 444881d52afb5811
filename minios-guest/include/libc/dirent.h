/* dirent.h: reading directories of the 9pfs share. */
#ifndef MINIOS_DIRENT_H
#define MINIOS_DIRENT_H

#include <stdint.h>

#define DT_UNKNOWN 0
#define DT_DIR     4
#define DT_REG     8
#define DT_LNK     10

struct dirent {
    uint64_t d_ino;
    uint8_t d_type;
    char d_name[256];
};

typedef struct dir DIR;

/* NULL with errno on failure. readdir() returns NULL at the end (errno
 * unchanged) or on error (errno set); "." and ".." are skipped. */
DIR *opendir(const char *path);
struct dirent *readdir(DIR *d);
int closedir(DIR *d);

#endif
