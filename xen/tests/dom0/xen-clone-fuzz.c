/* xen-clone-fuzz: seeded random clone_op calls from Dom0 (libxenctrl). */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <xencall.h>
#include <xenctrl.h>

/*
 * What it covers, and how it keeps the clone service (xencloned) working:
 *  - get_info, wait, unknown sub-ops: any contents, any domid.
 *  - set_policy, clone, reset: on the parent it was given, the clones it
 *    made, shells it made, Dom0 and domids that do not exist (a random
 *    domid naming someone else's domain is replaced by the parent).
 *  - clone with random flags (PAUSED, SHELLS, unknown bits), counts
 *    (0..70) and shell lists (its own empty shells, the parent, Dom0,
 *    duplicates, missing domids, a populated shell).
 *  - complete: only on domains not awaiting completion (the service
 *    completes the pending ones; a pending child never becomes pending
 *    again, so checking first is race-free).
 *  - register: only while the service is live (EBUSY expected); if one
 *    ever succeeds, it is unregistered at once and counted as unexpected.
 *  - add_shells: the service's call, and the service (xencloned) runs in
 *    Dom0 too: Xen cannot tell us from it. So every shell list carries a
 *    poison (Dom0, the parent, an entry twice) among its first nr entries,
 *    or the list pointer is bad: every call must be refused (EINVAL,
 *    EFAULT; ENOSPC with a full stock; EPERM while no service is
 *    registered). One that works put our shells into Xen's fork stock: a
 *    finding, counted as unexpected.
 *  - unregister: never (it is the service's own exit; clone-args.t and
 *    daemon.t test it). exit: only with non-zero padding or a bad pointer
 *    (a valid one would shut Dom0 down). Sub-op numbers whose low 32 bits
 *    are 1 or 7 are never passed raw.
 *  - sizes: structures bounced over 0..size+64 bytes (libxc lets any size
 *    through xc_clone_op_raw).
 *  - raw hypercalls (privcmd through libxencall) with bad argument
 *    pointers: NULL, low addresses, unmapped, read-only, a structure that
 *    runs into an inaccessible page (mis-sized), Xen's range,
 *    non-canonical. Never Dom0 kernel addresses (Xen would write there).
 * Clones are retired by shutting them down (xencloned destroys them and
 * removes their XenStore homes); at the end every clone and shell is
 * gone, or the run fails.
 */

#define MAX_OWN    512 /* domains of ours we track */
#define LIVE_MAX   8   /* clones alive at once before we retire some */
#define SIZE_SLACK 64
/*
 * Every policy it sets keeps the family at FAMILY_MAX live members (or is
 * invalid): the number of domains alive at once stays bounded, and with
 * it the tables Xen grows for Dom0 (event-channel buckets), so that free
 * memory can be compared to the page after a run.
 */
#define FAMILY_MAX 16

enum {
    OP_REGISTER,
    OP_UNREGISTER,
    OP_CLONE,
    OP_COMPLETE,
    OP_RESET,
    OP_SET_POLICY,
    OP_GET_INFO,
    OP_EXIT,
    OP_WAIT,
    OP_ADD_SHELLS,
    OP_OTHER,
    OP_RAW,
    NR_OPS
};
static const char *const op_names[NR_OPS] = {
    "register", "unregister", "clone", "complete",   "reset",   "set_policy",
    "get_info", "exit",       "wait",  "add_shells", "unknown", "raw-pointer"};

static xc_interface *xch;
static xencall_handle *xcall;
static uint64_t rng;
static uint32_t parent;
static uint32_t own[MAX_OWN]; /* our clones */
static unsigned int nr_own;
static uint32_t retired[MAX_OWN]; /* shut down, for xencloned to destroy */
static unsigned int nr_retired;
static uint32_t shells[MAX_OWN];
static unsigned int nr_shells;
static unsigned long counts[NR_OPS][140]; /* [op][errno], 0: success */
static unsigned long calls, clones_made, unexpected;
static bool verbose;
/* Parts left out with -x (to narrow a finding down). */
enum { X_SHELLS = 1, X_RESET = 2, X_RAW = 4, X_SIZED = 8, X_CLONE = 16 };
static unsigned int excluded;
static unsigned char *rw_buf;         /* locked hypercall buffer, 2 pages */
static unsigned char *ro_page, *edge; /* read-only; last bytes before a hole */
static uintptr_t hole;                /* an unmapped page */

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static unsigned int below(unsigned int n)
{
    return n ? rnd() % n : 0;
}

