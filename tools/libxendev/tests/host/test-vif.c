/* test-vif.c: the vif's operations on an in-memory XenStore and a fake
 * host network (src/vif.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "xendev/vif.h"
#include "xendev/xendev.h"

/* ---- an in-memory store ------------------------------------------------ */
#define NODES 128
static struct {
    char path[XENDEV_PATH_MAX];
    char value[256];
} nodes[NODES];
static int fail_writes; /* non-zero: every write fails with it */
static int in_tx, tx_count;

static int find(const char *path)
{
    for (int i = 0; i < NODES; i++)
        if (nodes[i].path[0] && !strcmp(nodes[i].path, path))
            return i;
    return -1;
}

static int m_read(struct xendev_store *st, const char *path, char *buf,
                  size_t len)
{
    int i = find(path);

    if (i < 0)
        return -ENOENT;
    if (strlen(nodes[i].value) >= len)
        return -ENOSPC;
    strcpy(buf, nodes[i].value);
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

static int m_begin(struct xendev_store *st)
{
    if (in_tx)
        return -EBUSY;
    in_tx = 1;
    return 0;
}

static int m_end(struct xendev_store *st, bool abort)
{
    in_tx = 0;
    if (!abort)
        tx_count++;
    return 0;
}

static struct xendev_store store = {
    .read = m_read,
    .write = m_write,
    .rm = m_rm,
    .begin = m_begin,
    .end = m_end,
};

static const char *val(const char *path)
{
    int i = find(path);

    return i < 0 ? NULL : nodes[i].value;
}

static int count_under(const char *prefix)
{
    int n = 0;

    for (int i = 0; i < NODES; i++)
        if (nodes[i].path[0] && !strncmp(nodes[i].path, prefix, strlen(prefix)))
            n++;
    return n;
}

static void reset_store(void)
{
    memset(nodes, 0, sizeof(nodes));
    fail_writes = 0;
    tx_count = 0;
}

/* ---- a fake host network ---------------------------------------------- */
static char have_if[4][16], bridges[2][16], port_of[16], up_if[16];
static int add_fails;

static int has(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (!strcmp(have_if[i], name))
            return 1;
    return 0;
}

static int f_exists(struct xendev_netif *n, const char *name)
{
    return has(name) ? 0 : -ENODEV;
}

static int f_is_bridge(struct xendev_netif *n, const char *name)
{
    if (!has(name))
        return -ENODEV;
    return !strcmp(bridges[0], name) || !strcmp(bridges[1], name) ? 0
                                                                  : -ENOTDIR;
}

static int f_bridge_add(struct xendev_netif *n, const char *br,
                        const char *ifname)
{
    if (add_fails)
        return add_fails;
    snprintf(port_of, sizeof(port_of), "%s", br);
    return 0;
}

static int f_bridge_del(struct xendev_netif *n, const char *br,
                        const char *ifname)
{
    port_of[0] = '\0';
    return 0;
}

static int f_set_up(struct xendev_netif *n, const char *ifname, bool up)
{
    if (!has(ifname))
        return -ENODEV;
    snprintf(up_if, sizeof(up_if), "%s", up ? ifname : "");
    return 0;
}

static struct xendev_netif netif = {
    .exists = f_exists,
    .is_bridge = f_is_bridge,
    .bridge_add = f_bridge_add,
    .bridge_del = f_bridge_del,
    .set_up = f_set_up,
};

static void reset_net(void)
{
    memset(have_if, 0, sizeof(have_if));
    memset(bridges, 0, sizeof(bridges));
    port_of[0] = up_if[0] = '\0';
    add_fails = 0;
    strcpy(have_if[0], "xenbr0");
    strcpy(bridges[0], "xenbr0");
    strcpy(have_if[1], "eth9"); /* exists, no bridge */
    strcpy(have_if[2], "vif5.0");
}

/* ---- a fake host network with bonds, veth pairs, redirects, aliases
 * (xendev_vif_connect_family, xendev_vif_family_repair) ------------------ */
#define NFIF 32
struct fif {
    char name[16], master[16], peer[16], redirect[16], alias[64];
    int up, bridge, bond;
};
static struct fif fifs[NFIF];
static int bond_create_fails, veth_fails;

static struct fif *ff(const char *name)
{
    for (int i = 0; i < NFIF; i++)
        if (fifs[i].name[0] && !strcmp(fifs[i].name, name))
            return &fifs[i];
    return NULL;
}

static struct fif *fadd(const char *name, int bridge, int bond)
{
    for (int i = 0; i < NFIF; i++)
        if (!fifs[i].name[0]) {
            fifs[i] = (struct fif){.bridge = bridge, .bond = bond};
            snprintf(fifs[i].name, 16, "%s", name);
            return &fifs[i];
        }
    return NULL;
}

/* An interface goes: as a port, a redirect target, a peer. */
static void fdel(struct fif *f)
{
    char name[16];

    snprintf(name, sizeof(name), "%s", f->name);
    memset(f, 0, sizeof(*f));
    for (int i = 0; i < NFIF; i++) {
        if (!strcmp(fifs[i].master, name))
            fifs[i].master[0] = '\0';
        if (!strcmp(fifs[i].redirect, name))
            fifs[i].redirect[0] = '\0'; /* mirred forgets a gone device */
    }
}

static int g_exists(struct xendev_netif *n, const char *name)
{
    return ff(name) ? 0 : -ENODEV;
}

static int g_is_bridge(struct xendev_netif *n, const char *name)
{
    struct fif *f = ff(name);

    return !f ? -ENODEV : f->bridge ? 0 : -ENOTDIR;
}

static int g_bridge_add(struct xendev_netif *n, const char *br,
                        const char *ifname)
{
    struct fif *f = ff(ifname), *b = ff(br);

    if (!f || !b || !b->bridge)
        return -ENODEV;
    if (f->master[0] && strcmp(f->master, br))
        return -EBUSY;
    strcpy(f->master, br);
    return 0;
}

static int g_bridge_del(struct xendev_netif *n, const char *br,
                        const char *ifname)
{
    struct fif *f = ff(ifname);

    if (f && f->master[0] && ff(f->master)->bridge)
        f->master[0] = '\0';
    return 0;
}

static int g_set_up(struct xendev_netif *n, const char *ifname, bool up)
{
    struct fif *f = ff(ifname);

    if (!f)
        return -ENODEV;
    f->up = up;
    return 0;
}

static int g_master_of(struct xendev_netif *n, const char *ifname, char *buf,
                       size_t len)
{
    struct fif *f = ff(ifname);

    if (!f)
        return -ENODEV;
    snprintf(buf, len, "%s", f->master);
    return 0;
}

static int g_bond_create(struct xendev_netif *n, const char *bond)
{
    if (bond_create_fails)
        return bond_create_fails;
    if (ff(bond))
        return -EEXIST;
    return fadd(bond, 0, 1) ? 0 : -ENOSPC;
}

static int g_bond_delete(struct xendev_netif *n, const char *bond)
{
    struct fif *b = ff(bond);

    if (b)
        fdel(b);
    return 0;
}

static int g_bond_add(struct xendev_netif *n, const char *bond,
                      const char *ifname)
{
    struct fif *f = ff(ifname), *b = ff(bond);

    if (!f || !b || !b->bond)
        return -ENODEV;
    if (f->master[0])
        return strcmp(f->master, bond) ? -EBUSY : 0;
    f->up = 0; /* the library's Linux hook takes a slave down first */
    strcpy(f->master, bond);
    return 0;
}

static int g_bond_slaves(struct xendev_netif *n, const char *bond)
{
    int count = 0;

    for (int i = 0; i < NFIF; i++)
        count += fifs[i].name[0] && !strcmp(fifs[i].master, bond);
    return count;
}

static int g_bond_members(struct xendev_netif *n, const char *bond,
                          char (*names)[XENDEV_IFNAME_MAX], unsigned int max)
{
    unsigned int count = 0;

    if (!ff(bond))
        return -ENOENT;
    for (int i = 0; i < NFIF; i++)
        if (fifs[i].name[0] && !strcmp(fifs[i].master, bond)) {
            if (count == max)
                return -ENOSPC;
            strcpy(names[count++], fifs[i].name);
        }
    return (int)count;
}

static int g_veth_create(struct xendev_netif *n, const char *name,
                         const char *peer)
{
    struct fif *a, *b;

    if (veth_fails)
        return veth_fails;
    if (ff(name) || ff(peer))
        return -EEXIST;
    a = fadd(name, 0, 0);
    b = fadd(peer, 0, 0);
    if (!a || !b)
        return -ENOSPC;
    strcpy(a->peer, peer);
    strcpy(b->peer, name);
    return 0;
}

static int g_link_delete(struct xendev_netif *n, const char *name)
{
    struct fif *f = ff(name);
    char peer[16];

    if (!f)
        return 0;
    strcpy(peer, f->peer);
    fdel(f);
    if (peer[0] && ff(peer))
        fdel(ff(peer));
    return 0;
}

static int g_redirect(struct xendev_netif *n, const char *from, const char *to)
{
    struct fif *f = ff(from);

    if (!f || (to && !ff(to)))
        return -ENODEV;
    snprintf(f->redirect, sizeof(f->redirect), "%s", to ? to : "");
    return 0;
}

static int g_set_alias(struct xendev_netif *n, const char *ifname,
                       const char *alias)
{
    struct fif *f = ff(ifname);

    if (!f)
        return -ENODEV;
    snprintf(f->alias, sizeof(f->alias), "%s", alias);
    return 0;
}

static int g_alias_of(struct xendev_netif *n, const char *ifname, char *buf,
                      size_t len)
{
    struct fif *f = ff(ifname);

    if (!f)
        return -ENODEV;
    snprintf(buf, len, "%s", f->alias);
    return 0;
}

static struct xendev_netif gnet = {
    .exists = g_exists,
    .is_bridge = g_is_bridge,
    .bridge_add = g_bridge_add,
    .bridge_del = g_bridge_del,
    .set_up = g_set_up,
    .master_of = g_master_of,
    .bond_create = g_bond_create,
    .bond_delete = g_bond_delete,
    .bond_add = g_bond_add,
    .bond_members = g_bond_members,
    .veth_create = g_veth_create,
    .link_delete = g_link_delete,
    .redirect = g_redirect,
    .set_alias = g_set_alias,
    .alias_of = g_alias_of,
};

static const char *master(const char *ifname)
{
    struct fif *f = ff(ifname);

    return f ? f->master : "(gone)";
}

static const char *redir(const char *ifname)
{
    struct fif *f = ff(ifname);

    return f ? f->redirect : "(gone)";
}

/* Frames of a flow the bond hashes to slot K: the vif they reach. */
static const char *slot_leads_to(unsigned int k)
{
    char peer[16];

    snprintf(peer, sizeof(peer), "xcp5.0.%u", k);
    return redir(peer);
}

static int count_prefix(const char *prefix)
{
    int c = 0;

    for (int i = 0; i < NFIF; i++)
        c += fifs[i].name[0] && !strncmp(fifs[i].name, prefix, strlen(prefix));
    return c;
}

static void new_vif(struct xendev_ctx *ctx, struct xendev *d, unsigned int dom)
{
    struct xendev_vif_config cfg = {.mac = "00:16:3e:00:00:05"};
    char name[16];

    snprintf(name, sizeof(name), "vif%u.0", dom);
    fadd(name, 0, 0);
    xendev_init(d, &xendev_vif_ops, 0, dom, 0);
    xendev_vif_ops.create(ctx, d, &cfg);
}

static unsigned int dead_dom;
static bool runs(unsigned int domid, void *arg)
{
    return domid != dead_dom;
}

static void test_family(void)
{
    struct xendev_ctx ctx = {.store = &store, .netif = &gnet};
    struct xendev p, c1, c2, c3, c4;
    char bond[16];

    reset_store();
    memset(fifs, 0, sizeof(fifs));
    bond_create_fails = veth_fails = 0;
    fadd("xenbr0", 1, 0)->up = 1;
    new_vif(&ctx, &p, 5);
    strcpy(ff("vif5.0")->master, "xenbr0");
    ff("vif5.0")->up = 1;
    new_vif(&ctx, &c1, 6);
    new_vif(&ctx, &c2, 7);

    is_int(xendev_vif_connect_family(&ctx, &p, &c1, bond, sizeof(bond)), 0,
           "family: the first child connects");
    is_str(bond, "xcb5.0", "  into bond xcb5.0");
    ok(ff("xcb5.0") && ff("xcb5.0")->up, "  the bond exists and is up");
    is_str(master("xcb5.0"), "xenbr0", "  it is a port of xenbr0");
    is_str(master("vif5.0"), "", "  the parent's vif left the bridge");
    ok(ff("vif5.0")->up, "  and is up again");
    is_str(master("xcs5.0.0"), "xcb5.0", "  slot 0 is the bond's slave");
    ok(ff("xcs5.0.0")->up && ff("xcp5.0.0")->up, "  both its ends are up");
    is_str(slot_leads_to(0), "vif5.0", "  slot 0 leads to the parent's vif");
    is_str(redir("vif5.0"), "xcp5.0.0", "  and the parent's vif to slot 0");
    is_str(ff("xcs5.0.0")->alias, "vif5.0", "  its owner recorded");
    is_str(slot_leads_to(1), "vif6.0", "slot 1 leads to the child's vif");
    is_str(redir("vif6.0"), "xcp5.0.1", "  and back");
    is_str(master("vif6.0"), "", "  the child's vif is no slave itself");
    ok(ff("vif6.0")->up, "  and is up");
    is_str(val("/local/domain/0/backend/vif/6/0/hotplug-status"), "connected",
           "  hotplug-status=connected");
    is_int(xendev_vif_connect_family(&ctx, &c1, &c2, bond, sizeof(bond)), 0,
           "a grandchild (clone of the child) connects");
    is_str(bond, "xcb5.0",
           "  into the same bond (found from the child's slot)");
    is_int(g_bond_slaves(&gnet, "xcb5.0"), 3, "  which has 3 slots");
    is_str(slot_leads_to(2), "vif7.0", "  slot 2 leads to it");
    /* A clone shell's vif, made ahead: a port of xenbr0 already. */
    new_vif(&ctx, &c3, 8);
    strcpy(ff("vif8.0")->master, "xenbr0");
    is_int(xendev_vif_connect_family(&ctx, &p, &c3, bond, sizeof(bond)), 0,
           "a shell's vif on xenbr0 connects to the family");
    is_str(master("vif8.0"), "", "  it left xenbr0");
    is_str(slot_leads_to(3), "vif8.0", "  for slot 3");
    is_int(g_bond_slaves(&gnet, "xcb5.0"), 4, "  the bond has 4 slots");

    /* Member 7 ends: its vif goes; the repair re-points slot 2 only. */
    fdel(ff("vif7.0"));
    is_str(slot_leads_to(2), "", "member 7's vif gone: slot 2 leads nowhere");
    is_int(xendev_vif_family_repair(&ctx, "xcb5.0", NULL, NULL), 3,
           "repair: 3 members live");
    is_int(g_bond_slaves(&gnet, "xcb5.0"), 4, "  the bond keeps its 4 slots");
    is_str(slot_leads_to(2), "vif5.0",
           "  slot 2 re-pointed at a survivor (the lowest domid of the "
           "least loaded)");
    ok(!strcmp(slot_leads_to(0), "vif5.0") &&
           !strcmp(slot_leads_to(1), "vif6.0") &&
           !strcmp(slot_leads_to(3), "vif8.0"),
       "  the other slots lead where they did");
    is_str(ctx.error, "xcs5.0.2 -> vif5.0", "  it says what moved");
    is_int(xendev_vif_family_repair(&ctx, "xcb5.0", NULL, NULL), 3,
           "a second repair changes nothing");
    is_str(ctx.error, "", "  and says nothing");

    /* Member 6 is dying (its vif still there): the callback decides. */
    dead_dom = 6;
    is_int(xendev_vif_family_repair(&ctx, "xcb5.0", runs, NULL), 2,
           "member 6 ended (vif still there): 2 members live");
    is_str(slot_leads_to(1), "vif8.0",
           "  slot 1 to the least loaded survivor (8: one slot, 5: two)");
    dead_dom = 0;
    fdel(ff("vif6.0"));

    /* A new member takes an ended member's slot: no new slot, no rehash. */
    new_vif(&ctx, &c4, 9);
    is_int(xendev_vif_connect_family(&ctx, &c3, &c4, bond, sizeof(bond)), 0,
           "a new member joins after two ended");
    is_int(g_bond_slaves(&gnet, "xcb5.0"), 4, "  the bond still has 4 slots");
    is_str(slot_leads_to(1), "vif9.0", "  it took slot 1 (the lowest ended)");
    is_str(redir("vif9.0"), "xcp5.0.1", "  and its vif leads to slot 1");
    is_str(ff("xcs5.0.1")->alias, "vif9.0", "  its ownership recorded");

    /* The parent ends: its slots lead to survivors 8 and 9. */
    fdel(ff("vif5.0"));
    is_int(xendev_vif_family_repair(&ctx, "xcb5.0", NULL, NULL), 2,
           "the parent ends: 2 members live");
    ok(strcmp(slot_leads_to(0), "") && strcmp(slot_leads_to(2), "") &&
           strcmp(slot_leads_to(0), "vif5.0") &&
           strcmp(slot_leads_to(2), "vif5.0"),
       "  slots 0 and 2 lead to survivors (%s, %s)", slot_leads_to(0),
       slot_leads_to(2));
    ok(strcmp(slot_leads_to(0), slot_leads_to(2)),
       "  to different ones (the load spreads)");

    /* The last members end: nothing is left. */
    fdel(ff("vif8.0"));
    fdel(ff("vif9.0"));
    is_int(xendev_vif_family_repair(&ctx, "xcb5.0", NULL, NULL), 0,
           "the last members end: 0 members");
    ok(!ff("xcb5.0"), "  the bond is deleted");
    is_int(count_prefix("xcs") + count_prefix("xcp"), 0,
           "  and every slot (no veth left)");
    is_str(ctx.error, "no member left: 4 slots and the bond deleted",
           "  it says so");
    is_int(xendev_vif_family_repair(&ctx, "xcb5.0", NULL, NULL), -ENOENT,
           "repairing a bond that is gone: -ENOENT");
    is_int(xendev_vif_family_repair(&ctx, "eth0", NULL, NULL), -EINVAL,
           "repairing no family bond: -EINVAL");
    g_bond_create(&gnet, "xcb9.0");
    strcpy(fadd("vif9.0", 0, 0)->master, "xcb9.0");
    is_int(xendev_vif_family_repair(&ctx, "xcb9.0", NULL, NULL), -ENOTEMPTY,
           "a bond with a slave that is no slot: -ENOTEMPTY");
    ok(ff("xcb9.0") && !strcmp(master("vif9.0"), "xcb9.0"),
       "  it is left alone (%s)", ctx.error);

    /* No bonding in the kernel: the parent's vif goes back. */
    memset(fifs, 0, sizeof(fifs));
    fadd("xenbr0", 1, 0);
    strcpy(fadd("vif5.0", 0, 0)->master, "xenbr0");
    fadd("vif6.0", 0, 0);
    bond_create_fails = -EOPNOTSUPP;
    is_int(xendev_vif_connect_family(&ctx, &p, &c1, bond, sizeof(bond)),
           -EOPNOTSUPP, "no bonding: -EOPNOTSUPP");
    ok(strstr(ctx.error, "cannot create the bond xcb5.0") != NULL,
       "  says so (%s)", ctx.error);
    is_str(master("vif5.0"), "xenbr0", "  the parent's vif stays on xenbr0");
    is_str(val("/local/domain/0/backend/vif/6/0/hotplug-status"), "error",
           "  the child's hotplug-status=error");

    /* No veth in the kernel: everything made is undone. */
    bond_create_fails = 0;
    veth_fails = -EOPNOTSUPP;
    is_int(xendev_vif_connect_family(&ctx, &p, &c1, bond, sizeof(bond)),
           -EOPNOTSUPP, "no veth: -EOPNOTSUPP");
    ok(strstr(ctx.error, "slot 0") && strstr(ctx.error, "veth pair"),
       "  says so (%s)", ctx.error);
    ok(!ff("xcb5.0"), "  the bond is gone again");
    is_str(master("vif5.0"), "xenbr0", "  the parent's vif is back on xenbr0");
    is_str(redir("vif5.0"), "", "  with no redirect");
    veth_fails = 0;

    /* The parent's vif on no bridge. */
    ff("vif5.0")->master[0] = '\0';
    is_int(xendev_vif_connect_family(&ctx, &p, &c1, bond, sizeof(bond)),
           -ENOTCONN, "the parent's vif on no bridge: -ENOTCONN");
    struct xendev_ctx nobond = {.store = &store, .netif = &netif};
    is_int(xendev_vif_connect_family(&nobond, &p, &c1, bond, sizeof(bond)),
           -EOPNOTSUPP, "netif without bond hooks: -EOPNOTSUPP");
}

/* The pure choices: which slot a joiner takes, where a repair points. */
static void test_family_plan(void)
{
    struct xendev_slot s[4] = {
        {.index = 0,
         .owner = 5,
         .target = 5,
         .owner_alive = true,
         .target_alive = true},
        {.index = 1, .owner = 6, .target = 6},
        {.index = 3,
         .owner = 7,
         .target = 7,
         .owner_alive = true,
         .target_alive = true},
        {.index = 2, .owner = 8, .target = 5, .target_alive = true},
    };
    unsigned int next;

    is_int(xendev_family_pick_slot(s, 4, &next), 1,
           "pick: a joiner takes the ended member's slot of lowest index");
    is_int(next, 4, "  (the next new slot would be 4)");
    s[1].owner_alive = true;
    is_int(xendev_family_pick_slot(s, 3, &next), 3,
           "pick: every owner alive: a new slot");
    is_int(next, 2, "  the lowest unused index (2)");
    s[1].owner_alive = false;
    is_int(xendev_family_plan(s, 4), 2, "plan: 2 live members");
    ok(s[1].moved && s[1].target == 7,
       "  the dead target's slot goes to the least loaded (7: 1, 5: 2)");
    ok(!s[0].moved && !s[2].moved && !s[3].moved && s[3].target == 5,
       "  live targets stay, an ended owner's slot included");
    for (int i = 0; i < 4; i++)
        s[i].owner_alive = false;
    s[0].target_alive = false;
    is_int(xendev_family_plan(s, 4), 0, "plan: nobody alive: 0");
    ok(!s[0].moved, "  and nothing moved");
    is_int(xendev_family_plan(s, 0), 0, "plan: no slot: 0");
    char a[16], b[16];
    is_int(xendev_family_slot_names("xcb32000.0", 255, a, b), 0,
           "slot names of xcb32000.0 slot 255");
    ok(!strcmp(a, "xcs32000.0.255") && !strcmp(b, "xcp32000.0.255"),
       "  xcs32000.0.255, xcp32000.0.255");
    is_int(xendev_family_slot_names("xcb32000.999", 255, a, b), -ENAMETOOLONG,
           "  too long for IFNAMSIZ: -ENAMETOOLONG");
    is_int(xendev_family_slot_names("br0", 0, a, b), -EINVAL,
           "  no family bond: -EINVAL");
}

#define BE "/local/domain/0/backend/vif/5/0"
#define FE "/local/domain/5/device/vif/0"

static void test_create(struct xendev_ctx *ctx, struct xendev *dev)
{
    struct xendev_vif_config cfg = {.mac = "00:16:3e:00:00:05"};

    reset_store();
    is_int(xendev_vif_ops.create(ctx, dev, &cfg), 0, "create a vif");
    is_int(tx_count, 1, "create: one transaction");
    is_str(val(BE "/state"), "1", "backend state Initialising");
    is_str(val(BE "/frontend"), FE, "backend -> frontend");
    is_str(val(BE "/frontend-id"), "5", "backend frontend-id");
    is_str(val(BE "/bridge"), "xenbr0", "default bridge xenbr0");
    is_str(val(BE "/script"), "/etc/xen/scripts/vif-bridge", "default script");
    is_str(val(BE "/online"), "1", "online=1");
    is_str(val(BE "/handle"), "0", "backend handle");
    is_str(val(BE "/type"), "vif", "type vif");
    is_str(val(BE "/mac"), "00:16:3e:00:00:05", "backend mac");
    ok(val(BE "/hotplug-status") == NULL, "no hotplug-status yet");
    ok(val(BE "/ip") == NULL, "no ip unless given");
    is_str(val(FE "/backend"), BE, "frontend -> backend (absolute)");
    is_str(val(FE "/backend-id"), "0", "frontend backend-id");
    is_str(val(FE "/state"), "1", "frontend state Initialising");
    is_str(val(FE "/mac"), "00:16:3e:00:00:05", "frontend mac");

    cfg.mac = "ff:ff:ff:ff:ff:ff";
    is_int(xendev_vif_ops.create(ctx, dev, &cfg), -EINVAL,
           "create with a broadcast MAC: -EINVAL");
    ok(strstr(ctx->error, "MAC") != NULL, "... says MAC (%s)", ctx->error);
    cfg.mac = "00:16:3e:00:00:05";
    cfg.bridge = "bad name";
    is_int(xendev_vif_ops.create(ctx, dev, &cfg), -EINVAL,
           "create with a bad bridge name: -EINVAL");
    cfg.bridge = NULL;
    is_int(xendev_vif_ops.create(ctx, dev, NULL), -EINVAL,
           "create without config: -EINVAL");
    reset_store();
    fail_writes = -EACCES;
    is_int(xendev_vif_ops.create(ctx, dev, &cfg), -EACCES,
           "create when XenStore refuses: -EACCES");
    ok(!in_tx && tx_count == 0, "... transaction aborted");
    fail_writes = 0;
}

static void test_connect(struct xendev_ctx *ctx, struct xendev *dev)
{
    struct xendev_vif_config cfg = {.mac = "00:16:3e:00:00:05"};

    reset_store();
    reset_net();
    xendev_vif_ops.create(ctx, dev, &cfg);
    is_int(xendev_vif_ops.connect(ctx, dev), 0, "connect");
    is_str(port_of, "xenbr0", "connect: vif5.0 on xenbr0");
    is_str(up_if, "vif5.0", "connect: vif5.0 up");
    is_str(val(BE "/hotplug-status"), "connected",
           "connect: hotplug-status=connected");
    is_int(xendev_vif_ops.disconnect(ctx, dev), 0, "disconnect");
    is_str(port_of, "", "disconnect: off the bridge");
    is_str(up_if, "", "disconnect: down");
    have_if[2][0] = '\0';
    is_int(xendev_vif_ops.disconnect(ctx, dev), 0,
           "disconnect when the vif is gone: 0");
    m_rm(&store, BE);
    is_int(xendev_vif_ops.disconnect(ctx, dev), 0,
           "disconnect when the backend directory is gone too: 0");

    /* Failures: each leaves hotplug-status=error and a reason. */
    struct {
        const char *bridge; /* NULL: no bridge key */
        int vif_exists, add_fails, want;
        const char *reason;
    } cases[] = {
        {"nosuchbr", 1, 0, -ENODEV, "bridge 'nosuchbr' does not exist"},
        {"eth9", 1, 0, -ENOTDIR, "'eth9' is not a bridge"},
        {NULL, 1, 0, -ENOENT, "bridge is not set"},
        {"", 1, 0, -ENOENT, "bridge is not set"},
        {"bad/name", 1, 0, -EINVAL, "is not an interface name"},
        {"xenbr0", 0, 0, -ENODEV, "interface vif5.0 does not exist"},
        {"xenbr0", 1, -EBUSY, -EBUSY, "cannot attach vif5.0 to bridge"},
    };
    for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        reset_store();
        reset_net();
        xendev_vif_ops.create(ctx, dev, &cfg);
        if (cases[i].bridge)
            m_write(&store, BE "/bridge", cases[i].bridge);
        else
            m_rm(&store, BE "/bridge");
        if (!cases[i].vif_exists)
            have_if[2][0] = '\0';
        add_fails = cases[i].add_fails;
        int rc = xendev_vif_ops.connect(ctx, dev);

        ok(rc == cases[i].want, "connect fails (%d): %s", rc, cases[i].reason);
        is_str(val(BE "/hotplug-status"), "error", "... hotplug-status=error");
        ok(val(BE "/hotplug-error") &&
               strstr(val(BE "/hotplug-error"), cases[i].reason),
           "... hotplug-error says '%s' (%s)", cases[i].reason,
           val(BE "/hotplug-error") ? val(BE "/hotplug-error") : "(none)");
        is_str(ctx->error, val(BE "/hotplug-error") ?: "",
               "... the same reason for stderr");
        is_str(port_of, "", "... not left on a bridge");
    }
    reset_store();
    reset_net();
    xendev_vif_ops.create(ctx, dev, &cfg);
    m_write(&store, BE "/vifname", "web0");
    is_int(xendev_vif_ops.connect(ctx, dev), -EOPNOTSUPP,
           "connect with vifname: -EOPNOTSUPP");
    ok(strstr(ctx->error, "renaming") != NULL, "... says why (%s)", ctx->error);

    reset_store();
    reset_net();
    is_int(xendev_vif_ops.connect(ctx, dev), -ENOENT,
           "connect without a backend directory: -ENOENT");
    ok(strstr(ctx->error, "backend " BE " does not exist") != NULL,
       "... says so (%s)", ctx->error);
    is_int(count_under("/"), 0, "... and writes nothing");

    struct xendev_ctx none = {.store = &store};
    is_int(xendev_vif_ops.connect(&none, dev), -EINVAL,
           "connect without netif ops: -EINVAL");
    is_int(xendev_vif_ops.connect(NULL, dev), -EINVAL, "NULL ctx: -EINVAL");
    is_int(xendev_vif_ops.connect(ctx, NULL), -EINVAL, "NULL dev: -EINVAL");
}

