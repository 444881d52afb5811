/* adopt.c: a shell's record (its build state, kept where its maker's death
 * does not lose it) and adopting a shell another process made. */
/* xc_map_foreign_pages: libxenctrl's compatibility mapping call. */
#define XC_WANT_COMPAT_MAP_FOREIGN_API
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "xendev/vif.h"

#define RECORD_MAGIC   "chaosREC"
#define RECORD_VERSION 1
#define MAP_BATCH      1024

/* The record's fixed part; the P2M (p2m_size uint64_t) follows. */
struct record {
    char magic[8];
    uint32_t version;
    uint8_t handle[16]; /* the Xen handle when written: same domain? */
    uint32_t domid, memory_mb, vcpus, clone;
    uint32_t store_port, console_port, store_domid, console_domid;
    uint32_t nr_vifs;
    char flavour[CHAOS_FLAVOUR_MAX];
    char vif_bridges[CHAOS_MAX_VIFS][16];
    uint64_t p2m_size;
};

static void record_path(unsigned int domid, char *buf, size_t len)
{
    snprintf(buf, len, "%s/shell-%u", CHAOS_RECORD_DIR, domid);
}

void chaos_record_remove(unsigned int domid)
{
    char p[96], tmp[104];

    record_path(domid, p, sizeof(p));
    snprintf(tmp, sizeof(tmp), "%s.new", p); /* its maker died writing it */
    unlink(tmp);
    unlink(p);
}

