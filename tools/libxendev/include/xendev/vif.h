/*
 * vif.h: the network device (netback/netfront) in xendev's terms.
 *
 * Backend keys (what libxl writes and netback reads): frontend,
 * frontend-id, online, state, script, mac, bridge, handle, type, and
 * optionally vifname, ip; the hotplug program reports in hotplug-status
 * ("connected" or "error") and hotplug-error.
 */
#ifndef XENDEV_VIF_H
#define XENDEV_VIF_H

#include <stdbool.h>

#include "xendev.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The default bridge, the one Dom0's init creates (and libxl's default). */
#define XENDEV_VIF_DEFAULT_BRIDGE "xenbr0"

/* create()'s configuration for a vif. NULL fields take defaults. */
struct xendev_vif_config {
    const char *mac;    /* "00:16:3e:xx:xx:xx" (required) */
    const char *bridge; /* default XENDEV_VIF_DEFAULT_BRIDGE */
    const char *script; /* default "/etc/xen/scripts/vif-bridge" */
    const char *ip;     /* optional, space-separated addresses */
};

/*
 * A backend key that marks a vif made ahead for a clone shell (libchaos):
 * its value is "shell". Such a backend waits in InitWait, bridged, until a
 * clone fills the shell and the child's frontend is written.
 */
#define XENDEV_VIF_SHELL_KEY "chaos-shell"

/* xendev_vif_clone()'s choices for the child; NULL fields: the parent's. */
struct xendev_vif_clone_opts {
    const char *mac; /* the child's own MAC (network mode "new") */
    const char *ip;  /* the child's own "ip" key (mode "new") */
    /*
     * The child's backend is a shell's, waiting (see
     * xendev_vif_backend_waiting()): keep it, rewrite only its mac and ip
     * (netback reads mac when it connects, not when it probes) and write
     * the frontend; netback connects once the frontend's state is 4.
     */
    bool backend_ready;
};

/*
 * Is CHILD's backend one made ahead for a shell and waiting for a
 * frontend: tagged XENDEV_VIF_SHELL_KEY, state 2 (InitWait),
 * hotplug-status=connected, naming CHILD's frontend, on BRIDGE (unless
 * NULL)? 0 if so; -ENOENT (no backend), -EBUSY (not waiting: another
 * state, not bridged, not a shell's) or -EXDEV (another bridge), the
 * reason in CTX->error.
 */
int xendev_vif_backend_waiting(struct xendev_ctx *ctx,
                               const struct xendev *child, const char *bridge);

/*
 * Give CHILD (a clone of PARENT's domain, same devid) its own copy of
 * PARENT's vif, in one transaction: the frontend directory with the
 * parent's keys (rings, event channel, features: the child's are private
 * copies at the same references and port), "backend" naming the child's
 * backend, the parent's state; the backend directory afresh in state 1
 * (frontend, frontend-id, online, script, mac, bridge, handle, type, ip;
 * no feature keys, no hotplug-status): a stock netback probes it, then
 * connects to the copied rings once hotplug-status=connected. OPTS may
 * give the child its own MAC and ip (NULL: the parent's). With
 * OPTS->backend_ready the child's existing backend is kept (only its mac
 * and ip rewritten) and only the frontend written: in the caller's
 * transaction if CTX's store is a borrowed one (xendev_store_xs_borrow()).
 * ops->clone is this with OPTS NULL.
 */
int xendev_vif_clone(struct xendev_ctx *ctx, const struct xendev *parent,
                     const struct xendev *child,
                     const struct xendev_vif_clone_opts *opts);

/*
 * Network mode "same" (the child keeps its parent's MAC and address):
 * connect CHILD's vif (netback made it) to the bond its family shares, so
 * that Dom0 spreads flows over the family instead of one bridge seeing
 * one MAC on several ports (src/family.c, docs/network-clones.md). The
 * bond's slaves are flow slots: slot K of family bond xcb<F>.<devid> is a
 * veth pair xcs<F>.<devid>.<K> (the slave) <-> xcp<F>.<devid>.<K>, whose
 * ingress is redirected (tc) to a member's vif, and that vif's to it.
 * Records, in interface aliases: xcs's = its owner's vif, xcp's = the vif
 * it leads to, a member vif's = its slot's xcp. If PARENT's vif has a
 * slot, the family is that slot's bond; if it is a bridge's port, bond
 * "xcb<parent>.<devid>" is made (balance-xor, layer3+4 hash), put on the
 * bridge, and the parent's vif moved off the bridge into slot 0. CHILD's
 * vif then takes the slot of an ended member if there is one (the bond's
 * hash is unchanged), else a new slot (the bond rehashes), is up, and
 * hotplug-status=connected is written (on failure hotplug-error and
 * hotplug-status=error). BOND (LEN bytes) gets the bond's name.
 */
