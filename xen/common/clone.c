/* SPDX-License-Identifier: GPL-2.0-only */
/* clone.c: the clone_op hypercall: policy, families, clone service, ring. */
/*
 * Arch-independent half of domain cloning (see public/clone.h and
 * docs/clone-design.md): argument checking, the per-domain clone policy,
 * parent/child links, the Dom0 clone service's notification ring, child
 * creation and completion. The memory and vCPU copy is arch code
 * (arch/x86/pv/clone.c).
 *
 * Locking: clone_lock protects every struct clone_domain's family fields
 * and the service. A clone runs under the domctl lock (domain creation and
 * destruction are serialised by it), and never holds clone_lock while
 * creating, copying or destroying domains.
 */

#include <xen/clone.h>
#include <xen/clone-logic.h>
#include <xen/domain.h>
#include <xen/err.h>
#include <xen/event.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/multicall.h>
#include <xen/random.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/vmap.h>
#include <xen/xmalloc.h>
#include <xsm/xsm.h>
#include <public/clone.h>
#include <public/sched.h>

static DEFINE_SPINLOCK(clone_lock);

/* The Dom0 clone service (at most one), protected by clone_lock. */
static struct {
    struct domain *owner;
    struct xen_clone_ring *ring;
    unsigned int order;
    unsigned int nr_frames;
    unsigned int nr_ents;
    unsigned int reserved;          /* entries promised to running clones */
    uint32_t next_id;
} service;

/*
 * Xen's stock of empty shells for guests' forks (CLONEOP_add_shells). It
 * belongs to the service's registration. Each shell in it is referenced
 * and paused by the stock, and its clone_domain is marked stocked. The
 * stock changes under the domctl lock and clone_lock both (every path
 * that changes it holds the domctl lock: add, a fork's take, unregister,
 * register, domain_kill()), so either lock is enough to read it.
 */
static struct {
    struct domain *shell[XEN_CLONE_STOCK_MAX];  /* the oldest first */
    unsigned int nr;
    uint64_t nr_taken;              /* shells that became forked children */
    uint64_t nr_dropped;            /* shells that left it otherwise */
} stock;

/*
 * The ring of a service whose domain died: freed once nobody maps it any
 * more (its domain's page tables are gone by clone_domain_destroy()).
 */
static struct xen_clone_ring *orphan_ring;
static unsigned int orphan_order;

static uint64_t clone_family_ids;  /* the last family id given, clone_lock */

/*
 * Families by id, for the frames they share: a shared frame knows its
 * family's id only, and outlives every member that mapped it. A family
 * stays here until it is gone (no member) and shares no frame.
 * clone_acct_lock protects the table and every family's gone and
 * nr_shared. It is taken last, never with another lock taken inside it:
 * frames are freed under many locks, clone_lock included.
 */
static DEFINE_SPINLOCK(clone_acct_lock);
#define CLONE_FAMILY_HASH 64
static struct clone_family *family_hash[CLONE_FAMILY_HASH];

static struct clone_family **family_slot(uint64_t id)
{
    struct clone_family **f = &family_hash[id % CLONE_FAMILY_HASH];

    ASSERT(spin_is_locked(&clone_acct_lock));

    while ( *f && (*f)->id != id )
        f = &(*f)->hash_next;

    return f;
}

/* A new family enters the table. */
static void family_hash_add(struct clone_family *f)
{
    struct clone_family **slot;

    spin_lock(&clone_acct_lock);
    slot = family_slot(f->id);
    ASSERT(!*slot);
    f->hash_next = NULL;
    *slot = f;
    spin_unlock(&clone_acct_lock);
}

/*
 * Leave f if it is gone and shares nothing: the caller frees what is
 * returned (NULL: f lives on). clone_acct_lock held.
 */
static struct clone_family *family_reap(struct clone_family *f)
{
    struct clone_family **slot;

    ASSERT(spin_is_locked(&clone_acct_lock));

    if ( !f->gone || f->nr_shared )
        return NULL;
    slot = family_slot(f->id);
    ASSERT(*slot == f);
    *slot = f->hash_next;

    return f;
}

/* The last member of f was killed: f goes once its frames are freed. */
static struct clone_family *family_leave(struct clone_family *f)
{
    struct clone_family *gone;

    spin_lock(&clone_acct_lock);
    f->gone = true;
    gone = family_reap(f);
    spin_unlock(&clone_acct_lock);

    return gone;
}

/* The most frames cd's family may share when cd clones. */
static uint64_t clone_shared_max(const struct clone_domain *cd)
{
    return clone_shared_limit(cd->max_shared, cd->max_family,
                              cd->d->max_pages);
}

int clone_family_charge(struct clone_domain *cd, unsigned long nr)
{
    struct clone_family *f;
    int rc = -ENOSPC;

    spin_lock(&clone_lock);
    f = cd->family;
    if ( !f )
        rc = -EINVAL;   /* Cannot happen: a parent is in its family. */
    else
    {
        spin_lock(&clone_acct_lock);
        if ( !clone_shared_over(f->nr_shared, nr, clone_shared_max(cd)) )
        {
            f->nr_shared += nr;
            rc = 0;
        }
        spin_unlock(&clone_acct_lock);
    }
    spin_unlock(&clone_lock);

    if ( rc == -ENOSPC )
        gdprintk(XENLOG_INFO, "clone: d%d's family may share no %lu more "
                 "frames (max_shared %"PRIu64")\n", cd->d->domain_id, nr,
                 clone_shared_max(cd));

    return rc;
}

void clone_family_uncharge(uint64_t family_id, unsigned long nr)
{
    struct clone_family *f, *gone = NULL;

    if ( !nr )
        return;

    spin_lock(&clone_acct_lock);
    f = *family_slot(family_id);
    if ( f && f->nr_shared >= nr )
    {
        f->nr_shared -= nr;
        gone = family_reap(f);
    }
    else
    {
        /* A frame tagged with a family that has no such count: a bug. */
        ASSERT_UNREACHABLE();
        if ( f )
        {
            f->nr_shared = 0;
            gone = family_reap(f);
        }
    }
    spin_unlock(&clone_acct_lock);

    xfree(gone);
}

/*
 * Is a clone service there to complete children? It is registered, and
 * its ring is mapped: a daemon that died (even by SIGKILL) unmapped it,
 * and children announced on its ring would wait forever. clone_lock held.
 */
static bool service_alive(void)
{
    unsigned int i;

    ASSERT(spin_is_locked(&clone_lock));

    if ( !service.owner )
        return false;
    for ( i = 0; i < service.nr_frames; i++ )
    {
        const struct page_info *pg =
            virt_to_page((char *)service.ring + i * PAGE_SIZE);

        /* The allocation reference, plus one per mapping. */
        if ( (pg->count_info & PGC_count_mask) > 1 )
            return true;
    }

    return false;
}

struct clone_domain *clone_domain_get(struct domain *d)
{
    struct clone_domain *cd = d->clone, *new;

    if ( cd )
        return cd;

    new = xzalloc(struct clone_domain);
    if ( !new )
        return NULL;

    new->d = d;
    new->parent_id = DOMID_INVALID;
    INIT_LIST_HEAD(&new->children);
    INIT_LIST_HEAD(&new->sibling);
    INIT_LIST_HEAD(&new->zombies);

    spin_lock(&clone_lock);
    if ( d->clone )
        xfree(new);
    else
        d->clone = new;
    spin_unlock(&clone_lock);

    return d->clone;
}

/*
 * vCPU 0 of d got its first context: for a PV domU built by the toolstack,
 * %rsi is the virtual address of start_info. Clones inherit it instead.
 */
void clone_note_start_info(struct domain *d, unsigned long va)
{
    struct clone_domain *cd;

    if ( is_hardware_domain(d) || is_control_domain(d) ||
         (d->clone && d->clone->parent_id != DOMID_INVALID) )
        return;

    cd = clone_domain_get(d);
    if ( cd )
        cd->start_info_va = va;
}

/* Take stocked shell i off the stock; its holds go to the caller. */
static struct domain *stock_remove(unsigned int i)
{
    struct domain *shell = stock.shell[i];

    ASSERT(spin_is_locked(&clone_lock));
    ASSERT(i < stock.nr);

    shell->clone->stocked = false;
    memmove(&stock.shell[i], &stock.shell[i + 1],
            (stock.nr - i - 1) * sizeof(stock.shell[0]));
    stock.nr--;

    return shell;
}

/*
 * The registration ends: take the whole stock off Xen into out (room for
 * XEN_CLONE_STOCK_MAX); the caller hands it back (stock_release()).
 * clone_lock held.
 */
static unsigned int stock_detach(struct domain **out)
{
    unsigned int nr = 0;

    ASSERT(spin_is_locked(&clone_lock));

    while ( stock.nr )
        out[nr++] = stock_remove(0);
    stock.nr_dropped += nr;

    return nr;
}

