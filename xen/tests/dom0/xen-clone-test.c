/* xen-clone-test: Dom0 driver of the clone_op hypercall, for the tests. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <xenctrl.h>
#include <xenforeignmemory.h>

static void usage(FILE *out)
{
    fprintf(
        out,
        "Usage: xen-clone-test COMMAND [ARGS]\n"
        "\n"
        "Drive the clone_op hypercall through libxenctrl (tests only).\n"
        "\n"
        "  args                      TAP: argument checks without a guest\n"
        "  badargs DOMID             TAP: argument checks on a clonable\n"
        "                            guest DOMID (its policy is changed)\n"
        "  service DOMID             TAP: register a ring, clone DOMID\n"
        "                            (2 children), read the ring, and\n"
        "                            unregister (destroys the children)\n"
        "  info DOMID                print the domain's clone info\n"
        "  policy DOMID ENABLED MAX [FAMILY [DEPTH [SHARED]]]\n"
        "                            set the clone policy (max_clones,\n"
        "                            max_family 256, max_depth 16,\n"
        "                            max_shared 0: Xen's default)\n"
        "  clone DOMID N [paused]    clone DOMID into N children and\n"
        "                            print their domids, one a line\n"
        "  complete DOMID STATUS     complete a child (STATUS 0 or <0)\n"
        "  reset DOMID               reset a child to its parent's memory\n"
        "                            and its own vCPU at birth\n"
        "  dying DOMID MFN           TAP: hold page MFN of PV guest DOMID,\n"
        "                            destroy it, clone the dying domain\n"
        "                            (ESRCH), let it go\n"
        "  forkhold DOMID SECS       TAP: be the clone service; hold the\n"
        "                            first child DOMID forks for SECS s:\n"
        "                            the parent must not run meanwhile\n"
        "  shell DOMID [populated]   make an empty, paused PV domain\n"
        "                            shaped like DOMID (libxl's defaults\n"
        "                            for what Dom0 cannot read) and print\n"
        "                            its domid; populated: give it a page\n"
        "  clone-shells DOMID SHELL...  clone DOMID into the given shells\n"
        "                            (XEN_CLONE_FLAG_SHELLS); print the\n"
        "                            children's domids, one a line\n"
        "  fmap DOMID MFN...          map each machine frame read-only as\n"
        "                            a foreign frame of DOMID (the page\n"
        "                            owner Xen checks); print the ones\n"
        "                            mapped, one a line\n"
        "  register NR_FRAMES        register Dom0 as the clone service\n"
        "  unregister                unregister the clone service\n"
        "\n"
        "Exit status: 0 on success, 1 on a failed call (the error is\n"
        "printed), 2 on bad usage.\n");
}

static int failures, count;

static void check(int cond, const char *name)
{
    count++;
    if (!cond)
        failures++;
    printf("%sok %d - %s\n", cond ? "" : "not ", count, name);
}

/* check that rc is -1 with errno err. */
static void check_err(int rc, int err, const char *name)
{
    int e = errno;

    count++;
    if (rc == -1 && e == err) {
        printf("ok %d - %s\n", count, name);
        return;
    }
    failures++;
    printf("not ok %d - %s\n# got rc %d errno %d (%s), want errno %d (%s)\n",
           count, name, rc, rc == -1 ? e : 0, rc == -1 ? strerror(e) : "-", err,
           strerror(err));
}

