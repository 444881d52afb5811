/* firstrun.c: record when an unpaused child first runs: its vCPU 0's run
 * time leaves 0, polled every millisecond from the main loop. */
#include "xencloned/firstrun.h"
#include "daemon/log.h"

struct watched {
    unsigned int child;
    gint64 unpaused_us;
};

static gboolean poll_children(gpointer data)
{
    struct cloned_service *s = data;
    gint64 now = g_get_monotonic_time();
    xc_vcpuinfo_t info;

    for (guint i = s->firstrun->len; i-- > 0;) {
        struct watched *w = &g_array_index(s->firstrun, struct watched, i);

        if (xc_vcpu_getinfo(s->xch, w->child, 0, &info) < 0) {
            log_debug("child %u is gone before it was seen running", w->child);
        } else if (info.cpu_time > 0 || info.running) {
            timings_late(&s->timings, w->child, PHASE_FIRST_RUN,
                         now - w->unpaused_us);
        } else if (now - w->unpaused_us < FIRSTRUN_MAX_US) {
            continue;
        } else {
            log_debug("child %u has not run %d ms after its unpause", w->child,
                      (int)(FIRSTRUN_MAX_US / 1000));
        }
        g_array_remove_index_fast(s->firstrun, i);
    }
    if (s->firstrun->len)
        return G_SOURCE_CONTINUE;
    s->firstrun_timer = 0;
    return G_SOURCE_REMOVE;
}

void firstrun_watch(struct cloned_service *s, unsigned int child,
                    gint64 unpaused_us)
{
    struct watched w = {.child = child, .unpaused_us = unpaused_us};

    if (!s->firstrun)
        s->firstrun = g_array_new(FALSE, FALSE, sizeof(struct watched));
    g_array_append_val(s->firstrun, w);
    if (!s->firstrun_timer)
        s->firstrun_timer = g_timeout_add(1, poll_children, s);
}

void firstrun_stop(struct cloned_service *s)
{
    if (s->firstrun_timer)
        g_source_remove(s->firstrun_timer);
    s->firstrun_timer = 0;
    if (s->firstrun)
        g_array_free(s->firstrun, TRUE);
    s->firstrun = NULL;
}
