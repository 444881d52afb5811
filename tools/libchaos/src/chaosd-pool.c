/* chaosd-pool.c: chaosd's pools of shells: background refill (rate-limited),
 * serving a create from a ready shell, resize, status, drain on exit. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "chaos/proto.h"
#include "chaosd.h"

#define GSTR(g, s) yajl_gen_string(g, (const unsigned char *)(s), strlen(s))

static guint64 now_ms(void)
{
    return (guint64)(g_get_monotonic_time() / 1000);
}

void pools_init(struct chaosd *d)
{
    d->n_pools = d->config.n_flavours;
    for (size_t i = 0; i < d->n_pools; i++) {
        struct chaosd_pool *p = &d->pools[i];

        memset(p, 0, sizeof(*p));
        p->flavour = d->config.flavours[i];
        p->count.target = p->flavour.target;
        g_queue_init(&p->shells);
    }
    chaos_rate_init(&d->rate, d->config.refill_rate, d->config.refill_burst,
                    now_ms());
}

char *reply_error(const char *reason, const char *step, int err,
                  const char *fmt, ...)
{
    struct chaos_reply rep = {.ok = false, .err_no = err < 0 ? -err : err};
    char *line = NULL, *out;
    va_list ap;

    g_strlcpy(rep.reason, reason, sizeof(rep.reason));
    g_strlcpy(rep.step, step ? step : "", sizeof(rep.step));
    va_start(ap, fmt);
    g_vsnprintf(rep.error, sizeof(rep.error), fmt, ap);
    va_end(ap);
    if (chaos_proto_reply(&rep, &line))
        return g_strdup("{\"ok\":false,\"reason\":\"failed\",\"error\":"
                        "\"out of memory\"}\n");
    out = g_strdup(line);
    free(line);
    return out;
}

/* The pool that lacks the most shells (NULL: all are full). */
static struct chaosd_pool *neediest(struct chaosd *d)
{
    struct chaosd_pool *best = NULL;

    for (size_t i = 0; i < d->n_pools; i++) {
        unsigned int need = chaos_pool_deficit(&d->pools[i].count);

        if (need && (!best || need > chaos_pool_deficit(&best->count)))
            best = &d->pools[i];
    }
    return best;
}

/* Discard ready shells beyond each pool's target (after a resize down). */
static void trim(struct chaosd *d)
{
    for (size_t i = 0; i < d->n_pools; i++) {
        struct chaosd_pool *p = &d->pools[i];

        while (chaos_pool_excess(&p->count)) {
            struct chaos_shell *sh = g_queue_pop_tail(&p->shells);

            g_info("pool %s: discarding shell %u (target %u)", p->flavour.name,
                   chaos_shell_domid(sh), p->count.target);
            chaos_pool_discard(&p->count);
            chaos_shell_discard(d->ctx, sh);
        }
    }
}

/* Make one shell for P. */
static void refill_one(struct chaosd *d, struct chaosd_pool *p)
{
    struct chaos_shell_spec spec = {.flavour = p->flavour.name,
                                    .memory_mb = p->flavour.memory_mb,
                                    .vcpus = p->flavour.vcpus,
                                    .nr_vifs = p->flavour.nr_vifs,
                                    .clone = p->flavour.clone,
                                    .ssidref = p->flavour.ssidref};
    struct chaos_shell *sh = NULL;
    gint64 t0 = g_get_monotonic_time();
    int rc;

    memcpy(spec.vif_bridges, p->flavour.vif_bridges, sizeof(spec.vif_bridges));
    chaos_pool_begin(&p->count);
    rc = chaos_shell_prepare(d->ctx, &spec, &sh);
    chaos_pool_end(&p->count, rc == 0);
    if (rc) {
        g_warning("pool %s: preparing a shell failed at %s", p->flavour.name,
                  chaos_error(d->ctx));
        return;
    }
    g_queue_push_tail(&p->shells, sh);
    g_info("pool %s: shell %u ready in %" G_GINT64_FORMAT " us (%u/%u)",
           p->flavour.name, chaos_shell_domid(sh), g_get_monotonic_time() - t0,
           p->count.ready, p->count.target);
}

