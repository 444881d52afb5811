/* chaos-cmd.c: the chaos CLI's commands: create (through chaosd or
 * directly), destroy, list, pool show/resize. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "chaos.h"
#include "chaos/chaos.h"
#include "chaos/client.h"
#include "chaos/proto.h"

/* Send REQ to chaosd at C's socket (see chaos_ask()). */
static int ask(const struct cli *c, const struct chaos_request *req, char **out)
{
    return chaos_ask(c->socket, req, out);
}

static int daemon_absent(int rc)
{
    return rc == -ENOENT || rc == -ECONNREFUSED;
}

/* Read CFG's file and apply the command line's KEY=VALUE overrides. */
static int load_config(const char *file, int n, char **kv,
                       struct chaos_domain_config *cfg)
{
    char err[CHAOS_ERR_MAX], *text;
    struct stat st;
    FILE *f;
    size_t got;
    int i, rc;

    chaos_config_init(cfg);
    f = fopen(file, "r");
    if (!f) {
        cli_err("cannot read config %s: %s", file, strerror(errno));
        return -errno;
    }
    if (fstat(fileno(f), &st) || st.st_size > 1 << 20) {
        cli_err("config %s: too large or unreadable", file);
        fclose(f);
        return -EFBIG;
    }
    text = calloc(1, (size_t)st.st_size + 1);
    if (!text) {
        fclose(f);
        return -ENOMEM;
    }
    got = fread(text, 1, (size_t)st.st_size, f);
    fclose(f);
    text[got] = '\0';
    rc = chaos_config_parse(cfg, text, file, err, sizeof(err));
    free(text);
    if (rc) {
        cli_err("%s", err);
        return rc;
    }
    for (i = 0; i < n; i++) {
        rc = chaos_config_override(cfg, kv[i], err, sizeof(err));
        if (rc) {
            cli_err("%s", err);
            return rc;
        }
    }
    rc = chaos_config_check(cfg, err, sizeof(err));
    if (rc) {
        cli_err("%s: %s", file, err);
        return rc;
    }
    if (stat(cfg->kernel, &st)) {
        rc = -errno;
        cli_err("%s: kernel %s: %s", file, cfg->kernel, strerror(-rc));
        return rc;
    }
    if (!S_ISREG(st.st_mode)) {
        cli_err("%s: kernel %s: not a regular file", file, cfg->kernel);
        return -EINVAL;
    }
    return 0;
}

static int create_direct(const struct chaos_domain_config *cfg, const char *why)
{
    struct chaos_ctx *ctx;
    unsigned int domid;
    int rc;

    printf("chaos: %s; creating '%s' directly (no shell)\n", why, cfg->name);
    fflush(stdout);
    rc = chaos_open(&ctx);
    if (rc) {
        cli_err("cannot open Xen/XenStore: %s", strerror(-rc));
        return 1;
    }
    rc = chaos_create_direct(ctx, cfg, &domid);
    if (rc)
        cli_err("create '%s' failed at %s", cfg->name, chaos_error(ctx));
    else
        printf("chaos: created '%s' (domid %u) directly, %u MB, %u vCPU%s\n",
               cfg->name, domid, cfg->memory_mb, cfg->vcpus,
               cfg->vcpus > 1 ? "s" : "");
    chaos_close(ctx);
    return rc ? 1 : 0;
}

int cmd_create(struct cli *c, int argc, char **argv)
{
    struct chaos_request req = {.op = CHAOS_OP_CREATE};
    struct chaos_reply rep;
    char *line = NULL, why[2 * CHAOS_ERR_MAX + 64];
    int rc;

    if (argc < 1) {
        cli_err("create: no config file (chaos create CFG [KEY=VALUE...])");
        return 2;
    }
    if (load_config(argv[0], argc - 1, argv + 1, &req.config))
        return 1;
    if (c->direct)
        return create_direct(&req.config, "--direct given");
    rc = ask(c, &req, &line);
    if (daemon_absent(rc)) {
        snprintf(why, sizeof(why), "chaosd is not running (%s: %s)", c->socket,
                 strerror(-rc));
        return create_direct(&req.config, why);
    }
    if (rc) {
        cli_err("create '%s' failed: talking to chaosd at %s: %s",
                req.config.name, c->socket, strerror(-rc));
        return 1;
    }
    rc = chaos_proto_parse_reply(line, &rep);
    free(line);
    if (rc) {
        cli_err("chaosd's reply is not valid");
        return 1;
    }
    if (rep.ok) {
        printf("chaos: created '%s' (domid %u) from a ready '%s' shell\n",
               rep.name, rep.domid, rep.flavour);
        return 0;
    }
    if (!strcmp(rep.reason, "empty")) {
        snprintf(why, sizeof(why), "%s", rep.error);
        return create_direct(&req.config, why);
    }
    cli_err("create '%s' failed: %s%s%s", req.config.name,
            rep.step[0] ? rep.step : "", rep.step[0] ? ": " : "", rep.error);
    if (!strcmp(rep.reason, "nofit"))
        fprintf(stderr, "chaos: nothing was created; --direct creates it "
                        "without a shell\n");
    return 1;
}

