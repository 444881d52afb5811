/* clonefuzz: seeded random clone_op calls; Xen must answer every one. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <minios/app.h>
#include <minios/clone.h>
#include <minios/hypercall.h>
#include <minios/mm.h>
#include <minios/os.h>

#define NR_ERRNO  128 /* results counted per -errno below this */
#define MAX_FORKS 8   /* live children of the fuzzer at once */
#define CHILD_OPS 16  /* random calls a forked child makes before it exits */

static uint64_t rng;

/* xorshift64*: the whole run follows from the seed. */
static uint64_t next(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dULL;
}

static unsigned int below(unsigned int n)
{
    return (unsigned int)(next() % n);
}

static int usage(const char *bad)
{
    printf("clonefuzz: bad argument '%s'\n", bad);
    printf("usage: clonefuzz [seed=N] [calls=N] [forks=0|1]\n"
           "  seed: the run's seed (default 1); calls: 1..10000000 clone_op\n"
           "  calls (default 100000); forks=0: never fork for real\n");
    return 2;
}

/* Argument memory: a page of ours, and one behind it that is unmapped. */
static uint8_t *buf;
static uint8_t *hole;

/* A pointer for an argument: mostly good, sometimes each kind of bad. */
static void *pick_ptr(size_t size)
{
    switch (below(16)) {
    case 0:
        return (void *)0x00007f0000000000UL; /* unmapped */
    case 1:
        return (void *)0xffff830000000000UL; /* Xen's */
    case 2:
        return (void *)MACH2PHYS_VIRT_START; /* read-only */
    case 3:
        return (void *)0x8000000000000000UL; /* non-canonical */
    case 4:
        return hole - 1 - below(size ? size : 1); /* crosses into the hole */
    default:
        return buf + below(PAGE_SIZE - (size < PAGE_SIZE ? size : 0));
    }
}

/* A domid: mostly meaningful ones. */
static domid_t pick_domid(void)
{
    switch (below(8)) {
    case 0:
        return 0;
    case 1:
        return DOMID_INVALID;
    case 2:
        return DOMID_XEN;
    case 3:
        return (domid_t)next();
    case 4:
        return (domid_t)getpid();
    default:
        return DOMID_SELF;
    }
}

/* Is [p, p + size) inside our argument page (writable by us)? */
static int in_buf(const void *p, size_t size)
{
    const uint8_t *b = p;

    return b >= buf && b + size <= hole;
}

/* Random contents for the argument at p, some fields steered. */
static void fill(void *p, size_t size)
{
    uint8_t *b = p;

    if (!in_buf(p, size))
        return; /* a bad pointer: nothing of ours to fill */
    for (size_t i = 0; i < size; i++)
        b[i] = (uint8_t)next();
    if (size >= 2 && below(2))
        *(domid_t *)b = pick_domid();
}

static unsigned long counts[NR_ERRNO], other, forks, waits;
static unsigned int live;

static void count(long rc)
{
    if (rc > -NR_ERRNO && rc <= 0)
        counts[-rc]++;
    else
        other++;
}

