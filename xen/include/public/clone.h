/* SPDX-License-Identifier: MIT */
/*
 * clone.h: the clone_op hypercall: copy-on-write cloning of 64-bit PV domains.
 *
 * Interface summary (see docs/clone-design.md for the full design):
 *
 *  - A Dom0 clone service registers a notification ring (CLONEOP_register),
 *    binds VIRQ_CLONED, and for every new child finishes the child's I/O
 *    set-up, then reports it (CLONEOP_complete) and unpauses it.
 *  - A domain is cloned by itself (fork: parent == DOMID_SELF) or by the
 *    control domain (CLONEOP_clone). Children share the parent's memory
 *    copy-on-write.
 *  - Cloning a domain needs its clone policy enabled (CLONEOP_set_policy,
 *    control domain only; default: disabled).
 *
 * The interface exists for 64-bit PV callers only (the hypercall is not
 * wired for 32-bit PV or HVM guests). Every structure below has explicit
 * padding and the same layout for guests, Xen and the tools. Padding fields
 * must be zero on input (else -EINVAL) and are zero on output.
 *
 * Annotations: IN = read by Xen, OUT = written by Xen, IN/OUT = both.
 */

#ifndef __XEN_PUBLIC_CLONE_H__
#define __XEN_PUBLIC_CLONE_H__

#include "xen.h"

/* Version of this interface; CLONEOP_register checks it. */
#define XEN_CLONE_INTERFACE_VERSION 0x00000006

/* Also in xen.h; repeated for guests built against an older xen.h. */
#ifndef __HYPERVISOR_clone_op
#define __HYPERVISOR_clone_op 47
#endif
#ifndef VIRQ_CLONED
#define VIRQ_CLONED 15
#endif

/*
 * long clone_op(unsigned int cmd, void *arg)
 *
 * Errors common to every sub-op: -EFAULT (arg not readable/writable),
 * -EINVAL (bad field, non-zero padding, unknown cmd: -EOPNOTSUPP),
 * -EPERM (caller not allowed), -ESRCH (no such domain).
 * Calling clone_op from a multicall returns -EOPNOTSUPP.
 */

/* Maximum number of ring frames and of children per CLONEOP_clone. */
#define XEN_CLONE_RING_MAX_FRAMES 8
#define XEN_CLONE_MAX_BATCH       64

/*
 * CLONEOP_register: the control domain's clone service registers.
 * Xen allocates a notification ring of nr_frames Xen-heap pages, shares
 * them with privileged domains and returns their MFNs; the service maps
 * them read/write as foreign frames of DOMID_XEN and binds VIRQ_CLONED
 * itself. Only one service at a time: -EBUSY if one is registered.
 * The ring starts empty (prod == cons == 0). A service counts as live
 * only while its ring is mapped: one that died (its mappings are gone)
 * is treated as absent by CLONEOP_clone and CLONEOP_get_info.
 *
 * A new registration takes over from a service that died: its ring is
 * freed, and every child announced to it and still awaiting completion
 * is announced again on the new ring, with XEN_CLONE_NOTIFY_REPLAY (its
 * forking parent goes on waiting meanwhile). Children that do not fit
 * in the new ring are destroyed, their parent's fork returning -ENOSPC.
 * -EBUSY while the old ring is still mapped, or while a clone is posting.
 */
#define CLONEOP_register    0
struct xen_clone_register {
    uint32_t version;           /* IN: XEN_CLONE_INTERFACE_VERSION */
    uint32_t nr_frames;         /* IN: 1..XEN_CLONE_RING_MAX_FRAMES */
    uint64_t frames[XEN_CLONE_RING_MAX_FRAMES]; /* OUT: MFNs, nr_frames used */
};
typedef struct xen_clone_register xen_clone_register_t;

/*
 * CLONEOP_unregister: the control domain's clone service goes away (arg is
 * ignored and may be NULL). Every child still awaiting completion is
 * destroyed and its parent's fork returns -ENOTCONN; the ring is freed
 * (the service must unmap it). -ENOENT if no service is registered.
 */
#define CLONEOP_unregister  1

