/* fcntl.h: open() and its flags (Linux values, as 9P2000.L carries them). */
#ifndef MINIOS_FCNTL_H
#define MINIOS_FCNTL_H

#define O_ACCMODE   0003
#define O_RDONLY    00
#define O_WRONLY    01
#define O_RDWR      02
#define O_CREAT     0100
#define O_EXCL      0200
#define O_TRUNC     01000
#define O_APPEND    02000
#define O_DIRECTORY 0200000

/* Open PATH on the 9pfs share (device 0, mounted on first use): a file
 * descriptor, or -1 with errno. MODE (with O_CREAT) is an int. */
int open(const char *path, int flags, ...);

#endif
