/* clone-op-test: host TAP test of the real xen/common/clone.c (harness.h). */
#define HARNESS_IMPL
#include "harness.h"

#include <xen/clone.h>
#include <public/clone.h>

static int n_tests, n_failed;

/* AddressSanitizer, if built with it: harness.allocs_live counts leaks. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "detect_leaks=0";
}

static void vreport(bool cond, const char *fmt, va_list ap)
{
    printf("%sok %d - ", cond ? "" : "not ", ++n_tests);
    vprintf(fmt, ap);
    printf("\n");
    if (!cond)
        n_failed++;
}

static bool ok(bool cond, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static bool ok(bool cond, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(cond, fmt, ap);
    va_end(ap);
    return cond;
}

/* Domains: d0 (control and hardware), a second control domain, guests. */
#define SVC_ID  3
#define G_ID    5
#define O_ID    6
#define W_ID    100
#define P_ID    101
#define Q_ID    102
#define R_ID    103
#define DM_ID   104 /* a device model, with G as its target */
#define F_ID    105 /* the original of a family with small limits */
#define H_ID    106 /* the original of a family that shares frames */
#define SP_ID   110 /* a parent cloned into shells */
#define S1_ID   111 /* shells: 111..116 */
#define PR_ID   120 /* the parent of children reset in chunks */
#define PB_ID   121 /* a parent cloned into several, one child a chunk */
#define PC_ID   122 /* a parent whose children are built in chunks */
#define STP_ID  130 /* a guest that forks from Xen's shell stock */
#define ST1_ID  131 /* stock shells: 131..140 */
#define SV2_ID  141 /* a second control domain, a service that dies */
#define LIM_ID  300 /* shells to fill the stock: 300..364 */
#define MISSING 77
#define CONT    __HYPERVISOR_clone_op /* a continuation's return value */

static struct domain *d0;
static unsigned int violations_seen;

/* Every scenario ends with this: no misuse of Xen primitives recorded. */
static void clean(const char *scenario)
{
    ok(harness.violations == violations_seen,
       "%s: no misuse of locks, RCU, pages or domains", scenario);
    violations_seen = harness.violations;
}

static struct domain *dom(domid_t id)
{
    return harness_find(id);
}

static struct clone_domain *cd_of(domid_t id)
{
    struct domain *d = harness_find(id);

    return d ? d->clone : NULL;
}

/* One hypercall by caller, then what must hold after any hypercall. */
static long op(struct domain *caller, unsigned int cmd, void *arg)
{
    XEN_GUEST_HANDLE_PARAM(void) h = {arg};
    long rc;

    harness_current = caller->vcpu[0];
    rc = do_clone_op(cmd, h);
    if (harness.rcu_depth)
        harness_violation("cmd %u: RCU read section left open", cmd);
    if (harness.locks_held)
        harness_violation("cmd %u: spinlock left held", cmd);
    if (harness.domctl_held)
        harness_violation("cmd %u: domctl lock left held", cmd);
    harness.rcu_depth = harness.locks_held = 0;
    harness.domctl_held = false;
    harness_rcu_quiesce();
    return rc;
}

/* The toolstack destroys a domain (XEN_DOMCTL_destroydomain). */
static void destroy(domid_t id)
{
    struct domain *d = harness_find(id);

    assert(d);
    harness_current = d0->vcpu[0];
    harness.domctl_held = true;
    while (domain_kill(d) == -ERESTART)
        ;
    harness.domctl_held = false;
    harness_rcu_quiesce();
}

static long set_policy(domid_t id, unsigned int enabled, uint32_t max)
{
    struct xen_clone_policy p = {.domid = id,
                                 .enabled = enabled,
                                 .max_clones = max,
                                 .max_family = XEN_CLONE_MAX_FAMILY,
                                 .max_depth = XEN_CLONE_MAX_DEPTH};

    return op(d0, CLONEOP_set_policy, &p);
}

static long get_info(struct domain *caller, domid_t id,
                     struct xen_clone_info *info)
{
    memset(info, 0, sizeof(*info));
    info->domid = id;
    info->size8 = sizeof(*info) / 8;
    return op(caller, CLONEOP_get_info, info);
}

/*
 * A clone as the caller's kernel makes it: a continuation between two
 * children (cmd with a token) is issued again at once, as privcmd does.
 */
static long do_clone(struct domain *caller, domid_t parent, unsigned int n,
                     uint16_t flags, domid_t *list)
{
    struct xen_clone_op o = {
        .parent = parent, .flags = flags, .nr_children = n};
    long rc;

    set_xen_guest_handle(o.child_list, list);
    rc = op(caller, CLONEOP_clone, &o);
    while (rc == CONT && harness.cont_cmd >> 8 &&
           (harness.cont_cmd & 0xff) == CLONEOP_clone)
        rc = op(caller, harness.cont_cmd, &o);
    return rc;
}

static long complete(domid_t child, int16_t status)
{
    struct xen_clone_complete c = {.child = child, .status = status};

    return op(d0, CLONEOP_complete, &c);
}

static long reset(struct domain *caller, domid_t child)
{
    struct xen_clone_reset r = {.child = child};

    return op(caller, CLONEOP_reset, &r);
}

static long do_exit(domid_t id, int32_t status)
{
    struct xen_clone_exit e = {.status = status};

    return op(dom(id), CLONEOP_exit, &e);
}

static long do_wait(domid_t parent, domid_t child, struct xen_clone_wait *w)
{
    memset(w, 0, sizeof(*w));
    w->child = child;
    return op(dom(parent), CLONEOP_wait, w);
}

/* The clone service: its registration and ring. */
static struct xen_clone_register reg;

static long do_register(struct domain *caller, uint32_t nr_frames)
{
    memset(&reg, 0, sizeof(reg));
    reg.version = XEN_CLONE_INTERFACE_VERSION;
    reg.nr_frames = nr_frames;
    return op(caller, CLONEOP_register, &reg);
}

static struct page_info *ring_page(unsigned int i)
{
    return harness_mfn_to_page(reg.frames[i]);
}

static struct xen_clone_ring *ring(void)
{
    return harness_mfn_to_virt(reg.frames[0]);
}

/* The service maps frame i (a reference per mapping), or unmaps it. */
static void map_frame(unsigned int i)
{
    bool got = get_page(ring_page(i), dom_xen);

    assert(got);
}

static void unmap_frame(unsigned int i)
{
    put_page(ring_page(i));
}

static void ring_consume(void)
{
    ring()->cons = ring()->prod;
}

static bool ids_new(const domid_t *list, unsigned int n, domid_t *before,
                    unsigned int nr_before)
{
    unsigned int i, j;

    for (i = 0; i < n; i++) {
        if (list[i] == 0 || list[i] >= DOMID_FIRST_RESERVED ||
            !harness_find(list[i]))
            return false;
        for (j = 0; j < i; j++)
            if (list[j] == list[i])
                return false;
        for (j = 0; j < nr_before; j++)
            if (before[j] == list[i])
                return false;
    }
    return true;
}

static unsigned int snapshot_ids(domid_t *out, unsigned int max)
{
    struct domain *d;
    unsigned int n = 0;

    for_each_domain(d)
    {
        assert(n < max);
        out[n++] = d->domain_id;
    }
    return n;
}

static bool none_exist(const domid_t *list, unsigned int n)
{
    unsigned int i;

    for (i = 0; i < n; i++)
        if (harness_find(list[i]))
            return false;
    return true;
}

static void test_dispatch(void)
{
    struct domain *g = dom(G_ID);
    unsigned int heap = harness_xenheap_used();

    ok(op(d0, 99, NULL) == -EOPNOTSUPP, "unknown sub-op: -EOPNOTSUPP");
    d0->vcpu[0]->mc_state.flags = MCSF_in_multicall;
    ok(do_register(d0, 1) == -EOPNOTSUPP && harness_xenheap_used() == heap,
       "clone_op inside a multicall: -EOPNOTSUPP, no ring allocated");
    d0->vcpu[0]->mc_state.flags = 0;
    ok(do_register(g, 1) == -EPERM && harness_xenheap_used() == heap,
       "register by a guest: -EPERM");
    ok(op(g, CLONEOP_unregister, NULL) == -EPERM,
       "unregister by a guest: -EPERM");
    ok(op(d0, CLONEOP_unregister, NULL) == -ENOENT,
       "unregister without a service: -ENOENT");
    clean("dispatch");
}

static void test_register(void)
{
    unsigned int heap = harness_xenheap_used(), i;
    struct xen_clone_info info;
    bool good;
    long rc;

    reg.version = XEN_CLONE_INTERFACE_VERSION + 1;
    reg.nr_frames = 1;
    ok(op(d0, CLONEOP_register, &reg) == -EINVAL, "register: bad version");
    ok(do_register(d0, 0) == -EINVAL && do_register(d0, 9) == -EINVAL &&
           harness_xenheap_used() == heap,
       "register: 0 or 9 frames: -EINVAL");
    ok(op(d0, CLONEOP_register, NULL) == -EFAULT, "register: bad arg: -EFAULT");
    harness.xenheap_fail = 1;
    ok(do_register(d0, 1) == -ENOMEM && harness_xenheap_used() == heap,
       "register: out of Xen heap: -ENOMEM");

    rc = do_register(d0, 3);
    good = rc == 0 && reg.frames[1] == reg.frames[0] + 1 &&
           reg.frames[2] == reg.frames[0] + 2 && ring_page(0);
    for (i = 3; i < XEN_CLONE_RING_MAX_FRAMES; i++)
        good = good && reg.frames[i] == 0;
    ok(good, "register 3 frames: 3 consecutive MFNs returned, rest 0");
    ok(rc == 0 && harness_xenheap_used() == heap + 4 &&
           ring()->nr_ents == 256 && ring()->prod == 0 && ring()->cons == 0,
       "3-frame ring: order-2 allocation, 256 entries, empty");
    good = rc == 0;
    for (i = 0; good && i < 4; i++)
        good =
            ring_page(0)[i].count_info == (PGC_xen_heap | PGC_allocated | 1) &&
            ring_page(0)[i].owner == dom_xen;
    ok(good, "ring pages shared with privileged guests: owner dom_xen, "
             "allocation reference only");

    get_info(d0, DOMID_SELF, &info);
    ok(!(info.flags & XEN_CLONE_INFO_SERVICE),
       "get_info: a ring nobody maps is no service");
    map_frame(1);
    get_info(d0, DOMID_SELF, &info);
    ok(info.flags & XEN_CLONE_INFO_SERVICE, "get_info: mapped ring: service");

    ok(op(d0, CLONEOP_register,
          &(struct xen_clone_register){.version = XEN_CLONE_INTERFACE_VERSION,
                                       .nr_frames = 1}) == -EBUSY &&
           harness_xenheap_used() == heap + 4,
       "second service while the first maps its ring: -EBUSY, its ring "
       "freed");

    ok(op(d0, CLONEOP_unregister, NULL) == -EBUSY,
       "unregister while frame 1 is mapped: -EBUSY");
    good = true;
    for (i = 0; i < 4; i++)
        good = good &&
               ring_page(0)[i].count_info ==
                   (PGC_xen_heap | PGC_allocated | (i == 1 ? 2 : 1)) &&
               ring_page(0)[i].owner == dom_xen;
    ok(good && harness_xenheap_used() == heap + 4,
       "refused unregister: every ring page's references restored");
    unmap_frame(1);
    ok(op(d0, CLONEOP_unregister, NULL) == 0 && harness_xenheap_used() == heap,
       "unregister once unmapped: ring freed");
    ok(op(d0, CLONEOP_unregister, NULL) == -ENOENT,
       "unregister again: -ENOENT");

    ok(do_register(d0, 8) == 0 && ring()->nr_ents == 512 &&
           reg.frames[7] == reg.frames[0] + 7 &&
           op(d0, CLONEOP_unregister, NULL) == 0,
       "8-frame ring: 512 entries, 8 MFNs");

    /* The caller cannot be told the frames: nothing stays registered. */
    memset(&reg, 0, sizeof(reg));
    reg.version = XEN_CLONE_INTERFACE_VERSION;
    reg.nr_frames = 1;
    harness.nowrite_lo = (const char *)&reg;
    harness.nowrite_hi = (const char *)(&reg + 1);
    rc = op(d0, CLONEOP_register, &reg);
    harness.nowrite_lo = harness.nowrite_hi = NULL;
    ok(rc == -EFAULT && harness_xenheap_used() == heap,
       "register with an unwritable arg: -EFAULT, ring freed");
    ok(do_register(d0, 1) == 0 && ring()->nr_ents == 64,
       "after -EFAULT nothing was registered: a new register works");
    map_frame(0);
    clean("register");
}

static void test_policy(void)
{
    struct domain *g = dom(G_ID);
    struct xen_clone_info info;
    struct xen_clone_policy p = {.domid = G_ID, .enabled = 1};

    ok(op(g, CLONEOP_set_policy, &p) == -EPERM,
       "set_policy by a guest: -EPERM");
    p.pad = 1;
    ok(op(d0, CLONEOP_set_policy, &p) == -EINVAL, "set_policy: padding");
    ok(set_policy(G_ID, 2, 1) == -EINVAL &&
           set_policy(G_ID, 1, 0x10000) == -EINVAL,
       "set_policy: enabled > 1 or max_clones > 65535: -EINVAL");
    ok(set_policy(MISSING, 1, 1) == -ESRCH, "set_policy: no such domain");

    ok(get_info(d0, G_ID, &info) == 0 && info.domid == G_ID &&
           info.parent == DOMID_INVALID && !info.enabled &&
           info.flags == XEN_CLONE_INFO_SERVICE &&
           info.version == XEN_CLONE_INTERFACE_VERSION && !cd_of(G_ID),
       "get_info of a fresh domain: not a clone, disabled");
    ok(set_policy(G_ID, 1, 4) == 0 && get_info(d0, G_ID, &info) == 0 &&
           info.enabled == 1 && info.max_clones == 4 && !info.generation &&
           !info.nr_children,
       "set_policy then get_info: enabled, max_clones 4");
    ok(get_info(g, DOMID_SELF, &info) == 0 && info.domid == G_ID &&
           info.enabled == 1 && (info.flags & XEN_CLONE_INFO_SERVICE),
       "get_info by the domain itself (DOMID_SELF)");
    ok(get_info(g, O_ID, &info) == -EPERM,
       "get_info of another domain: -EPERM");
    memset(&info, 0, sizeof(info));
    info.domid = G_ID;
    info.size8 = XEN_CLONE_INFO_SIZE_V5 / 8 - 1;
    ok(op(d0, CLONEOP_get_info, &info) == -EINVAL,
       "get_info: a size below version 5's: -EINVAL");
    ok(get_info(d0, MISSING, &info) == -ESRCH, "get_info: no such domain");
    memset(&info, 0, sizeof(info));
    info.domid = G_ID;
    harness.nowrite_lo = (const char *)&info;
    harness.nowrite_hi = (const char *)(&info + 1);
    ok(op(d0, CLONEOP_get_info, &info) == -EFAULT,
       "get_info: unwritable arg: -EFAULT");
    harness.nowrite_lo = harness.nowrite_hi = NULL;

    clone_note_start_info(g, 0x2000);
    clone_note_start_info(d0, 0x3000);
    ok(cd_of(G_ID)->start_info_va == 0x2000 && !d0->clone,
       "start_info noted for a guest, not for the control domain");
    clean("policy");
}