/*
 * Hand shells taken off the stock back to their toolstack: the stock's
 * pause and reference go; the shells are as they were added (clone_lock
 * not held).
 */
static void stock_release(struct domain **shells, unsigned int nr)
{
    while ( nr-- )
    {
        domain_unpause(shells[nr]);
        put_domain(shells[nr]);
    }
}

static unsigned int ring_nr_ents(unsigned int nr_frames)
{
    return clone_ring_nr_ents(nr_frames, PAGE_SIZE, XEN_CLONE_RING_HDR_SIZE,
                              sizeof(struct xen_clone_notification));
}

/* Free the ring pages; -EBUSY if a privileged domain still maps them. */
static int ring_free(struct xen_clone_ring *ring, unsigned int order)
{
    unsigned int i;

    for ( i = 0; i < (1U << order); i++ )
    {
        struct page_info *pg = virt_to_page((char *)ring + i * PAGE_SIZE);

        put_page_alloc_ref(pg);
        if ( pg->count_info & ~PGC_xen_heap )
        {
            /* Still mapped: undo, keep the ring. */
            if ( get_page(pg, dom_xen) )
                set_bit(_PGC_allocated, &pg->count_info);
            while ( i-- )
                share_xen_page_with_privileged_guests(
                    virt_to_page((char *)ring + i * PAGE_SIZE), SHARE_rw);
            return -EBUSY;
        }
        page_set_owner(pg, NULL);
    }

    free_xenheap_pages(ring, order);

    return 0;
}

/* Free a dead service's ring if nobody maps it now. clone_lock held. */
static void orphan_ring_reap(void)
{
    ASSERT(spin_is_locked(&clone_lock));

    if ( orphan_ring && !ring_free(orphan_ring, orphan_order) )
        orphan_ring = NULL;
}

/* Post a notification (a copy of *note with a fresh id). clone_lock held. */
static void ring_post(const struct xen_clone_notification *note)
{
    struct xen_clone_ring *ring = service.ring;
    struct xen_clone_notification *n;

    ASSERT(spin_is_locked(&clone_lock));

    n = &ring->ent[clone_ring_slot(ring->prod, service.nr_ents)];
    *n = *note;
    n->id = ++service.next_id ?: ++service.next_id;
    smp_wmb();
    ring->prod++;
}

/*
 * A new service took over from one that died: announce again every child
 * announced before and still pending, while the (empty) new ring has
 * room; mark the others lost. Returns how many were lost. clone_lock held.
 */
static unsigned int clone_replay_pending(void)
{
    struct domain *d;
    unsigned int posted = 0, lost = 0;

    ASSERT(spin_is_locked(&clone_lock));

    rcu_read_lock(&domlist_read_lock);
    for_each_domain ( d )
    {
        struct clone_domain *cd = d->clone;

        if ( !cd || !cd->pending || !cd->announced || d->is_dying )
            continue;
        if ( posted < service.nr_ents )
        {
            cd->note.flags |= XEN_CLONE_NOTIFY_REPLAY;
            ring_post(&cd->note);
            posted++;
        }
        else
        {
            cd->lost = true;
            lost++;
        }
    }
    rcu_read_unlock(&domlist_read_lock);

    if ( posted )
        printk(XENLOG_INFO "clone: d%d's clone service took over %u pending "
               "children\n", current->domain->domain_id, posted);

    return lost;
}

static void clone_fail_pending(int status, bool lost_only);

/* Caller holds the domctl lock (lost children are destroyed). */
static long clone_register(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_clone_register reg;
    struct xen_clone_ring *ring;
    struct domain *old_stock[XEN_CLONE_STOCK_MAX];
    unsigned int i, order, nr_lost, nr_old_stock = 0;
    bool takeover;
    long rc;

    if ( copy_from_guest(&reg, arg, 1) )
        return -EFAULT;

    if ( reg.version != XEN_CLONE_INTERFACE_VERSION ||
         reg.nr_frames == 0 || reg.nr_frames > XEN_CLONE_RING_MAX_FRAMES )
        return -EINVAL;

    order = get_order_from_pages(reg.nr_frames);
    ring = alloc_xenheap_pages(order, 0);
    if ( !ring )
        return -ENOMEM;
    for ( i = 0; i < (1U << order); i++ )
        clear_page((char *)ring + i * PAGE_SIZE);
    ring->nr_ents = ring_nr_ents(reg.nr_frames);

    /* Share the frames before the service is published (and can go). */
    for ( i = 0; i < (1U << order); i++ )
    {
        struct page_info *pg = virt_to_page((char *)ring + i * PAGE_SIZE);

        share_xen_page_with_privileged_guests(pg, SHARE_rw);
        if ( i < XEN_CLONE_RING_MAX_FRAMES )
            reg.frames[i] = i < reg.nr_frames ? mfn_x(page_to_mfn(pg)) : 0;
    }

    spin_lock(&clone_lock);
    orphan_ring_reap();
    /*
     * A service that died (nobody maps its ring) is taken over, unless a
     * clone is still posting to it.
     */
    if ( service.reserved ||
         (service.owner &&
          (service_alive() || ring_free(service.ring, service.order))) )
    {
        /* Nobody was told of these frames: nobody maps them. */
        ring_free(ring, order);
        spin_unlock(&clone_lock);
        return -EBUSY;
    }
    takeover = service.owner;
    /* The dead service's stock was its own: handed back. */
    if ( takeover )
        nr_old_stock = stock_detach(old_stock);
    service.owner = current->domain;
    service.ring = ring;
    service.order = order;
    service.nr_frames = reg.nr_frames;
    service.nr_ents = ring->nr_ents;
    nr_lost = clone_replay_pending();
    spin_unlock(&clone_lock);
    stock_release(old_stock, nr_old_stock);

    if ( takeover )
        send_global_virq(VIRQ_CLONED);
    if ( nr_lost )
        clone_fail_pending(-ENOSPC, true);

    rc = 0;
    if ( __copy_to_guest(arg, &reg, 1) )
    {
        /* The caller cannot learn the frames: take the registration back. */
        rc = -EFAULT;
        spin_lock(&clone_lock);
        if ( service.ring == ring && !service.reserved &&
             !ring_free(ring, order) )
        {
            service.owner = NULL;
            service.ring = NULL;
        }
        spin_unlock(&clone_lock);
    }

    return rc;
}

/* Destroy a domain made by us that nobody else may know of yet. */
static void clone_destroy_child(struct domain *child)
{
    int rc;

    do {
        rc = domain_kill(child);
        if ( rc == -ERESTART )
            process_pending_softirqs();
    } while ( rc == -ERESTART );
}

/* Record a child's completion status; wake its forking parent if last. */
static void clone_child_done(struct clone_domain *ccd, int status)
{
    struct clone_domain *pcd = ccd->parent;

    ASSERT(spin_is_locked(&clone_lock));

    if ( !ccd->pending )
        return;
    ccd->pending = false;

    if ( !ccd->fork_child || !pcd )
        return;
    ccd->fork_child = false;

    if ( status && !pcd->fork_rc )
        pcd->fork_rc = status;
    if ( pcd->fork_state == FORK_WAIT && !--pcd->fork_waiting )
    {
        pcd->fork_state = FORK_DONE;
        vcpu_unpause(pcd->d->vcpu[0]);
    }
}

/*
 * Fail every child awaiting completion (only those lost by a takeover, if
 * lost_only) and take them down. Called with the domctl lock held
 * (domain_kill() needs it), clone_lock not held.
 */
static void clone_fail_pending(int status, bool lost_only)
{
    struct domain *d;
    bool again = true;

    while ( again )
    {
        struct domain *victim = NULL;

        again = false;
        rcu_read_lock(&domlist_read_lock);
        for_each_domain ( d )
        {
            struct clone_domain *cd = d->clone;

            if ( cd && cd->pending && (cd->lost || !lost_only) &&
                 !d->is_dying && get_domain(d) )
            {
                victim = d;
                break;
            }
        }
        rcu_read_unlock(&domlist_read_lock);

        if ( victim )
        {
            spin_lock(&clone_lock);
            clone_child_done(victim->clone, status);
            spin_unlock(&clone_lock);
            clone_destroy_child(victim);
            put_domain(victim);
            again = true;
        }
    }
}

static long clone_unregister(void)
{
    struct xen_clone_ring *ring;
    struct domain *old_stock[XEN_CLONE_STOCK_MAX];
    unsigned int order, nr_old_stock = 0;
    int rc;

    spin_lock(&clone_lock);
    if ( service.owner != current->domain )
    {
        spin_unlock(&clone_lock);
        return -ENOENT;
    }
    if ( service.reserved )
    {
        spin_unlock(&clone_lock);
        return -EBUSY;
    }
    orphan_ring_reap();
    ring = service.ring;
    order = service.order;
    rc = ring_free(ring, order);
    if ( !rc )
    {
        service.owner = NULL;
        service.ring = NULL;
        nr_old_stock = stock_detach(old_stock);
    }
    spin_unlock(&clone_lock);

    stock_release(old_stock, nr_old_stock);
    if ( !rc )
        clone_fail_pending(-ENOTCONN, false);

    return rc;
}

