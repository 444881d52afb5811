/*
 * xendev.h: Xen split devices seen from the backend domain (Dom0): where
 * their XenStore nodes live, how one is created, cloned, connected to the
 * host's network and destroyed. One operations table per device type
 * (struct xendev_ops); the vif is the first.
 *
 * Plain C. Every function returns 0 or a negative errno value, unless it
 * says otherwise. XenStore is reached through struct xendev_store, so the
 * library can be driven by libxenstore (xendev_store_xs_open()), by a
 * caller's own connection, or by an in-memory store in unit tests.
 */
#ifndef XENDEV_XENDEV_H
#define XENDEV_XENDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Longest XenStore path we build or accept, terminating NUL included. */
#define XENDEV_PATH_MAX 256
/* Longest network interface name, NUL included (Linux's IFNAMSIZ). */
#define XENDEV_IFNAME_MAX 16
/* "The domain we run in", for a backend path given relative to it. */
#define XENDEV_DOMID_SELF 0x7ff0u
/* Largest valid domid (DOMID_FIRST_RESERVED - 1). */
#define XENDEV_DOMID_MAX 0x7fefu

/* XenBus states (xen/include/public/io/xenbus.h). */
enum xendev_state {
    XENDEV_STATE_UNKNOWN = 0,
    XENDEV_STATE_INITIALISING = 1,
    XENDEV_STATE_INITWAIT = 2,
    XENDEV_STATE_INITIALISED = 3,
    XENDEV_STATE_CONNECTED = 4,
    XENDEV_STATE_CLOSING = 5,
    XENDEV_STATE_CLOSED = 6,
};

/* One device instance: type, the two ends and the device number. */
struct xendev {
    const struct xendev_ops *ops;
    unsigned int be_domid; /* backend domain (or XENDEV_DOMID_SELF) */
    unsigned int fe_domid; /* frontend domain, the guest */
    unsigned int devid;    /* "handle": the N of vifD.N, device/vif/N */
    /* Filled by xendev_init(): */
    char backend[XENDEV_PATH_MAX];  /* /local/domain/B/backend/T/F/N */
    char frontend[XENDEV_PATH_MAX]; /* /local/domain/F/device/T/N */
};

/*
 * XenStore as the library needs it. Paths are absolute, or relative to
 * the caller's domain home as xenstored resolves them. Every hook returns
 * 0 or -errno; read returns -ENOENT for a missing node.
 */
struct xendev_store {
    /* Read PATH's value into BUF (NUL-terminated; -ENOSPC if too long). */
    int (*read)(struct xendev_store *st, const char *path, char *buf,
                size_t len);
    int (*write)(struct xendev_store *st, const char *path, const char *value);
    /* Remove PATH and everything below it; a missing PATH is not an error. */
    int (*rm)(struct xendev_store *st, const char *path);
    /* Owner OWNER (full access), READER may read (or -1: nobody else). */
    int (*set_perms)(struct xendev_store *st, const char *path,
                     unsigned int owner, int reader);
    /* Optional transactions (NULL: every write stands alone). end() with
     * abort=false returns -EAGAIN when the caller must retry. */
    int (*begin)(struct xendev_store *st);
    int (*end)(struct xendev_store *st, bool abort);
    void *priv;
};

/*
 * The host side of a network device: bridge membership and link state.
 * Separate from the store so tests and other callers can substitute it.
 */
struct xendev_netif {
    /* 0 if interface NAME exists, -ENODEV if not. */
    int (*exists)(struct xendev_netif *n, const char *name);
    /* 0 if NAME is a bridge, -ENODEV if it does not exist, -ENOTDIR if it
     * exists but is no bridge. */
    int (*is_bridge)(struct xendev_netif *n, const char *name);
    /* Make IFNAME a port of BRIDGE (already one: 0). */
    int (*bridge_add)(struct xendev_netif *n, const char *bridge,
                      const char *ifname);
    /* Remove IFNAME from the bridge it is a port of (BRIDGE may be NULL:
     * unknown). Not a port, or IFNAME gone: 0. */
    int (*bridge_del)(struct xendev_netif *n, const char *bridge,
                      const char *ifname);
    /* Set IFNAME administratively up or down. */
    int (*set_up)(struct xendev_netif *n, const char *ifname, bool up);
    /* Optional (NULL: no bonds). The bond or bridge IFNAME is enslaved
     * to, into BUF ("" if none). */
    int (*master_of)(struct xendev_netif *n, const char *ifname, char *buf,
                     size_t len);
    /* Make bond BOND in balance-xor with the layer3+4 hash and link
     * monitoring (-EEXIST if it exists), or delete it. */
    int (*bond_create)(struct xendev_netif *n, const char *bond);
    int (*bond_delete)(struct xendev_netif *n, const char *bond);
    /* Enslave IFNAME to BOND (it is taken down first; already a slave of
     * BOND: 0). */
    int (*bond_add)(struct xendev_netif *n, const char *bond,
                    const char *ifname);
    /* Optional (NULL: no flow slots, see src/family.c). BOND's slaves'
     * names into NAMES (at most MAX): how many (>= 0), or -errno. */
    int (*bond_members)(struct xendev_netif *n, const char *bond,
                        char (*names)[XENDEV_IFNAME_MAX], unsigned int max);
    /* Make the veth pair NAME <-> PEER, both down (-EEXIST if NAME
     * exists); delete interface NAME (a veth: its peer too; gone: 0). */
    int (*veth_create)(struct xendev_netif *n, const char *name,
                       const char *peer);
    int (*link_delete)(struct xendev_netif *n, const char *name);
    /* Send every frame FROM receives out of TO instead, replacing FROM's
     * earlier redirect (TO NULL: none). */
    int (*redirect)(struct xendev_netif *n, const char *from, const char *to);
    /* IFNAME's alias (IFLA_IFALIAS): set it ("" clears), read it into
     * BUF ("" if none). The family's records (src/family.c). */
    int (*set_alias)(struct xendev_netif *n, const char *ifname,
                     const char *alias);
    int (*alias_of)(struct xendev_netif *n, const char *ifname, char *buf,
                    size_t len);
    void *priv;
};

