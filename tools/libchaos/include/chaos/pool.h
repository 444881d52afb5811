/*
 * pool.h: flavours of shells and the pure arithmetic of pools: which
 * flavour a request fits, how many shells a pool lacks, and the refill
 * rate limit (a token bucket driven by the caller's clock).
 */
#ifndef CHAOS_POOL_H
#define CHAOS_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CHAOS_FLAVOUR_MAX  32  /* flavour name, NUL included */
#define CHAOS_SECLABEL_MAX 128 /* FLASK label, NUL included */

/* A kind of shell: its memory, vCPUs and how many to keep ready. */
struct chaos_flavour {
    char name[CHAOS_FLAVOUR_MAX];
    unsigned int memory_mb;
    unsigned int vcpus;
    unsigned int target; /* shells to keep ready */
    /* kind=clone: empty shells (no memory, no event channel, no XenStore)
     * that Xen fills as the children of a clone (XEN_CLONE_FLAG_SHELLS);
     * memory_mb is the largest parent they serve. */
    bool clone;
    /* Device templates: each shell gets these vifs ready, bridged. */
    unsigned int nr_vifs;
    char vif_bridges[CHAOS_MAX_VIFS][16];
    /* seclabel=: the FLASK label its shells are made with, as xl's
     * seclabel ("": none, Xen's default; under FLASK that is unlabeled_t,
     * which the policy lets nobody create). ssidref: its sid, asked of
     * Xen by chaosd at start (0: none). */
    char seclabel[CHAOS_SECLABEL_MAX];
    uint32_t ssidref;
};

/* Valid flavour name: 1-31 of [A-Za-z0-9_-]. */
int chaos_flavour_name_valid(const char *name);

/*
 * The flavour a request of MEMORY_MB, VCPUS and NR_VIFS vifs (VIFS, their
 * bridges) takes: among those with at least as much memory and as many
 * vCPUs, first those whose vif templates are the request's vifs (same
 * number, same bridge for each), then the others; within each, the one
 * with the least memory (then the fewest vCPUs, then the first listed).
 * A shell whose vifs differ is finished explicitly (chaos_shell_finish:
 * a ready vif on the wanted bridge is kept, the others removed, the
 * missing ones made); *VIFS_MATCH (may be NULL) says which case it is.
 * Returns the flavour's index, or -ENOENT when none fits.
 */
int chaos_flavour_match(const struct chaos_flavour *f, size_t n,
                        unsigned int memory_mb, unsigned int vcpus,
                        const struct chaos_vif *vifs, unsigned int nr_vifs,
                        bool *vifs_match);

/* The vif templates of F are exactly VIFS (NR_VIFS, bridge by bridge). */
bool chaos_flavour_vifs_equal(const struct chaos_flavour *f,
                              const struct chaos_vif *vifs,
                              unsigned int nr_vifs);

/* What an adopted shell is (src/adopt.c reads it from its record). */
struct chaos_shell_shape {
    const char *flavour;
    unsigned int memory_mb, vcpus;
    bool clone;
    unsigned int nr_vifs;
    const char (*vif_bridges)[16];
    uint32_t ssidref; /* its FLASK sid as Xen reports it (0: none) */
};

/*
 * The pool that adopts a shell of SHAPE left by a previous daemon, given
 * the configured flavours F and each pool's ready count READY[i]: the
 * flavour of its name if that flavour is still the same (memory, vCPUs,
 * kind, vif bridges, FLASK sid) and its pool is below target. Otherwise -ENOENT
 * (no such flavour), -ESTALE (the flavour changed) or -ENOSPC (the pool is
 * full), WHY saying which in words. Returns the index.
 */
int chaos_adopt_pool(const struct chaos_flavour *f, size_t n,
                     const unsigned int *ready,
                     const struct chaos_shell_shape *shape, char *why,
                     size_t len);

/*
 * The clone flavour a parent of MEMORY_MB (its max memory), VCPUS and
 * NR_VIFS vifs (VIFS, their bridges) takes: among the clone flavours with
 * exactly VCPUS (Xen requires the parent's vCPU count) and at least
 * MEMORY_MB, first those whose vif templates are the parent's vifs (a
 * shell's vif N is reused only for the parent's vif N on the same bridge),
 * then the others; within each, the one with the least memory. A child of
 * a shell whose vifs differ has them removed and its own made (xencloned);
 * *VIFS_MATCH (may be NULL) says which case it is. chaos_flavour_match()
 * never picks a clone flavour. Returns its index or -ENOENT.
 */
int chaos_flavour_match_clone(const struct chaos_flavour *f, size_t n,
                              unsigned int memory_mb, unsigned int vcpus,
                              const struct chaos_vif *vifs,
                              unsigned int nr_vifs, bool *vifs_match);

/* One pool's accounting. */
struct chaos_pool_count {
    unsigned int target;    /* shells wanted */
    unsigned int ready;     /* prepared, waiting for a request */
    unsigned int preparing; /* being made now */
    uint64_t made, served, failed, discarded;
    uint64_t adopted; /* ready shells taken over from a previous daemon */
    uint64_t lost;    /* ready shells someone else destroyed or ran */
};

/* Shells to start making now so that ready + preparing reaches target. */
unsigned int chaos_pool_deficit(const struct chaos_pool_count *p);
/* Ready shells beyond the target (after a resize down): to discard. */
unsigned int chaos_pool_excess(const struct chaos_pool_count *p);
/* Bookkeeping; each returns -EINVAL on an impossible transition. */
int chaos_pool_begin(struct chaos_pool_count *p);        /* start one */
int chaos_pool_end(struct chaos_pool_count *p, bool ok); /* made/failed */
int chaos_pool_take(struct chaos_pool_count *p);         /* serve one */
int chaos_pool_discard(struct chaos_pool_count *p);      /* drop one */
int chaos_pool_adopt(struct chaos_pool_count *p);        /* one more ready */
int chaos_pool_lose(struct chaos_pool_count *p);         /* one was lost */

/*
 * The refill rate limit: at most RATE shells a second on average, BURST at
 * once. Times are the caller's monotonic milliseconds.
 */
struct chaos_rate {
    unsigned int rate;  /* shells per second (> 0) */
    unsigned int burst; /* bucket size (> 0) */
    uint64_t last_ms;
    uint64_t milli_tokens; /* tokens x 1000 */
};

int chaos_rate_init(struct chaos_rate *r, unsigned int rate, unsigned int burst,
                    uint64_t now_ms);
/* Take one token if there is one: true (and consumed) or false. */
bool chaos_rate_take(struct chaos_rate *r, uint64_t now_ms);
/* Milliseconds until a token will be there (0: one is there now). */
uint64_t chaos_rate_wait_ms(const struct chaos_rate *r, uint64_t now_ms);

#ifdef __cplusplus
}
#endif
#endif