static long clone_set_policy(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_clone_policy pol;
    struct clone_domain *cd;
    struct domain *d;
    long rc;

    if ( copy_from_guest(&pol, arg, 1) )
        return -EFAULT;
    if ( pol.pad || pol.pad2 || pol.enabled > 1 || pol.max_clones > 0xffff ||
         pol.max_family > XEN_CLONE_MAX_FAMILY ||
         pol.max_depth > XEN_CLONE_MAX_DEPTH )
        return -EINVAL;

    d = rcu_lock_domain_by_any_id(pol.domid);
    if ( !d )
        return -ESRCH;

    rc = xsm_clone_op(XSM_OTHER, d, CLONEOP_set_policy);
    if ( rc )
        goto out;

    rc = -EINVAL;
    if ( is_system_domain(d) )
        goto out;

    rc = -ENOMEM;
    cd = clone_domain_get(d);
    if ( !cd )
        goto out;

    spin_lock(&clone_lock);
    cd->enabled = pol.enabled;
    cd->max_clones = pol.max_clones;
    cd->max_family = pol.max_family;
    cd->max_depth = pol.max_depth;
    cd->max_shared = pol.max_shared;
    spin_unlock(&clone_lock);
    rc = 0;

 out:
    rcu_unlock_domain(d);
    return rc;
}

static long clone_get_info(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    XEN_GUEST_HANDLE_PARAM(char) bytes = guest_handle_cast(arg, char);
    struct xen_clone_info info;
    struct clone_domain *cd;
    struct domain *d;
    unsigned int size;
    long rc;

    /* The head only (domid, size8): the caller's copy may be smaller. */
    memset(&info, 0, sizeof(info));
    if ( copy_from_guest((char *)&info, bytes,
                         offsetof(struct xen_clone_info, flags)) )
        return -EFAULT;
    size = info.size8 ? info.size8 * 8U : XEN_CLONE_INFO_SIZE_V5;
    if ( size < XEN_CLONE_INFO_SIZE_V5 )
        return -EINVAL;
    if ( size > sizeof(info) )
        size = sizeof(info);

    d = rcu_lock_domain_by_any_id(info.domid);
    if ( !d )
        return -ESRCH;

    rc = xsm_clone_op(XSM_OTHER, d, CLONEOP_get_info);
    if ( rc )
        goto out;

    memset(&info, 0, sizeof(info));
    info.domid = d->domain_id;
    info.parent = DOMID_INVALID;
    info.version = XEN_CLONE_INTERFACE_VERSION;
    info.nr_pages = domain_tot_pages(d);

    spin_lock(&clone_lock);
    cd = d->clone;
    if ( cd )
    {
        info.max_shared = clone_shared_max(cd);
        if ( cd->family )
        {
            spin_lock(&clone_acct_lock);
            info.nr_shared = cd->family->nr_shared;
            spin_unlock(&clone_acct_lock);
        }
        info.parent = cd->parent_id;
        info.enabled = cd->enabled;
        info.max_clones = cd->max_clones;
        info.nr_children = cd->nr_children;
        info.generation = cd->generation;
        info.nr_cow_faults = cd->nr_cow_faults;
        info.nr_copied_pages = cd->nr_copied_pages;
        info.nr_resets = cd->nr_resets;
        info.nr_reset_preempts = cd->nr_reset_preempts;
        info.nr_clone_preempts = cd->nr_clone_preempts;
        info.max_family = cd->max_family;
        info.max_depth = cd->max_depth;
        info.nr_family = cd->family ? cd->family->nr_members : 0;
        if ( cd->parent_id != DOMID_INVALID )
            info.flags |= XEN_CLONE_INFO_CHILD;
        if ( cd->pending )
            info.flags |= XEN_CLONE_INFO_PENDING;
    }
    if ( cd && cd->stocked )
        info.flags |= XEN_CLONE_INFO_STOCK;
    if ( service_alive() )
        info.flags |= XEN_CLONE_INFO_SERVICE;
    /* The stock is Dom0's business. */
    if ( is_control_domain(current->domain) )
    {
        info.nr_stock = stock.nr;
        info.max_stock = XEN_CLONE_STOCK_MAX;
        info.nr_stock_taken = stock.nr_taken;
        info.nr_stock_dropped = stock.nr_dropped;
    }
    spin_unlock(&clone_lock);

    info.size8 = size / 8;
    rc = copy_to_guest(bytes, (char *)&info, size) ? -EFAULT : 0;

 out:
    rcu_unlock_domain(d);
    return rc;
}

/* Caller holds the domctl lock. */
static long clone_complete(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_clone_complete c;
    struct clone_domain *cd;
    struct domain *d;
    long rc;

    if ( copy_from_guest(&c, arg, 1) )
        return -EFAULT;
    if ( c.pad || c.status > 0 )
        return -EINVAL;

    d = rcu_lock_domain_by_id(c.child);
    if ( !d )
        return -ESRCH;

    rc = xsm_clone_op(XSM_OTHER, d, CLONEOP_complete);
    if ( rc )
        goto out;

    rc = -ENOENT;
    spin_lock(&clone_lock);
    cd = d->clone;
    if ( cd && cd->pending && !d->is_dying )
    {
        clone_child_done(cd, c.status);
        rc = 0;
    }
    spin_unlock(&clone_lock);

    if ( !rc && c.status )
        clone_destroy_child(d);

 out:
    rcu_unlock_domain(d);
    return rc;
}

/*
 * A reset runs in chunks (arch_clone_reset() returns -ERESTART after a
 * budget of page tables, or when a softirq is pending): between two
 * chunks the domctl lock is released and the caller's vCPU goes back to
 * its guest through a hypercall continuation whose cmd carries the
 * reset's token in the bits above CLONE_CMD_MASK. The state (struct
 * clone_reset) hangs on the child; both domains stay paused meanwhile.
 *
 * Between chunks:
 *  - the child or the parent dying cancels the reset
 *    (clone_domain_kill()): the child is crashed if its memory was
 *    changed already, everything is released, and the continuation gets
 *    -ESRCH (or -EBUSY if the child lives on);
 *  - a clone of either domain, a reset of the parent, or of a child of
 *    the child, gets -EBUSY;
 *  - another reset of the same child gets -EBUSY, once: a second one that
 *    finds no chunk done since the first takes the reset as abandoned (its
 *    caller's continuation never came back), cancels it and starts again.
 *    A continuation that was not abandoned after all then gets -EBUSY.
 */
#define CLONE_CMD_MASK   0xffU
#define CLONE_CONT_SHIFT 8
static unsigned int clone_reset_tokens;    /* clone_lock */

/* Release a reset taken off its child (clone_lock not held). */
static void clone_reset_release(struct domain *child, struct clone_reset *rs,
                                bool cancel)
{
    if ( cancel && rs->arch )
        arch_clone_reset_cancel(child, rs->arch);
    domain_unpause(rs->parent);
    domain_unpause(child);
    put_domain(rs->parent);
    xfree(rs);
}

/* Take child's reset off it: the caller releases it. clone_lock held. */
static struct clone_reset *clone_reset_detach(struct clone_domain *ccd)
{
    struct clone_reset *rs = ccd->reset;

    ASSERT(spin_is_locked(&clone_lock));

    if ( rs )
    {
        ccd->reset = NULL;
        if ( rs->parent->clone && rs->parent->clone->reset_sources )
            rs->parent->clone->reset_sources--;
    }

    return rs;
}

/*
 * CLONEOP_reset (caller holds the domctl lock): the child's memory becomes
 * its parent's current memory again and its vCPU what it was at birth.
 * token: 0 for a new call, else the continuation of that reset. Returns
 * -ERESTART with *next set when the caller must continue it.
 */
