/* harness.h: host mock of the Xen primitives xen/common/clone.c uses. */
/*
 * Every hypervisor-internal header xen/common/clone.c (and xen/clone.h)
 * includes is a symlink to this file (see ../Makefile, clone-op.t), so the
 * real clone.c compiles on the host unchanged. Public headers are Xen's
 * own. Domains, pages, guest memory, locks and RCU are small fakes that
 * record misuse (a lock taken twice, a page freed while referenced, an RCU
 * read section left open...) in harness.violations, which the test checks.
 *
 * clone-op-test.c defines HARNESS_IMPL before including this file to get
 * the definitions; clone.c sees the declarations only.
 */
#ifndef CLONE_HARNESS_H
#define CLONE_HARNESS_H

#define CONFIG_CLONE 1
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1 /* struct xen_domctl_createdomain, arch config */
#endif

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/xen.h>
#include <public/domctl.h>
#include <public/sched.h>

/* Compiler and lib.h */
#define BITS_PER_LONG  64
#define ASSERT(p)      assert(p)
#define ASSERT_UNREACHABLE()                                                   \
    harness_violation("ASSERT_UNREACHABLE at %s:%d", __FILE__, __LINE__)
#define BUG_ON(p)      assert(!(p))
#define ACCESS_ONCE(x) (*(volatile typeof(x) *)&(x))
#define read_atomic(p)  ACCESS_ONCE(*(p))
#define barrier()      __asm__ __volatile__("" ::: "memory")
#define smp_wmb()      barrier()
#define smp_rmb()      barrier()
#define smp_mb()       barrier()
#define min(x, y)                                                              \
    ({                                                                         \
        typeof(x) _x = (x);                                                    \
        typeof(y) _y = (y);                                                    \
        (void)(&_x == &_y);                                                    \
        _x < _y ? _x : _y;                                                     \
    })
#define max(x, y)                                                              \
    ({                                                                         \
        typeof(x) _x = (x);                                                    \
        typeof(y) _y = (y);                                                    \
        (void)(&_x == &_y);                                                    \
        _x > _y ? _x : _y;                                                     \
    })
#define XENLOG_ERR     "<0>"
#define XENLOG_WARNING "<1>"
#define XENLOG_INFO    "<2>"
#define XENLOG_G_INFO  "<2>"
#define printk(...)    ((void)0)
#define gprintk(...)   ((void)0)
#define gdprintk(...)  ((void)0)

/* err.h: errors in pointers, as Xen encodes them. */
#define MAX_ERRNO 4095
static inline void *ERR_PTR(long error)
{
    return (void *)error;
}
static inline long PTR_ERR(const void *ptr)
{
    return (long)ptr;
}
static inline bool IS_ERR(const void *ptr)
{
    return (unsigned long)ptr >= (unsigned long)-MAX_ERRNO;
}

/* list.h: a minimal doubly linked list with Xen's names. */
struct list_head {
    struct list_head *next, *prev;
};
#define LIST_POISON1 ((struct list_head *)0x100)
#define LIST_POISON2 ((struct list_head *)0x200)
#define container_of(ptr, type, member)                                        \
    ((type *)((char *)(ptr)-offsetof(type, member)))
#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(head, type, member)                                   \
    list_entry((head)->next, type, member)
#define list_for_each_entry(pos, head, member)                                 \
    for ((pos) = list_entry((head)->next, typeof(*(pos)), member);             \
         &(pos)->member != (head);                                             \
         (pos) = list_entry((pos)->member.next, typeof(*(pos)), member))
static inline void INIT_LIST_HEAD(struct list_head *head)
{
    head->next = head->prev = head;
}
static inline bool list_empty(const struct list_head *head)
{
    return head->next == head;
}
static inline void list_add_tail(struct list_head *item, struct list_head *head)
{
    item->prev = head->prev;
    item->next = head;
    head->prev->next = item;
    head->prev = item;
}
static inline void list_unlink_(struct list_head *item)
{
    item->prev->next = item->next;
    item->next->prev = item->prev;
}
static inline void list_del(struct list_head *item)
{
    list_unlink_(item);
    item->next = LIST_POISON1;
    item->prev = LIST_POISON2;
}
static inline void list_del_init(struct list_head *item)
{
    list_unlink_(item);
    INIT_LIST_HEAD(item);
}

/* mm-frame.h */
typedef struct {
    unsigned long mfn;
} mfn_t;
#define _mfn(x)     ((mfn_t){(x)})
#define INVALID_MFN _mfn(~0UL)
static inline unsigned long mfn_x(mfn_t m)
{
    return m.mfn;
}

/* Everything harness.* counts or can be told to do. */
struct domain;
struct vcpu;
#define HARNESS_NR_PAGES 64
#define HARNESS_MFN_BASE 0x80000UL
#define HARNESS_MAX_LOG  16

struct harness_arch_call {
    struct domain *parent, *child;
    bool self;
    unsigned long rax;
    int parent_pause_count; /* domain_pause() level during the call */
    bool child_has_clone;   /* child->clone existed */
    bool family_tagged;     /* child and parent had the same family id */
    bool locks_held;        /* a spinlock (clone_lock) was held */
    bool domctl_held;       /* the domctl lock was held */
    bool chunked;           /* given a cursor: may stop between chunks */
};

