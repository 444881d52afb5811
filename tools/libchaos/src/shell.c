/* shell.c: prepare a shell (domain, memory, event channels, XenStore
 * skeleton, tags) and discard one. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "xendev/console.h"
#include "xendev/vif.h"

/* libxl's LIBXL_MAXMEM_CONSTANT: slack above the guest's memory, in KiB. */
#define MAXMEM_SLACK_KB 1024
/* Xen's default number of event channels for a guest (libxl: 1023). */
#define MAX_EVTCHN_PORT 1023

unsigned int chaos_shell_domid(const struct chaos_shell *sh)
{
    return sh->domid;
}

unsigned int chaos_shell_memory_mb(const struct chaos_shell *sh)
{
    return sh->memory_mb;
}

unsigned int chaos_shell_vcpus(const struct chaos_shell *sh)
{
    return sh->vcpus;
}

const char *chaos_shell_flavour(const struct chaos_shell *sh)
{
    return sh->flavour;
}

const char (*chaos_shell_vif_bridges(const struct chaos_shell *sh,
                                     unsigned int *n))[16]
{
    *n = sh->nr_vifs;
    return sh->vif_bridges;
}

bool chaos_shell_is_clone(const struct chaos_shell *sh)
{
    return sh->clone;
}

uint32_t chaos_shell_ssidref(const struct chaos_shell *sh)
{
    return sh->ssidref;
}

/* A pool's shell (not a one-off "direct" one) is recorded for adoption. */
static int record(struct chaos_ctx *ctx, struct chaos_shell *sh)
{
    int rc;

    if (!strcmp(sh->flavour, "direct"))
        return 0;
    rc = chaos_record_write(ctx, sh);
    if (rc)
        chaos_shell_discard(ctx, sh); /* keeps ctx->error */
    return rc;
}

/* Read a domid another daemon publishes (xenstored, xenconsoled); 0 if
 * it publishes none, or none Xen could have given (above
 * DOMID_FIRST_RESERVED - 1, or not a number). */
static unsigned int tool_domid(struct chaos_ctx *ctx, const char *path)
{
    unsigned int domid;
    char buf[16];

    if (chaos_xs_read(ctx, path, buf, sizeof(buf)) ||
        xendev_parse_uint(buf, XENDEV_DOMID_MAX, &domid))
        return 0;
    return domid;
}

static int set_perms(struct chaos_ctx *ctx, xs_transaction_t t,
                     const char *path, unsigned int owner, int reader)
{
    struct xs_permissions p[2] = {
        {.id = owner, .perms = XS_PERM_NONE},
        {.id = (unsigned int)reader, .perms = XS_PERM_READ}};

    if (!xs_set_permissions(ctx->xsh, t, path, p, reader < 0 ? 1 : 2))
        return chaos_neg_errno();
    return 0;
}

/* The shell's XenStore skeleton, in one transaction. */
static int write_skeleton(struct chaos_ctx *ctx, xs_transaction_t t,
                          const struct chaos_shell *sh)
{
    static const char *const guest_dirs[] = {
        "device", "control",          "data", "drivers", "feature", "attr",
        "error",  "control/shutdown", NULL};
    char home[64], p[128];
    unsigned int i, d = sh->domid;
    int rc;

    snprintf(home, sizeof(home), "/local/domain/%u", d);
    xs_rm(ctx->xsh, t, home);
    if ((rc = chaos_xs_printf(ctx, t, home, "%s", "")) ||
        (rc = set_perms(ctx, t, home, 0, (int)d)))
        return rc;
#define PUT(key, ...)                                                          \
    do {                                                                       \
        snprintf(p, sizeof(p), "%s/%s", home, key);                            \
        if ((rc = chaos_xs_printf(ctx, t, p, __VA_ARGS__)))                    \
            return rc;                                                         \
    } while (0)
    PUT("name", "chaos-shell-%u", d);
    PUT("domid", "%u", d);
    PUT("memory/static-max", "%u", sh->memory_mb * 1024);
    PUT("memory/target", "%u", sh->memory_mb * 1024);
    PUT("store/port", "%u", sh->store_port);
    for (i = 0; i < sh->vcpus; i++) {
        char key[32];

        snprintf(key, sizeof(key), "cpu/%u/availability", i);
        PUT(key, "%s", "online");
    }
    PUT("chaos/state", "%s", "shell");
    PUT("chaos/flavour", "%s", sh->flavour);
    PUT("chaos/pid", "%d", (int)getpid());
#undef PUT
    for (i = 0; guest_dirs[i]; i++) {
        snprintf(p, sizeof(p), "%s/%s", home, guest_dirs[i]);
        if ((rc = chaos_xs_printf(ctx, t, p, "%s", "")) ||
            (rc = set_perms(ctx, t, p, d, -1)))
            return rc;
    }
    return 0;
}

