/* config.c: parse /etc/xen/xencloned.conf (GLib key file) with checks. */
#include <errno.h>
#include <string.h>

#include "xencloned/config.h"

#define POLICY_GROUP   "policy"
#define NAMED_PREFIX   "policy:"
#define SERVICE_GROUP  "service"
#define CHILDREN_GROUP "children"
#define NETWORK_GROUP  "network"

void config_init(struct cloned_config *c)
{
    *c = (struct cloned_config){0};
    c->policy.enabled = true;
    c->policy.max_clones = CLONED_DEFAULT_MAX_CLONES;
    c->policy.max_family = CLONED_DEFAULT_MAX_FAMILY;
    c->policy.max_depth = CLONED_DEFAULT_MAX_DEPTH;
    c->by_name = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    c->ring_pages = CLONED_DEFAULT_RING_PAGES;
    c->on_exit = ON_EXIT_DESTROY;
    c->deep_copy = false;
    c->net_mode = NET_MODE_SAME;
    c->new_ip_first = 0xc6120080; /* 198.18.0.128 */
    c->new_ip_last = 0xc61200fe;  /* 198.18.0.254 */
    c->vif_timeout_ms = CLONED_DEFAULT_VIF_TIMEOUT_MS;
    c->same_bond = true;
    c->fork_shells = CLONED_DEFAULT_FORK_SHELLS;
    g_strlcpy(c->chaosd_socket, CLONED_DEFAULT_CHAOSD_SOCKET,
              sizeof(c->chaosd_socket));
}

int config_net_mode_parse(const char *s, enum cloned_net_mode *mode)
{
    if (!strcmp(s, "same"))
        *mode = NET_MODE_SAME;
    else if (!strcmp(s, "new"))
        *mode = NET_MODE_NEW;
    else
        return -EINVAL;
    return 0;
}

const char *config_net_mode_name(enum cloned_net_mode mode)
{
    return mode == NET_MODE_NEW ? "new" : "same";
}

void config_clear(struct cloned_config *c)
{
    if (c->by_name)
        g_hash_table_destroy(c->by_name);
    c->by_name = NULL;
}

/* An integer key in [min, max]; absent keys keep *VAL. */
static int get_uint(GKeyFile *kf, const char *group, const char *key,
                    guint64 min, guint64 max, guint64 *val, char **err)
{
    GError *gerr = NULL;
    gchar *s = g_key_file_get_value(kf, group, key, NULL);
    int rc = 0;

    if (!s)
        goto out;
    g_strstrip(s);
    if (!g_ascii_string_to_unsigned(s, 10, min, max, val, &gerr)) {
        *err = g_strdup_printf(
            "[%s] %s: '%s' is not a number from %" G_GUINT64_FORMAT
            " to %" G_GUINT64_FORMAT,
            group, key, s, min, max);
        g_error_free(gerr);
        rc = -EINVAL;
    }
out:
    g_free(s);
    return rc;
}

static int get_bool(GKeyFile *kf, const char *group, const char *key, bool *val,
                    char **err)
{
    gchar *s = g_key_file_get_value(kf, group, key, NULL);
    int rc = 0;

    if (!s)
        goto out;
    g_strstrip(s);
    if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "1"))
        *val = true;
    else if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "0"))
        *val = false;
    else {
        *err = g_strdup_printf("[%s] %s: '%s' is not true or false", group, key,
                               s);
        rc = -EINVAL;
    }
out:
    g_free(s);
    return rc;
}

/* Every key of GROUP must be in ALLOWED (NULL-terminated). */
static int check_keys(GKeyFile *kf, const char *group,
                      const char *const *allowed, char **err)
{
    gchar **keys = g_key_file_get_keys(kf, group, NULL, NULL);
    int rc = 0;

    for (gchar **k = keys; k && *k; k++) {
        if (!g_strv_contains(allowed, *k)) {
            *err = g_strdup_printf("[%s]: unknown key '%s'", group, *k);
            rc = -EINVAL;
            break;
        }
    }
    g_strfreev(keys);
    return rc;
}

static int parse_policy(GKeyFile *kf, const char *group, struct clone_policy *p,
                        char **err)
{
    static const char *const keys[] = {"enabled",   "max_clones", "max_family",
                                       "max_depth", "max_shared", NULL};
    guint64 max = p->max_clones, family = p->max_family, depth = p->max_depth;
    guint64 shared = p->max_shared;
    int rc;

    rc = check_keys(kf, group, keys, err);
    if (rc)
        goto out;
    rc = get_bool(kf, group, "enabled", &p->enabled, err);
    if (rc)
        goto out;
    rc = get_uint(kf, group, "max_clones", 0, CLONED_MAX_MAX_CLONES, &max, err);
    if (rc)
        goto out;
    p->max_clones = max;
    rc = get_uint(kf, group, "max_family", 1, CLONED_MAX_MAX_FAMILY, &family,
                  err);
    if (rc)
        goto out;
    p->max_family = family;
    rc = get_uint(kf, group, "max_depth", 0, CLONED_MAX_MAX_DEPTH, &depth, err);
    if (rc)
        goto out;
    p->max_depth = depth;
    rc = get_uint(kf, group, "max_shared", 0, G_MAXUINT64, &shared, err);
    p->max_shared = shared;
out:
    return rc;
}

