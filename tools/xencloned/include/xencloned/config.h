/* config.h: xencloned's configuration file (GLib key file) and policies. */
#ifndef XENCLONED_CONFIG_H
#define XENCLONED_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#define CLONED_DEFAULT_MAX_CLONES    64
#define CLONED_MAX_MAX_CLONES        65535
#define CLONED_DEFAULT_MAX_FAMILY    256 /* <= XEN_CLONE_MAX_FAMILY */
#define CLONED_MAX_MAX_FAMILY        32768
#define CLONED_DEFAULT_MAX_DEPTH     16 /* <= XEN_CLONE_MAX_DEPTH */
#define CLONED_MAX_MAX_DEPTH         1024
#define CLONED_DEFAULT_RING_PAGES    1
#define CLONED_DEFAULT_FORK_SHELLS   2  /* Xen's stock for forks, from chaosd */
#define CLONED_MAX_FORK_SHELLS       64 /* XEN_CLONE_STOCK_MAX */
#define CLONED_DEFAULT_CHAOSD_SOCKET "/var/run/chaosd.sock"

struct clone_policy {
    bool enabled;
    uint32_t max_clones; /* live direct children */
    uint32_t max_family; /* live members of its family, original included */
    uint32_t max_depth;  /* generations of clones below the original */
    uint64_t max_shared; /* frames its family shares; 0: Xen's default */
};

/* What happens to a clone once it has shut down ([children] on_exit). */
enum cloned_on_exit {
    ON_EXIT_DESTROY,  /* destroy it and remove its XenStore entries */
    ON_EXIT_PRESERVE, /* leave it shut down, for xl list / xl destroy */
};

/* What a clone's vifs get ([network] mode, or the parent's
 * data/clone/net-mode key). */
enum cloned_net_mode {
    NET_MODE_SAME, /* the parent's MAC and IP (fork()'s default) */
    NET_MODE_NEW,  /* the child's own MAC and IP, from [network] new_ips */
};

#define CLONED_DEFAULT_NEW_IPS        "198.18.0.128-198.18.0.254"
#define CLONED_DEFAULT_VIF_TIMEOUT_MS 30000

struct cloned_config {
    struct clone_policy policy;    /* for every new domain */
    GHashTable *by_name;           /* domain name -> struct clone_policy * */
    unsigned int ring_pages;       /* notification ring size, 1..8 pages */
    bool deep_copy;                /* copy XenStore node by node, no XS_CLONE */
    enum cloned_on_exit on_exit;   /* for clones that shut down */
    enum cloned_net_mode net_mode; /* default for a parent without a key */
    uint32_t new_ip_first, new_ip_last; /* mode new's pool, host order */
    unsigned int vif_timeout_ms;        /* netback's probe/connect, per step */
    bool same_bond;              /* mode same: the family's vifs in one bond */
    unsigned int debug_delay_ms; /* tests: a pause in each child's setup */
    unsigned int fork_shells;    /* Xen's stock target for forks, 0: none */
    char chaosd_socket[108];     /* where chaosd's shells come from */
};

/* "same" or "new" to a mode: 0 or -EINVAL. */
int config_net_mode_parse(const char *s, enum cloned_net_mode *mode);
const char *config_net_mode_name(enum cloned_net_mode mode);

/* Fill C with the defaults: enabled, max_clones 64, max_family 256,
 * max_depth 16, max_shared 0 (Xen's default), a one-page ring, ended clones
 * destroyed, network mode same, mode new's addresses from 198.18.0.128 to .254,
 * 30 s per vif step, 2 shells in Xen's stock for forks from chaosd on
 * /var/run/chaosd.sock. */
void config_init(struct cloned_config *c);

/*
 * Parse a key file held in DATA (LEN bytes) into C (initialised first).
 * Unknown groups or keys and out-of-range values are errors.
 * Returns 0, or -EINVAL with a message in *ERR (g_free it).
 */
int config_parse(const char *data, size_t len, struct cloned_config *c,
                 char **err);

/*
 * Load the file PATH into C. A missing file gives the defaults unless
 * MUST_EXIST. Returns 0, -ENOENT or -EINVAL with a message in *ERR.
 */
int config_load(const char *path, bool must_exist, struct cloned_config *c,
                char **err);

/* The policy for a new domain called NAME (NULL: no name known). */
const struct clone_policy *config_policy_for(const struct cloned_config *c,
                                             const char *name);

void config_clear(struct cloned_config *c);

#endif
