/* timings.c: per-child phase timings, their statistics and the JSON status. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "xencloned/timings.h"

#define GSTR(g, s) yajl_gen_string(g, (const unsigned char *)(s), strlen(s))

static const char *const phase_names[CLONED_NR_PHASES] = {
    [PHASE_WAIT] = "wait",       [PHASE_XENSTORE] = "xenstore_copy",
    [PHASE_NINEP] = "9pfs",      [PHASE_INTRODUCE] = "introduce",
    [PHASE_VIFS] = "vifs",       [PHASE_COMPLETE] = "complete",
    [PHASE_UNPAUSE] = "unpause", [PHASE_FIRST_RUN] = "first_run",
};

const char *timings_phase_name(enum cloned_phase p)
{
    return (unsigned int)p < CLONED_NR_PHASES ? phase_names[p] : "?";
}

void timings_begin(struct cloned_child_timing *t, unsigned int child,
                   unsigned int parent, int64_t announced_us, int64_t now_us)
{
    *t = (struct cloned_child_timing){
        .child = child,
        .parent = parent,
        .start_us = announced_us,
        .last_us = announced_us,
    };
    for (int p = 0; p < CLONED_NR_PHASES; p++)
        t->phase_us[p] = -1;
    timings_mark(t, PHASE_WAIT, now_us);
}

void timings_mark(struct cloned_child_timing *t, enum cloned_phase p,
                  int64_t now_us)
{
    /* The monotonic clock does not go back; never record a negative. */
    if (now_us < t->last_us)
        now_us = t->last_us;
    timings_set(t, p, now_us - t->last_us);
    t->last_us = now_us;
    t->total_us = now_us - t->start_us;
}

void timings_set(struct cloned_child_timing *t, enum cloned_phase p,
                 int64_t duration_us)
{
    if ((unsigned int)p >= CLONED_NR_PHASES)
        return;
    t->phase_us[p] = duration_us < 0 ? 0 : duration_us;
}

int timings_slowest(const struct cloned_child_timing *t)
{
    int slowest = -1;

    for (int p = 0; p < CLONED_NR_PHASES; p++)
        if (t->phase_us[p] >= 0 &&
            (slowest < 0 || t->phase_us[p] > t->phase_us[slowest]))
            slowest = p;
    return slowest;
}

static void stats_add(struct cloned_phase_stats *s, int64_t us)
{
    if (!s->count || us < s->min_us)
        s->min_us = us;
    if (!s->count || us > s->max_us)
        s->max_us = us;
    s->sum_us += us;
    s->count++;
}

void timings_record(struct cloned_timings *ts, struct cloned_child_timing *t,
                    int status, const char *step)
{
    t->status = status;
    t->step = status ? step : NULL;
    for (int p = 0; p < CLONED_NR_PHASES; p++)
        if (t->phase_us[p] >= 0)
            stats_add(&ts->phase[p], t->phase_us[p]);
    if (status == 0)
        stats_add(&ts->total, t->total_us);
    if (status)
        ts->failed++;
    else
        ts->completed++;
    ts->recent[ts->next] = *t;
    ts->next = (ts->next + 1) % CLONED_TIMINGS_RECENT;
    if (ts->nr < CLONED_TIMINGS_RECENT)
        ts->nr++;
}

/* The I-th recent child, oldest first. */
static const struct cloned_child_timing *recent(const struct cloned_timings *ts,
                                                unsigned int i)
{
    unsigned int first =
        (ts->next + CLONED_TIMINGS_RECENT - ts->nr) % CLONED_TIMINGS_RECENT;

    return &ts->recent[(first + i) % CLONED_TIMINGS_RECENT];
}

struct cloned_child_timing *timings_find(struct cloned_timings *ts,
                                         unsigned int child)
{
    for (unsigned int i = ts->nr; i-- > 0;) {
        const struct cloned_child_timing *t = recent(ts, i);

        if (t->child == child)
            return (struct cloned_child_timing *)t;
    }
    return NULL;
}

int timings_late(struct cloned_timings *ts, unsigned int child,
                 enum cloned_phase p, int64_t duration_us)
{
    struct cloned_child_timing *t = timings_find(ts, child);

