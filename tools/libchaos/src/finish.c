/* finish.c: turn a shell into a running guest (kernel, command line,
 * console, vifs, xenstored introduction, unpause). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "xendev/console.h"

/* Phase timings of one finish, kept in ctx->timings as "NAME_us=N ...". */
struct phase_clock {
    char *out;
    long long start, last;
    size_t len;
};

static void phase_start(struct phase_clock *pc, struct chaos_ctx *ctx)
{
    pc->out = ctx->timings;
    pc->out[0] = '\0';
    pc->len = 0;
    pc->start = pc->last = chaos_mono_us();
}

/* Close phase NAME (the time since the previous mark). */
static void phase_mark(struct phase_clock *pc, const char *name)
{
    long long now = chaos_mono_us();
    int n;

    if (pc->len >= CHAOS_TIMINGS_MAX)
        return;
    n = snprintf(pc->out + pc->len, CHAOS_TIMINGS_MAX - pc->len, "%s%s_us=%lld",
                 pc->len ? " " : "", name, now - pc->last);
    pc->len += n > 0 ? (size_t)n : 0;
    pc->last = now;
}

static void phase_total(struct phase_clock *pc)
{
    pc->last = pc->start;
    phase_mark(pc, "total");
}

/* Give the console the shell made ready its ring: xenconsoled connects. */
static int console_ring(struct chaos_ctx *ctx, unsigned int domid,
                        unsigned long mfn)
{
    struct xendev_ctx xc = {.store = ctx->store};
    struct xendev dev;
    int rc = xendev_init(&dev, &xendev_console_ops, 0, domid, 0);

    if (!rc)
        rc = xendev_console_set_ring(&xc, &dev, mfn);
    if (rc)
        return chaos_fail(ctx, rc, "console", "%s",
                          xc.error[0] ? xc.error : strerror(-rc));
    return 0;
}

/* The guest's own identity in XenStore (its name before its console, so
 * that xenconsoled names the log after it). */
static int write_identity(struct chaos_ctx *ctx, const struct chaos_shell *sh,
                          const struct chaos_domain_config *cfg,
                          const char *uuid, unsigned long store_mfn)
{
    struct xs_permissions perms[2] = {{.id = 0, .perms = XS_PERM_NONE},
                                      {.id = sh->domid, .perms = XS_PERM_READ}};
    char home[64], p[128], vm[64];
    int rc = 0, tries;

    snprintf(home, sizeof(home), "/local/domain/%u", sh->domid);
    snprintf(vm, sizeof(vm), "/vm/%s", uuid);
    for (tries = 0; tries < 16; tries++) {
        xs_transaction_t t = xs_transaction_start(ctx->xsh);

        if (t == XBT_NULL)
            return chaos_neg_errno();
#define PUT(path, ...)                                                         \
    if (!rc)                                                                   \
    rc = chaos_xs_printf(ctx, t, path, __VA_ARGS__)
        PUT(vm, "%s", "");
        if (!rc && !xs_set_permissions(ctx->xsh, t, vm, perms, 2))
            rc = chaos_neg_errno();
        snprintf(p, sizeof(p), "%s/uuid", vm);
        PUT(p, "%s", uuid);
        snprintf(p, sizeof(p), "%s/name", vm);
        PUT(p, "%s", cfg->name);
        snprintf(p, sizeof(p), "%s/vm", home);
        PUT(p, "%s", vm);
        snprintf(p, sizeof(p), "%s/name", home);
        PUT(p, "%s", cfg->name);
        snprintf(p, sizeof(p), "%s/store/ring-ref", home);
        PUT(p, "%lu", store_mfn);
        snprintf(p, sizeof(p), "%s/chaos/state", home);
        PUT(p, "%s", "finishing");
#undef PUT
        if (!xs_transaction_end(ctx->xsh, t, rc != 0)) {
            if (!rc && errno == EAGAIN)
                continue;
            if (!rc)
                rc = chaos_neg_errno();
        }
        return rc;
    }
    return -EAGAIN;
}