/* Drop the ready shells someone else destroyed (or unpaused), so that a
 * request never gets one and the refill makes their replacements. */
static unsigned int prune(struct chaosd *d)
{
    unsigned int lost = 0;

    for (size_t i = 0; i < d->n_pools; i++) {
        struct chaosd_pool *p = &d->pools[i];
        GList *l = p->shells.head;

        while (l) {
            GList *next = l->next;
            struct chaos_shell *sh = l->data;
            int rc = chaos_shell_check(d->ctx, sh);

            if (rc == -ESRCH || rc == -ESTALE || rc == -EBUSY) {
                g_warning("pool %s: shell %u lost, %s; dropped",
                          p->flavour.name, chaos_shell_domid(sh),
                          chaos_error(d->ctx));
                g_queue_delete_link(&p->shells, l);
                chaos_pool_lose(&p->count);
                chaos_shell_discard(d->ctx, sh);
                lost++;
            } else if (rc) {
                g_warning("pool %s: shell %u kept: %s", p->flavour.name,
                          chaos_shell_domid(sh), chaos_error(d->ctx));
            }
            l = next;
        }
    }
    return lost;
}

/* Every PRUNE_S seconds: look for lost shells (no event tells chaosd:
 * xenstored never introduced a shell, so no @releaseDomain comes), and
 * take in the name index's events so they do not pile up between
 * creates. */
#define PRUNE_S 2
static gboolean on_prune(gpointer data)
{
    struct chaosd *d = data;
    int rc = chaos_name_watch_drain(d->ctx);

    if (rc < 0)
        g_warning("name index dropped, rebuilt at the next create: %s",
                  g_strerror(-rc));
    if (prune(d))
        pools_schedule_refill(d);
    return G_SOURCE_CONTINUE;
}

void pools_watch(struct chaosd *d)
{
    d->prune_source = g_timeout_add_seconds(PRUNE_S, on_prune, d);
}

static gboolean on_refill(gpointer data)
{
    struct chaosd *d = data;
    struct chaosd_pool *p;
    guint64 failed_before;

    d->refill_source = 0;
    p = neediest(d);
    if (!p)
        return G_SOURCE_REMOVE;
    if (chaos_rate_take(&d->rate, now_ms())) {
        failed_before = p->count.failed;
        refill_one(d, p);
        /* A failure (out of memory...) waits a second before the retry. */
        if (p->count.failed != failed_before) {
            d->refill_source = g_timeout_add(1000, on_refill, d);
            return G_SOURCE_REMOVE;
        }
    }
    pools_schedule_refill(d);
    return G_SOURCE_REMOVE;
}

void pools_schedule_refill(struct chaosd *d)
{
    guint64 wait;

    trim(d);
    if (d->refill_source || !neediest(d))
        return;
    wait = chaos_rate_wait_ms(&d->rate, now_ms());
    d->refill_source = g_timeout_add((guint)(wait ? wait : 0), on_refill, d);
}

static bool maker_gone(int pid, int prev)
{
    if (pid == getpid())
        return false;
    return pid <= 0 || pid == prev || (kill(pid, 0) < 0 && errno == ESRCH);
}

/* Take over shell DOMID (left by a dead maker) or destroy it, saying why:
 * true if adopted. */
