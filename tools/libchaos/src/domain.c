/* domain.c: destroy, list and find chaos domains; reap orphaned shells. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "xendev/console.h"
#include "xendev/vif.h"

#define MAX_DOMAINS     1024
#define DESTROY_WAIT_MS 10000

static void sleep_ms(unsigned int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000,
                          .tv_nsec = (long)(ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* Xen's view of DOMID: 0, or -ESRCH. */
static int xen_info(struct chaos_ctx *ctx, unsigned int domid,
                    xc_domaininfo_t *info)
{
    if (xc_domain_getinfolist(ctx->xch, domid, 1, info) != 1 ||
        info->domain != domid)
        return -ESRCH;
    return 0;
}

static bool clone_magic(const xc_domaininfo_t *info)
{
    return !memcmp(info->handle, CHAOS_CLONE_MAGIC, CHAOS_SHELL_MAGIC_LEN);
}

static bool has_magic(const xc_domaininfo_t *info)
{
    return !memcmp(info->handle, CHAOS_SHELL_MAGIC, CHAOS_SHELL_MAGIC_LEN) ||
           clone_magic(info);
}

static int magic_pid(const xc_domaininfo_t *info)
{
    uint32_t pid;

    memcpy(&pid, info->handle + 8, 4);
    return (int)pid;
}

/* Does PATH exist in XenStore? */
static bool xs_read_nodir(struct chaos_ctx *ctx, const char *path)
{
    unsigned int len;
    void *v = xs_read(ctx->xsh, XBT_NULL, path, &len);

    free(v);
    return v != NULL;
}

static int read_dom(struct chaos_ctx *ctx, unsigned int domid, const char *key,
                    char *buf, size_t len)
{
    char p[96];

    snprintf(p, sizeof(p), "/local/domain/%u/%s", domid, key);
    return chaos_xs_read(ctx, p, buf, len);
}

void chaos_xs_cleanup(struct chaos_ctx *ctx, unsigned int domid,
                      const char *vm_path)
{
    static const char *const fmts[] = {
        "/local/domain/%u", "/local/domain/0/backend/vif/%u",
        "/local/domain/0/backend/console/%u", NULL};
    char p[96];
    int i;

    for (i = 0; fmts[i]; i++) {
        snprintf(p, sizeof(p), fmts[i], domid);
        xs_rm(ctx->xsh, XBT_NULL, p);
    }
    if (vm_path && !strncmp(vm_path, "/vm/", 4))
        xs_rm(ctx->xsh, XBT_NULL, vm_path);
}

/* Unplug and remove every vif and the console of DOMID (libxendev). */
static void remove_devices(struct chaos_ctx *ctx, unsigned int domid)
{
    struct xendev_ctx xc = {.store = ctx->store, .netif = xendev_netif_linux()};
    struct xendev dev;
    char p[96], **ids;
    unsigned int n, i, devid;

    snprintf(p, sizeof(p), "/local/domain/0/backend/vif/%u", domid);
    ids = xs_directory(ctx->xsh, XBT_NULL, p, &n);
    for (i = 0; ids && i < n; i++) {
        if (xendev_parse_uint(ids[i], 0xffff, &devid) ||
            xendev_init(&dev, &xendev_vif_ops, 0, domid, devid))
            continue;
        dev.ops->disconnect(&xc, &dev); /* best effort: gone is fine */
        dev.ops->destroy(&xc, &dev);
    }
    free(ids);
    if (!xendev_init(&dev, &xendev_console_ops, 0, domid, 0))
        dev.ops->destroy(&xc, &dev);
}

void chaos_forget(struct chaos_ctx *ctx, unsigned int domid)
{
    char vm[64];

    if (read_dom(ctx, domid, "vm", vm, sizeof(vm)))
        vm[0] = '\0';
    remove_devices(ctx, domid);
    chaos_record_remove(domid);
    chaos_xs_cleanup(ctx, domid, vm);
}

int chaos_destroy(struct chaos_ctx *ctx, unsigned int domid)
{
    const char *step = "finding the domain";
    xc_domaininfo_t info;
    char state[16], vm[64];
    bool in_xen, tagged;
    unsigned int waited = 0;
    int rc;

    ctx->error[0] = '\0';
    if (domid == 0 || domid > XENDEV_DOMID_MAX)
        return chaos_fail(ctx, -EINVAL, step, "domid %u is not a guest's",
                          domid);
    in_xen = xen_info(ctx, domid, &info) == 0;
    tagged = read_dom(ctx, domid, "chaos/state", state, sizeof(state)) == 0;
    if (!in_xen && !tagged)
        return chaos_fail(ctx, -ESRCH, step, "no domain %u", domid);
    if (!tagged && !has_magic(&info))
        return chaos_fail(ctx, -EPERM, step,
                          "domain %u was not made by chaos (use xl destroy)",
                          domid);
    if (read_dom(ctx, domid, "vm", vm, sizeof(vm)))
        vm[0] = '\0';
    remove_devices(ctx, domid);
    chaos_record_remove(domid);
    if (in_xen) {
        step = "xc_domain_destroy";
        if (xc_domain_destroy(ctx->xch, domid) && errno != ESRCH) {
            rc = chaos_neg_errno();
            chaos_xs_cleanup(ctx, domid, vm);
            return chaos_fail(ctx, rc, step, "domain %u: %s", domid,
                              strerror(-rc));
        }
    }
    chaos_xs_cleanup(ctx, domid, vm);
    /* Xen frees the memory once every mapping of it is gone. */
    while (in_xen && xen_info(ctx, domid, &info) == 0 &&
           waited < DESTROY_WAIT_MS) {
        sleep_ms(5);
        waited += 5;
    }
    return 0;
}

