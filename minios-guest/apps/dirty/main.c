/* dirty: holds M MB and rewrites K MB of it each time Dom0 asks (xenstore). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <minios/app.h>
#include <minios/hypercall.h>
#include <minios/mm.h>
#include <minios/time.h>
#include <minios/xenbus.h>

#define CHUNK   (1UL << 20)
#define DIR     "data/dirty"
#define REQUEST "data/dirty/mb"
#define FROM    "data/dirty/from"
#define DONE    "data/dirty/done"
#define CRASH   "data/dirty/crash"
#define LDT     "data/dirty/ldt"

static int usage(const char *bad)
{
    printf("dirty: bad argument '%s'\n", bad);
    printf("usage: dirty [mb=M]   (M MB held, default 1; then, whenever\n"
           "  Dom0 writes K to " REQUEST " (in the guest's home), K MB of\n"
           "  them, from MB F of " FROM " (default 0), are rewritten and\n"
           "  " DONE " counts the requests served; writing anything to\n"
           "  " CRASH " makes it crash on purpose, to " LDT " makes it load\n"
           "  a one-entry LDT, a vCPU state a reset cannot undo)\n"
           "  poll=1: read XenStore at every 1 s wake, not only on its watch\n"
           "  (a test that needs a request out when the guest is cloned)\n");
    return 2;
}

/* Our domid from Xen (getpid(): no XenStore request), or from XenStore
 * when Xen does not say (a policy without clone_info). */
static domid_t self_domid(void)
{
    pid_t pid = getpid();

    return pid >= 0 ? (domid_t)pid : xen_domid();
}

/*
 * Sleep until Dom0 writes below data/dirty (a watch), or 1 s at most;
 * 1 when something may have been asked (an event, a watch just set, or
 * no watch: polling), 0 on a quiet timeout. XenStore keeps no watch for a
 * clone, so a new domid (a fork, xl clone, a reset to the parent's
 * memory) sets it again; until it is set, poll every 50 ms. An idle
 * instance thus costs XenStore nothing: once a second it asks Xen its
 * domid (N guests polling XenStore made xenstored the limit of the
 * density benchmark, and slowed every create in the growth one).
 */
static unsigned long poll_always; /* poll=1 */

static int wait_for_request(domid_t *watched)
{
    domid_t me = self_domid();
    int rc;

    if (me != *watched) {
        rc = xenbus_watch(DIR, "dirty");
        *watched = rc == 0 || rc == -EEXIST ? me : DOMID_INVALID;
        if (*watched == me)
            return 1; /* what was asked before the watch counts too */
    }
    rc = xenbus_wait_watch("dirty", NULL,
                           monotonic_ns() +
                               (*watched == me ? 1000 : 50) * NSEC_PER_MSEC);
    return rc == 0 || *watched != me || poll_always;
}

int main(int argc, char **argv)
{
    domid_t watched = DOMID_INVALID;
    unsigned long mb = 1, pass = 0;
    char **chunks;
    const char *v;

    for (int i = 1; i < argc; i++) {
        if (arg_value(argv[i], "poll", &v)) {
            if (parse_ulong(v, &poll_always) < 0 || poll_always > 1)
                return usage(argv[i]);
        } else if (!arg_value(argv[i], "mb", &v) || parse_ulong(v, &mb) < 0 ||
                   mb == 0)
            return usage(argv[i]);
    }
    chunks = calloc(mb, sizeof(*chunks));
    for (unsigned long c = 0; chunks && c < mb; c++) {
        if (!(chunks[c] = malloc(CHUNK))) {
            printf("dirty: out of memory after %lu of %lu MB\n", c, mb);
            return 1;
        }
        memset(chunks[c], 0x5a, CHUNK);
    }
    if (!chunks)
        return 1;
    xenbus_rm(XBT_NIL, "data/dirty");
    printf("dirty: holding %lu MB\n", mb);
    for (int look = 1;;) {
        unsigned long k, from = 0;
        char *bang;

        if (!look) {
            look = wait_for_request(&watched);
            continue;
        }
        if (xenbus_read(XBT_NIL, CRASH, &bang) == 0) {
            free(bang);
            xenbus_rm(XBT_NIL, CRASH);
            printf("dirty %u: crashing on request\n", xen_domid());
            *(volatile int *)0x7f0000000000UL = 1;
        }

        if (xenbus_read(XBT_NIL, LDT, &bang) == 0) {
            struct mmuext_op op = {.cmd = MMUEXT_SET_LDT};
            long rc;

            free(bang);
            xenbus_rm(XBT_NIL, LDT);
            /* A page of its own, read-only in the LDT's eyes: never used. */
            op.arg1.linear_addr =
                ((unsigned long)chunks[0] + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
            op.arg2.nr_ents = 1;
            rc = hyp_mmuext_op(&op, 1, NULL, DOMID_SELF);
            printf("dirty %u: LDT of one entry loaded: %ld\n", xen_domid(), rc);
        }

        /* The domid is read each time: a clone serves its own node. */
        if (xenbus_read_ulong(XBT_NIL, REQUEST, &k) < 0) {
            look = 0;
            continue;
        }
        xenbus_rm(XBT_NIL, REQUEST);
        if (xenbus_read_ulong(XBT_NIL, FROM, &from) < 0 || from > mb)
            from = 0;
        if (k > mb - from)
            k = mb - from;
        pass++;
        for (unsigned long c = from; c < from + k; c++)
            memset(chunks[c], (int)pass, CHUNK);
        printf("dirty %u: rewrote %lu MB from MB %lu\n", xen_domid(), k, from);
        xenbus_printf(XBT_NIL, DONE, "%lu", pass);
    }
}
