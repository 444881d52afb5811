/* clonebad: hands clone_op every bad argument a guest can; all must fail. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <minios/app.h>
#include <minios/clone.h>
#include <minios/gnttab.h>
#include <minios/hypercall.h>
#include <minios/mm.h>
#include <minios/os.h>
#include <sys/wait.h>

static unsigned int n, failed;

/* One check: the call returned want (0 or a negative errno). */
static void expect(long got, long want, const char *what)
{
    n++;
    if (got == want) {
        printf("clonebad: ok %u - %s\n", n, what);
        return;
    }
    failed++;
    printf("clonebad: not ok %u - %s: got %ld (%s), want %ld (%s)\n", n, what,
           got, got < 0 ? strerror(-got) : "-", want,
           want < 0 ? strerror(-want) : "-");
}

/* The number of live children Xen counts for us. */
static long nr_children(void)
{
    struct xen_clone_info info = {.domid = DOMID_SELF};
    long rc = hyp_clone_op(CLONEOP_get_info, &info);

    return rc < 0 ? rc : (long)info.nr_children;
}

static long clone_raw(domid_t parent, uint32_t nr, uint16_t flags,
                      domid_t *list)
{
    struct xen_clone_op op = {
        .parent = parent, .flags = flags, .nr_children = nr};

    set_xen_guest_handle(op.child_list, list);
    return hyp_clone_op(CLONEOP_clone, &op);
}

/*
 * The guest owns its P2M tree, and Xen writes P2M entries through it (on
 * copy-on-write faults). Point the frame-list entry that covers DATA's
 * PFN at the L1 page table that maps DATA: Xen must not write into a page
 * table through it. Returns the frame-list slot to restore with *orig.
 */
static unsigned long *p2m_slot_at_l1(const void *data, unsigned long *orig)
{
    unsigned long pfn = virt_to_pfn(data);
    unsigned long *fll =
        mfn_to_virt(shared_info->arch.pfn_to_mfn_frame_list_list);
    unsigned long *fl = mfn_to_virt(fll[pfn / (512 * 512)]);
    unsigned long *slot = &fl[(pfn / 512) % 512];

    *orig = *slot;
    *slot = virt_to_mfn(page_table_l1(data));
    wmb();
    return slot;
}

/*
 * A forked child's COW fault with its P2M tree pointing at a page table:
 * Xen copies the page and maps it, but refuses the P2M write, so the PTE
 * of DATA (same slot in the L1 as DATA's entry in the P2M leaf) is a
 * proper writable mapping of the new frame afterwards.
 */
static int p2m_trick_child(volatile uint64_t *data)
{
    unsigned long orig, pfn = virt_to_pfn((const void *)data);
    const uint64_t *l1 = page_table_l1((const void *)data);
    unsigned long *slot = p2m_slot_at_l1((const void *)data, &orig);
    uint64_t pte_before = l1[pfn % 512], pte;

    *data = 0xc0ffee; /* the copy-on-write fault */
    pte = l1[pfn % 512];
    *slot = orig;
    wmb();
    if ((pte & (_PAGE_PRESENT | _PAGE_RW)) != (_PAGE_PRESENT | _PAGE_RW) ||
        (pte & PTE_ADDR_MASK) == (pte_before & PTE_ADDR_MASK) ||
        *data != 0xc0ffee) {
        printf("clonebad: child: PTE %#lx -> %#lx after the COW fault\n",
               (unsigned long)pte_before, (unsigned long)pte);
        return 1;
    }
    /* Xen left the P2M entry alone: fix it ourselves. */
    phys_to_machine[pfn] = (pte & PTE_ADDR_MASK) >> PAGE_SHIFT;
    return 0;
}

