/* lock-hold: hold an fcntl() write lock on a file (as xl holds its
 * creation lock) for some seconds, then create a mark file and release it;
 * for tests of the toolstacks that wait for that lock. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    unsigned long secs;
    char *end;
    int fd, mark;

    if (argc != 4 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        fprintf(
            argc == 2 ? stdout : stderr,
            "Usage: lock-hold FILE SECONDS MARK\n"
            "\n"
            "Take an fcntl() write lock on FILE (made if missing), say\n"
            "'held', hold it SECONDS, create the file MARK, then release\n"
            "the lock: whoever waited for it finishes after MARK exists.\n");
        return argc == 2 ? 0 : 2;
    }
    errno = 0;
    secs = strtoul(argv[2], &end, 10);
    if (errno || *end || end == argv[2] || secs > 3600) {
        fprintf(stderr, "lock-hold: '%s' is not a number of seconds (0-3600)\n",
                argv[2]);
        return 2;
    }
    fd = open(argv[1], O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        fprintf(stderr, "lock-hold: cannot open %s: %s\n", argv[1],
                strerror(errno));
        return 1;
    }
    while (fcntl(fd, F_SETLKW, &fl) < 0)
        if (errno != EINTR) {
            fprintf(stderr, "lock-hold: cannot lock %s: %s\n", argv[1],
                    strerror(errno));
            return 1;
        }
    printf("held\n");
    fflush(stdout);
    sleep((unsigned int)secs);
    mark = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (mark < 0) {
        fprintf(stderr, "lock-hold: cannot create %s: %s\n", argv[3],
                strerror(errno));
        return 1;
    }
    close(mark);
    close(fd); /* releases the lock */
    return 0;
}
