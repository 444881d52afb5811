/* xen-destroy: destroy a domain with xc_domain_destroy() and nothing else
 * (no XenStore, no device clean-up), as a toolstack that only drops a
 * domain does; for tests of the daemons that clean up after it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenctrl.h>

int main(int argc, char **argv)
{
    xc_interface *xch;
    unsigned long domid;
    char *end;
    int rc;

    if (argc != 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        fprintf(argc == 2 ? stdout : stderr,
                "Usage: xen-destroy DOMID\n"
                "\n"
                "Destroy domain DOMID with xc_domain_destroy() only: its\n"
                "XenStore nodes and devices are left to whoever cleans up.\n");
        return argc == 2 ? 0 : 2;
    }
    errno = 0;
    domid = strtoul(argv[1], &end, 0);
    if (errno || *end || end == argv[1] || domid == 0 || domid >= 0x7ff0) {
        fprintf(stderr, "xen-destroy: '%s' is not a guest's domid\n", argv[1]);
        return 2;
    }
    xch = xc_interface_open(NULL, NULL, 0);
    if (!xch) {
        fprintf(stderr, "xen-destroy: cannot open libxenctrl: %s\n",
                strerror(errno));
        return 1;
    }
    rc = xc_domain_destroy(xch, (uint32_t)domid);
    if (rc)
        fprintf(stderr, "xen-destroy: domain %lu: %s\n", domid,
                strerror(errno));
    xc_interface_close(xch);
    return rc ? 1 : 0;
}