/* One random call. child: never clone, wait or exit here. */
static long one_call(int child, int may_fork)
{
    unsigned int cmd = below(12);
    domid_t kids[XEN_CLONE_MAX_BATCH];
    struct xen_clone_op *op;
    void *arg;
    long rc;

    switch (cmd) {
    case CLONEOP_clone:
        if (child)
            return 0;
        arg = pick_ptr(sizeof(*op));
        fill(arg, sizeof(*op));
        if (in_buf(arg, sizeof(*op))) {
            op = arg;
            /* A real fork now and then, when there is room. */
            if (may_fork && live < MAX_FORKS && below(4) == 0) {
                op->parent = DOMID_SELF;
                op->flags = 0;
                op->nr_children = 1;
                set_xen_guest_handle(op->child_list, kids);
            } else if (below(2)) {
                /* Bad on purpose, never a real clone of us. */
                op->nr_children = below(2) ? 0 : 65 + below(1000);
                set_xen_guest_handle(op->child_list,
                                     (domid_t *)pick_ptr(2 * 64));
            } else
                op->parent = 0; /* Dom0: EPERM, whatever the rest says */
        }
        rc = hyp_clone_op(CLONEOP_clone, arg);
        if (rc > 0) {
            /* A forked child: a few calls of its own, then its end. */
            for (unsigned int i = 0; i < CHILD_OPS; i++)
                count(one_call(1, 0));
            clone_exit((int)below(256));
        }
        if (rc == 0 && in_buf(arg, sizeof(*op)) &&
            ((struct xen_clone_op *)arg)->nr_children == 1)
            forks++, live++;
        return rc;
    case CLONEOP_exit:
        if (!child) {
            struct xen_clone_exit *e = (void *)buf;

            /* Only bad exits: padding. A good one would end the fuzzer. */
            e->status = (int32_t)next();
            e->pad = 1 + below(100);
            return hyp_clone_op(cmd, e);
        }
        return 0;
    case CLONEOP_wait:
        if (child || !live) {
            struct xen_clone_wait *w = (void *)buf;

            memset(w, 0, sizeof(*w));
            w->child = pick_domid();
            w->flags = below(2) ? 0 : (uint16_t)next();
            w->pad = below(2) ? 0 : (uint16_t)next();
            if (w->child == DOMID_INVALID && !w->flags && !w->pad && !child)
                w->flags = 1; /* no child to wait for: keep it bad */
            return hyp_clone_op(cmd, w);
        }
        {
            int status;
            pid_t pid = wait(&status);

            if (pid > 0)
                waits++, live--;
            return pid > 0 ? 0 : -errno;
        }
    default:
        arg = pick_ptr(128);
        fill(arg, 128);
        return hyp_clone_op(below(64) ? cmd : (unsigned int)next(), arg);
    }
}

int main(int argc, char **argv)
{
    unsigned long seed = 1, calls = 100000, may_fork = 1;
    const char *v;

    for (int i = 1; i < argc; i++) {
        if (arg_value(argv[i], "seed", &v) && !parse_ulong(v, &seed))
            continue;
        if (arg_value(argv[i], "calls", &v) && !parse_ulong(v, &calls) &&
            calls >= 1 && calls <= 10000000)
            continue;
        if (arg_value(argv[i], "forks", &v) && !parse_ulong(v, &may_fork) &&
            may_fork <= 1)
            continue;
        return usage(argv[i]);
    }
    rng = seed * 0x9e3779b97f4a7c15ULL + 1;
    printf("clonefuzz: seed %lu, %lu calls, forks %s\n", seed, calls,
           may_fork ? "on" : "off");

    buf = alloc_pages(2);
    if (!buf) {
        printf("clonefuzz: no memory for the argument pages\n");
        return 1;
    }
    hole = buf + PAGE_SIZE;
    *(volatile uint8_t *)buf = 0;
    if (hyp_update_va_mapping((unsigned long)hole, 0, UVMF_INVLPG)) {
        printf("clonefuzz: cannot unmap the page behind the arguments\n");
        return 1;
    }

    for (unsigned long i = 0; i < calls; i++) {
        count(one_call(0, (int)may_fork));
        if ((i + 1) % 5000 == 0)
            printf("clonefuzz: %lu calls\n", i + 1);
    }
    while (live && wait(NULL) > 0)
        waits++, live--;

    printf("clonefuzz: results:");
    for (unsigned int e = 0; e < NR_ERRNO; e++)
        if (counts[e])
            printf(" %s=%lu", e ? strerror((int)e) : "ok", counts[e]);
    printf(" other=%lu\n", other);
    printf("clonefuzz: %lu forks, %lu children collected\n", forks, waits);
    printf("clonefuzz: done, seed %lu\n", seed);
    return 0;
}
