/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xl_clone.c: "xl clone [-n N] [-p] [-t SECS] [--no-shells] <Domain>": clone
 * a running PV domain copy-on-write through the clone_op hypercall, into
 * empty shells from chaosd's clone pools when it has them; wait until the
 * clone service has set the children up; print their domids.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <libxl.h>
#include <libxl_utils.h>
#include <xenctrl.h>
#include <yajl/yajl_tree.h>

#include "xl.h"
#include "xl_utils.h"

/* Explain why Xen refused to clone domain `dom` (errno `err`). */
static void clone_error(const char *dom, uint32_t domid, int err,
                        const xen_clone_info_t *info, unsigned int n)
{
    fprintf(stderr, "xl clone: cannot clone domain '%s' (%u): ", dom, domid);
    switch (err) {
    case EPERM:
        fprintf(stderr, "cloning is disabled for it (its clone policy comes "
                "from xencloned's configuration, /etc/xen/xencloned.conf).\n");
        break;
    case E2BIG:
        fprintf(stderr, "%u more children would exceed its max_clones (%u "
                "live of %u allowed).\n", n, info->nr_children,
                info->max_clones);
        break;
    case ENOSPC:
        if (info->nr_family + n > info->max_family)
            fprintf(stderr, "%u more members would exceed its family's "
                    "max_family (%u live of %u allowed).\n", n,
                    info->nr_family, info->max_family);
        else if (info->nr_shared)
            fprintf(stderr, "the frames it would share would exceed its "
                    "family's max_shared (%" PRIu64 " of %" PRIu64
                    " frames shared now), or Xen has no free domain ID "
                    "left.\n", info->nr_shared, info->max_shared);
        else
            fprintf(stderr, "Xen has no free domain ID left.\n");
        break;
    case EMLINK:
        fprintf(stderr, "its clones would be generation %u, beyond its "
                "max_depth (%u).\n", info->generation + 1, info->max_depth);
        break;
    case EXDEV:
        fprintf(stderr, "it has passthrough devices (its IOMMU is enabled): "
                "shared memory would stay writable to them.\n");
        break;
    case EACCES:
        fprintf(stderr, "the XSM/FLASK policy refuses it (Dom0 needs "
                "domain2 clone_domain on its label: see xl list -Z).\n");
        break;
    case ENXIO:
        fprintf(stderr, "no clone service is registered with Xen (is "
                "xencloned running?).\n");
        break;
    case EOPNOTSUPP:
        fprintf(stderr, "Xen cannot clone it (only 64-bit PV domains with "
                "one vCPU, grant table v1, 2-level event channels, no "
                "grant mappings, no runstate, time or vcpu_info areas).\n");
        break;
    case EBUSY:
        fprintf(stderr, "it is already being cloned or is waiting in "
                "fork(), or the clone service is busy; try again.\n");
        break;
    case ESRCH:
        fprintf(stderr, "it does not exist any more, or is dying.\n");
        break;
    case ENOSYS:
        fprintf(stderr, "this hypervisor has no clone_op.\n");
        break;
    default:
        fprintf(stderr, "%s.\n", strerror(err));
        break;
    }
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * Wait until the clone service has completed every child (Xen clears
 * XEN_CLONE_INFO_PENDING), for at most timeout_s seconds. A child that
 * disappears was failed by the service. Returns 0, or 1 after saying why;
 * on a timeout the children still pending are destroyed.
 */
static int wait_complete(xc_interface *xch, uint32_t *kids, unsigned int n,
                         unsigned long timeout_s)
{
    long long deadline = now_ms() + timeout_s * 1000LL;
    unsigned int i, pending;
    xen_clone_info_t info;
    int rc = 0;

    do {
        pending = 0;
        for (i = 0; i < n; i++) {
            if (!kids[i])
                continue;
            if (xc_clone_get_info(xch, kids[i], &info)) {
                fprintf(stderr, "xl clone: the clone service could not set "
                        "up child %u (%s); Xen destroyed it (see "
                        "/var/log/xen/xencloned.log).\n", kids[i],
                        strerror(errno));
                kids[i] = 0;
                rc = 1;
                continue;
            }
            if (info.flags & XEN_CLONE_INFO_PENDING)
                pending++;
        }
        if (!pending)
            return rc;
        usleep(10000);
    } while (now_ms() < deadline);

    for (i = 0; i < n; i++)
        if (kids[i] && !xc_clone_get_info(xch, kids[i], &info) &&
            (info.flags & XEN_CLONE_INFO_PENDING)) {
            fprintf(stderr, "xl clone: child %u was not set up by the clone "
                    "service within %lu s; destroying it.\n", kids[i],
                    timeout_s);
            xc_domain_destroy(xch, kids[i]);
        }
    return 1;
}

/* chaosd's socket and its one-line JSON protocol (tools/libchaos). */
#define CHAOSD_SOCKET "/var/run/chaosd.sock"
#define CHAOSD_REPLY_MAX 65536
#define CHAOSD_TIMEOUT_S 120

/*
 * Empty shells from chaosd's clone pools for one clone. xl speaks chaosd's
 * protocol itself (one request line, one reply line, parsed with the yajl
 * xl links anyway) instead of linking libchaos: libchaos is a Dom0
 * component built after Xen, against this tree's libraries, so xl linking
 * it would make Xen's build depend on something built from it, and would
 * drag libxenguest and libxendev into xl for one request.
 */
struct clone_shells {
    unsigned int nr;                      /* shells we own */
    uint32_t domids[XEN_CLONE_MAX_BATCH]; /* their domids */
    char flavour[64];                     /* their pool */
    char why[512];                        /* no shell: why */
    bool answered;                        /* chaosd is running */
};

/* Send REQ to chaosd on PATH and read its reply (malloc()ed) until it
 * closes: 0, or -errno (-ENOENT/-ECONNREFUSED: chaosd is not running). */
static int chaosd_ask(const char *path, const char *req, char **reply)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    struct timeval tv = {.tv_sec = CHAOSD_TIMEOUT_S};
    size_t len = 0, reqlen = strlen(req);
    char *buf = NULL;
    ssize_t r = 0;
    int fd, rc;

    if (strlen(path) >= sizeof(sa.sun_path))
        return -ENAMETOOLONG;
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
        rc = -errno;
        goto out;
    }
    if (send(fd, req, reqlen, MSG_NOSIGNAL) != (ssize_t)reqlen) {
        rc = -EPIPE;
        goto out;
    }
    shutdown(fd, SHUT_WR);
    buf = malloc(CHAOSD_REPLY_MAX);
    if (!buf) {
        rc = -ENOMEM;
        goto out;
    }
    while (len < CHAOSD_REPLY_MAX - 1 &&
           (r = read(fd, buf + len, CHAOSD_REPLY_MAX - 1 - len)) > 0)
        len += (size_t)r;
    if (r < 0) {
        rc = errno == EAGAIN ? -ETIMEDOUT : -errno;
        goto out;
    }
    if (len == CHAOSD_REPLY_MAX - 1) {
        rc = -E2BIG;
        goto out;
    }
    if (!len) {
        rc = -ECONNRESET; /* chaosd closed without a reply */
        goto out;
    }
    buf[len] = '\0';
    *reply = buf;
    buf = NULL;
    rc = 0;
 out:
    free(buf);
    close(fd);
    return rc;
}