/* The control domain clones G: checks, a successful clone, completion. */
static void test_control_clone(void)
{
    struct domain *g = dom(G_ID);
    domid_t list[8], before[64];
    unsigned int nb, created, i, virq = harness.virq_sent[VIRQ_CLONED];
    unsigned int prod = ring()->prod, calls;
    struct xen_clone_info info;
    bool good;
    long rc;

    /* Unmapped ring: the control domain's clone goes on without one. */
    unmap_frame(0);
    created = harness.domains_created;
    ok(do_clone(d0, O_ID, 1, 0, list) == -EPERM, "clone: disabled: -EPERM");
    ok(do_clone(d0, G_ID, 0, 0, list) == -EINVAL &&
           do_clone(d0, G_ID, 65, 0, list) == -EINVAL &&
           do_clone(d0, G_ID, 1, 4, list) == -EINVAL,
       "clone: 0 or 65 children, unknown flag: -EINVAL");
    ok(do_clone(d0, MISSING, 1, 0, list) == -ESRCH, "clone: no such parent");
    set_policy(0, 1, 4);
    ok(do_clone(d0, 0, 1, 0, list) == -EPERM &&
           do_clone(d0, DOMID_SELF, 1, 0, list) == -EPERM,
       "clone of the control domain: -EPERM");
    set_policy(O_ID, 1, 4);
    ok(do_clone(g, O_ID, 1, 0, list) == -EPERM,
       "a guest cloning another guest: -EPERM");
    harness_domain_new(DM_ID, false)->target = g;
    set_policy(G_ID, 1, 4);
    ok(do_clone(dom(DM_ID), G_ID, 1, 0, list) == -EPERM,
       "a device model cloning its target: -EPERM");
    destroy(DM_ID);
    dom(O_ID)->is_shutting_down = true;
    ok(do_clone(d0, O_ID, 1, 0, list) == -ESRCH,
       "clone of a shutting-down parent: -ESRCH");
    dom(O_ID)->is_shutting_down = false;
    ok(do_clone(d0, G_ID, 5, 0, list) == -E2BIG, "5 children, max 4: -E2BIG");
    harness.arch_check_rc = -EOPNOTSUPP;
    ok(do_clone(d0, G_ID, 1, 0, list) == -EOPNOTSUPP && !g->pause_count,
       "arch_clone_check refuses: its error, parent unpaused");
    harness.arch_check_rc = 0;
    harness.gnttab_config_rc = -EOPNOTSUPP;
    ok(do_clone(d0, G_ID, 1, 0, list) == -EOPNOTSUPP && !g->pause_count,
       "grant table v2 parent: -EOPNOTSUPP, parent unpaused");
    harness.gnttab_config_rc = 0;
    g->options = XEN_DOMCTL_CDF_iommu;
    ok(do_clone(d0, G_ID, 1, 0, list) == -EXDEV && !g->pause_count,
       "parent with its IOMMU enabled (passthrough): -EXDEV, not paused");
    ok(harness.domains_created == created && !harness.arch_child_calls,
       "refused clones create no domain, copy nothing");

    g->options = XEN_DOMCTL_CDF_vpmu;
    g->max_evtchn_port = 511;
    g->cpupool_id = 2;
    g->max_grant_frames = 7;
    g->max_maptrack_frames = 9;
    g->emulation_flags = 0x40;
    g->label = 0x51;
    nb = snapshot_ids(before, 64);
    rc = do_clone(d0, G_ID, 3, XEN_CLONE_FLAG_PAUSED, list);
    ok(rc == 0 && ids_new(list, 3, before, nb),
       "clone of 3: child_list holds 3 new domids");
    ok(rc == 0 && list[0] == 1 && list[1] == 2 && list[2] == 4,
       "domids from Xen's allocator (domid_alloc) skip d%u, which exists",
       SVC_ID);
    good = rc == 0;
    for (i = 0; good && i < 3; i++) {
        struct domain *c = dom(list[i]);

        good = c->vcpu[0] && c->controller_pause_count == 1 &&
               c->options == XEN_DOMCTL_CDF_vpmu && c->max_vcpus == 1 &&
               c->max_evtchn_port == 511 && c->cpupool_id == 2 &&
               c->max_grant_frames == 7 && c->max_maptrack_frames == 9 &&
               c->emulation_flags == 0x40 &&
               (c->created.handle[6] & 0xf0) == 0x40 &&
               (c->created.handle[8] & 0xc0) == 0x80;
    }
    ok(good && memcmp(dom(list[0])->created.handle,
                      dom(list[1])->created.handle, 16),
       "children: parent's configuration, paused, distinct v4 UUIDs");
    good = rc == 0;
    for (i = 0; good && i < 3; i++)
        good = dom(list[i])->label == 0x51 &&
               (dom(list[i])->cdf & CDF_clone);
    ok(good, "children: made with CDF_clone (no domain-create check), "
             "labelled as their parent (xsm_clone_child)");
    calls = harness.arch_child_calls;
    good = calls == 3;
    for (i = 0; good && i < 3; i++)
        good = harness.arch_call[i].parent == g &&
               harness.arch_call[i].child == dom(list[i]) &&
               !harness.arch_call[i].self &&
               harness.arch_call[i].rax == i + 1 &&
               harness.arch_call[i].parent_pause_count == 1 &&
               harness.arch_call[i].child_has_clone &&
               !harness.arch_call[i].locks_held &&
               harness.arch_call[i].domctl_held;
    ok(good, "arch_clone_child per child: parent paused, domctl lock, "
             "no spinlock");
    ok(!g->pause_count, "parent unpaused after the clone");
    good = rc == 0;
    for (i = 0; good && i < 3; i++) {
        struct clone_domain *c = cd_of(list[i]);

        good = c->parent_id == G_ID && c->parent == g->clone &&
               c->generation == 1 && c->pending && c->enabled &&
               c->max_clones == 4 && !c->forked && !c->fork_child && !c->zombie;
    }
    ok(good, "children linked: parent, generation 1, pending, policy "
             "inherited");
    ok(get_info(d0, G_ID, &info) == 0 && info.nr_children == 3,
       "parent has 3 live children");
    ok(get_info(d0, list[0], &info) == 0 && info.parent == G_ID &&
           info.generation == 1 &&
           info.flags == (XEN_CLONE_INFO_CHILD | XEN_CLONE_INFO_PENDING),
       "get_info of a child: CHILD | PENDING, parent, generation");
    ok(harness.virq_sent[VIRQ_CLONED] == virq && ring()->prod == prod,
       "no service mapped: no notification, no VIRQ_CLONED");
    clone_note_start_info(dom(list[0]), 0x9000);
    ok(!cd_of(list[0])->start_info_va, "start_info is not noted for a clone");

    created = harness.domains_created;
    ok(do_clone(d0, list[0], 1, 0, before) == -EPERM,
       "clone of a child awaiting completion: -EPERM");
    ok(do_clone(d0, G_ID, 2, 0, before) == -E2BIG &&
           harness.domains_created == created,
       "3 live children of 4, 2 more: -E2BIG");

    ok(op(g, CLONEOP_complete,
          &(struct xen_clone_complete){.child = list[0]}) == -EPERM,
       "complete by a guest: -EPERM");
    ok(complete(list[0], 1) == -EINVAL, "complete: positive status: -EINVAL");
    ok(op(d0, CLONEOP_complete,
          &(struct xen_clone_complete){.child = list[0], .pad = 1}) == -EINVAL,
       "complete: padding: -EINVAL");
    ok(complete(MISSING, 0) == -ESRCH, "complete: no such child: -ESRCH");
    ok(complete(list[0], 0) == 0 && !cd_of(list[0])->pending,
       "complete: child no longer pending");
    ok(complete(list[0], 0) == -ENOENT, "complete twice: -ENOENT");
    ok(complete(list[1], -EIO) == 0 && !dom(list[1]) &&
           get_info(d0, G_ID, &info) == 0 && info.nr_children == 2,
       "failed completion: child destroyed, parent has 2 children");
    ok(complete(list[2], 0) == 0 && complete(G_ID, 0) == -ENOENT,
       "complete a non-child: -ENOENT");
    map_frame(0);
    clean("control-domain clone");
}

/* With a mapped ring: notifications, the ring's room. */
static void test_notify(void)
{
    domid_t list[64];
    unsigned int virq = harness.virq_sent[VIRQ_CLONED], i, nb;
    uint32_t prod0 = ring()->prod, id0;
    struct xen_clone_info info;
    bool good;
    long rc;

    set_policy(G_ID, 1, 64);
    ring_consume();
    rc = do_clone(d0, G_ID, 3, XEN_CLONE_FLAG_PAUSED, list);
    good = rc == 0 && ring()->prod == prod0 + 3;
    id0 = ring()->ent[prod0 % 64].id;
    for (i = 0; good && i < 3; i++) {
        struct xen_clone_notification *n = &ring()->ent[(prod0 + i) % 64];

        good = n->id == id0 + i && n->parent == G_ID && n->child == list[i] &&
               n->flags == XEN_CLONE_FLAG_PAUSED && n->index == i && !n->pad &&
               n->child_store_mfn == 0x100000UL + list[i] &&
               n->child_console_mfn == 0x200000UL + list[i];
    }
    ok(good && id0 == 1, "3 notifications: id, parent, child, flags, index, "
                         "ring MFNs");
    ok(harness.virq_sent[VIRQ_CLONED] == virq + 1, "VIRQ_CLONED raised once");
    ok(get_info(d0, DOMID_SELF, &info) == 0 &&
           (info.flags & XEN_CLONE_INFO_SERVICE),
       "get_info: service registered");
    for (i = 0; i < 3; i++)
        complete(list[i], 0);

    ring()->cons = ring()->prod - 63;
    nb = harness.domains_created;
    ok(do_clone(d0, G_ID, 2, 0, list) == -EBUSY && ring()->prod == prod0 + 3 &&
           harness.domains_created == nb,
       "ring with room for 1, 2 children: -EBUSY, nothing made");
    ok(do_clone(d0, G_ID, 1, 0, list) == 0 && ring()->prod == prod0 + 4,
       "ring with room for 1, 1 child: posted");
    complete(list[0], 0);
    ring()->cons = ring()->prod + 5;
    ok(do_clone(d0, G_ID, 1, 0, list) == -EBUSY,
       "consumer ahead of producer: -EBUSY");
    ring_consume();
    clean("notifications");
}

/* Failures half way: every child made is destroyed, nothing leaks. */
static void test_unwind(void)
{
    struct domain *g = dom(G_ID);
    domid_t list[8];
    unsigned int killed, created, domains = harness_nr_domains();
    unsigned int nr_children;
    unsigned int virq = harness.virq_sent[VIRQ_CLONED], softirqs;
    long allocs = harness.allocs_live;
    uint32_t prod = ring()->prod;
    long rc;

    nr_children = g->clone->nr_children;
    killed = harness.domains_killed;
    harness.arch_child_calls = 0;
    harness.arch_child_fail_at = 2;
    harness.arch_child_fail_rc = -EOPNOTSUPP;
    rc = do_clone(d0, G_ID, 4, 0, list);
    harness.arch_child_fail_at = -1;
    ok(rc == -EOPNOTSUPP && harness.arch_child_calls == 3,
       "arch_clone_child fails for child 2 of 4: its error");
    ok(harness.domains_killed == killed + 4 && none_exist(list, 4) &&
           harness_nr_domains() == domains,
       "all 4 children destroyed");
    ok(ring()->prod == prod && harness.virq_sent[VIRQ_CLONED] == virq,
       "nothing posted, no VIRQ_CLONED");
    ok(!g->pause_count && g->clone->nr_children == nr_children &&
           !g->clone->cloning && harness.allocs_live == allocs,
       "parent unpaused, no child linked, no clone state leaked");
    ring()->cons = ring()->prod - 60;
    ok(do_clone(d0, G_ID, 4, 0, list) == 0,
       "ring reservation released: 4 children fit in 4 free entries");
    for (rc = 0; rc < 4; rc++)
        complete(list[rc], 0);
    ring_consume();

    harness.vcpu_create_fail_in = 2;
    ok(do_clone(d0, G_ID, 3, 0, list) == -ENOMEM &&
           harness_nr_domains() == domains + 4,
       "vcpu_create fails for child 1: -ENOMEM, no child left");
    harness.vcpu_create_fail_in = 0;
    harness.domain_create_fail_in = 1;
    ok(do_clone(d0, G_ID, 2, 0, list) == -ENOMEM &&
           harness_nr_domains() == domains + 4,
       "domain_create fails: -ENOMEM");
    harness.domain_create_fail_in = 0;
    allocs = harness.allocs_live;
    harness.zalloc_fail_in = 2;
    ok(do_clone(d0, G_ID, 2, 0, list) == -ENOMEM &&
           harness_nr_domains() == domains + 4 && harness.allocs_live == allocs,
       "no memory for child 1's clone state: -ENOMEM, both destroyed");
    harness.zalloc_fail_in = 0;

    harness.nowrite_lo = (const char *)&list[1];
    harness.nowrite_hi = (const char *)&list[2];
    killed = harness.domains_killed;
    created = harness.domains_created;
    list[0] = 7;
    ok(do_clone(d0, G_ID, 2, 0, list) == -EFAULT &&
           harness.domains_created == created &&
           harness.domains_killed == killed && list[0] == 7 &&
           harness_nr_domains() == domains + 4,
       "child_list not writable: -EFAULT before anything is made, the list "
       "unchanged");
    harness.nowrite_lo = harness.nowrite_hi = NULL;
    created = harness.domains_created;
    ok(do_clone(d0, G_ID, 2, 0, NULL) == -EFAULT &&
           harness.domains_created == created,
       "no child_list: -EFAULT before anything is made");

    softirqs = harness.softirq_runs;
    harness.kill_restart = 2;
    harness.arch_child_fail_at = 0;
    harness.arch_child_calls = 0;
    rc = do_clone(d0, G_ID, 1, 0, list);
    harness.arch_child_fail_at = -1;
    ok(rc == -EOPNOTSUPP && harness.softirq_runs == softirqs + 2 &&
           none_exist(list, 1),
       "domain_kill says -ERESTART twice: softirqs run, child gone");

    harness.domctl_busy = 1;
    created = harness.domains_created;
    {
        struct xen_clone_op o = {.parent = G_ID, .nr_children = 1};
        unsigned int conts = harness.continuations;

        set_xen_guest_handle(o.child_list, list);
        rc = op(d0, CLONEOP_clone, &o);
        ok(rc == CONT && harness.continuations == conts + 1 &&
               harness.cont_cmd == CLONEOP_clone && harness.cont_arg == &o &&
               !strcmp(harness.cont_fmt, "ih") &&
               harness.domains_created == created,
           "domctl lock busy: a continuation of the same call");
    }
    ring_consume();
    clean("unwind");
}

