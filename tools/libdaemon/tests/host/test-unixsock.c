/* test-unixsock.c: host test: listening and connecting on Unix sockets. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/unixsock.h"
#include "tap.h"

int main(void)
{
    char dir[] = "/tmp/test-unixsock.XXXXXX", path[256], buf[8];
    char longpath[200];
    int l, c, a, l2, n, err;

    plan(17);
    if (!mkdtemp(dir)) {
        printf("Bail out! mkdtemp failed\n");
        return 1;
    }
    snprintf(path, sizeof(path), "%s/ctl.sock", dir);

    is_int(unix_connect(path, 1), -ENOENT, "nobody there: -ENOENT");
    l = unix_listen(path, 4, SOCK_NONBLOCK);
    ok(l >= 0, "listening on %s", path);
    ok(fcntl(l, F_GETFD) & FD_CLOEXEC, "  close-on-exec");
    ok(fcntl(l, F_GETFL) & O_NONBLOCK, "  non-blocking, as asked");
    n = accept(l, NULL, NULL);
    err = errno;
    is_int(n, -1, "  accept with nobody waiting: -1");
    is_int(err, EAGAIN, "  EAGAIN");

    c = unix_connect(path, 1);
    ok(c >= 0, "a client connects");
    a = accept(l, NULL, NULL);
    ok(a >= 0, "  and is accepted");
    ok(write(c, "ping", 4) == 4 && read(a, buf, 4) == 4 &&
           !memcmp(buf, "ping", 4),
       "  bytes go through");
    /* The server says nothing: the client's read ends at its timeout. */
    n = (int)read(c, buf, 1);
    err = errno;
    is_int(n, -1, "  a read with a 1 s timeout gives up");
    is_int(err, EAGAIN, "  with EAGAIN");
    close(a);
    close(c);

    is_int(unix_listen(path, 4, 0), -EADDRINUSE,
           "a second listener while the first answers: -EADDRINUSE");
    close(l);
    is_int(unix_connect(path, 1), -ECONNREFUSED,
           "the socket file of a dead listener: -ECONNREFUSED");
    l2 = unix_listen(path, 4, 0);
    ok(l2 >= 0, "a new listener replaces the dead one's file");
    ok((c = unix_connect(path, 0)) >= 0, "  and is reached");
    close(c);
    close(l2);

    memset(longpath, 'x', sizeof(longpath) - 1);
    longpath[0] = '/';
    longpath[sizeof(longpath) - 1] = '\0';
    is_int(unix_listen(longpath, 4, 0), -ENAMETOOLONG,
           "listen: a path longer than sun_path: -ENAMETOOLONG");
    is_int(unix_connect(longpath, 0), -ENAMETOOLONG, "connect: the same");
    unlink(path);
    rmdir(dir);
    return done_testing();
}
