/* child.c: complete one new child: XenStore copy, xenstored introduction
 * (xenconsoled follows), its vifs, CLONEOP_complete, unpause; fail it on
 * any error. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "xencloned/child.h"
#include "xencloned/firstrun.h"
#include "daemon/log.h"
#include "xencloned/ninep.h"
#include "xencloned/vifclone.h"
#include "xencloned/xsclone.h"

/* The child's UUID as a string (Xen gave it a fresh one). */
static int child_uuid(xc_interface *xch, unsigned int child, char **out)
{
    xc_domaininfo_t info;
    const uint8_t *h = info.handle;

    if (xc_domain_getinfolist(xch, child, 1, &info) != 1 ||
        info.domain != child)
        return -ESRCH;
    *out = g_strdup_printf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                           "%02x%02x%02x%02x%02x%02x",
                           h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8],
                           h[9], h[10], h[11], h[12], h[13], h[14], h[15]);
    return 0;
}

/* A random (version 4) UUID as DOMID's Xen handle: 0 or -errno. */
static int child_fresh_handle(xc_interface *xch, unsigned int domid)
{
    xen_domain_handle_t h;

    for (unsigned int i = 0; i < sizeof(h); i += 4) {
        guint32 r = g_random_int();

        memcpy(&h[i], &r, 4);
    }
    h[6] = (h[6] & 0x0f) | 0x40;
    h[8] = (h[8] & 0x3f) | 0x80;
    return xc_domain_sethandle(xch, domid, h) < 0 ? -errno : 0;
}

/* Read /local/domain/DOMID/LEAF; NULL (errno set) if absent. */
static char *xs_get(struct xs_handle *xsh, unsigned int domid, const char *leaf)
{
    char *path = g_strdup_printf("/local/domain/%u/%s", domid, leaf);
    char *v = xs_read(xsh, XBT_NULL, path, NULL);

    g_free(path);
    return v;
}

/*
 * A child that took CHILD_SLOW_US or more from its announcement (xl clone
 * gives up after 30 s by default): say where the time went, so that a
 * stall names its phase ("wait": the VIRQ, or the main loop, was late).
 */
#define CHILD_SLOW_US (5 * G_USEC_PER_SEC)
static void slow(const struct cloned_child_timing *tm, gint64 now)
{
    int p = timings_slowest(tm);

    if (now - tm->start_us < CHILD_SLOW_US || p < 0)
        return;
    log_warn("child %u of %u was slow: %.3f s from its announcement to "
             "the end of its set-up; its longest phase: %s, %.3f s",
             tm->child, tm->parent, (double)(now - tm->start_us) / 1e6,
             timings_phase_name(p), (double)tm->phase_us[p] / 1e6);
}