static void fill_random(void *p, size_t n)
{
    unsigned char *b = p;

    for (size_t i = 0; i < n; i++)
        b[i] = rnd();
    /* Mostly-zero structures reach deeper checks than pure noise. */
    if (below(2))
        for (size_t i = 0; i < n; i++)
            if (below(4))
                b[i] = 0;
}

static const char *errno_name(int e)
{
    static const struct {
        int e;
        const char *n;
    } t[] = {{0, "ok"},
             {EPERM, "EPERM"},
             {ENOENT, "ENOENT"},
             {ESRCH, "ESRCH"},
             {EINTR, "EINTR"},
             {EIO, "EIO"},
             {ENXIO, "ENXIO"},
             {E2BIG, "E2BIG"},
             {ECHILD, "ECHILD"},
             {EAGAIN, "EAGAIN"},
             {ENOMEM, "ENOMEM"},
             {EACCES, "EACCES"},
             {EFAULT, "EFAULT"},
             {EBUSY, "EBUSY"},
             {EEXIST, "EEXIST"},
             {EXDEV, "EXDEV"},
             {EINVAL, "EINVAL"},
             {ENOSPC, "ENOSPC"},
             {EMLINK, "EMLINK"},
             {ENOSYS, "ENOSYS"},
             {ENOTCONN, "ENOTCONN"},
             {EOPNOTSUPP, "EOPNOTSUPP"}};
    static char other[16];

    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (t[i].e == e)
            return t[i].n;
    snprintf(other, sizeof(other), "errno%d", e);
    return other;
}

static void record(int op, int rc, int err)
{
    int e = rc < 0 ? err : 0;

    if (e < 0 || e >= 140)
        e = 139;
    counts[op][e]++;
    calls++;
    if (verbose)
        printf("call %lu %s: %s\n", calls, op_names[op], errno_name(e));
}

static bool domain_exists(uint32_t d)
{
    xc_dominfo_t info;

    return xc_domain_getinfo(xch, d, 1, &info) == 1 && info.domid == d;
}

static bool is_ours(uint32_t d)
{
    if (d == parent)
        return true;
    for (unsigned int i = 0; i < nr_own; i++)
        if (own[i] == d)
            return true;
    for (unsigned int i = 0; i < nr_shells; i++)
        if (shells[i] == d)
            return true;
    return false;
}

static bool pending(uint32_t d)
{
    xen_clone_info_t info;

    return !xc_clone_get_info(xch, d, &info) &&
           (info.flags & XEN_CLONE_INFO_PENDING);
}

/* A domid to aim at: ours, Dom0, a special one or a missing one. */
static uint32_t pick_domid(void)
{
    static const uint32_t special[] = {
        DOMID_SELF, DOMID_IO, DOMID_XEN, DOMID_COW,   DOMID_INVALID,
        DOMID_IDLE, 0x7fef,   0x10000,   0xffffffffu, 0x7fff};
    uint32_t d;

    switch (below(8)) {
    case 0:
    case 1:
        return parent;
    case 2:
    case 3:
    case 4:
        return nr_own ? own[below(nr_own)] : parent;
    case 5:
        return nr_shells ? shells[below(nr_shells)] : 0;
    case 6:
        return special[below(sizeof(special) / sizeof(special[0]))];
    default:
        d = below(2) ? below(0x7ff0) : (uint16_t)rnd();
        /* Someone else's domain: aim at ours instead. */
        if (d != 0 && !is_ours(d) && domain_exists(d))
            d = parent;
        return d;
    }
}

/* A max_family that Xen refuses, or one of at most FAMILY_MAX. */
static uint32_t family_cap(uint32_t v)
{
    return v > XEN_CLONE_MAX_FAMILY ? v : v % (FAMILY_MAX + 1);
}

static void add_own(uint32_t d)
{
    if (nr_own < MAX_OWN)
        own[nr_own++] = d;
    else /* no room to track it: the clone service destroys it now */
        xc_domain_shutdown(xch, d, SHUTDOWN_poweroff);
}

static void forget_shell(uint32_t d)
{
    for (unsigned int i = 0; i < nr_shells; i++)
        if (shells[i] == d) {
            shells[i] = shells[--nr_shells];
            return;
        }
}

