/* xsclone-bench: time cloning a guest's XenStore state three ways. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xenstore.h>

/* What one clone copies: the ops xencloned runs for a typical guest. */
struct job {
    const char *op, *src, *dst;
};

struct ctx {
    struct xs_handle *h;
    xs_transaction_t t;
    unsigned int parent, child;
    const char *frontend, *backend; /* Child's, for dev_* ops. */
    long requests;
};

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void rewrite_perms(struct ctx *c, struct xs_permissions *p,
                          unsigned int n)
{
    unsigned int i;

    for (i = 0; i < n; i++)
        if (p[i].id == c->parent)
            p[i].id = c->child;
}

/* The value the clone gives node base (depth 1 below a job's root). */
static char *fixup(struct ctx *c, const char *op, const char *base, char *val)
{
    char *s = NULL;

    if (!strcmp(op, "basic") && !strcmp(base, "domid"))
        asprintf(&s, "%u", c->child);
    else if (!strcmp(op, "basic") && !strcmp(base, "name"))
        asprintf(&s, "%s-clone-%u", val, c->child);
    else if (!strncmp(op, "dev_", 4) && !strcmp(base, "backend"))
        s = strdup(c->backend);
    else if (!strncmp(op, "dev_", 4) && !strcmp(base, "frontend"))
        s = strdup(c->frontend);
    else if (!strncmp(op, "dev_", 4) &&
             (!strcmp(base, "frontend-id") || !strcmp(base, "backend-id")) &&
             (unsigned int)atoi(val) == c->parent)
        asprintf(&s, "%u", c->child);
    if (!s)
        return val;
    free(val);
    return s;
}

/* Copy one node and its subtree with plain reads and writes. */
static int copy_tree(struct ctx *c, const char *op, const char *src,
                     const char *dst, int depth)
{
    unsigned int len, n, num, i;
    struct xs_permissions *perms;
    char **children, *val, *s, *d;
    int ret = 0;

    val = xs_read(c->h, c->t, src, &len);
    perms = xs_get_permissions(c->h, c->t, src, &n);
    children = xs_directory(c->h, c->t, src, &num);
    c->requests += 3;
    if (!val || !perms || !children) {
        ret = -errno;
        goto out;
    }
    if (depth == 1)
        val = fixup(c, op, strrchr(dst, '/') + 1, val);
    rewrite_perms(c, perms, n);
    c->requests += 2;
    if (!xs_write(c->h, c->t, dst, val, strlen(val)) ||
        !xs_set_permissions(c->h, c->t, dst, perms, n)) {
        ret = -errno;
        goto out;
    }
    for (i = 0; i < num && !ret; i++) {
        if (!strcmp(op, "basic") && depth == 0 &&
            (!strcmp(children[i], "device") || !strcmp(children[i], "console")))
            continue;
        if (asprintf(&s, "%s/%s", src, children[i]) < 0 ||
            asprintf(&d, "%s/%s", dst, children[i]) < 0)
            return -ENOMEM;
        ret = copy_tree(c, op, s, d, depth + 1);
        free(s);
        free(d);
    }
out:
    free(val);
    free(perms);
    free(children);
    return ret;
}

/* Missing parents of dst, mirroring src's (as XS_CLONE makes them). */
static int copy_parents(struct ctx *c, const char *src, const char *dst)
{
    char *s = strdup(src), *d = strdup(dst), *v = NULL;
    struct xs_permissions *perms = NULL;
    unsigned int n, len;
    int ret = 0;

    *strrchr(s, '/') = 0;
    *strrchr(d, '/') = 0;
    if (!*d || !*s)
        goto out;
    v = xs_read(c->h, c->t, d, &len);
    c->requests++;
    if (v)
        goto out;
    ret = copy_parents(c, s, d);
    if (ret)
        goto out;
    perms = xs_get_permissions(c->h, c->t, s, &n);
    c->requests += 3;
    if (!perms || !xs_mkdir(c->h, c->t, d)) {
        ret = -errno;
        goto out;
    }
    rewrite_perms(c, perms, n);
    if (!xs_set_permissions(c->h, c->t, d, perms, n))
        ret = -errno;
out:
    free(perms);
    free(v);
    free(s);
    free(d);
    return ret;
}

/* A device node by node: its frontend, then the backend it names. */
static int copy_device(struct ctx *c, const struct job *job)
{
    char *path, *bsrc, *bdst = NULL, *devid;
    unsigned int len;
    int ret;

    if (asprintf(&path, "%s/backend", job->src) < 0)
        return -ENOMEM;
    bsrc = xs_read(c->h, c->t, path, &len);
    c->requests++;
    free(path);
    if (!bsrc)
        return -errno;
    /* .../<type>/<parent>/<devid> -> .../<type>/<child>/<devid> */
    path = strdup(bsrc);
    devid = strrchr(path, '/');
    *devid++ = 0;
    *strrchr(path, '/') = 0;
    if (asprintf(&bdst, "%s/%u/%s", path, c->child, devid) < 0)
        bdst = NULL;
    free(path);
    c->frontend = job->dst;
    c->backend = bdst;
    ret = bdst ? 0 : -ENOMEM;
    if (!ret)
        ret = copy_parents(c, job->src, job->dst);
    if (!ret)
        ret = copy_tree(c, job->op, job->src, job->dst, 0);
    if (!ret)
        ret = copy_parents(c, bsrc, bdst);
    if (!ret)
        ret = copy_tree(c, job->op, bsrc, bdst, 0);
    free(bsrc);
    free(bdst);
    return ret;
}