static void p2m_tricks(void)
{
    volatile uint64_t *data = alloc_pages(1);
    unsigned long orig, *slot;
    domid_t kid;
    int status;
    pid_t pid;

    if (!data) {
        expect(-ENOMEM, 0, "a page for the P2M tricks");
        return;
    }
    *data = 1; /* mapped writable, written: shared by the clone */

    slot = p2m_slot_at_l1((const void *)data, &orig);
    expect(clone(1, &kid), -EOPNOTSUPP,
           "clone with a page table inside its P2M tree");
    *slot = orig;
    wmb();
    expect(nr_children(), 0, "  left no child behind");

    pid = fork();
    if (pid == 0)
        exit(p2m_trick_child(data));
    expect(pid > 0 ? 0 : -errno, 0, "fork for the P2M trick");
    if (pid <= 0)
        return;
    expect(waitpid(pid, &status, 0) == pid ? 0 : -errno, 0,
           "  wait for the child");
    expect(WIFEXITED(status) ? WEXITSTATUS(status) : -1000 - status, 0,
           "  a COW fault with a page table in the P2M tree did not write "
           "into it");
    expect(*data == 1 ? 0 : -EIO, 0, "  the parent's page kept its data");
}

/*
 * A clone that Xen must refuse with want. Should it be made after all
 * (the bug this checks for), its child leaves at once and is reaped, so
 * that only one clonebad goes on.
 */
static void expect_refused(long want, const char *what)
{
    domid_t kid;
    int rc = clone(1, &kid), status;

    if (rc > 0)
        exit(0);
    if (rc == 0)
        waitpid(kid, &status, 0);
    expect(rc, want, what);
}

/* fork() must work, and its child exit 0 (Xen survived the setup). */
static void expect_fork_ok(const char *what)
{
    int status = -1;
    pid_t pid = fork();

    if (pid == 0)
        exit(0);
    expect(pid > 0 ? 0 : -errno, 0, what);
    if (pid > 0)
        expect(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
                       !WEXITSTATUS(status)
                   ? 0
                   : -ECHILD,
               0, "  its child ran and exited 0");
}

/* The grant table's first frame, mapped here (the same frame gnttab uses). */
static grant_entry_v1_t *grant_table(void)
{
    struct gnttab_setup_table setup = {.dom = DOMID_SELF, .nr_frames = 1};
    xen_pfn_t frame = 0;
    unsigned long mfn;

    set_xen_guest_handle(setup.frame_list, &frame);
    if (hyp_grant_table_op(GNTTABOP_setup_table, &setup, 1) < 0 ||
        setup.status != GNTST_okay)
        return NULL;
    mfn = frame;
    return vmap_frames(&mfn, 1);
}

/*
 * A console grant naming a frame that does not exist: Xen took it for
 * the child's console ring and indexed its M2P with it (a host crash).
 */
static void bad_grant_frame(void)
{
    grant_entry_v1_t *gt = grant_table();
    uint32_t orig;

    expect(gt ? 0 : -ENOMEM, 0, "map its grant table");
    if (!gt)
        return;
    orig = gt[GNTTAB_RESERVED_CONSOLE].frame;
    gt[GNTTAB_RESERVED_CONSOLE].frame = 0xffffffffU;
    wmb();
    expect_fork_ok("fork with its console grant naming frame 0xffffffff");
    gt[GNTTAB_RESERVED_CONSOLE].frame = orig;
    wmb();
}

/*
 * A kernel stack pointer at either end of the address space: Xen walked
 * the pages around it to keep them private, and the walk wrapped (a pCPU
 * spun forever with the domctl lock held).
 */
static void bad_stack(void)
{
    static const unsigned long sps[] = {0xffffffffffffe123UL,
                                        0xfffffffffffffff0UL, 0x10UL};
    unsigned long sp = (unsigned long)__builtin_frame_address(0);
    char what[96];

    for (unsigned int i = 0; i < sizeof(sps) / sizeof(sps[0]); i++) {
        snprintf(what, sizeof(what), "stack_switch to %#lx", sps[i]);
        expect(HC(__HYPERVISOR_stack_switch, FLAT_KERNEL_SS, sps[i], 0, 0, 0),
               0, what);
        expect_fork_ok("  fork with that kernel stack pointer");
    }
    HC(__HYPERVISOR_stack_switch, FLAT_KERNEL_SS, sp & ~15UL, 0, 0, 0);
}