/*
 * Ask chaosd for N empty shells fitting PARENT (all or none). 0 with them
 * in SH; otherwise -errno with the reason in SH->why, and SH holds any
 * shells a malformed reply handed over (ours to destroy).
 */
static int take_shells(uint32_t parent, unsigned int n,
                       struct clone_shells *sh)
{
    static const char *ok_path[] = {"ok", NULL};
    static const char *ids_path[] = {"domids", NULL};
    static const char *flavour_path[] = {"flavour", NULL};
    static const char *error_path[] = {"error", NULL};
    char req[96], perr[128], *reply = NULL;
    yajl_val root = NULL, v;
    unsigned int i;
    int rc;

    snprintf(req, sizeof(req),
             "{\"op\":\"shells\",\"parent\":%u,\"count\":%u}\n", parent, n);
    rc = chaosd_ask(CHAOSD_SOCKET, req, &reply);
    if (rc == -ENOENT || rc == -ECONNREFUSED) {
        snprintf(sh->why, sizeof(sh->why),
                 "chaosd is not running (no answer on %s)", CHAOSD_SOCKET);
        goto out;
    }
    sh->answered = true;
    if (rc) {
        snprintf(sh->why, sizeof(sh->why), "asking chaosd on %s: %s",
                 CHAOSD_SOCKET, strerror(-rc));
        goto out;
    }
    root = yajl_tree_parse(reply, perr, sizeof(perr));
    v = root ? yajl_tree_get(root, ok_path, yajl_t_any) : NULL;
    if (!v || !(YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v))) {
        rc = -EPROTO;
        snprintf(sh->why, sizeof(sh->why), "chaosd's reply is not understood");
        goto out;
    }
    if (YAJL_IS_FALSE(v)) {
        v = yajl_tree_get(root, error_path, yajl_t_string);
        rc = -EAGAIN;
        snprintf(sh->why, sizeof(sh->why), "chaosd: %.400s",
                 v ? YAJL_GET_STRING(v) : "no shell");
        goto out;
    }
    /* Every domid handed over is ours now (chaosd re-tagged it with our
     * pid), even in a reply we go on to refuse. */
    v = yajl_tree_get(root, ids_path, yajl_t_array);
    for (i = 0; v && i < v->u.array.len && sh->nr < XEN_CLONE_MAX_BATCH; i++) {
        yajl_val d = v->u.array.values[i];

        if (YAJL_IS_INTEGER(d) && YAJL_GET_INTEGER(d) > 0 &&
            YAJL_GET_INTEGER(d) < DOMID_FIRST_RESERVED)
            sh->domids[sh->nr++] = (uint32_t)YAJL_GET_INTEGER(d);
    }
    if (sh->nr != n) {
        rc = -EPROTO;
        snprintf(sh->why, sizeof(sh->why),
                 "chaosd handed over %u shell(s), %u wanted", sh->nr, n);
        goto out;
    }
    v = yajl_tree_get(root, flavour_path, yajl_t_string);
    snprintf(sh->flavour, sizeof(sh->flavour), "%s",
             v ? YAJL_GET_STRING(v) : "?");
    rc = 0;
 out:
    yajl_tree_free(root);
    free(reply);
    return rc;
}

