/* flask-stats: what FLASK keeps in Xen, for tests that account for Xen's
 * memory under FLASK: the security identifiers (SIDs) the policy has given
 * out and the entries of its access vector cache (AVC). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenctrl.h>

/* SIDs up to this many unknown in a row end the count: Xen hands them out
 * one after the other from the initial ones on, never reusing one. */
#define UNKNOWN_RUN 64

int main(int argc, char **argv)
{
    char unlabeled[256], ctx[256], hash[256];
    unsigned int last = 0, entries = 0, run = 0;
    xc_interface *xch;
    int sid, rc = 1;

    if (argc > 1) {
        int help = !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help");

        fprintf(help ? stdout : stderr,
                "Usage: flask-stats\n"
                "\n"
                "Print, one \"KEY VALUE\" a line, what FLASK keeps in Xen:\n"
                "  sids N         the highest security identifier given out\n"
                "                 (Xen numbers them from 1, never reusing\n"
                "                 one; one it does not know reads as\n"
                "                 unlabeled)\n"
                "  avc_entries N  entries in the access vector cache\n");
        return help ? 0 : 2;
    }
    xch = xc_interface_open(NULL, NULL, 0);
    if (!xch) {
        fprintf(stderr, "flask-stats: cannot open libxenctrl: %s\n",
                strerror(errno));
        return 1;
    }
    /* A SID Xen never gave out reads as the unlabeled context. */
    if (xc_flask_sid_to_context(xch, INT_MAX, unlabeled, sizeof(unlabeled))) {
        fprintf(stderr,
                "flask-stats: reading an unknown SID: %s (FLASK "
                "off?)\n",
                strerror(errno));
        goto out;
    }
    for (sid = 1; run < UNKNOWN_RUN && sid < (1 << 20); sid++) {
        if (xc_flask_sid_to_context(xch, sid, ctx, sizeof(ctx))) {
            fprintf(stderr, "flask-stats: reading SID %d: %s\n", sid,
                    strerror(errno));
            goto out;
        }
        if (!strcmp(ctx, unlabeled)) {
            run++;
            continue;
        }
        last = (unsigned int)sid;
        run = 0;
    }
    if (xc_flask_avc_hashstats(xch, hash, sizeof(hash))) {
        fprintf(stderr, "flask-stats: reading the AVC's statistics: %s\n",
                strerror(errno));
        goto out;
    }
    if (sscanf(hash, "entries: %u", &entries) != 1) {
        fprintf(stderr, "flask-stats: unexpected AVC statistics: %s\n", hash);
        goto out;
    }
    printf("sids %u\navc_entries %u\n", last, entries);
    rc = 0;
out:
    xc_interface_close(xch);
    return rc;
}
