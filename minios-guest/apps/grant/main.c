/* grant: grants Dom0 read access to a page (grant table v1), N times if
 * asked (the table grows by frames), and revokes it once Dom0 has read it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <minios/app.h>
#include <minios/gnttab.h>
#include <minios/mm.h>
#include <minios/time.h>
#include <minios/xenbus.h>

#define DIR "data/minios"

static int usage(const char *bad)
{
    printf("grant: bad argument '%s'\n", bad);
    printf("usage: grant [wait=S] [pages=N]   (wait S s (1..3600, default 60)"
           " for Dom0 to write " DIR "/grant-done; grant the page N times"
           " (1..8000, default 1) and publish the last ref)\n");
    return 2;
}

int main(int argc, char **argv)
{
    unsigned long wait_s = 60, n = 1;
    const char *v;
    char *page;
    int *refs, ref, rc;

    for (int i = 1; i < argc; i++) {
        if (arg_value(argv[i], "wait", &v)) {
            if (parse_ulong(v, &wait_s) < 0 || wait_s < 1 || wait_s > 3600)
                return usage(argv[i]);
        } else if (arg_value(argv[i], "pages", &v)) {
            if (parse_ulong(v, &n) < 0 || n < 1 || n > 8000)
                return usage(argv[i]);
        } else {
            return usage(argv[i]);
        }
    }
    page = alloc_pages(1);
    if (!page) {
        printf("grant: out of memory\n");
        return 1;
    }
    memset(page, 0, PAGE_SIZE);
    snprintf(page, PAGE_SIZE, "granted by domid %u", xen_domid());
    refs = malloc(n * sizeof(*refs));
    if (!refs) {
        printf("grant: out of memory\n");
        return 1;
    }
    for (unsigned long i = 0; i < n; i++) {
        refs[i] = gnttab_grant_access(0, page, 1);
        if (refs[i] < 0) {
            printf("grant: cannot grant the page (%lu): %d\n", i, refs[i]);
            return 1;
        }
    }
    ref = refs[n - 1];
    if (n > 1)
        printf("grant: %lu grants, table of %u frames\n", n, gnttab_frames());
    rc = xenbus_watch(DIR "/grant-done", "done");
    if (!rc)
        rc = xenbus_printf(XBT_NIL, DIR "/grant-ref", "%d", ref);
    if (rc < 0) {
        printf("grant: xenstore failed: %d\n", rc);
        return 1;
    }
    printf("grant: page granted to Dom0 as ref %d\n", ref);
    uint64_t deadline = monotonic_ns() + wait_s * NSEC_PER_SEC;
    char *done = NULL;
    while (xenbus_read(XBT_NIL, DIR "/grant-done", &done) < 0) {
        rc = xenbus_wait_watch("done", NULL, deadline);
        if (rc < 0) {
            printf("grant: Dom0 did not write %s/grant-done in %lu s\n", DIR,
                   wait_s);
            return 1;
        }
    }
    printf("grant: Dom0 says '%s'\n", done);
    rc = 0;
    for (unsigned long i = 0; i < n && !rc; i++)
        rc = -gnttab_end_access(refs[i]);
    free(refs);
    printf("grant: access revoked: %s\n", rc ? strerror(rc) : "ok");
    xenbus_unwatch(DIR "/grant-done", "done");
    xenbus_rm(XBT_NIL, DIR);
    free_pages(page, 1);
    return rc ? 1 : 0;
}