static int cmp_info(const void *a, const void *b)
{
    const struct chaos_domain_info *x = a, *y = b;

    return x->domid < y->domid ? -1 : x->domid > y->domid;
}

int chaos_list(struct chaos_ctx *ctx, struct chaos_domain_info **out, size_t *n)
{
    xc_domaininfo_t *infos = NULL;
    struct chaos_domain_info *list = NULL;
    char **doms = NULL, buf[64];
    unsigned int nd = 0, i;
    int nx, rc = 0, j;
    size_t count = 0;

    infos = calloc(MAX_DOMAINS, sizeof(*infos));
    list = calloc(MAX_DOMAINS, sizeof(*list));
    if (!infos || !list) {
        rc = -ENOMEM;
        goto out;
    }
    nx = xc_domain_getinfolist(ctx->xch, 1, MAX_DOMAINS, infos);
    if (nx < 0) {
        rc = chaos_fail(ctx, chaos_neg_errno(), "xc_domain_getinfolist", "%s",
                        strerror(errno));
        goto out;
    }
    doms = xs_directory(ctx->xsh, XBT_NULL, "/local/domain", &nd);
    for (i = 0; doms && i < nd && count < MAX_DOMAINS; i++) {
        struct chaos_domain_info *d = &list[count];
        unsigned int domid;

        if (xendev_parse_uint(doms[i], XENDEV_DOMID_MAX, &domid) || !domid ||
            read_dom(ctx, domid, "chaos/state", d->state, sizeof(d->state)))
            continue;
        d->domid = domid;
        if (read_dom(ctx, domid, "name", d->name, sizeof(d->name)))
            d->name[0] = '\0';
        if (read_dom(ctx, domid, "chaos/flavour", d->flavour,
                     sizeof(d->flavour)))
            d->flavour[0] = '\0';
        if (!read_dom(ctx, domid, "chaos/pid", buf, sizeof(buf)) &&
            strcmp(d->state, "guest"))
            d->pid = atoi(buf);
        for (j = 0; j < nx; j++)
            if (infos[j].domain == domid)
                break;
        if (j == nx)
            snprintf(d->state, sizeof(d->state), "orphan");
        else {
            d->memory_kb = infos[j].tot_pages * (XC_PAGE_SIZE / 1024);
            d->vcpus = infos[j].max_vcpu_id + 1;
            d->shutdown = infos[j].flags & XEN_DOMINF_shutdown;
            d->dying = infos[j].flags & XEN_DOMINF_dying;
        }
        count++;
    }
    /* Shells Xen has but XenStore does not (a maker killed early). */
    for (j = 0; j < nx && count < MAX_DOMAINS; j++) {
        struct chaos_domain_info *d = &list[count];
        size_t k;

        if (!has_magic(&infos[j]))
            continue;
        for (k = 0; k < count; k++)
            if (list[k].domid == infos[j].domain)
                break;
        if (k < count)
            continue;
        d->domid = infos[j].domain;
        snprintf(d->state, sizeof(d->state), "%s",
                 clone_magic(&infos[j]) ? "clone-shell" : "unfinished");
        if (clone_magic(&infos[j]))
            snprintf(d->name, sizeof(d->name), "clone-shell-%u", d->domid);
        d->pid = magic_pid(&infos[j]);
        d->memory_kb = infos[j].tot_pages * (XC_PAGE_SIZE / 1024);
        d->vcpus = infos[j].max_vcpu_id + 1;
        d->dying = infos[j].flags & XEN_DOMINF_dying;
        count++;
    }
    qsort(list, count, sizeof(*list), cmp_info);
    *out = list;
    *n = count;
    list = NULL;
out:
    free(doms);
    free(infos);
    free(list);
    return rc;
}

int chaos_domain_shape(struct chaos_ctx *ctx, unsigned int domid,
                       unsigned int *memory_mb, unsigned int *vcpus)
{
    xc_domaininfo_t info;

    if (domid == 0 || xen_info(ctx, domid, &info))
        return chaos_fail(ctx, -ESRCH, "reading the domain", "no domain %u",
                          domid);
    *memory_mb =
        (unsigned int)((info.max_pages * (XC_PAGE_SIZE / 1024) + 1023) / 1024);
    *vcpus = info.max_vcpu_id + 1;
    return 0;
}