struct harness_state {
    /* Misuse detected by the fakes; the test checks it stays 0. */
    unsigned int violations;
    char log[HARNESS_MAX_LOG][160];

    /* Locks and RCU. */
    int locks_held;
    int rcu_depth;
    bool domctl_held;
    int domctl_busy; /* > 0: domctl_lock_acquire() fails */

    /* Allocation: live xzalloc()s, a countdown to a failing one. */
    long allocs_live;
    int zalloc_fail_in; /* the n-th next xzalloc() fails; 0: none */
    int xenheap_fail;   /* > 0: alloc_xenheap_pages() fails */

    /* Domains. */
    int domain_create_fail_in; /* the n-th next domain_create() fails */
    int vcpu_create_fail_in;   /* the n-th next vcpu_create() fails */
    int kill_restart;          /* domain_kill() says -ERESTART n times */
    unsigned int domains_created, domains_killed, domains_destroyed;
    unsigned int softirq_runs;
    bool shutdown_immediate; /* domain_shutdown() completes at once */

    /* Events, continuations. */
    unsigned int virq_sent[32];
    unsigned int continuations;
    unsigned int cont_op, cont_cmd;
    void *cont_arg;
    char cont_fmt[8];
    unsigned int random_calls;

    /* Arch hooks and grant config. */
    int arch_check_rc;
    bool arch_shell_refused; /* arch_clone_shell_ok() says no */
    unsigned int arch_shell_calls;
    int arch_child_fail_at; /* fail the n-th arch_clone_child (0-based) */
    int arch_child_fail_rc;
    unsigned int arch_child_calls;
    struct harness_arch_call arch_call[70];
    unsigned long arch_share; /* frames each arch_clone_child shares */
    unsigned long arch_shared; /* frames shared so far (charged) */
    int arch_charge_rc;       /* what the last charge returned */
    int arch_reset_rc;
    unsigned int arch_reset_calls;
    struct domain *reset_parent, *reset_child;
    int reset_parent_pause, reset_child_pause;
    /* Builds in chunks (state given): each takes arch_build_chunks more. */
    unsigned int arch_build_chunks;
    int arch_build_fail_chunk;        /* this chunk fails (1-based) */
    unsigned int arch_build_cancels;
    unsigned int builds_live;         /* cursors of builds in chunks */
    unsigned int build_bad_context;   /* a chunk ran without the locks */
    /* Resumable resets: each takes arch_reset_chunks extra chunks. */
    unsigned int arch_reset_chunks;
    unsigned int arch_reset_apply_at; /* from this chunk on, "pass 2" */
    int arch_reset_fail_chunk;        /* this chunk fails (1-based) */
    unsigned int arch_reset_cancels, arch_reset_cancel_crashes;
    unsigned int reset_bad_context;   /* a chunk ran without the locks */
    int gnttab_config_rc;

    /* Hook run by share_xen_page_with_privileged_guests() (races). */
    void (*on_share)(void);

    /* Guest memory that faults: [lo, hi) not readable / not writable. */
    const char *noread_lo, *noread_hi;
    const char *nowrite_lo, *nowrite_hi;
};
extern struct harness_state harness;