static long clone_reset(XEN_GUEST_HANDLE_PARAM(void) arg, unsigned int token,
                        unsigned int *next)
{
    struct xen_clone_reset r;
    struct clone_domain *cd;
    struct clone_reset *rs = NULL, *stale = NULL, *fresh;
    struct domain *d, *curr = current->domain;
    long rc;

    if ( copy_from_guest(&r, arg, 1) )
        return -EFAULT;
    if ( r.pad[0] || r.pad[1] || r.pad[2] )
        return -EINVAL;

    d = rcu_lock_domain_by_id(r.child);
    if ( !d )
        return -ESRCH;

    rc = xsm_clone_op(XSM_OTHER, d, CLONEOP_reset);
    if ( rc )
        goto out;

    rc = -EINVAL;
    cd = d->clone;
    if ( !cd || cd->parent_id == DOMID_INVALID )
        goto out;

    rc = -ENOMEM;
    fresh = token ? NULL : xzalloc(struct clone_reset);
    if ( !token && !fresh )
        goto out;

    /*
     * The parent must still be there, the child complete, and not in the
     * middle of a fork of its own (its vCPU waits for its children), and
     * neither may be in another reset.
     */
    rc = -EBUSY;
    spin_lock(&clone_lock);
    if ( token )
    {
        /* A continuation: of the reset in progress, or of one cancelled. */
        if ( cd->reset && cd->reset->token == token &&
             cd->reset->caller == curr )
        {
            rs = cd->reset;
            rs->poked = false;
            rc = 0;
        }
        else if ( d->is_dying )
            rc = -ESRCH;
    }
    else if ( cd->reset && !cd->reset->poked )
        cd->reset->poked = true;    /* busy; abandoned if poked again */
    else
    {
        if ( cd->reset )
            stale = clone_reset_detach(cd);
        if ( cd->parent && !cd->pending && !cd->cloning &&
             cd->fork_state != FORK_WAIT && !cd->reset_sources &&
             !cd->parent->reset && !cd->parent->cloning && !d->is_dying &&
             !cd->parent->d->is_dying && get_domain(cd->parent->d) )
        {
            rs = fresh;
            fresh = NULL;
            rs->parent = cd->parent->d;
            rs->caller = curr;
            rs->token = ++clone_reset_tokens & (~0U >> CLONE_CONT_SHIFT);
            if ( !rs->token )
                rs->token = clone_reset_tokens = 1;
            cd->reset = rs;
            cd->parent->reset_sources++;
            rc = 0;
        }
    }
    spin_unlock(&clone_lock);
    xfree(fresh);

    if ( stale )
    {
        gprintk(XENLOG_WARNING, "clone: reset of d%d abandoned by d%d: "
                "starting again\n", d->domain_id, stale->caller->domain_id);
        clone_reset_release(d, stale, true);
    }
    if ( rc )
        goto out;

    if ( !token )
    {
        domain_pause(d);
        domain_pause(rs->parent);
    }

    rc = arch_clone_reset(rs->parent, d, &rs->arch);
    if ( rc == -ERESTART )
    {
        spin_lock(&clone_lock);
        cd->nr_reset_preempts++;
        spin_unlock(&clone_lock);
        *next = rs->token;
        goto out;
    }

    spin_lock(&clone_lock);
    clone_reset_detach(cd);
    if ( !rc )
    {
        /* Back to birth: no exit recorded, no fork result pending. */
        cd->exited = false;
        cd->exit_status = 0;
        cd->fork_state = FORK_IDLE;
        cd->fork_waiting = 0;
        cd->fork_rc = 0;
    }
    spin_unlock(&clone_lock);
    /* A child that had crashed or exited runs again. */
    if ( !rc && d->is_shutting_down )
        domain_resume(d);
    rs->arch = NULL;    /* freed by the arch code on 0 or an error */
    clone_reset_release(d, rs, false);

 out:
    rcu_unlock_domain(d);
    return rc;
}

/* Create an empty, paused child with the parent's configuration. */
static struct domain *clone_create_child(struct domain *parent)
{
    struct xen_domctl_createdomain config = {
        .flags = parent->options,
        .max_vcpus = parent->max_vcpus,
        .max_evtchn_port = parent->max_evtchn_port,
        .cpupool_id = cpupool_get_id(parent),
    };
    struct domain *child;
    domid_t domid;
    unsigned int i;
    int rc;

    rc = gnttab_clone_config(parent, &config.max_grant_frames,
                             &config.max_maptrack_frames,
                             &config.grant_opts);
    if ( rc )
        return ERR_PTR(rc);
    arch_clone_domain_config(parent, &config.arch);

    for ( i = 0; i < sizeof(config.handle); i += sizeof(unsigned int) )
    {
        unsigned int r = get_random();

        memcpy(&config.handle[i], &r, min(sizeof(r),
                                          sizeof(config.handle) - i));
    }
    /* An RFC 4122 version 4 UUID. */
    config.handle[6] = (config.handle[6] & 0x0f) | 0x40;
    config.handle[8] = (config.handle[8] & 0x3f) | 0x80;

    domid = domid_alloc();
    if ( domid == DOMID_INVALID )
        return ERR_PTR(-ENOSPC);

    child = domain_create(domid, &config, CDF_clone);
    if ( IS_ERR(child) )
        return child;
    xsm_clone_child(XSM_HOOK, parent, child);

    if ( !vcpu_create(child, 0) )
    {
        clone_destroy_child(child);
        return ERR_PTR(-ENOMEM);
    }

    return child;
}

/*
 * Is shell an unused shell, whoever its parent will be: not the caller,
 * not privileged or a system domain, alive, paused by its controller,
 * without an event channel in use, unknown to clone_op (a shell in the
 * stock only if stocked_ok)? Its memory and vCPUs are arch_clone_shell_ok()'s.
 * Called with the domctl lock held (the stock's marks change under it).
 */
static bool clone_shell_unused(const struct domain *shell,
                               const struct domain *caller, bool stocked_ok)
{
    const struct clone_domain *scd = shell->clone;

    if ( shell == caller || is_control_domain(shell) ||
         is_hardware_domain(shell) || is_system_domain(shell) ||
         shell->target || shell->is_dying || shell->is_shutting_down ||
         !ACCESS_ONCE(shell->controller_pause_count) ||
         read_atomic(&shell->active_evtchns) )
        return false;

    return !scd || !(scd->family || scd->parent || scd->nr_children ||
                     scd->pending || scd->cloning || scd->nr_zombies ||
                     (scd->stocked && !stocked_ok));
}

/* Is the (unused) shell of parent's shape, and empty (arch code)? */
static bool clone_shell_fits(const struct domain *parent,
                             struct domain *shell)
{
    int32_t pgf, pmf, sgf, smf;
    uint32_t popts, sopts;

    if ( shell == parent || shell->options != parent->options ||
         shell->max_vcpus != parent->max_vcpus ||
         shell->max_evtchn_port < parent->max_evtchn_port )
        return false;

    if ( gnttab_clone_config(parent, &pgf, &pmf, &popts) ||
         gnttab_clone_config(shell, &sgf, &smf, &sopts) ||
         sgf < pgf || smf < pmf || sopts != popts )
        return false;

    return arch_clone_shell_ok(parent, shell);
}

/*
 * May shell become a child of parent (XEN_CLONE_FLAG_SHELLS)? Everything
 * the public header promises is checked here and in arch_clone_shell_ok().
 * Called with the domctl lock held and the parent paused; a shell is
 * paused by its controller, so it cannot run while it is looked at.
 */
static int clone_check_shell(const struct domain *parent,
                             struct domain *shell,
                             const struct domain *caller)
{
    return shell != parent && clone_shell_unused(shell, caller, false) &&
           clone_shell_fits(parent, shell) ? 0 : -EINVAL;
}

/*
 * CLONEOP_add_shells (domctl lock held): the registered service gives Xen
 * shells for its stock. Every shell is checked, referenced and paused
 * before any enters the stock; on an error none does.
 */
static long clone_add_shells(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_clone_add_shells a;
    struct domain *shells[XEN_CLONE_MAX_BATCH];
    struct domain *curr = current->domain;
    unsigned int i, j, got = 0;
    bool paused = false;
    long rc;

    /* The caller first: anyone else gets -EPERM, whatever it passes. */
    spin_lock(&clone_lock);
    rc = service.owner != curr ? -EPERM : 0;
    spin_unlock(&clone_lock);
    if ( rc )
        return rc;

    if ( copy_from_guest(&a, arg, 1) )
        return -EFAULT;
    if ( a.pad || !a.nr || a.nr > XEN_CLONE_MAX_BATCH )
        return -EINVAL;
    if ( !guest_handle_okay(a.shells, a.nr) )
        return -EFAULT;

    spin_lock(&clone_lock);
    rc = stock.nr + a.nr > XEN_CLONE_STOCK_MAX ? -ENOSPC : 0;
    spin_unlock(&clone_lock);
    if ( rc )
        return rc;

    for ( got = 0; got < a.nr; got++ )
    {
        domid_t id;

        rc = -EFAULT;
        if ( __copy_from_guest_offset(&id, a.shells, got, 1) )
            goto out;
        rc = -EINVAL;
        for ( j = 0; j < got; j++ )
            if ( shells[j]->domain_id == id )
                goto out;
        shells[got] = get_domain_by_id(id);
        if ( !shells[got] )
            goto out;
        if ( xsm_clone_op(XSM_OTHER, shells[got], CLONEOP_add_shells) ||
             !clone_shell_unused(shells[got], curr, false) ||
             !arch_clone_shell_ok(shells[got], shells[got]) )
        {
            put_domain(shells[got]);
            goto out;
        }
    }

    rc = -ENOMEM;
    for ( i = 0; i < got; i++ )
        if ( !clone_domain_get(shells[i]) )
            goto out;

    /* Nothing runs in them from now on, whatever their controller does. */
    for ( i = 0; i < got; i++ )
        domain_pause(shells[i]);
    paused = true;

    spin_lock(&clone_lock);
    if ( service.owner != curr )
        rc = -EPERM;        /* Cannot happen: the domctl lock is held. */
    else if ( stock.nr + got > XEN_CLONE_STOCK_MAX )
        rc = -ENOSPC;
    else
    {
        for ( i = 0; i < got; i++ )
        {
            shells[i]->clone->stocked = true;
            stock.shell[stock.nr++] = shells[i];
        }
        rc = 0;
    }
    spin_unlock(&clone_lock);

    if ( !rc )
    {
        gdprintk(XENLOG_INFO, "clone: %u shell(s) added to the stock\n", got);
        return 0;   /* The stock keeps the references and the pauses. */
    }

 out:
    while ( got-- )
    {
        if ( paused )
            domain_unpause(shells[got]);
        put_domain(shells[got]);
    }
    return rc;
}