/* A guest forks: the wait for completion, and how it ends. */
static void test_fork(void)
{
    struct domain *g = dom(G_ID);
    struct vcpu *gv = g->vcpu[0];
    domid_t list[4] = {0}, list2[4];
    unsigned int virq, i, created, nr_pending;
    uint32_t prod;
    bool good;
    long rc;

    unmap_frame(0);
    created = harness.domains_created;
    ok(do_clone(g, DOMID_SELF, 1, 0, list) == -ENXIO && !gv->pause_count &&
           harness.domains_created == created,
       "fork while nobody maps the ring: -ENXIO at once");
    map_frame(0);

    virq = harness.virq_sent[VIRQ_CLONED];
    prod = ring()->prod;
    harness.arch_child_calls = 0;
    rc = do_clone(g, DOMID_SELF, 2, 0, list);
    ok(rc == CONT && gv->pause_count == 1 &&
           g->clone->fork_state == FORK_WAIT && g->clone->fork_waiting == 2,
       "fork of 2: continuation, the parent's vCPU paused");
    good = harness.arch_child_calls == 2;
    for (i = 0; good && i < 2; i++)
        good = harness.arch_call[i].self && harness.arch_call[i].rax == i + 1 &&
               harness.arch_call[i].parent_pause_count == 0 &&
               harness.arch_call[i].child == dom(list[i]);
    ok(good, "self-clone: arch hook with self, rax 1 and 2, parent not "
             "domain-paused");
    ok(ring()->prod == prod + 2 &&
           ring()->ent[prod % 64].flags == XEN_CLONE_NOTIFY_SELF &&
           ring()->ent[(prod + 1) % 64].child == list[1] &&
           harness.virq_sent[VIRQ_CLONED] == virq + 1,
       "fork notifications carry XEN_CLONE_NOTIFY_SELF");
    ok(cd_of(list[0])->forked && cd_of(list[0])->fork_child &&
           cd_of(list[0])->zombie && cd_of(list[1])->zombie,
       "forked children: fork_child, end records allocated");
    ok(do_clone(dom(list[0]), DOMID_SELF, 1, 0, list2) == -EPERM,
       "a forked child awaiting completion cannot fork: -EPERM");
    created = harness.domains_created;
    ok(do_clone(g, DOMID_SELF, 1, 0, list2) == -EBUSY &&
           harness.domains_created == created,
       "fork re-entered while waiting: -EBUSY, nothing made");
    ok(do_clone(d0, G_ID, 1, 0, list2) == -EBUSY &&
           harness.domains_created == created && gv->pause_count == 1,
       "the control domain's clone of a parent waiting in fork: -EBUSY");
    complete(list[0], 0);
    ok(gv->pause_count == 1, "first child complete: parent still waits");
    complete(list[1], 0);
    ok(gv->pause_count == 0 && g->clone->fork_state == FORK_DONE,
       "last child complete: parent's vCPU unpaused");
    ok(do_clone(d0, G_ID, 1, 0, list2) == -EBUSY &&
           harness.domains_created == created,
       "  and before its continuation has run: still -EBUSY");
    ok(do_clone(g, DOMID_SELF, 2, 0, list) == 0 &&
           g->clone->fork_state == FORK_IDLE,
       "the continuation returns 0 to the parent");
    ring_consume();

    rc = do_clone(g, G_ID, 2, 0, list);
    ok(rc == CONT && complete(list[0], -EIO) == 0 && !dom(list[0]) &&
           gv->pause_count == 1,
       "fork by own domid; a failed completion destroys the child");
    complete(list[1], 0);
    ok(gv->pause_count == 0 && do_clone(g, DOMID_SELF, 2, 0, list) == -EIO,
       "the fork returns the failed completion's status");
    ring_consume();

    ok(do_clone(g, DOMID_SELF, 1, 0, list) == CONT, "fork of 1");
    destroy(list[0]);
    ok(gv->pause_count == 0 && do_clone(g, DOMID_SELF, 1, 0, list) == -ENOTCONN,
       "child destroyed before completion: the fork returns -ENOTCONN");
    ring_consume();

    /* The service leaves while children wait: all pending ones go. */
    ok(do_clone(g, DOMID_SELF, 2, 0, list) == CONT, "fork of 2 again");
    ok(do_clone(d0, O_ID, 1, 0, list2) == 0, "and an xl clone of d%u", O_ID);
    nr_pending = 0;
    {
        struct domain *d;

        for_each_domain(d)
        {
            nr_pending += d->clone && d->clone->pending;
        }
    }
    ok(nr_pending == 3, "3 children await completion");
    ok(op(d0, CLONEOP_unregister, NULL) == -EBUSY,
       "unregister while the ring is mapped: -EBUSY");
    unmap_frame(0);
    ok(op(d0, CLONEOP_unregister, NULL) == 0 && none_exist(list, 2) &&
           none_exist(list2, 1),
       "unregister: every pending child destroyed");
    ok(gv->pause_count == 0 && do_clone(g, DOMID_SELF, 1, 0, list) == -ENOTCONN,
       "the waiting fork returns -ENOTCONN");
    ok(harness_find(1) && !cd_of(1)->pending && cd_of(1)->parent_id == G_ID,
       "completed children survive the unregister");
    ok(do_register(d0, 1) == 0, "a new service registers");
    map_frame(0);
    clean("fork");
}

/* The notification on the ring for child, or NULL. */
static const struct xen_clone_notification *note_of(domid_t child)
{
    uint32_t i;

    for (i = ring()->cons; i != ring()->prod; i++) {
        const struct xen_clone_notification *n =
            &ring()->ent[i & (ring()->nr_ents - 1)];

        if (n->child == child)
            return n;
    }
    return NULL;
}

/* Same notification but for the replay flag and the id. */
static bool replayed(const struct xen_clone_notification *now,
                     const struct xen_clone_notification *before)
{
    return now && now->parent == before->parent &&
           now->child == before->child && now->index == before->index &&
           now->flags == (before->flags | XEN_CLONE_NOTIFY_REPLAY) &&
           now->child_store_mfn == before->child_store_mfn &&
           now->child_console_mfn == before->child_console_mfn &&
           now->id != before->id && !now->pad;
}

/* The service dies while children wait; its successor is told of them. */
static void test_takeover(void)
{
    struct domain *g = dom(G_ID), *d;
    struct vcpu *gv = g->vcpu[0];
    struct xen_clone_notification was[3];
    domid_t list[64], list2[2], extra[1];
    unsigned int heap = harness_xenheap_used(), virq, i, alive;
    long allocs;

    ring_consume();
    ok(do_clone(g, DOMID_SELF, 2, 0, list) == CONT,
       "takeover: a fork of 2 waits for completion");
    ok(do_clone(d0, O_ID, 1, XEN_CLONE_FLAG_PAUSED, list2) == 0,
       "  and an xl clone of d%u waits too", O_ID);
    for (i = 0; i < 3; i++)
        was[i] = ring()->ent[(ring()->prod - 3 + i) % 64];
    ok(complete(list[0], 0) == 0, "  the service completes the first child");
    ring_consume();
    unmap_frame(0);

    virq = harness.virq_sent[VIRQ_CLONED];
    ok(do_register(d0, 2) == 0, "the service died: a new one registers");
    ok(harness_xenheap_used() == heap - 1 + 2,
       "  the dead one's ring freed, a 2-page ring allocated");
    ok(ring()->prod == 2 && ring()->cons == 0 &&
           harness.virq_sent[VIRQ_CLONED] == virq + 1,
       "  2 notifications on the new ring, VIRQ_CLONED raised");
    ok(replayed(note_of(list[1]), &was[1]) &&
           replayed(note_of(list2[0]), &was[2]) && !note_of(list[0]),
       "  the 2 pending children, as first announced, with "
       "XEN_CLONE_NOTIFY_REPLAY");
    ok(gv->pause_count == 1 && g->clone->fork_state == FORK_WAIT &&
           cd_of(list[1])->pending,
       "  the forking parent still waits");
    map_frame(0);
    ok(complete(list[1], 0) == 0 && complete(list2[0], 0) == 0 &&
           gv->pause_count == 0 && do_clone(g, DOMID_SELF, 2, 0, list) == 0,
       "the new service completes them: the fork returns 0");
    ring_consume();
    ok(op(d0, CLONEOP_register,
          &(struct xen_clone_register){.version = XEN_CLONE_INTERFACE_VERSION,
                                       .nr_frames = 1}) == -EBUSY,
       "a third service while it maps: -EBUSY");

    /* More pending children than the new ring holds. */
    harness_domain_new(P_ID, false);
    set_policy(P_ID, 1, 100);
    ok(do_clone(d0, P_ID, 64, XEN_CLONE_FLAG_PAUSED, list) == 0 &&
           (ring_consume(), do_clone(d0, P_ID, 1, XEN_CLONE_FLAG_PAUSED,
                                     extra)) == 0,
       "65 children pending");
    unmap_frame(0);
    ok(do_register(d0, 1) == 0 && ring()->prod == 64,
       "a successor with a 64-entry ring: 64 announced again");
    alive = 0;
    for (i = 0; i < 64; i++)
        alive += !!dom(list[i]);
    alive += !!dom(extra[0]);
    ok(alive == 64 && cd_of(P_ID)->nr_children == 64,
       "  the one that did not fit is destroyed");
    map_frame(0);
    for (i = 0; i < 64; i++)
        if (dom(list[i]))
            complete(list[i], 0);
    if (dom(extra[0]))
        complete(extra[0], 0);
    ring_consume();
    allocs = harness.allocs_live;
    for (i = 0; i < 64; i++)
        if (dom(list[i]))
            destroy(list[i]);
    if (dom(extra[0]))
        destroy(extra[0]);
    destroy(P_ID);
    ok(harness.allocs_live < allocs && !dom(P_ID), "  the family destroyed");
    alive = 0;
    for_each_domain(d)
    {
        alive += d->clone && d->clone->pending;
    }
    ok(alive == 0, "no child left pending");
    clean("takeover");
}

/* Fork many, complete them, let the parent return. */
static void fork_all(domid_t parent, unsigned int n, domid_t *list)
{
    unsigned int i;
    long rc;

    ring_consume();
    rc = do_clone(dom(parent), DOMID_SELF, n, 0, list);
    assert(rc == CONT);
    for (i = 0; i < n; i++)
        complete(list[i], 0);
    rc = do_clone(dom(parent), DOMID_SELF, n, 0, list);
    assert(rc == 0);
}

static void test_exit_wait(void)
{
    struct xen_clone_wait w;
    struct xen_clone_info info;
    domid_t list[64], a, b, c, e;
    unsigned int i, batch;
    bool good;
    long rc;

    harness_domain_new(W_ID, false);
    ok(do_wait(W_ID, DOMID_INVALID, &w) == -ECHILD,
       "wait without any clone state: -ECHILD");
    w.flags = 1;
    ok(op(dom(W_ID), CLONEOP_wait, &w) == -EINVAL, "wait: flags: -EINVAL");
    w.flags = 0;
    w.pad = 1;
    ok(op(dom(W_ID), CLONEOP_wait, &w) == -EINVAL, "wait: padding: -EINVAL");

    set_policy(W_ID, 1, 64);
    fork_all(W_ID, 3, list);
    a = list[0], b = list[1], c = list[2];
    ok(do_wait(W_ID, DOMID_INVALID, &w) == -EAGAIN,
       "children alive: wait says -EAGAIN");
    ok(op(dom(b), CLONEOP_exit, &(struct xen_clone_exit){.pad = 1}) == -EINVAL,
       "exit: padding: -EINVAL");
    ok(do_exit(a, 42) == 0 && dom(a)->is_shut_down &&
           dom(a)->shutdown_code == SHUTDOWN_poweroff,
       "exit(42): the child powers off");
    rc = do_wait(W_ID, DOMID_INVALID, &w);
    ok(rc == 0 && w.child == a && w.flags == XEN_CLONE_WAIT_EXITED &&
           w.status == 42 && w.reason == SHUTDOWN_poweroff,
       "wait collects it: EXITED, status 42, poweroff");
    ok(dom(a) && !cd_of(a)->parent && !cd_of(a)->zombie &&
           get_info(d0, W_ID, &info) == 0 && info.nr_children == 2,
       "collected: off the family, 2 children left");
    ok(do_wait(W_ID, a, &w) == -ECHILD, "wait for it again: -ECHILD");
    destroy(a);
    ok(do_wait(W_ID, a, &w) == -ECHILD,
       "a collected child destroyed later leaves no end record");
    ok(do_wait(W_ID, d0->domain_id, &w) == -ECHILD,
       "wait for a domain that is not a child: -ECHILD");
    ok(do_wait(W_ID, b, &w) == -EAGAIN, "wait for a running child: -EAGAIN");

    destroy(b);
    rc = do_wait(W_ID, b, &w);
    ok(rc == 0 && w.child == b && w.flags == XEN_CLONE_WAIT_GONE &&
           w.status == 0 && w.reason == XEN_CLONE_WAIT_NO_REASON,
       "child destroyed while running: GONE, no reason");
    do_exit(c, 7);
    destroy(c);
    rc = do_wait(W_ID, DOMID_INVALID, &w);
    ok(rc == 0 && w.child == c &&
           w.flags == (XEN_CLONE_WAIT_GONE | XEN_CLONE_WAIT_EXITED) &&
           w.status == 7 && w.reason == SHUTDOWN_poweroff,
       "exit(7) then destroyed: GONE | EXITED, status 7");
    ok(do_wait(W_ID, DOMID_INVALID, &w) == -ECHILD,
       "everything collected: -ECHILD");

    harness.shutdown_immediate = false;
    fork_all(W_ID, 1, list);
    do_exit(list[0], 1);
    ok(do_wait(W_ID, DOMID_INVALID, &w) == -EAGAIN,
       "a child still shutting down is not collected");
    harness.shutdown_immediate = true;
    destroy(list[0]);
    ok(do_wait(W_ID, DOMID_INVALID, &w) == 0 &&
           w.flags == (XEN_CLONE_WAIT_GONE | XEN_CLONE_WAIT_EXITED) &&
           w.reason == XEN_CLONE_WAIT_NO_REASON && w.status == 1,
       "then destroyed: gone, exited, status 1, no shutdown reason");

    ring_consume();
    do_clone(d0, W_ID, 1, 0, list);
    e = list[0];
    complete(e, 0);
    domain_shutdown(dom(e), SHUTDOWN_crash);
    rc = do_wait(W_ID, DOMID_INVALID, &w);
    ok(rc == 0 && w.child == e && w.flags == 0 && w.status == 0 &&
           w.reason == SHUTDOWN_crash,
       "xl clone's child crashes: collected with reason crash");
    ring_consume();
    do_clone(d0, W_ID, 1, 0, list);
    complete(list[0], 0);
    destroy(list[0]);
    ok(do_wait(W_ID, DOMID_INVALID, &w) == -ECHILD,
       "xl clone's child destroyed: no end record kept");
    destroy(e);

    /* More ends than XEN_CLONE_MAX_ZOMBIES: the oldest are dropped. */
    for (batch = 0; batch < 17; batch++) {
        fork_all(W_ID, 64, list);
        if (batch == 1)
            e = list[0];
        for (i = 0; i < 64; i++)
            destroy(list[i]);
    }
    ok(cd_of(W_ID)->nr_zombies == XEN_CLONE_MAX_ZOMBIES,
       "1088 forked children gone: 1024 end records kept");
    rc = do_wait(W_ID, DOMID_INVALID, &w);
    ok(rc == 0 && w.child == e, "the oldest 64 were dropped");
    for (i = 1, good = true; good && i < XEN_CLONE_MAX_ZOMBIES; i++)
        good = do_wait(W_ID, DOMID_INVALID, &w) == 0;
    ok(good && do_wait(W_ID, DOMID_INVALID, &w) == -ECHILD &&
           !cd_of(W_ID)->nr_zombies,
       "all 1024 collected, then -ECHILD");
    ring_consume();
    clean("exit/wait");
}

/* Set F's policy: max_clones 8 and the given family limits. */
static long family_policy(domid_t id, uint32_t max_family, uint16_t max_depth)
{
    struct xen_clone_policy p = {.domid = id,
                                 .enabled = 1,
                                 .max_clones = 8,
                                 .max_family = max_family,
                                 .max_depth = max_depth};

    return op(d0, CLONEOP_set_policy, &p);
}

