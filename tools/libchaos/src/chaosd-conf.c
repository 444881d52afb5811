/* chaosd-conf.c: /etc/xen/chaosd.conf (a GLib key file): the daemon's
 * socket, the refill rate limit and the flavours of shells. */
#include <errno.h>
#include <string.h>

#include "chaos/proto.h"
#include "chaosd.h"

#define FLAVOUR_PREFIX "flavour:"

static const char *const chaosd_keys[] = {"socket", "refill-rate",
                                          "refill-burst", NULL};
static const char *const flavour_keys[] = {
    "memory", "vcpus", "shells", "vifs", "kind", "seclabel", NULL};

static bool known(const char *const *keys, const char *k)
{
    for (; *keys; keys++)
        if (!strcmp(*keys, k))
            return true;
    return false;
}

/* An integer key in [MIN, MAX]; absent: DEF. */
static int get_uint(GKeyFile *kf, const char *group, const char *key,
                    unsigned int min, unsigned int max, unsigned int def,
                    unsigned int *out, const char *src, char **err)
{
    GError *e = NULL;
    gint64 v;

    if (!g_key_file_has_key(kf, group, key, NULL)) {
        *out = def;
        return 0;
    }
    v = g_key_file_get_int64(kf, group, key, &e);
    if (e || v < min || v > max) {
        *err = g_strdup_printf("%s: [%s] %s must be an integer from %u to %u",
                               src, group, key, min, max);
        g_clear_error(&e);
        return -EINVAL;
    }
    *out = (unsigned int)v;
    return 0;
}

static int check_keys(GKeyFile *kf, const char *group, const char *const *keys,
                      const char *src, char **err)
{
    gchar **ks = g_key_file_get_keys(kf, group, NULL, NULL);
    int rc = 0;

    for (gchar **k = ks; k && *k && !rc; k++)
        if (!known(keys, *k)) {
            *err = g_strdup_printf("%s: [%s] unknown key '%s'", src, group, *k);
            rc = -EINVAL;
        }
    g_strfreev(ks);
    return rc;
}

static int parse_flavour(GKeyFile *kf, const char *group, const char *src,
                         struct chaosd_config *cfg, char **err)
{
    const char *name = group + strlen(FLAVOUR_PREFIX);
    struct chaos_flavour *f;
    int rc;

    if (chaos_flavour_name_valid(name)) {
        *err = g_strdup_printf("%s: [%s]: '%s' is not a flavour name "
                               "(1-31 of A-Z a-z 0-9 _ -)",
                               src, group, name);
        return -EINVAL;
    }
    /* (GKeyFile merges a group given twice: its later keys win.) */
    if (cfg->n_flavours == CHAOSD_MAX_FLAVOURS) {
        *err = g_strdup_printf("%s: more than %d flavours", src,
                               CHAOSD_MAX_FLAVOURS);
        return -E2BIG;
    }
    f = &cfg->flavours[cfg->n_flavours];
    memset(f, 0, sizeof(*f));
    g_strlcpy(f->name, name, sizeof(f->name));
    if ((rc = check_keys(kf, group, flavour_keys, src, err)))
        return rc;
    if (!g_key_file_has_key(kf, group, "memory", NULL)) {
        *err = g_strdup_printf("%s: [%s] needs memory= (MB)", src, group);
        return -EINVAL;
    }
    if ((rc = get_uint(kf, group, "memory", 1, 1048576, 0, &f->memory_mb, src,
                       err)) ||
        (rc = get_uint(kf, group, "vcpus", 1, 128, 1, &f->vcpus, src, err)) ||
        (rc = get_uint(kf, group, "shells", 0, 4096, 2, &f->target, src, err)))
        return rc;
    if (g_key_file_has_key(kf, group, "kind", NULL)) {
        gchar *kind = g_key_file_get_string(kf, group, "kind", NULL);

        if (kind && !strcmp(g_strstrip(kind), "clone"))
            f->clone = true;
        else if (!kind || strcmp(kind, "guest")) {
            *err = g_strdup_printf("%s: [%s] kind: '%s' is not guest or clone",
                                   src, group, kind ? kind : "");
            rc = -EINVAL;
        }
        g_free(kind);
        if (rc)
            return rc;
    }
    if (g_key_file_has_key(kf, group, "vifs", NULL)) {
        gsize n = 0;
        gchar **br = g_key_file_get_string_list(kf, group, "vifs", &n, NULL);

        for (gsize i = 0; br && i < n && !rc; i++) {
            const char *b = g_strstrip(br[i]);

            if (i == CHAOS_MAX_VIFS || !*b || strlen(b) >= 16 ||
                strpbrk(b, "/: \t")) {
                *err = g_strdup_printf(
                    "%s: [%s] vifs: '%s' is not a bridge name (at most %d, "
                    "separated by ';')",
                    src, group, b, CHAOS_MAX_VIFS);
                rc = -EINVAL;
            } else
                g_strlcpy(f->vif_bridges[f->nr_vifs++], b, 16);
        }
        g_strfreev(br);
        if (rc)
            return rc;
    }
    if (g_key_file_has_key(kf, group, "seclabel", NULL)) {
        gchar *l = g_key_file_get_string(kf, group, "seclabel", NULL);
        const char *s = l ? g_strstrip(l) : "";

        /* user:role:type[:level], as xl's seclabel. */
        if (!*s || strlen(s) >= sizeof(f->seclabel) || !strchr(s, ':') ||
            strpbrk(s, " \t")) {
            *err = g_strdup_printf("%s: [%s] seclabel: '%s' is not a FLASK "
                                   "label (user:role:type, at most %d "
                                   "characters)",
                                   src, group, s, CHAOS_SECLABEL_MAX - 1);
            rc = -EINVAL;
        } else
            g_strlcpy(f->seclabel, s, sizeof(f->seclabel));
        g_free(l);
        if (rc)
            return rc;
    }
    cfg->n_flavours++;
    return 0;
}

