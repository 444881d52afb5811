/* gntread.c: Dom0 helper: map a page another domain granted us and print
 * the NUL-terminated string at its start. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <xengnttab.h>

static const char usage_text[] =
    "Usage: minios-gntread DOMID REF\n"
    "\n"
    "Map grant reference REF of domain DOMID read-only through gntdev and\n"
    "print the NUL-terminated string at the start of the page.\n"
    "Exit status: 0 on success, 1 if the mapping fails, 2 on bad usage.\n";

static int parse(const char *s, unsigned long max, unsigned long *v)
{
    char *end;

    errno = 0;
    *v = strtoul(s, &end, 10);
    return !*s || *end || errno || *v > max ? -1 : 0;
}

int main(int argc, char **argv)
{
    unsigned long domid, ref;
    xengnttab_handle *xgt;
    char *page;
    int rc = 1;

    if (argc == 2 && !strcmp(argv[1], "--help")) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (argc != 3 || parse(argv[1], 0x7fef, &domid) ||
        parse(argv[2], 0xffffffffUL, &ref)) {
        fputs(usage_text, stderr);
        return 2;
    }
    xgt = xengnttab_open(NULL, 0);
    if (!xgt) {
        perror("minios-gntread: xengnttab_open");
        return 1;
    }
    page = xengnttab_map_grant_ref(xgt, domid, ref, PROT_READ);
    if (!page) {
        fprintf(stderr,
                "minios-gntread: cannot map ref %lu of domain %lu: "
                "%s\n",
                ref, domid, strerror(errno));
        goto out;
    }
    printf("%.*s\n", (int)strnlen(page, 4096), page);
    xengnttab_unmap(xgt, page, 1);
    rc = 0;
out:
    xengnttab_close(xgt);
    return rc;
}