int xendev_vif_connect_family(struct xendev_ctx *ctx,
                              const struct xendev *parent,
                              const struct xendev *child, char *bond,
                              size_t len);

/* One flow slot of a family (xendev_family_plan(), _pick_slot()). */
struct xendev_slot {
    unsigned int index;  /* K of xcs<F>.<devid>.<K> */
    unsigned int owner;  /* the member the slot is for (its domid) */
    unsigned int target; /* the member whose vif the slot leads to */
    bool owner_alive;    /* the owner's vif is there and its domain runs */
    bool target_alive;   /* the target's too (false: no target) */
    bool moved;          /* out: target changed by the plan */
};

/*
 * The pure part of a repair: every slot of SLOTS (N) whose target is not
 * alive gets a live member as target (moved = true): the live owner the
 * fewest live slots lead to, the lowest domid on a tie. A slot whose
 * target is alive keeps it: its flows stay where they are. Returns the
 * number of live members; 0: nothing is changed (the family is over).
 */
int xendev_family_plan(struct xendev_slot *slots, unsigned int n);

/*
 * The pure part of a join: the slot of SLOTS (N) a new member takes: the
 * first slot whose owner ended (!owner_alive), so the bond's hash stays;
 * N if every owner is alive (a new slot: index *NEXT, the lowest unused).
 */
unsigned int xendev_family_pick_slot(const struct xendev_slot *slots,
                                     unsigned int n, unsigned int *next);

/* Slot K of family bond xcb<F>.<devid>: SLAVE and PEER (each
 * XENDEV_IFNAME_MAX bytes) "xcs<F>.<devid>.<K>", "xcp<F>.<devid>.<K>";
 * -ENAMETOOLONG. */
int xendev_family_slot_names(const char *bond, unsigned int k, char *slave,
                             char *peer);

/*
 * A member of BOND's family may have ended (ALIVE(domid, ARG) false, or
 * its vif gone; ALIVE may be NULL): its slot stays, so the bond's hash
 * does not change, and every slot that led to an ended member is
 * re-pointed at a live one (xendev_family_plan()). The ended member's
 * own connections fail (a survivor answers with a RST), the others stay
 * where they are. No live member: every slot and the bond are deleted.
 * Returns the number of live members (0: the family is gone), or -errno
 * (-ENOTEMPTY: BOND has a slave that is no flow slot; it is left alone);
 * CTX->error says what was re-pointed or deleted ("" if nothing).
 */
int xendev_vif_family_repair(struct xendev_ctx *ctx, const char *bond,
                             bool (*alive)(unsigned int domid, void *arg),
                             void *arg);

/* What connect() needs, read from the backend directory. */
struct xendev_vif_backend {
    char ifname[XENDEV_IFNAME_MAX]; /* vifname, or vif<fe>.<devid> */
    char bridge[XENDEV_IFNAME_MAX];
    char mac[18];
};

/* The Linux name netback gives the device: "vif<fe>.<devid>". */
int xendev_vif_ifname(char *buf, size_t len, unsigned int fe_domid,
                      unsigned int devid);

/* Check an interface name as the kernel would accept it (1 to 15 bytes,
 * no '/', ':' or whitespace, not "." or ".."): 0 or -EINVAL. */
int xendev_ifname_valid(const char *name);

/* Check a MAC address "xx:xx:xx:xx:xx:xx" (hex, unicast): 0 or -EINVAL. */
int xendev_mac_valid(const char *mac);

/* Read DEV's backend keys: bridge (required, a valid name), vifname
 * (optional; default vif<fe>.<devid>), mac (optional). Reasons for a
 * failure go to CTX->error. */
int xendev_vif_read_backend(struct xendev_ctx *ctx, const struct xendev *dev,
                            struct xendev_vif_backend *out);

/* Report on DEV's backend: hotplug-status=connected (REASON NULL), or
 * hotplug-error=REASON then hotplug-status=error. */
int xendev_hotplug_report(struct xendev_ctx *ctx, const struct xendev *dev,
                          const char *reason);

#ifdef __cplusplus
}
#endif
#endif