static int cmd_args(xc_interface *xch)
{
    xen_clone_info_t info;
    xen_clone_register_t reg;
    xen_clone_policy_t pol;
    xen_clone_complete_t comp;
    xen_clone_reset_t rst;
    xen_clone_wait_t wt;
    xen_clone_exit_t ex;
    uint64_t frames[XEN_CLONE_RING_MAX_FRAMES];
    uint64_t frames2[XEN_CLONE_RING_MAX_FRAMES];
    uint32_t kids[2];
    struct xen_clone_ring *ring;
    int rc;

    rc = xc_clone_get_info(xch, DOMID_SELF, &info);
    check(rc == 0 && info.domid == 0, "get_info(DOMID_SELF) works in Dom0");
    check(info.version == XEN_CLONE_INTERFACE_VERSION,
          "get_info reports the interface version of our header");
    check(info.parent == DOMID_INVALID && !(info.flags & XEN_CLONE_INFO_CHILD),
          "Dom0 is not a clone");
    check_err(xc_clone_get_info(xch, 0x7000, &info), ESRCH,
              "get_info of a missing domain: ESRCH");
    memset(&info, 0, sizeof(info));
    info.size8 = XEN_CLONE_INFO_SIZE_V5 / 8 - 1;
    check_err(xc_clone_op_raw(xch, CLONEOP_get_info, &info, sizeof(info)),
              EINVAL, "get_info with a size below version 5's: EINVAL");
    check_err(xc_clone_op_raw(xch, CLONEOP_get_info, NULL, 0), EFAULT,
              "get_info with a NULL argument: EFAULT");
    check_err(xc_clone_op_raw(xch, 99, NULL, 0), EOPNOTSUPP,
              "unknown sub-op: EOPNOTSUPP");

    memset(&reg, 0, sizeof(reg));
    reg.version = XEN_CLONE_INTERFACE_VERSION + 1;
    reg.nr_frames = 1;
    check_err(xc_clone_op_raw(xch, CLONEOP_register, &reg, sizeof(reg)), EINVAL,
              "register with a wrong version: EINVAL");
    check_err(xc_clone_register(xch, 0, frames), EINVAL,
              "register 0 frames: EINVAL");
    check_err(xc_clone_register(xch, XEN_CLONE_RING_MAX_FRAMES + 1, frames),
              EINVAL, "register too many frames: EINVAL");
    rc = xc_clone_register(xch, 2, frames);
    check(rc == 0 && frames[0] && frames[1], "register 2 frames works");
    rc = xc_clone_get_info(xch, DOMID_SELF, &info);
    check(rc == 0 && !(info.flags & XEN_CLONE_INFO_SERVICE),
          "registered, ring not mapped: get_info shows no live service");
    ring = xc_clone_ring_map(xch, 2, frames);
    check(ring != NULL, "the ring maps read/write from Dom0");
    check(ring && ring->nr_ents == 128 && ring->prod == 0 && ring->cons == 0,
          "an empty ring of 128 entries");
    rc = xc_clone_get_info(xch, DOMID_SELF, &info);
    check(rc == 0 && (info.flags & XEN_CLONE_INFO_SERVICE),
          "ring mapped: get_info shows a live service");
    check_err(xc_clone_register(xch, 1, frames2), EBUSY,
              "a second register while the ring is mapped: EBUSY");
    check_err(xc_clone_unregister(xch), EBUSY,
              "unregister while the ring is mapped: EBUSY");
    if (ring)
        xc_clone_ring_unmap(xch, ring, 2);
    rc = xc_clone_get_info(xch, DOMID_SELF, &info);
    check(rc == 0 && !(info.flags & XEN_CLONE_INFO_SERVICE),
          "ring unmapped (the service died): no live service any more");
    rc = xc_clone_register(xch, 1, frames2);
    check(rc == 0 && frames2[0] && frames2[0] != frames[0] &&
              frames2[0] != frames[1],
          "a register over the dead service takes it over: a new ring");
    check(xc_clone_unregister(xch) == 0, "unregister after unmapping works");
    check_err(xc_clone_unregister(xch), ENOENT,
              "unregister without a service: ENOENT");

    memset(&pol, 0, sizeof(pol));
    pol.domid = 0;
    pol.pad = 1;
    check_err(xc_clone_op_raw(xch, CLONEOP_set_policy, &pol, sizeof(pol)),
              EINVAL, "set_policy with non-zero padding: EINVAL");
    check_err(xc_clone_set_policy(xch, 0x7000, 1, 1, 8, 8), ESRCH,
              "set_policy of a missing domain: ESRCH");
    check_err(xc_clone_set_policy(xch, 0, 1, 70000, 8, 8), EINVAL,
              "set_policy with max_clones > 65535: EINVAL");
    pol.pad = 0;
    pol.enabled = 2;
    check_err(xc_clone_op_raw(xch, CLONEOP_set_policy, &pol, sizeof(pol)),
              EINVAL, "set_policy with enabled = 2: EINVAL");

    check_err(xc_clone(xch, 0x7000, 1, 0, kids), ESRCH,
              "clone a missing domain: ESRCH");
    check_err(xc_clone(xch, 0, 0, 0, kids), EINVAL, "clone 0 children: EINVAL");
    check_err(xc_clone(xch, 0, XEN_CLONE_MAX_BATCH + 1, 0, kids), EINVAL,
              "clone 65 children: EINVAL");
    check_err(xc_clone(xch, 0, 1, 0x80, kids), EINVAL,
              "clone with an unknown flag: EINVAL");
    check_err(xc_clone(xch, 0, 1, 0, kids), EPERM,
              "clone Dom0 (the control domain): EPERM");

    check_err(xc_clone_complete(xch, 0x7000, 0), ESRCH,
              "complete a missing domain: ESRCH");
    check_err(xc_clone_complete(xch, 0, 0), ENOENT,
              "complete Dom0 (not awaiting completion): ENOENT");
    memset(&comp, 0, sizeof(comp));
    comp.status = 1;
    check_err(xc_clone_op_raw(xch, CLONEOP_complete, &comp, sizeof(comp)),
              EINVAL, "complete with a positive status: EINVAL");
    memset(&rst, 0, sizeof(rst));
    rst.child = 0;
    check_err(xc_clone_op_raw(xch, CLONEOP_reset, &rst, sizeof(rst)), EINVAL,
              "reset Dom0 (not a child): EINVAL");
    rst.pad[1] = 1;
    check_err(xc_clone_op_raw(xch, CLONEOP_reset, &rst, sizeof(rst)), EINVAL,
              "reset with non-zero padding: EINVAL");
    check_err(xc_clone_reset(xch, 0x7000), ESRCH,
              "reset a missing domain: ESRCH");

    memset(&wt, 0, sizeof(wt));
    wt.child = DOMID_INVALID;
    check_err(xc_clone_op_raw(xch, CLONEOP_wait, &wt, sizeof(wt)), ECHILD,
              "wait in Dom0 (no children): ECHILD");
    wt.flags = 1;
    check_err(xc_clone_op_raw(xch, CLONEOP_wait, &wt, sizeof(wt)), EINVAL,
              "wait with flags set: EINVAL");
    wt.flags = 0;
    wt.pad = 1;
    check_err(xc_clone_op_raw(xch, CLONEOP_wait, &wt, sizeof(wt)), EINVAL,
              "wait with non-zero padding: EINVAL");
    check_err(xc_clone_op_raw(xch, CLONEOP_wait, NULL, 0), EFAULT,
              "wait with a NULL argument: EFAULT");
    check_err(xc_clone_wait(xch, DOMID_INVALID, &wt), ECHILD,
              "xc_clone_wait in Dom0: ECHILD");
    /* A valid CLONEOP_exit would shut Dom0 down: only bad ones here. */
    memset(&ex, 0, sizeof(ex));
    ex.pad = 1;
    check_err(xc_clone_op_raw(xch, CLONEOP_exit, &ex, sizeof(ex)), EINVAL,
              "exit with non-zero padding: EINVAL");
    check_err(xc_clone_op_raw(xch, CLONEOP_exit, NULL, 0), EFAULT,
              "exit with a NULL argument: EFAULT");

    printf("1..%d\n", count);
    return failures ? 1 : 0;
}