    if (!t || (unsigned int)p >= CLONED_NR_PHASES)
        return -ENOENT;
    if (t->phase_us[p] >= 0)
        return -EEXIST;
    timings_set(t, p, duration_us);
    stats_add(&ts->phase[p], t->phase_us[p]);
    return 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

int64_t timings_median(const struct cloned_timings *ts, int p)
{
    int64_t v[CLONED_TIMINGS_RECENT];
    unsigned int n = 0;

    if (p != PHASE_TOTAL && (p < 0 || p >= CLONED_NR_PHASES))
        return -1;
    for (unsigned int i = 0; i < ts->nr; i++) {
        const struct cloned_child_timing *t = recent(ts, i);

        if (p == PHASE_TOTAL) {
            if (t->status == 0)
                v[n++] = t->total_us;
        } else if (t->phase_us[p] >= 0) {
            v[n++] = t->phase_us[p];
        }
    }
    if (!n)
        return -1;
    qsort(v, n, sizeof(v[0]), cmp_i64);
    /* The lower middle for an even count: always a measured value. */
    return v[(n - 1) / 2];
}

static void gen_int(yajl_gen g, const char *key, long long v)
{
    GSTR(g, key);
    yajl_gen_integer(g, v);
}

static void gen_stats(yajl_gen g, const char *key,
                      const struct cloned_phase_stats *s, int64_t median)
{
    GSTR(g, key);
    yajl_gen_map_open(g);
    gen_int(g, "count", (long long)s->count);
    if (s->count) {
        gen_int(g, "sum_us", s->sum_us);
        gen_int(g, "min_us", s->min_us);
        gen_int(g, "max_us", s->max_us);
        gen_int(g, "mean_us", s->sum_us / (int64_t)s->count);
        if (median >= 0)
            gen_int(g, "median_us", median);
    }
    yajl_gen_map_close(g);
}

static void gen_child(yajl_gen g, const struct cloned_child_timing *t)
{
    yajl_gen_map_open(g);
    gen_int(g, "child", t->child);
    gen_int(g, "parent", t->parent);
    GSTR(g, "ok");
    yajl_gen_bool(g, t->status == 0);
    if (t->status) {
        GSTR(g, "step");
        GSTR(g, t->step ? t->step : "?");
        gen_int(g, "errno", -t->status);
    }
    gen_int(g, "total_us", t->total_us);
    GSTR(g, "phases");
    yajl_gen_map_open(g);
    for (int p = 0; p < CLONED_NR_PHASES; p++)
        if (t->phase_us[p] >= 0)
            gen_int(g, phase_names[p], t->phase_us[p]);
    yajl_gen_map_close(g);
    yajl_gen_map_close(g);
}

int timings_json(const struct cloned_timings *ts,
                 const struct cloned_status_info *info, char **out)
{
    const unsigned char *buf;
    size_t len;
    yajl_gen g = yajl_gen_alloc(NULL);
    int rc = -ENOMEM;

    *out = NULL;
    if (!g)
        goto out;
    yajl_gen_map_open(g);
    GSTR(g, "ok");
    yajl_gen_bool(g, 1);
    gen_int(g, "pid", info->pid);
    GSTR(g, "registered");
    yajl_gen_bool(g, info->registered);
    gen_int(g, "uptime_us", info->uptime_us);
    GSTR(g, "ring");
    yajl_gen_map_open(g);
    gen_int(g, "entries", info->ring_entries);
    gen_int(g, "pending", info->ring_pending);
    yajl_gen_map_close(g);
    GSTR(g, "counters");
    yajl_gen_map_open(g);
    gen_int(g, "completed", (long long)ts->completed);
    gen_int(g, "failed", (long long)ts->failed);
    gen_int(g, "reaped", (long long)info->reaped);
    gen_int(g, "policies", (long long)info->policies);
    yajl_gen_map_close(g);
    GSTR(g, "phases");
    yajl_gen_map_open(g);
    for (int p = 0; p < CLONED_NR_PHASES; p++)
        gen_stats(g, phase_names[p], &ts->phase[p], timings_median(ts, p));
    yajl_gen_map_close(g);
    gen_stats(g, "total", &ts->total, timings_median(ts, PHASE_TOTAL));
    if (info->stock) {
        const struct cloned_stock_info *st = info->stock;

        GSTR(g, "stock");
        yajl_gen_map_open(g);
        gen_int(g, "target", st->target);
        gen_int(g, "in_xen", st->in_xen);
        GSTR(g, "ours");
        yajl_gen_array_open(g);
        for (unsigned int i = 0; i < st->ours && i < 64; i++)
            yajl_gen_integer(g, st->domids[i]);
        yajl_gen_array_close(g);
        gen_int(g, "parent", st->parent);
        gen_int(g, "added", (long long)st->added);
        gen_int(g, "taken", (long long)st->taken);
        gen_int(g, "dropped", (long long)st->dropped);
        yajl_gen_map_close(g);
    }
    GSTR(g, "children");
    yajl_gen_array_open(g);
    for (unsigned int i = 0; i < ts->nr; i++)
        gen_child(g, recent(ts, i));
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok) {
        rc = -EINVAL;
        goto out;
    }
    *out = malloc(len + 2);
    if (!*out)
        goto out;
    memcpy(*out, buf, len);
    (*out)[len] = '\n';
    (*out)[len + 1] = '\0';
    rc = 0;
out:
    if (g)
        yajl_gen_free(g);
    return rc;
}