/*
 * CLONEOP_clone: clone a domain into nr_children children.
 *
 * child_list must be readable and writable for nr_children entries (Xen
 * reads each and writes it back unchanged first): else -EFAULT, before
 * any child is made or any shell taken.
 *
 * Self-clone (fork): parent == DOMID_SELF or the caller's own domid.
 *  - Needs a live clone service (registered, ring mapped), else -ENXIO:
 *    it never blocks.
 *  - Before any memory becomes shared, Xen writes the children's domids to
 *    child_list[0..nr_children-1] in the caller's memory, so every child
 *    finds its own domid there too.
 *  - Returns 0 in the parent, and 1 + k in child k (0-based), from the
 *    same hypercall instruction.
 *  - The parent vCPU does not run again until the service has completed
 *    (CLONEOP_complete) every child. If a child's completion reports an
 *    error, or the service unregisters, the parent gets that error and the
 *    children that were not completed successfully are destroyed.
 *
 * Control-domain clone (xl clone): parent is another domain's id.
 *  - The parent is paused, cloned and unpaused; its registers are copied
 *    unchanged (the guest cannot tell). Returns 0 once the children exist.
 *  - Without a live service the children stay paused and nobody is
 *    notified: the caller completes them itself.
 *  - Preemption (interface version 5): with nr_children > 1, Xen builds
 *    one child per chunk and continues the call (a hypercall
 *    continuation) between two children; the caller's vCPU runs its own
 *    guest in between. The children exist (paused, listed in child_list)
 *    from the first chunk, and are linked and announced at the end only.
 *    Meanwhile another clone of the parent, or a reset of it or of one
 *    of its children, gets -EBUSY; a second clone of the parent that
 *    finds no child built since the first -EBUSY takes the call as
 *    abandoned: it destroys its children and starts again. A child or
 *    shell of the call destroyed in between fails the call (-ESRCH, every
 *    child destroyed); the parent destroyed in between destroys them all.
 *    Xen uses the bits of cmd above the low 8 for this: callers pass 0.
 *
 * Every child starts paused (by its controller). The service completes it,
 * then unpauses it unless XEN_CLONE_FLAG_PAUSED was given.
 *
 * Shells (XEN_CLONE_FLAG_SHELLS, control-domain clones only; interface
 * version 3): child_list is IN/OUT. On entry it names nr_children domains
 * the toolstack made ahead ("shells"), which become the children in that
 * order, instead of domains Xen creates. Each must be: distinct, not the
 * parent, the caller or a privileged or system domain, alive, paused by
 * its controller, without memory (no page assigned), without an event
 * channel in use, without a vCPU other than vCPU 0 and with none ever
 * initialised, unknown to clone_op (no family, parent, child or pending
 * clone), and of the parent's shape: a 64-bit PV domain with the parent's
 * creation flags and max_vcpus, at least its max_evtchn_port, and at
 * least its grant and maptrack frame limits with the same grant version
 * limit. Otherwise -EINVAL, and neither the parent nor any shell was
 * changed. A shell's UUID, name and XenStore entries are the toolstack's
 * (Xen keeps its handle); the rest of the clone is as without shells. If
 * the clone fails after these checks, each shell Xen had begun to fill is
 * destroyed (a half-filled shell is never handed back); the others are
 * left as they were (so after a refusal such as -E2BIG, all of them).
 *
 * The stock (interface version 6): a self-clone (fork) takes each child
 * from the shells the clone service gave Xen (CLONEOP_add_shells), the
 * oldest first, before it creates one. Xen checks a stocked shell again
 * as above, against the forking parent; one that does not fit is left
 * in the stock, one that no longer passes (its controller unpaused it,
 * gave it memory...) is dropped from it (see CLONEOP_add_shells). A
 * stocked shell that became a child is announced with
 * XEN_CLONE_NOTIFY_STOCK. Without a fitting shell, Xen creates the child
 * as before. A Dom0 clone never takes shells from the stock.
 *
 * Errors: -EINVAL (nr_children 0 or > XEN_CLONE_MAX_BATCH, unknown flag),
 * -EPERM (cloning disabled for the parent, a child of a not yet completed
 * clone, not the parent or the control domain), -E2BIG (more live children
 * than the parent's max_clones would allow), -ENOSPC (more live family
 * members than its max_family would allow, or no free domid), -EMLINK
 * (children beyond its max_depth), -EOPNOTSUPP (HVM or 32-bit PV parent,
 * more than one vCPU, grant table v2, FIFO event channels, PIRQs, grant or
 * MMIO mappings, registered vcpu_info, runstate or time areas, shadow or
 * log-dirty paging), -EXDEV (the parent's IOMMU is enabled: passthrough),
 * -EBUSY (notification ring full, the parent is already being cloned, or
 * it waits in a fork), -ENOMEM, -ENXIO (self-clone without a live
 * service), -ESRCH (no such, a dying or a shutting-down parent), -ENOSPC
 * also when the frames the clone would share would take its family's
 * shared frames beyond the parent's max_shared (see CLONEOP_set_policy;
 * each child's share is checked before any frame becomes shared for it,
 * so a single child's refusal changes nothing; in a batch, what earlier
 * children shared stays shared). A failed clone leaves no child behind.
 */