/* Checks on a real, clonable guest. */
static int cmd_badargs(xc_interface *xch, uint32_t domid)
{
    xen_clone_op_t op;
    xen_clone_info_t info;
    uint32_t kids[4];

    check(xc_clone_set_policy(xch, domid, 0, 4, 8, 8) == 0, "disable cloning");
    check_err(xc_clone(xch, domid, 1, 0, kids), EPERM,
              "clone with cloning disabled: EPERM");
    check(xc_clone_set_policy(xch, domid, 1, 1, 8, 8) == 0,
          "enable cloning, max_clones 1");
    check_err(xc_clone(xch, domid, 2, 0, kids), E2BIG,
              "clone 2 children beyond max_clones 1: E2BIG");
    memset(&op, 0, sizeof(op));
    op.parent = domid;
    op.nr_children = 1;
    op.child_list.p = (domid_t *)8; /* unmapped in Dom0 */
    check_err(xc_clone_op_raw(xch, CLONEOP_clone, &op, sizeof(op)), EFAULT,
              "clone with a bad child list: EFAULT");
    check(xc_clone_get_info(xch, domid, &info) == 0 && info.nr_children == 0,
          "no child was left behind");

    printf("1..%d\n", count);
    return failures ? 1 : 0;
}

/* The clone service's ring, and unregister failing pending children. */
static int cmd_service(xc_interface *xch, uint32_t domid)
{
    uint64_t frames[1];
    struct xen_clone_ring *ring;
    uint32_t kids[2] = {0, 0};
    unsigned int i;
    int rc;

    check(xc_clone_register(xch, 1, frames) == 0, "register a 1-page ring");
    ring = xc_clone_ring_map(xch, 1, frames);
    check(ring != NULL && ring->nr_ents == 64, "map it: 64 entries");
    if (!ring)
        return 1;
    rc = xc_clone(xch, domid, 2, 0, kids);
    check(rc == 0 && kids[0] && kids[1], "clone the guest into 2 children");
    check(ring->prod == 2 && ring->cons == 0, "two notifications posted");
    for (i = 0; i < 2 && i < ring->prod; i++) {
        const struct xen_clone_notification *n = &ring->ent[i];

        check(n->child == kids[i] && n->parent == domid && n->index == i &&
                  !(n->flags & XEN_CLONE_NOTIFY_SELF),
              "notification names parent, child, index; not a fork");
        check(n->child_store_mfn && n->child_console_mfn &&
                  n->child_store_mfn != n->child_console_mfn,
              "notification has the child's private ring MFNs");
    }
    check(ring->prod < 2 ||
              (ring->ent[1].id == ring->ent[0].id + 1 &&
               ring->ent[0].child_store_mfn != ring->ent[1].child_store_mfn),
          "ids increase; each child has its own xenstore ring");
    ring->cons = ring->prod;
    xc_clone_ring_unmap(xch, ring, 1);
    check(xc_clone_unregister(xch) == 0,
          "unregister with two children awaiting completion");
    for (i = 0; i < 2; i++) {
        xc_dominfo_t info;
        int n = xc_domain_getinfo(xch, kids[i], 1, &info);

        check(n != 1 || info.domid != kids[i] || info.dying,
              "unregister destroyed the pending child");
    }

    printf("1..%d\n", count);
    return failures ? 1 : 0;
}

