/* xenstore-clone: copy a domain's XenStore state for its clone (XS_CLONE). */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

static const char *const ops[] = {
    XS_CLONE_OP_FULL,    XS_CLONE_OP_BASIC,    XS_CLONE_OP_DEV_CONSOLE,
    XS_CLONE_OP_DEV_VIF, XS_CLONE_OP_DEV_9PFS,
};

static void usage(FILE *f)
{
    fprintf(
        f,
        "Usage: xenstore-clone [OPTIONS] OP PARENT_DOMID CHILD_DOMID "
        "PARENT_PATH CHILD_PATH\n"
        "                      [OP PARENT_DOMID CHILD_DOMID PARENT_PATH "
        "CHILD_PATH]...\n"
        "\n"
        "Copy XenStore state of domain PARENT_DOMID for its clone CHILD_DOMID\n"
        "with one XS_CLONE request to xenstored. The copy is atomic: on any\n"
        "error nothing is written. Several operations (groups of five\n"
        "arguments) are sent in one explicit transaction: all or none.\n"
        "\n"
        "Operations (OP):\n"
        "  full         deep copy of the subtree PARENT_PATH to CHILD_PATH\n"
        "  basic        copy of the home directory PARENT_PATH (such as\n"
        "               /local/domain/1) to CHILD_PATH without its device/\n"
        "               and console/ subtrees; domid becomes CHILD_DOMID and\n"
        "               name becomes NAME-clone-CHILD_DOMID\n"
        "  dev_console  copy of one device: PARENT_PATH is its frontend\n"
        "  dev_vif      directory (such as /local/domain/1/device/vif/0 or\n"
        "  dev_9pfs     /local/domain/1/console), CHILD_PATH the child's; the\n"
        "               backend directory named by its backend node is copied\n"
        "               to .../backend/TYPE/CHILD_DOMID/DEVID, and frontend,\n"
        "               frontend-id, backend and backend-id point at the "
        "child\n"
        "\n"
        "In every operation, node owners and ACL entries naming PARENT_DOMID\n"
        "name CHILD_DOMID in the copies, missing parents of CHILD_PATH are\n"
        "created, watches fire as for the equivalent writes, and the quotas\n"
        "of CHILD_DOMID apply. CHILD_DOMID must be an existing domain.\n"
        "\n"
        "Options:\n"
        "  -t, --transaction  clone inside an explicit transaction, retried\n"
        "                     while xenstored answers EAGAIN (implied by\n"
        "                     several operations)\n"
        "  -n, --dry-run      clone inside a transaction, print how many\n"
        "                     nodes the copies have in it, then abort it:\n"
        "                     nothing is written\n"
        "  -h, --help         show this help and exit\n"
        "\n"
        "Exit status: 0 on success, 1 if the clone failed (the error is\n"
        "printed: ENOENT no PARENT_PATH or no such child domain, EEXIST\n"
        "CHILD_PATH exists, EACCES not privileged, EINVAL bad arguments,\n"
        "ENOSPC/ENOMEM the child's quota), 2 on bad usage.\n"
        "\n"
        "Example:\n"
        "  xenstore-clone basic 1 2 /local/domain/1 /local/domain/2\n");
}

/* A domid in decimal, as xenstored accepts it. */
static int parse_domid(const char *s, unsigned int *domid)
{
    char *end;
    unsigned long val;

    if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 5)
        return -EINVAL;
    val = strtoul(s, &end, 10);
    if (val >= 0x7ff0)
        return -EINVAL;
    *domid = val;
    return 0;
}

/* Number of nodes in the subtree at path, read inside transaction t. */
static long count_nodes(struct xs_handle *h, xs_transaction_t t,
                        const char *path)
{
    unsigned int i, num;
    char **children, *child;
    long total = 1, n;

    children = xs_directory(h, t, path, &num);
    if (!children)
        return -errno;
    for (i = 0; i < num && total > 0; i++) {
        if (asprintf(&child, "%s/%s", path, children[i]) < 0) {
            total = -ENOMEM;
            break;
        }
        n = count_nodes(h, t, child);
        free(child);
        total = n < 0 ? n : total + n;
    }
    free(children);
    return total;
}