/*
 * State Xen cannot clone: a mapping of a grant (here of its own page,
 * which looks like any other mapping of it), and areas Xen writes into
 * by guest address. Each is refused, and cloning works once it is gone.
 */
static void unclonable_state(void)
{
    static struct vcpu_runstate_info runstate;
    static struct vcpu_time_info time_area;
    char *a = alloc_pages(1), *b = alloc_pages(1);
    domid_t self = getpid();
    struct vcpu_register_runstate_memory_area ra = {0};
    struct vcpu_register_time_memory_area ta = {0};
    struct gnttab_map_grant_ref map = {0};
    struct gnttab_unmap_grant_ref unmap = {0};
    uint64_t bpte;
    long rc;
    int ref;

    if (!a || !b) {
        expect(-ENOMEM, 0, "two pages for a self-grant");
        return;
    }
    /* Written first: a page still shared since the last fork is mapped
     * read-only, and its frame would go with its last mapping. */
    *(volatile char *)b = 0;
    bpte = page_table_l1(b)[virt_to_pfn(b) % 512];
    strcpy(a, "granted to itself");
    ref = gnttab_grant_access(self, a, 0);
    expect(ref >= 0 ? 0 : ref, 0, "grant a page to itself");
    /* Into an empty slot, as a backend maps (Xen flushes no old entry). */
    expect(hyp_update_va_mapping((unsigned long)b, 0, UVMF_INVLPG), 0,
           "  unmap another page of its own");
    map.host_addr = (unsigned long)b;
    map.flags = GNTMAP_host_map;
    map.ref = ref;
    map.dom = self;
    expect(ref >= 0 && !hyp_grant_table_op(GNTTABOP_map_grant_ref, &map, 1) &&
                   map.status == GNTST_okay && !strcmp(b, a)
               ? 0
               : -EIO,
           0, "  and map that grant where that page was");
    expect_refused(-EOPNOTSUPP, "clone while mapping a grant of its own page");
    unmap.host_addr = (unsigned long)b;
    unmap.handle = map.handle;
    rc = hyp_grant_table_op(GNTTABOP_unmap_grant_ref, &unmap, 1);
    expect(rc ? rc : unmap.status, 0, "  unmap the grant");
    expect(hyp_update_va_mapping((unsigned long)b, bpte, UVMF_INVLPG), 0,
           "  map its own page back there");
    expect(gnttab_end_access(ref), 0, "  end the grant");

    ra.addr.v = &runstate;
    expect(hyp_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &ra), 0,
           "register a runstate area");
    expect_refused(-EOPNOTSUPP, "clone with a runstate area registered");
    ra.addr.v = NULL;
    expect(hyp_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &ra), 0,
           "  unregister it");

    ta.addr.v = &time_area;
    expect(hyp_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, &ta), 0,
           "register a secondary time area");
    expect_refused(-EOPNOTSUPP, "clone with a time area registered");
    ta.addr.v = NULL;
    expect(hyp_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, &ta), 0,
           "  unregister it");

    expect_fork_ok("fork once all of them are gone");
}

static int usage(const char *bad)
{
    printf("clonebad: bad argument '%s'\n", bad);
    printf("usage: clonebad [other=DOMID] [only=args|p2m|grant|stack|state]\n"
           "  other: a domain to try to clone (EPERM); only: one group of "
           "checks\n");
    return 2;
}