/* Is domid there, and dying? -1: gone. */
static int domain_dying(xc_interface *xch, uint32_t domid)
{
    xc_dominfo_t info;

    if (xc_domain_getinfo(xch, domid, 1, &info) != 1 || info.domid != domid)
        return -1;
    return info.dying;
}

/*
 * A dying domain: Dom0 maps one of its pages (a PV guest's: by MFN) and
 * destroys it; the domain stays (dying) until that mapping goes. Nothing
 * may clone it.
 */
static int cmd_dying(xc_interface *xch, uint32_t domid, xen_pfn_t mfn)
{
    xenforeignmemory_handle *fmem = xenforeignmemory_open(NULL, 0);
    uint32_t kids[1];
    void *page = NULL;
    int i, st = 0;

    check(fmem != NULL, "open xenforeignmemory");
    if (fmem)
        page = xenforeignmemory_map(fmem, domid, PROT_READ, 1, &mfn, NULL);
    check(page != NULL, "map one of the guest's pages");
    if (!page)
        goto out;
    check(xc_domain_destroy(xch, domid) == 0, "destroy the guest");
    check(domain_dying(xch, domid) == 1,
          "it stays, dying, while Dom0 maps its page");
    check_err(xc_clone(xch, domid, 1, 0, kids), ESRCH,
              "clone the dying domain: ESRCH");
    check(domain_dying(xch, domid) == 1, "  it is still there, dying");
    xenforeignmemory_unmap(fmem, page, 1);
    for (i = 0; i < 100 && (st = domain_dying(xch, domid)) != -1; i++)
        usleep(100000);
    check(st == -1, "unmapped, it goes away");
out:
    if (fmem)
        xenforeignmemory_close(fmem);
    printf("1..%d\n", count);
    return failures ? 1 : 0;
}

