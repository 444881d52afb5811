/* attach.c: xen9pfs-attach, writes (or removes) a 9pfs device's XenStore
 * nodes for a domain, as libxl's p9=[...] would, for xen9pfsd to serve. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

static const char usage[] =
    "Usage: xen9pfs-attach [OPTIONS] DOMID PATH\n"
    "       xen9pfs-attach --remove [--devid N] DOMID\n"
    "Create 9pfs device N of domain DOMID sharing the host directory PATH\n"
    "(absolute), served by xen9pfsd: the frontend and backend nodes xl's\n"
    "p9=[...] writes, plus our keys. Create the domain paused (xl create\n"
    "-p), attach, then unpause it.\n"
    "\n"
    "  -t, --tag TAG          the share's tag (default share)\n"
    "  -d, --devid N          device number (default 0)\n"
    "  -r, --read-only        every change fails with EROFS\n"
    "  -f, --max-files N      at most N files and directories in the share\n"
    "  -b, --max-bytes N      at most N bytes of file data in the share\n"
    "  -R, --remove           remove device N's nodes instead\n"
    "  -h, --help             show this help\n";

static int parse_num(const char *s, unsigned long long max,
                     unsigned long long *out)
{
    char *end;

    errno = 0;
    *out = strtoull(s, &end, 10);
    return errno || end == s || *end || s[0] == '-' || *out > max ? -1 : 0;
}

static bool put(struct xs_handle *xsh, xs_transaction_t t, const char *dir,
                const char *key, const char *val)
{
    char path[256];

    snprintf(path, sizeof(path), "%s/%s", dir, key);
    return xs_write(xsh, t, path, val, strlen(val));
}

int main(int argc, char **argv)
{
    static const struct option longs[] = {
        {"tag", required_argument, NULL, 't'},
        {"devid", required_argument, NULL, 'd'},
        {"read-only", no_argument, NULL, 'r'},
        {"max-files", required_argument, NULL, 'f'},
        {"max-bytes", required_argument, NULL, 'b'},
        {"remove", no_argument, NULL, 'R'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *tag = "share", *step = "parsing the options";
    unsigned long long devid = 0, domid, files = 0, bytes = 0;
    bool ro = false, remove = false;
    char be[128], fe[128], num[32];
    struct xs_handle *xsh = NULL;
    xs_transaction_t t;
    int c, rc = 1;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "t:d:rf:b:Rh", longs, NULL)) != -1) {
        switch (c) {
        case 't':
            tag = optarg;
            break;
        case 'r':
            ro = true;
            break;
        case 'R':
            remove = true;
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        case 'd':
            if (parse_num(optarg, 255, &devid) < 0)
                goto bad;
            break;
        case 'f':
            if (parse_num(optarg, ~0ull, &files) < 0)
                goto bad;
            break;
        case 'b':
            if (parse_num(optarg, ~0ull, &bytes) < 0)
                goto bad;
            break;
        default:
            goto bad;
        }
    }
    if (argc - optind != (remove ? 1 : 2) ||
        parse_num(argv[optind], 0x7fef, &domid) < 0 ||
        (!remove && argv[optind + 1][0] != '/') || !tag[0] || strlen(tag) > 64)
        goto bad;
    snprintf(be, sizeof(be), "/local/domain/0/backend/9pfs/%llu/%llu", domid,
             devid);
    snprintf(fe, sizeof(fe), "/local/domain/%llu/device/9pfs/%llu", domid,
             devid);
    step = "opening XenStore";
    xsh = xs_open(0);
    if (!xsh)
        goto fail;
    if (remove) {
        step = "removing the device's nodes";
        if (!xs_rm(xsh, XBT_NULL, fe) || !xs_rm(xsh, XBT_NULL, be))
            goto fail;
        rc = 0;
        goto out;
    }
    for (int tries = 0; tries < 10; tries++) {
        struct xs_permissions feperm[2] = {
            {.id = (unsigned int)domid, .perms = XS_PERM_NONE},
            {.id = 0, .perms = XS_PERM_READ}};
        struct xs_permissions beperm[2] = {
            {.id = 0, .perms = XS_PERM_NONE},
            {.id = (unsigned int)domid, .perms = XS_PERM_READ}};
        char dom[16];
        bool ok;

        step = "starting a transaction";
        t = xs_transaction_start(xsh);
        if (!t)
            goto fail;
        step = "writing the nodes";
        snprintf(dom, sizeof(dom), "%llu", domid);
        ok =
            xs_mkdir(xsh, t, fe) && xs_set_permissions(xsh, t, fe, feperm, 2) &&
            xs_mkdir(xsh, t, be) && xs_set_permissions(xsh, t, be, beperm, 2) &&
            put(xsh, t, fe, "backend", be) &&
            put(xsh, t, fe, "backend-id", "0") && put(xsh, t, fe, "tag", tag) &&
            put(xsh, t, fe, "state", "1") && put(xsh, t, be, "frontend", fe) &&
            put(xsh, t, be, "frontend-id", dom) &&
            put(xsh, t, be, "online", "1") &&
            put(xsh, t, be, "path", argv[optind + 1]) &&
            put(xsh, t, be, "security_model", "none") &&
            put(xsh, t, be, "tag", tag) &&
            put(xsh, t, be, "read-only", ro ? "1" : "0");
        if (ok && files) {
            snprintf(num, sizeof(num), "%llu", files);
            ok = put(xsh, t, be, "max-files", num);
        }
        if (ok && bytes) {
            snprintf(num, sizeof(num), "%llu", bytes);
            ok = put(xsh, t, be, "max-bytes", num);
        }
        /* The backend's state last: xen9pfsd starts on a whole device. */
        ok = ok && put(xsh, t, be, "state", "1");
        if (!ok) {
            xs_transaction_end(xsh, t, true);
            goto fail;
        }
        step = "committing the transaction";
        if (xs_transaction_end(xsh, t, false)) {
            rc = 0;
            goto out;
        }
        if (errno != EAGAIN)
            goto fail;
    }
fail:
    fprintf(stderr, "xen9pfs-attach: error: %s failed: %s\n", step,
            strerror(errno));
    rc = 1;
out:
    if (xsh)
        xs_close(xsh);
    return rc;
bad:
    fprintf(stderr,
            "xen9pfs-attach: error: bad arguments (a DOMID, an absolute "
            "PATH; numbers for --devid/--max-files/--max-bytes)\n"
            "Try 'xen9pfs-attach --help' for more information.\n");
    return 2;
}