/* A shell shaped like SP_ID: paused by its controller, nothing in it. */
static struct domain *shell_new(domid_t id, bool with_vcpu)
{
    struct domain *s = harness_domain_new(id, false);

    s->controller_pause_count = 1;
    if (!with_vcpu) {
        free(s->vcpu[0]);
        s->vcpu[0] = NULL;
    }
    return s;
}

/* Refused with -EINVAL, and nothing changed: shells, parent, Xen. */
static bool shells_refused(domid_t *list, unsigned int n, uint16_t flags)
{
    unsigned int created = harness.domains_created;
    unsigned int calls = harness.arch_child_calls, i;
    unsigned int kids = dom(SP_ID)->clone->nr_children;
    struct clone_domain *cds[8];
    int refs[8];
    domid_t copy[8];
    bool good;

    for (i = 0; i < n; i++) {
        struct domain *s = dom(list[i]);
        refs[i] = s ? s->refcnt : -1;
        cds[i] = s ? s->clone : NULL;
        copy[i] = list[i];
    }
    good = do_clone(d0, SP_ID, n, flags | XEN_CLONE_FLAG_SHELLS, list) ==
               -EINVAL &&
           harness.domains_created == created &&
           harness.arch_child_calls == calls && !dom(SP_ID)->pause_count &&
           dom(SP_ID)->clone->nr_children == kids;
    for (i = 0; i < n; i++) {
        struct domain *s = dom(list[i]);
        good = good && list[i] == copy[i] && (s ? s->refcnt : -1) == refs[i] &&
               (s ? s->clone : NULL) == cds[i];
    }
    return good;
}

static void test_shells(void)
{
    struct domain *p = harness_domain_new(SP_ID, false), *s[6];
    unsigned int i, created, killed;
    domid_t list[4];
    long rc;
    bool good;

    for (i = 0; i < 6; i++)
        s[i] = shell_new(S1_ID + i, i != 1);
    set_policy(SP_ID, 1, 2);
    ring_consume();

    list[0] = S1_ID;
    ok(do_clone(p, DOMID_SELF, 1, XEN_CLONE_FLAG_SHELLS, list) == -EINVAL &&
           !s[0]->clone,
       "shells: a guest's own clone may not name shells: -EINVAL");

    list[0] = SP_ID;
    ok(shells_refused(list, 1, 0), "shells: the parent as its own shell");
    list[0] = 0;
    ok(shells_refused(list, 1, 0), "shells: Dom0 as a shell");
    list[0] = 999;
    ok(shells_refused(list, 1, 0), "shells: no such domain");
    list[0] = S1_ID, list[1] = S1_ID;
    ok(shells_refused(list, 2, 0), "shells: the same shell twice");
    s[0]->controller_pause_count = 0;
    list[1] = S1_ID + 1;
    ok(shells_refused(list, 2, 0), "shells: one not paused by its controller");
    s[0]->controller_pause_count = 1;
    s[0]->active_evtchns = 1;
    ok(shells_refused(list, 2, 0), "shells: an event channel in use");
    s[0]->active_evtchns = 0;
    s[0]->max_vcpus = 2;
    ok(shells_refused(list, 2, 0), "shells: another max_vcpus");
    s[0]->max_vcpus = 1;
    s[0]->options = XEN_DOMCTL_CDF_vpmu;
    ok(shells_refused(list, 2, 0), "shells: other creation flags");
    s[0]->options = p->options;
    s[0]->max_evtchn_port = p->max_evtchn_port - 1;
    ok(shells_refused(list, 2, 0), "shells: a smaller max_evtchn_port");
    s[0]->max_evtchn_port = p->max_evtchn_port;
    s[0]->max_grant_frames = p->max_grant_frames - 1;
    ok(shells_refused(list, 2, 0), "shells: fewer grant frames");
    s[0]->max_grant_frames = p->max_grant_frames;
    s[0]->grant_opts = p->grant_opts + 1;
    ok(shells_refused(list, 2, 0), "shells: another grant version limit");
    s[0]->grant_opts = p->grant_opts;
    s[0]->is_dying = DOMDYING_dying;
    ok(shells_refused(list, 2, 0), "shells: a dying shell");
    s[0]->is_dying = DOMDYING_alive;
    harness.arch_shell_refused = true;
    ok(shells_refused(list, 2, 0),
       "shells: arch_clone_shell_ok() refuses (memory, vCPU, PV width)");
    harness.arch_shell_refused = false;
    list[0] = S1_ID;
    list[2] = S1_ID + 2;
    set_policy(SP_ID, 1, 2);
    ok(do_clone(d0, SP_ID, 3, XEN_CLONE_FLAG_SHELLS, list) == -E2BIG &&
           !s[0]->clone && !s[1]->vcpu[0] && s[0]->refcnt == 1 &&
           s[2]->refcnt == 1 && !s[0]->is_dying,
       "shells: 3 children over max_clones 2: -E2BIG, shells untouched");

    created = harness.domains_created;
    harness.arch_child_calls = 0;
    list[0] = S1_ID, list[1] = S1_ID + 1;
    p->label = 0x77;
    s[0]->label = s[1]->label = 0x11;
    rc = do_clone(d0, SP_ID, 2, XEN_CLONE_FLAG_SHELLS, list);
    ok(rc == 0 && s[0]->label == 0x77 && s[1]->label == 0x77,
       "shells: made children, they take the parent's label");
    ok(rc == 0 && list[0] == S1_ID && list[1] == S1_ID + 1 &&
           harness.domains_created == created,
       "shells: clone of 2 into 2 shells: they are the children, no domain "
       "created");
    good = rc == 0 && harness.arch_child_calls == 2;
    for (i = 0; good && i < 2; i++)
        good = harness.arch_call[i].child == s[i] &&
               harness.arch_call[i].family_tagged && s[i]->vcpu[0] &&
               s[i]->clone->pending && s[i]->clone->parent == p->clone &&
               s[i]->refcnt == 1 && s[i]->controller_pause_count == 1;
    ok(good, "shells: each filled by the arch code, its family tagged, vCPU 0 "
             "made where missing, linked and pending, no reference kept");
    for (i = 0; rc == 0 && i < 2; i++)
        complete(list[i], 0);
    ring_consume();
    list[0] = S1_ID + 2, list[1] = S1_ID;
    ok(shells_refused(list, 2, 0),
       "shells: a clone (a member of a family) as a shell");

    for (i = 0; i < 2; i++)
        destroy(S1_ID + i);
    killed = harness.domains_killed;
    harness.arch_child_calls = 0;
    harness.arch_child_fail_at = 1;
    harness.arch_child_fail_rc = -ENOMEM;
    list[0] = S1_ID + 2, list[1] = S1_ID + 3;
    rc = do_clone(d0, SP_ID, 2, XEN_CLONE_FLAG_SHELLS, list);
    harness.arch_child_fail_at = -1;
    ok(rc == -ENOMEM && harness.domains_killed == killed + 2 &&
           !dom(S1_ID + 2) && !dom(S1_ID + 3) && !p->pause_count &&
           !p->clone->cloning,
       "shells: the arch code fails on the second: both begun shells are "
       "destroyed, the parent resumes");

    harness.vcpu_create_fail_in = 1;
    list[0] = S1_ID + 5, list[1] = S1_ID + 4;
    killed = harness.domains_killed;
    rc = do_clone(d0, SP_ID, 2, XEN_CLONE_FLAG_SHELLS, list);
    harness.vcpu_create_fail_in = 0;
    ok(rc == 0, "shells: both shells with vCPU 0 made: no vcpu_create() call");
    for (i = 0; rc == 0 && i < 2; i++)
        complete(list[i], 0);
    ring_consume();
    for (i = 4; i < 6; i++)
        destroy(S1_ID + i);
    destroy(SP_ID);
}


/* get_info writes what the caller has room for (interface version 6). */
static void test_info_size(void)
{
    unsigned char *buf;
    struct xen_clone_info *info;
    size_t big = sizeof(*info) + 64, i;
    bool intact;

    /* A caller built against version 5: 104 bytes, size8 was padding. */
    buf = malloc(XEN_CLONE_INFO_SIZE_V5);
    assert(buf);
    memset(buf, 0, XEN_CLONE_INFO_SIZE_V5);
    info = (void *)buf;
    info->domid = G_ID;
    ok(op(d0, CLONEOP_get_info, buf) == 0 && info->domid == G_ID &&
           info->size8 == XEN_CLONE_INFO_SIZE_V5 / 8 &&
           info->version == XEN_CLONE_INTERFACE_VERSION,
       "get_info, size8 0 (a version 5 caller): %u bytes written, no more "
       "(ASan guards the buffer)",
       XEN_CLONE_INFO_SIZE_V5);
    free(buf);

    /* Exactly its own size: a caller with a version 5 buffer saying so. */
    buf = malloc(XEN_CLONE_INFO_SIZE_V5);
    assert(buf);
    memset(buf, 0, XEN_CLONE_INFO_SIZE_V5);
    info = (void *)buf;
    info->domid = G_ID;
    info->size8 = XEN_CLONE_INFO_SIZE_V5 / 8;
    ok(op(d0, CLONEOP_get_info, buf) == 0 &&
           info->size8 == XEN_CLONE_INFO_SIZE_V5 / 8,
       "get_info, size8 13: 104 bytes");
    free(buf);

    /* A caller from the future: a bigger structure. */
    buf = malloc(big);
    assert(buf);
    memset(buf, 0xa5, big);
    info = (void *)buf;
    memset(info, 0, sizeof(*info));
    info->domid = G_ID;
    info->size8 = big / 8;
    ok(op(d0, CLONEOP_get_info, buf) == 0 &&
           info->size8 == sizeof(*info) / 8 && info->max_stock ==
           XEN_CLONE_STOCK_MAX,
       "get_info, a bigger caller: Xen writes its %zu bytes, says so in "
       "size8",
       sizeof(*info));
    intact = true;
    for (i = sizeof(*info); i < big; i++)
        intact = intact && buf[i] == 0xa5;
    ok(intact, "  and not a byte beyond");
    free(buf);

    /* The head only is read: a 6-byte caller is refused before a write. */
    buf = malloc(6);
    assert(buf);
    memset(buf, 0, 6);
    buf[5] = 1;
    ok(op(d0, CLONEOP_get_info, buf) == -EINVAL,
       "get_info, size8 1: -EINVAL, only the 6-byte head read");
    free(buf);
    clean("get_info sizes");
}

/* The registered service (d0) adds shells to Xen's stock. */
static long add_shells(struct domain *caller, const domid_t *list,
                       unsigned int n)
{
    struct xen_clone_add_shells a = {.nr = n};

    set_xen_guest_handle(a.shells, (domid_t *)list);
    return op(caller, CLONEOP_add_shells, &a);
}

static struct xen_clone_info stock_info(void)
{
    struct xen_clone_info info;
    long rc = get_info(d0, 0, &info);

    assert(rc == 0);
    return info;
}

/* Is the shell as its toolstack made it: nobody's, not in the stock? */
static bool handed_back(domid_t id)
{
    struct domain *s = dom(id);

    return s && s->refcnt == 1 && s->pause_count == 0 &&
           (!s->clone || (!s->clone->stocked && !s->clone->family &&
                          !s->clone->parent)) &&
           !s->is_dying;
}

static bool stocked(domid_t id)
{
    struct domain *s = dom(id);

    return s && s->clone && s->clone->stocked && s->refcnt == 2 &&
           s->pause_count == 1;
}

/* Refused with rc, and nothing changed: shells, stock. */
static bool add_refused(struct domain *caller, const domid_t *list,
                        unsigned int n, long want)
{
    unsigned int before = stock_info().nr_stock, i;
    int refs[8], pauses[8];
    struct clone_domain *cds[8];
    bool was[8], good;

    for (i = 0; i < n && i < 8; i++) {
        struct domain *s = dom(list[i]);

        refs[i] = s ? s->refcnt : -1;
        pauses[i] = s ? s->pause_count : -1;
        cds[i] = s ? s->clone : NULL;
        was[i] = s && s->clone && s->clone->stocked;
    }
    good = add_shells(caller, list, n) == want &&
           stock_info().nr_stock == before;
    for (i = 0; i < n && i < 8; i++) {
        struct domain *s = dom(list[i]);

        good = good && (s ? s->refcnt : -1) == refs[i] &&
               (s ? s->pause_count : -1) == pauses[i] &&
               (s && s->clone && s->clone->stocked) == was[i] &&
               (!cds[i] || (s && s->clone == cds[i]));
    }
    return good;
}

/* A fork of n by STP_ID, completed: the children in list. */
static long stock_fork(unsigned int n, domid_t *list)
{
    unsigned int i;
    long rc;

    ring_consume();
    rc = do_clone(dom(STP_ID), DOMID_SELF, n, 0, list);
    if (rc != CONT)
        return rc;
    for (i = 0; i < n; i++)
        complete(list[i], 0);
    return do_clone(dom(STP_ID), DOMID_SELF, n, 0, list);
}

