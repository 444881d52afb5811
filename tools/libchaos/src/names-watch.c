/* names-watch.c: chaos_name_in_use() on the name index, fed by a watch. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chaos/names.h"
#include "internal.h"

/*
 * The index has its own XenStore connection and watch. xenstored queues a
 * watch event on that connection when a write commits, before any later
 * reply on it; libxenstore's reader thread keeps that order. So once a
 * request on the connection returns, every write committed before it
 * has its event waiting here: draining them after the listing makes the
 * index as current as a scan started at that moment.
 */

static int names_read(void *arg, unsigned int domid, char *buf, size_t len)
{
    struct chaos_ctx *ctx = arg;
    char p[64];

    snprintf(p, sizeof(p), "/local/domain/%u/name", domid);
    return chaos_xs_read_on(ctx->names_xsh, p, buf, len);
}

static int names_open(struct chaos_ctx *ctx)
{
    int rc;

    if (ctx->names)
        return 0;
    rc = chaos_names_new(&ctx->names);
    if (rc)
        return rc;
    ctx->names_xsh = xs_open(0);
    if (!ctx->names_xsh ||
        !xs_watch(ctx->names_xsh, CHAOS_NAMES_WATCH, CHAOS_NAMES_TOKEN)) {
        rc = chaos_neg_errno();
        chaos_names_close(ctx);
        return rc;
    }
    return 0;
}

void chaos_names_close(struct chaos_ctx *ctx)
{
    if (ctx->names_xsh)
        xs_close(ctx->names_xsh); /* its watch goes with it */
    ctx->names_xsh = NULL;
    chaos_names_free(ctx->names);
    ctx->names = NULL;
}

int chaos_name_watch_drain(struct chaos_ctx *ctx)
{
    unsigned int n = 0;
    char **ev;

    if (!ctx->names)
        return 0;
    while ((ev = xs_check_watch(ctx->names_xsh))) {
        if (!strcmp(ev[XS_WATCH_TOKEN], CHAOS_NAMES_TOKEN))
            chaos_names_event(ctx->names, ev[XS_WATCH_PATH]);
        free(ev);
        n++;
    }
    if (errno != EAGAIN) {
        int rc = chaos_neg_errno();

        chaos_names_close(ctx); /* the connection is gone: start afresh */
        return rc;
    }
    return (int)n;
}

int chaos_name_in_use(struct chaos_ctx *ctx, const char *name)
{
    unsigned int nd = 0;
    char **doms;
    int rc;

    rc = names_open(ctx);
    if (rc)
        return rc;
    /* The listing is the point the answer holds for (see above). */
    doms = xs_directory(ctx->names_xsh, XBT_NULL, "/local/domain", &nd);
    if (!doms) {
        rc = chaos_neg_errno();
        goto fail;
    }
    rc = chaos_name_watch_drain(ctx);
    if (rc >= 0)
        rc = chaos_names_sync(ctx->names, doms, nd, names_read, ctx);
    free(doms);
    if (rc < 0)
        goto fail;
    return chaos_names_find(ctx->names, name) >= 0;

fail:
    chaos_names_close(ctx); /* the next check starts afresh */
    return rc;
}
