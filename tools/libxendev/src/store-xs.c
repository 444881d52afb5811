/* store-xs.c: struct xendev_store over libxenstore. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "xendev/xendev.h"

struct xs_store {
    struct xendev_store st;
    struct xs_handle *xs;
    xs_transaction_t t;
    bool borrowed; /* xs and t are the caller's */
};

static struct xs_store *xss(struct xendev_store *st)
{
    return (struct xs_store *)st;
}

static int neg_errno(void)
{
    return errno ? -errno : -EIO;
}

static int xs_read_hook(struct xendev_store *st, const char *path, char *buf,
                        size_t len)
{
    unsigned int n;
    char *v;

    errno = 0;
    v = xs_read(xss(st)->xs, xss(st)->t, path, &n);
    if (!v)
        return neg_errno();
    if (n >= len) {
        free(v);
        return -ENOSPC;
    }
    memcpy(buf, v, n);
    buf[n] = '\0';
    free(v);
    return 0;
}

static int xs_write_hook(struct xendev_store *st, const char *path,
                         const char *value)
{
    errno = 0;
    if (!xs_write(xss(st)->xs, xss(st)->t, path, value, strlen(value)))
        return neg_errno();
    return 0;
}

static int xs_rm_hook(struct xendev_store *st, const char *path)
{
    errno = 0;
    if (!xs_rm(xss(st)->xs, xss(st)->t, path))
        return errno == ENOENT ? 0 : neg_errno();
    return 0;
}

static int xs_perms_hook(struct xendev_store *st, const char *path,
                         unsigned int owner, int reader)
{
    struct xs_permissions p[2] = {
        {.id = owner, .perms = XS_PERM_NONE},
        {.id = reader < 0 ? 0 : (unsigned int)reader, .perms = XS_PERM_READ},
    };

    errno = 0;
    if (!xs_set_permissions(xss(st)->xs, xss(st)->t, path, p,
                            reader < 0 ? 1 : 2))
        return neg_errno();
    return 0;
}

static int xs_begin_hook(struct xendev_store *st)
{
    if (xss(st)->t != XBT_NULL)
        return -EBUSY;
    errno = 0;
    xss(st)->t = xs_transaction_start(xss(st)->xs);
    return xss(st)->t == XBT_NULL ? neg_errno() : 0;
}

static int xs_end_hook(struct xendev_store *st, bool abort)
{
    xs_transaction_t t = xss(st)->t;

    if (t == XBT_NULL)
        return -EINVAL;
    xss(st)->t = XBT_NULL;
    errno = 0;
    if (!xs_transaction_end(xss(st)->xs, t, abort))
        return abort ? 0 : neg_errno();
    return 0;
}

int xendev_store_xs_open(struct xendev_store **out)
{
    struct xs_store *s;

    if (!out)
        return -EINVAL;
    s = calloc(1, sizeof(*s));
    if (!s)
        return -ENOMEM;
    errno = 0;
    s->xs = xs_open(0);
    if (!s->xs) {
        int rc = neg_errno();

        free(s);
        return rc;
    }
    s->t = XBT_NULL;
    s->st.read = xs_read_hook;
    s->st.write = xs_write_hook;
    s->st.rm = xs_rm_hook;
    s->st.set_perms = xs_perms_hook;
    s->st.begin = xs_begin_hook;
    s->st.end = xs_end_hook;
    *out = &s->st;
    return 0;
}

int xendev_store_xs_borrow(struct xs_handle *xs, uint32_t t,
                           struct xendev_store **out)
{
    struct xs_store *s;

    if (!xs || !out)
        return -EINVAL;
    s = calloc(1, sizeof(*s));
    if (!s)
        return -ENOMEM;
    s->xs = xs;
    s->t = t;
    s->borrowed = true;
    s->st.read = xs_read_hook;
    s->st.write = xs_write_hook;
    s->st.rm = xs_rm_hook;
    s->st.set_perms = xs_perms_hook;
    /* No begin/end: the library's writes join the caller's transaction. */
    *out = &s->st;
    return 0;
}

void xendev_store_xs_close(struct xendev_store *st)
{
    if (!st)
        return;
    if (xss(st)->borrowed) {
        free(st);
        return;
    }
    if (xss(st)->t != XBT_NULL)
        xs_transaction_end(xss(st)->xs, xss(st)->t, true);
    xs_close(xss(st)->xs);
    free(st);
}
