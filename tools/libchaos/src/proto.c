/* proto.c: chaosd's JSON requests and replies (yajl), built and parsed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "chaos/proto.h"
#include "xendev/xendev.h"

#define GSTR(g, s) yajl_gen_string(g, (const unsigned char *)(s), strlen(s))

/* Finish G into a malloc()ed line. */
static int gen_out(yajl_gen g, char **out)
{
    const unsigned char *buf;
    size_t len;
    char *s;

    if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
        return -EINVAL;
    s = malloc(len + 2);
    if (!s)
        return -ENOMEM;
    memcpy(s, buf, len);
    s[len] = '\n';
    s[len + 1] = '\0';
    *out = s;
    return 0;
}

static void gen_config(yajl_gen g, const struct chaos_domain_config *c)
{
    unsigned int i;

    yajl_gen_map_open(g);
    GSTR(g, "name");
    GSTR(g, c->name);
    GSTR(g, "kernel");
    GSTR(g, c->kernel);
    GSTR(g, "cmdline");
    GSTR(g, c->cmdline);
    GSTR(g, "memory");
    yajl_gen_integer(g, c->memory_mb);
    GSTR(g, "vcpus");
    yajl_gen_integer(g, c->vcpus);
    GSTR(g, "vifs");
    yajl_gen_array_open(g);
    for (i = 0; i < c->nr_vifs; i++) {
        yajl_gen_map_open(g);
        GSTR(g, "mac");
        GSTR(g, c->vifs[i].mac);
        GSTR(g, "bridge");
        GSTR(g, c->vifs[i].bridge);
        GSTR(g, "ip");
        GSTR(g, c->vifs[i].ip);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
}

int chaos_proto_request(const struct chaos_request *req, char **out)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    int rc = 0;

    if (!g)
        return -ENOMEM;
    yajl_gen_map_open(g);
    GSTR(g, "op");
    switch (req->op) {
    case CHAOS_OP_CREATE:
        GSTR(g, "create");
        GSTR(g, "config");
        gen_config(g, &req->config);
        break;
    case CHAOS_OP_STATUS:
        GSTR(g, "status");
        break;
    case CHAOS_OP_RESIZE:
        GSTR(g, "resize");
        GSTR(g, "flavour");
        GSTR(g, req->flavour);
        GSTR(g, "target");
        yajl_gen_integer(g, req->target);
        break;
    case CHAOS_OP_SHELLS:
        GSTR(g, "shells");
        GSTR(g, "parent");
        yajl_gen_integer(g, req->parent);
        GSTR(g, "count");
        yajl_gen_integer(g, req->count);
        break;
    default:
        rc = -EINVAL;
    }
    yajl_gen_map_close(g);
    if (!rc)
        rc = gen_out(g, out);
    yajl_gen_free(g);
    return rc;
}

static yajl_val get(yajl_val obj, const char *key)
{
    const char *path[] = {key, NULL};

    return yajl_tree_get(obj, path, yajl_t_any);
}

/* Copy string member KEY of OBJ (absent: ""). -EINVAL if not a string
 * or too long. */
static int get_str(yajl_val obj, const char *key, char *dst, size_t len,
                   char *err, size_t err_len)
{
    yajl_val v = get(obj, key);
    const char *s = v && YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;

    dst[0] = '\0';
    if (!v)
        return 0;
    if (!s || strlen(s) >= len) {
        snprintf(err, err_len, "\"%s\" must be a string shorter than %zu", key,
                 len);
        return -EINVAL;
    }
    strcpy(dst, s);
    return 0;
}

static int get_uint(yajl_val obj, const char *key, unsigned int max,
                    unsigned int *out, char *err, size_t err_len)
{
    yajl_val v = get(obj, key);

    if (!v || !YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 0 ||
        YAJL_GET_INTEGER(v) > max) {
        snprintf(err, err_len, "\"%s\" must be an integer from 0 to %u", key,
                 max);
        return -EINVAL;
    }
    *out = (unsigned int)YAJL_GET_INTEGER(v);
    return 0;
}