void harness_violation(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* spinlock.h: plain flags; taking a held lock is a violation (deadlock). */
typedef struct {
    bool held;
} spinlock_t;
#define DEFINE_SPINLOCK(l) spinlock_t l = {false}
static inline void spin_lock(spinlock_t *l)
{
    if (l->held)
        harness_violation("spin_lock of a held lock (deadlock)");
    l->held = true;
    harness.locks_held++;
}
static inline void spin_unlock(spinlock_t *l)
{
    if (!l->held)
        harness_violation("spin_unlock of a free lock");
    l->held = false;
    harness.locks_held--;
}
static inline bool spin_is_locked(const spinlock_t *l)
{
    return l->held;
}

/* bitops */
static inline void set_bit(int nr, volatile void *addr)
{
    ((volatile unsigned long *)addr)[nr / BITS_PER_LONG] |=
        1UL << (nr % BITS_PER_LONG);
}
static inline bool test_and_clear_bit(int nr, volatile void *addr)
{
    volatile unsigned long *w =
        (volatile unsigned long *)addr + nr / BITS_PER_LONG;
    unsigned long bit = 1UL << (nr % BITS_PER_LONG);
    bool was = *w & bit;

    *w &= ~bit;
    return was;
}

/* sched.h: the fields of struct domain and struct vcpu clone.c uses. */
struct mc_state {
    unsigned long flags;
};
#define _MCSF_in_multicall 0
#define MCSF_in_multicall  (1U << _MCSF_in_multicall)

struct vcpu {
    unsigned int vcpu_id;
    struct domain *domain;
    struct mc_state mc_state;
    int pause_count; /* vcpu_pause_nosync() minus vcpu_unpause() */
};

struct domain {
    domid_t domain_id;
    unsigned int options;
    unsigned int max_vcpus;
    unsigned int max_evtchn_port;
    struct vcpu *vcpu[1];
    bool is_privileged;
    struct domain *target;
    enum { DOMDYING_alive, DOMDYING_dying, DOMDYING_dead } is_dying;
    bool is_shutting_down;
    bool is_shut_down;
    unsigned int shutdown_code;
    struct clone_domain *clone;
    unsigned int max_pages;
    unsigned int tot_pages;
    struct domain *next_in_list;
    unsigned int active_evtchns;

    /* Harness only. */
    int refcnt;
    int pause_count;            /* domain_pause() minus domain_unpause() */
    int controller_pause_count; /* paused by the toolstack at creation */
    unsigned int cpupool_id;
    int32_t max_grant_frames, max_maptrack_frames;
    uint32_t grant_opts, emulation_flags;
    struct xen_domctl_createdomain created; /* domain_create()'s config */
    unsigned int cdf;      /* domain_create()'s CDF_* flags */
    uint32_t label;        /* an XSM label: xsm_clone_child() copies it */
    unsigned int resumes, kills;
};

static inline unsigned long domain_tot_pages(const struct domain *d)
{
    return d->tot_pages;
}

extern struct domain *dom_xen;
extern struct domain *harness_hardware_domain;
extern struct domain *harness_domain_list;
extern struct vcpu *harness_current;
#define current (harness_current)

#define is_system_domain(d)   ((d)->domain_id >= DOMID_FIRST_RESERVED)
#define is_control_domain(d)  ((d)->is_privileged)
#define is_hardware_domain(d) ((d) == harness_hardware_domain)
#define is_iommu_enabled(d)   (!!((d)->options & XEN_DOMCTL_CDF_iommu))
#define for_each_domain(d)                                                     \
    for ((d) = harness_domain_list; (d) != NULL; (d) = (d)->next_in_list)

/* rcupdate.h: a read-side depth counter, checked after every call. */
typedef struct {
    int unused;
} rcu_read_lock_t;
extern rcu_read_lock_t domlist_read_lock;
static inline void rcu_read_lock(rcu_read_lock_t *l)
{
    harness.rcu_depth++;
}
static inline void rcu_read_unlock(rcu_read_lock_t *l)
{
    if (harness.rcu_depth-- <= 0)
        harness_violation("rcu_read_unlock without a read lock");
}

struct domain *rcu_lock_domain_by_id(domid_t dom);
domid_t domid_alloc(void);
struct domain *rcu_lock_domain_by_any_id(domid_t dom);
struct domain *rcu_lock_current_domain(void);
void rcu_unlock_domain(struct domain *d);
bool get_domain(struct domain *d);
struct domain *get_domain_by_id(domid_t dom);
void put_domain(struct domain *d);
void domain_pause(struct domain *d);
void domain_unpause(struct domain *d);
void vcpu_pause_nosync(struct vcpu *v);
void vcpu_unpause(struct vcpu *v);
int domain_kill(struct domain *d);
int domain_shutdown(struct domain *d, uint8_t reason);
void domain_resume(struct domain *d);
struct domain *domain_create(domid_t domid,
                             struct xen_domctl_createdomain *config,
                             unsigned int flags);
struct vcpu *vcpu_create(struct domain *d, unsigned int vcpu_id);
unsigned int cpupool_get_id(const struct domain *d);
void process_pending_softirqs(void);
bool domctl_lock_acquire(void);
void domctl_lock_release(void);
unsigned long hypercall_create_continuation(unsigned int op, const char *format,
                                            ...);
void send_global_virq(uint32_t virq);
unsigned int get_random(void);

/* xmalloc.h, vmap.h */
void *harness_zalloc(size_t size);
void harness_free(void *p);
#define xzalloc(type) ((type *)harness_zalloc(sizeof(type)))
#define xfree(p)      harness_free(p)
#define vfree(p)      harness_free(p)

/* mm.h: a tiny Xen heap backed by a fake frame table. */
#define PAGE_SHIFT      12
#define PAGE_SIZE       (1UL << PAGE_SHIFT)
#define PG_shift(idx)   (BITS_PER_LONG - (idx))
#define PG_mask(x, idx) (x##UL << PG_shift(idx))
#define _PGC_allocated  PG_shift(1)
#define PGC_allocated   PG_mask(1, 1)
#define _PGC_xen_heap   PG_shift(2)
#define PGC_xen_heap    PG_mask(1, 2)
#define PGC_count_mask  ((1UL << PG_shift(9)) - 1)

struct page_info {
    unsigned long count_info;
    struct domain *owner;
    bool allocated; /* harness: in use as a Xen-heap page */
};
enum XENSHARE_flags { SHARE_rw, SHARE_ro };

extern struct page_info harness_frame_table[HARNESS_NR_PAGES];
extern unsigned char harness_heap[HARNESS_NR_PAGES * 4096];

static inline struct page_info *virt_to_page(const void *va)
{
    size_t off = (const unsigned char *)va - harness_heap;

    assert((const unsigned char *)va >= harness_heap &&
           off < sizeof(harness_heap));
    return &harness_frame_table[off >> PAGE_SHIFT];
}
static inline mfn_t page_to_mfn(const struct page_info *pg)
{
    return _mfn(HARNESS_MFN_BASE + (unsigned long)(pg - harness_frame_table));
}
static inline void page_set_owner(struct page_info *pg, struct domain *d)
{
    pg->owner = d;
}
static inline void clear_page(void *va)
{
    memset(va, 0, PAGE_SIZE);
}
static inline unsigned int get_order_from_pages(unsigned long nr)
{
    unsigned int order = 0;

    while ((1UL << order) < nr)
        order++;
    return order;
}
void *alloc_xenheap_pages(unsigned int order, unsigned int memflags);
void free_xenheap_pages(void *va, unsigned int order);
void share_xen_page_with_privileged_guests(struct page_info *pg,
                                           enum XENSHARE_flags flags);
bool get_page(struct page_info *pg, const struct domain *d);
void put_page(struct page_info *pg);
void put_page_alloc_ref(struct page_info *pg);

/* guest_access.h: guest handles are plain pointers here. */
size_t harness_copy_from_guest(void *to, const void *from, size_t len);
size_t harness_copy_to_guest(void *to, const void *from, size_t len);
bool harness_guest_okay(const void *p, size_t len);
#define copy_from_guest(ptr, hnd, nr)                                          \
    ((void)((hnd).p == (ptr)),                                                 \
     harness_copy_from_guest((ptr), (hnd).p, sizeof(*(ptr)) * (nr)))
#define __copy_from_guest copy_from_guest
#define __copy_from_guest_offset(ptr, hnd, off, nr)                            \
    ((void)((hnd).p == (ptr)),                                                 \
     harness_copy_from_guest((ptr), (hnd).p + (off), sizeof(*(ptr)) * (nr)))
#define __copy_to_guest(hnd, ptr, nr)                                          \
    ((void)((hnd).p == (ptr)),                                                 \
     harness_copy_to_guest((hnd).p, (ptr), sizeof(*(ptr)) * (nr)))
#define copy_to_guest __copy_to_guest
#define __copy_to_guest_offset(hnd, off, ptr, nr)                              \
    ((void)((hnd).p == (ptr)),                                                 \
     harness_copy_to_guest((hnd).p + (off), (ptr), sizeof(*(ptr)) * (nr)))
#define guest_handle_okay(hnd, nr)                                             \
    harness_guest_okay((hnd).p, sizeof(*(hnd).p) * (nr))
#define guest_handle_cast(hnd, type)                                           \
    ({                                                                         \
        type *_x = (void *)(hnd).p;                                            \
        (XEN_GUEST_HANDLE_PARAM(type)){_x};                                    \
    })

/* xsm.h: the dummy policy of xen/patches/0004-xen-clone-op-wiring.patch. */
enum xsm_default {
    XSM_HOOK,
    XSM_DM_PRIV,
    XSM_TARGET,
    XSM_XS_PRIV,
    XSM_PRIV,
    XSM_OTHER
};
static inline int harness_xsm_default_action(enum xsm_default action,
                                             struct domain *src,
                                             struct domain *target)
{
    switch (action) {
    case XSM_HOOK:
        return 0;
    case XSM_TARGET:
        if (src == target)
            return 0;
        /* fall through */
    case XSM_DM_PRIV:
        if (target && src->target == target)
            return 0;
        /* fall through */
    case XSM_PRIV:
        return is_control_domain(src) ? 0 : -EPERM;
    default:
        return -EPERM;
    }
}
static inline int xsm_clone_op(enum xsm_default action, struct domain *d,
                               unsigned int cmd)
{
    if (action != XSM_OTHER)
        harness_violation("xsm_clone_op with action %d", action);
    switch (cmd) {
    case 2: /* CLONEOP_clone */
    case 6: /* CLONEOP_get_info */
    case 7: /* CLONEOP_exit */
    case 8: /* CLONEOP_wait */
        if (current->domain == d)
            return 0;
        /* fall through */
    default:
        return harness_xsm_default_action(XSM_PRIV, current->domain, d);
    }
}

/* CDF_clone (xen/patches/0011-xsm-clone-child-label.patch). */
#define CDF_clone (1U << 3)
static inline void xsm_clone_child(enum xsm_default action,
                                   struct domain *parent, struct domain *child)
{
    if (action != XSM_HOOK)
        harness_violation("xsm_clone_child with action %d", action);
    child->label = parent->label;
}

/* hypercall.h */
long do_clone_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) arg);