static int write_all(int fd, const void *buf, size_t len)
{
    const char *b = buf;

    while (len) {
        ssize_t n = write(fd, b, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? -errno : -EIO;
        b += n;
        len -= (size_t)n;
    }
    return 0;
}

int chaos_record_write(struct chaos_ctx *ctx, const struct chaos_shell *sh)
{
    struct record r = {.version = RECORD_VERSION};
    xc_domaininfo_t info;
    char p[96], tmp[104];
    int fd, rc;

    if (xc_domain_getinfolist(ctx->xch, sh->domid, 1, &info) != 1 ||
        info.domain != sh->domid)
        return chaos_fail(ctx, -ESRCH, "recording the shell", "no domain %u",
                          sh->domid);
    memcpy(r.magic, RECORD_MAGIC, sizeof(r.magic));
    memcpy(r.handle, info.handle, sizeof(r.handle));
    r.domid = sh->domid;
    r.memory_mb = sh->memory_mb;
    r.vcpus = sh->vcpus;
    r.clone = sh->clone;
    r.store_port = sh->store_port;
    r.console_port = sh->console_port;
    r.store_domid = sh->store_domid;
    r.console_domid = sh->console_domid;
    r.nr_vifs = sh->nr_vifs;
    snprintf(r.flavour, sizeof(r.flavour), "%s", sh->flavour);
    memcpy(r.vif_bridges, sh->vif_bridges, sizeof(r.vif_bridges));
    r.p2m_size = sh->dom ? sh->dom->p2m_size : 0;
    if (mkdir(CHAOS_RECORD_DIR, 0700) && errno != EEXIST)
        return chaos_fail(ctx, -errno, "recording the shell", "%s: %s",
                          CHAOS_RECORD_DIR, strerror(errno));
    record_path(sh->domid, p, sizeof(p));
    snprintf(tmp, sizeof(tmp), "%s.new", p);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return chaos_fail(ctx, -errno, "recording the shell", "%s: %s", tmp,
                          strerror(errno));
    rc = write_all(fd, &r, sizeof(r));
    for (uint64_t i = 0; !rc && i < r.p2m_size; i++) {
        uint64_t mfn = sh->dom->pv_p2m[i];

        rc = write_all(fd, &mfn, sizeof(mfn));
    }
    if (close(fd) && !rc)
        rc = -errno;
    if (!rc && rename(tmp, p))
        rc = -errno;
    if (rc) {
        unlink(tmp);
        return chaos_fail(ctx, rc, "recording the shell", "%s: %s", p,
                          strerror(-rc));
    }
    return 0;
}

/* Read the record of DOMID into R and its P2M into *P2M (malloc). */
static int record_read(unsigned int domid, struct record *r, uint64_t **p2m,
                       char *why, size_t len)
{
    char p[96];
    FILE *f;
    int rc = 0;

    *p2m = NULL;
    record_path(domid, p, sizeof(p));
    f = fopen(p, "re");
    if (!f) {
        snprintf(why, len, "no record (%s): made only in part", p);
        return -ENOENT;
    }
    if (fread(r, sizeof(*r), 1, f) != 1 ||
        memcmp(r->magic, RECORD_MAGIC, sizeof(r->magic)) ||
        r->version != RECORD_VERSION || r->domid != domid ||
        r->nr_vifs > CHAOS_MAX_VIFS || r->p2m_size > (1ULL << 24) ||
        !memchr(r->flavour, '\0', sizeof(r->flavour))) {
        snprintf(why, len, "record %s is not one of ours", p);
        rc = -EINVAL;
        goto out;
    }
    if (r->p2m_size) {
        *p2m = calloc(r->p2m_size, sizeof(**p2m));
        if (!*p2m) {
            rc = -ENOMEM;
            snprintf(why, len, "out of memory");
            goto out;
        }
        if (fread(*p2m, sizeof(**p2m), r->p2m_size, f) != r->p2m_size) {
            snprintf(why, len, "record %s is cut short", p);
            rc = -EINVAL;
        }
    }
out:
    fclose(f);
    if (rc) {
        free(*p2m);
        *p2m = NULL;
    }
    return rc;
}

/* Every page the record names is DOMID's: Xen maps them as the domain's
 * (a PV domain's foreign mapping takes machine frames and refuses one the
 * domain does not own). */
static int pages_owned(struct chaos_ctx *ctx, unsigned int domid,
                       const uint64_t *p2m, uint64_t n, char *why, size_t len)
{
    xen_pfn_t arr[MAP_BATCH];

    for (uint64_t i = 0; i < n; i += MAP_BATCH) {
        unsigned int k = (unsigned int)(n - i < MAP_BATCH ? n - i : MAP_BATCH);
        void *m;

        for (unsigned int j = 0; j < k; j++)
            arr[j] = p2m[i + j];
        m = xc_map_foreign_pages(ctx->xch, domid, PROT_READ, arr, (int)k);
        if (!m) {
            snprintf(why, len,
                     "recorded pages %llu-%llu are not all the domain's: %s",
                     (unsigned long long)i, (unsigned long long)(i + k - 1),
                     strerror(errno));
            return -EINVAL;
        }
        munmap(m, (size_t)k * XC_PAGE_SIZE);
    }
    return 0;
}

/* Port PORT of DOMID waits (unbound) for REMOTE. */
static bool port_waits(struct chaos_ctx *ctx, unsigned int domid,
                       unsigned int port, unsigned int remote)
{
    xc_evtchn_status_t st = {.dom = (domid_t)domid, .port = port};

    return !xc_evtchn_status(ctx->xch, &st) &&
           st.status == EVTCHNSTAT_unbound && st.u.unbound.dom == remote;
}

/* Vif N of DOMID: backend in InitWait, connected by hotplug, in BRIDGE. */
static int vif_ready(struct chaos_ctx *ctx, unsigned int domid, unsigned int n,
                     const char *bridge, char *why, size_t len)
{
    char p[128], buf[64], link[PATH_MAX];
    ssize_t l;

    snprintf(p, sizeof(p), "/local/domain/0/backend/vif/%u/%u/state", domid, n);
    if (chaos_xs_read(ctx, p, buf, sizeof(buf)) || strcmp(buf, "2")) {
        snprintf(why, len, "vif %u: backend not in InitWait", n);
        return -EINVAL;
    }
    snprintf(p, sizeof(p), "/local/domain/0/backend/vif/%u/%u/hotplug-status",
             domid, n);
    if (chaos_xs_read(ctx, p, buf, sizeof(buf)) || strcmp(buf, "connected")) {
        snprintf(why, len, "vif %u: not connected by hotplug", n);
        return -EINVAL;
    }
    snprintf(p, sizeof(p), "/sys/class/net/vif%u.%u/master", domid, n);
    l = readlink(p, link, sizeof(link) - 1);
    if (l < 0) {
        snprintf(why, len, "vif%u.%u is in no bridge", domid, n);
        return -EINVAL;
    }
    link[l] = '\0';
    if (strcmp(strrchr(link, '/') ? strrchr(link, '/') + 1 : link, bridge)) {
        snprintf(why, len, "vif%u.%u is not in %s", domid, n, bridge);
        return -EINVAL;
    }
    return 0;
}

/* Its XenStore home is a shell's of flavour R->flavour. */
static int home_ok(struct chaos_ctx *ctx, const struct record *r, char *why,
                   size_t len)
{
    char mem[16], port[16], cport[16], p[96], buf[64];
    const char *keys[] = {"chaos/state", "chaos/flavour", "memory/static-max",
                          "store/port",  "console/port",  "console/type"};
    const char *want[] = {"shell", r->flavour, mem, port, cport, "xenconsoled"};

    snprintf(mem, sizeof(mem), "%u", r->memory_mb * 1024);
    snprintf(port, sizeof(port), "%u", r->store_port);
    snprintf(cport, sizeof(cport), "%u", r->console_port);
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        snprintf(p, sizeof(p), "/local/domain/%u/%s", r->domid, keys[i]);
        if (chaos_xs_read(ctx, p, buf, sizeof(buf)) || strcmp(buf, want[i])) {
            snprintf(why, len, "XenStore %s is not '%s'", p, want[i]);
            return -EINVAL;
        }
    }
    return 0;
}