/* Every bad argument of every sub-op; other: a domain it may not clone. */
static void bad_arguments(unsigned long other)
{
    /* Unmapped (above RAM) and Xen-owned (the M2P) guest addresses. */
    void *unmapped = (void *)0x00007f0000000000UL;
    domid_t *xen_ro = (domid_t *)MACH2PHYS_VIRT_START;
    domid_t kids[XEN_CLONE_MAX_BATCH];
    struct xen_clone_register reg = {0};
    struct xen_clone_complete comp = {0};
    struct xen_clone_reset rst = {0};
    struct xen_clone_policy pol = {0};
    struct xen_clone_info info = {0};
    struct xen_clone_wait w = {0};
    struct xen_clone_exit ex = {0};
    struct xen_clone_add_shells shells = {0};
    struct multicall_entry mc = {0};
    domid_t stock_id;

    /* Unknown sub-ops and missing arguments. */
    expect(hyp_clone_op(CLONEOP_add_shells + 1, NULL), -EOPNOTSUPP,
           "unknown sub-op (the one after the last)");
    expect(hyp_clone_op(0xffffffffU, NULL), -EOPNOTSUPP,
           "unknown sub-op 0xffffffff");
    /* (Our page 0 is mapped: NULL is a valid address here, so the bad
     * addresses are an unmapped one and one inside Xen.) */
    expect(hyp_clone_op(CLONEOP_clone, unmapped), -EFAULT,
           "clone(unmapped argument)");
    expect(hyp_clone_op(CLONEOP_clone, (void *)0xffff830000000000UL), -EFAULT,
           "clone(argument inside Xen)");
    expect(hyp_clone_op(CLONEOP_get_info, unmapped), -EFAULT,
           "get_info(unmapped argument)");
    expect(hyp_clone_op(CLONEOP_wait, unmapped), -EFAULT,
           "wait(unmapped argument)");
    expect(hyp_clone_op(CLONEOP_exit, unmapped), -EFAULT,
           "exit(unmapped argument)");
    expect(hyp_clone_op(CLONEOP_complete, unmapped), -EFAULT,
           "complete(unmapped argument)");

    /* The control domain's sub-ops. */
    reg.version = XEN_CLONE_INTERFACE_VERSION;
    reg.nr_frames = 1;
    expect(hyp_clone_op(CLONEOP_register, &reg), -EPERM,
           "register a clone service");
    expect(hyp_clone_op(CLONEOP_unregister, NULL), -EPERM,
           "unregister the clone service");
    comp.child = 0;
    expect(hyp_clone_op(CLONEOP_complete, &comp), -EPERM, "complete Dom0");
    comp.child = getpid();
    expect(hyp_clone_op(CLONEOP_complete, &comp), -EPERM, "complete itself");
    pol.domid = getpid();
    pol.enabled = 1;
    pol.max_clones = 65535;
    expect(hyp_clone_op(CLONEOP_set_policy, &pol), -EPERM,
           "raise its own max_clones");
    rst.child = getpid();
    expect(hyp_clone_op(CLONEOP_reset, &rst), -EPERM, "reset itself");
    info.domid = 0;
    expect(hyp_clone_op(CLONEOP_get_info, &info), -EPERM, "get_info of Dom0");
    shells.nr = 1;
    stock_id = getpid();
    set_xen_guest_handle(shells.shells, &stock_id);
    expect(hyp_clone_op(CLONEOP_add_shells, &shells), -EPERM,
           "give Xen's fork stock a shell (itself)");
    shells.nr = 0;
    expect(hyp_clone_op(CLONEOP_add_shells, &shells), -EPERM,
           "give Xen's fork stock no shell (nr 0: its right comes first)");
    expect(hyp_clone_op(CLONEOP_add_shells, unmapped), -EPERM,
           "add_shells(unmapped argument): its right comes first");

    /* Cloning someone else. */
    expect(clone_raw(0, 1, 0, kids), -EPERM, "clone Dom0");
    if (other)
        expect(clone_raw(other, 1, 0, kids), -EPERM, "clone another guest");
    expect(clone_raw(DOMID_XEN, 1, 0, kids), -ESRCH, "clone DOMID_XEN");
    expect(clone_raw(DOMID_FIRST_RESERVED - 1, 1, 0, kids), -ESRCH,
           "clone a domain that does not exist");

    /* Bad clones of itself: none may leave a child behind. */
    expect(clone_raw(DOMID_SELF, 0, 0, kids), -EINVAL, "clone 0 children");
    expect(clone_raw(DOMID_SELF, XEN_CLONE_MAX_BATCH + 1, 0, kids), -EINVAL,
           "clone 65 children");
    expect(clone_raw(DOMID_SELF, 0xffffffffU, 0, kids), -EINVAL,
           "clone 4294967295 children");
    expect(clone_raw(DOMID_SELF, 1, 0x8000, kids), -EINVAL,
           "clone with an unknown flag");
    expect(clone_raw(DOMID_SELF, 4, 0, unmapped), -EFAULT,
           "clone into an unmapped child list");
    expect(clone_raw(DOMID_SELF, 1, 0, (domid_t *)0xffff800000000000UL),
           -EFAULT, "clone into a child list inside Xen");
    expect(clone_raw(DOMID_SELF, 2, 0, xen_ro), -EFAULT,
           "clone into a read-only child list (the M2P)");
    expect(nr_children(), 0, "no child was left behind by any of them");

    /* exit and wait. */
    ex.pad = 1;
    expect(hyp_clone_op(CLONEOP_exit, &ex), -EINVAL,
           "exit with non-zero padding");
    w.child = DOMID_INVALID;
    expect(hyp_clone_op(CLONEOP_wait, &w), -ECHILD, "wait without children");
    w.flags = 1;
    expect(hyp_clone_op(CLONEOP_wait, &w), -EINVAL, "wait with flags");
    w.flags = 0;
    w.pad = 7;
    expect(hyp_clone_op(CLONEOP_wait, &w), -EINVAL,
           "wait with non-zero padding");
    w.pad = 0;
    w.child = 0;
    expect(hyp_clone_op(CLONEOP_wait, &w), -ECHILD, "wait for Dom0");

    /* clone_op from inside a multicall. */
    mc.op = __HYPERVISOR_clone_op;
    mc.args[0] = CLONEOP_get_info;
    mc.args[1] = (unsigned long)&info;
    info.domid = DOMID_SELF;
    expect(HC(__HYPERVISOR_multicall, &mc, 1, 0, 0, 0), 0,
           "a multicall holding clone_op is carried out");
    expect((long)mc.result, -EOPNOTSUPP, "  and clone_op in it is refused");
}