/* vCPU 0's CPU time of domid in ns, or -1. */
static long long vcpu_time(xc_interface *xch, uint32_t domid)
{
    xc_vcpuinfo_t vi;

    return xc_vcpu_getinfo(xch, domid, 0, &vi) ? -1 : (long long)vi.cpu_time;
}

/*
 * The parent of a fork sleeps until the clone service has completed every
 * child: act as the service, sit on the child, watch the parent's CPU time.
 */
static int cmd_forkhold(xc_interface *xch, uint32_t domid, unsigned int secs)
{
    uint64_t frames[1];
    struct xen_clone_ring *ring = NULL;
    const struct xen_clone_notification *n = NULL;
    long long t0, t1;
    uint32_t child = 0;
    int i;

    check(xc_clone_register(xch, 1, frames) == 0, "register a clone service");
    ring = xc_clone_ring_map(xch, 1, frames);
    check(ring != NULL, "map its ring");
    if (!ring)
        goto out;
    printf("# waiting for d%u to fork\n", domid);
    fflush(stdout);
    for (i = 0; i < 1200 && !n; i++) {
        if (ring->prod != ring->cons)
            n = &ring->ent[ring->cons % ring->nr_ents];
        else
            usleep(100000);
    }
    check(n && n->parent == domid && (n->flags & XEN_CLONE_NOTIFY_SELF),
          "the guest forked: a notification for its child");
    if (!n)
        goto out;
    child = n->child;
    ring->cons++;
    usleep(200000); /* let the parent's vCPU settle into its pause */
    t0 = vcpu_time(xch, domid);
    sleep(secs);
    t1 = vcpu_time(xch, domid);
    printf("# parent vCPU time %lld ns, %u s later %lld ns\n", t0, secs, t1);
    check(t0 >= 0 && t1 == t0,
          "the parent did not run while its child was not complete");
    check(xc_clone_complete(xch, child, 0) == 0 &&
              xc_domain_unpause(xch, child) == 0,
          "complete the child and unpause it");
    for (i = 0; i < 100 && vcpu_time(xch, domid) == t1; i++)
        usleep(100000);
    check(vcpu_time(xch, domid) > t1, "then the parent runs again");
out:
    if (ring)
        xc_clone_ring_unmap(xch, ring, 1);
    check(xc_clone_unregister(xch) == 0, "unregister");
    printf("1..%d\n", count);
    return failures ? 1 : 0;
}

/*
 * An empty PV domain, paused, with DOMID's vCPU count and what libxl gives
 * a PV guest by default (no creation flags, 1023 event channels, Xen's
 * grant limits, the highest grant version Xen offers): the shape a clone
 * shell of an xl-made guest must have.
 */
static int cmd_shell(xc_interface *xch, uint32_t parent, int populated)
{
    xc_dominfo_t info;
    xc_physinfo_t phys = {0};
    struct xen_domctl_createdomain cfg = {
        .max_evtchn_port = 1023,
        .max_grant_frames = -1,
        .max_maptrack_frames = -1,
    };
    uint32_t domid = 0;
    xen_pfn_t pfn = 0;
    const char *step;
    int n;

    step = "read the parent";
    n = xc_domain_getinfo(xch, parent, 1, &info);
    if (n != 1 || info.domid != parent) {
        if (n >= 0)
            errno = ESRCH; /* the next domain, or none, came back */
        goto fail;
    }
    step = "read Xen's capabilities";
    if (xc_physinfo(xch, &phys) < 0)
        goto fail;
    cfg.max_vcpus = info.max_vcpu_id + 1;
    cfg.grant_opts = XEN_DOMCTL_GRANT_version(
        phys.capabilities & XEN_SYSCTL_PHYSCAP_gnttab_v2 ? 2 : 1);
    step = "create the domain";
    if (xc_domain_create(xch, &domid, &cfg) < 0)
        goto fail;
    if (populated) {
        step = "give it a page";
        if (xc_domain_setmaxmem(xch, domid, 4096) < 0 ||
            xc_domain_populate_physmap_exact(xch, domid, 1, 0, 0, &pfn) < 0) {
            int e = errno;
            xc_domain_destroy(xch, domid);
            errno = e;
            goto fail;
        }
    }
    printf("%u\n", domid);
    return 0;
fail:
    fprintf(stderr, "xen-clone-test: shell of d%u: %s: %s\n", parent, step,
            strerror(errno));
    return 1;
}