/* Test helpers over the fakes. */
struct domain *harness_domain_new(domid_t id, bool privileged);
struct domain *harness_find(domid_t id);
unsigned int harness_nr_domains(void);
void harness_rcu_quiesce(void);
struct page_info *harness_mfn_to_page(uint64_t mfn);
void *harness_mfn_to_virt(uint64_t mfn);
unsigned int harness_xenheap_used(void);

#ifdef HARNESS_IMPL

#include <xen/clone.h> /* clone_domain_destroy(), struct clone_args */

struct harness_state harness = {.arch_child_fail_at = -1,
                                .shutdown_immediate = true};
struct domain *dom_xen;
struct domain *harness_hardware_domain;
struct domain *harness_domain_list;
struct vcpu *harness_current;
rcu_read_lock_t domlist_read_lock;
struct page_info harness_frame_table[HARNESS_NR_PAGES];
unsigned char harness_heap[HARNESS_NR_PAGES * 4096]
    __attribute__((aligned(4096)));
static struct domain *harness_graveyard[256];
static unsigned int harness_nr_graveyard;
static unsigned int harness_random_state = 12345;

void harness_violation(const char *fmt, ...)
{
    va_list ap;
    char *slot = harness.log[harness.violations % HARNESS_MAX_LOG];

    va_start(ap, fmt);
    vsnprintf(slot, sizeof(harness.log[0]), fmt, ap);
    va_end(ap);
    printf("# harness: %s\n", slot);
    harness.violations++;
}