int cmd_destroy(struct cli *c, int argc, char **argv)
{
    struct chaos_ctx *ctx;
    int i, rc, status = 0;

    if (argc < 1) {
        cli_err("destroy: which domain? (chaos destroy NAME|DOMID...)");
        return 2;
    }
    rc = chaos_open(&ctx);
    if (rc) {
        cli_err("cannot open Xen/XenStore: %s", strerror(-rc));
        return 1;
    }
    for (i = 0; i < argc; i++) {
        struct chaos_domain_info *list = NULL;
        unsigned int domid = 0;
        size_t n = 0, k;
        bool shell = false;

        rc = chaos_find(ctx, argv[i], &domid);
        if (rc) {
            cli_err("destroy %s: %s", argv[i], chaos_error(ctx));
            status = 1;
            continue;
        }
        if (!chaos_list(ctx, &list, &n))
            for (k = 0; k < n; k++)
                if (list[k].domid == domid && !strcmp(list[k].state, "shell"))
                    shell = true;
        free(list);
        if (shell && !c->force) {
            cli_err("destroy %s: domain %u is a ready shell of a pool "
                    "(chaos pool resize, or --force)",
                    argv[i], domid);
            status = 1;
            continue;
        }
        rc = chaos_destroy(ctx, domid);
        if (rc) {
            cli_err("destroy %s failed at %s", argv[i], chaos_error(ctx));
            status = 1;
        } else
            printf("chaos: destroyed %s (domid %u)\n", argv[i], domid);
    }
    chaos_close(ctx);
    return status;
}

int cmd_list(struct cli *c, int argc, char **argv)
{
    struct chaos_domain_info *list = NULL;
    struct chaos_ctx *ctx;
    size_t n = 0, i;
    int rc;

    if (argc > 0) {
        cli_err("list takes no arguments");
        return 2;
    }
    rc = chaos_open(&ctx);
    if (rc) {
        cli_err("cannot open Xen/XenStore: %s", strerror(-rc));
        return 1;
    }
    rc = chaos_list(ctx, &list, &n);
    if (rc) {
        cli_err("list failed at %s", chaos_error(ctx));
        chaos_close(ctx);
        return 1;
    }
    if (c->json) {
        printf("[");
        for (i = 0; i < n; i++)
            printf("%s{\"domid\":%u,\"name\":\"%s\",\"state\":\"%s\","
                   "\"flavour\":\"%s\",\"memory_kb\":%llu,\"vcpus\":%u,"
                   "\"shutdown\":%s}",
                   i ? "," : "", list[i].domid, list[i].name, list[i].state,
                   list[i].flavour, (unsigned long long)list[i].memory_kb,
                   list[i].vcpus, list[i].shutdown ? "true" : "false");
        printf("]\n");
    } else {
        printf("%-24s %5s %7s %5s %-10s %s\n", "Name", "ID", "Mem", "VCPUs",
               "State", "Flavour");
        for (i = 0; i < n; i++)
            printf("%-24s %5u %7llu %5u %-10s %s\n",
                   list[i].name[0] ? list[i].name : "-", list[i].domid,
                   (unsigned long long)list[i].memory_kb / 1024, list[i].vcpus,
                   list[i].shutdown && !strcmp(list[i].state, "guest")
                       ? "shutdown"
                       : list[i].state,
                   list[i].flavour[0] ? list[i].flavour : "-");
    }
    free(list);
    chaos_close(ctx);
    return 0;
}

static long long num(yajl_val obj, const char *key)
{
    const char *path[] = {key, NULL};
    yajl_val v = yajl_tree_get(obj, path, yajl_t_number);

    return v && YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : -1;
}

static int print_status(const char *line)
{
    const char *fpath[] = {"flavours", NULL}, *npath[] = {"name", NULL};
    yajl_val root = yajl_tree_parse(line, NULL, 0), fl;
    size_t i;

    fl = root ? yajl_tree_get(root, fpath, yajl_t_array) : NULL;
    if (!fl) {
        cli_err("chaosd's status reply is not valid");
        yajl_tree_free(root);
        return 1;
    }
    printf("%-12s %7s %5s %6s %5s %9s %6s %6s %6s %7s %4s\n", "Flavour", "Mem",
           "VCPUs", "Target", "Ready", "Preparing", "Made", "Served", "Failed",
           "Adopted", "Lost");
    for (i = 0; i < YAJL_GET_ARRAY(fl)->len; i++) {
        yajl_val f = YAJL_GET_ARRAY(fl)->values[i];
        yajl_val nm = yajl_tree_get(f, npath, yajl_t_string);

        printf("%-12s %7lld %5lld %6lld %5lld %9lld %6lld %6lld %6lld %7lld "
               "%4lld\n",
               nm ? YAJL_GET_STRING(nm) : "?", num(f, "memory"),
               num(f, "vcpus"), num(f, "target"), num(f, "ready"),
               num(f, "preparing"), num(f, "made"), num(f, "served"),
               num(f, "failed"), num(f, "adopted"), num(f, "lost"));
    }
    yajl_tree_free(root);
    return 0;
}

