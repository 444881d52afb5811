/* chaosd.h: chaosd's configuration, pools and socket API (one daemon
 * process, one GLib main loop). */
#ifndef CHAOSD_H
#define CHAOSD_H

#include <glib.h>
#include <stdbool.h>

#include "chaos/chaos.h"
#include "chaos/pool.h"

#define CHAOSD_DEFAULT_CONFIG "/etc/xen/chaosd.conf"
#define CHAOSD_MAX_FLAVOURS   16

/* /etc/xen/chaosd.conf, parsed. */
struct chaosd_config {
    char *socket;              /* [chaosd] socket */
    unsigned int refill_rate;  /* [chaosd] refill-rate: shells/s */
    unsigned int refill_burst; /* [chaosd] refill-burst */
    size_t n_flavours;
    struct chaos_flavour flavours[CHAOSD_MAX_FLAVOURS]; /* [flavour:NAME] */
};

/* Load PATH (MISSING_OK: a missing file gives the defaults: no
 * flavours). On error, *ERR (g_free) says what and where. */
int chaosd_config_load(const char *path, bool missing_ok,
                       struct chaosd_config *cfg, char **err);
/* Parse a key file's text (what load() reads); for tests. */
int chaosd_config_parse(const char *text, const char *source,
                        struct chaosd_config *cfg, char **err);
void chaosd_config_clear(struct chaosd_config *cfg);

/* One flavour's pool: its ready shells (oldest first) and counters. */
struct chaosd_pool {
    struct chaos_flavour flavour;
    struct chaos_pool_count count;
    GQueue shells; /* struct chaos_shell * */
};

struct chaosd {
    struct chaosd_config config;
    struct chaos_ctx *ctx;
    struct chaosd_pool pools[CHAOSD_MAX_FLAVOURS];
    size_t n_pools;
    struct chaos_rate rate;
    guint refill_source;
    guint prune_source; /* the look for lost shells (pools_watch) */
    int listen_fd;
    guint listen_source;
    GMainLoop *loop;
};

/* Pools (src/chaosd-pool.c). */
void pools_init(struct chaosd *d);
/* Adopt the complete shells a dead chaosd (pid PREV, or any maker no
 * longer running) left, up to each pool's target; destroy the others,
 * logging each decision with its reason. */
void pools_adopt(struct chaosd *d, int prev);
/* Look for lost shells (destroyed by someone else) every 2 s: they are
 * dropped, counted as lost and made again. */
void pools_watch(struct chaosd *d);
/* Arrange for the pools to be refilled (rate-limited) in the background. */
void pools_schedule_refill(struct chaosd *d);
/* Destroy every ready shell (on exit). */
void pools_drain(struct chaosd *d);
/* Serve a create: a reply line (g_free). */
char *pools_create(struct chaosd *d, const struct chaos_domain_config *cfg);
/* Serve a shells request: COUNT empty shells fitting PARENT, handed to
 * process PID (all or none). */
char *pools_shells(struct chaosd *d, unsigned int parent, unsigned int count,
                   int pid);
char *pools_resize(struct chaosd *d, const char *flavour, unsigned int target);
char *pools_status(struct chaosd *d);
/* An error reply (g_free). */
char *reply_error(const char *reason, const char *step, int err,
                  const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/* The socket API (src/chaosd-api.c). */
int api_listen(struct chaosd *d, const char *path);
void api_close(struct chaosd *d, const char *path);

#endif