#define CLONEOP_clone       2
#ifndef XEN_CLONE_DOMID_HANDLE_DEFINED
#define XEN_CLONE_DOMID_HANDLE_DEFINED
DEFINE_XEN_GUEST_HANDLE(domid_t);
#endif
#define XEN_CLONE_FLAG_PAUSED  (1U << 0) /* children stay paused */
#define XEN_CLONE_FLAG_SHELLS  (1U << 1) /* child_list IN: shells to fill */
struct xen_clone_op {
    domid_t parent;             /* IN: DOMID_SELF or a domid */
    uint16_t flags;             /* IN: XEN_CLONE_FLAG_* */
    uint32_t nr_children;       /* IN: 1..XEN_CLONE_MAX_BATCH */
    XEN_GUEST_HANDLE(domid_t) child_list; /* OUT: nr_children domids
                                             (IN/OUT with FLAG_SHELLS) */
};
typedef struct xen_clone_op xen_clone_op_t;
DEFINE_XEN_GUEST_HANDLE(xen_clone_op_t);

/*
 * CLONEOP_complete: the control domain reports that it finished setting up
 * a child (status 0), or failed to (status < 0, an errno value): the child
 * is then destroyed, and a self-cloning parent's fork returns that status.
 * The caller unpauses a successfully completed child itself.
 * Errors: -ESRCH (no such child), -ENOENT (the child is not awaiting
 * completion).
 */
#define CLONEOP_complete    3
struct xen_clone_complete {
    domid_t child;              /* IN */
    int16_t status;             /* IN: 0 or -errno */
    uint32_t pad;               /* IN: 0 */
};
typedef struct xen_clone_complete xen_clone_complete_t;

/*
 * CLONEOP_reset: the control domain resets a child (for fuzzing): its
 * memory becomes its parent's current memory again, and its vCPU what it
 * was right after the clone. Pages the child wrote that the parent still
 * shares are shared with the parent again (their copies go back to Xen);
 * pages whose parent frame is the parent's own get the parent's content.
 * The child's page tables, its P2M tree and its xenstore and console rings
 * keep the child's contents. A child that had shut down (crashed, exited)
 * runs again. The child and the parent are paused while Xen resets; the
 * result is the child's state at birth as long as the parent has not
 * written its memory since (keep the parent paused).
 * Errors: -EINVAL (not a child), -EBUSY (the child is not complete, its
 * parent is gone, or the child changed the shape of its page tables or
 * remapped a page since the clone: nothing was changed), -EOPNOTSUPP (a
 * child this implementation cannot reset), -ENOMEM (out of memory half
 * way: the child is crashed, as it is neither reset nor intact).
 * Preemption (interface version 5): a big reset runs in chunks, and Xen
 * continues the call (a hypercall continuation) between two of them; the
 * caller's vCPU runs its own guest in between. Both domains stay paused
 * until it ends. Meanwhile another reset of the child, or a reset or
 * clone of either domain, gets -EBUSY; a second reset of the child that
 * finds no chunk done since the first -EBUSY takes it as abandoned and
 * starts again (a child half reset by then was crashed). Destroying
 * either domain cancels it (-ESRCH to its caller). Xen uses the bits of
 * cmd above the low 8 for its continuation: callers pass 0 there.
 */
#define CLONEOP_reset       4
struct xen_clone_reset {
    domid_t child;              /* IN */
    uint16_t pad[3];            /* IN: 0 */
};
typedef struct xen_clone_reset xen_clone_reset_t;