int cmd_pool(struct cli *c, int argc, char **argv)
{
    struct chaos_request req = {.op = CHAOS_OP_STATUS};
    struct chaos_reply rep;
    char *line = NULL, *end;
    unsigned long target;
    int rc, status;

    if (argc == 0 || (argc == 1 && !strcmp(argv[0], "show")))
        req.op = CHAOS_OP_STATUS;
    else if (argc == 3 && !strcmp(argv[0], "resize")) {
        req.op = CHAOS_OP_RESIZE;
        if (chaos_flavour_name_valid(argv[1])) {
            cli_err("pool resize: '%s' is not a flavour name", argv[1]);
            return 2;
        }
        strcpy(req.flavour, argv[1]);
        errno = 0;
        target = strtoul(argv[2], &end, 10);
        if (errno || *end || end == argv[2] || argv[2][0] == '-' ||
            target > 4096) {
            cli_err("pool resize: '%s' is not a number of shells (0-4096)",
                    argv[2]);
            return 2;
        }
        req.target = (unsigned int)target;
    } else {
        cli_err("pool: use 'pool [show]' or 'pool resize FLAVOUR N'");
        return 2;
    }
    rc = ask(c, &req, &line);
    if (rc) {
        cli_err("chaosd at %s: %s%s", c->socket, strerror(-rc),
                daemon_absent(rc) ? " (is chaosd running?)" : "");
        return 1;
    }
    if (chaos_proto_parse_reply(line, &rep)) {
        cli_err("chaosd's reply is not valid");
        free(line);
        return 1;
    }
    if (!rep.ok) {
        cli_err("%s%s%s", rep.step, rep.step[0] ? ": " : "", rep.error);
        free(line);
        return 1;
    }
    if (req.op == CHAOS_OP_RESIZE) {
        printf("chaos: pool '%s' target is now %u\n", req.flavour, req.target);
        status = 0;
    } else if (c->json) {
        fputs(line, stdout);
        status = 0;
    } else
        status = print_status(line);
    free(line);
    return status;
}

int cmd_clone(struct cli *c, int argc, char **argv)
{
    struct chaos_clone_result res;
    unsigned long n = 1, timeout_s = 30;
    struct chaos_ctx *ctx = NULL;
    unsigned int parent, i;
    bool paused = false;
    char *end;
    int o, rc = 1;

    optind = 0; /* argv[0] is the first argument: rescan from it */
    opterr = 0;
    while ((o = getopt(argc + 1, argv - 1, "+n:pt:")) != -1) {
        switch (o) {
        case 'n':
            errno = 0;
            n = strtoul(optarg, &end, 10);
            if (errno || *end || optarg[0] == '-' || n < 1 ||
                n > CHAOS_MAX_SHELLS) {
                cli_err("clone: -n wants 1 to %d children, not '%s'",
                        CHAOS_MAX_SHELLS, optarg);
                return 2;
            }
            break;
        case 'p':
            paused = true;
            break;
        case 't':
            errno = 0;
            timeout_s = strtoul(optarg, &end, 10);
            if (errno || *end || optarg[0] == '-' || timeout_s < 1 ||
                timeout_s > 3600) {
                cli_err("clone: -t wants 1 to 3600 seconds, not '%s'", optarg);
                return 2;
            }
            break;
        default:
            cli_err("clone: unknown option or missing value '%s'",
                    argv[optind - 2]);
            return 2;
        }
    }
    if (argc + 1 - optind != 1) {
        cli_err("clone: one domain expected (chaos clone [-n N] [-p] "
                "[-t SECS] DOMAIN)");
        return 2;
    }
    if (chaos_open(&ctx)) {
        cli_err("cannot open Xen and XenStore: %s", strerror(errno));
        return 1;
    }
    if (chaos_domid_of(ctx, argv[optind - 1], &parent)) {
        cli_err("clone: %s", chaos_error(ctx));
        goto out;
    }
    if (chaos_clone(ctx, c->socket, parent, (unsigned int)n, paused,
                    (unsigned int)timeout_s, &res)) {
        cli_err("clone of domain %u failed at %s", parent, chaos_error(ctx));
        if (res.note[0])
            cli_err("(no shell: %s)", res.note);
    } else {
        rc = 0;
    }
    if (res.shells)
        cli_err("domain %u cloned into %u shell(s) of pool '%s'", parent,
                res.nr, res.flavour);
    else if (res.note[0] && !rc)
        cli_err("%s; Xen made the children (no shell)", res.note);
    for (i = 0; i < res.nr; i++)
        printf("%u\n", res.children[i]);
out:
    chaos_close(ctx);
    return rc;
}
