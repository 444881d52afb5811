/* xen-destroy: destroy a domain with xc_domain_destroy() and nothing else
 * (no XenStore, no device clean-up), as a toolstack that only drops a
 * domain does; for tests of the daemons that clean up after it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xenctrl.h>
#include <xenforeignmemory.h>

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: xen-destroy [--dying SECONDS] DOMID\n"
            "\n"
            "Destroy domain DOMID with xc_domain_destroy() only: its\n"
            "XenStore nodes and devices are left to whoever cleans up.\n"
            "\n"
            "  --dying SECONDS  first give the domain one more page (its\n"
            "                   maximum raised by a page) and map it\n"
            "                   read-only; keep it mapped SECONDS s after\n"
            "                   the destroy: Xen keeps the domain, dying,\n"
            "                   that long (an empty clone shell has no\n"
            "                   page of its own to map). Prints \"dying\"\n"
            "                   once it is, \"released\" once unmapped.\n");
}

/* Parse S as an unsigned number below MAX into *V. */
static int parse(const char *s, unsigned long long max, unsigned long long *v)
{
    char *end;

    errno = 0;
    *v = strtoull(s, &end, 0);
    return errno || *end || end == s || *v >= max ? -1 : 0;
}

/* Is DOMID dying (1), running or paused (0), or gone (-1)? INFO: its. */
static int dying(xc_interface *xch, uint32_t domid, xc_domaininfo_t *info)
{
    if (xc_domain_getinfolist(xch, domid, 1, info) != 1 ||
        info->domain != domid)
        return -1;
    return (info->flags & XEN_DOMINF_dying) != 0;
}

int main(int argc, char **argv)
{
    const char *step = "opening libxenctrl";
    xenforeignmemory_handle *fmem = NULL;
    unsigned long long domid, secs = 0;
    xc_interface *xch = NULL;
    xc_domaininfo_t info;
    void *page = NULL;
    int rc = 1, hold = 0;

    if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        usage(stdout);
        return 0;
    }
    if (argc == 4 && !strcmp(argv[1], "--dying")) {
        if (parse(argv[2], 3600, &secs)) {
            fprintf(stderr,
                    "xen-destroy: --dying wants SECONDS (below "
                    "3600), not '%s'\n",
                    argv[2]);
            return 2;
        }
        hold = 1;
        argv += 2;
        argc -= 2;
    }
    if (argc != 2) {
        usage(stderr);
        return 2;
    }
    if (parse(argv[1], 0x7ff0, &domid) || domid == 0) {
        fprintf(stderr, "xen-destroy: '%s' is not a guest's domid\n", argv[1]);
        return 2;
    }
    xch = xc_interface_open(NULL, NULL, 0);
    if (!xch)
        goto out;
    if (hold) {
        xen_pfn_t frame;

        step = "reading the domain";
        errno = ESRCH;
        if (dying(xch, (uint32_t)domid, &info) != 0)
            goto out;
        /* A PV domain's new page: Xen returns its machine frame. */
        frame = info.max_pages;
        step = "giving the domain a page";
        if (xc_domain_setmaxmem(xch, (uint32_t)domid,
                                (info.max_pages + 1) * (XC_PAGE_SIZE / 1024)) ||
            xc_domain_populate_physmap_exact(xch, (uint32_t)domid, 1, 0, 0,
                                             &frame))
            goto out;
        step = "opening libxenforeignmemory";
        fmem = xenforeignmemory_open(NULL, 0);
        if (!fmem)
            goto out;
        step = "mapping the page";
        page = xenforeignmemory_map(fmem, (uint32_t)domid, PROT_READ, 1, &frame,
                                    NULL);
        if (!page)
            goto out;
    }
    step = "destroying the domain";
    if (xc_domain_destroy(xch, (uint32_t)domid))
        goto out;
    if (page) {
        step = "checking that it is dying";
        errno = EINVAL;
        if (dying(xch, (uint32_t)domid, &info) != 1)
            goto out;
        printf("dying\n");
        fflush(stdout);
        sleep((unsigned int)secs);
        xenforeignmemory_unmap(fmem, page, 1);
        page = NULL;
        printf("released\n");
        fflush(stdout);
    }
    rc = 0;
out:
    if (rc)
        fprintf(stderr, "xen-destroy: domain %llu: %s: %s\n", domid, step,
                strerror(errno));
    if (page)
        xenforeignmemory_unmap(fmem, page, 1);
    if (fmem)
        xenforeignmemory_close(fmem);
    if (xch)
        xc_interface_close(xch);
    return rc;
}