/*
 * Can the caller write nr domids into list? Each entry is read and written
 * back unchanged (an IN list of shells keeps its contents): 0, or -EFAULT
 * for a list out of range, unmapped or read-only.
 */
static int clone_list_writable(XEN_GUEST_HANDLE(domid_t) list,
                               unsigned int nr)
{
    unsigned int i;
    domid_t id;

    if ( !guest_handle_okay(list, nr) )
        return -EFAULT;
    for ( i = 0; i < nr; i++ )
        if ( __copy_from_guest_offset(&id, list, i, 1) ||
             __copy_to_guest_offset(list, i, &id, 1) )
            return -EFAULT;

    return 0;
}

/*
 * A fork's child from the stock (domctl lock held): the oldest stocked
 * shell that fits parent, taken off the stock with the stock's reference
 * (the caller puts it) but not its pause; NULL if none fits. Shells that
 * no longer pass the checks are dropped (handed back) on the way; those
 * that do not fit this parent stay.
 */
static struct domain *clone_take_stock(struct domain *parent)
{
    struct domain *dropped[XEN_CLONE_STOCK_MAX], *shell = NULL;
    bool ok[XEN_CLONE_STOCK_MAX], fits[XEN_CLONE_STOCK_MAX];
    unsigned int i, nr_dropped = 0, nr;

    /* Looked at without clone_lock (grant locks): the domctl lock holds. */
    nr = stock.nr;
    for ( i = 0; i < nr; i++ )
    {
        struct domain *s = stock.shell[i];

        ok[i] = clone_shell_unused(s, parent, true) &&
                arch_clone_shell_ok(s, s);
        fits[i] = ok[i] && !shell && clone_shell_fits(parent, s);
        if ( fits[i] )
            shell = s;
    }

    spin_lock(&clone_lock);
    ASSERT(stock.nr == nr);
    for ( i = nr; i--; )
        if ( !ok[i] )
            dropped[nr_dropped++] = stock_remove(i);
        else if ( fits[i] )
            stock_remove(i);
    stock.nr_dropped += nr_dropped;
    spin_unlock(&clone_lock);

    if ( nr_dropped )
        gprintk(XENLOG_WARNING, "clone: %u stocked shell(s) no longer empty "
                "and paused: handed back\n", nr_dropped);
    stock_release(dropped, nr_dropped);
    if ( shell )
        domain_unpause(shell);

    return shell;
}

/*
 * Read the shells' domids from list and take a reference on each; 0, or
 * -EINVAL (a bad, repeated or missing shell) / -EFAULT with none taken.
 */
static int clone_get_shells(const struct domain *parent,
                            XEN_GUEST_HANDLE(domid_t) list, unsigned int nr,
                            struct domain **shells)
{
    unsigned int i, j;
    int rc = 0;

    for ( i = 0; i < nr && !rc; i++ )
    {
        domid_t id;

        shells[i] = NULL;
        if ( __copy_from_guest_offset(&id, list, i, 1) )
        {
            rc = -EFAULT;
            break;
        }
        for ( j = 0; j < i; j++ )
            if ( shells[j]->domain_id == id )
                rc = -EINVAL;
        if ( rc || !(shells[i] = get_domain_by_id(id)) )
        {
            rc = -EINVAL;
            break;
        }
        rc = xsm_clone_op(XSM_OTHER, shells[i], CLONEOP_clone) ?:
             clone_check_shell(parent, shells[i], current->domain);
        if ( rc )
            rc = -EINVAL;
    }

    if ( rc )
        while ( i-- )
            if ( shells[i] )
                put_domain(shells[i]);

    return rc;
}

/*
 * A shell that passed clone_check_shell() as parent's child: vCPU 0 made,
 * the parent's label taken (a failed clone destroys it).
 */
static struct domain *clone_fill_shell(struct domain *parent,
                                       struct domain *shell)
{
    if ( !shell->vcpu[0] && !vcpu_create(shell, 0) )
        return ERR_PTR(-ENOMEM);
    xsm_clone_child(XSM_HOOK, parent, shell);

    return shell;
}

/* Link child under parent; both clone_domains exist. */
static void clone_link(struct clone_domain *pcd, struct clone_domain *ccd,
                       bool fork_child)
{
    ASSERT(spin_is_locked(&clone_lock));

    ccd->enabled = pcd->enabled;
    ccd->max_clones = pcd->max_clones;
    ccd->max_family = pcd->max_family;
    ccd->max_depth = pcd->max_depth;
    ccd->max_shared = pcd->max_shared;
    ccd->family = pcd->family;
    ccd->family_id = pcd->family_id;
    ccd->family->nr_members++;
    ccd->generation = pcd->generation + 1;
    ccd->parent_id = pcd->d->domain_id;
    ccd->parent = pcd;
    ccd->pending = true;
    ccd->fork_child = fork_child;
    ccd->forked = fork_child;
    list_add_tail(&ccd->sibling, &pcd->children);
    pcd->nr_children++;
}

/*
 * A control domain's clone between two chunks: the children made (each
 * referenced and paused by us, as the parent is), the ones built so far,
 * the arch cursor of the one being built (a chunk builds part of one
 * child, or finishes it), and what the call reserved (ring entries, family
 * members). It hangs on the parent (pcd->batch) under clone_lock, and
 * pcd->cloning stays set until it ends.
 */
struct clone_batch {
    struct domain *caller;          /* the domain whose call continues it */
    unsigned int token;             /* in the continuation's cmd, never 0 */
    bool poked;                     /* another clone found it, -EBUSY */
    bool reserved;                  /* nr ring entries reserved */
    bool has_service;
    uint16_t flags;
    unsigned int nr, done;          /* children; children built */
    unsigned int nr_shells;
    void *arch;                     /* children[done]'s build, half way */
    struct domain *children[XEN_CLONE_MAX_BATCH];
    struct domain *shells[XEN_CLONE_MAX_BATCH];
    struct clone_result res[XEN_CLONE_MAX_BATCH];
};

static unsigned int clone_batch_tokens;    /* clone_lock */

/* Take pcd's batch off it: the caller releases it. clone_lock held. */
static struct clone_batch *clone_batch_detach(struct clone_domain *pcd)
{
    struct clone_batch *b = pcd->batch;

    ASSERT(spin_is_locked(&clone_lock));

    if ( b )
    {
        pcd->batch = NULL;
        if ( pcd->family )
            pcd->family->nr_joining -= b->nr;
    }

    return b;
}

/*
 * Release a batch taken off its parent (clone_lock not held, domctl lock
 * held). fail: its children, shells included, are destroyed and what it
 * reserved is given back; else they were linked and announced.
 */
static void clone_batch_release(struct domain *parent,
                                struct clone_domain *pcd,
                                struct clone_batch *b, bool fail)
{
    unsigned int i;

    /* A child half built: its build's state goes (the child below). */
    if ( b->arch )
    {
        ASSERT(fail);
        arch_clone_child_cancel(b->children[b->done], b->arch);
        b->arch = NULL;
    }
    if ( fail )
    {
        spin_lock(&clone_lock);
        if ( b->reserved )
            service.reserved -= b->nr;
        pcd->cloning = false;
        spin_unlock(&clone_lock);
    }
    for ( i = 0; i < b->nr; i++ )
    {
        domain_unpause(b->children[i]);
        /* A half-made child never survives. */
        if ( fail )
            clone_destroy_child(b->children[i]);
        put_domain(b->children[i]);
    }
    for ( i = 0; i < b->nr_shells; i++ )
        put_domain(b->shells[i]);
    domain_unpause(parent);
    xfree(b);
}