/* [service] xenstore_copy: xs_clone (the default) or deep. */
static int get_copy_method(GKeyFile *kf, const char *group, bool *deep,
                           char **err)
{
    gchar *s = g_key_file_get_value(kf, group, "xenstore_copy", NULL);
    int rc = 0;

    if (!s)
        goto out;
    g_strstrip(s);
    if (!strcmp(s, "xs_clone"))
        *deep = false;
    else if (!strcmp(s, "deep"))
        *deep = true;
    else {
        *err = g_strdup_printf("[%s] xenstore_copy: '%s' is not xs_clone or "
                               "deep",
                               group, s);
        rc = -EINVAL;
    }
out:
    g_free(s);
    return rc;
}

static int parse_children(GKeyFile *kf, struct cloned_config *c, char **err)
{
    static const char *const keys[] = {"on_exit", NULL};
    gchar *s = NULL;
    int rc;

    rc = check_keys(kf, CHILDREN_GROUP, keys, err);
    if (rc)
        goto out;
    s = g_key_file_get_value(kf, CHILDREN_GROUP, "on_exit", NULL);
    if (!s)
        goto out;
    g_strstrip(s);
    if (!strcmp(s, "destroy"))
        c->on_exit = ON_EXIT_DESTROY;
    else if (!strcmp(s, "preserve"))
        c->on_exit = ON_EXIT_PRESERVE;
    else {
        *err = g_strdup_printf("[%s] on_exit: '%s' is not destroy or preserve",
                               CHILDREN_GROUP, s);
        rc = -EINVAL;
    }
out:
    g_free(s);
    return rc;
}

/* "A.B.C.D" to a host-order address: 0 or -EINVAL. */
static int parse_ipv4(const char *s, uint32_t *out)
{
    uint32_t a = 0;

    for (int i = 0; i < 4; i++) {
        char *end;
        guint64 v;

        if (!g_ascii_isdigit(*s))
            return -EINVAL;
        v = g_ascii_strtoull(s, &end, 10);
        if (v > 255 || end - s > 3 || (i < 3 && *end != '.') ||
            (i == 3 && *end))
            return -EINVAL;
        a = a << 8 | (uint32_t)v;
        s = end + 1;
    }
    *out = a;
    return 0;
}

/* [network]: mode, new_ips (FIRST-LAST), timeout_ms. */
static int parse_network(GKeyFile *kf, struct cloned_config *c, char **err)
{
    static const char *const keys[] = {"mode", "new_ips", "timeout_ms",
                                       "same_spread", NULL};
    gchar *s = NULL, **range = NULL;
    guint64 t = c->vif_timeout_ms;
    uint32_t first, last;
    int rc;

    rc = check_keys(kf, NETWORK_GROUP, keys, err);
    if (rc)
        goto out;
    s = g_key_file_get_value(kf, NETWORK_GROUP, "mode", NULL);
    if (s && config_net_mode_parse(g_strstrip(s), &c->net_mode)) {
        *err = g_strdup_printf("[%s] mode: '%s' is not same or new",
                               NETWORK_GROUP, s);
        rc = -EINVAL;
        goto out;
    }
    g_free(s);
    s = g_key_file_get_value(kf, NETWORK_GROUP, "new_ips", NULL);
    if (s) {
        range = g_strsplit(g_strstrip(s), "-", 3);
        if (g_strv_length(range) != 2 ||
            parse_ipv4(g_strstrip(range[0]), &first) ||
            parse_ipv4(g_strstrip(range[1]), &last) || first > last ||
            (first & 0xff) == 0 || (last & 0xff) == 0xff) {
            *err = g_strdup_printf("[%s] new_ips: '%s' is not a range "
                                   "FIRST-LAST of IPv4 host addresses",
                                   NETWORK_GROUP, s);
            rc = -EINVAL;
            goto out;
        }
        c->new_ip_first = first;
        c->new_ip_last = last;
    }
    rc = get_uint(kf, NETWORK_GROUP, "timeout_ms", 100, 600000, &t, err);
    if (rc)
        goto out;
    c->vif_timeout_ms = t;
    g_free(s);
    s = g_key_file_get_value(kf, NETWORK_GROUP, "same_spread", NULL);
    if (s && !strcmp(g_strstrip(s), "bond")) {
        c->same_bond = true;
    } else if (s && !strcmp(s, "none")) {
        c->same_bond = false;
    } else if (s) {
        *err = g_strdup_printf("[%s] same_spread: '%s' is not bond or none",
                               NETWORK_GROUP, s);
        rc = -EINVAL;
    }
out:
    g_strfreev(range);
    g_free(s);
    return rc;
}