/* Everything an operation may use. */
struct xendev_ctx {
    struct xendev_store *store;
    struct xendev_netif *netif; /* NULL: the device needs none */
    /* Why the last operation failed, for people (hotplug-error, stderr). */
    char error[256];
};

/* Per-type configuration for create (vif: struct xendev_vif_config). */
struct xendev_ops {
    const char *type; /* XenStore device type: "vif" */
    /* Write the frontend and backend directories of a new device (backend
     * in state Initialising, so the backend driver probes it). */
    int (*create)(struct xendev_ctx *ctx, const struct xendev *dev,
                  const void *config);
    /* Give CHILD (a clone of PARENT's domain) its own copy of PARENT's
     * device: frontend keys copied, the backend made afresh, nothing
     * connected yet. */
    int (*clone)(struct xendev_ctx *ctx, const struct xendev *parent,
                 const struct xendev *child);
    /* The backend driver made the host side (hotplug "online"): plug it
     * in and report hotplug-status=connected. On failure, report
     * hotplug-status=error and hotplug-error. */
    int (*connect)(struct xendev_ctx *ctx, const struct xendev *dev);
    /* Unplug the host side (hotplug "offline"); what is gone already is
     * not an error. */
    int (*disconnect)(struct xendev_ctx *ctx, const struct xendev *dev);
    /* Remove the device's XenStore directories, backend first. */
    int (*destroy)(struct xendev_ctx *ctx, const struct xendev *dev);
};

extern const struct xendev_ops xendev_vif_ops;

/* The operations of TYPE ("vif"), or NULL. */
const struct xendev_ops *xendev_ops_find(const char *type);

/* Fill DEV for type OPS and the given ids, paths included. -EINVAL on a
 * bad domid or devid. */
int xendev_init(struct xendev *dev, const struct xendev_ops *ops,
                unsigned int be_domid, unsigned int fe_domid,
                unsigned int devid);

/* Path building: "/local/domain/B/backend/T/F/N" (B == XENDEV_DOMID_SELF:
 * "backend/T/F/N"), "/local/domain/F/device/T/N". -ENAMETOOLONG, -EINVAL. */
int xendev_backend_path(char *buf, size_t len, const char *type,
                        unsigned int be_domid, unsigned int fe_domid,
                        unsigned int devid);
int xendev_frontend_path(char *buf, size_t len, const char *type,
                         unsigned int fe_domid, unsigned int devid);

/*
 * Parse a backend path, absolute ("/local/domain/B/backend/T/F/N") or
 * relative to the backend's home ("backend/T/F/N": be_domid is then
 * XENDEV_DOMID_SELF). TYPE gets the device type (TYPE_LEN bytes). Strict:
 * decimal numbers without sign or leading zeros, nothing after N.
 */
int xendev_parse_backend_path(const char *path, char *type, size_t type_len,
                              unsigned int *be_domid, unsigned int *fe_domid,
                              unsigned int *devid);

/* Parse a decimal id no larger than MAX (no sign, spaces, leading 0s). */
int xendev_parse_uint(const char *s, unsigned int max, unsigned int *out);

/* Record a formatted reason in CTX->error; returns ERR (a -errno). */
int xendev_error(struct xendev_ctx *ctx, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "path/key" into BUF. */
int xendev_join(char *buf, size_t len, const char *dir, const char *key);

/* libxenstore-backed store; xendev_store_xs_close() frees it. */
int xendev_store_xs_open(struct xendev_store **out);
void xendev_store_xs_close(struct xendev_store *st);
/* A store over the caller's libxenstore handle XS, inside the caller's
 * transaction T (XBT_NULL: none): the library's writes join it, and it
 * begins or ends none of its own. xendev_store_xs_close() frees the store
 * only, not XS. */
struct xs_handle;
int xendev_store_xs_borrow(struct xs_handle *xs, uint32_t t,
                           struct xendev_store **out);

/* The host's network through ioctl()s (SIOCBRADDIF, SIOCSIFFLAGS). */
struct xendev_netif *xendev_netif_linux(void);

#ifdef __cplusplus
}
#endif
#endif