static void test_clone_destroy(struct xendev_ctx *ctx, struct xendev *dev)
{
    struct xendev_vif_config cfg = {
        .mac = "00:16:3e:00:00:05", .bridge = "xenbr0", .ip = "198.18.0.5"};
    struct xendev child;

    reset_store();
    xendev_vif_ops.create(ctx, dev, &cfg);
    m_write(&store, FE "/tx-ring-ref", "8");
    m_write(&store, FE "/rx-ring-ref", "9");
    m_write(&store, FE "/event-channel", "4");
    m_write(&store, FE "/request-rx-copy", "1");
    m_write(&store, FE "/state", "4");
    m_write(&store, BE "/state", "4");
    m_write(&store, BE "/hotplug-status", "connected");
    m_write(&store, BE "/feature-sg", "1");
    xendev_init(&child, &xendev_vif_ops, 0, 6, 0);
    is_int(xendev_vif_ops.clone(ctx, dev, &child), 0, "clone a vif");
#define CBE "/local/domain/0/backend/vif/6/0"
#define CFE "/local/domain/6/device/vif/0"
    is_str(val(CFE "/backend"), CBE, "child frontend -> its own backend");
    is_str(val(CFE "/tx-ring-ref"), "8", "child keeps tx-ring-ref");
    is_str(val(CFE "/event-channel"), "4", "child keeps event-channel");
    is_str(val(CFE "/state"), "4", "child frontend in the parent's state");
    is_str(val(CBE "/state"), "1", "child backend Initialising");
    is_str(val(CBE "/frontend"), CFE, "child backend -> child frontend");
    is_str(val(CBE "/frontend-id"), "6", "child backend frontend-id 6");
    is_str(val(CBE "/mac"), "00:16:3e:00:00:05", "child keeps the MAC");
    is_str(val(CBE "/ip"), "198.18.0.5", "child keeps the ip");
    ok(val(CBE "/hotplug-status") == NULL,
       "child backend: no copied hotplug-status");
    ok(val(CBE "/feature-sg") == NULL, "child backend: no feature keys");
    is_int(xendev_vif_ops.clone(ctx, dev, dev), -EINVAL,
           "clone onto itself: -EINVAL");

    is_int(xendev_vif_ops.destroy(ctx, &child), 0, "destroy the child's");
    is_int(count_under("/local/domain/6/"), 0, "nothing left of domain 6");
    is_int(count_under(CBE), 0, "nothing left of its backend");
    ok(count_under(BE) > 0, "the parent's backend untouched");
    is_int(xendev_vif_ops.destroy(ctx, &child), 0, "destroy twice: 0");

    /* Network mode "new": the child's own MAC and ip. */
    struct xendev_vif_clone_opts opts = {.mac = "00:16:3e:cc:00:06",
                                         .ip = "198.18.0.206"};
    is_int(xendev_vif_clone(ctx, dev, &child, &opts), 0,
           "clone with the child's own MAC and ip");
    is_str(val(CFE "/mac"), "00:16:3e:cc:00:06", "  child frontend mac");
    is_str(val(CBE "/mac"), "00:16:3e:cc:00:06", "  child backend mac");
    is_str(val(CBE "/ip"), "198.18.0.206", "  child backend ip");
    is_str(val(CFE "/rx-ring-ref"), "9", "  rings still the parent's refs");
    is_str(val(BE "/mac"), "00:16:3e:00:00:05", "  the parent's mac kept");
    opts.mac = "01:00:5e:00:00:01";
    is_int(xendev_vif_clone(ctx, dev, &child, &opts), -EINVAL,
           "a multicast MAC for the child: -EINVAL");
    m_write(&store, FE "/state", "banana");
    opts.mac = NULL;
    is_int(xendev_vif_clone(ctx, dev, &child, &opts), -EINVAL,
           "a parent frontend state that is no state: -EINVAL");
    ok(strstr(ctx->error, "is not a state") != NULL, "  says so (%s)",
       ctx->error);
    xendev_vif_ops.destroy(ctx, &child);
}