/*
 * CLONEOP_set_policy: the control domain sets whether a domain may be
 * cloned, how many live direct children it may have at once, and how big
 * and how deep its family may grow. Default for every domain: disabled.
 * Children inherit their parent's policy. max_clones == 0 with
 * enabled == 1 means "no children allowed".
 *
 * A family is an original domain and every clone made from it, directly
 * or not. max_family bounds its live members, the original included,
 * counted when a member clones (-ENOSPC beyond it); max_depth bounds the
 * generation a clone may have: an original is generation 0, its clones 1
 * (-EMLINK beyond it). Both hold however the family's members come and
 * go: a chain of forks whose parents exit is still one family.
 * (Interface version 2 added both.)
 *
 * Shared frames (interface version 4): a frame a clone shares belongs to
 * no member (it is in nobody's tot_pages); it is charged to the family
 * instead, from the moment it becomes shared until Xen frees it, when its
 * last mapping goes (mappings of members that died included). max_shared
 * bounds that count: a clone that would share more frames than the
 * parent's max_shared allows (the family's count included) is refused
 * with -ENOSPC. 0 means the default: max_family times the parent's
 * max_pages, so that sharing never lets a family keep more frames alive
 * than its members could own without sharing. Frames already shared
 * (mapped again, by a child or by an extra read-only mapping) cost
 * nothing more.
 */
#define CLONEOP_set_policy  5
#define XEN_CLONE_MAX_FAMILY    32768   /* max_family <= this */
#define XEN_CLONE_MAX_DEPTH     1024    /* max_depth <= this */
struct xen_clone_policy {
    domid_t domid;              /* IN */
    uint8_t enabled;            /* IN: 0 or 1 */
    uint8_t pad;                /* IN: 0 */
    uint32_t max_clones;        /* IN: live direct children, <= 65535 */
    uint32_t max_family;        /* IN: live family members */
    uint16_t max_depth;         /* IN: generations below the original */
    uint16_t pad2;              /* IN: 0 */
    uint64_t max_shared;        /* IN: frames its family may share (see
                                       above), 0: the default */
};
typedef struct xen_clone_policy xen_clone_policy_t;

/*
 * CLONEOP_get_info: what Xen knows about a domain's clone family.
 * Allowed for the domain itself (DOMID_SELF) and the control domain.
 *
 * Size (interface version 6): the structure grows with the interface.
 * The caller says how big its copy is in size8, in 8-byte words
 * (sizeof(struct xen_clone_info) / 8, as its header has it); Xen writes
 * no more than that, nor more than its own structure, and returns in
 * size8 how many words it wrote. size8 == 0 (the byte was padding, IN: 0,
 * before version 6): a caller built against version 5 or older, which
 * gets XEN_CLONE_INFO_SIZE_V5 bytes (version 4's callers had 88 and
 * cannot be told apart: they must be rebuilt). A size8 below
 * XEN_CLONE_INFO_SIZE_V5 / 8 gets -EINVAL. Xen reads the first 6 bytes
 * only (domid, parent, enabled, size8).
 */
#define CLONEOP_get_info    6
#define XEN_CLONE_INFO_CHILD    (1U << 0) /* the domain is a clone */
#define XEN_CLONE_INFO_PENDING  (1U << 1) /* awaiting CLONEOP_complete */
#define XEN_CLONE_INFO_SERVICE  (1U << 2) /* a clone service is registered
                                             and its ring is mapped */
#define XEN_CLONE_INFO_STOCK    (1U << 3) /* the domain is a shell in Xen's
                                             stock (version 6) */
