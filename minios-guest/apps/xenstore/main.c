/* xenstore: reads and writes its own nodes, a transaction, and a watch;
 * loop=1 reads a large node for ever (clone tests). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <minios/app.h>
#include <minios/time.h>
#include <minios/xenbus.h>

#define DIR  "data/minios"
#define POKE DIR "/poke"
#define BIG  DIR "/big"
/* More than a ring (1 KB): a reply arrives in two parts. xenstored's
 * quota on an entry's size (2 KB for guests) bounds it. */
#define BIG_LEN 1900

static int failures;

static void check(int ok, const char *what, int rc)
{
    printf("xenstore: %s: %s", what, ok ? "ok" : "FAILED");
    if (!ok && rc)
        printf(" (%d: %s)", rc, strerror(rc));
    printf("\n");
    failures += !ok;
}

static int read_equals(const char *path, const char *want)
{
    char *got;
    int rc = xenbus_read(XBT_NIL, path, &got);

    if (rc < 0)
        return rc;
    rc = strcmp(got, want) ? -EINVAL : 0;
    if (rc)
        printf("xenstore: %s is '%s', expected '%s'\n", path, got, want);
    free(got);
    return rc;
}

static int transaction(void)
{
    xenbus_transaction_t t;
    int rc, tries = 0;

    do {
        rc = xenbus_transaction_start(&t);
        if (rc < 0)
            return rc;
        rc = xenbus_write(t, DIR "/tx-a", "1");
        if (!rc)
            rc = xenbus_write(t, DIR "/tx-b", "2");
        if (rc < 0) {
            xenbus_transaction_end(t, 1);
            return rc;
        }
        rc = xenbus_transaction_end(t, 0);
    } while (rc == -EAGAIN && ++tries < 10);
    return rc;
}

static int has_name(char **names, unsigned int n, const char *name)
{
    for (unsigned int i = 0; i < n; i++)
        if (!strcmp(names[i], name))
            return 1;
    return 0;
}

/* Watch POKE: the first event is the one xenstored sends at once; then
 * either we write it ourselves or wait for Dom0 (wait=S). */
static int watch(unsigned long wait_s)
{
    uint64_t deadline = monotonic_ns() + (wait_s ? wait_s : 10) * NSEC_PER_SEC;
    char *path = NULL, *value = NULL;
    int rc = xenbus_watch(POKE, "poke");

    if (rc < 0)
        return rc;
    rc = xenbus_wait_watch("poke", NULL, deadline);
    if (rc < 0)
        goto out;
    if (wait_s) {
        printf("xenstore: waiting %lu s for someone to write %s\n", wait_s,
               POKE);
    } else {
        rc = xenbus_write(XBT_NIL, POKE, "self");
        if (rc < 0)
            goto out;
    }
    /* Events for the node before it has a value do not count. */
    do {
        free(path);
        path = NULL;
        rc = xenbus_wait_watch("poke", &path, deadline);
        if (rc < 0)
            goto out;
        free(value);
        value = NULL;
    } while (xenbus_read(XBT_NIL, POKE, &value) < 0);
    printf("xenstore: watch fired for %s: %s = '%s'\n", path, POKE, value);
out:
    if (rc == -ETIMEDOUT)
        printf("xenstore: nobody wrote %s in time\n", POKE);
    xenbus_unwatch(POKE, "poke");
    free(path);
    free(value);
    return rc;
}

/*
 * Write BIG, then read it back for ever, checking every byte: a reply cut
 * or spliced (e.g. by a clone made while a reply was half read) fails.
 * Prints a line every 200 reads; returns only on a failure.
 */
static int read_big_forever(void)
{
    char want[BIG_LEN + 1], *got;
    unsigned long n;
    int rc;

    for (int i = 0; i < BIG_LEN; i++)
        want[i] = 'a' + i % 26;
    want[BIG_LEN] = '\0';
    rc = xenbus_write(XBT_NIL, BIG, want);
    if (rc < 0) {
        printf("xenstore: write %s: FAILED (%d)\n", BIG, rc);
        return rc;
    }
    for (n = 1;; n++) {
        rc = xenbus_read(XBT_NIL, BIG, &got);
        if (rc < 0) {
            printf("xenstore: read %lu of %s: FAILED (%d)\n", n, BIG, rc);
            return rc;
        }
        rc = strcmp(got, want) ? -EBADMSG : 0;
        if (rc)
            printf("xenstore: read %lu of %s: FAILED (%zu bytes, not the"
                   " %d written)\n",
                   n, BIG, strlen(got), BIG_LEN);
        free(got);
        if (rc)
            return rc;
        if (n % 200 == 0)
            printf("xenstore: domid %u: %lu reads of %s ok\n", xen_domid(), n,
                   BIG);
    }
}

static int usage(const char *bad)
{
    printf("xenstore: bad argument '%s'\n", bad);
    printf("usage: xenstore [wait=S]   (wait S s (1..3600) for Dom0 to"
           " write data/minios/poke)\n"
           "       xenstore loop=1     (read a %d-byte node for ever)\n",
           BIG_LEN);
    return 2;
}

int main(int argc, char **argv)
{
    unsigned long wait_s = 0, loop = 0;
    unsigned int n = 0;
    char **names = NULL;
    const char *v;
    int rc;

    for (int i = 1; i < argc; i++) {
        if (arg_value(argv[i], "wait", &v)) {
            if (parse_ulong(v, &wait_s) < 0 || wait_s < 1 || wait_s > 3600)
                return usage(argv[i]);
        } else if (arg_value(argv[i], "loop", &v)) {
            if (parse_ulong(v, &loop) < 0 || loop != 1)
                return usage(argv[i]);
        } else {
            return usage(argv[i]);
        }
    }
    printf("xenstore: domid %u\n", xen_domid());
    if (loop)
        return read_big_forever() < 0 ? 1 : 0;
    rc = xenbus_write(XBT_NIL, DIR "/greeting", "hello");
    check(rc == 0, "write " DIR "/greeting", rc);
    rc = read_equals(DIR "/greeting", "hello");
    check(rc == 0, "read it back", rc);
    rc = xenbus_ls(XBT_NIL, DIR, &names, &n);
    check(rc == 0 && has_name(names, n, "greeting"), "list " DIR, rc);
    free(names);
    rc = xenbus_read(XBT_NIL, DIR "/missing", &(char *){NULL});
    check(rc == -ENOENT, "reading a missing node gives ENOENT", 0);
    rc = transaction();
    check(rc == 0, "transaction of two writes", rc);
    check(!read_equals(DIR "/tx-a", "1") && !read_equals(DIR "/tx-b", "2"),
          "transaction's writes are visible", 0);
    rc = xenbus_rm(XBT_NIL, POKE);
    check(rc == 0 || rc == -ENOENT, "remove " POKE, rc);
    rc = watch(wait_s);
    check(rc == 0, "watch " POKE, rc);
    rc = xenbus_rm(XBT_NIL, DIR);
    check(rc == 0, "remove " DIR, rc);
    printf("xenstore: %s\n", failures ? "FAILED" : "all ok");
    return failures ? 1 : 0;
}
