/* test-timings.c: host tests of the phase timings, their statistics, the
 * JSON status and the control request parser. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <yajl/yajl_tree.h>

#include "xencloned/control.h"
#include "xencloned/timings.h"
#include "tap.h"

static yajl_val get(yajl_val root, const char *a, const char *b, const char *c)
{
    const char *path[] = {a, b, c, NULL};

    return yajl_tree_get(root, path, yajl_t_any);
}

static long long num(yajl_val v)
{
    return v && YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : -999;
}

/* A child announced at A, begun at A + wait, each phase taking STEP us. */
static void one_child(struct cloned_timings *ts, unsigned int child, int64_t a,
                      int64_t wait, int64_t step, int fail_at)
{
    struct cloned_child_timing t;
    int64_t now = a + wait;
    const char *failed = NULL;
    int status = 0;

    timings_begin(&t, child, 1, a, now);
    for (int p = PHASE_XENSTORE; p <= PHASE_UNPAUSE; p++) {
        now += step;
        if (p == fail_at) {
            failed = "cloning the vifs";
            status = -ETIMEDOUT;
            break;
        }
        timings_mark(&t, p, now);
    }
    timings_record(ts, &t, status, failed);
}

int main(void)
{
    struct cloned_timings *ts = calloc(1, sizeof(*ts));
    struct cloned_status_info info = {
        .pid = 42, .registered = true, .ring_entries = 64, .reaped = 3};
    struct cloned_child_timing t;
    char *json = NULL, *op, *err, *line;
    yajl_val root, v;
    char ebuf[128];
    int ok_all;

    plan(54);

    /* One child, marked by hand. */
    timings_begin(&t, 5, 1, 1000, 1300);
    t.phase_us[PHASE_WAIT] = -1;
    is_int(timings_slowest(&t), -1, "slowest: none when no phase ran");
    timings_begin(&t, 5, 1, 1000, 1300);
    is_int(t.phase_us[PHASE_WAIT], 300, "wait: announced to begun");
    is_int(t.phase_us[PHASE_XENSTORE], -1, "a phase not run yet is -1");
    timings_mark(&t, PHASE_XENSTORE, 1800);
    is_int(t.phase_us[PHASE_XENSTORE], 500,
           "a phase is the time since the "
           "last mark");
    timings_mark(&t, PHASE_INTRODUCE, 1700);
    is_int(t.phase_us[PHASE_INTRODUCE], 0,
           "a clock going back gives 0, never a negative");
    is_int(t.total_us, 800, "total: announced to the last mark");
    timings_set(&t, PHASE_VIFS, -5);
    is_int(t.phase_us[PHASE_VIFS], 0, "a negative duration is set as 0");
    is_int(timings_slowest(&t), PHASE_XENSTORE,
           "slowest: the phase that took longest");
    timings_set(&t, PHASE_COMPLETE, 500);
    is_int(timings_slowest(&t), PHASE_XENSTORE,
           "slowest: of two equal phases, the first");
    timings_set(&t, CLONED_NR_PHASES, 7); /* out of range: ignored */
    ok(1, "an out-of-range phase is ignored");
    is_str(timings_phase_name(PHASE_XENSTORE), "xenstore_copy",
           "phase names: xenstore_copy");
    is_str(timings_phase_name(PHASE_FIRST_RUN), "first_run", "  first_run");
    is_str(timings_phase_name(CLONED_NR_PHASES), "?", "  out of range: ?");

    /* Statistics: three good children and one failed at the vifs. */
    is_int(timings_median(ts, PHASE_XENSTORE), -1, "no median without data");
    one_child(ts, 10, 0, 100, 10, -1);
    one_child(ts, 11, 0, 200, 30, -1);
    one_child(ts, 12, 0, 300, 20, -1);
    one_child(ts, 13, 0, 400, 40, PHASE_VIFS);
    is_int(ts->completed, 3, "3 completed");
    is_int(ts->failed, 1, "1 failed");
    is_int(ts->phase[PHASE_XENSTORE].count, 4, "xenstore ran 4 times");
    is_int(ts->phase[PHASE_VIFS].count, 3,
           "vifs completed 3 times (the "
           "failed one is not counted)");
    is_int(ts->phase[PHASE_XENSTORE].min_us, 10, "  min");
    is_int(ts->phase[PHASE_XENSTORE].max_us, 40, "  max");
    is_int(ts->phase[PHASE_XENSTORE].sum_us, 100, "  sum");
    is_int(timings_median(ts, PHASE_XENSTORE), 20,
           "  median of 10 20 30 40: the lower middle, 20");
    is_int(ts->total.count, 3, "total counts the completed children only");
    is_int(timings_median(ts, PHASE_TOTAL), 200 + 6 * 30,
           "  median total of 160 380 420: child 11's wait + 6 phases");
    is_int(timings_median(ts, 99), -1, "median of a bad phase: -1");

    /* A phase measured later (first run). */
    is_int(timings_late(ts, 11, PHASE_FIRST_RUN, 777), 0,
           "a late phase for a recent child");
    is_int(timings_late(ts, 11, PHASE_FIRST_RUN, 1), -EEXIST, "  not twice");
    is_int(timings_late(ts, 99, PHASE_FIRST_RUN, 1), -ENOENT,
           "  not for an unknown child");
    is_int(ts->phase[PHASE_FIRST_RUN].count, 1, "  counted once");

    /* The JSON status. */
    is_int(timings_json(ts, &info, &json), 0, "the status builds");
    ok(json && json[strlen(json) - 1] == '\n', "  as one line");
    root = json ? yajl_tree_parse(json, ebuf, sizeof(ebuf)) : NULL;
    ok(root != NULL, "  that parses as JSON");
    ok(YAJL_IS_TRUE(get(root, "ok", NULL, NULL)), "  ok is true");
    is_int(num(get(root, "pid", NULL, NULL)), 42, "  pid");
    is_int(num(get(root, "ring", "entries", NULL)), 64, "  ring entries");
    is_int(num(get(root, "counters", "completed", NULL)), 3,
           "  counters.completed");
    is_int(num(get(root, "counters", "failed", NULL)), 1, "  counters.failed");
    is_int(num(get(root, "counters", "reaped", NULL)), 3, "  counters.reaped");
    is_int(num(get(root, "phases", "xenstore_copy", "median_us")), 20,
           "  phases.xenstore_copy.median_us");
    is_int(num(get(root, "phases", "first_run", "count")), 1,
           "  phases.first_run.count");
    v = get(root, "children", NULL, NULL);
    ok(v && YAJL_IS_ARRAY(v) && v->u.array.len == 4, "  4 children listed");
    ok_all = v && YAJL_IS_ARRAY(v) && v->u.array.len == 4 &&
             num(get(v->u.array.values[0], "child", NULL, NULL)) == 10 &&
             num(get(v->u.array.values[3], "child", NULL, NULL)) == 13;
    ok(ok_all, "  oldest first");
    ok_all = ok_all &&
             YAJL_IS_FALSE(get(v->u.array.values[3], "ok", NULL, NULL)) &&
             num(get(v->u.array.values[3], "errno", NULL, NULL)) == ETIMEDOUT &&
             !get(v->u.array.values[3], "phases", "vifs", NULL) &&
             num(get(v->u.array.values[3], "phases", "introduce", NULL)) == 40;
    ok(ok_all, "  the failed child: ok false, its errno, no vifs phase");
    if (root)
        yajl_tree_free(root);
    free(json);

    /* More children than the recent window: the oldest go. */
    for (unsigned int i = 0; i < CLONED_TIMINGS_RECENT + 6; i++)
        one_child(ts, 100 + i, 0, 1, 1, -1);
    is_int(ts->nr, CLONED_TIMINGS_RECENT, "the window keeps 64 children");
    ok(timings_find(ts, 10) == NULL && timings_find(ts, 105) == NULL &&
           timings_find(ts, 106) != NULL,
       "  the oldest were dropped");
    is_int(ts->completed, 3 + CLONED_TIMINGS_RECENT + 6,
           "  the counters keep counting");

    /* Control requests. */
    is_int(control_parse_request("{\"op\":\"status\"}", &op, &err), 0,
           "a status request parses");
    is_str(op, "status", "  op status");
    g_free(op);
    is_int(control_parse_request("{\"op\":", &op, &err), -EINVAL,
           "truncated JSON is refused");
    ok(err && strstr(err, "not JSON"), "  saying so");
    g_free(err);
    is_int(control_parse_request("[1]", &op, &err), -EINVAL,
           "an array is refused");
    g_free(err);
    is_int(control_parse_request("{\"op\":3}", &op, &err), -EINVAL,
           "an op that is no string is refused");
    ok(err && strstr(err, "no \"op\" string"), "  saying so");
    g_free(err);
    line = control_error_reply("bad \"x\"");
    is_str(line, "{\"ok\":false,\"error\":\"bad \\\"x\\\"\"}\n",
           "an error reply, quotes escaped");
    free(line);
    free(ts);
    return done_testing();
}