#define XEN_CLONE_INFO_SIZE_V5  104       /* bytes, versions 5 and older */
struct xen_clone_info {
    domid_t domid;              /* IN: DOMID_SELF or a domid. OUT: domid */
    domid_t parent;             /* OUT: DOMID_INVALID if not a clone */
    uint8_t enabled;            /* OUT: clone policy */
    uint8_t size8;              /* IN/OUT: see "Size" above (version 6) */
    uint16_t flags;             /* OUT: XEN_CLONE_INFO_* */
    uint32_t max_clones;        /* OUT: clone policy */
    uint32_t nr_children;       /* OUT: live direct children */
    uint32_t generation;        /* OUT: 0 for an original, parent's + 1 */
    uint32_t version;           /* OUT: XEN_CLONE_INTERFACE_VERSION */
    uint64_t nr_cow_faults;     /* OUT: pages copied on write since born */
    uint64_t nr_copied_pages;   /* OUT: pages copied eagerly at birth */
    uint64_t nr_resets;         /* OUT: CLONEOP_reset calls that worked */
    uint32_t max_family;        /* OUT: clone policy */
    uint32_t nr_family;         /* OUT: live members of its family, 0 for
                                        a domain never cloned */
    uint16_t max_depth;         /* OUT: clone policy */
    uint16_t pad2[3];           /* OUT: 0 */
    /* Memory (interface version 4), in pages of 4 KiB: */
    uint64_t nr_pages;          /* OUT: its own (private) pages, as in
                                        tot_pages: shared frames excluded */
    uint64_t nr_shared;         /* OUT: frames its family shares now, 0
                                        for a domain never cloned */
    uint64_t max_shared;        /* OUT: the limit its next clone obeys:
                                        its max_shared, or the default */
    /* Preemption (interface version 5): */
    uint64_t nr_reset_preempts; /* OUT: times a CLONEOP_reset of it gave
                                        the CPU back to its caller between
                                        two chunks (a continuation) */
    uint64_t nr_clone_preempts; /* OUT: times a control domain's
                                        CLONEOP_clone of it gave the CPU
                                        back between two children */
    /*
     * Xen's shell stock (interface version 6), the same for every domid;
     * reported to the control domain only (0 for anyone else):
     */
    uint32_t nr_stock;          /* OUT: shells in the stock now */
    uint32_t max_stock;         /* OUT: XEN_CLONE_STOCK_MAX */
    uint64_t nr_stock_taken;    /* OUT: forked children that were stocked
                                        shells, since boot */
    uint64_t nr_stock_dropped;  /* OUT: shells that left the stock other
                                        than as a child: destroyed, no
                                        longer empty or paused, or handed
                                        back (the service went), since boot */
};
typedef struct xen_clone_info xen_clone_info_t;

/*
 * CLONEOP_exit: a domain ends itself with an exit status that its parent
 * collects with CLONEOP_wait, like a process's _exit(). The domain shuts
 * down (SHUTDOWN_poweroff); on success the call does not return to the
 * caller. Allowed for the domain itself only (DOMID_SELF): any domain may
 * call it, but only a clone's status reaches a parent.
 */
#define CLONEOP_exit        7
struct xen_clone_exit {
    int32_t status;             /* IN: any value, reported as it is */
    uint32_t pad;               /* IN: 0 */
};
typedef struct xen_clone_exit xen_clone_exit_t;

/*
 * CLONEOP_wait: the calling domain collects one of its direct children
 * that has ended: shut down (for any reason), or destroyed. It never
 * blocks: poll it (a parent usually sleeps a few milliseconds between
 * tries). A collected child is forgotten by its parent: it no longer
 * counts against max_clones, and is never reported again.
 *
 * Xen keeps the end of a child created by the parent's own clone (fork)
 * after the child is destroyed, until the parent collects it (up to
 * XEN_CLONE_MAX_ZOMBIES per parent; beyond that the oldest are dropped).
 * Children a control domain made (xl clone) are reported only while they
 * exist, shut down.
 *
 * Errors: -ECHILD (no such child, or no children at all), -EAGAIN
 * (children, but none has ended), -EINVAL (padding, flags).
 */
#define CLONEOP_wait        8
#define XEN_CLONE_MAX_ZOMBIES   1024
#define XEN_CLONE_WAIT_EXITED   (1U << 0) /* status is from CLONEOP_exit */
#define XEN_CLONE_WAIT_GONE     (1U << 1) /* the child was destroyed */
#define XEN_CLONE_WAIT_NO_REASON 0xffffffffU /* destroyed while running */
struct xen_clone_wait {
    domid_t child;              /* IN: a child, or DOMID_INVALID for any.
                                   OUT: the child collected */
    uint16_t flags;             /* IN: 0. OUT: XEN_CLONE_WAIT_* */
    int32_t status;             /* OUT: CLONEOP_exit's status, else 0 */
    uint32_t reason;            /* OUT: SHUTDOWN_* of its shutdown, or
                                   XEN_CLONE_WAIT_NO_REASON */
    uint32_t pad;               /* IN: 0 */
};
typedef struct xen_clone_wait xen_clone_wait_t;

