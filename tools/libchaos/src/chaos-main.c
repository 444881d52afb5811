/* chaos-main.c: the chaos CLI's entry point: options, usage, dispatch. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chaos.h"
#include "chaos/config.h"
#include "chaos/proto.h"

static const char usage[] =
    "Usage: chaos [OPTIONS] COMMAND [ARGS]\n"
    "\n"
    "Create PV guests from pre-made shells (LightVM-style), xl-style.\n"
    "\n"
    "Commands:\n"
    "  create CFG [KEY=VALUE...]\n"
    "        Create a guest from the xl config file CFG, with KEY=VALUE\n"
    "        lines applied after it (as xl create does; a bare value such as\n"
    "        name=web2 or memory=8 is accepted). Keys chaos takes:\n"
    "          name type(=pv) kernel memory maxmem(=memory) vcpus\n"
    "          maxvcpus(=vcpus) cmdline extra vif=['mac=..,bridge=..,ip=..']\n"
    "        Any other key is an error and nothing is created.\n"
    "        With chaosd running, the guest takes a ready shell of the\n"
    "        smallest flavour that fits its memory and vCPUs (it gets the\n"
    "        shell's memory). If that pool is empty, or chaosd is not\n"
    "        running, chaos creates the guest directly and says so. If no\n"
    "        flavour is large enough, it fails (use --direct).\n"
    "  destroy NAME|DOMID...\n"
    "        Destroy guests made by chaos: vifs, console, XenStore, domain;\n"
    "        returns once Xen has freed the memory. Shells are chaosd's:\n"
    "        only with --force.\n"
    "  list  List chaos domains: guests, and shells (state shell).\n"
    "  pool [show]\n"
    "        chaosd's pools: per flavour, memory, vCPUs, target, shells\n"
    "        ready and being made, and counters.\n"
    "  pool resize FLAVOUR N\n"
    "        Set FLAVOUR's target to N shells (chaosd refills or discards).\n"
    "  clone [-n N] [-p] [-t SECS] DOMAIN\n"
    "        Clone the running PV domain DOMAIN (name or domid) into N\n"
    "        children (1 to 64, default 1), as 'xl clone' does, but into\n"
    "        empty shells from chaosd's clone pool (a flavour with\n"
    "        kind=clone whose vcpus equal DOMAIN's and whose memory covers\n"
    "        its max memory). Without chaosd, or with fewer than N ready\n"
    "        shells, Xen makes the children and chaos says so. The clone\n"
    "        service (xencloned) sets every child up; chaos waits up to\n"
    "        SECS (default 30) and prints the children's domids, one per\n"
    "        line. -p leaves them paused.\n"
    "\n"
    "Options:\n"
    "  -s, --socket PATH  chaosd's socket (default $CHAOSD_SOCKET or\n"
    "                     " CHAOS_DEFAULT_SOCKET ")\n"
    "  -d, --direct       create: do not ask chaosd, build directly\n"
    "  -j, --json         list, pool show: print JSON\n"
    "  -f, --force        destroy: also destroy shells\n"
    "  -h, --help         this text\n"
    "\n"
    "Exit status: 0 success, 1 failure (the reason is printed), 2 bad usage.\n"
    "\n"
    "Examples:\n"
    "  chaos create /etc/xen/examples/hello.cfg name=hello2\n"
    "  chaos list\n"
    "  chaos pool resize small 8\n"
    "  chaos clone -n 2 counter\n"
    "  chaos destroy hello2\n"
    "\n"
    "See tools/libchaos/README.md; chaosd(8): chaosd --help.\n";

void cli_err(const char *fmt, ...)
{
    va_list ap;

    fputs("chaos: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"socket", required_argument, NULL, 's'},
        {"direct", no_argument, NULL, 'd'},
        {"json", no_argument, NULL, 'j'},
        {"force", no_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    struct cli c = {.socket = getenv("CHAOSD_SOCKET")};
    const char *cmd;
    int o;

    if (!c.socket || !*c.socket)
        c.socket = CHAOS_DEFAULT_SOCKET;
    /* Options may come before or after the command ("+" keeps KEY=VALUE
     * arguments in place). */
    while ((o = getopt_long(argc, argv, "+s:djfh", opts, NULL)) != -1) {
        switch (o) {
        case 's':
            c.socket = optarg;
            break;
        case 'd':
            c.direct = true;
            break;
        case 'j':
            c.json = true;
            break;
        case 'f':
            c.force = true;
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            fprintf(stderr, "Try 'chaos --help'.\n");
            return 2;
        }
    }
    if (optind >= argc) {
        cli_err("no command given (create, destroy, list, pool)");
        fprintf(stderr, "Try 'chaos --help'.\n");
        return 2;
    }
    cmd = argv[optind];
    argc -= optind + 1;
    argv += optind + 1;
    /* clone has options of its own (xl clone's -n -p -t). */
    if (!strcmp(cmd, "clone"))
        return cmd_clone(&c, argc, argv);
    /* Options after the command (KEY=VALUE arguments stay in order). */
    if (argc > 0) {
        int n = 0, i;
        char **rest = calloc((size_t)argc + 2, sizeof(char *));

        if (!rest)
            return 1;
        for (i = 0; i < argc; i++) {
            const char *a = argv[i];

            if (!strcmp(a, "-d") || !strcmp(a, "--direct"))
                c.direct = true;
            else if (!strcmp(a, "-j") || !strcmp(a, "--json"))
                c.json = true;
            else if (!strcmp(a, "-f") || !strcmp(a, "--force"))
                c.force = true;
            else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
                fputs(usage, stdout);
                free(rest);
                return 0;
            } else if (a[0] == '-' && a[1]) {
                cli_err("unknown option '%s'", a);
                fprintf(stderr, "Try 'chaos --help'.\n");
                free(rest);
                return 2;
            } else
                rest[n++] = argv[i];
        }
        memcpy(argv, rest, sizeof(char *) * (size_t)n);
        argc = n;
        free(rest);
    }
    if (!strcmp(cmd, "create"))
        return cmd_create(&c, argc, argv);
    if (!strcmp(cmd, "destroy"))
        return cmd_destroy(&c, argc, argv);
    if (!strcmp(cmd, "list"))
        return cmd_list(&c, argc, argv);
    if (!strcmp(cmd, "pool"))
        return cmd_pool(&c, argc, argv);
    cli_err("unknown command '%s' (create, destroy, list, pool, clone)", cmd);
    fprintf(stderr, "Try 'chaos --help'.\n");
    return 2;
}