/* A clone into a shell whose vif backend waits (made ahead, bridged). */
static void test_clone_shell(struct xendev_ctx *ctx, struct xendev *dev)
{
    struct xendev_vif_config pcfg = {
        .mac = "00:16:3e:00:00:05", .bridge = "xenbr0", .ip = "198.18.0.5"};
    struct xendev_vif_config scfg = {.mac = "00:16:3e:7a:7a:7a",
                                     .bridge = "xenbr0"};
    struct xendev_vif_clone_opts opts = {.backend_ready = true};
    struct xendev child;
    int before;

    reset_store();
    xendev_vif_ops.create(ctx, dev, &pcfg);
    m_write(&store, FE "/tx-ring-ref", "8");
    m_write(&store, FE "/rx-ring-ref", "9");
    m_write(&store, FE "/event-channel", "4");
    m_write(&store, FE "/state", "4");
    xendev_init(&child, &xendev_vif_ops, 0, 6, 0);
    is_int(xendev_vif_backend_waiting(ctx, &child, "xenbr0"), -ENOENT,
           "shell: no backend: -ENOENT");
    /* The shell's vif as libchaos leaves it: probed, bridged, tagged. */
    xendev_vif_ops.create(ctx, &child, &scfg);
    m_write(&store, CBE "/state", "2");
    is_int(xendev_vif_backend_waiting(ctx, &child, "xenbr0"), -EBUSY,
           "shell: an untagged backend is not a shell's: -EBUSY");
    m_write(&store, CBE "/" XENDEV_VIF_SHELL_KEY, "shell");
    is_int(xendev_vif_backend_waiting(ctx, &child, "xenbr0"), -EBUSY,
           "shell: not bridged yet: -EBUSY");
    ok(strstr(ctx->error, "hotplug-status") != NULL, "  says so (%s)",
       ctx->error);
    m_write(&store, CBE "/hotplug-status", "connected");
    is_int(xendev_vif_backend_waiting(ctx, &child, "br1"), -EXDEV,
           "shell: another bridge: -EXDEV");
    is_int(xendev_vif_backend_waiting(ctx, &child, "xenbr0"), 0,
           "shell: a waiting backend on xenbr0");
    is_int(xendev_vif_backend_waiting(ctx, &child, NULL), 0, "  on any bridge");
    m_write(&store, CBE "/state", "4");
    is_int(xendev_vif_backend_waiting(ctx, &child, NULL), -EBUSY,
           "shell: a connected backend is not waiting: -EBUSY");
    m_write(&store, CBE "/state", "2");
    m_write(&store, CBE "/feature-sg", "1");

    before = tx_count;
    is_int(xendev_vif_clone(ctx, dev, &child, &opts), 0,
           "clone into the shell's waiting backend (mode same)");
    is_int(tx_count, before + 1, "  in one transaction");
    is_str(val(CFE "/backend"), CBE,
           "  the frontend names the shell's backend");
    is_str(val(CFE "/tx-ring-ref"), "8",
           "  the frontend has the parent's rings");
    is_str(val(CFE "/state"), "4",
           "  in the parent's state (netback connects)");
    is_str(val(CBE "/state"), "2", "  the backend is kept in InitWait");
    is_str(val(CBE "/hotplug-status"), "connected", "  still bridged");
    is_str(val(CBE "/feature-sg"), "1", "  netback's keys kept");
    is_str(val(CBE "/mac"), "00:16:3e:00:00:05",
           "  the backend's mac is the parent's (read at connect)");
    is_str(val(CFE "/mac"), "00:16:3e:00:00:05", "  and the frontend's");
    is_str(val(CBE "/ip"), "198.18.0.5", "  the parent's ip");

    opts.mac = "00:16:3e:5c:00:06";
    opts.ip = NULL;
    m_rm(&store, BE "/ip"); /* a parent without an ip key */
    is_int(
        xendev_vif_clone(ctx, dev, &child, &opts), 0,
        "clone into the shell's backend with the child's own MAC (mode new)");
    is_str(val(CBE "/mac"), "00:16:3e:5c:00:06", "  backend mac the child's");
    is_str(val(CFE "/mac"), "00:16:3e:5c:00:06", "  frontend mac the child's");
    ok(val(CBE "/ip") == NULL, "  no ip: none written");

    xendev_vif_ops.destroy(ctx, &child);
    is_int(count_under("/local/domain/6/"), 0, "the shell's vif removed");
}

int main(void)
{
    struct xendev_ctx ctx = {.store = &store, .netif = &netif};
    struct xendev dev;

    if (!ok(xendev_init(&dev, &xendev_vif_ops, 0, 5, 0) == 0, "init vif"))
        return done_testing();
    test_create(&ctx, &dev);
    test_connect(&ctx, &dev);
    test_clone_destroy(&ctx, &dev);
    test_clone_shell(&ctx, &dev);
    test_family();
    test_family_plan();
    return done_testing();
}