/*
 * CLONEOP_add_shells (interface version 6): the registered clone service
 * hands Xen empty shells (made by its toolstack, e.g. chaosd) for guests'
 * forks: Xen keeps them in its stock, and a fork (CLONEOP_clone on
 * DOMID_SELF) takes its children from there before it creates any (see
 * CLONEOP_clone). Only the domain of the registered service may call it
 * (-EPERM otherwise). Each shell must be as CLONEOP_clone's shells must
 * (distinct, not the caller, alive, paused by its controller, empty,
 * unknown to clone_op), 64-bit PV, and not in the stock yet; its fit to a
 * parent is checked when a fork takes it. Else -EINVAL, and nothing
 * changed. The stock holds at most XEN_CLONE_STOCK_MAX shells: -ENOSPC
 * (nothing added) if nr would take it beyond.
 *
 * A shell in the stock is Xen's: Xen holds a reference and a pause of its
 * own on it, so unpausing it does not make it run; CLONEOP_clone refuses
 * it as a shell (-EINVAL) and as a parent (-EPERM). Its toolstack may
 * still destroy it: it leaves the stock (counted in nr_stock_dropped). A
 * stocked shell a fork finds no longer paused by its controller, or no
 * longer empty, also leaves the stock (Xen's pause and reference
 * dropped), and is left to its toolstack.
 *
 * The stock belongs to the registration: when the service unregisters,
 * when a new service takes over from a dead one, or when the service's
 * domain dies, Xen hands every stocked shell back (its pause and
 * reference dropped; the shell is as it was added: empty, paused by its
 * controller) for its toolstack to destroy or reuse. get_info's nr_stock
 * tells the service how many are left; a child announced with
 * XEN_CLONE_NOTIFY_STOCK came out of the stock (time to top it up).
 */
#define CLONEOP_add_shells  9
#define XEN_CLONE_STOCK_MAX 64
struct xen_clone_add_shells {
    uint32_t nr;                /* IN: 1..XEN_CLONE_MAX_BATCH */
    uint32_t pad;               /* IN: 0 */
    XEN_GUEST_HANDLE(domid_t) shells; /* IN: nr domids */
};
typedef struct xen_clone_add_shells xen_clone_add_shells_t;

/*
 * The notification ring: nr_frames contiguous pages (as mapped by the
 * service), a header and a power-of-two array of entries. Xen produces
 * (writes ent[prod % nr_ents], then advances prod after a write barrier,
 * then raises VIRQ_CLONED); the service consumes (reads entries up to prod
 * after a read barrier, then advances cons). prod and cons are
 * free-running counters. A full ring (prod - cons == nr_ents) makes a
 * clone fail with -EBUSY, cleanly.
 */
#define XEN_CLONE_NOTIFY_SELF   (1U << 8) /* guest-initiated (fork) */
/*
 * Announced before to a service that died: the child may carry part of
 * that service's work (XenStore nodes, an introduction, devices), which
 * the new service must clean up or redo.
 */
#define XEN_CLONE_NOTIFY_REPLAY (1U << 9)
/*
 * The child was a shell from Xen's stock (interface version 6): it is
 * the domain the service handed Xen with CLONEOP_add_shells, with what
 * its toolstack made for it (XenStore skeleton, devices). The stock is
 * one shell smaller.
 */
#define XEN_CLONE_NOTIFY_STOCK  (1U << 10)
struct xen_clone_notification {
    uint32_t id;                /* sequence number, from 1 */
    domid_t parent;
    domid_t child;
    uint16_t flags;             /* XEN_CLONE_FLAG_* of the request, and
                                   XEN_CLONE_NOTIFY_* */
    uint16_t index;             /* k: this is child k of the request */
    uint32_t pad;
    uint64_t child_store_mfn;   /* the child's private xenstore ring */
    uint64_t child_console_mfn; /* the child's private console ring */
};
typedef struct xen_clone_notification xen_clone_notification_t;

struct xen_clone_ring {
    uint32_t prod;              /* written by Xen */
    uint32_t cons;              /* written by the service */
    uint32_t nr_ents;           /* written by Xen at register time */
    uint32_t pad;
    struct xen_clone_notification ent[1]; /* really nr_ents entries */
};
typedef struct xen_clone_ring xen_clone_ring_t;

/*
 * nr_ents is the largest power of two such that the header (16 bytes) and
 * nr_ents entries fit in nr_frames pages: 64 entries per page for 1 page,
 * 512 for XEN_CLONE_RING_MAX_FRAMES. The service reads it from the ring.
 */
#define XEN_CLONE_RING_HDR_SIZE 16

#endif /* __XEN_PUBLIC_CLONE_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
