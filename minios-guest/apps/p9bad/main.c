/* p9bad: sends malformed 9P to xen9pfsd (bad sizes, unknown types, unknown
 * and reused fids, a message bigger than msize, lying ring indexes) and
 * checks that each gets Rlerror or the device is closed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <minios/app.h>
#include <minios/p9front.h>

static int checks, failures;
static unsigned char m[256];
static unsigned int len;

static void check(int cond, const char *what, int got)
{
    checks++;
    if (!cond)
        failures++;
    printf("p9bad: check %s: %s (got %d)\n", cond ? "passed" : "FAILED", what,
           got);
}

static void put(unsigned long long v, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        m[len++] = (unsigned char)(v >> (8 * i));
}

static void begin(unsigned char type)
{
    len = 0;
    put(0, 4);
    put(type, 1);
    put(0, 2);
}

static void str(const char *s)
{
    put(strlen(s), 2);
    memcpy(m + len, s, strlen(s));
    len += strlen(s);
}

static int send(void)
{
    return p9front_raw(m, len, 0);
}

int main(int argc, char **argv)
{
    const char *mode = "all", *v;
    int rc;

    for (int i = 1; i < argc; i++) {
        if (arg_value(argv[i], "mode", &v))
            mode = v;
        else {
            printf("p9bad: bad argument '%s'\n", argv[i]);
            printf("usage: p9bad [mode=msg|size|lie]\n");
            return 2;
        }
    }
    rc = p9_mount(0, 30000);
    if (rc < 0) {
        printf("p9bad: cannot mount 9pfs device 0: %s\n", strerror(rc));
        return 1;
    }
    p9front_set_timeout(10000);
    if (!strcmp(mode, "msg")) {
        begin(200);
        rc = send();
        check(rc == -EOPNOTSUPP, "unknown type 200: Rlerror EOPNOTSUPP", rc);
        begin(111); /* Rwalk sent as a request */
        rc = send();
        check(rc == -EOPNOTSUPP, "an R-message as a request: EOPNOTSUPP", rc);
        begin(120); /* Tclunk */
        put(4242, 4);
        rc = send();
        check(rc == -EBADF, "Tclunk of an unknown fid: EBADF", rc);
        begin(110); /* Twalk root -> root: fid in use */
        put(0, 4);
        put(7, 4);
        put(0, 2);
        rc = send();
        check(rc == 0, "Twalk root -> fid 7", rc);
        begin(110);
        put(0, 4);
        put(7, 4);
        put(0, 2);
        rc = send();
        check(rc == -EEXIST, "Twalk to fid 7 again (reused): EEXIST", rc);
        begin(104); /* Tattach to a fid in use */
        put(7, 4);
        put(0xffffffff, 4);
        str("root");
        str("");
        put(0, 4);
        rc = send();
        check(rc == -EEXIST, "Tattach on a fid in use: EEXIST", rc);
        begin(110); /* Twalk claiming 3 names, carrying 1 */
        put(0, 4);
        put(8, 4);
        put(3, 2);
        str("x");
        rc = send();
        check(rc == -EBADMSG, "a Twalk shorter than it says: EBADMSG", rc);
        begin(118); /* Twrite whose count passes its data */
        put(7, 4);
        put(0, 8);
        put(100000, 4);
        rc = send();
        check(rc == -EBADMSG, "a Twrite count past its data: EBADMSG", rc);
        begin(110);
        put(0, 4);
        put(9, 4);
        put(1, 2);
        str("..");
        rc = send();
        check(rc == 0, "Twalk '..' from the root (stays there)", rc);
        begin(120);
        put(7, 4);
        rc = send();
        check(rc == 0, "the device still answers: Tclunk fid 7", rc);
    } else if (!strcmp(mode, "size")) {
        /* A header claiming 16 MiB: bigger than msize and the ring. */
        begin(120);
        put(0, 4);
        m[0] = 0;
        m[1] = 0;
        m[2] = 0;
        m[3] = 1;
        rc = p9front_raw(m, len, 1);
        check(rc == -EIO, "a message bigger than msize: no reply, EIO", rc);
        check(p9front_backend_state() == 5,
              "  the backend closed the device (Closing)",
              p9front_backend_state());
    } else if (!strcmp(mode, "lie")) {
        rc = p9front_lie(0x80000000u);
        check(rc == 0, "out_prod moved 2 GiB ahead", rc);
        begin(120);
        put(0, 4);
        rc = send();
        check(rc == -EIO, "ring indexes that lie: no reply, EIO", rc);
        check(p9front_backend_state() == 5,
              "  the backend closed the device (Closing)",
              p9front_backend_state());
    } else {
        printf("p9bad: unknown mode '%s'\n", mode);
        return 2;
    }
    if (failures) {
        printf("p9bad: %d of %d checks failed\n", failures, checks);
        return 1;
    }
    printf("p9bad: ok, %d checks passed\n", checks);
    return 0;
}