/* An empty, paused PV domain shaped like the parent (see xen-clone-test). */
static void make_shell(void)
{
    xc_dominfo_t info;
    xc_physinfo_t phys = {0};
    struct xen_domctl_createdomain cfg = {
        .max_evtchn_port = 1023,
        .max_grant_frames = -1,
        .max_maptrack_frames = -1,
    };
    uint32_t d = 0;

    if (nr_shells >= 6 || xc_domain_getinfo(xch, parent, 1, &info) != 1 ||
        xc_physinfo(xch, &phys) < 0)
        return;
    cfg.max_vcpus = below(8) ? info.max_vcpu_id + 1 : 2;
    cfg.grant_opts = XEN_DOMCTL_GRANT_version(
        phys.capabilities & XEN_SYSCTL_PHYSCAP_gnttab_v2 ? 2 : 1);
    if (xc_domain_create(xch, &d, &cfg) < 0)
        return;
    shells[nr_shells++] = d;
    if (!below(6)) { /* a populated shell: Xen must refuse it */
        xen_pfn_t pfn = 0;

        if (xc_domain_setmaxmem(xch, d, 4096) < 0 ||
            xc_domain_populate_physmap_exact(xch, d, 1, 0, 0, &pfn) < 0)
            return;
    }
}

/* A bad pointer for a raw call, or rw_buf (sometimes). */
static uintptr_t pick_pointer(size_t size, bool *valid)
{
    static const uintptr_t bad[] = {
        0,
        8,
        0xfff,
        0x1000,
        0xffff800000000000ull, /* Xen's range */
        0xffff82d080000000ull, /* Xen's text */
        0x0000800000000000ull, /* non-canonical */
        0x8000000000000000ull,
        0xfffffffffffff000ull,
        0xffffffffffffffffull,
    };

    *valid = false;
    switch (below(6)) {
    case 0:
        return bad[below(sizeof(bad) / sizeof(bad[0]))];
    case 1:
        return hole + below(4096);
    case 2: /* read-only: reads work, writes fail */
        return (uintptr_t)ro_page + below(64) * 8;
    case 3: /* runs into the hole: a mis-sized buffer */
        return (uintptr_t)edge + 4096 - (size > 1 ? 1 + below(size - 1) : 1);
    default:
        *valid = true;
        return (uintptr_t)rw_buf;
    }
}

/* Fill a clone op whose child list is in rw_buf + 256 (or bad). */
static void shape_clone(xen_clone_op_t *op, uint16_t *list)
{
    bool ok;

    op->parent = below(4) ? pick_domid() : (uint16_t)rnd();
    op->flags = below(3) ? below(4) : (uint16_t)rnd();
    op->nr_children = below(4) ? below(6) : (uint32_t)rnd();
    if (below(5)) {
        op->child_list.p = list;
        for (unsigned int i = 0; i < 64; i++)
            list[i] =
                below(3) && nr_shells ? shells[below(nr_shells)] : pick_domid();
    } else {
        op->child_list.p = (domid_t *)pick_pointer(128, &ok);
    }
}

/* After a clone through rw_buf worked: note the children it made. */
static void note_children(const uint16_t *list, unsigned int n)
{
    for (unsigned int i = 0; i < n && i < XEN_CLONE_MAX_BATCH; i++) {
        forget_shell(list[i]);
        add_own(list[i]);
        clones_made++;
    }
}

/*
 * A clone that worked wrote its children's domids at list (saved before
 * the call: the list may overlay the op itself). Only our writable buffer
 * can take them; anything else working is a finding.
 */
static void after_clone(uintptr_t list, uint32_t nr, const char *how)
{
    if (list == (uintptr_t)rw_buf || list == (uintptr_t)rw_buf + 256) {
        note_children((const uint16_t *)list, nr);
        return;
    }
    unexpected++;
    printf("xen-clone-fuzz: call %lu: %s clone with child list %#lx worked\n",
           calls, how, (unsigned long)list);
}

/*
 * Fill LIST with N domids for add_shells that Xen must refuse: ours, the
 * parent, Dom0, special and missing ones, and at a random index below N a
 * poison (Dom0, the parent, or an earlier entry again): our empty shells
 * must never enter Xen's fork stock.
 */
static void shape_shell_list(uint16_t *list, unsigned int n)
{
    unsigned int at;

    for (unsigned int i = 0; i < n; i++)
        list[i] =
            below(2) && nr_shells ? shells[below(nr_shells)] : pick_domid();
    if (!n)
        return;
    at = below(n);
    switch (below(3)) {
    case 0:
        list[at] = 0;
        break;
    case 1:
        list[at] = parent;
        break;
    default:
        list[at] = at ? list[below(at)] : 0;
        break;
    }
}