static bool adopt_one(struct chaosd *d, const struct chaos_domain_info *di)
{
    unsigned int ready[CHAOSD_MAX_FLAVOURS];
    struct chaos_flavour fl[CHAOSD_MAX_FLAVOURS];
    struct chaos_shell_shape shape;
    struct chaos_shell *sh = NULL;
    char why[CHAOS_ERR_MAX];
    int k;

    if (!strcmp(di->state, "finishing")) {
        g_info("adopt: domain %u (%s): destroyed: its maker died while "
               "finishing it",
               di->domid, di->name);
        chaos_destroy(d->ctx, di->domid);
        return false;
    }
    if (chaos_shell_adopt(d->ctx, di->domid, &sh)) {
        g_info("adopt: shell %u: destroyed: half-made or damaged (%s): %s",
               di->domid, di->state, chaos_error(d->ctx));
        if (chaos_destroy(d->ctx, di->domid))
            g_warning("adopt: destroying shell %u failed at %s", di->domid,
                      chaos_error(d->ctx));
        return false;
    }
    for (size_t i = 0; i < d->n_pools; i++) {
        fl[i] = d->pools[i].flavour;
        fl[i].target = d->pools[i].count.target;
        ready[i] = d->pools[i].count.ready;
    }
    shape.flavour = chaos_shell_flavour(sh);
    shape.memory_mb = chaos_shell_memory_mb(sh);
    shape.vcpus = chaos_shell_vcpus(sh);
    shape.clone = chaos_shell_is_clone(sh);
    shape.vif_bridges = chaos_shell_vif_bridges(sh, &shape.nr_vifs);
    shape.ssidref = chaos_shell_ssidref(sh);
    k = chaos_adopt_pool(fl, d->n_pools, ready, &shape, why, sizeof(why));
    if (k < 0) {
        g_info("adopt: shell %u: destroyed: %s", di->domid, why);
        chaos_shell_discard(d->ctx, sh);
        return false;
    }
    g_queue_push_tail(&d->pools[k].shells, sh);
    chaos_pool_adopt(&d->pools[k].count);
    g_info("adopt: shell %u: adopted into pool %s: %s", di->domid,
           d->pools[k].flavour.name, why);
    return true;
}

void pools_adopt(struct chaosd *d, int prev)
{
    struct chaos_domain_info *list = NULL;
    unsigned int adopted = 0, seen = 0;
    size_t n = 0;

    if (chaos_list(d->ctx, &list, &n)) {
        g_warning("adopt: listing chaos domains failed at %s",
                  chaos_error(d->ctx));
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const struct chaos_domain_info *di = &list[i];

        if (!strcmp(di->state, "guest") || !strcmp(di->state, "orphan") ||
            !maker_gone(di->pid, prev))
            continue;
        adopted += adopt_one(d, di) ? 1 : 0;
        seen++;
    }
    free(list);
    if (seen)
        g_info("adopt: %u shell(s) left by a previous chaosd: %u adopted, %u "
               "destroyed",
               seen, adopted, seen - adopted);
}

void pools_drain(struct chaosd *d)
{
    if (d->refill_source)
        g_source_remove(d->refill_source);
    d->refill_source = 0;
    if (d->prune_source)
        g_source_remove(d->prune_source);
    d->prune_source = 0;
    for (size_t i = 0; i < d->n_pools; i++) {
        struct chaosd_pool *p = &d->pools[i];
        struct chaos_shell *sh;

        while ((sh = g_queue_pop_head(&p->shells))) {
            chaos_pool_discard(&p->count);
            chaos_shell_discard(d->ctx, sh);
        }
    }
}

static char *reply_ok(unsigned int domid, const char *name, const char *flavour)
{
    struct chaos_reply rep = {.ok = true, .domid = domid};
    char *line = NULL, *out;

    g_strlcpy(rep.name, name, sizeof(rep.name));
    g_strlcpy(rep.flavour, flavour, sizeof(rep.flavour));
    if (chaos_proto_reply(&rep, &line))
        return reply_error("failed", "replying", ENOMEM, "out of memory");
    out = g_strdup(line);
    free(line);
    return out;
}