/* d is dying: a clone of it between two children is undone. */
static void clone_batch_cancel(struct domain *d)
{
    struct clone_domain *cd = d->clone;
    struct clone_batch *b;

    spin_lock(&clone_lock);
    b = clone_batch_detach(cd);
    spin_unlock(&clone_lock);

    if ( b )
    {
        gprintk(XENLOG_INFO, "clone: d%d dies: its clone into %u children "
                "is undone\n", d->domain_id, b->nr);
        clone_batch_release(d, cd, b, true);
    }
}

/*
 * Link and announce nr children built for pcd; clears pcd->cloning. A
 * fork (self) makes the caller wait (*wait).
 */
static void clone_announce(struct domain *parent, struct clone_domain *pcd,
                           struct domain **children,
                           const struct clone_result *res, unsigned int nr,
                           uint16_t flags, bool self, bool reserved,
                           bool *wait)
{
    unsigned int i;

    spin_lock(&clone_lock);
    for ( i = 0; i < nr; i++ )
    {
        struct clone_domain *ccd = children[i]->clone;

        clone_link(pcd, ccd, self);
        ccd->note = (struct xen_clone_notification){
            .parent = parent->domain_id,
            .child = children[i]->domain_id,
            .flags = flags | (self ? XEN_CLONE_NOTIFY_SELF : 0) |
                     (ccd->from_stock ? XEN_CLONE_NOTIFY_STOCK : 0),
            .index = i,
            .child_store_mfn = res[i].store_mfn,
            .child_console_mfn = res[i].console_mfn,
        };
        if ( ccd->from_stock )
            stock.nr_taken++;
        /* A service that dies before it can read this tells its successor. */
        ccd->announced = reserved;
        if ( reserved && service.ring )
            ring_post(&ccd->note);
    }
    if ( reserved )
        service.reserved -= nr;
    pcd->cloning = false;
    if ( self )
    {
        pcd->fork_state = FORK_WAIT;
        pcd->fork_waiting = nr;
        pcd->fork_rc = 0;
        vcpu_pause_nosync(current);
        *wait = true;
    }
    spin_unlock(&clone_lock);
}

/*
 * The continuation of a control domain's clone: the next chunk of the
 * child being built, or of the next child; -ERESTART with *next set while
 * more remain. Domctl lock held.
 */
static long clone_clone_continue(XEN_GUEST_HANDLE_PARAM(void) arg,
                                 unsigned int token, unsigned int *next)
{
    struct xen_clone_op op;
    struct domain *parent, *curr = current->domain;
    struct clone_domain *pcd;
    struct clone_batch *b = NULL;
    struct clone_args args = { };
    unsigned int i;
    bool wait = false;
    long rc;

    if ( copy_from_guest(&op, arg, 1) )
        return -EFAULT;
    parent = rcu_lock_domain_by_id(op.parent);
    if ( !parent )
        return -ESRCH;

    rc = xsm_clone_op(XSM_OTHER, parent, CLONEOP_clone);
    if ( rc )
        goto out;

    rc = parent->is_dying ? -ESRCH : -EBUSY;
    pcd = parent->clone;
    spin_lock(&clone_lock);
    if ( pcd && pcd->batch && pcd->batch->token == token &&
         pcd->batch->caller == curr )
    {
        b = pcd->batch;
        b->poked = false;
        rc = 0;
    }
    spin_unlock(&clone_lock);
    if ( rc )
        goto out;

    /* A child (or shell) destroyed in between fails the whole call. */
    for ( i = 0; i < b->nr && !rc; i++ )
        if ( b->children[i]->is_dying )
            rc = -ESRCH;
    if ( !rc )
    {
        args.rax = 1 + b->done;
        rc = arch_clone_child(parent, b->children[b->done], &args,
                              &b->res[b->done], &b->arch);
    }
    if ( rc == -ERESTART || (!rc && ++b->done < b->nr) )
    {
        spin_lock(&clone_lock);
        pcd->nr_clone_preempts++;
        spin_unlock(&clone_lock);
        *next = token;
        rc = -ERESTART;
        goto out;
    }

    spin_lock(&clone_lock);
    clone_batch_detach(pcd);
    spin_unlock(&clone_lock);
    if ( !rc )
    {
        clone_announce(parent, pcd, b->children, b->res, b->nr, b->flags,
                       false, b->reserved, &wait);
        if ( b->has_service )
            send_global_virq(VIRQ_CLONED);
    }
    clone_batch_release(parent, pcd, b, rc);

 out:
    rcu_unlock_domain(parent);
    return rc;
}

/*
 * CLONEOP_clone. Called with the domctl lock held; returns with it held.
 * For a self-clone the parent is current->domain and this returns
 * -ERESTART after arranging the wait (the caller makes the continuation).
 */
