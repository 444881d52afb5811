/* unistd.h: the process-like calls of a domain: fork() and getpid(). */
#ifndef MINIOS_UNISTD_H
#define MINIOS_UNISTD_H

#include <sys/types.h>

/*
 * fork(): clone this domain into one child (see minios/clone.h). Returns
 * the child's domid in the parent, 0 in the child, -1 with errno on
 * failure (no child made).
 */
pid_t fork(void);

/* This domain's id (domains are our processes). */
pid_t getpid(void);

/* The parent domain's id, or 0 if this domain is not a clone. */
pid_t getppid(void);

/* Files of the 9pfs share (lib/files.c): -1 with errno on failure. */
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
ssize_t read(int fd, void *buf, size_t n);
ssize_t write(int fd, const void *buf, size_t n);
ssize_t pread(int fd, void *buf, size_t n, off_t off);
ssize_t pwrite(int fd, const void *buf, size_t n, off_t off);
off_t lseek(int fd, off_t off, int whence);
int close(int fd);
int unlink(const char *path);
int rmdir(const char *path);
int fsync(int fd);
int ftruncate(int fd, off_t len);

#endif