int chaos_domain_vifs(struct chaos_ctx *ctx, unsigned int domid,
                      struct chaos_vif *vifs, unsigned int *n)
{
    char p[96];
    unsigned int i;

    for (i = 0; i < CHAOS_MAX_VIFS; i++) {
        memset(&vifs[i], 0, sizeof(vifs[i]));
        snprintf(p, sizeof(p), "/local/domain/0/backend/vif/%u/%u", domid, i);
        if (!xs_read_nodir(ctx, p))
            break;
        snprintf(p, sizeof(p), "/local/domain/0/backend/vif/%u/%u/bridge",
                 domid, i);
        if (chaos_xs_read(ctx, p, vifs[i].bridge, sizeof(vifs[i].bridge)))
            vifs[i].bridge[0] = '\0';
    }
    *n = i;
    return 0;
}

/*
 * The lock xl holds while it creates a domain (xl.conf's default
 * lockfile): held from the name check to the name's write, two creates
 * (chaos, chaosd or xl) cannot both take one name.
 */
#define CHAOS_NAME_LOCK "/var/lock/xl"

int chaos_name_claim(struct chaos_ctx *ctx, const char *name, int *lockfd)
{
    const char *step = "taking xl's lock " CHAOS_NAME_LOCK;
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    int fd, rc;

    fd = open(CHAOS_NAME_LOCK, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return chaos_fail(ctx, -errno, step, "%s", strerror(errno));
    while (fcntl(fd, F_SETLKW, &fl) < 0)
        if (errno != EINTR) {
            rc = -errno;
            chaos_fail(ctx, rc, step, "%s", strerror(-rc));
            goto fail;
        }
    step = "checking the name";
    rc = chaos_name_in_use(ctx, name);
    if (rc) {
        chaos_fail(ctx, rc > 0 ? -EEXIST : rc, step,
                   rc > 0 ? "a domain named '%s' exists already"
                          : "cannot read the domains' names to check '%s' "
                            "is free",
                   name);
        rc = rc > 0 ? -EEXIST : rc;
        goto fail;
    }
    *lockfd = fd;
    return 0;

fail:
    close(fd); /* drops the lock */
    return rc;
}

void chaos_name_release(int lockfd)
{
    if (lockfd >= 0)
        close(lockfd);
}

int chaos_find(struct chaos_ctx *ctx, const char *what, unsigned int *domid)
{
    struct chaos_domain_info *list = NULL;
    unsigned int id;
    size_t n = 0, i;
    int rc = chaos_list(ctx, &list, &n);

    if (rc)
        return rc;
    rc = chaos_fail(ctx, -ENOENT, "finding the domain",
                    "no chaos domain named or numbered '%s'", what);
    for (i = 0; i < n; i++)
        if (!strcmp(list[i].name, what) ||
            (!xendev_parse_uint(what, XENDEV_DOMID_MAX, &id) &&
             id == list[i].domid)) {
            *domid = list[i].domid;
            ctx->error[0] = '\0';
            rc = 0;
            break;
        }
    free(list);
    return rc;
}

static bool maker_gone(int pid, int also_pid)
{
    if (pid <= 0 || pid == also_pid)
        return true;
    return kill(pid, 0) < 0 && errno == ESRCH;
}

/* Remove shell records whose domain Xen no longer has. */
static void reap_records(struct chaos_ctx *ctx)
{
    DIR *dir = opendir(CHAOS_RECORD_DIR);
    struct dirent *e;
    xc_domaininfo_t info;
    unsigned int domid;

    while (dir && (e = readdir(dir)) != NULL)
        if (!strncmp(e->d_name, "shell-", 6) &&
            !xendev_parse_uint(e->d_name + 6, XENDEV_DOMID_MAX, &domid) &&
            xen_info(ctx, domid, &info))
            chaos_record_remove(domid);
    if (dir)
        closedir(dir);
}

int chaos_reap_orphans(struct chaos_ctx *ctx, int also_pid,
                       unsigned int *destroyed)
{
    struct chaos_domain_info *list = NULL;
    unsigned int count = 0;
    size_t n = 0, i;
    int rc = chaos_list(ctx, &list, &n);

    if (rc)
        return rc;
    for (i = 0; i < n; i++) {
        struct chaos_domain_info *d = &list[i];
        bool reap;

        if (!strcmp(d->state, "orphan"))
            reap = true; /* XenStore nodes of a domain Xen no longer has */
        else
            reap = strcmp(d->state, "guest") && maker_gone(d->pid, also_pid);
        if (!reap)
            continue;
        if (chaos_destroy(ctx, d->domid) == 0)
            count++;
    }
    free(list);
    reap_records(ctx);
    if (destroyed)
        *destroyed = count;
    return 0;
}
