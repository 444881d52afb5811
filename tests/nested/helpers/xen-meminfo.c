/* xen-meminfo: print Xen's memory counters in pages, exactly (for tests). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenctrl.h>

static void usage(FILE *out)
{
    fprintf(out, "Usage: xen-meminfo [DOMID]\n"
                 "\n"
                 "Without DOMID, print the host's page counters (free_pages,\n"
                 "total_pages, outstanding_pages, shared_pages, freed_pages).\n"
                 "With DOMID, print that domain's tot_pages, max_pages,\n"
                 "shr_pages and flags. All values are in 4 KiB pages.\n");
}

static int host_info(xc_interface *xch)
{
    xc_physinfo_t info = {0};
    long shared, freed;

    if (xc_physinfo(xch, &info)) {
        fprintf(stderr, "xen-meminfo: xc_physinfo: %s\n", strerror(errno));
        return -errno;
    }
    shared = xc_sharing_used_frames(xch);
    freed = xc_sharing_freed_pages(xch);
    printf("free_pages %" PRIu64 "\n", info.free_pages);
    printf("total_pages %" PRIu64 "\n", info.total_pages);
    printf("outstanding_pages %" PRIu64 "\n", info.outstanding_pages);
    printf("shared_pages %ld\n", shared < 0 ? 0 : shared);
    printf("freed_pages %ld\n", freed < 0 ? 0 : freed);
    return 0;
}

static int domain_info(xc_interface *xch, uint32_t domid)
{
    xc_dominfo_t info;

    if (xc_domain_getinfo(xch, domid, 1, &info) != 1 || info.domid != domid) {
        fprintf(stderr, "xen-meminfo: no domain %u\n", domid);
        return -ENOENT;
    }
    printf("tot_pages %lu\n", info.nr_pages);
    printf("max_pages %lu\n", info.max_memkb / 4);
    printf("shr_pages %lu\n", info.nr_shared_pages);
    printf("dying %u\n", info.dying);
    printf("shutdown %u\n", info.shutdown);
    printf("paused %u\n", info.paused);
    return 0;
}

int main(int argc, char **argv)
{
    xc_interface *xch;
    char *end;
    unsigned long domid = 0;
    int rc;

    if (argc > 2 ||
        (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))) {
        usage(argc > 2 ? stderr : stdout);
        return argc > 2 ? 2 : 0;
    }
    if (argc == 2) {
        errno = 0;
        domid = strtoul(argv[1], &end, 0);
        if (errno || *end || end == argv[1] || domid >= 0x7ff0) {
            fprintf(stderr, "xen-meminfo: '%s' is not a domid\n", argv[1]);
            return 2;
        }
    }
    xch = xc_interface_open(NULL, NULL, 0);
    if (!xch) {
        fprintf(stderr, "xen-meminfo: cannot open libxenctrl: %s\n",
                strerror(errno));
        return 1;
    }
    rc = argc == 2 ? domain_info(xch, domid) : host_info(xch);
    xc_interface_close(xch);
    return rc ? 1 : 0;
}