int chaos_shell_finish(struct chaos_ctx *ctx, struct chaos_shell **shp,
                       const struct chaos_domain_config *cfg,
                       unsigned int *domid)
{
    const char *step = "checking the request";
    char err[CHAOS_ERR_MAX], uuid_s[37], p[96];
    struct chaos_shell *sh = shp ? *shp : NULL;
    struct phase_clock pc;
    struct xc_dom_image *dom;
    unsigned long store_mfn, console_mfn;
    uint8_t uuid[16];
    int rc, lockfd;

    if (!ctx || !sh || !cfg || !domid)
        return ctx ? chaos_fail(ctx, -EINVAL, step, "%s",
                                "no shell, config or domid given")
                   : -EINVAL;
    ctx->error[0] = '\0';
    phase_start(&pc, ctx);
    dom = sh->dom;
    /* Refusals: the shell is left as it is, still the caller's. */
    rc = chaos_config_check(cfg, err, sizeof(err));
    if (rc)
        return chaos_fail(ctx, rc, step, "%s", err);
    if (cfg->memory_mb > sh->memory_mb || cfg->vcpus > sh->vcpus || !dom)
        return chaos_fail(ctx, -E2BIG, step,
                          "%u MB and %u vCPUs do not fit shell %u (%u MB, %u "
                          "vCPUs)",
                          cfg->memory_mb, cfg->vcpus, sh->domid, sh->memory_mb,
                          sh->vcpus);
    rc = chaos_name_in_use(ctx, cfg->name);
    if (rc)
        return chaos_fail(ctx, rc > 0 ? -EEXIST : rc, step,
                          rc > 0 ? "a domain named '%s' exists already"
                                 : "cannot read the domains' names to check "
                                   "'%s' is free",
                          cfg->name);
    /* From here on the shell is consumed, whatever happens. */
    *shp = NULL;
    phase_mark(&pc, "check");

    step = "loading the kernel";
    dom->cmdline = xc_dom_strdup(dom, cfg->cmdline);
    if (!dom->cmdline || xc_dom_kernel_file(dom, cfg->kernel)) {
        rc = chaos_neg_errno();
        chaos_fail(ctx, rc, step, "cannot read %s: %s", cfg->kernel,
                   strerror(-rc));
        goto fail_quiet;
    }
    step = "parsing the kernel";
    if (xc_dom_parse_image(dom)) {
        rc = -ENOEXEC;
        chaos_fail(ctx, rc, step, "%s is not a PV kernel Xen can load",
                   cfg->kernel);
        goto fail_quiet;
    }
    if (!dom->guest_type || strcmp(dom->guest_type, CHAOS_GUEST_TYPE)) {
        rc = -ENOEXEC;
        chaos_fail(ctx, rc, step, "%s is a %s kernel; shells are made for %s",
                   cfg->kernel, dom->guest_type ? dom->guest_type : "unknown",
                   CHAOS_GUEST_TYPE);
        goto fail_quiet;
    }
    phase_mark(&pc, "kernel");
    step = "xc_dom_build_image";
    if (xc_dom_build_image(dom)) {
        rc = -ENOMEM;
        goto fail;
    }
    phase_mark(&pc, "build");
    step = "xc_dom_boot_image";
    if (xc_dom_boot_image(dom)) {
        rc = chaos_neg_errno();
        goto fail;
    }
    step = "xc_dom_gnttab_init";
    if (xc_dom_gnttab_init(dom)) {
        rc = chaos_neg_errno();
        goto fail;
    }
    store_mfn = xc_dom_p2m(dom, dom->xenstore_pfn);
    console_mfn = xc_dom_p2m(dom, dom->console_pfn);
    xc_dom_release(dom);
    sh->dom = NULL;
    phase_mark(&pc, "boot");

    step = "making the guest's UUID";
    rc = chaos_random(uuid, sizeof(uuid));
    if (rc)
        goto fail;
    uuid[6] = (uuid[6] & 0x0f) | 0x40; /* version 4 */
    uuid[8] = (uuid[8] & 0x3f) | 0x80; /* RFC 4122 variant */
    chaos_uuid_format(uuid, uuid_s);
    /* Checked again under xl's lock: another create may have taken it. */
    rc = chaos_name_claim(ctx, cfg->name, &lockfd);
    if (rc)
        goto fail_quiet;
    phase_mark(&pc, "claim");
    step = "writing the guest's XenStore entries";
    rc = write_identity(ctx, sh, cfg, uuid_s, store_mfn);
    chaos_name_release(lockfd);
    if (rc)
        goto fail;
    phase_mark(&pc, "xenstore");
    rc = console_ring(ctx, sh->domid, console_mfn);
    if (rc)
        goto fail_quiet;
    phase_mark(&pc, "console");
    rc = chaos_vifs_finish(ctx, sh->domid, sh->vif_bridges, sh->nr_vifs,
                           cfg->vifs, cfg->nr_vifs);
    if (rc)
        goto fail_quiet;
    phase_mark(&pc, "vifs");
    step = "introducing the guest to xenstored";
    if (!xs_introduce_domain(ctx->xsh, sh->domid, store_mfn, sh->store_port)) {
        rc = chaos_neg_errno();
        goto fail;
    }
    phase_mark(&pc, "introduce");
    step = "giving the guest its UUID (xc_domain_sethandle)";
    if (xc_domain_sethandle(ctx->xch, sh->domid, uuid)) {
        rc = chaos_neg_errno();
        goto fail;
    }
    memcpy(sh->handle, uuid, sizeof(sh->handle)); /* still ours to discard */
    step = "marking it a guest";
    snprintf(p, sizeof(p), "/local/domain/%u/chaos/state", sh->domid);
    rc = chaos_xs_printf(ctx, XBT_NULL, p, "%s", "guest");
    if (rc)
        goto fail;
    step = "xc_domain_unpause";
    if (xc_domain_unpause(ctx->xch, sh->domid)) {
        rc = chaos_neg_errno();
        goto fail;
    }
    phase_mark(&pc, "unpause");
    phase_total(&pc);
    *domid = sh->domid;
    chaos_record_remove(sh->domid); /* a guest now, no shell to adopt */
    free(sh);
    return 0;

fail:
    chaos_fail(ctx, rc, step, "%s", strerror(-rc));
fail_quiet:
    chaos_shell_discard(ctx, sh); /* keeps ctx->error */
    return rc;
}

int chaos_create_direct(struct chaos_ctx *ctx,
                        const struct chaos_domain_config *cfg,
                        unsigned int *domid)
{
    struct chaos_shell_spec spec = {
        .flavour = "direct", .memory_mb = cfg->memory_mb, .vcpus = cfg->vcpus};
    struct chaos_shell *sh;
    char err[CHAOS_ERR_MAX];
    int rc = chaos_config_check(cfg, err, sizeof(err));

    if (rc)
        return chaos_fail(ctx, rc, "checking the request", "%s", err);
    /* Refuse a name in use before any domain is made. */
    rc = chaos_name_in_use(ctx, cfg->name);
    if (rc)
        return chaos_fail(ctx, rc > 0 ? -EEXIST : rc, "checking the request",
                          "a domain named '%s' exists already", cfg->name);
    rc = chaos_shell_prepare(ctx, &spec, &sh);
    if (rc)
        return rc;
    /* Checked again there: the name may have been taken meanwhile. */
    rc = chaos_shell_finish(ctx, &sh, cfg, domid);
    if (sh)
        chaos_shell_discard(ctx, sh); /* refused: keeps ctx->error */
    return rc;
}