static int run_jobs(struct ctx *c, const struct job *jobs, int n, bool nodewise)
{
    int i, ret = 0;

    for (i = 0; i < n && !ret; i++) {
        if (!nodewise) {
            c->requests++;
            if (!xs_clone(c->h, c->t, c->parent, c->child, jobs[i].op,
                          jobs[i].src, jobs[i].dst))
                ret = -errno;
        } else if (!strncmp(jobs[i].op, "dev_", 4)) {
            ret = copy_device(c, &jobs[i]);
        } else {
            ret = copy_tree(c, jobs[i].op, jobs[i].src, jobs[i].dst, 0);
        }
    }
    return ret;
}

static long count_nodes(struct xs_handle *h, const char *path)
{
    unsigned int i, num;
    char **children, *child;
    long total = 1;

    children = xs_directory(h, XBT_NULL, path, &num);
    if (!children)
        return 0;
    for (i = 0; i < num; i++) {
        if (asprintf(&child, "%s/%s", path, children[i]) < 0)
            break;
        total += count_nodes(h, child);
        free(child);
    }
    free(children);
    return total;
}

/* Remove every copy (untimed, between runs). */
static void remove_copies(struct xs_handle *h, unsigned int child)
{
    static const char *const kinds[] = {"console", "vif", "9pfs"};
    char *path;
    size_t i;

    asprintf(&path, "/local/domain/%u", child);
    xs_rm(h, XBT_NULL, path);
    free(path);
    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        asprintf(&path, "/local/domain/0/backend/%s/%u", kinds[i], child);
        xs_rm(h, XBT_NULL, path);
        free(path);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    static const char *const methods[] = {"xs_clone", "node_tx", "node_notx"};
    struct ctx c = {0};
    struct job jobs[4];
    char ph[64], ch[64], pd[4][80], cd[4][80];
    double t0, *ms[3], med[3];
    long nodes[3], requests[3];
    int m, i, iters, ret = 0;
    const char *domains;

    if (argc != 5) {
        fprintf(stderr,
                "Usage: xsclone-bench PARENT_DOMID CHILD_DOMID DOMAINS "
                "ITERATIONS\n"
                "Clone the parent's home, console, vif 0 and 9pfs 0 to the\n"
                "child ITERATIONS times each (after one warm-up clone) with\n"
                "XS_CLONE, node by node in one transaction, and node by node\n"
                "without; print bench: lines with DOMAINS (domains present)\n"
                "as X.\n");
        return 2;
    }
    c.parent = atoi(argv[1]);
    c.child = atoi(argv[2]);
    domains = argv[3];
    iters = atoi(argv[4]);
    if (iters < 1)
        return 2;
    c.h = xs_open(0);
    if (!c.h) {
        perror("xs_open");
        return 1;
    }
    snprintf(ph, sizeof(ph), "/local/domain/%u", c.parent);
    snprintf(ch, sizeof(ch), "/local/domain/%u", c.child);
    snprintf(pd[0], 80, "%s", ph);
    snprintf(cd[0], 80, "%s", ch);
    snprintf(pd[1], 80, "%s/console", ph);
    snprintf(cd[1], 80, "%s/console", ch);
    snprintf(pd[2], 80, "%s/device/vif/0", ph);
    snprintf(cd[2], 80, "%s/device/vif/0", ch);
    snprintf(pd[3], 80, "%s/device/9pfs/0", ph);
    snprintf(cd[3], 80, "%s/device/9pfs/0", ch);
    jobs[0] = (struct job){"basic", pd[0], cd[0]};
    jobs[1] = (struct job){"dev_console", pd[1], cd[1]};
    jobs[2] = (struct job){"dev_vif", pd[2], cd[2]};
    jobs[3] = (struct job){"dev_9pfs", pd[3], cd[3]};

    for (m = 0; m < 3 && !ret; m++) {
        ms[m] = calloc(iters, sizeof(double));
        c.requests = 0;
        /* i == -1: a warm-up clone, not measured (caches, allocations). */
        for (i = -1; i < iters && !ret; i++) {
            if (i == 0)
                c.requests = 0;
            remove_copies(c.h, c.child);
            t0 = now_ms();
            do {
                c.t = XBT_NULL;
                if (m == 1 && (c.t = xs_transaction_start(c.h)) == XBT_NULL) {
                    ret = -errno;
                    break;
                }
                ret = run_jobs(&c, jobs, 4, m > 0);
                if (c.t != XBT_NULL &&
                    !xs_transaction_end(c.h, c.t, ret != 0) && !ret)
                    ret = -errno;
            } while (ret == -EAGAIN);
            if (i < 0)
                continue;
            ms[m][i] = now_ms() - t0;
            if (!ret)
                printf("bench: clone_time %s %s %.3f ms\n", methods[m], domains,
                       ms[m][i]);
        }
        if (ret) {
            fprintf(stderr, "xsclone-bench: %s failed: %s\n", methods[m],
                    strerror(-ret));
            break;
        }
        nodes[m] = count_nodes(c.h, ch);
        requests[m] = c.requests / iters;
        med[m] = median(ms[m], iters);
        printf("info: %s_nodes_in_child_home_%s %ld\n", methods[m], domains,
               nodes[m]);
        printf("info: %s_requests_per_clone %ld\n", methods[m], requests[m]);
    }
    remove_copies(c.h, c.child);
    xs_close(c.h);
    if (ret)
        return 1;
    if (nodes[1] != nodes[0] || nodes[2] != nodes[0]) {
        fprintf(stderr,
                "xsclone-bench: the copies differ (%ld, %ld, %ld "
                "nodes)\n",
                nodes[0], nodes[1], nodes[2]);
        return 1;
    }
    printf("bench: ratio node_tx/xs_clone %s %.2f x\n", domains,
           med[1] / med[0]);
    printf("bench: ratio node_notx/xs_clone %s %.2f x\n", domains,
           med[2] / med[0]);
    return 0;
}