static int parse_config(yajl_val c, struct chaos_domain_config *cfg, char *err,
                        size_t err_len)
{
    yajl_val vifs;
    unsigned int i;
    int rc;

    chaos_config_init(cfg);
    if (!YAJL_IS_OBJECT(c)) {
        snprintf(err, err_len, "\"config\" must be an object");
        return -EINVAL;
    }
    if ((rc = get_str(c, "name", cfg->name, sizeof(cfg->name), err, err_len)) ||
        (rc = get_str(c, "kernel", cfg->kernel, sizeof(cfg->kernel), err,
                      err_len)) ||
        (rc = get_str(c, "cmdline", cfg->cmdline, sizeof(cfg->cmdline), err,
                      err_len)) ||
        (rc = get_uint(c, "memory", 1048576, &cfg->memory_mb, err, err_len)) ||
        (rc = get_uint(c, "vcpus", 128, &cfg->vcpus, err, err_len)))
        return rc;
    if (cfg->name[0] && chaos_name_valid(cfg->name)) {
        snprintf(err, err_len, "name '%s' is not valid", cfg->name);
        return -EINVAL;
    }
    vifs = get(c, "vifs");
    if (vifs && !YAJL_IS_ARRAY(vifs)) {
        snprintf(err, err_len, "\"vifs\" must be an array");
        return -EINVAL;
    }
    for (i = 0; vifs && i < YAJL_GET_ARRAY(vifs)->len; i++) {
        yajl_val v = YAJL_GET_ARRAY(vifs)->values[i];
        char spec[160], mac[18], bridge[16], ip[64];

        if (i == CHAOS_MAX_VIFS) {
            snprintf(err, err_len, "more than %d vifs", CHAOS_MAX_VIFS);
            return -E2BIG;
        }
        if (!YAJL_IS_OBJECT(v)) {
            snprintf(err, err_len, "a vif must be an object");
            return -EINVAL;
        }
        if ((rc = get_str(v, "mac", mac, sizeof(mac), err, err_len)) ||
            (rc = get_str(v, "bridge", bridge, sizeof(bridge), err, err_len)) ||
            (rc = get_str(v, "ip", ip, sizeof(ip), err, err_len)))
            return rc;
        /* Same checks as a vif= line. */
        snprintf(spec, sizeof(spec), "%s%s%s%s%s%s", mac[0] ? "mac=" : "", mac,
                 bridge[0] ? ",bridge=" : "", bridge, ip[0] ? ",ip=" : "", ip);
        rc = chaos_vif_parse(&cfg->vifs[i], spec, err, err_len);
        if (rc)
            return rc;
        cfg->nr_vifs++;
    }
    return chaos_config_check(cfg, err, err_len);
}

int chaos_proto_parse_request(const char *json, struct chaos_request *req,
                              char *err, size_t err_len)
{
    char yerr[128], op[16];
    yajl_val root = yajl_tree_parse(json, yerr, sizeof(yerr));
    int rc = -EINVAL;

    memset(req, 0, sizeof(*req));
    if (!root) {
        snprintf(err, err_len, "not JSON: %s", yerr);
        return -EINVAL;
    }
    if (!YAJL_IS_OBJECT(root)) {
        snprintf(err, err_len, "a request must be a JSON object");
        goto out;
    }
    if ((rc = get_str(root, "op", op, sizeof(op), err, err_len)))
        goto out;
    rc = -EINVAL;
    if (!strcmp(op, "create")) {
        req->op = CHAOS_OP_CREATE;
        rc = get(root, "config")
                 ? parse_config(get(root, "config"), &req->config, err, err_len)
                 : (snprintf(err, err_len, "create needs \"config\""), -EINVAL);
    } else if (!strcmp(op, "status")) {
        req->op = CHAOS_OP_STATUS;
        rc = 0;
    } else if (!strcmp(op, "resize")) {
        req->op = CHAOS_OP_RESIZE;
        if (!(rc = get_str(root, "flavour", req->flavour, sizeof(req->flavour),
                           err, err_len)) &&
            !(rc =
                  get_uint(root, "target", 4096, &req->target, err, err_len)) &&
            chaos_flavour_name_valid(req->flavour)) {
            snprintf(err, err_len, "\"flavour\" is not a flavour name");
            rc = -EINVAL;
        }
    } else if (!strcmp(op, "shells")) {
        req->op = CHAOS_OP_SHELLS;
        if (!(rc = get_uint(root, "parent", XENDEV_DOMID_MAX, &req->parent, err,
                            err_len)) &&
            !(rc = get_uint(root, "count", CHAOS_MAX_SHELLS, &req->count, err,
                            err_len)) &&
            (!req->parent || !req->count)) {
            snprintf(err, err_len,
                     "shells needs a \"parent\" other than 0 "
                     "and a \"count\" of 1 to %d",
                     CHAOS_MAX_SHELLS);
            rc = -EINVAL;
        }
    } else
        snprintf(err, err_len,
                 "unknown op '%s' (create, status, resize, shells)", op);
out:
    yajl_tree_free(root);
    return rc;
}