/* A pointer that cannot hold a usable shell list (never rw_buf). */
static uintptr_t pick_bad_pointer(size_t size)
{
    uintptr_t p;
    bool valid;

    do
        p = pick_pointer(size, &valid);
    while (valid);
    return p;
}

/* An add_shells that worked: our shells are in Xen's fork stock. */
static void after_add_shells(int rc, const char *how)
{
    if (rc != 0)
        return;
    unexpected++;
    printf("xen-clone-fuzz: call %lu: %s add_shells worked (shells of ours "
           "in Xen's fork stock)\n",
           calls, how);
}

static bool service_live(void)
{
    xen_clone_info_t info;

    return !xc_clone_get_info(xch, DOMID_SELF, &info) &&
           (info.flags & XEN_CLONE_INFO_SERVICE);
}

/* A register that worked means no service was there: undo it. */
static void undo_register(int rc)
{
    if (rc == 0) {
        unexpected++;
        printf("xen-clone-fuzz: call %lu: register worked (no live service "
               "was there?): unregistering at once\n",
               calls);
        xc_clone_unregister(xch);
    }
}

/* One call through libxenctrl's calls, or xc_clone_op_raw. */
static void one_xc_call(void)
{
    unsigned int op = below(10);
    int rc, e;

    switch (op) {
    case 0: { /* register, only while a service is live */
        uint64_t frames[XEN_CLONE_RING_MAX_FRAMES];

        if (!service_live())
            return;
        rc = xc_clone_register(xch, below(11), frames);
        e = errno;
        record(OP_REGISTER, rc, e);
        undo_register(rc);
        return;
    }
    case 1: { /* a well-formed clone through xc_clone */
        uint32_t kids[XEN_CLONE_MAX_BATCH + 8];
        unsigned int n = below(6) ? 1 + below(3) : below(70);
        unsigned int flags = below(5) ? below(2) : below(4) | (rnd() & 0xf0);

        if (n > XEN_CLONE_MAX_BATCH + 8)
            n = XEN_CLONE_MAX_BATCH + 8;
        if (excluded & X_CLONE)
            return;
        if (below(4) == 0 && !(excluded & X_SHELLS)) {
            flags |= XEN_CLONE_FLAG_SHELLS;
            if (!below(2))
                make_shell();
        }
        for (unsigned int i = 0; i < n; i++)
            kids[i] =
                below(3) && nr_shells ? shells[below(nr_shells)] : pick_domid();
        rc = xc_clone(xch, pick_domid(), n, flags, kids);
        e = errno;
        record(OP_CLONE, rc, e);
        if (rc == 0)
            for (unsigned int i = 0; i < n; i++) {
                forget_shell(kids[i]);
                add_own(kids[i]);
                clones_made++;
            }
        return;
    }
    case 2: { /* complete, never a pending child */
        uint32_t d = pick_domid();

        if (pending(d))
            return;
        rc = xc_clone_complete(xch, d, below(2) ? 0 : -(int)below(200));
        record(OP_COMPLETE, rc, errno);
        return;
    }
    case 3:
        if (excluded & X_RESET)
            return;
        rc = xc_clone_reset(xch, pick_domid());
        record(OP_RESET, rc, errno);
        return;
    case 4: {
        uint32_t d = pick_domid();

        if (d == 0)
            d = parent; /* Dom0's policy is not ours to change */
        rc = xc_clone_set_policy(
            xch, d, below(5) != 0, below(8) ? below(6) : (uint32_t)rnd(),
            family_cap(below(8) ? 1 + below(24) : (uint32_t)rnd()),
            below(8) ? below(5) : (uint16_t)rnd());
        record(OP_SET_POLICY, rc, errno);
        return;
    }
    case 5: {
        xen_clone_info_t info;

        rc = xc_clone_get_info(xch, pick_domid(), &info);
        record(OP_GET_INFO, rc, errno);
        return;
    }
    case 6: {
        xen_clone_wait_t w;

        rc = xc_clone_wait(xch, pick_domid(), &w);
        record(OP_WAIT, rc, errno);
        return;
    }
    case 7: { /* add_shells through xc_clone_add_shells, always refused */
        uint16_t list[XEN_CLONE_MAX_BATCH + 8];
        uint32_t ids[XEN_CLONE_MAX_BATCH + 8];
        unsigned int n =
            below(8) ? 1 + below(4) : below(XEN_CLONE_MAX_BATCH + 8);

        if (excluded & X_SHELLS)
            return;
        if (!below(3))
            make_shell();
        shape_shell_list(list, n);
        for (unsigned int i = 0; i < n; i++)
            ids[i] = list[i];
        rc = xc_clone_add_shells(xch, ids, n);
        e = errno;
        record(OP_ADD_SHELLS, rc, e);
        after_add_shells(rc, "an");
        return;
    }
    default:
        break;
    }

    /* Random contents and sizes through xc_clone_op_raw. */
    if (!(excluded & X_SIZED)) {
        union {
            xen_clone_register_t reg;
            xen_clone_op_t clone;
            xen_clone_complete_t comp;
            xen_clone_reset_t reset;
            xen_clone_policy_t pol;
            xen_clone_info_t info;
            xen_clone_exit_t ex;
            xen_clone_wait_t wait;
            xen_clone_add_shells_t add;
            unsigned char raw[sizeof(xen_clone_register_t) + SIZE_SLACK];
        } u;
        uint16_t *list = (uint16_t *)(rw_buf + 256);
        static const unsigned int cmds[] = {
            CLONEOP_register, CLONEOP_clone,      CLONEOP_complete,
            CLONEOP_reset,    CLONEOP_set_policy, CLONEOP_get_info,
            CLONEOP_exit,     CLONEOP_wait,       CLONEOP_add_shells};
        unsigned int cmd = cmds[below(sizeof(cmds) / sizeof(cmds[0]))];
        size_t size, full = 0;
        uintptr_t list_at;
        uint32_t list_nr;
        int kind;

        if (!below(10))
            cmd = CLONEOP_add_shells + 1 +
                  below(below(2) ? 8 : 0x7fffffff - CLONEOP_add_shells);
        fill_random(&u, sizeof(u));
        switch (cmd) {
        case CLONEOP_register:
            if (!service_live())
                return;
            full = sizeof(u.reg);
            if (below(2))
                u.reg.version = XEN_CLONE_INTERFACE_VERSION;
            kind = OP_REGISTER;
            break;
        case CLONEOP_clone:
            full = sizeof(u.clone);
            shape_clone(&u.clone, list);
            kind = OP_CLONE;
            break;
        case CLONEOP_complete:
            full = sizeof(u.comp);
            u.comp.child = pick_domid();
            if (pending(u.comp.child))
                return;
            kind = OP_COMPLETE;
            break;
        case CLONEOP_reset:
            full = sizeof(u.reset);
            u.reset.child = pick_domid();
            kind = OP_RESET;
            break;
        case CLONEOP_set_policy:
            full = sizeof(u.pol);
            u.pol.domid = pick_domid();
            if (u.pol.domid == 0)
                u.pol.domid = parent;
            u.pol.max_family = family_cap(u.pol.max_family);
            kind = OP_SET_POLICY;
            break;
        case CLONEOP_get_info:
            full = sizeof(u.info);
            kind = OP_GET_INFO;
            break;
        case CLONEOP_exit:
            full = sizeof(u.ex);
            u.ex.pad |= 1 + below(0xffff); /* never a valid exit */
            kind = OP_EXIT;
            break;
        case CLONEOP_wait:
            full = sizeof(u.wait);
            kind = OP_WAIT;
            break;
        case CLONEOP_add_shells:
            if (excluded & X_SHELLS)
                return;
            full = sizeof(u.add);
            if (below(2))
                u.add.pad = 0;
            if (below(2))
                u.add.nr = 1 + below(4);
            if (below(4)) {
                shape_shell_list(list, u.add.nr < XEN_CLONE_MAX_BATCH
                                           ? u.add.nr
                                           : XEN_CLONE_MAX_BATCH);
                u.add.shells.p = list;
            } else
                u.add.shells.p = (domid_t *)pick_bad_pointer(128);
            kind = OP_ADD_SHELLS;
            break;
        default:
            full = sizeof(u.raw);
            kind = OP_OTHER;
            break;
        }
        size = below(3) ? full : below(full + SIZE_SLACK + 1);
        /*
         * A short bounce buffer lets Xen read past what libxc copied in:
         * fields it reads there are whatever the page held. An exit must
         * still carry non-zero padding: pass it whole.
         */
        if (cmd == CLONEOP_exit)
            size = full;
        /* A short one for a set_policy/complete/reset/clone may name any
         * domain in the bytes libxc does not copy: keep those whole too. */
        if (cmd == CLONEOP_set_policy || cmd == CLONEOP_complete ||
            cmd == CLONEOP_reset || cmd == CLONEOP_clone ||
            cmd == CLONEOP_add_shells)
            size = size < full ? full : size;
        list_at = (uintptr_t)u.clone.child_list.p;
        list_nr = u.clone.nr_children;
        rc = xc_clone_op_raw(xch, cmd, below(20) ? (void *)&u : NULL, size);
        e = errno;
        record(kind, rc, e);
        if (cmd == CLONEOP_register)
            undo_register(rc);
        if (cmd == CLONEOP_clone && rc == 0)
            after_clone(list_at, list_nr, "a bounced");
        if (cmd == CLONEOP_add_shells)
            after_add_shells(rc, "a bounced");
    }
}