char *pools_create(struct chaosd *d, const struct chaos_domain_config *cfg)
{
    const char *step = "matching a flavour";
    struct chaos_flavour fl[CHAOSD_MAX_FLAVOURS];
    struct chaosd_pool *p;
    struct chaos_shell *sh;
    unsigned int domid, shell;
    struct stat st;
    bool vifs_match = false;
    char *out;
    int i, rc;

    for (size_t k = 0; k < d->n_pools; k++)
        fl[k] = d->pools[k].flavour;
    i = chaos_flavour_match(fl, d->n_pools, cfg->memory_mb, cfg->vcpus,
                            cfg->vifs, cfg->nr_vifs, &vifs_match);
    if (i < 0) {
        unsigned int big = 0;

        for (size_t k = 0; k < d->n_pools; k++)
            big = MAX(big, fl[k].memory_mb);
        return reply_error("nofit", step, ENOENT,
                           "%u MB and %u vCPU(s) fit no shell flavour "
                           "(largest: %u MB)",
                           cfg->memory_mb, cfg->vcpus, big);
    }
    p = &d->pools[i];
    prune(d);
    /* Refusals that need no shell come before one is taken. */
    step = "checking the request";
    if (stat(cfg->kernel, &st))
        return reply_error("bad-request", step, errno, "kernel %s: %s",
                           cfg->kernel, g_strerror(errno));
    if (!S_ISREG(st.st_mode))
        return reply_error("bad-request", step, EINVAL,
                           "kernel %s: not a regular file", cfg->kernel);
    /* The name is checked once, by chaos_shell_finish(): a refusal there
     * leaves the shell untouched and it goes back to the pool. Requests
     * are handled one at a time, so no other finish of ours can take the
     * name between that check and the name's write. */
    sh = g_queue_pop_head(&p->shells);
    if (!sh) {
        pools_schedule_refill(d);
        return reply_error("empty", "taking a shell", EAGAIN,
                           "pool '%s' has no ready shell (%u being made)",
                           p->flavour.name, p->count.preparing);
    }
    shell = chaos_shell_domid(sh);
    step = "finishing the shell";
    rc = chaos_shell_finish(d->ctx, &sh, cfg, &domid);
    if (sh) {
        /* Refused before it changed anything: still a ready shell. */
        const char *why = strstr(chaos_error(d->ctx), ": ");

        g_queue_push_head(&p->shells, sh);
        g_info("create %s refused (%s); shell %u stays in pool %s", cfg->name,
               chaos_error(d->ctx), shell, p->flavour.name);
        return reply_error("bad-request", "checking the request", rc, "%s",
                           why ? why + 2 : chaos_error(d->ctx));
    }
    chaos_pool_take(&p->count);
    if (!vifs_match)
        g_info("create %s: no flavour has its %u vif(s); shell %u of pool %s "
               "had %u: finishing kept those on the wanted bridge, removed "
               "the others and made the missing ones",
               cfg->name, cfg->nr_vifs, shell, p->flavour.name,
               p->flavour.nr_vifs);
    if (rc) {
        g_warning("create %s from pool %s failed at %s", cfg->name,
                  p->flavour.name, chaos_error(d->ctx));
        out = reply_error("failed", step, rc, "%s", chaos_error(d->ctx));
    } else {
        g_info("created %s (domid %u) from pool %s: %s", cfg->name, domid,
               p->flavour.name, chaos_last_timings(d->ctx));
        out = reply_ok(domid, cfg->name, p->flavour.name);
    }
    pools_schedule_refill(d);
    return out;
}