int main(int argc, char **argv)
{
    /* The groups of checks, in order; only=NAME runs one of them. */
    static const char *const groups[] = {"args", "p2m", "grant", "stack",
                                         "state"};
    const unsigned int nr_groups = sizeof(groups) / sizeof(groups[0]);
    unsigned long other = 0;
    const char *v, *only = NULL;
    unsigned int g;

    for (int i = 1; i < argc; i++) {
        if (arg_value(argv[i], "only", &only)) {
            for (g = 0; g < nr_groups && strcmp(only, groups[g]); g++)
                ;
            if (g == nr_groups)
                return usage(argv[i]);
        } else if (!arg_value(argv[i], "other", &v) ||
                   parse_ulong(v, &other) < 0 || other == 0 ||
                   other >= DOMID_FIRST_RESERVED)
            return usage(argv[i]);
    }

    for (g = 0; g < nr_groups; g++) {
        if (only && strcmp(only, groups[g]))
            continue;
        switch (g) {
        case 0: /* bad arguments */
            bad_arguments(other);
            break;
        case 1: /* the guest's own P2M tree turned against Xen */
            p2m_tricks();
            break;
        case 2: /* a guest value Xen used unchecked: a grant's frame */
            bad_grant_frame();
            break;
        case 3: /* another: the kernel stack pointer */
            bad_stack();
            break;
        case 4: /* state Xen cannot clone */
            unclonable_state();
            break;
        }
    }

    /* Still alive (the forked child may not be destroyed yet). */
    expect(nr_children() >= 0 ? 0 : -EIO, 0, "get_info still answers");
    if (failed)
        printf("clonebad: %u of %u checks failed\n", failed, n);
    else
        printf("clonebad: all %u checks passed\n", n);
    return failed ? 1 : 0;
}
