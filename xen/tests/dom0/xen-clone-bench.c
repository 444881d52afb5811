/* xen-clone-bench: time one Dom0-initiated clone, hypercall and end to end. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xenctrl.h>

static const char usage_text[] =
    "Usage: xen-clone-bench DOMID [TIMEOUT_S]\n"
    "\n"
    "Clone domain DOMID once (CLONEOP_clone from Dom0, one child) and time\n"
    "it. The clone service (xencloned) must run: it sets the child up and\n"
    "starts it. Prints one line of KEY VALUE pairs:\n"
    "  child D            the child's domid\n"
    "  hypercall_us N     the CLONEOP_clone hypercall alone\n"
    "  e2e_us N           from the call until the child is complete,\n"
    "                     unpaused and has run: its vCPU has used CPU\n"
    "                     time (polled every 100 us)\n"
    "  copied_pages N     pages Xen copied for the child at birth\n"
    "The caller destroys the child (xl destroy D). Exit status: 0, 1 on a\n"
    "failed clone or a child not running within TIMEOUT_S (default 60),\n"
    "2 on bad usage.\n";

static long long now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* Is the child complete (not pending), unpaused, and has it run? */
static int child_runs(xc_interface *xch, uint32_t child, int *gone)
{
    xen_clone_info_t ci;
    xc_domaininfo_t di;
    xc_vcpuinfo_t vi;

    if (xc_clone_get_info(xch, child, &ci) < 0 ||
        xc_domain_getinfolist(xch, child, 1, &di) != 1 || di.domain != child ||
        xc_vcpu_getinfo(xch, child, 0, &vi) < 0) {
        *gone = 1;
        return 0;
    }
    return !(ci.flags & XEN_CLONE_INFO_PENDING) &&
           !(di.flags & XEN_DOMINF_paused) && vi.cpu_time > 0;
}

int main(int argc, char **argv)
{
    unsigned long domid, timeout_s = 60;
    xc_interface *xch = NULL;
    xen_clone_info_t ci;
    long long t0, t1, t2;
    uint32_t child = 0;
    char *end;
    int gone = 0, rc = 1;

    if (argc == 2 && !strcmp(argv[1], "--help")) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (argc < 2 || argc > 3) {
        fputs(usage_text, stderr);
        return 2;
    }
    domid = strtoul(argv[1], &end, 10);
    if (*end || end == argv[1] || domid == 0 || domid >= DOMID_FIRST_RESERVED) {
        fprintf(stderr, "xen-clone-bench: bad domid '%s'\n", argv[1]);
        return 2;
    }
    if (argc == 3) {
        timeout_s = strtoul(argv[2], &end, 10);
        if (*end || end == argv[2] || !timeout_s) {
            fprintf(stderr, "xen-clone-bench: bad timeout '%s'\n", argv[2]);
            return 2;
        }
    }
    xch = xc_interface_open(NULL, NULL, 0);
    if (!xch) {
        fprintf(stderr, "xen-clone-bench: cannot open libxenctrl: %s\n",
                strerror(errno));
        goto out;
    }

    t0 = now_us();
    if (xc_clone(xch, domid, 1, 0, &child) < 0) {
        fprintf(stderr, "xen-clone-bench: clone of %lu failed: %s\n", domid,
                strerror(errno));
        goto out;
    }
    t1 = now_us();
    while (!child_runs(xch, child, &gone)) {
        if (gone || now_us() - t0 > (long long)timeout_s * 1000000) {
            fprintf(stderr, "xen-clone-bench: child %u %s\n", child,
                    gone ? "was destroyed (the service failed it)"
                         : "did not start in time");
            goto out;
        }
        usleep(100);
    }
    t2 = now_us();
    if (xc_clone_get_info(xch, child, &ci) < 0)
        ci.nr_copied_pages = 0;
    printf("child %u hypercall_us %lld e2e_us %lld copied_pages %llu\n", child,
           t1 - t0, t2 - t0, (unsigned long long)ci.nr_copied_pages);
    rc = 0;
out:
    if (xch)
        xc_interface_close(xch);
    return rc;
}