char *pools_shells(struct chaosd *d, unsigned int parent, unsigned int count,
                   int pid)
{
    struct chaos_reply rep = {.ok = true};
    struct chaos_flavour fl[CHAOSD_MAX_FLAVOURS];
    const char *step = "reading the parent";
    unsigned int mem_mb, vcpus, i, nr_vifs = 0;
    struct chaos_vif vifs[CHAOS_MAX_VIFS];
    bool vifs_match = false;
    struct chaosd_pool *p;
    char *line = NULL, *out;
    int k, rc;

    rc = chaos_domain_shape(d->ctx, parent, &mem_mb, &vcpus);
    if (rc)
        return reply_error("bad-request", step, rc, "%s", chaos_error(d->ctx));
    step = "matching a clone flavour";
    for (size_t j = 0; j < d->n_pools; j++)
        fl[j] = d->pools[j].flavour;
    chaos_domain_vifs(d->ctx, parent, vifs, &nr_vifs);
    k = chaos_flavour_match_clone(fl, d->n_pools, mem_mb, vcpus, vifs, nr_vifs,
                                  &vifs_match);
    if (k < 0)
        return reply_error("nofit", step, ENOENT,
                           "no clone flavour for domain %u (%u MB, %u "
                           "vCPU(s))",
                           parent, mem_mb, vcpus);
    p = &d->pools[k];
    prune(d);
    /* All or none: Xen takes shells for every child or for none. */
    step = "taking shells";
    if (p->count.ready < count) {
        pools_schedule_refill(d);
        return reply_error("empty", step, EAGAIN,
                           "pool '%s' has %u ready shell(s), %u wanted (%u "
                           "being made)",
                           p->flavour.name, p->count.ready, count,
                           p->count.preparing);
    }
    g_strlcpy(rep.flavour, p->flavour.name, sizeof(rep.flavour));
    for (i = 0; i < count; i++) {
        struct chaos_shell *sh = g_queue_pop_head(&p->shells);

        chaos_pool_take(&p->count);
        rc = chaos_shell_handover(d->ctx, sh, pid, &rep.domids[i]);
        if (rc) {
            g_warning("pool %s: handing a shell over failed at %s",
                      p->flavour.name, chaos_error(d->ctx));
            /* The ones handed over already are the taker's: it gets none,
             * so they go too. */
            while (i-- > 0)
                chaos_destroy(d->ctx, rep.domids[i]);
            pools_schedule_refill(d);
            return reply_error("failed", step, rc, "%s", chaos_error(d->ctx));
        }
    }
    rep.nr_domids = count;
    if (!vifs_match)
        g_info("pool %s: no clone flavour has the %u vif(s) of domain %u; "
               "xencloned removes the shells' other vifs and makes the "
               "children's own",
               p->flavour.name, nr_vifs, parent);
    g_info("pool %s: %u shell(s) handed to pid %d for a clone of domain %u",
           p->flavour.name, count, pid, parent);
    pools_schedule_refill(d);
    if (chaos_proto_reply(&rep, &line))
        return reply_error("failed", "replying", ENOMEM, "out of memory");
    out = g_strdup(line);
    free(line);
    return out;
}

char *pools_resize(struct chaosd *d, const char *flavour, unsigned int target)
{
    for (size_t i = 0; i < d->n_pools; i++) {
        struct chaosd_pool *p = &d->pools[i];

        if (strcmp(p->flavour.name, flavour))
            continue;
        g_info("pool %s: target %u -> %u", flavour, p->count.target, target);
        p->count.target = target;
        pools_schedule_refill(d);
        return g_strdup("{\"ok\":true}\n");
    }
    return reply_error("bad-request", "resizing", ENOENT,
                       "no flavour '%s' in chaosd's configuration", flavour);
}

char *pools_status(struct chaosd *d)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    const unsigned char *buf;
    size_t len;
    char *out;

    yajl_gen_map_open(g);
    GSTR(g, "ok");
    yajl_gen_bool(g, 1);
    GSTR(g, "pid");
    yajl_gen_integer(g, getpid());
    GSTR(g, "refill_rate");
    yajl_gen_integer(g, d->config.refill_rate);
    GSTR(g, "refill_burst");
    yajl_gen_integer(g, d->config.refill_burst);
    GSTR(g, "flavours");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < d->n_pools; i++) {
        struct chaosd_pool *p = &d->pools[i];

        yajl_gen_map_open(g);
        GSTR(g, "name");
        GSTR(g, p->flavour.name);
#define INT(k, v)                                                              \
    GSTR(g, k);                                                                \
    yajl_gen_integer(g, (long long)(v))
        INT("memory", p->flavour.memory_mb);
        INT("vcpus", p->flavour.vcpus);
        INT("vifs", p->flavour.nr_vifs);
        GSTR(g, "kind");
        GSTR(g, p->flavour.clone ? "clone" : "guest");
        INT("target", p->count.target);
        INT("ready", p->count.ready);
        INT("preparing", p->count.preparing);
        INT("made", p->count.made);
        INT("served", p->count.served);
        INT("failed", p->count.failed);
        INT("discarded", p->count.discarded);
        INT("adopted", p->count.adopted);
        INT("lost", p->count.lost);
#undef INT
        GSTR(g, "shells");
        yajl_gen_array_open(g);
        for (GList *l = p->shells.head; l; l = l->next)
            yajl_gen_integer(g, chaos_shell_domid(l->data));
        yajl_gen_array_close(g);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    yajl_gen_get_buf(g, &buf, &len);
    out = g_strdup_printf("%.*s\n", (int)len, buf);
    yajl_gen_free(g);
    return out;
}