/*
 * Dom0's foreign map naming DOMID as the page owner, one frame at a time:
 * Xen lets a frame a clone family shares be mapped only when DOMID is a
 * member of that family.
 */
static int cmd_fmap(uint32_t domid, int n, char **mfns)
{
    xenforeignmemory_handle *fmem = xenforeignmemory_open(NULL, 0);
    int i;

    if (!fmem) {
        fprintf(stderr,
                "xen-clone-test: fmap: cannot open "
                "xenforeignmemory: %s\n",
                strerror(errno));
        return 1;
    }
    for (i = 0; i < n; i++) {
        xen_pfn_t mfn = strtoull(mfns[i], NULL, 0);
        int err = 0;
        void *p = xenforeignmemory_map(fmem, domid, PROT_READ, 1, &mfn, &err);

        if (p && !err)
            printf("%s\n", mfns[i]);
        if (p)
            xenforeignmemory_unmap(fmem, p, 1);
    }
    xenforeignmemory_close(fmem);
    return 0;
}

int main(int argc, char **argv)
{
    xc_interface *xch;
    int rc = 0;

    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }

    xch = xc_interface_open(NULL, NULL, 0);
    if (!xch) {
        fprintf(stderr, "xen-clone-test: cannot open libxenctrl: %s\n",
                strerror(errno));
        return 1;
    }

    if (!strcmp(argv[1], "args") && argc == 2) {
        rc = cmd_args(xch);
    } else if (!strcmp(argv[1], "service") && argc == 3) {
        rc = cmd_service(xch, strtoul(argv[2], NULL, 0));
    } else if (!strcmp(argv[1], "forkhold") && argc == 4) {
        rc = cmd_forkhold(xch, strtoul(argv[2], NULL, 0),
                          strtoul(argv[3], NULL, 0));
    } else if (!strcmp(argv[1], "dying") && argc == 4) {
        rc = cmd_dying(xch, strtoul(argv[2], NULL, 0),
                       strtoull(argv[3], NULL, 0));
    } else if (!strcmp(argv[1], "badargs") && argc == 3) {
        rc = cmd_badargs(xch, strtoul(argv[2], NULL, 0));
    } else if (!strcmp(argv[1], "info") && argc == 3) {
        xen_clone_info_t i;

        if (xc_clone_get_info(xch, strtoul(argv[2], NULL, 0), &i)) {
            fprintf(stderr, "xen-clone-test: info: %s\n", strerror(errno));
            rc = 1;
        } else {
            printf("domid %u\nparent %u\nenabled %u\nmax_clones %u\n"
                   "nr_children %u\ngeneration %u\nflags %#x\n"
                   "cow_faults %" PRIu64 "\ncopied_pages %" PRIu64 "\n"
                   "resets %" PRIu64 "\nmax_family %u\nmax_depth %u\n"
                   "nr_family %u\nnr_pages %" PRIu64 "\nnr_shared %" PRIu64
                   "\nmax_shared %" PRIu64 "\nreset_preempts %" PRIu64
                   "\nclone_preempts %" PRIu64 "\n",
                   i.domid, i.parent, i.enabled, i.max_clones, i.nr_children,
                   i.generation, i.flags, i.nr_cow_faults, i.nr_copied_pages,
                   i.nr_resets, i.max_family, i.max_depth, i.nr_family,
                   i.nr_pages, i.nr_shared, i.max_shared,
                   i.nr_reset_preempts, i.nr_clone_preempts);
        }
    } else if (!strcmp(argv[1], "policy") && argc >= 5 && argc <= 8) {
        /*
         * DOMID ENABLED MAX_CLONES [MAX_FAMILY [MAX_DEPTH [MAX_SHARED]]]:
         * 256, 16, 0 (Xen's default).
         */
        if (xc_clone_set_policy_shared(
                xch, strtoul(argv[2], NULL, 0), atoi(argv[3]),
                strtoul(argv[4], NULL, 0),
                argc > 5 ? strtoul(argv[5], NULL, 0) : 256,
                argc > 6 ? strtoul(argv[6], NULL, 0) : 16,
                argc > 7 ? strtoull(argv[7], NULL, 0) : 0)) {
            fprintf(stderr, "xen-clone-test: policy: %s\n", strerror(errno));
            rc = 1;
        }
    } else if (!strcmp(argv[1], "clone") && (argc == 4 || argc == 5)) {
        uint32_t kids[XEN_CLONE_MAX_BATCH];
        unsigned int n = strtoul(argv[3], NULL, 0), i;

        if (n > XEN_CLONE_MAX_BATCH)
            n = XEN_CLONE_MAX_BATCH + 1;
        if (xc_clone(xch, strtoul(argv[2], NULL, 0), n,
                     argc == 5 ? XEN_CLONE_FLAG_PAUSED : 0, kids)) {
            fprintf(stderr, "xen-clone-test: clone: %s\n", strerror(errno));
            rc = 1;
        } else {
            for (i = 0; i < n; i++)
                printf("%u\n", kids[i]);
        }
    } else if (!strcmp(argv[1], "shell") && (argc == 3 || argc == 4)) {
        if (argc == 4 && strcmp(argv[3], "populated")) {
            usage(stderr);
            rc = 2;
        } else {
            rc = cmd_shell(xch, strtoul(argv[2], NULL, 0), argc == 4);
        }
    } else if (!strcmp(argv[1], "clone-shells") && argc >= 4 &&
               argc - 3 <= XEN_CLONE_MAX_BATCH) {
        uint32_t kids[XEN_CLONE_MAX_BATCH];
        unsigned int n = argc - 3, i;

        for (i = 0; i < n; i++)
            kids[i] = strtoul(argv[3 + i], NULL, 0);
        if (xc_clone(xch, strtoul(argv[2], NULL, 0), n, XEN_CLONE_FLAG_SHELLS,
                     kids)) {
            fprintf(stderr, "xen-clone-test: clone-shells: %s\n",
                    strerror(errno));
            rc = 1;
        } else {
            for (i = 0; i < n; i++)
                printf("%u\n", kids[i]);
        }
    } else if (!strcmp(argv[1], "complete") && argc == 4) {
        if (xc_clone_complete(xch, strtoul(argv[2], NULL, 0), atoi(argv[3]))) {
            fprintf(stderr, "xen-clone-test: complete: %s\n", strerror(errno));
            rc = 1;
        }
    } else if (!strcmp(argv[1], "reset") && argc == 3) {
        if (xc_clone_reset(xch, strtoul(argv[2], NULL, 0))) {
            fprintf(stderr, "xen-clone-test: reset: %s\n", strerror(errno));
            rc = 1;
        }
    } else if (!strcmp(argv[1], "fmap") && argc >= 4) {
        rc = cmd_fmap(strtoul(argv[2], NULL, 0), argc - 3, argv + 3);
    } else if (!strcmp(argv[1], "register") && argc == 3) {
        uint64_t frames[XEN_CLONE_RING_MAX_FRAMES];

        if (xc_clone_register(xch, strtoul(argv[2], NULL, 0), frames)) {
            fprintf(stderr, "xen-clone-test: register: %s\n", strerror(errno));
            rc = 1;
        }
    } else if (!strcmp(argv[1], "unregister") && argc == 2) {
        if (xc_clone_unregister(xch)) {
            fprintf(stderr, "xen-clone-test: unregister: %s\n",
                    strerror(errno));
            rc = 1;
        }
    } else {
        usage(stderr);
        rc = 2;
    }

    xc_interface_close(xch);
    return rc;
}