/* Rebuild the libxenguest build image around the recorded P2M, as
 * shell.c's populate() leaves it, without populating anything. */
static int rebuild_dom(struct chaos_ctx *ctx, struct chaos_shell *sh,
                       const uint64_t *p2m, uint64_t n)
{
    struct xc_dom_image *dom = xc_dom_allocate(ctx->xch, NULL, NULL);

    if (!dom)
        return -ENOMEM;
    sh->dom = dom;
    dom->container_type = XC_DOM_PV_CONTAINER;
    dom->guest_type = CHAOS_GUEST_TYPE;
    dom->console_evtchn = sh->console_port;
    dom->console_domid = sh->console_domid;
    dom->xenstore_evtchn = sh->store_port;
    dom->xenstore_domid = sh->store_domid;
    dom->max_vcpus = sh->vcpus;
    if (xc_dom_boot_xen_init(dom, ctx->xch, sh->domid) ||
        xc_dom_mem_init(dom, sh->memory_mb))
        return chaos_neg_errno();
    if (dom->total_pages != n)
        return -EINVAL;
    dom->p2m_size = n;
    dom->pv_p2m = xc_dom_malloc(dom, sizeof(*dom->pv_p2m) * n);
    if (!dom->pv_p2m)
        return -ENOMEM;
    for (uint64_t i = 0; i < n; i++)
        dom->pv_p2m[i] = p2m[i];
    return 0;
}

/* Tag DOMID as this process's: Xen handle and chaos/pid. */
static int retag(struct chaos_ctx *ctx, struct chaos_shell *sh,
                 const uint8_t *old)
{
    xen_domain_handle_t h;
    uint32_t pid = (uint32_t)getpid();
    char p[96];

    memcpy(h, old, sizeof(h));
    memcpy(h + 8, &pid, 4);
    if (xc_domain_sethandle(ctx->xch, sh->domid, h))
        return chaos_neg_errno();
    memcpy(sh->handle, h, sizeof(sh->handle));
    if (sh->clone)
        return 0;
    snprintf(p, sizeof(p), "/local/domain/%u/chaos/pid", sh->domid);
    return chaos_xs_printf(ctx, XBT_NULL, p, "%d", (int)pid);
}

int chaos_shell_adopt(struct chaos_ctx *ctx, unsigned int domid,
                      struct chaos_shell **out)
{
    const char *step = "checking the shell";
    char why[CHAOS_ERR_MAX] = "";
    struct chaos_shell *sh = NULL;
    uint64_t *p2m = NULL;
    xc_domaininfo_t info;
    struct record r;
    unsigned int nv = 0;
    char p[96], **ids;
    int rc;