static void test_stock(void)
{
    struct domain *p = harness_domain_new(STP_ID, false), *s[10];
    struct xen_clone_info info;
    domid_t list[8] = {0}, kids[4], one[1];
    unsigned int i, created, killed, taken, dropped;
    uint32_t prod;
    long rc;

    for (i = 0; i < 10; i++)
        s[i] = shell_new(ST1_ID + i, i != 9);
    set_policy(STP_ID, 1, 16);
    ring_consume();

    info = stock_info();
    ok(info.nr_stock == 0 && info.max_stock == XEN_CLONE_STOCK_MAX,
       "stock: empty, its limit (%u) visible to Dom0", XEN_CLONE_STOCK_MAX);
    ok(get_info(p, DOMID_SELF, &info) == 0 && info.max_stock == 0,
       "stock: a guest's get_info shows no stock figures");

    /* Who may add. */
    list[0] = ST1_ID;
    ok(add_refused(dom(SVC_ID), list, 1, -EPERM),
       "stock: a control domain that is not the service: -EPERM");
    ok(add_refused(p, list, 1, -EPERM), "stock: a guest: -EPERM");
    ok(add_refused(p, list, 0, -EPERM),
       "stock: a guest with nr 0: -EPERM (its right is checked first)");
    ok(add_refused(dom(SVC_ID), list, XEN_CLONE_MAX_BATCH + 1, -EPERM),
       "stock: a control domain not the service, nr too big: -EPERM");
    ok(add_refused(d0, list, 0, -EINVAL), "stock: nr 0: -EINVAL");
    ok(add_refused(d0, list, XEN_CLONE_MAX_BATCH + 1, -EINVAL),
       "stock: nr beyond XEN_CLONE_MAX_BATCH: -EINVAL");
    {
        struct xen_clone_add_shells a = {.nr = 1, .pad = 1};

        set_xen_guest_handle(a.shells, list);
        ok(op(d0, CLONEOP_add_shells, &a) == -EINVAL && !s[0]->clone,
           "stock: non-zero padding: -EINVAL");
    }

    /* What may be added. */
    list[0] = ST1_ID, list[1] = ST1_ID + 1;
    s[1]->controller_pause_count = 0;
    ok(add_refused(d0, list, 2, -EINVAL),
       "stock: a shell not paused by its controller: -EINVAL, neither added");
    s[1]->controller_pause_count = 1;
    s[1]->active_evtchns = 1;
    ok(add_refused(d0, list, 2, -EINVAL), "stock: an event channel in use");
    s[1]->active_evtchns = 0;
    s[1]->tot_pages = 1;
    ok(add_refused(d0, list, 2, -EINVAL), "stock: a shell with memory");
    s[1]->tot_pages = 0;
    s[1]->is_dying = DOMDYING_dying;
    ok(add_refused(d0, list, 2, -EINVAL), "stock: a dying shell");
    s[1]->is_dying = DOMDYING_alive;
    harness.arch_shell_refused = true;
    ok(add_refused(d0, list, 2, -EINVAL),
       "stock: arch_clone_shell_ok() refuses (not 64-bit PV, vCPU run)");
    harness.arch_shell_refused = false;
    list[1] = ST1_ID;
    ok(add_refused(d0, list, 2, -EINVAL), "stock: the same shell twice");
    list[1] = 0;
    ok(add_refused(d0, list, 2, -EINVAL), "stock: Dom0 (the caller)");
    list[1] = MISSING;
    ok(add_refused(d0, list, 2, -EINVAL), "stock: no such domain");
    list[1] = G_ID;
    ok(add_refused(d0, list, 2, -EINVAL),
       "stock: a domain known to clone_op (a parent)");
    list[1] = ST1_ID + 1;
    harness.zalloc_fail_in = 2;
    ok(add_refused(d0, list, 2, -ENOMEM), "stock: out of memory: -ENOMEM");
    harness.zalloc_fail_in = 0;

    /* A misfit (2 vCPUs), then two that fit, then one without vCPU 0. */
    s[0]->max_vcpus = 2;
    list[0] = ST1_ID, list[1] = ST1_ID + 1, list[2] = ST1_ID + 2;
    ok(add_shells(d0, list, 3) == 0 && stocked(ST1_ID) &&
           stocked(ST1_ID + 1) && stocked(ST1_ID + 2) &&
           stock_info().nr_stock == 3,
       "stock: 3 shells added: each referenced and paused by Xen");
    ok(get_info(d0, ST1_ID, &info) == 0 && (info.flags & XEN_CLONE_INFO_STOCK),
       "stock: get_info of a stocked shell: XEN_CLONE_INFO_STOCK");
    ok(add_refused(d0, list + 1, 1, -EINVAL),
       "stock: a shell already in the stock: -EINVAL");
    list[0] = ST1_ID + 1;
    ok(do_clone(d0, G_ID, 1, XEN_CLONE_FLAG_SHELLS, list) == -EINVAL &&
           stocked(ST1_ID + 1),
       "stock: Dom0 cannot name a stocked shell in its clone: -EINVAL");
    set_policy(ST1_ID + 1, 1, 4);
    ok(do_clone(d0, ST1_ID + 1, 1, 0, list) == -EPERM &&
           stocked(ST1_ID + 1) && !cd_of(ST1_ID + 1)->family,
       "stock: nor clone a stocked shell: -EPERM");
    set_policy(ST1_ID + 1, 0, 0);
    s[2]->controller_pause_count = 0;
    ok(s[2]->pause_count == 1,
       "stock: Dom0 unpauses a stocked shell: Xen's pause still holds it");
    s[2]->controller_pause_count = 1;

    /* A fork takes the oldest fitting shell. */
    created = harness.domains_created;
    taken = stock_info().nr_stock_taken;
    prod = ring()->prod;
    ring_consume();
    rc = do_clone(p, DOMID_SELF, 1, 0, kids);
    ok(rc == CONT && kids[0] == ST1_ID + 1 &&
           harness.domains_created == created,
       "stock: a fork's child is the oldest shell that fits (d%u), no domain "
       "created",
       ST1_ID + 1);
    ok(ring()->ent[prod % 64].child == ST1_ID + 1 &&
           ring()->ent[prod % 64].flags ==
               (XEN_CLONE_NOTIFY_SELF | XEN_CLONE_NOTIFY_STOCK),
       "stock: announced with XEN_CLONE_NOTIFY_STOCK");
    ok(s[1]->refcnt == 1 && s[1]->pause_count == 0 &&
           !s[1]->clone->stocked && s[1]->clone->pending &&
           s[1]->controller_pause_count == 1,
       "stock: the child keeps no hold of the stock's, stays paused by its "
       "controller");
    ok(stocked(ST1_ID) && stocked(ST1_ID + 2) && stock_info().nr_stock == 2,
       "stock: the misfit stays in the stock, and the other one");
    complete(kids[0], 0);
    ok(do_clone(p, DOMID_SELF, 1, 0, kids) == 0 &&
           stock_info().nr_stock_taken == taken + 1,
       "stock: the fork returns 0; nr_stock_taken counts it");

    /* A fork of 2: one from the stock, one made. */
    created = harness.domains_created;
    prod = ring()->prod;
    ring_consume();
    rc = do_clone(p, DOMID_SELF, 2, 0, kids);
    ok(rc == CONT && kids[0] == ST1_ID + 2 && kids[1] != ST1_ID &&
           harness.domains_created == created + 1 &&
           (ring()->ent[(prod + 1) % 64].flags & XEN_CLONE_NOTIFY_STOCK) == 0,
       "stock: fork of 2 with 1 fitting shell: 1 from the stock, 1 made");
    complete(kids[0], 0);
    complete(kids[1], 0);
    do_clone(p, DOMID_SELF, 2, 0, kids);
    destroy(kids[1]);
    ok(stocked(ST1_ID) && stock_info().nr_stock == 1,
       "stock: only the misfit left");

    /* Nothing fits: today's path. */
    created = harness.domains_created;
    ok(stock_fork(1, kids) == 0 && harness.domains_created == created + 1 &&
           stocked(ST1_ID),
       "stock: no fitting shell: the child is made, the misfit stays");
    destroy(kids[0]);

    /* A stocked shell its controller unpaused, or gave memory: dropped. */
    list[0] = ST1_ID + 3, list[1] = ST1_ID + 4;
    ok(add_shells(d0, list, 2) == 0, "stock: 2 more added");
    s[3]->controller_pause_count = 0;
    dropped = stock_info().nr_stock_dropped;
    ok(stock_fork(1, kids) == 0 && kids[0] == ST1_ID + 4 &&
           !s[3]->clone->stocked && s[3]->refcnt == 1 &&
           s[3]->pause_count == 0 && stock_info().nr_stock == 1 &&
           stock_info().nr_stock_dropped == dropped + 1,
       "stock: a shell unpaused by its controller is handed back, the next "
       "one taken");
    s[3]->controller_pause_count = 1;
    list[0] = ST1_ID + 5;
    add_shells(d0, list, 1);
    s[5]->tot_pages = 3;
    created = harness.domains_created;
    ok(stock_fork(1, one) == 0 && harness.domains_created == created + 1 &&
           handed_back(ST1_ID + 5) && stock_info().nr_stock == 1,
       "stock: a shell given memory is handed back; the child is made");
    s[5]->tot_pages = 0;
    destroy(one[0]);

    /* Destroyed by its toolstack: it leaves the stock. */
    list[0] = ST1_ID + 6;
    add_shells(d0, list, 1);
    dropped = stock_info().nr_stock_dropped;
    destroy(ST1_ID + 6);
    ok(!dom(ST1_ID + 6) && stock_info().nr_stock == 1 &&
           stock_info().nr_stock_dropped == dropped + 1,
       "stock: a stocked shell destroyed by Dom0 leaves the stock and goes");

    /* A fork into a list it cannot write: refused before the stock. */
    list[0] = ST1_ID + 7;
    add_shells(d0, list, 1);
    dropped = stock_info().nr_stock_dropped;
    taken = stock_info().nr_stock_taken;
    created = harness.domains_created;
    killed = harness.domains_killed;
    harness.nowrite_lo = (const char *)&kids[1];
    harness.nowrite_hi = (const char *)&kids[2];
    ring_consume();
    rc = do_clone(p, DOMID_SELF, 2, 0, kids);
    harness.nowrite_lo = harness.nowrite_hi = NULL;
    ok(rc == -EFAULT && stocked(ST1_ID) && stocked(ST1_ID + 7) &&
           stock_info().nr_stock == 2 &&
           stock_info().nr_stock_dropped == dropped &&
           stock_info().nr_stock_taken == taken &&
           harness.domains_created == created &&
           harness.domains_killed == killed && !p->clone->cloning &&
           p->vcpu[0]->pause_count == 0,
       "stock: a fork into a read-only child list: -EFAULT before any shell "
       "leaves the stock");

    /* Failure injection: nothing half-made survives. */
    killed = harness.domains_killed;
    harness.arch_child_fail_at = 0;
    harness.arch_child_fail_rc = -ENOMEM;
    harness.arch_child_calls = 0;
    ring_consume();
    rc = do_clone(p, DOMID_SELF, 1, 0, kids);
    harness.arch_child_fail_at = -1;
    ok(rc == -ENOMEM && !dom(ST1_ID + 7) &&
           harness.domains_killed == killed + 1 && stocked(ST1_ID) &&
           stock_info().nr_stock == 1 && !p->clone->cloning &&
           p->vcpu[0]->pause_count == 0 &&
           stock_info().nr_stock_dropped == dropped + 1 &&
           stock_info().nr_stock_taken == taken,
       "stock: the copy fails: the begun shell is destroyed (counted as "
       "dropped, not taken), the fork fails, the rest of the stock is intact");
    list[0] = ST1_ID + 8;
    add_shells(d0, list, 1);
    harness.zalloc_fail_in = 1;
    killed = harness.domains_killed;
    rc = do_clone(p, DOMID_SELF, 1, 0, kids);
    harness.zalloc_fail_in = 0;
    ok(rc == -ENOMEM && !dom(ST1_ID + 8) &&
           harness.domains_killed == killed + 1 && !p->clone->cloning,
       "stock: no memory for the child's end record: the filled shell is "
       "destroyed");
    list[0] = ST1_ID + 9;
    add_shells(d0, list, 1);
    harness.vcpu_create_fail_in = 1;
    dropped = stock_info().nr_stock_dropped;
    rc = do_clone(p, DOMID_SELF, 1, 0, kids);
    harness.vcpu_create_fail_in = 0;
    ok(rc == -ENOMEM && handed_back(ST1_ID + 9) && !s[9]->vcpu[0] &&
           stock_info().nr_stock_dropped == dropped + 1 &&
           stock_info().nr_stock == 1,
       "stock: vCPU 0 cannot be made: the fork fails, the untouched shell is "
       "handed back");

    /* The limit. */
    for (i = 0; i <= XEN_CLONE_STOCK_MAX; i++)
        shell_new(LIM_ID + i, true);
    {
        domid_t lim[XEN_CLONE_STOCK_MAX + 1];

        for (i = 0; i <= XEN_CLONE_STOCK_MAX; i++)
            lim[i] = LIM_ID + i;
        ok(add_shells(d0, lim, XEN_CLONE_MAX_BATCH - 1) == 0 &&
               stock_info().nr_stock == XEN_CLONE_STOCK_MAX,
           "stock: filled to its limit");
        ok(add_refused(d0, lim + XEN_CLONE_MAX_BATCH - 1, 1, -ENOSPC),
           "stock: one more: -ENOSPC, nothing added");
        ok(add_shells(d0, lim + XEN_CLONE_MAX_BATCH - 1, 2) == -ENOSPC &&
               handed_back(LIM_ID + XEN_CLONE_MAX_BATCH),
           "stock: two more: -ENOSPC, neither held");

        /* Unregister: every stocked shell handed back. */
        unmap_frame(0);
        ok(op(d0, CLONEOP_unregister, NULL) == 0 &&
               stock_info().nr_stock == 0 && handed_back(ST1_ID),
           "stock: the service unregisters: the stock is handed back");
        rc = 1;
        for (i = 0; i < XEN_CLONE_MAX_BATCH - 1; i++)
            rc = rc && handed_back(LIM_ID + i);
        ok(rc, "  all %u shells: no reference, no pause of Xen's left",
           XEN_CLONE_STOCK_MAX);
        ok(do_register(d0, 1) == 0, "stock: the service registers again");
        map_frame(0);
        for (i = 0; i <= XEN_CLONE_STOCK_MAX; i++)
            destroy(LIM_ID + i);
    }

    /* A service that died, taken over: its stock handed back. */
    list[0] = ST1_ID, list[1] = ST1_ID + 3;
    s[0]->max_vcpus = 1;
    ok(add_shells(d0, list, 2) == 0, "stock: 2 added");
    unmap_frame(0);
    ok(do_register(d0, 1) == 0 && handed_back(ST1_ID) &&
           handed_back(ST1_ID + 3) && stock_info().nr_stock == 0,
       "stock: a new service takes over from a dead one: the old stock is "
       "handed back");
    map_frame(0);

    /* The service's domain dies: its stock is handed back. */
    unmap_frame(0);
    op(d0, CLONEOP_unregister, NULL);
    harness_domain_new(SV2_ID, true);
    ok(do_register(dom(SV2_ID), 1) == 0 &&
           add_shells(dom(SV2_ID), list, 2) == 0 &&
           stock_info().nr_stock == 2,
       "stock: d%u registers and adds 2 shells", SV2_ID);
    ok(add_refused(d0, list + 1, 1, -EPERM),
       "stock: Dom0, no longer the service: -EPERM");
    destroy(SV2_ID);
    ok(handed_back(ST1_ID) && handed_back(ST1_ID + 3) &&
           stock_info().nr_stock == 0,
       "stock: the service's domain is destroyed: the stock is handed back");
    ok(do_register(d0, 1) == 0, "stock: Dom0 registers again");
    map_frame(0);

    for (i = 0; i < 10; i++)
        if (dom(ST1_ID + i))
            destroy(ST1_ID + i);
    destroy(STP_ID);
    clean("stock");
}