static long clone_clone(XEN_GUEST_HANDLE_PARAM(void) arg, unsigned int token,
                        bool *wait, unsigned int *next)
{
    struct xen_clone_op op;
    struct domain *parent, *curr = current->domain;
    struct domain *children[XEN_CLONE_MAX_BATCH];
    struct domain *shells[XEN_CLONE_MAX_BATCH];
    struct clone_result res[XEN_CLONE_MAX_BATCH];
    struct clone_domain *pcd;
    struct clone_args args = { };
    struct clone_family *new_family = NULL;
    unsigned int i, made = 0;
    int family_rc;
    bool self, has_service, paused = false, reserved = false, use_shells;
    unsigned int nr_shells = 0, nr_from_stock = 0, nr_now;
    struct clone_batch *stale = NULL, *b = NULL;
    long rc;

    *wait = false;

    if ( token )
        return clone_clone_continue(arg, token, next);

    if ( copy_from_guest(&op, arg, 1) )
        return -EFAULT;
    if ( !clone_op_args_ok(op.nr_children, op.flags, XEN_CLONE_MAX_BATCH,
                           XEN_CLONE_FLAG_PAUSED | XEN_CLONE_FLAG_SHELLS) )
        return -EINVAL;

    self = op.parent == DOMID_SELF || op.parent == curr->domain_id;
    use_shells = op.flags & XEN_CLONE_FLAG_SHELLS;
    /* A guest names no other domain: shells are the toolstack's. */
    if ( self && use_shells )
        return -EINVAL;
    parent = self ? rcu_lock_current_domain()
                  : rcu_lock_domain_by_id(op.parent);
    if ( !parent )
        return -ESRCH;

    rc = xsm_clone_op(XSM_OTHER, parent, CLONEOP_clone);
    if ( rc )
        goto out_unlock;

    rc = -ESRCH;
    if ( parent->is_dying || parent->is_shutting_down )
        goto out_unlock;

    rc = -EPERM;
    pcd = parent->clone;
    if ( !pcd || !pcd->enabled || pcd->pending || pcd->stocked ||
         is_control_domain(parent) ||
         is_hardware_domain(parent) || is_system_domain(parent) )
        goto out_unlock;

    /*
     * A device could write through its IOMMU mappings into frames the
     * family shares, and even after they are freed: refused, as upstream
     * memory sharing refuses such a domain.
     */
    rc = -EXDEV;
    if ( is_iommu_enabled(parent) )
        goto out_unlock;

    /*
     * The child list must be writable before anything is done: a fork
     * into a list it cannot write would otherwise take shells from the
     * stock only to destroy them.
     */
    rc = clone_list_writable(op.child_list, op.nr_children);
    if ( rc )
        goto out_unlock;

    /*
     * A clone of it between two children: busy, or abandoned if a clone
     * was told so before and no child was built since.
     */
    rc = -EBUSY;
    spin_lock(&clone_lock);
    if ( pcd->batch && !pcd->batch->poked )
        pcd->batch->poked = true;
    else
    {
        stale = clone_batch_detach(pcd);
        rc = 0;
    }
    spin_unlock(&clone_lock);
    if ( stale )
    {
        gprintk(XENLOG_WARNING, "clone: clone of d%d abandoned by d%d: "
                "undone\n", parent->domain_id, stale->caller->domain_id);
        clone_batch_release(parent, pcd, stale, true);
    }
    if ( rc )
        goto out_unlock;

    /* Pause the parent (not ourselves) so that its state is stable. */
    if ( !self )
    {
        domain_pause(parent);
        paused = true;
    }

    rc = arch_clone_check(parent);
    if ( rc )
        goto out;

    /* Every shell is checked before anything changes. */
    if ( use_shells )
    {
        rc = clone_get_shells(parent, op.child_list, op.nr_children, shells);
        if ( rc )
            goto out;
        nr_shells = op.nr_children;
    }

    /* An original's family is made when it first clones. */
    rc = -ENOMEM;
    if ( !pcd->family && !(new_family = xzalloc(struct clone_family)) )
        goto out;
    /* A control domain's clone (built in chunks): its state, first. */
    if ( !self && !(b = xzalloc(struct clone_batch)) )
        goto out;

    spin_lock(&clone_lock);
    if ( !pcd->family )
    {
        new_family->id = ++clone_family_ids;
        new_family->nr_members = 1;
        family_hash_add(new_family);
        pcd->family = new_family;
        pcd->family_id = new_family->id;
        new_family = NULL;
    }
    family_rc = clone_family_check(pcd->family->nr_members +
                                   pcd->family->nr_joining, op.nr_children,
                                   pcd->generation, pcd->max_family,
                                   pcd->max_depth);
    has_service = service_alive();
    /*
     * A parent in the middle of a fork waits on a continuation: a clone
     * of it now would start by forking again.
     */
    if ( pcd->cloning || pcd->fork_state != FORK_IDLE ||
         pcd->reset || pcd->reset_sources )
        rc = -EBUSY;
    else if ( self && !has_service )
        rc = -ENXIO;
    else if ( clone_over_limit(pcd->nr_children, op.nr_children,
                               pcd->max_clones) )
        rc = -E2BIG;
    else if ( family_rc )
        rc = family_rc;
    else if ( has_service &&
              !clone_ring_has_room(service.ring->prod,
                                   ACCESS_ONCE(service.ring->cons),
                                   service.nr_ents, service.reserved,
                                   op.nr_children) )
        rc = -EBUSY;
    else
    {
        rc = 0;
        pcd->cloning = true;
        if ( has_service )
        {
            service.reserved += op.nr_children;
            reserved = true;
        }
    }
    spin_unlock(&clone_lock);
    if ( rc )
        goto out;

    /*
     * Create the children, empty and paused: a fork's from the stock
     * first (each taken shell is in shells[], referenced, until the end).
     */
    for ( made = 0; made < op.nr_children; made++ )
    {
        struct domain *stocked = self ? clone_take_stock(parent) : NULL;
        struct domain *child;

        if ( stocked )
        {
            shells[nr_shells++] = stocked;
            nr_from_stock++;
        }
        child = stocked || use_shells
                ? clone_fill_shell(parent, stocked ?: shells[made])
                : clone_create_child(parent);

        if ( IS_ERR(child) )
        {
            /* Not begun: the taken shell is handed back (below). */
            rc = PTR_ERR(child);
            goto out;
        }
        children[made] = child;
        if ( !clone_domain_get(child) ||
             (self && !(child->clone->zombie = xzalloc(struct clone_zombie))) )
        {
            made++;
            rc = -ENOMEM;
            goto out;
        }
        child->clone->from_stock = stocked;
        /* Its tables map the family's frames from the start (arch code). */
        child->clone->family_id = pcd->family_id;
    }

    /* Both parent and children see the list: write it before sharing. */
    for ( i = 0; i < op.nr_children; i++ )
        if ( __copy_to_guest_offset(op.child_list, i,
                                    &children[i]->domain_id, 1) )
        {
            rc = -EFAULT;
            goto out;
        }

    /*
     * A control domain's clone builds its children in chunks (at most one
     * child per chunk): the first chunk here, the others in continuations
     * (clone_clone_continue()). A fork builds them all at once (its own
     * vCPU waits anyway; see docs/clone-design.md).
     */
    args.self = self;
    nr_now = b ? 1 : op.nr_children;
    for ( i = 0; i < nr_now; i++ )
    {
        args.rax = 1 + i;
        rc = arch_clone_child(parent, children[i], &args,
                              b ? &b->res[i] : &res[i], b ? &b->arch : NULL);
        if ( rc == -ERESTART )
            nr_now = 0;     /* the first child is not done yet */
        else if ( rc )
            goto out;
    }
    if ( b && !b->arch && op.nr_children == 1 )
    {
        /* One child, built in one chunk: no continuation. */
        res[0] = b->res[0];
        rc = 0;
    }
    else if ( b )
    {
        for ( i = 0; i < op.nr_children; i++ )
            if ( !get_domain(children[i]) )
                break;
        if ( i < op.nr_children )
        {
            /* Cannot happen: nobody else knows them yet. */
            while ( i-- )
                put_domain(children[i]);
            rc = -ESRCH;
            goto out;
        }
        b->caller = curr;
        b->reserved = reserved;
        b->has_service = has_service;
        b->flags = op.flags;
        b->nr = op.nr_children;
        b->done = nr_now;
        b->nr_shells = nr_shells;
        memcpy(b->children, children, sizeof(children[0]) * b->nr);
        memcpy(b->shells, shells, sizeof(shells[0]) * nr_shells);
        /* Nobody runs them, or the parent, until the call ends. */
        for ( i = 0; i < b->nr; i++ )
            domain_pause(children[i]);
        spin_lock(&clone_lock);
        b->token = ++clone_batch_tokens & (~0U >> CLONE_CONT_SHIFT);
        if ( !b->token )
            b->token = clone_batch_tokens = 1;
        pcd->batch = b;
        pcd->family->nr_joining += b->nr;
        pcd->nr_clone_preempts++;
        spin_unlock(&clone_lock);
        *next = b->token;
        /* The batch holds them now: the parent stays paused, cloning. */
        rcu_unlock_domain(parent);
        xfree(new_family);
        return -ERESTART;
    }

    /* Success: link the family, announce the children. */
    clone_announce(parent, pcd, children, res, op.nr_children, op.flags,
                   self, reserved, wait);
    reserved = false;
    made = 0;

    if ( has_service )
        send_global_virq(VIRQ_CLONED);

 out:
    if ( made || reserved || rc )
    {
        spin_lock(&clone_lock);
        if ( reserved )
            service.reserved -= op.nr_children;
        /* Shells a failed fork took: destroyed, or handed back unused. */
        if ( rc )
            stock.nr_dropped += nr_from_stock;
        pcd->cloning = false;
        spin_unlock(&clone_lock);
    }
    /* Children begun, shells included: a half-made child never survives. */
    if ( b && b->arch )
        arch_clone_child_cancel(children[0], b->arch);
    while ( made-- )
        clone_destroy_child(children[made]);
    while ( nr_shells-- )
        put_domain(shells[nr_shells]);
    if ( paused )
        domain_unpause(parent);
    xfree(new_family);
    xfree(b);
 out_unlock:
    rcu_unlock_domain(parent);
    return rc;
}

/* CLONEOP_exit: the caller ends itself with a status for its parent. */
static long clone_exit(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *d = current->domain;
    struct xen_clone_exit e;
    struct clone_domain *cd;
    long rc;

    if ( copy_from_guest(&e, arg, 1) )
        return -EFAULT;
    if ( e.pad )
        return -EINVAL;

    rc = xsm_clone_op(XSM_OTHER, d, CLONEOP_exit);
    if ( rc )
        return rc;

    cd = clone_domain_get(d);
    if ( !cd )
        return -ENOMEM;

    spin_lock(&clone_lock);
    cd->exited = true;
    cd->exit_status = e.status;
    spin_unlock(&clone_lock);

    return domain_shutdown(d, SHUTDOWN_poweroff);
}

/* CLONEOP_wait: collect one ended child of the caller; never blocks. */
static long clone_wait(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *d = current->domain;
    struct clone_domain *cd = d->clone, *ccd;
    struct clone_zombie *z, *collected = NULL;
    struct xen_clone_wait w;
    long rc;

    if ( copy_from_guest(&w, arg, 1) )
        return -EFAULT;
    if ( w.flags || w.pad )
        return -EINVAL;

    rc = xsm_clone_op(XSM_OTHER, d, CLONEOP_wait);
    if ( rc )
        return rc;

    if ( !cd )
        return -ECHILD;

    rc = -ECHILD;
    spin_lock(&clone_lock);

    /* A live child that has shut down. */
    list_for_each_entry ( ccd, &cd->children, sibling )
    {
        if ( w.child != DOMID_INVALID && ccd->d->domain_id != w.child )
            continue;
        rc = -EAGAIN;
        if ( !ccd->d->is_shut_down )
            continue;

        w.child = ccd->d->domain_id;
        w.flags = ccd->exited ? XEN_CLONE_WAIT_EXITED : 0;
        w.status = ccd->exited ? ccd->exit_status : 0;
        w.reason = ccd->d->shutdown_code;
        list_del_init(&ccd->sibling);
        cd->nr_children--;
        ccd->parent = NULL;
        collected = ccd->zombie;
        ccd->zombie = NULL;
        rc = 0;
        break;
    }

    /* A forked child that is gone. */
    if ( rc )
        list_for_each_entry ( z, &cd->zombies, list )
        {
            if ( w.child != DOMID_INVALID && z->domid != w.child )
                continue;
            w.child = z->domid;
            w.flags = z->flags;
            w.status = z->status;
            w.reason = z->reason;
            list_del(&z->list);
            cd->nr_zombies--;
            collected = z;
            rc = 0;
            break;
        }

    spin_unlock(&clone_lock);
    xfree(collected);

    if ( !rc && __copy_to_guest(arg, &w, 1) )
        rc = -EFAULT;

    return rc;
}