void *harness_zalloc(size_t size)
{
    void *p;

    if (harness.zalloc_fail_in && !--harness.zalloc_fail_in)
        return NULL;
    p = calloc(1, size);
    if (p)
        harness.allocs_live++;
    return p;
}

void harness_free(void *p)
{
    if (!p)
        return;
    harness.allocs_live--;
    free(p);
}

/* Domains: a list sorted by domid, as Xen's domain_list. */
static void harness_link(struct domain *d)
{
    struct domain **pp = &harness_domain_list;

    while (*pp && (*pp)->domain_id < d->domain_id)
        pp = &(*pp)->next_in_list;
    d->next_in_list = *pp;
    *pp = d;
}

static void harness_unlink(struct domain *d)
{
    struct domain **pp = &harness_domain_list;

    while (*pp && *pp != d)
        pp = &(*pp)->next_in_list;
    if (*pp)
        *pp = d->next_in_list;
    d->next_in_list = NULL;
}

struct domain *harness_find(domid_t id)
{
    struct domain *d;

    for_each_domain(d)
    {
        if (d->domain_id == id)
            return d;
    }
    return NULL;
}

unsigned int harness_nr_domains(void)
{
    struct domain *d;
    unsigned int n = 0;

    for_each_domain(d)
    {
        n++;
    }
    return n;
}

static struct vcpu *harness_vcpu_alloc(struct domain *d, unsigned int id)
{
    struct vcpu *v = calloc(1, sizeof(*v));

    assert(v);
    v->vcpu_id = id;
    v->domain = d;
    d->vcpu[id] = v;
    return v;
}

struct domain *harness_domain_new(domid_t id, bool privileged)
{
    struct domain *d = calloc(1, sizeof(*d));

    assert(d && !harness_find(id));
    d->domain_id = id;
    d->is_privileged = privileged;
    d->refcnt = 1;
    d->max_vcpus = 1;
    d->max_evtchn_port = 1023;
    d->cpupool_id = 0;
    d->max_grant_frames = 32;
    d->max_maptrack_frames = 1024;
    d->grant_opts = 1;
    d->shutdown_code = ~0U;
    harness_vcpu_alloc(d, 0);
    if (id < DOMID_FIRST_RESERVED)
        harness_link(d);
    return d;
}

/* Upstream's allocator (patch 0009: common/domctl.c), on the fake list. */
domid_t domid_alloc(void)
{
    static domid_t rover;
    domid_t dom;

    if (!harness.domctl_held)
        harness_violation("domid_alloc() without the domctl lock");
    for (dom = rover + 1; dom != rover; dom++) {
        if (dom == DOMID_FIRST_RESERVED)
            dom = 1;
        if (!harness_find(dom))
            break;
    }
    if (dom == rover)
        return DOMID_INVALID;
    rover = dom;
    return dom;
}

struct domain *rcu_lock_domain_by_id(domid_t dom)
{
    struct domain *d = harness_find(dom);

    if (d)
        harness.rcu_depth++;
    return d;
}

struct domain *rcu_lock_current_domain(void)
{
    harness.rcu_depth++;
    return current->domain;
}

struct domain *rcu_lock_domain_by_any_id(domid_t dom)
{
    return dom == DOMID_SELF ? rcu_lock_current_domain()
                             : rcu_lock_domain_by_id(dom);
}

void rcu_unlock_domain(struct domain *d)
{
    rcu_read_unlock(&domlist_read_lock);
}

bool get_domain(struct domain *d)
{
    if (d->refcnt <= 0)
        return false;
    d->refcnt++;
    return true;
}

struct domain *get_domain_by_id(domid_t dom)
{
    struct domain *d = harness_find(dom);

    return d && get_domain(d) ? d : NULL;
}

/* The last reference gone: off the list; destroyed after RCU (quiesce). */
void put_domain(struct domain *d)
{
    if (d->refcnt <= 0) {
        harness_violation("put_domain(d%u) without a reference", d->domain_id);
        return;
    }
    if (--d->refcnt)
        return;
    harness_unlink(d);
    assert(harness_nr_graveyard < 256);
    harness_graveyard[harness_nr_graveyard++] = d;
}

/* complete_domain_destroy(): clone_domain_destroy() as the patch does. */
void harness_rcu_quiesce(void)
{
    if (harness.rcu_depth)
        harness_violation("quiesce inside an RCU read section");
    while (harness_nr_graveyard) {
        struct domain *d = harness_graveyard[--harness_nr_graveyard];

        clone_domain_destroy(d);
        if (d->clone)
            harness_violation("d%u: clone state left after destroy",
                              d->domain_id);
        free(d->vcpu[0]);
        free(d);
        harness.domains_destroyed++;
    }
}

void domain_pause(struct domain *d)
{
    if (d == current->domain)
        harness_violation("domain_pause(d%u) of the caller", d->domain_id);
    d->pause_count++;
}

void domain_unpause(struct domain *d)
{
    if (--d->pause_count < 0)
        harness_violation("domain_unpause(d%u) not paused", d->domain_id);
}

void vcpu_pause_nosync(struct vcpu *v)
{
    v->pause_count++;
}