static void test_family(void)
{
    struct xen_clone_policy bad = {.domid = G_ID, .enabled = 1};
    struct xen_clone_info info;
    domid_t a[2], b[2], c[1], chain[4];
    unsigned int created, i;
    long allocs;
    bool good;

    bad.max_family = XEN_CLONE_MAX_FAMILY + 1;
    ok(op(d0, CLONEOP_set_policy, &bad) == -EINVAL,
       "set_policy: max_family beyond XEN_CLONE_MAX_FAMILY: -EINVAL");
    bad.max_family = 1;
    bad.max_depth = XEN_CLONE_MAX_DEPTH + 1;
    ok(op(d0, CLONEOP_set_policy, &bad) == -EINVAL,
       "set_policy: max_depth beyond XEN_CLONE_MAX_DEPTH: -EINVAL");
    bad.max_depth = 1;
    bad.pad2 = 1;
    ok(op(d0, CLONEOP_set_policy, &bad) == -EINVAL,
       "set_policy: non-zero pad2: -EINVAL");

    /* Family of at most 3, 2 generations deep. */
    harness_domain_new(F_ID, false);
    ok(family_policy(F_ID, 3, 2) == 0 && get_info(d0, F_ID, &info) == 0 &&
           info.max_family == 3 && info.max_depth == 2 && !info.nr_family,
       "policy max_family 3, max_depth 2; no family before a clone");
    ring_consume();
    harness.arch_child_calls = 0;
    ok(do_clone(d0, F_ID, 1, 0, a) == 0 && complete(a[0], 0) == 0 &&
           get_info(d0, a[0], &info) == 0 && info.nr_family == 2 &&
           info.max_family == 3 && info.max_depth == 2,
       "first clone: a family of 2; the child inherits the limits");
    ok(harness.arch_child_calls == 1 && harness.arch_call[0].family_tagged,
       "  the child had the family's id before its memory was copied "
       "(its tables map the family's frames)");
    created = harness.domains_created;
    ok(do_clone(d0, F_ID, 2, 0, b) == -ENOSPC &&
           harness.domains_created == created,
       "2 more would make 4: -ENOSPC, nothing made");
    ok(do_clone(d0, a[0], 1, 0, b) == 0 && complete(b[0], 0) == 0,
       "a grandchild (generation 2): a family of 3");
    ok(do_clone(d0, F_ID, 1, 0, c) == -ENOSPC &&
           do_clone(d0, a[0], 1, 0, c) == -ENOSPC,
       "a fourth member, from any of them: -ENOSPC");
    ring_consume();
    destroy(F_ID);
    ok(get_info(d0, a[0], &info) == 0 && info.nr_family == 2,
       "the original destroyed: the family goes on with 2");
    ok(family_policy(b[0], 8, 2) == 0 &&
           do_clone(d0, b[0], 1, 0, c) == -EMLINK &&
           harness.domains_created == created + 1,
       "generation 2 cloning with max_depth 2: -EMLINK, nothing made");
    ok(family_policy(a[0], 3, 2) == 0 && do_clone(d0, a[0], 1, 0, c) == 0 &&
           complete(c[0], 0) == 0 && get_info(d0, c[0], &info) == 0 &&
           info.nr_family == 3,
       "a member gone: room for another (a family of 3 again)");
    ring_consume();
    allocs = harness.allocs_live;
    destroy(a[0]);
    destroy(b[0]);
    ok(harness.allocs_live == allocs - 2, "two members destroyed: the "
                                          "family stays for the last one");
    allocs = harness.allocs_live;
    destroy(c[0]);
    ok(harness.allocs_live == allocs - 2,
       "the last member destroyed: its state and the family freed");

    /*
     * A chain of forks whose parents exit (are destroyed) as soon as
     * their child is made: one family, so depth still counts.
     */
    harness_domain_new(F_ID, false);
    family_policy(F_ID, 100, 3);
    chain[0] = F_ID;
    good = true;
    for (i = 1; good && i < 4; i++) {
        good = do_clone(d0, chain[i - 1], 1, 0, &chain[i]) == 0 &&
               complete(chain[i], 0) == 0;
        destroy(chain[i - 1]);
        ring_consume();
    }
    ok(good && get_info(d0, chain[3], &info) == 0 && info.generation == 3 &&
           info.nr_family == 1,
       "a chain of 3 clones, each parent destroyed: generation 3 alone");
    ok(do_clone(d0, chain[3], 1, 0, c) == -EMLINK,
       "  and it cannot clone beyond max_depth 3: -EMLINK");
    destroy(chain[3]);
    ring_consume();
    clean("family limits");
}

/* Set H's policy: max_family 8, max_depth 4 and max_shared. */
static long shared_policy(domid_t id, uint64_t max_shared)
{
    struct xen_clone_policy p = {.domid = id,
                                 .enabled = 1,
                                 .max_clones = 8,
                                 .max_family = 8,
                                 .max_depth = 4,
                                 .max_shared = max_shared};

    return op(d0, CLONEOP_set_policy, &p);
}

/* The count of frames id's family shares, as CLONEOP_get_info says. */
static uint64_t shared_of(domid_t id)
{
    struct xen_clone_info info;

    return get_info(d0, id, &info) ? ~0ULL : info.nr_shared;
}

/* Issue #11, item 6: frames a family shares are charged to it. */
static void test_shared(void)
{
    struct domain *h = harness_domain_new(H_ID, false);
    struct xen_clone_info info;
    unsigned int domains, created, killed, calls, i, kids;
    uint64_t fam;
    domid_t a[4], b[4];
    uint32_t prod;
    long allocs, rc;
    bool good;

    h->max_pages = 100;
    h->tot_pages = 90;
    ok(shared_policy(H_ID, 0) == 0 && get_info(d0, H_ID, &info) == 0 &&
           info.max_shared == 800 && info.nr_shared == 0 &&
           info.nr_pages == 90,
       "shared: default max_shared is max_family 8 x max_pages 100; "
       "nothing shared, 90 pages of its own");
    ok(shared_policy(H_ID, 50) == 0 && get_info(d0, H_ID, &info) == 0 &&
           info.max_shared == 50,
       "shared: Dom0 sets max_shared 50");
    ring_consume();

    /* The first clone shares 30 frames: charged to the new family. */
    harness.arch_share = 30;
    harness.arch_shared = 0;
    ok(do_clone(d0, H_ID, 1, 0, a) == 0 && complete(a[0], 0) == 0 &&
           shared_of(H_ID) == 30 && shared_of(a[0]) == 30 &&
           harness.arch_shared == 30,
       "a clone shares 30 frames: its family is charged 30 (seen from "
       "the parent and the child)");
    ok(get_info(d0, a[0], &info) == 0 && info.max_shared == 50,
       "  the child inherits max_shared 50");
    fam = h->clone->family_id;

    /* Another 30 would make 60 > 50: refused before anything is made. */
    domains = harness_nr_domains();
    created = harness.domains_created;
    killed = harness.domains_killed;
    kids = h->clone->nr_children;
    prod = ring()->prod;
    allocs = harness.allocs_live;
    rc = do_clone(d0, H_ID, 1, 0, b);
    ok(rc == -ENOSPC && harness.arch_charge_rc == -ENOSPC,
       "a clone that would share 30 more (60 > 50): -ENOSPC");
    ok(shared_of(H_ID) == 30 && harness.arch_shared == 30 &&
           harness_nr_domains() == domains &&
           harness.domains_killed == killed + (harness.domains_created -
                                               created) &&
           none_exist(b, 1) && h->clone->nr_children == kids &&
           ring()->prod == prod && !h->pause_count && !h->clone->cloning &&
           harness.allocs_live == allocs,
       "  nothing half-made: count unchanged, the child destroyed, no "
       "notification, parent unpaused, no state leaked");
    ok(do_clone(dom(a[0]), DOMID_SELF, 1, 0, b) == -ENOSPC,
       "  the child's own fork is refused too (the family's count)");
    ring_consume();

    /* 20 frames freed (their last mappings gone): room again. */
    clone_family_uncharge(fam, 20);
    ok(shared_of(H_ID) == 10, "20 shared frames freed: the count is 10");
    ok(do_clone(d0, a[0], 1, 0, b) == 0 && complete(b[0], 0) == 0 &&
           shared_of(b[0]) == 40,
       "a grandchild shares 30 more: 40 of 50");

    /* A batch refused at its second child: no child left. */
    harness.arch_share = 5;
    harness.arch_child_calls = 0;
    domains = harness_nr_domains();
    rc = do_clone(d0, H_ID, 3, 0, a + 1);
    ok(rc == -ENOSPC && harness.arch_child_calls == 3 &&
           none_exist(a + 1, 3) && harness_nr_domains() == domains,
       "a batch of 3 sharing 5 each from 40 of 50: refused at the third, "
       "-ENOSPC, no child left");
    ok(shared_of(H_ID) == 50,
       "  what the first two shared stays charged (the parent's frames "
       "stay shared) until freed");
    ring_consume();

    /* Members go; the family stays while it still shares frames. */
    destroy(H_ID);
    destroy(b[0]);
    allocs = harness.allocs_live;
    destroy(a[0]);
    ok(harness.allocs_live == allocs - 1,
       "the last member destroyed: its state freed, the family kept "
       "(its 50 frames are still mapped)");
    clone_family_uncharge(fam, 49);
    ok(harness.allocs_live == allocs - 1,
       "  49 frames freed: the family still kept");
    clone_family_uncharge(fam, 1);
    ok(harness.allocs_live == allocs - 2,
       "  the last frame freed: the family freed");

    /* Failure injection: no charge leaks, whatever fails. */
    h = harness_domain_new(H_ID, false);
    h->max_pages = 100;
    shared_policy(H_ID, 100);
    harness.arch_share = 10;
    ring_consume();
    ok(do_clone(d0, H_ID, 1, 0, a) == 0 && complete(a[0], 0) == 0 &&
           shared_of(H_ID) == 10,
       "a new family: 10 shared");
    fam = h->clone->family_id;
    allocs = harness.allocs_live;
    good = true;
    for (i = 1; i <= 7 && good; i++) {
        harness.zalloc_fail_in = i;
        rc = do_clone(d0, H_ID, 2, 0, b);
        harness.zalloc_fail_in = 0;
        if (rc == 0) {
            complete(b[0], 0);
            complete(b[1], 0);
            destroy(b[0]);
            destroy(b[1]);
            clone_family_uncharge(fam, 20);
        }
        good = (rc == 0 || rc == -ENOMEM) && shared_of(H_ID) == 10 &&
               harness.allocs_live == allocs;
        ring_consume();
    }
    ok(good, "xzalloc failing at each of 7 points of a clone: -ENOMEM, "
             "the count back to 10, nothing leaked");
    calls = harness.arch_child_calls = 0;
    harness.arch_child_fail_at = 1;
    harness.arch_child_fail_rc = -EOPNOTSUPP;
    rc = do_clone(d0, H_ID, 2, 0, b);
    harness.arch_child_fail_at = -1;
    ok(rc == -EOPNOTSUPP && harness.arch_child_calls == calls + 2 &&
           shared_of(H_ID) == 20 && none_exist(b, 2),
       "the second child's copy fails: what the first shared stays "
       "charged (20), no child left");
    ring_consume();
    destroy(a[0]);
    allocs = harness.allocs_live;
    destroy(H_ID);
    clone_family_uncharge(fam, 20);
    ok(harness.allocs_live == allocs - 2,
       "everything destroyed and freed: clone state and family gone");
    harness.arch_share = 0;
    clean("shared frames");
}

static void test_teardown(void)
{
    domid_t list[4], x, y, z, k[2];
    struct xen_clone_info info;
    struct page_info *old_frame;
    unsigned int heap;
    long allocs;

    /* Parent destroyed first, with a grandchild under one child. */
    harness_domain_new(P_ID, false);
    set_policy(P_ID, 1, 8);
    ring_consume();
    do_clone(d0, P_ID, 2, 0, list);
    x = list[0], y = list[1];
    complete(x, 0);
    complete(y, 0);
    ring_consume();
    do_clone(d0, x, 1, 0, list);
    z = list[0];
    complete(z, 0);
    ok(cd_of(z)->generation == 2 && cd_of(z)->parent_id == x &&
           cd_of(x)->nr_children == 1,
       "a clone of a clone: generation 2");
    destroy(P_ID);
    ok(!dom(P_ID) && !cd_of(x)->parent && !cd_of(y)->parent &&
           cd_of(x)->parent_id == P_ID,
       "parent destroyed first: children's parent pointers cleared");
    ok(get_info(d0, x, &info) == 0 && info.parent == P_ID &&
           (info.flags & XEN_CLONE_INFO_CHILD),
       "an orphan still reports its parent's domid");
    destroy(x);
    ok(!cd_of(z)->parent && cd_of(z)->parent_id == x,
       "middle generation destroyed: grandchild orphaned");
    destroy(y);
    destroy(z);

    /* Children destroyed first. */
    harness_domain_new(Q_ID, false);
    set_policy(Q_ID, 1, 8);
    ring_consume();
    do_clone(d0, Q_ID, 2, 0, k);
    complete(k[0], 0);
    destroy(k[0]);
    ok(cd_of(Q_ID)->nr_children == 1, "a child destroyed: one left");
    destroy(k[1]);
    ok(cd_of(Q_ID)->nr_children == 0 && list_empty(&cd_of(Q_ID)->children),
       "pending child destroyed: parent has no children");
    allocs = harness.allocs_live;
    destroy(Q_ID);
    ok(harness.allocs_live == allocs - 2,
       "parent destroyed last: its clone state and its family freed");

    /* A forking parent destroyed while it waits; forked ends kept. */
    harness_domain_new(P_ID, false);
    set_policy(P_ID, 1, 8);
    ring_consume();
    ok(do_clone(dom(P_ID), DOMID_SELF, 2, 0, list) == CONT,
       "fork of 2, then the parent is destroyed");
    x = list[0], y = list[1];
    allocs = harness.allocs_live;
    destroy(P_ID);
    ok(harness.allocs_live == allocs - 1 && !cd_of(x)->parent,
       "forking parent destroyed: its state freed, children orphaned");
    ok(complete(x, 0) == 0 && complete(y, -EIO) == 0 && !dom(y),
       "orphans still complete");
    allocs = harness.allocs_live;
    destroy(x);
    ok(harness.allocs_live == allocs - 3,
       "orphan destroyed last: its state, unused end record, family freed");

    harness_domain_new(P_ID, false);
    set_policy(P_ID, 1, 8);
    fork_all(P_ID, 2, list);
    destroy(list[0]);
    destroy(list[1]);
    allocs = harness.allocs_live;
    destroy(P_ID);
    ok(harness.allocs_live == allocs - 4,
       "parent destroyed with 2 uncollected ends: all freed, and its family");

    /* The service's domain dies: its ring is freed once unmapped. */
    unmap_frame(0);
    ok(op(d0, CLONEOP_unregister, NULL) == 0, "d0's service unregisters");
    heap = harness_xenheap_used();
    ok(do_register(dom(SVC_ID), 1) == 0, "d%u registers a service", SVC_ID);
    old_frame = harness_mfn_to_page(reg.frames[0]);
    map_frame(0);
    destroy(SVC_ID);
    ok(get_info(d0, DOMID_SELF, &info) == 0 &&
           !(info.flags & XEN_CLONE_INFO_SERVICE) && do_register(d0, 1) == 0,
       "service's domain destroyed: no service, a new one registers");
    map_frame(0);
    ok(harness_xenheap_used() == heap + 2,
       "  the dead service's ring is kept while still mapped");
    put_page(old_frame);
    harness_domain_new(SVC_ID, true);
    destroy(SVC_ID);
    ok(harness_xenheap_used() == heap + 1,
       "  and freed once unmapped (at the next domain destruction)");
    harness_domain_new(SVC_ID, true);
    clean("teardown");
}