long do_clone_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *curr = current->domain;
    struct clone_domain *cd = curr->clone;
    unsigned int token = 0, next = 0;
    bool wait;
    long rc;

    if ( current->mc_state.flags & MCSF_in_multicall )
        return -EOPNOTSUPP;

    /* The continuation of a fork: the children are complete. */
    if ( cmd == CLONEOP_clone && cd && cd->fork_state != FORK_IDLE )
    {
        spin_lock(&clone_lock);
        if ( cd->fork_state == FORK_DONE )
        {
            cd->fork_state = FORK_IDLE;
            rc = cd->fork_rc;
        }
        else
            rc = -EBUSY; /* Cannot happen: the vCPU is paused. */
        spin_unlock(&clone_lock);
        return rc;
    }

    /* A reset's or clone's continuation carries a token above the sub-op. */
    if ( (cmd & CLONE_CMD_MASK) == CLONEOP_reset ||
         (cmd & CLONE_CMD_MASK) == CLONEOP_clone )
    {
        token = cmd >> CLONE_CONT_SHIFT;
        cmd &= CLONE_CMD_MASK;
    }

    switch ( cmd )
    {
    case CLONEOP_register:
    case CLONEOP_unregister:
        rc = xsm_clone_op(XSM_OTHER, NULL, cmd);
        if ( rc )
            return rc;
        break;

    case CLONEOP_set_policy:
        return clone_set_policy(arg);

    case CLONEOP_get_info:
        return clone_get_info(arg);

    case CLONEOP_exit:
        return clone_exit(arg);

    case CLONEOP_wait:
        return clone_wait(arg);

    case CLONEOP_reset:
    case CLONEOP_complete:
    case CLONEOP_clone:
    case CLONEOP_add_shells:
        break;

    default:
        return -EOPNOTSUPP;
    }

    /* These create or destroy domains: serialise with the domctls. */
    if ( !domctl_lock_acquire() )
        return hypercall_create_continuation(
            __HYPERVISOR_clone_op, "ih", cmd | (token << CLONE_CONT_SHIFT),
            arg);

    if ( cmd == CLONEOP_complete )
        rc = clone_complete(arg);
    else if ( cmd == CLONEOP_reset )
    {
        rc = clone_reset(arg, token, &next);
        /* Give the CPU back between chunks (both domains stay paused). */
        if ( rc == -ERESTART )
            rc = hypercall_create_continuation(
                __HYPERVISOR_clone_op, "ih",
                CLONEOP_reset | (next << CLONE_CONT_SHIFT), arg);
    }
    else if ( cmd == CLONEOP_unregister )
        rc = clone_unregister();
    else if ( cmd == CLONEOP_register )
        rc = clone_register(arg);
    else if ( cmd == CLONEOP_add_shells )
        rc = clone_add_shells(arg);
    else
    {
        rc = clone_clone(arg, token, &wait, &next);
        if ( !rc && wait )
            rc = hypercall_create_continuation(__HYPERVISOR_clone_op, "ih",
                                               cmd, arg);
        /* Give the CPU back between two children. */
        else if ( rc == -ERESTART )
            rc = hypercall_create_continuation(
                __HYPERVISOR_clone_op, "ih",
                CLONEOP_clone | (next << CLONE_CONT_SHIFT), arg);
    }

    domctl_lock_release();

    return rc;
}

/*
 * d is dying: cancel the resets in progress of d and of its children (it
 * is their parent), each between two chunks. Called with the domctl lock
 * held, so no chunk is running.
 */
static void clone_reset_cancel_all(struct domain *d)
{
    struct clone_domain *cd = d->clone, *ccd;

    for ( ; ; )
    {
        struct clone_reset *rs = NULL;
        struct domain *child = NULL;

        spin_lock(&clone_lock);
        if ( cd->reset )
        {
            child = d;
            rs = clone_reset_detach(cd);
        }
        else if ( cd->reset_sources )
            list_for_each_entry ( ccd, &cd->children, sibling )
                if ( ccd->reset )
                {
                    child = ccd->d;
                    rs = clone_reset_detach(ccd);
                    break;
                }
        spin_unlock(&clone_lock);

        if ( !rs )
            break;
        gprintk(XENLOG_INFO, "clone: d%d dies: reset of d%d cancelled\n",
                d->domain_id, child->domain_id);
        clone_reset_release(child, rs, true);
    }
}

void clone_domain_kill(struct domain *d)
{
    struct clone_domain *cd = d->clone, *ccd;
    struct clone_family *gone = NULL;
    struct domain *old_stock[XEN_CLONE_STOCK_MAX];
    unsigned int i, nr_old_stock = 0;
    bool release_service = false, was_stocked = false;

    if ( cd )
    {
        clone_reset_cancel_all(d);
        clone_batch_cancel(d);
    }

    spin_lock(&clone_lock);

    if ( service.owner == d )
        release_service = true;

    /* A stocked shell destroyed by its toolstack leaves the stock. */
    if ( cd && cd->stocked )
        for ( i = 0; i < stock.nr; i++ )
            if ( stock.shell[i] == d )
            {
                stock_remove(i);
                stock.nr_dropped++;
                was_stocked = true;
                break;
            }

    if ( cd )
    {
        /*
         * It leaves its family; the last one out frees it, or its last
         * shared frame does, later (its members' mappings go after this).
         */
        if ( cd->family && !--cd->family->nr_members )
            gone = family_leave(cd->family);
        cd->family = NULL;

        /* A child that dies before completion fails its parent's fork. */
        clone_child_done(cd, -ENOTCONN);

        if ( cd->parent )
        {
            struct clone_zombie *z = cd->zombie;

            /* A forked child leaves its end for its parent to collect. */
            if ( z )
            {
                z->domid = d->domain_id;
                z->flags = XEN_CLONE_WAIT_GONE |
                           (cd->exited ? XEN_CLONE_WAIT_EXITED : 0);
                z->status = cd->exited ? cd->exit_status : 0;
                z->reason = d->is_shut_down ? d->shutdown_code
                                            : XEN_CLONE_WAIT_NO_REASON;
                if ( cd->parent->nr_zombies >= XEN_CLONE_MAX_ZOMBIES )
                {
                    struct clone_zombie *old =
                        list_first_entry(&cd->parent->zombies,
                                         struct clone_zombie, list);

                    list_del(&old->list);
                    xfree(old);
                    cd->parent->nr_zombies--;
                }
                list_add_tail(&z->list, &cd->parent->zombies);
                cd->parent->nr_zombies++;
                cd->zombie = NULL;
            }

            list_del_init(&cd->sibling);
            cd->parent->nr_children--;
            cd->parent = NULL;
        }

        list_for_each_entry ( ccd, &cd->children, sibling )
            ccd->parent = NULL;
        while ( !list_empty(&cd->children) )
            list_del_init(cd->children.next);
        cd->nr_children = 0;
    }

    spin_unlock(&clone_lock);
    xfree(gone);
    if ( was_stocked )
        stock_release(&d, 1);

    if ( release_service )
    {
        /*
         * The service's domain dies: its mappings of the ring go with its
         * page tables, later. Keep the ring as an orphan until then; its
         * pending children wait for a successor, which replays them.
         */
        spin_lock(&clone_lock);
        if ( service.owner == d )
        {
            orphan_ring_reap();
            if ( orphan_ring )
                printk(XENLOG_WARNING "clone: an earlier service's ring is "
                       "still mapped; it is leaked\n");
            orphan_ring = service.ring;
            orphan_order = service.order;
            service.owner = NULL;
            service.ring = NULL;
            /* Its stock goes with its registration. */
            nr_old_stock = stock_detach(old_stock);
        }
        spin_unlock(&clone_lock);
        stock_release(old_stock, nr_old_stock);
    }
}

void clone_domain_destroy(struct domain *d)
{
    struct clone_domain *cd = d->clone;

    /* A dead service's domain unmapped its ring with its page tables. */
    spin_lock(&clone_lock);
    orphan_ring_reap();
    spin_unlock(&clone_lock);

    if ( !cd )
        return;

    /* A domain that was never killed (its creation failed) had no reset. */
    ASSERT(!cd->reset && !cd->reset_sources && !cd->batch);
    d->clone = NULL;
    /* Nobody adds to the list once the domain is dead (clone_domain_kill). */
    while ( !list_empty(&cd->zombies) )
    {
        struct clone_zombie *z = list_first_entry(&cd->zombies,
                                                  struct clone_zombie, list);

        list_del(&z->list);
        xfree(z);
    }
    xfree(cd->zombie);
    xfree(cd->birth_ctxt);
    vfree(cd->was_rw);
    xfree(cd);
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