/* A raw hypercall (libxencall, no bouncing) with a bad or odd pointer. */
static void one_raw_call(void)
{
    static const unsigned int cmds[] = {
        CLONEOP_register, CLONEOP_clone,      CLONEOP_complete,
        CLONEOP_reset,    CLONEOP_set_policy, CLONEOP_get_info,
        CLONEOP_wait,     CLONEOP_add_shells, 99};
    uint64_t cmd = cmds[below(sizeof(cmds) / sizeof(cmds[0]))];
    size_t size = sizeof(xen_clone_register_t);
    bool valid;
    uintptr_t p = pick_pointer(size, &valid), list_at;
    uint32_t list_nr;
    int rc;

    /* A full 64-bit sub-op: Xen takes the low 32 bits. */
    if (!below(8))
        cmd |= (uint64_t)(1 + below(0xffff)) << 32;
    if (cmd == CLONEOP_register && !service_live())
        return;
    if (valid) {
        /* Our locked buffer: random contents, made safe as above. */
        fill_random(rw_buf, 256);
        switch ((uint32_t)cmd) {
        case CLONEOP_clone:
            shape_clone((xen_clone_op_t *)rw_buf, (uint16_t *)(rw_buf + 256));
            break;
        case CLONEOP_complete:
            ((xen_clone_complete_t *)rw_buf)->child = pick_domid();
            if (pending(((xen_clone_complete_t *)rw_buf)->child))
                return;
            break;
        case CLONEOP_reset:
            ((xen_clone_reset_t *)rw_buf)->child = pick_domid();
            break;
        case CLONEOP_add_shells: {
            xen_clone_add_shells_t *a = (xen_clone_add_shells_t *)rw_buf;

            if (below(2))
                a->pad = 0;
            if (below(2))
                a->nr = 1 + below(4);
            shape_shell_list((uint16_t *)(rw_buf + 256),
                             a->nr < XEN_CLONE_MAX_BATCH ? a->nr
                                                         : XEN_CLONE_MAX_BATCH);
            a->shells.p = below(4) ? (domid_t *)(rw_buf + 256)
                                   : (domid_t *)pick_bad_pointer(128);
            break;
        }
        case CLONEOP_set_policy:
            ((xen_clone_policy_t *)rw_buf)->domid = pick_domid() ?: parent;
            ((xen_clone_policy_t *)rw_buf)->max_family =
                family_cap(((xen_clone_policy_t *)rw_buf)->max_family);
            break;
        default:
            break;
        }
    } else if ((uint32_t)cmd == CLONEOP_clone ||
               (uint32_t)cmd == CLONEOP_set_policy ||
               (uint32_t)cmd == CLONEOP_complete ||
               (uint32_t)cmd == CLONEOP_reset) {
        /* Readable bad places (the read-only page, the bytes before the
         * hole) hold what we put there: a domain of ours or nothing. */
        if (p >= (uintptr_t)ro_page && p < (uintptr_t)ro_page + 4096)
            p = hole; /* the read-only page is zeros: domid 0 */
    }
    list_at = (uintptr_t)((xen_clone_op_t *)rw_buf)->child_list.p;
    list_nr = ((xen_clone_op_t *)rw_buf)->nr_children;
    rc = xencall2(xcall, __HYPERVISOR_clone_op, cmd, p);
    record(OP_RAW, rc, errno);
    if (rc == 0 && (uint32_t)cmd == CLONEOP_register)
        undo_register(rc);
    if ((uint32_t)cmd == CLONEOP_add_shells)
        after_add_shells(rc, "a raw");
    if (rc == 0 && (uint32_t)cmd == CLONEOP_clone) {
        if (valid)
            after_clone(list_at, list_nr, "a raw");
        else {
            unexpected++;
            printf("xen-clone-fuzz: call %lu: a raw clone at %#lx worked\n",
                   calls, (unsigned long)p);
        }
    }
}