static void test_reset(void)
{
    struct domain *g = dom(G_ID);
    struct xen_clone_wait w;
    domid_t list[2], r1, c2;
    long rc;

    ok(reset(d0, G_ID) == -EINVAL, "reset of a domain that is no clone");
    ok(reset(d0, MISSING) == -ESRCH, "reset: no such domain");
    ok(op(d0, CLONEOP_reset,
          &(struct xen_clone_reset){.child = G_ID, .pad = {0, 0, 1}}) ==
           -EINVAL,
       "reset: padding");

    harness_domain_new(R_ID, false);
    set_policy(R_ID, 1, 8);
    ring_consume();
    do_clone(d0, R_ID, 1, 0, list);
    r1 = list[0];
    ok(reset(g, r1) == -EPERM, "reset by a guest: -EPERM");
    ok(reset(d0, r1) == -EBUSY && !harness.arch_reset_calls,
       "reset of a child awaiting completion: -EBUSY");
    complete(r1, 0);
    rc = reset(d0, r1);
    ok(rc == 0 && harness.arch_reset_calls == 1 &&
           harness.reset_parent == dom(R_ID) &&
           harness.reset_child == dom(r1) && harness.reset_parent_pause == 1 &&
           harness.reset_child_pause == 1,
       "reset: arch_clone_reset with both domains paused");
    ok(!dom(R_ID)->pause_count && !dom(r1)->pause_count &&
           dom(R_ID)->refcnt == 1,
       "after reset: both unpaused, parent reference dropped");
    domain_shutdown(dom(r1), SHUTDOWN_crash);
    harness.arch_reset_rc = -EBUSY;
    ok(reset(d0, r1) == -EBUSY && dom(r1)->is_shut_down,
       "arch reset refused: its error, the crashed child stays down");
    harness.arch_reset_rc = 0;
    ok(reset(d0, r1) == 0 && !dom(r1)->is_shutting_down &&
           dom(r1)->resumes == 1,
       "reset of a crashed child resumes it");

    /* A reset forgets an exit status (once a bug: it survived). */
    do_exit(r1, 3);
    reset(d0, r1);
    domain_shutdown(dom(r1), SHUTDOWN_crash);
    rc = do_wait(R_ID, r1, &w);
    ok(rc == 0 && w.reason == SHUTDOWN_crash && w.flags == 0,
       "a child reset after exit(3) that crashes is not reported "
       "as exited");

    /* A reset forgets a finished fork (once a bug: its state survived). */
    ring_consume();
    fork_all(R_ID, 1, list);
    c2 = list[0];
    ok(do_clone(dom(c2), DOMID_SELF, 1, 0, list) == CONT,
       "a child forks a grandchild");
    complete(list[0], 0);
    ok(reset(d0, c2) == 0, "the child is reset before it runs again");
    ring_consume();
    rc = do_clone(dom(c2), DOMID_SELF, 1, 0, list);
    ok(rc == CONT, "after the reset, its next fork makes a child (not the "
                   "old result)");

    destroy(R_ID);
    ok(reset(d0, c2) == -EBUSY, "reset of a child whose parent is gone");
    clean("reset");
}

/* Continue a reset: the continuation's cmd (with its token), same arg. */
static long reset_cont(unsigned int cmd, domid_t child)
{
    struct xen_clone_reset r = {.child = child};

    return op(d0, cmd, &r);
}

/* Start a reset that needs more chunks: CONT, and its continuation cmd. */
static unsigned int reset_start(domid_t child)
{
    long rc = reset(d0, child);

    return rc == CONT ? harness.cont_cmd : 0;
}

/* CLONEOP_reset in chunks: hypercall continuations and what happens between. */
static void test_reset_preempt(void)
{
    struct domain *p, *c;
    struct xen_clone_info info;
    domid_t list[2], c1, c2, gc;
    unsigned int cmd, cmd2, calls, n;
    long allocs, rc;
    bool good;

    p = harness_domain_new(PR_ID, false);
    set_policy(PR_ID, 1, 8);
    ring_consume();
    do_clone(d0, PR_ID, 2, 0, list);
    c1 = list[0];
    c2 = list[1];
    complete(c1, 0);
    complete(c2, 0);
    c = dom(c1);
    allocs = harness.allocs_live;

    /* A reset of 3 extra chunks: 3 continuations, then done. */
    harness.arch_reset_chunks = 3;
    calls = harness.arch_reset_calls;
    cmd = reset_start(c1);
    ok(cmd && (cmd & 0xff) == CLONEOP_reset && cmd >> 8 &&
           harness.cont_op == __HYPERVISOR_clone_op &&
           !strcmp(harness.cont_fmt, "ih"),
       "reset in chunks: a continuation of clone_op(CLONEOP_reset | token)");
    ok(p->pause_count == 1 && c->pause_count == 1 && p->refcnt == 2 &&
           cd_of(c1)->reset && cd_of(PR_ID)->reset_sources == 1,
       "  between chunks: both paused, the parent referenced, state kept");
    rc = CONT;
    for (n = 0; rc == CONT && n < 10; n++)
        rc = reset_cont(harness.cont_cmd, c1);
    ok(rc == 0 && n == 3 && harness.arch_reset_calls == calls + 4 &&
           harness.cont_cmd == cmd,
       "  the continuations finish it (4 chunks, one token)");
    ok(!p->pause_count && !c->pause_count && p->refcnt == 1 &&
           !cd_of(c1)->reset && !cd_of(PR_ID)->reset_sources &&
           harness.allocs_live == allocs && !harness.reset_bad_context,
       "  after it: both unpaused, reference dropped, state freed; every "
       "chunk ran under the domctl lock only, both paused");
    ok(get_info(d0, c1, &info) == 0 && info.nr_reset_preempts == 3 &&
           info.nr_resets == 0,
       "  get_info counts 3 continuations of its resets");

    /* The domctl lock busy at a continuation: the token is kept. */
    cmd = reset_start(c1);
    harness.domctl_busy = 1;
    ok(reset_cont(cmd, c1) == CONT && harness.cont_cmd == cmd &&
           harness.arch_reset_calls == calls + 5,
       "  domctl lock busy: continued again, with the same token");

    /* Between chunks: what else is refused. */
    ok(reset(d0, c1) == -EBUSY, "  between chunks: another reset: -EBUSY");
    ok(reset_cont(CLONEOP_reset | ((cmd >> 8) + 1) << 8, c1) == -EBUSY,
       "  a continuation with another token: -EBUSY");
    ok(reset_cont(cmd, c2) == -EBUSY,
       "  the token on another child: -EBUSY");
    ok(do_clone(d0, PR_ID, 1, 0, list) == -EBUSY,
       "  a clone of the parent: -EBUSY");
    ok(do_clone(d0, c1, 1, 0, list) == -EBUSY,
       "  a clone of the child: -EBUSY");
    ok(reset(d0, c2) == CONT && cd_of(PR_ID)->reset_sources == 2 &&
           p->pause_count == 2,
       "  a reset of a sibling runs beside it (the parent paused twice)");
    cmd2 = harness.cont_cmd;
    ok(cmd2 != cmd, "  with its own token");
    ok(op(dom(G_ID), cmd, &(struct xen_clone_reset){.child = c1}) == -EPERM,
       "  a continuation by a guest: -EPERM");
    for (rc = CONT, n = 0; rc == CONT && n < 10; n++)
        rc = reset_cont(harness.cont_cmd, c2);
    ok(rc == 0, "  the sibling's reset finishes");
    for (rc = CONT, harness.cont_cmd = cmd, n = 0; rc == CONT && n < 10; n++)
        rc = reset_cont(harness.cont_cmd, c1);
    ok(rc == 0 && !p->pause_count && !c->pause_count && p->refcnt == 1 &&
           harness.allocs_live == allocs,
       "  the first finishes too (the one poked by the -EBUSY above)");

    /* The caller goes away: a second new reset takes over. */
    cmd = reset_start(c1);
    ok(reset(d0, c1) == -EBUSY && cd_of(c1)->reset->poked,
       "abandoned reset: a new reset gets -EBUSY first");
    n = harness.arch_reset_cancels;
    rc = reset(d0, c1);
    cmd2 = harness.cont_cmd;
    ok(rc == CONT && harness.arch_reset_cancels == n + 1 && cmd2 != cmd &&
           p->pause_count == 1 && c->pause_count == 1 && p->refcnt == 2,
       "  then, no chunk done since, it cancels the old one and starts again");
    ok(reset_cont(cmd, c1) == -EBUSY,
       "  the old caller's continuation (if it comes back): -EBUSY");
    ok(reset_cont(cmd2, c1) == CONT && !cd_of(c1)->reset->poked,
       "  a continuation clears the mark: not taken as abandoned");
    ok(reset(d0, c1) == -EBUSY && reset_cont(cmd2, c1) == CONT &&
           reset(d0, c1) == -EBUSY,
       "  a reset that goes on is never taken over");
    for (rc = CONT, n = 0; rc == CONT && n < 10; n++)
        rc = reset_cont(harness.cont_cmd, c1);
    ok(rc == 0 && !p->pause_count && !c->pause_count && p->refcnt == 1 &&
           harness.allocs_live == allocs,
       "  and finishes: nothing paused or leaked");

    /* A chunk fails: everything released, the error returned. */
    harness.arch_reset_fail_chunk = 2;
    harness.arch_reset_apply_at = 2;
    cmd = reset_start(c1);
    ok(reset_cont(cmd, c1) == -EBUSY && c->is_shutting_down &&
           !p->pause_count && !c->pause_count && p->refcnt == 1 &&
           !cd_of(c1)->reset && !cd_of(PR_ID)->reset_sources &&
           harness.allocs_live == allocs,
       "a chunk fails in pass 2: its error, the child crashed, all released");
    harness.arch_reset_fail_chunk = 0;
    for (rc = reset(d0, c1), n = 0; rc == CONT && n < 10; n++)
        rc = reset_cont(harness.cont_cmd, c1);
    ok(rc == 0 && !c->is_shutting_down,
       "  a new reset in chunks resumes the crashed child");

    /* No memory for the state: nothing paused. */
    harness.zalloc_fail_in = 1;
    ok(reset(d0, c1) == -ENOMEM && !p->pause_count && !c->pause_count &&
           p->refcnt == 1,
       "no memory for a reset's state: -ENOMEM, nothing paused");

    /* A grandchild: resets of a parent and of its child exclude each other. */
    ok(do_clone(d0, c2, 1, 0, list) == 0, "a grandchild is made");
    gc = list[0];
    complete(gc, 0);
    cmd = reset_start(gc);
    ok(cmd && reset(d0, c2) == -EBUSY,
       "  while it is reset, a reset of its parent: -EBUSY");
    for (rc = CONT, n = 0; rc == CONT && n < 10; n++)
        rc = reset_cont(harness.cont_cmd, gc);
    cmd = reset_start(c2);
    ok(rc == 0 && cmd && reset(d0, gc) == -EBUSY,
       "  while the parent is reset, a reset of the grandchild: -EBUSY");
    for (rc = CONT, n = 0; rc == CONT && n < 10; n++)
        rc = reset_cont(harness.cont_cmd, c2);
    ok(rc == 0 && !dom(c2)->pause_count && !dom(gc)->pause_count &&
           !p->pause_count,
       "  both finish, nothing paused");

    /* The child dies between chunks (in pass 1). */
    n = harness.arch_reset_cancels;
    cmd = reset_start(gc);
    destroy(gc);
    ok(harness.arch_reset_cancels == n + 1 && !dom(c2)->pause_count &&
           dom(c2)->refcnt == 1 && !cd_of(c2)->reset_sources &&
           !harness.arch_reset_cancel_crashes,
       "the child dies between chunks: the reset is cancelled, its parent "
       "unpaused and released");
    ok(reset_cont(cmd, gc) == -ESRCH, "  its continuation: -ESRCH");

    /* The parent dies between chunks in pass 2: the child is crashed. */
    harness.arch_reset_apply_at = 2;
    cmd = reset_start(c1);
    ok(reset_cont(cmd, c1) == CONT, "a reset reaches pass 2");
    destroy(PR_ID);
    ok(harness.arch_reset_cancels == n + 2 &&
           harness.arch_reset_cancel_crashes == 1 && c->is_shutting_down &&
           !c->pause_count && !cd_of(c1)->reset,
       "  its parent dies: cancelled, the half reset child crashed and "
       "unpaused");
    good = reset_cont(cmd, c1) == -EBUSY;
    ok(good, "  the continuation: -EBUSY (the child lives on, no reset)");
    ok(harness.allocs_live <= allocs && !harness.reset_bad_context,
       "  nothing leaked, every chunk in the right context");
    harness.arch_reset_chunks = 0;
    harness.arch_reset_apply_at = 0;
    destroy(c1);
    destroy(c2);
    clean("reset in chunks");
}

/* One clone_op call of a Dom0 clone, continuations not followed. */
static long clone_call(unsigned int cmd, struct xen_clone_op *o)
{
    return op(d0, cmd, o);
}

/* A control domain's clone of several children: one child per chunk. */
static void test_clone_preempt(void)
{
    struct domain *p;
    struct xen_clone_op o = {.parent = PB_ID, .nr_children = 3};
    struct xen_clone_info info;
    domid_t list[3], old[3], k[1];
    unsigned int cmd, calls, prod, virq, i, cancels;
    long allocs, rc;
    bool good;

    p = harness_domain_new(PB_ID, false);
    /* A family of at most 5 live members. */
    op(d0, CLONEOP_set_policy,
       &(struct xen_clone_policy){.domid = PB_ID,
                                  .enabled = 1,
                                  .max_clones = 16,
                                  .max_family = 5,
                                  .max_depth = XEN_CLONE_MAX_DEPTH});
    set_xen_guest_handle(o.child_list, list);
    ring_consume();
    /* Its family exists before the counts below are taken. */
    ok(do_clone(d0, PB_ID, 1, 0, k) == 0 && complete(k[0], 0) == 0,
       "clone of one child: no continuation");
    ring_consume();
    allocs = harness.allocs_live;
    prod = ring()->prod;
    virq = harness.virq_sent[VIRQ_CLONED];
    calls = harness.arch_child_calls;

    rc = clone_call(CLONEOP_clone, &o);
    cmd = harness.cont_cmd;
    ok(rc == CONT && (cmd & 0xff) == CLONEOP_clone && cmd >> 8 &&
           harness.arch_child_calls == calls + 1,
       "Dom0 clone of 3: one child built, then a continuation with a token");
    good = p->pause_count == 1 && cd_of(PB_ID)->batch &&
           cd_of(PB_ID)->nr_children == 1 && ring()->prod == prod &&
           harness.virq_sent[VIRQ_CLONED] == virq;
    for (i = 0; i < 3; i++)
        good = good && dom(list[i]) && dom(list[i])->pause_count == 1 &&
               !cd_of(list[i])->pending;
    ok(good, "  between children: all 3 exist and are paused, the parent "
             "too; none linked or announced yet");
    ok(do_clone(d0, PB_ID, 1, 0, k) == -EBUSY,
       "  another clone of the parent: -EBUSY");
    ok(reset(d0, k[0]) == -EBUSY,
       "  a reset of a child of the parent: -EBUSY");
    ok(do_clone(d0, k[0], 1, 0, old) == -ENOSPC,
       "  a clone by another member beyond max_family 5 (2 members and 3 "
       "joining): -ENOSPC");
    ok(clone_call(CLONEOP_clone | (((cmd >> 8) + 1) << 8), &o) == -EBUSY,
       "  a continuation with another token: -EBUSY");
    rc = clone_call(cmd, &o);
    ok(rc == CONT && harness.cont_cmd == cmd &&
           harness.arch_child_calls == calls + 2,
       "  its continuation builds the second");
    ok(do_clone(d0, PB_ID, 1, 0, old) == -EBUSY && cd_of(PB_ID)->batch,
       "  a clone after a continuation: -EBUSY again, not taken over");
    rc = clone_call(cmd, &o);
    good = rc == 0 && harness.arch_child_calls == calls + 3 &&
           !cd_of(PB_ID)->batch && !p->pause_count &&
           cd_of(PB_ID)->nr_children == 4 && ring()->prod == prod + 3 &&
           harness.virq_sent[VIRQ_CLONED] == virq + 1;
    for (i = 0; i < 3; i++)
        good = good && !dom(list[i])->pause_count &&
               dom(list[i])->refcnt == 1 && cd_of(list[i])->pending &&
               ring()->ent[(prod + i) % ring()->nr_ents].child == list[i] &&
               ring()->ent[(prod + i) % ring()->nr_ents].index == i;
    ok(good, "  the third: 0, all linked and announced in order, unpaused, "
             "our references dropped");
    ok(get_info(d0, PB_ID, &info) == 0 && info.nr_clone_preempts == 2,
       "  get_info: 2 continuations between 3 children");
    for (i = 0; i < 3; i++)
        complete(list[i], 0);
    for (i = 0; i < 3; i++)
        destroy(list[i]);
    ring_consume();

    /* The caller goes away between children: a later clone takes over. */
    allocs = harness.allocs_live;
    prod = ring()->prod;
    rc = clone_call(CLONEOP_clone, &o);
    cmd = harness.cont_cmd;
    memcpy(old, list, sizeof(old));
    ok(rc == CONT && do_clone(d0, PB_ID, 3, 0, list) == -EBUSY,
       "abandoned clone: a new clone gets -EBUSY first");
    ok(do_clone(d0, PB_ID, 3, 0, list) == 0 && none_exist(old, 3) &&
           ring()->prod == prod + 3,
       "  then it undoes the old one (its children destroyed) and clones");
    ok(clone_call(cmd, &o) == -EBUSY,
       "  the old caller's continuation: -EBUSY");
    for (i = 0; i < 3; i++)
        complete(list[i], 0);
    for (i = 0; i < 3; i++)
        destroy(list[i]);
    ring_consume();
    ok(harness.allocs_live == allocs && !p->pause_count,
       "  nothing leaked, the parent unpaused");

    /* A child destroyed between children fails the call. */
    prod = ring()->prod;
    rc = clone_call(CLONEOP_clone, &o);
    cmd = harness.cont_cmd;
    destroy(list[2]);
    ok(rc == CONT && clone_call(cmd, &o) == -ESRCH && none_exist(list, 3) &&
           !cd_of(PB_ID)->batch && !p->pause_count &&
           ring()->prod == prod && cd_of(PB_ID)->nr_children == 1 &&
           harness.allocs_live == allocs,
       "a child destroyed between children: -ESRCH, every child destroyed, "
       "nothing announced or leaked");
    ok(do_clone(d0, PB_ID, 3, 0, list) == 0,
       "  the ring entries it reserved were given back: a clone of 3 works");
    for (i = 0; i < 3; i++)
        complete(list[i], 0);
    for (i = 0; i < 3; i++)
        destroy(list[i]);
    ring_consume();

    /* A chunk fails: every child destroyed. */
    harness.arch_child_fail_at = (int)harness.arch_child_calls + 2;
    harness.arch_child_fail_rc = -ENOMEM;
    ok(do_clone(d0, PB_ID, 3, 0, list) == -ENOMEM && none_exist(list, 3) &&
           !p->pause_count && !cd_of(PB_ID)->batch,
       "the third child fails: -ENOMEM, the two built destroyed too");
    harness.arch_child_fail_at = -1;

    /* The parent dies between children. */
    cancels = harness.domains_killed;
    rc = clone_call(CLONEOP_clone, &o);
    cmd = harness.cont_cmd;
    destroy(PB_ID);
    ok(rc == CONT && none_exist(list, 3) &&
           harness.domains_killed >= cancels + 4,
       "the parent dies between children: its children destroyed with it");
    ok(clone_call(cmd, &o) == -ESRCH, "  the continuation: -ESRCH");
    destroy(k[0]);
    clean("clone in chunks");
}

