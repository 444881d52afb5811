/* ctx.c: the libchaos context (Xen and XenStore handles), errors, helpers. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

int chaos_neg_errno(void)
{
    return errno > 0 ? -errno : -EIO;
}

long long chaos_mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

int chaos_fail(struct chaos_ctx *ctx, int rc, const char *step, const char *fmt,
               ...)
{
    char msg[CHAOS_ERR_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(ctx->error, sizeof(ctx->error), "%s: %s", step, msg);
    return rc;
}

const char *chaos_error(const struct chaos_ctx *ctx)
{
    return ctx ? ctx->error : "no context";
}

const char *chaos_last_timings(const struct chaos_ctx *ctx)
{
    return ctx ? ctx->timings : "";
}

int chaos_open(struct chaos_ctx **out)
{
    struct chaos_ctx *ctx = calloc(1, sizeof(*ctx));
    int rc;

    if (!ctx)
        return -ENOMEM;
    ctx->xch = xc_interface_open(NULL, NULL, 0);
    if (!ctx->xch) {
        rc = chaos_neg_errno();
        goto fail;
    }
    ctx->xsh = xs_open(0);
    if (!ctx->xsh) {
        rc = chaos_neg_errno();
        goto fail;
    }
    rc = xendev_store_xs_open(&ctx->store);
    if (rc)
        goto fail;
    *out = ctx;
    return 0;

fail:
    chaos_close(ctx);
    return rc;
}

void chaos_close(struct chaos_ctx *ctx)
{
    if (!ctx)
        return;
    chaos_names_close(ctx);
    if (ctx->store)
        xendev_store_xs_close(ctx->store);
    if (ctx->xsh)
        xs_close(ctx->xsh);
    if (ctx->xch)
        xc_interface_close(ctx->xch);
    free(ctx);
}

int chaos_xs_printf(struct chaos_ctx *ctx, xs_transaction_t t, const char *path,
                    const char *fmt, ...)
{
    char val[CHAOS_CMDLINE_MAX];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(val, sizeof(val), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(val))
        return -E2BIG;
    if (!xs_write(ctx->xsh, t, path, val, (unsigned int)n))
        return chaos_neg_errno();
    return 0;
}

int chaos_xs_read(struct chaos_ctx *ctx, const char *path, char *buf,
                  size_t len)
{
    return chaos_xs_read_on(ctx->xsh, path, buf, len);
}

int chaos_xs_read_on(struct xs_handle *xsh, const char *path, char *buf,
                     size_t len)
{
    unsigned int n;
    char *v;

    errno = 0;
    v = xs_read(xsh, XBT_NULL, path, &n);
    if (!v)
        return errno == ENOENT || !errno ? -ENOENT : -errno;
    if (n >= len) {
        free(v);
        return -ENOSPC;
    }
    memcpy(buf, v, n);
    buf[n] = '\0';
    free(v);
    return 0;
}

int chaos_random(void *buf, size_t len)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC), rc = 0;
    ssize_t n;

    if (fd < 0)
        return chaos_neg_errno();
    n = read(fd, buf, len);
    if (n != (ssize_t)len)
        rc = n < 0 ? chaos_neg_errno() : -EIO;
    close(fd);
    return rc;
}

void chaos_uuid_format(const uint8_t h[16], char out[37])
{
    snprintf(out, 37,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x",
             h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10],
             h[11], h[12], h[13], h[14], h[15]);
}

int chaos_free_memory_kb(struct chaos_ctx *ctx, uint64_t *kb)
{
    xc_physinfo_t info = {0};

    if (xc_physinfo(ctx->xch, &info))
        return chaos_fail(ctx, chaos_neg_errno(), "xc_physinfo", "%s",
                          strerror(errno));
    /* As xl info free_memory: pages being scrubbed are free too. */
    *kb =
        ((uint64_t)info.free_pages + info.scrub_pages) * (XC_PAGE_SIZE / 1024);
    return 0;
}

int chaos_seclabel_sid(struct chaos_ctx *ctx, const char *label, uint32_t *sid)
{
    char buf[CHAOS_SECLABEL_MAX];
    int n = snprintf(buf, sizeof(buf), "%s", label ? label : "");

    if (n <= 0 || (size_t)n >= sizeof(buf))
        return chaos_fail(ctx, -EINVAL, "reading the FLASK label",
                          "'%s' is empty or longer than %d characters",
                          label ? label : "", CHAOS_SECLABEL_MAX - 1);
    /* Xen copies SIZE bytes, the NUL included. */
    if (xc_flask_context_to_sid(ctx->xch, buf, (uint32_t)n + 1, sid)) {
        int rc = chaos_neg_errno();

        return chaos_fail(ctx, rc, "xc_flask_context_to_sid",
                          "label '%s': %s%s", label, strerror(-rc),
                          rc == -ENOSYS || rc == -EOPNOTSUPP
                              ? " (this Xen has no FLASK)"
                          : rc == -EINVAL ? " (not in FLASK's policy)"
                                          : "");
    }
    return 0;
}
