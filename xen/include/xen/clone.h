/* SPDX-License-Identifier: GPL-2.0-only */
/* clone.h: hypervisor-internal interface of the clone_op implementation. */
#ifndef __XEN_CLONE_H__
#define __XEN_CLONE_H__

#include <xen/list.h>
#include <xen/mm-frame.h>
#include <xen/types.h>
#include <public/clone.h>

struct domain;
struct page_info;
struct cpu_user_regs;
struct vcpu_guest_context;

#ifdef CONFIG_CLONE

/*
 * A family: an original domain and every clone made from it, directly or
 * not. Made when the original is first cloned; freed once its last member
 * is killed and the last frame it shares is freed. nr_members is
 * protected by clone_lock, the rest by clone_acct_lock (common/clone.c).
 */
struct clone_family {
    uint64_t id;                    /* never reused; tags shared frames */
    unsigned int nr_members;        /* live domains, the original included */
    unsigned int nr_joining;        /* children of clones between chunks */
    bool gone;                      /* no member left */
    unsigned long nr_shared;        /* dom_cow frames tagged with id, and
                                       frames a running clone reserved */
    struct clone_family *hash_next; /* families by id */
};

/* Per-domain clone state (d->clone), allocated on first use. */
struct clone_domain {
    struct domain *d;

    /* Policy, set by the control domain; inherited by children. */
    bool enabled;
    unsigned int max_clones;
    unsigned int max_family;        /* live members of its family */
    unsigned int max_depth;         /* generations below the original */
    uint64_t max_shared;            /* frames its family shares, 0: default */
    struct clone_family *family;    /* NULL until it or its parent clones */
    uint64_t family_id;             /* its family's id, kept until freed */

    /* Family, protected by clone_lock (common/clone.c). */
    unsigned int generation;
    domid_t parent_id;              /* DOMID_INVALID if none */
    struct clone_domain *parent;    /* NULL once the parent is dying */
    struct list_head children;
    struct list_head sibling;
    unsigned int nr_children;       /* live direct children */
    bool pending;                   /* awaiting CLONEOP_complete */
    bool fork_child;                /* its parent's fork waits for it */

    /*
     * A pending child announced to the clone service: what it was told,
     * to tell a successor again if that service dies (the id aside).
     */
    bool announced;
    bool lost;                      /* no room in a successor's ring */
    struct xen_clone_notification note;

    /* A self-cloning parent: its fork waits for fork_waiting children. */
    enum { FORK_IDLE, FORK_WAIT, FORK_DONE } fork_state;
    unsigned int fork_waiting;
    int fork_rc;
    bool cloning;                   /* a clone of this domain is running */

    /* How a child ends, for its parent's CLONEOP_wait. */
    bool forked;                    /* made by its parent's own clone */
    bool exited;                    /* it called CLONEOP_exit */
    int exit_status;
    struct clone_zombie *zombie;    /* its end record, once it is gone */

    /* A parent: forked children that are gone and not yet collected. */
    struct list_head zombies;
    unsigned int nr_zombies;

    /*
     * Memory (arch code). was_rw: PFNs that were mapped writable when
     * they became shared; a write fault on them copies the page.
     */
    unsigned long *was_rw;
    unsigned long nr_pfns;
    unsigned long nr_cow_faults;
    unsigned long nr_copied_pages;

    /*
     * Where the toolstack put start_info (vCPU 0's first %rsi), inherited
     * by children; 0 if unknown. Each clone gets a private start_info.
     */
    unsigned long start_info_va;

    /*
     * A child: its vCPU at birth, and the PFNs of its own pages whose
     * content differs from its parent's, for CLONEOP_reset.
     */
    struct vcpu_guest_context *birth_ctxt;
    unsigned long own_pfn[3];       /* console, xenstore, start_info */
    unsigned long nr_resets;
    unsigned long nr_reset_preempts; /* continuations of its resets */

    /*
     * A reset in progress across hypercall continuations (common/clone.c):
     * set on the child while it is reset; reset_sources counts the resets
     * in progress whose parent this domain is. Both under clone_lock.
     */
    struct clone_reset *reset;
    unsigned int reset_sources;

    /*
     * A shell in Xen's stock (CLONEOP_add_shells), holding a reference
     * and a pause of the stock's; a child that was one (announced with
     * XEN_CLONE_NOTIFY_STOCK). Both under clone_lock.
     */
    bool stocked;
    bool from_stock;

    /* A Dom0 clone of it between two children (common/clone.c). */
    struct clone_batch *batch;
    unsigned long nr_clone_preempts; /* continuations of its clones */
};

/*
 * A CLONEOP_reset between two chunks: the child and the parent stay
 * paused (one pause reference each, held here) and the parent referenced
 * until it finishes, fails, is abandoned or either domain dies.
 */
