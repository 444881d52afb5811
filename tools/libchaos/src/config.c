/* config.c: xl-syntax guest configurations, the subset chaos builds. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chaos/config.h"

const char chaos_config_keys[] = "name type kernel memory maxmem vcpus "
                                 "maxvcpus cmdline extra vif";

#define MAX_ITEMS 16

enum vtype { V_STRING, V_NUMBER, V_LIST };

/* One parsed value. */
struct value {
    enum vtype type;
    unsigned long num;
    char str[CHAOS_CMDLINE_MAX];
    unsigned int n_items;
    char items[MAX_ITEMS][CHAOS_PATH_MAX];
};

struct parser {
    const char *p, *source;
    unsigned int line;
    char *err;
    size_t err_len;
};

static int perr(struct parser *ps, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int perr(struct parser *ps, int rc, const char *fmt, ...)
{
    char msg[CHAOS_ERR_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (ps->err && ps->err_len)
        snprintf(ps->err, ps->err_len, "%s:%u: %s", ps->source, ps->line, msg);
    return rc;
}

void chaos_config_init(struct chaos_domain_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->memory_mb = CHAOS_DEFAULT_MEMORY_MB;
    cfg->vcpus = 1;
}

int chaos_name_valid(const char *name)
{
    size_t i, n = name ? strlen(name) : 0;

    if (n == 0 || n >= CHAOS_NAME_MAX || name[0] == '-' || name[0] == '.')
        return -EINVAL;
    for (i = 0; i < n; i++)
        if (!isalnum((unsigned char)name[i]) && !strchr("_.-", name[i]))
            return -EINVAL;
    if (!strcmp(name, "Domain-0") || !strncmp(name, "chaos-shell", 11))
        return -EINVAL;
    return 0;
}

/* Skip blanks, comments and (if NL) newlines. */
static void skip_space(struct parser *ps, int nl)
{
    for (;;) {
        char c = *ps->p;

        if (c == ' ' || c == '\t' || c == '\r')
            ps->p++;
        else if (c == '\n' && nl) {
            ps->line++;
            ps->p++;
        } else if (c == '#') {
            while (*ps->p && *ps->p != '\n')
                ps->p++;
        } else
            return;
    }
}

static int parse_string(struct parser *ps, char *out, size_t len)
{
    char q = *ps->p++;
    size_t n = 0;

    for (;;) {
        char c = *ps->p++;

        if (c == '\0' || c == '\n')
            return perr(ps, -EINVAL, "unterminated string (missing %c)", q);
        if (c == q)
            break;
        if (c == '\\') {
            c = *ps->p++;
            switch (c) {
            case 'n':
                c = '\n';
                break;
            case 't':
                c = '\t';
                break;
            case '\\':
            case '"':
            case '\'':
                break;
            default:
                return perr(ps, -EINVAL, "unknown escape \\%c in a string",
                            c ? c : '0');
            }
        }
        if (n + 1 >= len)
            return perr(ps, -E2BIG, "string longer than %zu bytes", len - 1);
        out[n++] = c;
    }
    out[n] = '\0';
    return 0;
}

static int parse_number(struct parser *ps, unsigned long *out)
{
    char *end;

    errno = 0;
    *out = strtoul(ps->p, &end, 0);
    if (errno || end == ps->p || isalnum((unsigned char)*end) || *end == '.')
        return perr(ps, -EINVAL, "bad number '%.*s'",
                    (int)strcspn(ps->p, " \t\n;#"), ps->p);
    ps->p = end;
    return 0;
}

/* A bare word (command-line overrides only): up to the end. */
static int parse_bare(struct parser *ps, struct value *v)
{
    size_t n = strlen(ps->p);
    char *end;

    if (n >= sizeof(v->str))
        return perr(ps, -E2BIG, "value longer than %zu bytes",
                    sizeof(v->str) - 1);
    errno = 0;
    v->num = strtoul(ps->p, &end, 10);
    if (n && !errno && *end == '\0' && isdigit((unsigned char)ps->p[0]))
        v->type = V_NUMBER;
    else {
        v->type = V_STRING;
        memcpy(v->str, ps->p, n + 1);
    }
    ps->p += n;
    return 0;
}

static int parse_value(struct parser *ps, struct value *v, int bare)
{
    int rc;

    memset(v, 0, offsetof(struct value, str) + 1);
    v->n_items = 0;
    if (*ps->p == '"' || *ps->p == '\'') {
        v->type = V_STRING;
        return parse_string(ps, v->str, sizeof(v->str));
    }
    if (isdigit((unsigned char)*ps->p)) {
        v->type = V_NUMBER;
        rc = parse_number(ps, &v->num);
        if (rc && bare)
            return parse_bare(ps, v);
        return rc;
    }
    if (*ps->p == '[') {
        v->type = V_LIST;
        ps->p++;
        for (;;) {
            skip_space(ps, 1);
            if (*ps->p == ']') {
                ps->p++;
                return 0;
            }
            if (*ps->p != '"' && *ps->p != '\'')
                return perr(ps, -EINVAL,
                            *ps->p ? "a list holds quoted strings only"
                                   : "unterminated list (missing ])");
            if (v->n_items == MAX_ITEMS)
                return perr(ps, -E2BIG, "more than %d list items", MAX_ITEMS);
            rc = parse_string(ps, v->items[v->n_items], CHAOS_PATH_MAX);
            if (rc)
                return rc;
            v->n_items++;
            skip_space(ps, 1);
            if (*ps->p == ',')
                ps->p++;
            else if (!*ps->p)
                return perr(ps, -EINVAL, "unterminated list (missing ])");
            else if (*ps->p != ']')
                return perr(ps, -EINVAL, "expected ',' or ']' in a list");
        }
    }
    if (bare && *ps->p)
        return parse_bare(ps, v);
    return perr(ps, -EINVAL, "expected a value (\"string\", number or [list])");
}

static int copy_str(struct parser *ps, const char *key, char *dst, size_t len,
                    const char *src, int append)
{
    size_t have = append ? strlen(dst) : 0;
    size_t add = strlen(src);

    if (have + add >= len)
        return perr(ps, -ENAMETOOLONG, "%s is longer than %zu bytes", key,
                    len - 1);
    memcpy(dst + have, src, add + 1);
    return 0;
}

static int want(struct parser *ps, const char *key, const struct value *v,
                enum vtype t)
{
    static const char *const names[] = {"a string", "a number", "a list"};

    if (v->type == t)
        return 0;
    return perr(ps, -EINVAL, "%s must be %s", key, names[t]);
}

int chaos_vif_parse(struct chaos_vif *vif, const char *spec, char *err,
                    size_t err_len)
{
    char buf[CHAOS_PATH_MAX], *save = NULL, *tok;
    int rc = 0;

    memset(vif, 0, sizeof(*vif));
    snprintf(vif->bridge, sizeof(vif->bridge), "xenbr0");
    if (strlen(spec) >= sizeof(buf)) {
        snprintf(err, err_len, "vif spec too long");
        return -E2BIG;
    }
    strcpy(buf, spec);
    for (tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char *eq, *k, *val;

        while (*tok == ' ')
            tok++;
        if (!*tok)
            continue;
        eq = strchr(tok, '=');
        if (!eq) {
            snprintf(err, err_len, "vif: '%s' is not KEY=VALUE", tok);
            return -EINVAL;
        }
        *eq = '\0';
        k = tok;
        val = eq + 1;
        if (!strcmp(k, "mac")) {
            unsigned int b[6], i;
            char end;

            if (strlen(val) != 17 ||
                sscanf(val, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2],
                       &b[3], &b[4], &b[5], &end) != 6 ||
                (b[0] & 1)) {
                snprintf(err, err_len,
                         "vif: mac '%s' is not a unicast xx:xx:xx:xx:xx:xx",
                         val);
                return -EINVAL;
            }
            for (i = 0; i < 6; i++)
                if (!isxdigit((unsigned char)val[i * 3]) ||
                    !isxdigit((unsigned char)val[i * 3 + 1]))
                    rc = -EINVAL;
            if (rc) {
                snprintf(err, err_len, "vif: mac '%s' is not hexadecimal", val);
                return rc;
            }
            strcpy(vif->mac, val);
        } else if (!strcmp(k, "bridge")) {
            if (!*val || strlen(val) >= sizeof(vif->bridge) ||
                strpbrk(val, "/: \t")) {
                snprintf(err, err_len,
                         "vif: bridge '%s' is not an interface "
                         "name",
                         val);
                return -EINVAL;
            }
            strcpy(vif->bridge, val);
        } else if (!strcmp(k, "ip")) {
            if (strlen(val) >= sizeof(vif->ip)) {
                snprintf(err, err_len, "vif: ip too long");
                return -E2BIG;
            }
            strcpy(vif->ip, val);
        } else if (!strcmp(k, "type") && !strcmp(val, "vif")) {
            continue;
        } else {
            snprintf(err, err_len,
                     "vif: key '%s' is not supported (chaos takes mac, "
                     "bridge, ip)",
                     k);
            return -EINVAL;
        }
    }
    return 0;
}

static int apply(struct parser *ps, struct chaos_domain_config *cfg,
                 const char *key, const struct value *v, int append)
{
    char verr[CHAOS_ERR_MAX];
    unsigned int i;
    int rc;

    if (append && v->type == V_NUMBER)
        return perr(ps, -EINVAL, "+= takes a string or a list, not a number");
    if (!strcmp(key, "name")) {
        if ((rc = want(ps, key, v, V_STRING)) ||
            (rc = copy_str(ps, key, cfg->name, sizeof(cfg->name), v->str,
                           append)))
            return rc;
        if (chaos_name_valid(cfg->name))
            return perr(ps, -EINVAL,
                        "name '%s' is not valid (1-63 of A-Z a-z 0-9 _ . -; "
                        "not Domain-0 or chaos-shell*)",
                        cfg->name);
    } else if (!strcmp(key, "type") || !strcmp(key, "builder")) {
        if ((rc = want(ps, key, v, V_STRING)))
            return rc;
        if (strcmp(v->str, !strcmp(key, "type") ? "pv" : "generic"))
            return perr(ps, -EINVAL,
                        "%s '%s' is not supported: chaos builds PV "
                        "domains only",
                        key, v->str);
    } else if (!strcmp(key, "kernel")) {
        if ((rc = want(ps, key, v, V_STRING)) ||
            (rc = copy_str(ps, key, cfg->kernel, sizeof(cfg->kernel), v->str,
                           append)))
            return rc;
    } else if (!strcmp(key, "cmdline") || !strcmp(key, "extra")) {
        if ((rc = want(ps, key, v, V_STRING)))
            return rc;
        /* xl: extra is appended to the command line, after a blank. */
        if (!strcmp(key, "extra") && cfg->cmdline[0] && v->str[0] &&
            (rc =
                 copy_str(ps, key, cfg->cmdline, sizeof(cfg->cmdline), " ", 1)))
            return rc;
        return copy_str(ps, key, cfg->cmdline, sizeof(cfg->cmdline), v->str,
                        append || !strcmp(key, "extra"));
    } else if (!strcmp(key, "memory") || !strcmp(key, "maxmem")) {
        if ((rc = want(ps, key, v, V_NUMBER)))
            return rc;
        if (v->num < 1 || v->num > 1048576)
            return perr(ps, -EINVAL, "%s = %lu: must be 1 to 1048576 (MB)", key,
                        v->num);
        if (key[0] == 'm' && key[1] == 'e')
            cfg->memory_mb = v->num;
        else
            cfg->maxmem_mb = v->num;
    } else if (!strcmp(key, "vcpus") || !strcmp(key, "maxvcpus")) {
        if ((rc = want(ps, key, v, V_NUMBER)))
            return rc;
        if (v->num < 1 || v->num > 128)
            return perr(ps, -EINVAL, "%s = %lu: must be 1 to 128", key, v->num);
        if (key[0] == 'v')
            cfg->vcpus = v->num;
        else
            cfg->maxvcpus = v->num;
    } else if (!strcmp(key, "vif")) {
        if ((rc = want(ps, key, v, V_LIST)))
            return rc;
        if (!append)
            cfg->nr_vifs = 0;
        for (i = 0; i < v->n_items; i++) {
            if (cfg->nr_vifs == CHAOS_MAX_VIFS)
                return perr(ps, -E2BIG, "more than %d vifs", CHAOS_MAX_VIFS);
            rc = chaos_vif_parse(&cfg->vifs[cfg->nr_vifs], v->items[i], verr,
                                 sizeof(verr));
            if (rc)
                return perr(ps, rc, "%s", verr);
            cfg->nr_vifs++;
        }
    } else {
        return perr(ps, -EINVAL,
                    "key '%s' is not supported by chaos (supported: %s)", key,
                    chaos_config_keys);
    }
    return 0;
}

/* One "KEY = VALUE" or "KEY += VALUE" at ps->p. */
static int parse_setting(struct parser *ps, struct chaos_domain_config *cfg,
                         int bare)
{
    char key[32];
    size_t n = 0;
    int append = 0, rc;
    struct value *v;

    if (!isalpha((unsigned char)*ps->p) && *ps->p != '_')
        return perr(ps, -EINVAL, "expected a setting (KEY = VALUE), got '%c'",
                    *ps->p);
    while (isalnum((unsigned char)*ps->p) || *ps->p == '_') {
        if (n + 1 >= sizeof(key))
            return perr(ps, -EINVAL, "key name too long");
        key[n++] = *ps->p++;
    }
    key[n] = '\0';
    skip_space(ps, 0);
    if (ps->p[0] == '+' && ps->p[1] == '=') {
        append = 1;
        ps->p += 2;
    } else if (ps->p[0] == '=')
        ps->p++;
    else
        return perr(ps, -EINVAL, "expected '=' after '%s'", key);
    skip_space(ps, 0);
    v = malloc(sizeof(*v));
    if (!v)
        return perr(ps, -ENOMEM, "out of memory");
    rc = parse_value(ps, v, bare);
    if (!rc)
        rc = apply(ps, cfg, key, v, append);
    free(v);
    return rc;
}

int chaos_config_parse(struct chaos_domain_config *cfg, const char *text,
                       const char *source, char *err, size_t err_len)
{
    struct parser ps = {.p = text,
                        .source = source ? source : "config",
                        .line = 1,
                        .err = err,
                        .err_len = err_len};
    int rc;

    if (!cfg || !text)
        return -EINVAL;
    for (;;) {
        skip_space(&ps, 1);
        if (!*ps.p)
            return 0;
        rc = parse_setting(&ps, cfg, 0);
        if (rc)
            return rc;
        skip_space(&ps, 0);
        if (*ps.p == ';')
            ps.p++;
        else if (*ps.p && *ps.p != '\n')
            return perr(&ps, -EINVAL,
                        "unexpected '%c' after a value (one setting a line, "
                        "or ';' between)",
                        *ps.p);
    }
}

int chaos_config_override(struct chaos_domain_config *cfg, const char *arg,
                          char *err, size_t err_len)
{
    struct parser ps = {.p = arg,
                        .source = "command line",
                        .line = 1,
                        .err = err,
                        .err_len = err_len};
    int rc;

    if (!cfg || !arg)
        return -EINVAL;
    if (!strchr(arg, '='))
        return perr(&ps, -EINVAL, "'%s' is not KEY=VALUE", arg);
    rc = parse_setting(&ps, cfg, 1);
    if (rc)
        return rc;
    skip_space(&ps, 0);
    if (*ps.p)
        return perr(&ps, -EINVAL, "unexpected text after the value: '%s'",
                    ps.p);
    return 0;
}

int chaos_config_check(const struct chaos_domain_config *cfg, char *err,
                       size_t err_len)
{
    const char *msg = NULL;

    if (!cfg->name[0])
        msg = "no name (name = \"...\" is required)";
    else if (!cfg->kernel[0])
        msg = "no kernel (kernel = \"/path/to/image\" is required)";
    else if (cfg->kernel[0] != '/')
        msg = "kernel must be an absolute path";
    else if (cfg->maxmem_mb && cfg->maxmem_mb != cfg->memory_mb)
        msg = "maxmem different from memory (ballooning) is not supported";
    else if (cfg->maxvcpus && cfg->maxvcpus != cfg->vcpus)
        msg = "maxvcpus different from vcpus is not supported";
    if (!msg)
        return 0;
    snprintf(err, err_len, "%s", msg);
    return -EINVAL;
}