/* Drive a clone's continuations to the end (as privcmd does). */
static long clone_finish(long rc, struct xen_clone_op *o)
{
    while (rc == CONT && harness.cont_cmd >> 8 &&
           (harness.cont_cmd & 0xff) == CLONEOP_clone)
        rc = clone_call(harness.cont_cmd, o);
    return rc;
}

/* The build of one child in chunks (arch_clone_child with a cursor). */
static void test_build_preempt(void)
{
    struct domain *p;
    struct xen_clone_op o = {.parent = PC_ID, .nr_children = 1};
    struct xen_clone_op o2 = {.parent = PC_ID, .nr_children = 2};
    struct xen_clone_info info;
    domid_t list[2], old[2], k[1];
    unsigned int cmd, calls, prod, cancels, killed, f, bad;
    unsigned long preempts, shared;
    uint64_t fam;
    long allocs, rc;
    bool good;

    p = harness_domain_new(PC_ID, false);
    op(d0, CLONEOP_set_policy,
       &(struct xen_clone_policy){.domid = PC_ID,
                                  .enabled = 1,
                                  .max_clones = 16,
                                  .max_family = 8,
                                  .max_depth = XEN_CLONE_MAX_DEPTH,
                                  .max_shared = 1000});
    set_xen_guest_handle(o.child_list, list);
    set_xen_guest_handle(o2.child_list, list);
    ring_consume();
    ok(do_clone(d0, PC_ID, 1, 0, k) == 0 && complete(k[0], 0) == 0,
       "build in chunks: a child in one chunk, no continuation");
    ring_consume();

    /* Each build takes 3 chunks from now on, and shares 5 frames. */
    harness.arch_build_chunks = 2;
    harness.arch_share = 5;
    bad = harness.build_bad_context;
    get_info(d0, PC_ID, &info);
    preempts = info.nr_clone_preempts;
    shared = info.nr_shared;
    allocs = harness.allocs_live;
    prod = ring()->prod;
    calls = harness.arch_child_calls;

    rc = clone_call(CLONEOP_clone, &o);
    cmd = harness.cont_cmd;
    ok(rc == CONT && (cmd & 0xff) == CLONEOP_clone && cmd >> 8 &&
           harness.arch_child_calls == calls + 1,
       "Dom0 clone of 1 child: its first chunk, then a continuation");
    good = p->pause_count == 1 && cd_of(PC_ID)->batch &&
           harness.builds_live == 1 && dom(list[0]) &&
           dom(list[0])->pause_count >= 1 && !cd_of(list[0])->pending &&
           ring()->prod == prod && cd_of(PC_ID)->cloning;
    ok(good, "  between chunks: the parent and the child paused, the "
             "child's cursor kept, nothing linked or announced");
    ok(do_clone(d0, PC_ID, 1, 0, old) == -EBUSY,
       "  another clone of the parent: -EBUSY");
    ok(reset(d0, k[0]) == -EBUSY,
       "  a reset of a child of the parent: -EBUSY");
    ok(clone_call(CLONEOP_clone | (((cmd >> 8) + 1) << 8), &o) == -EBUSY,
       "  a continuation with another token: -EBUSY");
    rc = clone_call(cmd, &o);
    ok(rc == CONT && harness.cont_cmd == cmd &&
           harness.arch_child_calls == calls + 2 && cd_of(PC_ID)->batch,
       "  the continuation: the second chunk, same token");
    ok(do_clone(d0, PC_ID, 1, 0, old) == -EBUSY && cd_of(PC_ID)->batch,
       "  a clone after a chunk: -EBUSY again, not taken over");
    rc = clone_call(cmd, &o);
    ok(rc == 0 && harness.arch_child_calls == calls + 3 &&
           !cd_of(PC_ID)->batch && !p->pause_count &&
           !dom(list[0])->pause_count && dom(list[0])->refcnt == 1 &&
           cd_of(list[0])->pending && ring()->prod == prod + 1 &&
           !cd_of(PC_ID)->cloning,
       "  the third chunk: 0, the child linked, announced, unpaused");
    get_info(d0, PC_ID, &info);
    ok(info.nr_clone_preempts == preempts + 2 && info.nr_shared == shared + 5,
       "  get_info: 2 more continuations; the child's 5 frames charged");
    complete(list[0], 0);
    destroy(list[0]);
    ring_consume();
    harness.arch_shared = 0;

    /* Two children of 3 chunks each: 5 continuations. */
    get_info(d0, PC_ID, &info);
    preempts = info.nr_clone_preempts;
    calls = harness.arch_child_calls;
    ok(do_clone(d0, PC_ID, 2, 0, list) == 0 &&
           harness.arch_child_calls == calls + 6,
       "a clone of 2 in chunks: 6 chunks");
    get_info(d0, PC_ID, &info);
    ok(info.nr_clone_preempts == preempts + 5,
       "  nr_clone_preempts: 5 more (more than the children)");
    ok(harness.build_bad_context == bad,
       "  every chunk: domctl lock, no spinlock, parent and child paused");
    complete(list[0], 0);
    complete(list[1], 0);
    destroy(list[0]);
    destroy(list[1]);
    ring_consume();

    /* A failure at each chunk boundary: nothing half made survives. */
    get_info(d0, PC_ID, &info);
    shared = info.nr_shared;
    allocs = harness.allocs_live;
    good = true;
    for (f = 0; f < 6; f++) {
        prod = ring()->prod;
        killed = harness.domains_killed;
        harness.arch_child_fail_at = (int)(harness.arch_child_calls + f);
        harness.arch_child_fail_rc = -ENOMEM;
        rc = clone_finish(clone_call(CLONEOP_clone, &o2), &o2);
        get_info(d0, PC_ID, &info);
        /* What a child built before the failure shared stays charged. */
        if (f >= 3)
            shared += 5;
        if (rc != -ENOMEM || !none_exist(list, 2) || p->pause_count ||
            cd_of(PC_ID)->batch || cd_of(PC_ID)->cloning ||
            ring()->prod != prod || harness.allocs_live != allocs ||
            info.nr_shared != shared ||
            harness.domains_killed != killed + 2) {
            printf("# chunk %u: rc %ld, shared %lu (was %lu)\n", f + 1, rc,
                   (unsigned long)info.nr_shared, shared);
            good = false;
        }
    }
    harness.arch_child_fail_at = -1;
    ok(good, "a chunk fails, for each of the 6 chunks of a clone of 2: its "
             "error, both children destroyed, the parent unpaused, nothing "
             "announced or leaked, the failed child's reservation given "
             "back");
    ok(do_clone(d0, PC_ID, 2, 0, list) == 0,
       "  then a clone of 2 works (ring entries and members given back)");
    complete(list[0], 0);
    complete(list[1], 0);
    destroy(list[0]);
    destroy(list[1]);
    ring_consume();

    /* The child being built is destroyed between chunks. */
    get_info(d0, PC_ID, &info);
    shared = info.nr_shared;
    allocs = harness.allocs_live;
    cancels = harness.arch_build_cancels;
    prod = ring()->prod;
    rc = clone_call(CLONEOP_clone, &o2);
    cmd = harness.cont_cmd;
    destroy(list[0]);
    rc = rc == CONT ? clone_call(cmd, &o2) : rc;
    get_info(d0, PC_ID, &info);
    ok(rc == -ESRCH && none_exist(list, 2) && !cd_of(PC_ID)->batch &&
           !p->pause_count && ring()->prod == prod &&
           harness.arch_build_cancels == cancels + 1 &&
           harness.allocs_live == allocs && info.nr_shared == shared,
       "the child being built destroyed between chunks: -ESRCH, its build "
       "cancelled, both children destroyed, its reservation given back");

    /* The other child (not built yet) destroyed between chunks. */
    rc = clone_call(CLONEOP_clone, &o2);
    cmd = harness.cont_cmd;
    destroy(list[1]);
    rc = rc == CONT ? clone_call(cmd, &o2) : rc;
    ok(rc == -ESRCH && none_exist(list, 2) && !cd_of(PC_ID)->batch &&
           !p->pause_count && harness.arch_build_cancels == cancels + 2 &&
           harness.allocs_live == allocs,
       "the next child destroyed between chunks: -ESRCH, the build "
       "cancelled, nothing leaked");

    /* Abandoned between two chunks of a child: taken over. */
    rc = clone_call(CLONEOP_clone, &o);
    cmd = harness.cont_cmd;
    memcpy(old, list, sizeof(old));
    ok(rc == CONT && do_clone(d0, PC_ID, 1, 0, list) == -EBUSY,
       "abandoned build: a new clone gets -EBUSY first");
    ok(do_clone(d0, PC_ID, 1, 0, list) == 0 && none_exist(old, 1) &&
           harness.arch_build_cancels == cancels + 3,
       "  then it cancels the old build (its child destroyed) and clones");
    ok(clone_call(cmd, &o) == -EBUSY,
       "  the old caller's continuation: -EBUSY");
    complete(list[0], 0);
    destroy(list[0]);
    ring_consume();
    ok(harness.allocs_live == allocs && !p->pause_count,
       "  nothing leaked, the parent unpaused");

    /* A fork builds in one go: its own vCPU is the caller. */
    calls = harness.arch_child_calls;
    fork_all(PC_ID, 1, k);
    f = calls < 70 ? calls : 69;
    ok(harness.arch_child_calls == calls + 1 && harness.arch_call[f].self &&
           !harness.arch_call[f].chunked,
       "a fork: its child built in one call, without a cursor");
    destroy(k[0]);
    ring_consume();

    /* The parent dies between chunks. */
    get_info(d0, PC_ID, &info);
    shared = info.nr_shared;
    fam = cd_of(PC_ID)->family_id;
    killed = harness.domains_killed;
    rc = clone_call(CLONEOP_clone, &o2);
    cmd = harness.cont_cmd;
    destroy(PC_ID);
    ok(rc == CONT && none_exist(list, 2) &&
           harness.domains_killed >= killed + 3 &&
           harness.arch_build_cancels == cancels + 4,
       "the parent dies between chunks: the build cancelled, its children "
       "destroyed with it");
    ok(clone_call(cmd, &o2) == -ESRCH, "  the continuation: -ESRCH");
    /* The frames its finished children shared are freed at last. */
    clone_family_uncharge(fam, shared);
    harness.arch_build_chunks = 0;
    harness.arch_share = 0;
    harness.arch_shared = 0;
    clean("build in chunks");
}

/* Everything but d0 destroyed: no clone state left anywhere. */
static void test_leaks(void)
{
    struct domain *d, *next;

    harness_current = d0->vcpu[0];
    for (d = harness_domain_list; d; d = next) {
        next = d->next_in_list;
        if (d != d0)
            destroy(d->domain_id);
    }
    ok(harness_nr_domains() == 1 && harness.allocs_live == (d0->clone ? 1 : 0),
       "all domains destroyed: every clone state and end record freed");
    clean("teardown of everything");
}

static long race_rc;

/* Another vCPU of d0 unregisters while the register holds the domctl lock. */
static void race_unregister(void)
{
    XEN_GUEST_HANDLE_PARAM(void) h = {NULL};

    harness.domctl_busy = 1;
    race_rc = do_clone_op(CLONEOP_unregister, h);
    harness.domctl_busy = 0;
}

/* CLONEOP_unregister racing register (once a bug: sharing came last). */
static void test_register_race(void)
{
    unsigned int v;

    unmap_frame(0);
    op(d0, CLONEOP_unregister, NULL);
    v = harness.violations;
    harness.on_share = race_unregister;
    do_register(d0, 1);
    ok(harness.violations == v && race_rc == CONT,
       "register racing unregister: the unregister waits (a continuation), "
       "no freed page is shared");
    violations_seen = harness.violations;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    dom_xen = harness_domain_new(DOMID_XEN, false);
    d0 = harness_domain_new(0, true);
    harness_hardware_domain = d0;
    harness_domain_new(SVC_ID, true);
    harness_domain_new(G_ID, false);
    harness_domain_new(O_ID, false);
    harness_current = d0->vcpu[0];

    test_dispatch();
    test_register();
    test_policy();
    test_control_clone();
    test_notify();
    test_unwind();
    test_fork();
    test_takeover();
    test_exit_wait();
    test_family();
    test_shared();
    test_shells();
    test_info_size();
    test_stock();
    test_teardown();
    test_reset();
    test_reset_preempt();
    test_clone_preempt();
    test_build_preempt();
    test_leaks();
    test_register_race();

    printf("1..%d\n", n_tests);
    return n_failed ? 1 : 0;
}