/* Shut one of our clones down (xencloned destroys it); drop it. */
static void retire(unsigned int i)
{
    uint32_t d = own[i];

    own[i] = own[--nr_own];
    if (domain_exists(d)) {
        xc_domain_shutdown(xch, d, SHUTDOWN_poweroff);
        if (nr_retired < MAX_OWN)
            retired[nr_retired++] = d;
    }
}

/* Keep few clones alive: retire complete ones beyond LIVE_MAX. */
static void retire_some(void)
{
    for (unsigned int i = 0; i < nr_retired;) {
        if (!domain_exists(retired[i])) {
            retired[i] = retired[--nr_retired];
            continue;
        }
        i++;
    }
    for (unsigned int i = 0; i < nr_shells;) {
        if (!domain_exists(shells[i])) {
            shells[i] = shells[--nr_shells];
            continue;
        }
        i++;
    }
    for (unsigned int i = 0; i < nr_own;) {
        if (!domain_exists(own[i])) {
            own[i] = own[--nr_own];
            continue;
        }
        i++;
    }
    for (unsigned int i = 0; nr_own > LIVE_MAX && i < nr_own;) {
        if (!pending(own[i]))
            retire(i);
        else
            i++;
    }
}

/* At the end: every clone retired and gone, every shell destroyed. */
static int cleanup(void)
{
    unsigned int i;
    int tries;

    for (i = 0; i < nr_shells; i++)
        xc_domain_destroy(xch, shells[i]);
    nr_shells = 0;
    for (tries = 0; tries < 900; tries++) {
        retire_some();
        for (i = 0; i < nr_own;) {
            if (!pending(own[i]))
                retire(i);
            else
                i++;
        }
        if (!nr_own && !nr_retired)
            break;
        usleep(100000);
    }
    if (nr_own || nr_retired)
        printf("xen-clone-fuzz: after 90 s, %u clones still pending and %u "
               "shut down but not destroyed by the clone service\n",
               nr_own, nr_retired);
    return nr_own + nr_retired;
}

