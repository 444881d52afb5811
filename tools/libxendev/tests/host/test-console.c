/* test-console.c: the console's operations on an in-memory XenStore
 * (src/console.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "xendev/console.h"
#include "xendev/xendev.h"

#define NODES 64
static struct {
    char path[XENDEV_PATH_MAX];
    char value[64];
    int owner, reader;
} nodes[NODES];
static int fail_writes, tx_begun, tx_ended, tx_eagain;

static int find(const char *path)
{
    for (int i = 0; i < NODES; i++)
        if (nodes[i].path[0] && !strcmp(nodes[i].path, path))
            return i;
    return -1;
}

static const char *get(const char *path)
{
    int i = find(path);

    return i < 0 ? NULL : nodes[i].value;
}

static int m_read(struct xendev_store *st, const char *path, char *buf,
                  size_t len)
{
    const char *v = get(path);

    if (!v)
        return -ENOENT;
    snprintf(buf, len, "%s", v);
    return 0;
}

static int m_write(struct xendev_store *st, const char *path, const char *value)
{
    int i = find(path);

    if (fail_writes)
        return fail_writes;
    for (int j = 0; i < 0 && j < NODES; j++)
        if (!nodes[j].path[0])
            i = j;
    if (i < 0)
        return -ENOSPC;
    snprintf(nodes[i].path, sizeof(nodes[i].path), "%s", path);
    snprintf(nodes[i].value, sizeof(nodes[i].value), "%s", value);
    nodes[i].owner = nodes[i].reader = -2;
    return 0;
}

static int m_rm(struct xendev_store *st, const char *path)
{
    size_t n = strlen(path);

    for (int i = 0; i < NODES; i++)
        if (!strncmp(nodes[i].path, path, n) &&
            (nodes[i].path[n] == '\0' || nodes[i].path[n] == '/'))
            nodes[i].path[0] = '\0';
    return 0;
}

static int m_perms(struct xendev_store *st, const char *path,
                   unsigned int owner, int reader)
{
    int i = find(path);

    if (i < 0)
        return -ENOENT;
    nodes[i].owner = (int)owner;
    nodes[i].reader = reader;
    return 0;
}

static int m_begin(struct xendev_store *st)
{
    tx_begun++;
    return 0;
}

static int m_end(struct xendev_store *st, bool abort)
{
    tx_ended++;
    if (!abort && tx_eagain) {
        tx_eagain--;
        return -EAGAIN;
    }
    return 0;
}

static struct xendev_store store = {.read = m_read,
                                    .write = m_write,
                                    .rm = m_rm,
                                    .set_perms = m_perms,
                                    .begin = m_begin,
                                    .end = m_end};

static int count_nodes(void)
{
    int n = 0;

    for (int i = 0; i < NODES; i++)
        n += nodes[i].path[0] != '\0';
    return n;
}

int main(void)
{
    struct xendev_ctx ctx = {.store = &store};
    struct xendev_console_config cfg = {.ring_ref = 0x1234f, .port = 3};
    struct xendev dev, dev1, vif;
    char buf[XENDEV_PATH_MAX];

    is_int(xendev_init(&dev, &xendev_console_ops, 0, 7, 0), 0, "init");
    is_str(dev.backend, "/local/domain/0/backend/console/7/0", "backend path");
    is_int(xendev_console_frontend(buf, sizeof(buf), &dev), 0,
           "frontend of console 0");
    is_str(buf, "/local/domain/7/console", "console 0 lives in console/");
    is_int(xendev_init(&dev1, &xendev_console_ops, 0, 7, 1), 0, "init 1");
    is_int(xendev_console_frontend(buf, sizeof(buf), &dev1), 0,
           "frontend of console 1");
    is_str(buf, "/local/domain/7/device/console/1",
           "console 1 lives in device/console/1");

    tx_eagain = 1;
    is_int(dev.ops->create(&ctx, &dev, &cfg), 0, "create");
    is_int(tx_begun, 2, "a transaction retried once on EAGAIN");
    is_str(get("/local/domain/7/console/ring-ref"), "74575", "ring-ref");
    is_str(get("/local/domain/7/console/port"), "3", "port");
    is_str(get("/local/domain/7/console/type"), "xenconsoled", "type");
    is_str(get("/local/domain/7/console/output"), "pty", "output");
    is_str(get("/local/domain/7/console/limit"), "1048576", "limit");
    is_str(get("/local/domain/7/console/backend-id"), "0", "backend-id");
    is_str(get("/local/domain/7/console/backend"),
           "/local/domain/0/backend/console/7/0", "frontend names its backend");
    is_str(get("/local/domain/0/backend/console/7/0/frontend"),
           "/local/domain/7/console", "backend names its frontend");
    is_str(get("/local/domain/0/backend/console/7/0/state"), "1",
           "backend state Initialising");
    is_int(nodes[find("/local/domain/7/console")].owner, 7,
           "frontend owned by the guest");
    is_int(nodes[find("/local/domain/0/backend/console/7/0")].reader, 7,
           "backend readable by the guest");

    is_int(dev.ops->connect(&ctx, &dev), 0, "connect: nothing to do");
    is_int(dev.ops->clone(&ctx, &dev, &dev1), -EOPNOTSUPP,
           "clone: not ours (xencloned's XenStore copy)");
    ok(strstr(ctx.error, "xencloned") != NULL, "clone says why");

    is_int(dev.ops->destroy(&ctx, &dev), 0, "destroy");
    is_int(count_nodes(), 0, "destroy leaves no node");

    /* A console made ahead of its guest's build (a shell's). */
    cfg.ring_ref = 0;
    is_int(dev.ops->create(&ctx, &dev, &cfg), 0, "create without a ring");
    ok(find("/local/domain/7/console/ring-ref") < 0,
       "  no ring-ref: xenconsoled cannot connect yet");
    is_str(get("/local/domain/7/console/port"), "3", "  the port is there");
    is_str(get("/local/domain/7/console/type"), "xenconsoled",
           "  and the type");
    is_int(xendev_console_set_ring(&ctx, &dev, 0), -EINVAL,
           "set_ring: ring 0 is refused");
    xendev_init(&vif, &xendev_vif_ops, 0, 7, 0);
    is_int(xendev_console_set_ring(&ctx, &vif, 0x1234f), -EINVAL,
           "set_ring: a vif is refused");
    fail_writes = -EACCES;
    is_int(xendev_console_set_ring(&ctx, &dev, 0x1234f), -EACCES,
           "set_ring: a failing write fails it");
    ok(strstr(ctx.error, "/local/domain/7/console") != NULL,
       "  the error names the path");
    fail_writes = 0;
    is_int(xendev_console_set_ring(&ctx, &dev, 0x1234f), 0, "set_ring");
    is_str(get("/local/domain/7/console/ring-ref"), "74575",
           "  ring-ref written");
    is_int(dev.ops->destroy(&ctx, &dev), 0, "destroy");
    is_int(count_nodes(), 0, "  destroy leaves no node");
    cfg.ring_ref = 0x1234f;

    fail_writes = -EACCES;
    is_int(dev.ops->create(&ctx, &dev, &cfg), -EACCES,
           "a failing write fails create");
    ok(strstr(ctx.error, "/local/domain/7/console") != NULL,
       "the error names the path");
    fail_writes = 0;

    xendev_init(&vif, &xendev_vif_ops, 0, 7, 0);
    is_int(xendev_console_ops.create(&ctx, &vif, &cfg), -EINVAL,
           "a vif is refused by the console's table");
    is_int(xendev_console_ops.create(&ctx, &dev, NULL), -EINVAL,
           "no config: -EINVAL");
    return done_testing();
}
