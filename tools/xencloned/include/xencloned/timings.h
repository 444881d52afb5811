/* timings.h: per-child phase timings and their aggregation (pure logic). */
#ifndef XENCLONED_TIMINGS_H
#define XENCLONED_TIMINGS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The phases xencloned times for every child, in the order it runs them.
 * "wait" is the time from the VIRQ that announced the child (or the drain
 * at start) until xencloned began it: children of one batch wait for the
 * ones before them. Each of the other phases is the time of one step of
 * child.c. The clone hypercall itself and xenconsoled's console set-up are
 * not on xencloned's path: it cannot time them (see the README).
 */
enum cloned_phase {
    PHASE_WAIT,
    PHASE_XENSTORE,  /* copying the parent's XenStore entries */
    PHASE_NINEP,     /* xen9pfsd cloning the 9pfs devices */
    PHASE_INTRODUCE, /* xs_introduce_domain (xenconsoled follows) */
    PHASE_VIFS,      /* cloning every vif, until Connected */
    PHASE_COMPLETE,  /* CLONEOP_complete */
    PHASE_UNPAUSE,   /* xc_domain_unpause */
    PHASE_FIRST_RUN, /* unpause until the child's vCPU has run */
    CLONED_NR_PHASES
};

/* The phase's name in the JSON status ("xenstore_copy", ...). */
const char *timings_phase_name(enum cloned_phase p);

#define CLONED_TIMINGS_RECENT 64 /* children kept one by one */

/* One child's timings, in microseconds; -1: the phase did not run. */
struct cloned_child_timing {
    unsigned int child, parent;
    int status;       /* 0, or the negative errno it failed with */
    const char *step; /* the step that failed (static), or NULL */
    int64_t start_us; /* monotonic clock when it was announced */
    int64_t last_us;  /* the end of the last phase marked */
    int64_t phase_us[CLONED_NR_PHASES];
    int64_t total_us; /* announced until the last phase marked */
};

/* Statistics of one phase over every child that ran it. */
struct cloned_phase_stats {
    uint64_t count;
    int64_t sum_us, min_us, max_us;
};

struct cloned_timings {
    struct cloned_child_timing recent[CLONED_TIMINGS_RECENT];
    unsigned int next; /* where the next child goes in recent[] */
    unsigned int nr;   /* valid entries in recent[] */
    struct cloned_phase_stats phase[CLONED_NR_PHASES];
    struct cloned_phase_stats total;
    uint64_t completed, failed;
};

/* Start T for CHILD of PARENT, announced at ANNOUNCED_US, begun at NOW_US. */
void timings_begin(struct cloned_child_timing *t, unsigned int child,
                   unsigned int parent, int64_t announced_us, int64_t now_us);

/* Phase P of T ended at NOW_US: it took the time since the last mark. */
void timings_mark(struct cloned_child_timing *t, enum cloned_phase p,
                  int64_t now_us);

/* Set phase P to DURATION_US directly (a phase measured apart). */
void timings_set(struct cloned_child_timing *t, enum cloned_phase p,
                 int64_t duration_us);

/* The phase of T that took longest (ties: the first), or -1 if none ran. */
int timings_slowest(const struct cloned_child_timing *t);

/* Add the finished T (status STATUS, failed at STEP or NULL) to TS. */
void timings_record(struct cloned_timings *ts, struct cloned_child_timing *t,
                    int status, const char *step);

/*
 * Phase P of the recorded child CHILD, measured after it was recorded (its
 * first run): set it and add it to the statistics. -ENOENT if CHILD is no
 * longer among the recent ones, -EEXIST if P is already set.
 */
int timings_late(struct cloned_timings *ts, unsigned int child,
                 enum cloned_phase p, int64_t duration_us);

/* The recorded child CHILD, newest first; NULL if not among the recent. */
struct cloned_child_timing *timings_find(struct cloned_timings *ts,
                                         unsigned int child);

/*
 * The median of phase P (PHASE_TOTAL for the total) over the recent
 * children that ran it; -1 if none did.
 */
#define PHASE_TOTAL (-1)
int64_t timings_median(const struct cloned_timings *ts, int p);

/* What the status adds beside the timings (the service's own state). */
/* Xen's shell stock, as xencloned keeps it (stock.c): status JSON. */
struct cloned_stock_info {
    unsigned int target;     /* [service] fork_shells */
    unsigned int ours;       /* shells we gave Xen that it still holds */
    unsigned int in_xen;     /* Xen's nr_stock */
    uint64_t taken, dropped; /* Xen's nr_stock_taken, nr_stock_dropped */
    uint64_t added;          /* shells we gave Xen since we started */
    unsigned int parent;     /* the parent we top up for, 0: none yet */
    unsigned int domids[64]; /* the first min(ours, 64) of ours */
};

struct cloned_status_info {
    int pid;
    bool registered;
    unsigned int ring_entries, ring_pending;
    uint64_t reaped, policies;
    int64_t uptime_us;
    const struct cloned_stock_info *stock; /* NULL: no "stock" object */
};

/*
 * The JSON status (one line, '\n'-terminated, malloc()ed into *OUT):
 * {"ok":true,"pid":..,"registered":..,"uptime_us":..,
 *  "ring":{"entries":..,"pending":..},
 *  "counters":{"completed":..,"failed":..,"reaped":..,"policies":..},
 *  "phases":{"wait":{"count":..,"sum_us":..,"min_us":..,"max_us":..,
 *            "mean_us":..,"median_us":..},...},
 *  "total":{...},
 *  "stock":{"target":..,"in_xen":..,"ours":[domids],"parent":..,
 *           "added":..,"taken":..,"dropped":..} (when known),
 *  "children":[{"child":..,"parent":..,"ok":..,"step":..,"errno":..,
 *               "total_us":..,"phases":{"wait":..,...}},...]}
 * "children" lists the recent ones, oldest first; a phase a child did not
 * run is absent from its "phases". Returns 0 or -ENOMEM.
 */
int timings_json(const struct cloned_timings *ts,
                 const struct cloned_status_info *info, char **out);

#endif
