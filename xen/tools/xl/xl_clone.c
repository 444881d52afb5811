/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xl_clone.c: "xl clone [-n N] [-p] [-t SECS] <Domain>": clone a running PV
 * domain copy-on-write through the clone_op hypercall; wait until the
 * clone service has set the children up; print their domids.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxl.h>
#include <libxl_utils.h>
#include <xenctrl.h>

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

int main_clone(int argc, char **argv)
{
    xc_interface *xch = NULL;
    xen_clone_info_t info;
    uint32_t domid, new_domids[XEN_CLONE_MAX_BATCH];
    unsigned long n = 1, timeout_s = 30;
    unsigned int flags = 0, i;
    const char *dom;
    char *end;
    int opt, rc = EXIT_FAILURE;

    SWITCH_FOREACH_OPT(opt, "n:pt:", NULL, "clone", 1) {
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
    if (xc_clone(xch, domid, n, flags, new_domids)) {
        clone_error(dom, domid, errno, &info, n);
        goto out;
    }
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