void vcpu_unpause(struct vcpu *v)
{
    if (--v->pause_count < 0)
        harness_violation("vcpu_unpause(d%u) not paused", v->domain->domain_id);
}

/* domain_kill() as patched: clone_domain_kill() when it starts dying. */
int domain_kill(struct domain *d)
{
    if (harness.locks_held)
        harness_violation("domain_kill(d%u) under a spinlock", d->domain_id);
    if (!harness.domctl_held)
        harness_violation("domain_kill(d%u) without the domctl lock",
                          d->domain_id);
    if (d == current->domain)
        harness_violation("domain_kill(d%u) of the caller", d->domain_id);
    if (harness.kill_restart > 0) {
        harness.kill_restart--;
        return -ERESTART;
    }
    if (d->is_dying != DOMDYING_alive)
        return 0;
    d->is_dying = DOMDYING_dying;
    d->kills++;
    clone_domain_kill(d);
    d->is_dying = DOMDYING_dead;
    harness.domains_killed++;
    put_domain(d);
    send_global_virq(VIRQ_DOM_EXC);
    return 0;
}

int domain_shutdown(struct domain *d, uint8_t reason)
{
    if (!d->is_shutting_down) {
        d->is_shutting_down = true;
        d->shutdown_code = reason;
    }
    if (harness.shutdown_immediate)
        d->is_shut_down = true;
    return 0;
}

void domain_resume(struct domain *d)
{
    d->is_shutting_down = d->is_shut_down = false;
    d->shutdown_code = ~0U;
    d->resumes++;
}

struct domain *domain_create(domid_t domid,
                             struct xen_domctl_createdomain *config,
                             unsigned int flags)
{
    struct domain *d;

    if (harness.locks_held)
        harness_violation("domain_create(d%u) under a spinlock", domid);
    if (harness.domain_create_fail_in && !--harness.domain_create_fail_in)
        return ERR_PTR(-ENOMEM);
    if (harness_find(domid))
        return ERR_PTR(-EEXIST);
    d = calloc(1, sizeof(*d));
    assert(d);
    d->domain_id = domid;
    d->refcnt = 1;
    d->options = config->flags;
    d->max_vcpus = config->max_vcpus;
    d->max_evtchn_port = config->max_evtchn_port;
    d->cpupool_id = config->cpupool_id;
    d->max_grant_frames = config->max_grant_frames;
    d->max_maptrack_frames = config->max_maptrack_frames;
    d->grant_opts = config->grant_opts;
    d->emulation_flags = config->arch.emulation_flags;
    d->created = *config;
    d->cdf = flags;
    d->controller_pause_count = 1;
    d->shutdown_code = ~0U;
    harness_link(d);
    harness.domains_created++;
    return d;
}

struct vcpu *vcpu_create(struct domain *d, unsigned int vcpu_id)
{
    if (harness.vcpu_create_fail_in && !--harness.vcpu_create_fail_in)
        return NULL;
    assert(vcpu_id == 0 && !d->vcpu[0]);
    return harness_vcpu_alloc(d, vcpu_id);
}

unsigned int cpupool_get_id(const struct domain *d)
{
    return d->cpupool_id;
}

void process_pending_softirqs(void)
{
    harness.softirq_runs++;
}

bool domctl_lock_acquire(void)
{
    if (harness.domctl_busy > 0) {
        harness.domctl_busy--;
        return false;
    }
    if (harness.domctl_held)
        harness_violation("domctl lock taken twice");
    harness.domctl_held = true;
    return true;
}

void domctl_lock_release(void)
{
    if (!harness.domctl_held)
        harness_violation("domctl lock released but not held");
    harness.domctl_held = false;
}

unsigned long hypercall_create_continuation(unsigned int op, const char *format,
                                            ...)
{
    va_list ap;

    va_start(ap, format);
    harness.cont_cmd = va_arg(ap, unsigned int);
    harness.cont_arg = va_arg(ap, __guest_handle_void).p;
    va_end(ap);
    harness.continuations++;
    harness.cont_op = op;
    snprintf(harness.cont_fmt, sizeof(harness.cont_fmt), "%s", format);
    return op;
}

void send_global_virq(uint32_t virq)
{
    assert(virq < 32);
    harness.virq_sent[virq]++;
}

unsigned int get_random(void)
{
    harness.random_calls++;
    harness_random_state = harness_random_state * 1103515245U + 12345U;
    return harness_random_state;
}

/* Grant table and arch hooks: controlled by harness.*. */
int gnttab_clone_config(const struct domain *d, int32_t *max_grant_frames,
                        int32_t *max_maptrack_frames, uint32_t *grant_opts)
{
    if (harness.gnttab_config_rc)
        return harness.gnttab_config_rc;
    *max_grant_frames = d->max_grant_frames;
    *max_maptrack_frames = d->max_maptrack_frames;
    *grant_opts = d->grant_opts;
    return 0;
}

void arch_clone_domain_config(const struct domain *parent,
                              struct xen_arch_domainconfig *config)
{
    config->emulation_flags = parent->emulation_flags;
}

int arch_clone_check(struct domain *parent)
{
    return harness.arch_check_rc;
}