/* Print the node counts of the copies inside t (for --dry-run). */
static int report_copies(struct xs_handle *h, xs_transaction_t t,
                         const char *op, const char *child_path)
{
    char *backend = NULL, *path;
    unsigned int len;
    long n;

    n = count_nodes(h, t, child_path);
    if (n < 0)
        return (int)n;
    printf("%s: %ld nodes\n", child_path, n);
    if (strncmp(op, "dev_", 4))
        return 0;
    if (asprintf(&path, "%s/backend", child_path) < 0)
        return -ENOMEM;
    backend = xs_read(h, t, path, &len);
    free(path);
    if (!backend)
        return -errno;
    n = count_nodes(h, t, backend);
    if (n >= 0)
        printf("%s: %ld nodes\n", backend, n);
    free(backend);
    return n < 0 ? (int)n : 0;
}

/* One operation's five arguments, checked. */
struct clone_req {
    const char *op, *from, *to;
    unsigned int parent, child;
};

static int parse_req(char **arg, struct clone_req *r)
{
    unsigned int i;

    r->op = arg[0];
    for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        if (!strcmp(r->op, ops[i]))
            break;
    if (i == sizeof(ops) / sizeof(ops[0])) {
        fprintf(stderr,
                "xenstore-clone: unknown operation '%s' (full, basic, "
                "dev_console, dev_vif, dev_9pfs)\n",
                r->op);
        return -EINVAL;
    }
    if (parse_domid(arg[1], &r->parent) || parse_domid(arg[2], &r->child)) {
        fprintf(stderr, "xenstore-clone: domids must be decimal numbers "
                        "below 32752\n");
        return -EINVAL;
    }
    r->from = arg[3];
    r->to = arg[4];
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"transaction", no_argument, NULL, 't'},
        {"dry-run", no_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct clone_req *reqs = NULL;
    unsigned int i, n, failed = 0;
    int c, in_trans = 0, dry_run = 0, ret = 0;
    xs_transaction_t t = XBT_NULL;
    struct xs_handle *h = NULL;

    while ((c = getopt_long(argc, argv, "tnh", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            in_trans = 1;
            break;
        case 'n':
            dry_run = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            fprintf(stderr, "Try 'xenstore-clone --help'.\n");
            return 2;
        }
    }
    if (argc - optind < 5 || (argc - optind) % 5) {
        fprintf(stderr, "xenstore-clone: expected OP PARENT_DOMID CHILD_DOMID "
                        "PARENT_PATH CHILD_PATH (once or more)\n"
                        "Try 'xenstore-clone --help'.\n");
        return 2;
    }
    n = (argc - optind) / 5;
    reqs = calloc(n, sizeof(*reqs));
    if (!reqs) {
        fprintf(stderr, "xenstore-clone: out of memory\n");
        return 1;
    }
    for (i = 0; i < n; i++)
        if (parse_req(&argv[optind + 5 * i], &reqs[i])) {
            free(reqs);
            return 2;
        }
    if (n > 1)
        in_trans = 1;

    h = xs_open(0);
    if (!h) {
        fprintf(stderr, "xenstore-clone: cannot connect to xenstored: %s\n",
                strerror(errno));
        free(reqs);
        return 1;
    }
    for (;;) {
        if (in_trans || dry_run) {
            t = xs_transaction_start(h);
            if (t == XBT_NULL) {
                ret = -errno;
                break;
            }
        }
        for (i = 0; i < n && !ret; i++)
            if (!xs_clone(h, t, reqs[i].parent, reqs[i].child, reqs[i].op,
                          reqs[i].from, reqs[i].to)) {
                ret = -errno;
                failed = i;
            }
        if (ret) {
            if (t != XBT_NULL)
                xs_transaction_end(h, t, true);
            break;
        }
        if (dry_run) {
            for (i = 0; i < n && !ret; i++)
                ret = report_copies(h, t, reqs[i].op, reqs[i].to);
            failed = i ? i - 1 : 0;
            xs_transaction_end(h, t, true);
            if (!ret)
                printf("dry run: transaction aborted, nothing written\n");
            break;
        }
        if (t == XBT_NULL || xs_transaction_end(h, t, false))
            break;
        if (errno != EAGAIN) {
            ret = -errno;
            failed = n - 1;
            break;
        }
    }
    xs_close(h);
    if (ret) {
        fprintf(stderr, "xenstore-clone: %s %s -> %s failed: %s\n",
                reqs[failed].op, reqs[failed].from, reqs[failed].to,
                strerror(-ret));
        if (n > 1)
            fprintf(stderr,
                    "xenstore-clone: the transaction was not "
                    "committed: none of the %u operations took "
                    "effect\n",
                    n);
    }
    free(reqs);
    return ret ? 1 : 0;
}