    ctx->error[0] = '\0';
    if (xc_domain_getinfolist(ctx->xch, domid, 1, &info) != 1 ||
        info.domain != domid) {
        snprintf(why, sizeof(why), "Xen has no domain %u", domid);
        rc = -ESRCH;
        goto fail;
    }
    rc = record_read(domid, &r, &p2m, why, sizeof(why));
    if (rc)
        goto fail;
    rc = -EINVAL;
    if (memcmp(r.handle, info.handle, CHAOS_SHELL_MAGIC_LEN) ||
        memcmp(r.handle + 12, info.handle + 12, 4)) {
        snprintf(why, sizeof(why), "its Xen tag is not the recorded one");
        goto fail;
    }
    if (!(info.flags & XEN_DOMINF_paused) ||
        (info.flags & (XEN_DOMINF_dying | XEN_DOMINF_shutdown))) {
        snprintf(why, sizeof(why), "not paused, or dying or shut down");
        goto fail;
    }
    if (info.max_vcpu_id + 1 != r.vcpus) {
        snprintf(why, sizeof(why), "%u vCPUs, recorded %u",
                 info.max_vcpu_id + 1, r.vcpus);
        goto fail;
    }
    if (info.tot_pages != r.p2m_size) {
        snprintf(why, sizeof(why), "%llu pages, recorded %llu",
                 (unsigned long long)info.tot_pages,
                 (unsigned long long)r.p2m_size);
        goto fail;
    }
    if (!r.clone) {
        if ((rc = home_ok(ctx, &r, why, sizeof(why))))
            goto fail;
        rc = -EINVAL;
        if (!port_waits(ctx, domid, r.store_port, r.store_domid) ||
            !port_waits(ctx, domid, r.console_port, r.console_domid)) {
            snprintf(why, sizeof(why), "its event channels are not waiting");
            goto fail;
        }
        if ((rc = pages_owned(ctx, domid, p2m, r.p2m_size, why, sizeof(why))))
            goto fail;
    }
    snprintf(p, sizeof(p), "/local/domain/0/backend/vif/%u", domid);
    ids = xs_directory(ctx->xsh, XBT_NULL, p, &nv);
    free(ids);
    if (nv != r.nr_vifs) {
        snprintf(why, sizeof(why), "%u vif backend(s), recorded %u", nv,
                 r.nr_vifs);
        rc = -EINVAL;
        goto fail;
    }
    for (unsigned int i = 0; i < r.nr_vifs; i++)
        if ((rc = vif_ready(ctx, domid, i, r.vif_bridges[i], why, sizeof(why))))
            goto fail;

    step = "adopting the shell";
    sh = calloc(1, sizeof(*sh));
    if (!sh) {
        rc = -ENOMEM;
        snprintf(why, sizeof(why), "out of memory");
        goto fail;
    }
    sh->domid = domid;
    sh->memory_mb = r.memory_mb;
    sh->vcpus = r.vcpus;
    sh->clone = r.clone;
    sh->ssidref = info.ssidref; /* compared with its flavour's by chaosd */
    snprintf(sh->flavour, sizeof(sh->flavour), "%s", r.flavour);
    sh->store_port = r.store_port;
    sh->console_port = r.console_port;
    sh->store_domid = r.store_domid;
    sh->console_domid = r.console_domid;
    sh->nr_vifs = r.nr_vifs;
    memcpy(sh->vif_bridges, r.vif_bridges, sizeof(sh->vif_bridges));
    if (!r.clone && (rc = rebuild_dom(ctx, sh, p2m, r.p2m_size))) {
        snprintf(why, sizeof(why), "rebuilding its build image: %s",
                 strerror(-rc));
        goto fail;
    }
    if ((rc = retag(ctx, sh, info.handle)) ||
        (rc = chaos_record_write(ctx, sh))) {
        snprintf(why, sizeof(why), "re-tagging it: %s", strerror(-rc));
        goto fail;
    }
    free(p2m);
    *out = sh;
    return 0;
fail:
    if (sh && sh->dom)
        xc_dom_release(sh->dom);
    free(sh);
    free(p2m);
    return chaos_fail(ctx, rc, step, "domain %u: %s", domid, why);
}