bool arch_clone_shell_ok(const struct domain *parent, struct domain *shell)
{
    harness.arch_shell_calls++;
    /* As the real one: a shell with memory is no shell. */
    return !harness.arch_shell_refused && !shell->tot_pages;
}

/* The arch cursor of a build in chunks: chunks done, frames reserved. */
struct harness_build_state {
    unsigned int chunks;
    unsigned long reserved;
    struct domain *parent;
};

static void harness_build_free(struct harness_build_state *s)
{
    clone_family_uncharge(s->parent->clone->family_id, s->reserved);
    harness.builds_live--;
    harness_free(s);
}

int arch_clone_child(struct domain *parent, struct domain *child,
                     const struct clone_args *args, struct clone_result *res,
                     void **state)
{
    unsigned int n = harness.arch_child_calls++;
    struct harness_arch_call *c = &harness.arch_call[n < 70 ? n : 69];
    struct harness_build_state *s = state ? *state : NULL;

    c->parent = parent;
    c->child = child;
    c->self = args->self;
    c->rax = args->rax;
    c->parent_pause_count = parent->pause_count;
    c->child_has_clone = child->clone != NULL;
    c->family_tagged = child->clone && parent->clone &&
                       parent->clone->family_id &&
                       child->clone->family_id == parent->clone->family_id;
    c->locks_held = harness.locks_held != 0;
    c->domctl_held = harness.domctl_held;
    c->chunked = state != NULL;
    child->max_pages = parent->max_pages; /* as the x86 code does first */
    /* A continued build: both stay paused (the child from the batch on). */
    if (state && (!harness.domctl_held || harness.locks_held ||
                  harness.rcu_depth > 1 || parent->pause_count < 1 ||
                  (s && child->pause_count < 1)))
        harness.build_bad_context++;
    if (s || (state && harness.arch_build_chunks)) {
        /* As the x86 code: reserve in the first chunk, share in the last. */
        if (!s) {
            s = harness_zalloc(sizeof(*s));
            if (!s)
                return -ENOMEM;
            s->parent = parent;
            *state = s;
            harness.builds_live++;
            if (harness.arch_share) {
                harness.arch_charge_rc =
                    clone_family_charge(parent->clone, harness.arch_share);
                if (harness.arch_charge_rc) {
                    harness_build_free(s);
                    *state = NULL;
                    return harness.arch_charge_rc;
                }
                s->reserved = harness.arch_share;
            }
        }
        s->chunks++;
        if ((int)s->chunks == harness.arch_build_fail_chunk ||
            (int)n == harness.arch_child_fail_at) {
            /* A chunk that fails frees its state, like the x86 code. */
            harness_build_free(s);
            *state = NULL;
            return (int)n == harness.arch_child_fail_at
                       ? harness.arch_child_fail_rc
                       : -ENOMEM;
        }
        if (s->chunks <= harness.arch_build_chunks)
            return -ERESTART;
        harness.arch_shared += s->reserved;
        s->reserved = 0;
        harness_build_free(s);
        *state = NULL;
        res->store_mfn = 0x100000UL + child->domain_id;
        res->console_mfn = 0x200000UL + child->domain_id;
        return 0;
    }
    if ((int)n == harness.arch_child_fail_at)
        return harness.arch_child_fail_rc;
    /* Sharing, as the x86 code does it: reserve first, then share. */
    if (harness.arch_share) {
        harness.arch_charge_rc =
            clone_family_charge(parent->clone, harness.arch_share);
        if (harness.arch_charge_rc)
            return harness.arch_charge_rc;
        harness.arch_shared += harness.arch_share;
    }
    res->store_mfn = 0x100000UL + child->domain_id;
    res->console_mfn = 0x200000UL + child->domain_id;
    return 0;
}

void arch_clone_child_cancel(struct domain *child, void *state)
{
    harness.arch_build_cancels++;
    if (harness.locks_held)
        harness_violation("build of d%u cancelled under a spinlock",
                          child->domain_id);
    harness_build_free(state);
}

/* The arch cursor of a reset in the harness: chunks done so far. */
struct harness_reset_state {
    unsigned int chunks;
};

int arch_clone_reset(struct domain *parent, struct domain *child,
                     void **state)
{
    struct harness_reset_state *s = *state;

    harness.arch_reset_calls++;
    harness.reset_parent = parent;
    harness.reset_child = child;
    harness.reset_parent_pause = parent->pause_count;
    harness.reset_child_pause = child->pause_count;
    if (!harness.domctl_held || harness.locks_held || harness.rcu_depth > 1 ||
        parent->pause_count < 1 || child->pause_count < 1)
        harness.reset_bad_context++;
    if (!s && harness.arch_reset_chunks) {
        s = harness_zalloc(sizeof(*s));
        if (!s)
            return -ENOMEM;
        *state = s;
    }
    if (s) {
        s->chunks++;
        if ((int)s->chunks == harness.arch_reset_fail_chunk) {
            /* As the x86 code: a chunk that fails frees its state. */
            if (harness.arch_reset_apply_at &&
                s->chunks >= harness.arch_reset_apply_at)
                domain_shutdown(child, SHUTDOWN_crash);
            harness_free(s);
            *state = NULL;
            return -EBUSY;
        }
        if (s->chunks <= harness.arch_reset_chunks)
            return -ERESTART;
        harness_free(s);
        *state = NULL;
    }
    return harness.arch_reset_rc;
}