struct clone_reset {
    struct domain *parent;          /* referenced and paused */
    struct domain *caller;          /* the domain whose call continues it */
    unsigned int token;             /* in the continuation's cmd, never 0 */
    bool poked;                     /* another call found it, -EBUSY */
    void *arch;                     /* the arch code's cursor */
};

/* The end of a forked child that is gone, kept for its parent. */
struct clone_zombie {
    struct list_head list;
    domid_t domid;
    uint16_t flags;                 /* XEN_CLONE_WAIT_* */
    int32_t status;
    uint32_t reason;
};

/* What the arch code needs to build one child. */
struct clone_args {
    bool self;                      /* guest-initiated: regs is live */
    unsigned long rax;              /* child's hypercall return (self) */
};

/* What the arch code reports about one child. */
struct clone_result {
    uint64_t store_mfn;
    uint64_t console_mfn;
};

/* Grant table helpers (common/grant_table.c). */
int gnttab_clone_config(const struct domain *d, int32_t *max_grant_frames,
                        int32_t *max_maptrack_frames, uint32_t *grant_opts);
void gnttab_clone_for_each_granted(struct domain *p,
                                   void (*fn)(void *ctx, mfn_t mfn),
                                   void *ctx);
int gnttab_clone(struct domain *p, struct domain *c,
                 mfn_t (*xlat)(void *ctx, mfn_t mfn), void *ctx,
                 uint64_t *ref0, uint64_t *ref1);
int gnttab_clone_frame_index(struct domain *d, mfn_t mfn);
mfn_t gnttab_clone_frame_mfn(struct domain *d, unsigned int i);
bool gnttab_clone_has_maps(struct domain *d);

/*
 * May page tables whose frames belong to d map pg, a frame a clone family
 * shares (owned by dom_cow)? Only d's own family's (arch/x86/pv/clone.c).
 */
bool clone_may_map_shared(const struct domain *d, const struct page_info *pg);

/*
 * The frames a family shares are charged to it (common/clone.c). A clone
 * reserves the frames it is about to share, against the parent's
 * max_shared: 0, or -ENOSPC (nothing reserved). What it reserved and did
 * not share, and every frame tagged with the family when Xen frees it
 * (clone_shared_frame_freed(), arch code), is uncharged by id.
 */
int clone_family_charge(struct clone_domain *cd, unsigned long nr);
void clone_family_uncharge(uint64_t family_id, unsigned long nr);
/* A dom_cow frame is being freed (common/page_alloc.c). */
void clone_shared_frame_freed(struct page_info *pg);

/* Event channel helper (common/event_channel.c). */
int evtchn_clone(struct domain *p, struct domain *c);

void clone_domain_kill(struct domain *d);
void clone_domain_destroy(struct domain *d);
struct clone_domain *clone_domain_get(struct domain *d);
void clone_note_start_info(struct domain *d, unsigned long va);

/* Arch hooks (arch/x86/pv/clone.c). */
struct xen_arch_domainconfig;
void arch_clone_domain_config(const struct domain *parent,
                              struct xen_arch_domainconfig *config);
int arch_clone_check(struct domain *parent);
/* Is shell empty, never run and of parent's arch shape (FLAG_SHELLS)? */
bool arch_clone_shell_ok(const struct domain *parent, struct domain *shell);
/*
 * Build child as a copy of parent (paused, or the caller itself for a
 * fork). state NULL: in one go. Else in chunks: 0 (done), -ERESTART (call
 * again with the same *state; the caller may give the CPU back in between,
 * the parent staying paused), or an error (the caller destroys the child).
 * *state is NULL on the first call and after 0 or an error.
 * arch_clone_child_cancel() frees a build that will never be continued
 * (the caller destroys the half-built child).
 */
int arch_clone_child(struct domain *parent, struct domain *child,
                     const struct clone_args *args, struct clone_result *res,
                     void **state);
void arch_clone_child_cancel(struct domain *child, void *state);
int arch_clone_cow_fault(unsigned long addr, struct cpu_user_regs *regs);
/*
 * One chunk of a reset, both domains paused: 0 (done), -ERESTART (call
 * again with the same *state: the arch code keeps its cursor there, and
 * the caller may give the CPU back in between), or an error (the child is
 * crashed if it was changed). *state is NULL on the first call and after
 * 0 or an error. arch_clone_reset_cancel() frees a cursor that will never
 * be continued, crashing the child if it is half reset.
 */
int arch_clone_reset(struct domain *parent, struct domain *child,
                     void **state);
void arch_clone_reset_cancel(struct domain *child, void *state);

#else

static inline void clone_domain_kill(struct domain *d) {}
static inline void clone_shared_frame_freed(struct page_info *pg) {}
static inline void clone_domain_destroy(struct domain *d) {}
static inline void clone_note_start_info(struct domain *d,
                                         unsigned long va) {}

#endif /* CONFIG_CLONE */

#endif /* __XEN_CLONE_H__ */