int chaos_proto_reply(const struct chaos_reply *rep, char **out)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    int rc;

    if (!g)
        return -ENOMEM;
    yajl_gen_map_open(g);
    GSTR(g, "ok");
    yajl_gen_bool(g, rep->ok);
    if (rep->ok && rep->nr_domids) {
        GSTR(g, "flavour");
        GSTR(g, rep->flavour);
        GSTR(g, "domids");
        yajl_gen_array_open(g);
        for (unsigned int i = 0; i < rep->nr_domids; i++)
            yajl_gen_integer(g, rep->domids[i]);
        yajl_gen_array_close(g);
    } else if (rep->ok) {
        GSTR(g, "domid");
        yajl_gen_integer(g, rep->domid);
        GSTR(g, "name");
        GSTR(g, rep->name);
        GSTR(g, "flavour");
        GSTR(g, rep->flavour);
    } else {
        GSTR(g, "reason");
        GSTR(g, rep->reason);
        GSTR(g, "step");
        GSTR(g, rep->step);
        GSTR(g, "error");
        GSTR(g, rep->error);
        GSTR(g, "errno");
        yajl_gen_integer(g, rep->err_no);
    }
    yajl_gen_map_close(g);
    rc = gen_out(g, out);
    yajl_gen_free(g);
    return rc;
}

/* A guest's domid: 1 to DOMID_FIRST_RESERVED - 1 (Xen refuses the rest). */
static bool domid_valid(yajl_val v)
{
    return YAJL_IS_INTEGER(v) && YAJL_GET_INTEGER(v) >= 1 &&
           YAJL_GET_INTEGER(v) <= XENDEV_DOMID_MAX;
}

int chaos_proto_parse_reply(const char *json, struct chaos_reply *rep)
{
    char yerr[128], err[64];
    yajl_val root = yajl_tree_parse(json, yerr, sizeof(yerr)), v;
    int rc = -EINVAL;

    memset(rep, 0, sizeof(*rep));
    if (!root)
        return -EINVAL;
    v = get(root, "ok");
    if (!YAJL_IS_OBJECT(root) || !v || (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v)))
        goto out;
    rep->ok = YAJL_IS_TRUE(v);
    if (get_str(root, "name", rep->name, sizeof(rep->name), err, sizeof(err)) ||
        get_str(root, "flavour", rep->flavour, sizeof(rep->flavour), err,
                sizeof(err)) ||
        get_str(root, "reason", rep->reason, sizeof(rep->reason), err,
                sizeof(err)) ||
        get_str(root, "step", rep->step, sizeof(rep->step), err, sizeof(err)) ||
        get_str(root, "error", rep->error, sizeof(rep->error), err,
                sizeof(err)))
        goto out;
    v = get(root, "domid");
    if (v && !domid_valid(v))
        goto out;
    if (v)
        rep->domid = (unsigned int)YAJL_GET_INTEGER(v);
    v = get(root, "errno");
    if (v && YAJL_IS_INTEGER(v))
        rep->err_no = (int)YAJL_GET_INTEGER(v);
    v = get(root, "domids");
    if (v && !YAJL_IS_ARRAY(v))
        goto out;
    for (size_t i = 0; v && i < v->u.array.len; i++) {
        yajl_val d = v->u.array.values[i];

        if (i == CHAOS_MAX_SHELLS || !domid_valid(d))
            goto out;
        rep->domids[rep->nr_domids++] = (unsigned int)YAJL_GET_INTEGER(d);
    }
    rc = 0;
out:
    yajl_tree_free(root);
    return rc;
}

int chaos_proto_parse_shells(const char *json, unsigned int n,
                             struct chaos_reply *rep, char *why, size_t why_len)
{
    if (chaos_proto_parse_reply(json, rep)) {
        memset(rep, 0, sizeof(*rep)); /* names no shell of the caller's */
        snprintf(why, why_len, "chaosd's reply is not understood");
        return -EPROTO;
    }
    if (!rep->ok) {
        snprintf(why, why_len, "chaosd: %.400s",
                 rep->error[0] ? rep->error : "no shell");
        return -EAGAIN;
    }
    if (rep->nr_domids != n) {
        snprintf(why, why_len, "chaosd: %u shell(s) for %u wanted",
                 rep->nr_domids, n);
        return -EPROTO;
    }
    return 0;
}