void arch_clone_reset_cancel(struct domain *child, void *state)
{
    struct harness_reset_state *s = state;

    harness.arch_reset_cancels++;
    if (harness.locks_held)
        harness_violation("reset of d%u cancelled under a spinlock",
                          child->domain_id);
    if (harness.arch_reset_apply_at &&
        s->chunks >= harness.arch_reset_apply_at &&
        child->is_dying == DOMDYING_alive) {
        harness.arch_reset_cancel_crashes++;
        domain_shutdown(child, SHUTDOWN_crash);
    }
    harness_free(s);
}

/* The Xen heap. */
void *alloc_xenheap_pages(unsigned int order, unsigned int memflags)
{
    unsigned int n = 1U << order, i, j;

    if (harness.xenheap_fail > 0) {
        harness.xenheap_fail--;
        return NULL;
    }
    for (i = 0; i + n <= HARNESS_NR_PAGES; i += n) {
        for (j = 0; j < n && !harness_frame_table[i + j].allocated; j++)
            ;
        if (j < n)
            continue;
        for (j = 0; j < n; j++) {
            harness_frame_table[i + j].allocated = true;
            harness_frame_table[i + j].count_info = PGC_xen_heap;
            harness_frame_table[i + j].owner = NULL;
        }
        memset(&harness_heap[i * PAGE_SIZE], 0xa5, n * PAGE_SIZE);
        return &harness_heap[i * PAGE_SIZE];
    }
    return NULL;
}

void free_xenheap_pages(void *va, unsigned int order)
{
    struct page_info *pg = virt_to_page(va);
    unsigned int i;

    for (i = 0; i < (1U << order); i++) {
        if (!pg[i].allocated)
            harness_violation("xenheap page %u freed twice",
                              (unsigned int)(pg + i - harness_frame_table));
        if (pg[i].count_info & ~PGC_xen_heap)
            harness_violation("xenheap page %u freed with count_info %#lx",
                              (unsigned int)(pg + i - harness_frame_table),
                              pg[i].count_info);
        pg[i].allocated = false;
        pg[i].count_info = 0;
        pg[i].owner = NULL;
    }
}

unsigned int harness_xenheap_used(void)
{
    unsigned int i, n = 0;

    for (i = 0; i < HARNESS_NR_PAGES; i++)
        n += harness_frame_table[i].allocated;
    return n;
}

/* share_xen_page_with_guest(pg, dom_xen): owner, PGC_allocated | 1. */
void share_xen_page_with_privileged_guests(struct page_info *pg,
                                           enum XENSHARE_flags flags)
{
    void (*hook)(void) = harness.on_share;

    if (hook) {
        harness.on_share = NULL;
        hook();
    }
    if (!pg->allocated)
        harness_violation("free xenheap page %u shared",
                          (unsigned int)(pg - harness_frame_table));
    if (pg->count_info & ~PGC_xen_heap)
        harness_violation("page %u shared with count_info %#lx",
                          (unsigned int)(pg - harness_frame_table),
                          pg->count_info);
    page_set_owner(pg, dom_xen);
    pg->count_info |= PGC_allocated | 1;
}

bool get_page(struct page_info *pg, const struct domain *d)
{
    unsigned long count = pg->count_info & PGC_count_mask;

    if (!pg->allocated || !count || pg->owner != d)
        return false;
    pg->count_info++;
    return true;
}

void put_page(struct page_info *pg)
{
    if (!(pg->count_info & PGC_count_mask)) {
        harness_violation("put_page of page %u with no reference",
                          (unsigned int)(pg - harness_frame_table));
        return;
    }
    pg->count_info--;
}

void put_page_alloc_ref(struct page_info *pg)
{
    if (test_and_clear_bit(_PGC_allocated, &pg->count_info))
        put_page(pg);
}

struct page_info *harness_mfn_to_page(uint64_t mfn)
{
    if (mfn < HARNESS_MFN_BASE || mfn >= HARNESS_MFN_BASE + HARNESS_NR_PAGES)
        return NULL;
    return &harness_frame_table[mfn - HARNESS_MFN_BASE];
}

void *harness_mfn_to_virt(uint64_t mfn)
{
    assert(harness_mfn_to_page(mfn));
    return &harness_heap[(mfn - HARNESS_MFN_BASE) * PAGE_SIZE];
}

/* Guest memory: any pointer but NULL and the test's faulting ranges. */
static bool harness_overlaps(const void *p, size_t len, const char *lo,
                             const char *hi)
{
    const char *c = p;

    return lo && c < hi && c + len > lo;
}

size_t harness_copy_from_guest(void *to, const void *from, size_t len)
{
    if (!from ||
        harness_overlaps(from, len, harness.noread_lo, harness.noread_hi))
        return len;
    memcpy(to, from, len);
    return 0;
}

size_t harness_copy_to_guest(void *to, const void *from, size_t len)
{
    if (!to ||
        harness_overlaps(to, len, harness.nowrite_lo, harness.nowrite_hi))
        return len;
    memcpy(to, from, len);
    return 0;
}

bool harness_guest_okay(const void *p, size_t len)
{
    return p != NULL;
}

#endif /* HARNESS_IMPL */

#endif /* CLONE_HARNESS_H */