int child_complete(struct cloned_service *s,
                   const struct xen_clone_notification *n)
{
    struct xsrewrite rw = {
        .parent = n->parent,
        .child = n->child,
        .store_mfn = n->child_store_mfn,
        .console_mfn = n->child_console_mfn,
    };
    char *pname = NULL, *pvm = NULL, *port_s = NULL, *uuid = NULL;
    char *cname = NULL, *cvm = NULL, *why = NULL;
    const char *step = "reading the parent's name";
    bool copied = false, introduced = false, vifs = false;
    gint64 t0 = g_get_monotonic_time(), t_plan = t0, t_copy = t0;
    struct cloned_child_timing tm;
    struct vifclone_plan plan = {0};
    unsigned long port;
    int rc;

    if (n->flags & XEN_CLONE_NOTIFY_REPLAY) {
        /*
         * A service before us died while this child was pending: undo
         * what it may have done, then set the child up afresh. The
         * XenStore copy below starts by removing the child's paths, and
         * xenstored takes a second introduction of a domain it knows
         * (it binds the event channel again), so no XS_RELEASE is needed.
         */
        log_info("child %u of %u: announced again (its service died); "
                 "setting it up afresh",
                 n->child, n->parent);
        vifclone_remove(s, n->child);
    }
    timings_begin(&tm, n->child, n->parent, s->announced_us, t0);
    if (n->flags & XEN_CLONE_NOTIFY_STOCK) {
        /*
         * A shell from Xen's stock (chaosd's): it still carries chaosd's
         * tag as its UUID, which would make a restarted chaosd reap it.
         * The child gets a UUID of its own, as xl clone's shells do.
         */
        step = "giving the stock's shell a fresh UUID";
        rc = child_fresh_handle(s->xch, n->child);
        if (rc)
            goto fail;
        step = "reading the parent's name";
    }
    pname = xs_get(s->xsh, n->parent, "name");
    if (!pname) {
        rc = errno ? -errno : -ENOENT;
        goto fail;
    }
    pvm = xs_get(s->xsh, n->parent, "vm");
    step = "reading the child's UUID";
    log_debug("child %u: %s", n->child, step);
    rc = child_uuid(s->xch, n->child, &uuid);
    if (rc)
        goto fail;
    cname = xspath_child_name(pname, n->child);
    cvm = g_strdup_printf("/vm/%s", uuid);
    rw.child_name = cname;
    rw.child_uuid = uuid;
    rw.parent_vm = pvm;
    rw.child_vm = pvm ? cvm : NULL;

    /* A child that was a shell with vifs made ahead: which to reuse. */
    step = "planning the shell's vifs";
    t_plan = g_get_monotonic_time();
    rc = vifclone_plan(s, n->parent, n->child, &plan);
    if (rc)
        goto fail;
    t_copy = g_get_monotonic_time();
    step = "copying XenStore";
    log_debug("child %u: %s", n->child, step);
    copied = true;
    rc = xsclone_domain(s->xsh, &rw,
                        s->config->deep_copy ? XSCLONE_DEEP : XSCLONE_XS_CLONE,
                        plan.n ? vifclone_plan_write : NULL, &plan);
    if (rc)
        goto fail;
    if (plan.n)
        log_info("child %u: %u vif(s) of its shell reused: planned in %" PRId64
                 " us, the copy with their frontends took %" PRId64 " us",
                 n->child, plan.n, t_copy - t_plan,
                 g_get_monotonic_time() - t_copy);
    timings_mark(&tm, PHASE_XENSTORE, g_get_monotonic_time());

    step = "cloning 9pfs devices (xen9pfsd)";
    log_debug("child %u: %s", n->child, step);
    rc = ninep_clone(NINEP_SOCKET, n->parent, n->child, &why);
    if (rc) {
        log_err("xen9pfsd: %s", why ? why : g_strerror(-rc));
        goto fail;
    }
    timings_mark(&tm, PHASE_NINEP, g_get_monotonic_time());

    step = "reading the child's store/port";
    log_debug("child %u: %s", n->child, step);
    port_s = xs_get(s->xsh, n->child, "store/port");
    if (!port_s) {
        rc = errno ? -errno : -ENOENT;
        goto fail;
    }
    port = strtoul(port_s, NULL, 10);
    step = "introducing the child to xenstored";
    log_debug("child %u: %s", n->child, step);
    if (!xs_introduce_domain(s->xsh, n->child, n->child_store_mfn, port)) {
        rc = errno ? -errno : -EIO;
        goto fail;
    }
    introduced = true;
    /* A test aid: counted in the introduction's phase. */
    if (s->config->debug_delay_ms)
        g_usleep((gulong)s->config->debug_delay_ms * 1000);
    timings_mark(&tm, PHASE_INTRODUCE, g_get_monotonic_time());

    step = "cloning the vifs";
    log_debug("child %u: %s", n->child, step);
    rc = vifclone_child(s, n->parent, n->child, &plan);
    if (rc)
        goto fail;
    vifs = true;
    timings_mark(&tm, PHASE_VIFS, g_get_monotonic_time());

    step = "CLONEOP_complete";
    log_debug("child %u: %s", n->child, step);
    if (xc_clone_complete(s->xch, n->child, 0) < 0) {
        rc = -errno;
        goto fail;
    }
    timings_mark(&tm, PHASE_COMPLETE, g_get_monotonic_time());
    step = "unpausing the child";
    if (!(n->flags & XEN_CLONE_FLAG_PAUSED) &&
        xc_domain_unpause(s->xch, n->child) < 0) {
        /* Complete but not running: xl unpause can still start it. */
        log_err("child %u (%s) is complete but unpausing it failed: %s",
                n->child, cname, g_strerror(errno));
        rc = -errno;
        goto out;
    }
    if (!(n->flags & XEN_CLONE_FLAG_PAUSED)) {
        timings_mark(&tm, PHASE_UNPAUSE, g_get_monotonic_time());
        firstrun_watch(s, n->child, tm.last_us);
    }
    log_info("child %u (%s) of %u complete%s in %" G_GINT64_FORMAT " us",
             n->child, cname, n->parent,
             n->flags & XEN_CLONE_FLAG_PAUSED ? ", left paused" : ", running",
             g_get_monotonic_time() - t0);
    rc = 0;
    goto out;

fail:
    log_err("child %u of parent %u failed at %s: %s; Xen destroys it (%.3f s "
            "after its announcement, begun after %.3f s)",
            n->child, n->parent, step, g_strerror(-rc),
            (double)(g_get_monotonic_time() - tm.start_us) / 1e6,
            (double)(t0 - tm.start_us) / 1e6);
    if (vifs || plan.n)
        vifclone_remove(s, n->child); /* a reused shell's backends too */
    if (introduced)
        xs_release_domain(s->xsh, n->child);
    if (copied)
        xsclone_remove(s->xsh, &rw);
    if (xc_clone_complete(s->xch, n->child, rc < -32768 ? -EIO : rc) < 0)
        log_err("reporting child %u's failure to Xen failed too: %s", n->child,
                g_strerror(errno));
out:
    timings_record(&s->timings, &tm, rc, step);
    if (rc == 0) /* a failure's line above has its times */
        slow(&tm, g_get_monotonic_time());
    free(port_s);
    free(pname);
    free(pvm);
    g_free(uuid);
    g_free(cname);
    g_free(cvm);
    g_free(why);
    return rc;
}