static int skeleton(struct chaos_ctx *ctx, const struct chaos_shell *sh)
{
    int rc, tries;

    for (tries = 0; tries < 16; tries++) {
        xs_transaction_t t = xs_transaction_start(ctx->xsh);

        if (t == XBT_NULL)
            return chaos_neg_errno();
        rc = write_skeleton(ctx, t, sh);
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

/* The console, made ready but for its ring (known once the kernel is
 * built): xenconsoled connects when finish writes it. */
static int console_ready(struct chaos_ctx *ctx, const struct chaos_shell *sh)
{
    struct xendev_ctx xc = {.store = ctx->store};
    struct xendev_console_config cfg = {.ring_ref = 0,
                                        .port = sh->console_port};
    struct xendev dev;
    int rc = xendev_init(&dev, &xendev_console_ops, 0, sh->domid, 0);

    if (!rc)
        rc = dev.ops->create(&xc, &dev, &cfg);
    if (rc)
        return chaos_fail(ctx, rc, "making the console ready", "%s",
                          xc.error[0] ? xc.error : strerror(-rc));
    return 0;
}

/* Populate the memory through libxenguest, as libxl's build does, but
 * before any kernel is known: the guest type is fixed (CHAOS_GUEST_TYPE),
 * so the arch hooks and the p2m are ready for xc_dom_build_image later. */
static int populate(struct chaos_ctx *ctx, struct chaos_shell *sh,
                    const char **step)
{
    struct xc_dom_image *dom;

    *step = "allocating the build image";
    dom = xc_dom_allocate(ctx->xch, NULL, NULL);
    if (!dom)
        return -ENOMEM;
    sh->dom = dom;
    dom->container_type = XC_DOM_PV_CONTAINER;
    dom->guest_type = CHAOS_GUEST_TYPE;
    dom->flags = 0;
    dom->console_evtchn = sh->console_port;
    dom->console_domid = sh->console_domid;
    dom->xenstore_evtchn = sh->store_port;
    dom->xenstore_domid = sh->store_domid;
    dom->claim_enabled = 0;
    dom->max_vcpus = sh->vcpus;
    *step = "xc_dom_boot_xen_init";
    if (xc_dom_boot_xen_init(dom, ctx->xch, sh->domid))
        return chaos_neg_errno();
    *step = "xc_dom_mem_init";
    if (xc_dom_mem_init(dom, sh->memory_mb))
        return chaos_neg_errno();
    *step = "populating memory (xc_dom_boot_mem_init)";
    if (xc_dom_boot_mem_init(dom))
        return -ENOMEM;
    return 0;
}

/* An empty clone shell: the domain only, shaped like an xl-made PV guest
 * (what Xen's clone_check_shell compares with the parent). */
static int prepare_clone(struct chaos_ctx *ctx, struct chaos_shell *sh,
                         struct xen_domctl_createdomain *create,
                         const char **step)
{
    xc_physinfo_t phys = {0};
    uint32_t domid = 0;

    /* libxl gives a PV guest the highest grant version Xen offers. */
    *step = "xc_physinfo";
    if (xc_physinfo(ctx->xch, &phys))
        return chaos_neg_errno();
    create->grant_opts = XEN_DOMCTL_GRANT_version(
        phys.capabilities & XEN_SYSCTL_PHYSCAP_gnttab_v2 ? 2 : 1);
    memcpy(create->handle, CHAOS_CLONE_MAGIC, CHAOS_SHELL_MAGIC_LEN);
    *step = "xc_domain_create";
    if (xc_domain_create(ctx->xch, &domid, create))
        return chaos_neg_errno();
    sh->domid = domid;
    memcpy(sh->handle, create->handle, sizeof(sh->handle));
    return 0;
}

/*
 * A clone shell's vifs, made ahead: for each, libxendev's create (a
 * frontend directory in state 1 that stands in for the child's until the
 * clone, and the backend), netback's probe (InitWait, vif<D>.<N>) and the
 * hotplug onto the flavour's bridge; the backend is tagged "shell" so that
 * xencloned's reaper removes it if the shell is destroyed unused. When the
 * clone writes the child's frontend, netback connects this backend
 * (xencloned, docs/shell-lifecycle.md). Nothing here touches the domain
 * itself: Xen still sees an empty shell (no page, no event channel).
 */
static int clone_vifs(struct chaos_ctx *ctx, struct chaos_shell *sh,
                      const struct chaos_shell_spec *spec)
{
    char p[96];
    int rc;

    for (unsigned int i = 0; i < spec->nr_vifs; i++) {
        struct chaos_vif v = {.mac = ""};

        snprintf(v.bridge, sizeof(v.bridge), "%s", spec->vif_bridges[i]);
        rc = chaos_vif_add(ctx, sh->domid, i, &v);
        if (!rc) {
            snprintf(p, sizeof(p), "/local/domain/0/backend/vif/%u/%u/%s",
                     sh->domid, i, XENDEV_VIF_SHELL_KEY);
            rc = chaos_xs_printf(ctx, XBT_NULL, p, "%s", "shell");
            if (rc)
                chaos_fail(ctx, rc, "vif", "vif %u: cannot tag it: %s", i,
                           strerror(-rc));
        }
        if (rc) {
            chaos_shell_discard(ctx, sh); /* keeps ctx->error */
            return rc;
        }
        snprintf(sh->vif_bridges[i], sizeof(sh->vif_bridges[i]), "%s",
                 v.bridge);
        sh->nr_vifs++;
    }
    return 0;
}

int chaos_shell_handover(struct chaos_ctx *ctx, struct chaos_shell *sh, int pid,
                         unsigned int *domid)
{
    xen_domain_handle_t h;
    uint32_t p = (uint32_t)pid;
    int rc;

    if (!sh || !sh->clone) {
        rc = chaos_fail(ctx, -EINVAL, "handing a shell over",
                        "only empty clone shells are handed over");
        goto fail;
    }
    memcpy(h, CHAOS_CLONE_MAGIC, CHAOS_SHELL_MAGIC_LEN);
    memcpy(h + 8, &p, 4);
    rc = chaos_random(h + 12, 4);
    if (!rc && xc_domain_sethandle(ctx->xch, sh->domid, h))
        rc = chaos_neg_errno();
    if (rc) {
        chaos_fail(ctx, rc, "re-tagging the shell for its taker",
                   "domain %u: %s", sh->domid, strerror(-rc));
        goto fail;
    }
    *domid = sh->domid;
    chaos_record_remove(sh->domid); /* the taker's now */
    free(sh);
    return 0;
fail:
    chaos_shell_discard(ctx, sh);
    return rc;
}

int chaos_shell_prepare(struct chaos_ctx *ctx,
                        const struct chaos_shell_spec *spec,
                        struct chaos_shell **out)
{
    struct xen_domctl_createdomain create = {
        .max_evtchn_port = MAX_EVTCHN_PORT,
        .max_grant_frames = -1,    /* Xen's default */
        .max_maptrack_frames = -1, /* Xen's default */
        .grant_opts = XEN_DOMCTL_GRANT_version(1),
        .arch = {.emulation_flags = 0}, /* PV */
    };
    const char *step = "checking the request";
    struct chaos_shell *sh = NULL;
    uint32_t domid = 0;
    uint32_t pid = (uint32_t)getpid();
    bool created = false;
    unsigned int i;
    int rc;

    if (!ctx || !spec || !out || !spec->memory_mb || !spec->vcpus ||
        spec->vcpus > 128 || spec->nr_vifs > CHAOS_MAX_VIFS ||
        (spec->flavour && chaos_flavour_name_valid(spec->flavour))) {
        rc = -EINVAL;
        goto fail;
    }
    sh = calloc(1, sizeof(*sh));
    if (!sh) {
        rc = -ENOMEM;
        goto fail;
    }
    snprintf(sh->flavour, sizeof(sh->flavour), "%s",
             spec->flavour ? spec->flavour : "direct");
    sh->memory_mb = spec->memory_mb;
    sh->vcpus = spec->vcpus;
    sh->ssidref = spec->ssidref;
    create.ssidref = spec->ssidref;

    /* The Xen tag: magic, our pid, 4 random bytes. */
    step = "making the shell's handle";
    memcpy(create.handle, CHAOS_SHELL_MAGIC, CHAOS_SHELL_MAGIC_LEN);
    memcpy(create.handle + 8, &pid, 4);
    rc = chaos_random(create.handle + 12, 4);
    if (rc)
        goto fail;
    create.max_vcpus = spec->vcpus;
    if (spec->clone) {
        sh->clone = true;
        memcpy(create.handle + 8, &pid, 4);
        rc = prepare_clone(ctx, sh, &create, &step);
        if (rc)
            goto fail;
        rc = clone_vifs(ctx, sh, spec);
        if (!rc)
            rc = record(ctx, sh);
        if (rc)
            return rc; /* the shell is discarded; ctx->error says why */
        *out = sh;
        return 0;
    }
    step = "xc_domain_create";
    if (xc_domain_create(ctx->xch, &domid, &create)) {
        rc = chaos_neg_errno();
        goto fail;
    }
    created = true;
    sh->domid = domid;
    memcpy(sh->handle, create.handle, sizeof(sh->handle));
    step = "xc_domain_max_vcpus";
    if (xc_domain_max_vcpus(ctx->xch, domid, spec->vcpus)) {
        rc = chaos_neg_errno();
        goto fail;
    }
    step = "xc_domain_setmaxmem";
    if (xc_domain_setmaxmem(ctx->xch, domid,
                            (uint64_t)spec->memory_mb * 1024 +
                                MAXMEM_SLACK_KB)) {
        rc = chaos_neg_errno();
        goto fail;
    }
    step = "xc_domain_set_memmap_limit";
    if (xc_domain_set_memmap_limit(ctx->xch, domid,
                                   (unsigned long)spec->memory_mb * 1024 +
                                       MAXMEM_SLACK_KB)) {
        rc = chaos_neg_errno();
        goto fail;
    }
    sh->store_domid = tool_domid(ctx, "/tool/xenstored/domid");
    sh->console_domid = tool_domid(ctx, "/tool/xenconsoled/domid");
    step = "allocating the XenStore event channel";
    rc = xc_evtchn_alloc_unbound(ctx->xch, domid, sh->store_domid);
    if (rc < 0) {
        rc = chaos_neg_errno();
        goto fail;
    }
    sh->store_port = (unsigned int)rc;
    step = "allocating the console event channel";
    rc = xc_evtchn_alloc_unbound(ctx->xch, domid, sh->console_domid);
    if (rc < 0) {
        rc = chaos_neg_errno();
        goto fail;
    }
    sh->console_port = (unsigned int)rc;
    step = "writing the XenStore skeleton";
    rc = skeleton(ctx, sh);
    if (rc)
        goto fail;
    rc = console_ready(ctx, sh);
    if (rc) {
        chaos_shell_discard(ctx, sh); /* ctx->error says why */
        return rc;
    }
    rc = populate(ctx, sh, &step);
    if (rc)
        goto fail;
    for (i = 0; i < spec->nr_vifs; i++) {
        struct chaos_vif v = {.mac = ""};

        step = "making a vif ready";
        snprintf(v.bridge, sizeof(v.bridge), "%s", spec->vif_bridges[i]);
        rc = chaos_vif_add(ctx, domid, i, &v);
        if (rc) {
            /* ctx->error says which vif and why; discard keeps it. */
            chaos_shell_discard(ctx, sh);
            return rc;
        }
        snprintf(sh->vif_bridges[i], sizeof(sh->vif_bridges[i]), "%s",
                 v.bridge);
        sh->nr_vifs++;
    }
    rc = record(ctx, sh);
    if (rc)
        return rc; /* the shell is discarded; ctx->error says why */
    *out = sh;
    return 0;

fail:
    chaos_fail(ctx, rc, step, "%s (shell of %u MB, %u vCPUs)%s", strerror(-rc),
               spec ? spec->memory_mb : 0, spec ? spec->vcpus : 0,
               rc == -EACCES && !strcmp(step, "xc_domain_create")
                   ? (spec->ssidref ? "; the XSM policy refuses Dom0 that "
                                      "label"
                                    : "; the XSM policy refuses an unlabelled "
                                      "domain: give the flavour a seclabel")
                   : "");
    if (sh && sh->dom)
        xc_dom_release(sh->dom);
    if (created) {
        xc_domain_destroy(ctx->xch, domid);
        chaos_xs_cleanup(ctx, domid, NULL);
    }
    free(sh);
    return rc;
}

void chaos_shell_discard(struct chaos_ctx *ctx, struct chaos_shell *sh)
{
    char keep[2 * CHAOS_ERR_MAX];

    if (!sh)
        return;
    if (sh->dom)
        xc_dom_release(sh->dom);
    sh->dom = NULL;
    snprintf(keep, sizeof(keep), "%s", ctx->error);
    /* Its domid may name another domain by now: touch nothing then. Gone
     * from Xen (destroyed by someone else): what we wrote for it is still
     * ours to remove; chaos_destroy() leaves a domid Xen does not list and
     * XenStore does not tag alone (a clone shell has no home). */
    if (chaos_shell_check(ctx, sh) != -ESTALE &&
        chaos_destroy(ctx, sh->domid) == -ESRCH)
        chaos_forget(ctx, sh->domid);
    snprintf(ctx->error, sizeof(ctx->error), "%s", keep);
    free(sh);
}

int chaos_shell_check(struct chaos_ctx *ctx, const struct chaos_shell *sh)
{
    const char *step = "checking the shell";
    xc_domaininfo_t info;
    int n;

    ctx->error[0] = '\0';
    n = xc_domain_getinfolist(ctx->xch, sh->domid, 1, &info);
    if (n < 0) {
        int rc = chaos_neg_errno();

        return chaos_fail(ctx, rc, step, "xc_domain_getinfolist: %s",
                          strerror(-rc));
    }
    if (n != 1 || info.domain != sh->domid)
        return chaos_fail(ctx, -ESRCH, step,
                          "domain %u is gone (destroyed by someone else)",
                          sh->domid);
    if (memcmp(info.handle, sh->handle, sizeof(sh->handle)))
        return chaos_fail(ctx, -ESTALE, step,
                          "domain %u is another domain now (its Xen handle "
                          "is not the shell's)",
                          sh->domid);
    if (info.flags & XEN_DOMINF_dying)
        return chaos_fail(ctx, -ESRCH, step,
                          "domain %u is dying (destroyed by someone else)",
                          sh->domid);
    if (!(info.flags & XEN_DOMINF_paused))
        return chaos_fail(ctx, -EBUSY, step,
                          "domain %u was unpaused: no longer an unused shell",
                          sh->domid);
    return 0;
}