static int parse_keyfile(GKeyFile *kf, struct cloned_config *c, char **err)
{
    static const char *const service_keys[] = {
        "ring_pages",  "xenstore_copy", "debug_delay_ms",
        "fork_shells", "chaosd_socket", NULL};
    gchar **groups = g_key_file_get_groups(kf, NULL);
    guint64 pages = c->ring_pages, delay = c->debug_delay_ms;
    guint64 shells = c->fork_shells;
    gchar *sock = NULL;
    int rc = 0;

    /* The default policy first: named policies start from it. */
    if (g_key_file_has_group(kf, POLICY_GROUP)) {
        rc = parse_policy(kf, POLICY_GROUP, &c->policy, err);
        if (rc)
            goto out;
    }
    for (gchar **g = groups; *g; g++) {
        if (!strcmp(*g, POLICY_GROUP))
            continue;
        if (!strcmp(*g, SERVICE_GROUP)) {
            rc = check_keys(kf, *g, service_keys, err);
            if (!rc)
                rc = get_uint(kf, *g, "ring_pages", 1, 8, &pages, err);
            if (!rc)
                rc = get_copy_method(kf, *g, &c->deep_copy, err);
            if (!rc)
                rc = get_uint(kf, *g, "debug_delay_ms", 0, 60000, &delay, err);
            if (!rc)
                rc = get_uint(kf, *g, "fork_shells", 0, CLONED_MAX_FORK_SHELLS,
                              &shells, err);
            if (rc)
                goto out;
            sock = g_key_file_get_value(kf, *g, "chaosd_socket", NULL);
            if (sock) {
                g_strstrip(sock);
                if (sock[0] != '/' ||
                    strlen(sock) >= sizeof(c->chaosd_socket)) {
                    *err = g_strdup_printf(
                        "[%s] chaosd_socket: '%s' is not an absolute path "
                        "shorter than %zu bytes",
                        *g, sock, sizeof(c->chaosd_socket));
                    g_free(sock);
                    rc = -EINVAL;
                    goto out;
                }
                g_strlcpy(c->chaosd_socket, sock, sizeof(c->chaosd_socket));
                g_free(sock);
            }
            c->ring_pages = pages;
            c->debug_delay_ms = delay;
            c->fork_shells = shells;
        } else if (!strcmp(*g, NETWORK_GROUP)) {
            rc = parse_network(kf, c, err);
            if (rc)
                goto out;
        } else if (!strcmp(*g, CHILDREN_GROUP)) {
            rc = parse_children(kf, c, err);
            if (rc)
                goto out;
        } else if (g_str_has_prefix(*g, NAMED_PREFIX) &&
                   (*g)[strlen(NAMED_PREFIX)] != '\0') {
            struct clone_policy *p = g_new(struct clone_policy, 1);

            *p = c->policy;
            rc = parse_policy(kf, *g, p, err);
            if (rc) {
                g_free(p);
                goto out;
            }
            g_hash_table_replace(c->by_name,
                                 g_strdup(*g + strlen(NAMED_PREFIX)), p);
        } else {
            *err = g_strdup_printf("unknown group [%s] (expected [policy], "
                                   "[policy:NAME], [service], [children] or "
                                   "[network])",
                                   *g);
            rc = -EINVAL;
            goto out;
        }
    }
out:
    g_strfreev(groups);
    return rc;
}

int config_parse(const char *data, size_t len, struct cloned_config *c,
                 char **err)
{
    GKeyFile *kf = g_key_file_new();
    GError *gerr = NULL;
    int rc = 0;

    *err = NULL;
    config_init(c);
    if (!g_key_file_load_from_data(kf, data, len, G_KEY_FILE_NONE, &gerr)) {
        *err = g_strdup(gerr->message);
        g_error_free(gerr);
        rc = -EINVAL;
        goto out;
    }
    rc = parse_keyfile(kf, c, err);
out:
    g_key_file_free(kf);
    return rc;
}

int config_load(const char *path, bool must_exist, struct cloned_config *c,
                char **err)
{
    GError *gerr = NULL;
    gchar *data = NULL;
    gsize len;
    int rc = 0;

    *err = NULL;
    if (!g_file_get_contents(path, &data, &len, &gerr)) {
        bool missing = g_error_matches(gerr, G_FILE_ERROR, G_FILE_ERROR_NOENT);

        config_init(c);
        if (missing && !must_exist)
            goto out;
        *err = g_strdup(gerr->message);
        rc = missing ? -ENOENT : -EINVAL;
        goto out;
    }
    rc = config_parse(data, len, c, err);
    if (rc) {
        gchar *m = g_strdup_printf("%s: %s", path, *err);

        g_free(*err);
        *err = m;
    }
out:
    if (gerr)
        g_error_free(gerr);
    g_free(data);
    return rc;
}

const struct clone_policy *config_policy_for(const struct cloned_config *c,
                                             const char *name)
{
    const struct clone_policy *p = NULL;

    if (name)
        p = g_hash_table_lookup(c->by_name, name);
    return p ? p : &c->policy;
}