static void print_results(void)
{
    unsigned long total[140] = {0};

    for (int op = 0; op < NR_OPS; op++) {
        unsigned long n = 0;

        for (int e = 0; e < 140; e++)
            n += counts[op][e];
        if (!n)
            continue;
        printf("xen-clone-fuzz: %s: %lu calls:", op_names[op], n);
        for (int e = 0; e < 140; e++)
            if (counts[op][e]) {
                printf(" %s=%lu", errno_name(e), counts[op][e]);
                total[e] += counts[op][e];
            }
        printf("\n");
    }
    printf("xen-clone-fuzz: results:");
    for (int e = 0; e < 140; e++)
        if (total[e])
            printf(" %s=%lu", errno_name(e), total[e]);
    printf("\n");
}

static void usage(FILE *out)
{
    fprintf(
        out,
        "Usage: xen-clone-fuzz [-v] [-s SEED] [-n CALLS] [-x PARTS] PARENT\n"
        "\n"
        "Random clone_op calls from Dom0 through libxenctrl and raw\n"
        "privcmd hypercalls with bad pointers, aimed at the clonable\n"
        "guest PARENT (its policy is changed), the clones made of it,\n"
        "empty shells, Dom0 and missing domains. Needs a live clone\n"
        "service (xencloned): it completes the clones and destroys\n"
        "them once shut down. Prints the seed, results by sub-op and\n"
        "errno, and leaves no clone or shell behind and PARENT's\n"
        "clone policy as it found it.\n"
        "\n"
        "  -s SEED   random seed (default: from the clock; printed)\n"
        "  -n CALLS  number of calls (default 1000)\n"
        "  -v        print every call's result\n"
        "  -x PARTS  leave out some of: shells (shell lists and\n"
        "            add_shells), reset, raw (bad pointers), sized\n"
        "            (random contents and sizes), clone (well-formed\n"
        "            clones), comma-separated\n"
        "\n"
        "Exit status: 0 done and clean, 1 something left behind or a\n"
        "call worked that must not, 2 bad usage or set-up.\n");
}