/* Destroy the shells we hold (they are empty: nothing else to undo). */
static void destroy_shells(xc_interface *xch, struct clone_shells *sh)
{
    unsigned int i;

    for (i = 0; i < sh->nr; i++)
        if (xc_domain_destroy(xch, sh->domids[i]))
            fprintf(stderr, "xl clone: destroying chaosd's shell %u: %s.\n",
                    sh->domids[i], strerror(errno));
    sh->nr = 0;
}

/* Give each shell a fresh UUID: the child keeps it (xencloned names its
 * /vm node after it), and the chaos tag goes, so no chaosd reaps it. */
static int fresh_handles(xc_interface *xch, const struct clone_shells *sh)
{
    libxl_uuid uuid;
    unsigned int i;

    for (i = 0; i < sh->nr; i++) {
        libxl_uuid_generate(&uuid);
        if (xc_domain_sethandle(xch, sh->domids[i],
                                libxl_uuid_bytearray(&uuid)))
            return -errno;
    }
    return 0;
}

int main_clone(int argc, char **argv)
{
    static const struct option opts[] = {
        {"no-shells", 0, 0, 'S'},
        COMMON_LONG_OPTS
    };
    xc_interface *xch = NULL;
    xen_clone_info_t info;
    uint32_t domid, new_domids[XEN_CLONE_MAX_BATCH];
    unsigned long n = 1, timeout_s = 30;
    unsigned int flags = 0, i;
    struct clone_shells sh = {0};
    bool use_shells = true, shells_used = false;
    /* xl -v: say where the children came from even when that is normal. */
    bool verbose = minmsglevel < minmsglevel_default;
    const char *dom;
    char *end;
    int opt, err, rc = EXIT_FAILURE;

    SWITCH_FOREACH_OPT(opt, "n:pt:", opts, "clone", 1) {
    case 'n':
        errno = 0;
        n = strtoul(optarg, &end, 10);
        if (errno || end == optarg || *end || optarg[0] == '-' || n < 1 ||
            n > XEN_CLONE_MAX_BATCH) {
            fprintf(stderr, "xl clone: -n wants a number of children from 1 "
                    "to %d, not '%s'.\n", XEN_CLONE_MAX_BATCH, optarg);
            return 2;
        }
        break;
    case 'p':
        flags |= XEN_CLONE_FLAG_PAUSED;
        break;
    case 't':
        errno = 0;
        timeout_s = strtoul(optarg, &end, 10);
        if (errno || end == optarg || *end || optarg[0] == '-' ||
            timeout_s < 1 || timeout_s > 3600) {
            fprintf(stderr, "xl clone: -t wants a number of seconds from 1 "
                    "to 3600, not '%s'.\n", optarg);
            return 2;
        }
        break;
    case 'S':
        use_shells = false;
        break;
    }
    if (argc - optind != 1) {
        fprintf(stderr, "xl clone: one domain expected, got %d arguments.\n\n",
                argc - optind);
        help("clone");
        return 2;
    }
    dom = argv[optind];

    if (libxl_domain_qualifier_to_domid(ctx, dom, &domid) ||
        libxl_domain_info(ctx, NULL, domid)) {
        fprintf(stderr, "xl clone: no such domain '%s'.\n", dom);
        goto out;
    }
    if (domid == 0) {
        fprintf(stderr, "xl clone: Domain-0 cannot be cloned.\n");
        goto out;
    }

    xch = xc_interface_open(NULL, NULL, 0);
    if (!xch) {
        fprintf(stderr, "xl clone: cannot open libxenctrl: %s.\n",
                strerror(errno));
        goto out;
    }
    if (xc_clone_get_info(xch, domid, &info)) {
        clone_error(dom, domid, errno, &info, n);
        goto out;
    }
    /* Xen would leave the children for us to set up: refuse up front. */
    if (!(info.flags & XEN_CLONE_INFO_SERVICE)) {
        clone_error(dom, domid, ENXIO, &info, n);
        goto out;
    }
    if (use_shells && take_shells(domid, n, &sh) == 0) {
        if ((err = -fresh_handles(xch, &sh)) != 0) {
            snprintf(sh.why, sizeof(sh.why), "giving chaosd's shells fresh "
                     "UUIDs failed (%s; destroyed)", strerror(err));
        } else {
            memcpy(new_domids, sh.domids, n * sizeof(new_domids[0]));
            if (!xc_clone(xch, domid, n, flags | XEN_CLONE_FLAG_SHELLS,
                          new_domids)) {
                shells_used = true;
                goto wait;
            }
            err = errno;
            /* Xen refused before anything changed: the shells are empty. */
            destroy_shells(xch, &sh);
            if (err != EINVAL) {
                clone_error(dom, domid, err, &info, n);
                goto out;
            }
            snprintf(sh.why, sizeof(sh.why), "Xen refused pool '%s''s "
                     "shells for domain %u (EINVAL: they do not fit it; "
                     "destroyed)", sh.flavour, domid);
        }
    }
    destroy_shells(xch, &sh); /* any a failed hand-over left with us */
    if (xc_clone(xch, domid, n, flags, new_domids)) {
        clone_error(dom, domid, errno, &info, n);
        goto out;
    }
    /*
     * One line on where the children came from: always when chaosd is
     * running but gave no shell (a pool that does not serve is worth
     * knowing), with xl -v when it is not running (the usual set-up).
     */
    if (!use_shells && verbose)
        fprintf(stderr, "xl clone: --no-shells; Xen made the children (no "
                "shell).\n");
    else if (use_shells && (sh.answered || verbose))
        fprintf(stderr, "xl clone: %s; Xen made the children (no shell).\n",
                sh.why);

 wait:
    if (shells_used && verbose)
        fprintf(stderr, "xl clone: domain %u cloned into %lu shell(s) of "
                "chaosd's pool '%s'.\n", domid, n, sh.flavour);
    /* Print the children the service set up, even if some failed. */
    rc = wait_complete(xch, new_domids, n, timeout_s) ? EXIT_FAILURE
                                                       : EXIT_SUCCESS;
    for (i = 0; i < n; i++)
        if (new_domids[i] && !xc_clone_get_info(xch, new_domids[i], &info))
            printf("%u\n", new_domids[i]);

 out:
    if (xch)
        xc_interface_close(xch);
    return rc;
}
