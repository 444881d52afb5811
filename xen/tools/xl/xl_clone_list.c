/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xl_clone_list.c: "xl clone-list [-l] [Domain...]": each domain's own
 * (private) memory and its clone family's shared memory, as Xen counts
 * them (CLONEOP_get_info); xl list shows only the first.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxl.h>
#include <libxl_utils.h>
#include <xenctrl.h>
#include <yajl/yajl_gen.h>

#include "xl.h"
#include "xl_utils.h"

/* Pages of 4 KiB to MiB, rounded down as xl list does. */
#define PAGES_TO_MIB(p) ((p) >> 8)

struct clone_row {
    uint32_t domid;
    char *name;
    xen_clone_info_t info;
};

static void print_table(const struct clone_row *rows, unsigned int n)
{
    unsigned int i;

    printf("%-40s %5s %8s %11s %14s %6s %3s %8s %6s %10s\n", "Name", "ID",
           "Own(MiB)", "Shared(MiB)", "MaxShared(MiB)", "Parent", "Gen",
           "Children", "Family", "CowFaults");
    for (i = 0; i < n; i++) {
        const xen_clone_info_t *c = &rows[i].info;
        char parent[12] = "-";

        if (c->parent != DOMID_INVALID)
            snprintf(parent, sizeof(parent), "%u", c->parent);
        printf("%-40s %5u %8" PRIu64 " %11" PRIu64 " %14" PRIu64
               " %6s %3u %8u %6u %10" PRIu64 "\n",
               rows[i].name, rows[i].domid, PAGES_TO_MIB(c->nr_pages),
               PAGES_TO_MIB(c->nr_shared), PAGES_TO_MIB(c->max_shared),
               parent, c->generation, c->nr_children, c->nr_family,
               c->nr_cow_faults);
    }
}

static void gen_key_u64(yajl_gen g, const char *key, uint64_t value)
{
    yajl_gen_string(g, (const unsigned char *)key, strlen(key));
    yajl_gen_integer(g, (long long)value);
}

/* -l: one JSON array, one object per domain, figures in pages of 4 KiB. */
static int print_json(const struct clone_row *rows, unsigned int n)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    const unsigned char *buf;
    size_t len;
    unsigned int i;

    if (!g)
        return -ENOMEM;
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_array_open(g);
    for (i = 0; i < n; i++) {
        const xen_clone_info_t *c = &rows[i].info;

        yajl_gen_map_open(g);
        gen_key_u64(g, "domid", rows[i].domid);
        yajl_gen_string(g, (const unsigned char *)"name", 4);
        yajl_gen_string(g, (const unsigned char *)rows[i].name,
                        strlen(rows[i].name));
        yajl_gen_string(g, (const unsigned char *)"parent", 6);
        if (c->parent == DOMID_INVALID)
            yajl_gen_null(g);
        else
            yajl_gen_integer(g, c->parent);
        gen_key_u64(g, "generation", c->generation);
        gen_key_u64(g, "nr_children", c->nr_children);
        gen_key_u64(g, "nr_family", c->nr_family);
        gen_key_u64(g, "own_pages", c->nr_pages);
        gen_key_u64(g, "family_shared_pages", c->nr_shared);
        gen_key_u64(g, "family_max_shared_pages", c->max_shared);
        gen_key_u64(g, "cow_faults", c->nr_cow_faults);
        gen_key_u64(g, "copied_pages", c->nr_copied_pages);
        gen_key_u64(g, "resets", c->nr_resets);
        yajl_gen_string(g, (const unsigned char *)"clone_enabled", 13);
        yajl_gen_bool(g, c->enabled);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    yajl_gen_get_buf(g, &buf, &len);
    fwrite(buf, 1, len, stdout);
    yajl_gen_free(g);

    return 0;
}

int main_clone_list(int argc, char **argv)
{
    static const struct option opts[] = {
        {"long", 0, 0, 'l'},
        COMMON_LONG_OPTS
    };
    xc_interface *xch = NULL;
    libxl_dominfo *all = NULL;
    struct clone_row *rows = NULL;
    unsigned int n = 0, i;
    int nb_all = 0, opt, rc = EXIT_FAILURE;
    bool json = false;

    SWITCH_FOREACH_OPT(opt, "l", opts, "clone-list", 0) {
    case 'l':
        json = true;
        break;
    }

    xch = xc_interface_open(NULL, NULL, 0);
    if (!xch) {
        fprintf(stderr, "xl clone-list: cannot open libxenctrl: %s.\n",
                strerror(errno));
        goto out;
    }

    if (optind < argc) {
        rows = calloc(argc - optind, sizeof(*rows));
        if (!rows)
            goto nomem;
        for (i = optind; i < (unsigned int)argc; i++) {
            uint32_t domid;

            if (libxl_domain_qualifier_to_domid(ctx, argv[i], &domid) ||
                libxl_domain_info(ctx, NULL, domid)) {
                fprintf(stderr, "xl clone-list: no such domain '%s'.\n",
                        argv[i]);
                goto out;
            }
            rows[n++].domid = domid;
        }
    } else {
        all = libxl_list_domain(ctx, &nb_all);
        if (!all) {
            fprintf(stderr, "xl clone-list: cannot list the domains.\n");
            goto out;
        }
        rows = calloc(nb_all ? nb_all : 1, sizeof(*rows));
        if (!rows)
            goto nomem;
        for (i = 0; i < (unsigned int)nb_all; i++)
            rows[n++].domid = all[i].domid;
    }

    for (i = 0; i < n; i++) {
        if (xc_clone_get_info(xch, rows[i].domid, &rows[i].info)) {
            int err = errno;

            /* A domain of the list may have gone meanwhile. */
            fprintf(stderr, "xl clone-list: no clone figures for domain %u: "
                    "%s.\n", rows[i].domid,
                    err == ENOSYS || err == EOPNOTSUPP
                        ? "this Xen has no clone_op hypercall"
                        : strerror(err));
            goto out;
        }
        rows[i].name = libxl_domid_to_name(ctx, rows[i].domid);
        if (!rows[i].name)
            rows[i].name = strdup("(null)");
        if (!rows[i].name)
            goto nomem;
    }

    if (json ? print_json(rows, n) : (print_table(rows, n), 0))
        goto nomem;
    rc = EXIT_SUCCESS;
    goto out;

 nomem:
    fprintf(stderr, "xl clone-list: out of memory.\n");
 out:
    if (rows)
        for (i = 0; i < n; i++)
            free(rows[i].name);
    free(rows);
    if (all)
        libxl_dominfo_list_free(all, nb_all);
    if (xch)
        xc_interface_close(xch);
    return rc;
}