int main(int argc, char **argv)
{
    unsigned long n = 1000, seed = time(NULL);
    xen_clone_info_t saved;
    char *end;
    int c, rc = 0;

    while ((c = getopt(argc, argv, "hvs:n:x:")) != -1) {
        switch (c) {
        case 'x':
            for (char *t = strtok(optarg, ","); t; t = strtok(NULL, ",")) {
                if (!strcmp(t, "shells"))
                    excluded |= X_SHELLS;
                else if (!strcmp(t, "reset"))
                    excluded |= X_RESET;
                else if (!strcmp(t, "raw"))
                    excluded |= X_RAW;
                else if (!strcmp(t, "sized"))
                    excluded |= X_SIZED;
                else if (!strcmp(t, "clone"))
                    excluded |= X_CLONE;
                else {
                    fprintf(stderr, "xen-clone-fuzz: unknown part '%s'\n", t);
                    return 2;
                }
            }
            break;
        case 's':
            seed = strtoul(optarg, &end, 0);
            if (*end || !*optarg) {
                fprintf(stderr, "xen-clone-fuzz: bad seed '%s'\n", optarg);
                return 2;
            }
            break;
        case 'n':
            n = strtoul(optarg, &end, 0);
            if (*end || !*optarg || !n) {
                fprintf(stderr, "xen-clone-fuzz: bad call count '%s'\n",
                        optarg);
                return 2;
            }
            break;
        case 'v':
            verbose = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind + 1 != argc) {
        usage(stderr);
        return 2;
    }
    parent = strtoul(argv[optind], &end, 0);
    if (*end || !*argv[optind] || parent == 0 ||
        parent >= DOMID_FIRST_RESERVED) {
        fprintf(stderr, "xen-clone-fuzz: bad parent domid '%s'\n",
                argv[optind]);
        return 2;
    }
    rng = seed * 0x9e3779b97f4a7c15ull + 1;

    xch = xc_interface_open(NULL, NULL, 0);
    xcall = xencall_open(NULL, 0);
    if (!xch || !xcall) {
        fprintf(stderr,
                "xen-clone-fuzz: cannot open libxenctrl/libxencall: "
                "%s\n",
                strerror(errno));
        return 2;
    }
    if (!domain_exists(parent)) {
        fprintf(stderr, "xen-clone-fuzz: parent d%u does not exist\n", parent);
        return 2;
    }
    if (!service_live()) {
        fprintf(stderr, "xen-clone-fuzz: no live clone service (start "
                        "xencloned first)\n");
        return 2;
    }
    rw_buf = xencall_alloc_buffer_pages(xcall, 2);
    ro_page =
        mmap(NULL, 4096, PROT_READ,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_LOCKED, -1, 0);
    edge = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_LOCKED, -1, 0);
    if (!rw_buf || ro_page == MAP_FAILED || edge == MAP_FAILED ||
        mprotect(edge + 4096, 4096, PROT_NONE)) {
        fprintf(stderr, "xen-clone-fuzz: cannot set up buffers: %s\n",
                strerror(errno));
        return 2;
    }
    hole = (uintptr_t)edge + 4096;
    memset(edge, 0, 4096);

    printf("xen-clone-fuzz: seed %lu, %lu calls, parent d%u\n", seed, n,
           parent);
    fflush(stdout);
    if (xc_clone_get_info(xch, parent, &saved)) {
        fprintf(stderr, "xen-clone-fuzz: cannot read d%u's clone policy: %s\n",
                parent, strerror(errno));
        return 2;
    }
    xc_clone_set_policy(xch, parent, 1, 4, FAMILY_MAX, 4);
    while (calls < n) {
        if (below(4))
            one_xc_call();
        else if (!(excluded & X_RAW))
            one_raw_call();
        retire_some();
        if (calls % 10000 == 0 && calls) {
            printf("xen-clone-fuzz: %lu calls\n", calls);
            fflush(stdout);
        }
    }
    printf("xen-clone-fuzz: %lu calls made, %lu clones made\n", calls,
           clones_made);
    print_results();
    if (cleanup())
        rc = 1;
    if (xc_clone_set_policy(xch, parent, saved.enabled, saved.max_clones,
                            saved.max_family, saved.max_depth)) {
        printf("xen-clone-fuzz: restoring d%u's clone policy failed: %s\n",
               parent, strerror(errno));
        rc = 1;
    }
    if (unexpected) {
        printf("xen-clone-fuzz: %lu calls worked that must not\n", unexpected);
        rc = 1;
    }
    printf("xen-clone-fuzz: done, seed %lu\n", seed);
    xencall_free_buffer_pages(xcall, rw_buf, 2);
    xencall_close(xcall);
    xc_interface_close(xch);
    return rc;
}