int chaosd_config_parse(const char *text, const char *source,
                        struct chaosd_config *cfg, char **err)
{
    GKeyFile *kf = g_key_file_new();
    GError *e = NULL;
    gchar **groups = NULL;
    int rc = 0;

    memset(cfg, 0, sizeof(*cfg));
    cfg->refill_rate = 4;
    cfg->refill_burst = 2;
    if (!g_key_file_load_from_data(kf, text, (gsize)-1, G_KEY_FILE_NONE, &e)) {
        *err = g_strdup_printf("%s: %s", source, e->message);
        g_error_free(e);
        rc = -EINVAL;
        goto out;
    }
    groups = g_key_file_get_groups(kf, NULL);
    for (gchar **g = groups; *g && !rc; g++) {
        if (!strcmp(*g, "chaosd")) {
            if ((rc = check_keys(kf, *g, chaosd_keys, source, err)) ||
                (rc = get_uint(kf, *g, "refill-rate", 1, 1000, 4,
                               &cfg->refill_rate, source, err)) ||
                (rc = get_uint(kf, *g, "refill-burst", 1, 1000, 2,
                               &cfg->refill_burst, source, err)))
                break;
            if (g_key_file_has_key(kf, *g, "socket", NULL)) {
                g_free(cfg->socket);
                cfg->socket = g_key_file_get_string(kf, *g, "socket", NULL);
                if (!cfg->socket || cfg->socket[0] != '/') {
                    *err = g_strdup_printf("%s: [chaosd] socket must be an "
                                           "absolute path",
                                           source);
                    rc = -EINVAL;
                }
            }
        } else if (g_str_has_prefix(*g, FLAVOUR_PREFIX)) {
            rc = parse_flavour(kf, *g, source, cfg, err);
        } else {
            *err = g_strdup_printf("%s: unknown group [%s] (chaosd, "
                                   "flavour:NAME)",
                                   source, *g);
            rc = -EINVAL;
        }
    }
    if (!rc && !cfg->socket)
        cfg->socket = g_strdup(CHAOS_DEFAULT_SOCKET);
out:
    if (rc)
        chaosd_config_clear(cfg);
    g_strfreev(groups);
    g_key_file_free(kf);
    return rc;
}

int chaosd_config_load(const char *path, bool missing_ok,
                       struct chaosd_config *cfg, char **err)
{
    GError *e = NULL;
    gchar *text = NULL;
    int rc;

    if (!g_file_get_contents(path, &text, NULL, &e)) {
        bool missing = g_error_matches(e, G_FILE_ERROR, G_FILE_ERROR_NOENT);

        if (missing && missing_ok) {
            g_error_free(e);
            return chaosd_config_parse("", path, cfg, err);
        }
        *err = g_strdup_printf("cannot read %s: %s", path, e->message);
        g_error_free(e);
        return missing ? -ENOENT : -EIO;
    }
    rc = chaosd_config_parse(text, path, cfg, err);
    g_free(text);
    return rc;
}

void chaosd_config_clear(struct chaosd_config *cfg)
{
    g_free(cfg->socket);
    cfg->socket = NULL;
    cfg->n_flavours = 0;
}
