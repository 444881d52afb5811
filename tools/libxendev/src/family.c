/* family.c: network mode "same": a family's bond of flow slots (veth pairs
 * joined to member vifs by tc redirects), members joining and leaving. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xendev/vif.h"
#include "xendev/xendev.h"

#define MAX_SLOTS 256

int xendev_family_slot_names(const char *bond, unsigned int k, char *slave,
                             char *peer)
{
    int a, b;

    if (!bond || strncmp(bond, "xcb", 3))
        return -EINVAL;
    a = snprintf(slave, XENDEV_IFNAME_MAX, "xcs%s.%u", bond + 3, k);
    b = snprintf(peer, XENDEV_IFNAME_MAX, "xcp%s.%u", bond + 3, k);
    return a < 0 || b < 0 || a >= XENDEV_IFNAME_MAX || b >= XENDEV_IFNAME_MAX
               ? -ENAMETOOLONG
               : 0;
}

/* "vif<domid>.<devid>" -> domid: 0 or -EINVAL. */
static int parse_vif(const char *name, unsigned int *domid)
{
    char *end;
    unsigned long d;

    if (strncmp(name, "vif", 3) || name[3] < '0' || name[3] > '9')
        return -EINVAL;
    d = strtoul(name + 3, &end, 10);
    if (*end != '.' || d > XENDEV_DOMID_MAX)
        return -EINVAL;
    *domid = (unsigned int)d;
    return 0;
}

/* Slot K from slave NAME of BOND ("xcs<F>.<devid>.<K>"): 0 or -EINVAL. */
static int parse_slot(const char *bond, const char *name, unsigned int *k)
{
    size_t n = strlen(bond) - 3;
    char *end;
    unsigned long v;

    if (strncmp(name, "xcs", 3) || strncmp(name + 3, bond + 3, n) ||
        name[3 + n] != '.' || name[4 + n] < '0' || name[4 + n] > '9')
        return -EINVAL;
    v = strtoul(name + 4 + n, &end, 10);
    if (*end || v >= MAX_SLOTS)
        return -EINVAL;
    *k = (unsigned int)v;
    return 0;
}

int xendev_family_plan(struct xendev_slot *slots, unsigned int n)
{
    unsigned int live = 0;

    for (unsigned int i = 0; i < n; i++) {
        live += slots[i].owner_alive;
        slots[i].moved = false;
    }
    if (!live)
        return 0;
    for (unsigned int i = 0; i < n; i++) {
        unsigned int best = n, best_load = 0;

        if (slots[i].target_alive)
            continue;
        /* The live member that the fewest live slots lead to. */
        for (unsigned int j = 0; j < n; j++) {
            unsigned int load = 0;

            if (!slots[j].owner_alive)
                continue;
            for (unsigned int k = 0; k < n; k++)
                load +=
                    slots[k].target_alive && slots[k].target == slots[j].owner;
            if (best == n || load < best_load ||
                (load == best_load && slots[j].owner < slots[best].owner)) {
                best = j;
                best_load = load;
            }
        }
        slots[i].target = slots[best].owner;
        slots[i].target_alive = true;
        slots[i].moved = true;
    }
    return (int)live;
}

unsigned int xendev_family_pick_slot(const struct xendev_slot *slots,
                                     unsigned int n, unsigned int *next)
{
    unsigned int pick = n;

    for (unsigned int i = 0; i < n; i++)
        if (!slots[i].owner_alive &&
            (pick == n || slots[i].index < slots[pick].index))
            pick = i;
    for (*next = 0;; (*next)++) {
        bool used = false;

        for (unsigned int i = 0; i < n && !used; i++)
            used = slots[i].index == *next;
        if (!used)
            break;
    }
    return pick;
}

static bool has_slot_ops(struct xendev_netif *n)
{
    return n && n->exists && n->is_bridge && n->bridge_add && n->bridge_del &&
           n->set_up && n->master_of && n->bond_create && n->bond_delete &&
           n->bond_add && n->bond_members && n->veth_create && n->link_delete &&
           n->redirect && n->set_alias && n->alias_of;
}

/* Is member DOMID's vif VIF alive: there, and ALIVE says so? */
static bool member_alive(struct xendev_netif *n, const char *vif,
                         unsigned int domid,
                         bool (*alive)(unsigned int, void *), void *arg)
{
    return n->exists(n, vif) == 0 && (!alive || alive(domid, arg));
}

/*
 * BOND's slots into SLOTS (MAX_SLOTS): how many, or -errno (-ENOTEMPTY:
 * a slave that is no slot of BOND's, which is left alone). An owner or
 * target counts as alive if its vif is there, ALIVE (may be NULL) agrees
 * and (for an owner) its vif's record still names the slot.
 */
static int read_slots(struct xendev_ctx *ctx, const char *bond,
                      struct xendev_slot *slots,
                      bool (*alive)(unsigned int, void *), void *arg)
{
    struct xendev_netif *n = ctx->netif;
    char(*names)[XENDEV_IFNAME_MAX] = calloc(MAX_SLOTS, sizeof(*names));
    char slave[XENDEV_IFNAME_MAX], peer[XENDEV_IFNAME_MAX];
    char vif[64], rec[64];
    int count, ns = 0;

    if (!names)
        return xendev_error(ctx, -ENOMEM, "out of memory");
    count = n->bond_members(n, bond, names, MAX_SLOTS);
    if (count < 0) {
        xendev_error(ctx, count, "cannot list the slaves of %s: %s", bond,
                     strerror(-count));
        goto out;
    }
    for (int i = 0; i < count; i++) {
        struct xendev_slot *s = &slots[ns];

        memset(s, 0, sizeof(*s));
        if (parse_slot(bond, names[i], &s->index) ||
            xendev_family_slot_names(bond, s->index, slave, peer)) {
            /* Not ours to repair or delete (a vif enslaved by hand?). */
            count = xendev_error(ctx, -ENOTEMPTY,
                                 "bond %s has a slave %s that is no flow slot",
                                 bond, names[i]);
            goto out;
        }
        if (!n->alias_of(n, slave, vif, sizeof(vif)) &&
            !parse_vif(vif, &s->owner))
            s->owner_alive = member_alive(n, vif, s->owner, alive, arg) &&
                             !n->alias_of(n, vif, rec, sizeof(rec)) &&
                             !strcmp(rec, peer);
        if (!n->alias_of(n, peer, vif, sizeof(vif)) &&
            !parse_vif(vif, &s->target))
            s->target_alive = member_alive(n, vif, s->target, alive, arg);
        ns++;
    }
    count = ns;
out:
    free(names);
    return count;
}

/*
 * Make member vif VIF the owner and target of slot K of BOND: the veth
 * pair (NEW: made and enslaved here), the redirects both ways and the
 * records. On failure a slot made here is deleted.
 */
static int take_slot(struct xendev_ctx *ctx, const char *bond, unsigned int k,
                     bool new, const char *vif)
{
    struct xendev_netif *n = ctx->netif;
    char slave[XENDEV_IFNAME_MAX], peer[XENDEV_IFNAME_MAX];
    const char *step = "name the slot";
    int rc;

    rc = xendev_family_slot_names(bond, k, slave, peer);
    if (rc)
        goto fail;
    if (new) {
        step = "create the veth pair";
        rc = n->veth_create(n, slave, peer);
        if (rc)
            goto fail;
        step = "bring the slot's peer up";
        rc = n->set_up(n, peer, true);
        if (rc)
            goto undo;
    }
    step = "redirect the slot to the vif";
    rc = n->redirect(n, peer, vif);
    rc = rc ?: n->set_alias(n, peer, vif);
    if (rc)
        goto undo;
    step = "redirect the vif to the slot";
    rc = n->redirect(n, vif, peer);
    rc = rc ?: n->set_alias(n, vif, peer);
    rc = rc ?: n->set_alias(n, slave, vif);
    if (rc)
        goto undo;
    if (new) {
        step = "enslave the slot";
        rc = n->bond_add(n, bond, slave);
        rc = rc ?: n->set_up(n, slave, true);
        if (rc)
            goto undo;
    }
    return 0;

undo:
    n->redirect(n, vif, NULL);
    n->set_alias(n, vif, "");
    if (new)
        n->link_delete(n, slave);
fail:
    return xendev_error(ctx, rc, "cannot %s %s (vif %s): %s", step, slave, vif,
                        strerror(-rc));
}

/* Give VIF a slot in BOND: an ended member's, else a new one. */
static int join(struct xendev_ctx *ctx, const char *bond, const char *vif)
{
    struct xendev_slot *slots = calloc(MAX_SLOTS, sizeof(*slots));
    unsigned int pick, next;
    int ns, rc;

    if (!slots)
        return xendev_error(ctx, -ENOMEM, "out of memory");
    ns = read_slots(ctx, bond, slots, NULL, NULL);
    rc = ns;
    if (ns < 0)
        goto out;
    pick = xendev_family_pick_slot(slots, (unsigned int)ns, &next);
    if (pick == (unsigned int)ns && next >= MAX_SLOTS) {
        rc = xendev_error(ctx, -ENOSPC, "bond %s has %d slots already", bond,
                          MAX_SLOTS);
        goto out;
    }
    rc = pick < (unsigned int)ns
             ? take_slot(ctx, bond, slots[pick].index, false, vif)
             : take_slot(ctx, bond, next, true, vif);
out:
    free(slots);
    return rc;
}

/* Make BOND for PARENT_IF's family on BRIDGE, PARENT_IF moved off the
 * bridge into the bond's slot 0; on failure PARENT_IF is put back. */
static int make_family_bond(struct xendev_ctx *ctx, const char *bridge,
                            const char *bond, const char *parent_if)
{
    struct xendev_netif *n = ctx->netif;
    char slave[XENDEV_IFNAME_MAX], peer[XENDEV_IFNAME_MAX];
    char why[sizeof(ctx->error)] = "";
    const char *step = "create the bond";
    int rc;

    rc = n->bond_create(n, bond);
    if (rc)
        goto fail;
    /* The bond is up and on the bridge before it gets its first slave.
     * (It hashes ARP to one member: the guests learn MACs from IPv4, see
     * "Mode same and ARP" in docs/network-clones.md.) */
    step = "bring the bond up";
    rc = n->set_up(n, bond, true);
    if (rc)
        goto undo;
    step = "attach the bond to the bridge";
    rc = n->bridge_add(n, bridge, bond);
    if (rc)
        goto undo;
    step = "take the parent's vif off the bridge";
    rc = n->bridge_del(n, bridge, parent_if);
    if (rc)
        goto undo;
    step = "give the parent's vif slot 0";
    rc = take_slot(ctx, bond, 0, true, parent_if);
    if (rc) {
        why[0] = ':';
        why[1] = ' ';
        snprintf(why + 2, sizeof(why) - 2, "%.200s", ctx->error);
        goto undo;
    }
    return 0;

undo:
    if (!xendev_family_slot_names(bond, 0, slave, peer))
        n->link_delete(n, slave);
    n->redirect(n, parent_if, NULL);
    n->bond_delete(n, bond);
    n->bridge_add(n, bridge, parent_if);
    n->set_up(n, parent_if, true);
fail:
    return xendev_error(ctx, rc, "cannot %s %s (bridge %s, vif %s): %s%s", step,
                        bond, bridge, parent_if, strerror(-rc), why);
}

/* The family bond of member vif VIF (its slot's master), into BOND:
 * 0, or -ENOENT if VIF has no slot. */
static int family_of(struct xendev_netif *n, const char *vif, char *bond,
                     size_t len)
{
    char rec[64], slave[XENDEV_IFNAME_MAX];
    int rc = n->alias_of(n, vif, rec, sizeof(rec));

    if (rc)
        return rc;
    if (strncmp(rec, "xcp", 3) || strlen(rec) >= sizeof(slave))
        return -ENOENT;
    memcpy(slave, "xcs", 3);
    strcpy(slave + 3, rec + 3); /* shorter than slave: checked above */
    if (n->exists(n, slave))
        return -ENOENT;
    rc = n->master_of(n, slave, bond, len);
    if (!rc && strncmp(bond, "xcb", 3))
        rc = -ENOENT;
    return rc;
}

int xendev_vif_connect_family(struct xendev_ctx *ctx,
                              const struct xendev *parent,
                              const struct xendev *child, char *bond,
                              size_t len)
{
    struct xendev_vif_backend be;
    struct xendev_netif *n;
    char reason[sizeof(ctx->error)], pif[XENDEV_IFNAME_MAX];
    char cur[XENDEV_IFNAME_MAX], name[XENDEV_IFNAME_MAX];
    int rc;

    if (!ctx || !parent || !child || !bond || !len ||
        parent->ops != &xendev_vif_ops || child->ops != &xendev_vif_ops ||
        !ctx->store || !ctx->store->read || !ctx->store->write)
        return -EINVAL;
    ctx->error[0] = '\0';
    n = ctx->netif;
    if (!has_slot_ops(n))
        return xendev_error(ctx, -EOPNOTSUPP, "no bond and slot operations");
    rc = xendev_vif_read_backend(ctx, child, &be);
    if (rc)
        goto fail;
    rc = xendev_vif_ifname(pif, sizeof(pif), parent->fe_domid, parent->devid);
    if (rc) {
        xendev_error(ctx, rc, "no interface name for domain %u",
                     parent->fe_domid);
        goto fail;
    }
    rc = n->exists(n, be.ifname);
    if (rc) {
        xendev_error(ctx, rc, "interface %s does not exist", be.ifname);
        goto fail;
    }
    rc = family_of(n, pif, name, sizeof(name));
    if (rc == -ENOENT) {
        /* No slot: the first clone of the family, the parent's vif on a
         * bridge; the family's bond replaces the parent's port. */
        rc = n->master_of(n, pif, cur, sizeof(cur));
        if (!rc && (!cur[0] || n->is_bridge(n, cur)))
            rc = -ENOTCONN;
        if (rc) {
            xendev_error(ctx, rc,
                         "the parent's %s is on no bridge and has no slot: %s",
                         pif, strerror(-rc));
            goto fail;
        }
        snprintf(name, sizeof(name), "xcb%u.%u", parent->fe_domid,
                 parent->devid);
        rc = make_family_bond(ctx, cur, name, pif);
        if (rc)
            goto fail;
    } else if (rc) {
        xendev_error(ctx, rc, "cannot find the family of %s: %s", pif,
                     strerror(-rc));
        goto fail;
    }
    /* A vif made ahead for a shell is a bridge's port already. */
    rc = n->master_of(n, be.ifname, cur, sizeof(cur));
    if (!rc && cur[0] && n->is_bridge(n, cur) == 0) {
        rc = n->bridge_del(n, cur, be.ifname);
        if (rc) {
            xendev_error(ctx, rc, "cannot take %s off bridge %s: %s", be.ifname,
                         cur, strerror(-rc));
            goto fail;
        }
    }
    rc = join(ctx, name, be.ifname);
    if (rc)
        goto fail;
    rc = n->set_up(n, be.ifname, true);
    if (rc) {
        xendev_error(ctx, rc, "cannot bring %s up: %s", be.ifname,
                     strerror(-rc));
        goto fail;
    }
    rc = xendev_hotplug_report(ctx, child, NULL);
    if (rc) {
        xendev_error(ctx, rc, "cannot write %s/hotplug-status: %s",
                     child->backend, strerror(-rc));
        goto fail;
    }
    snprintf(bond, len, "%s", name);
    return 0;

fail:
    snprintf(reason, sizeof(reason), "%s", ctx->error);
    xendev_hotplug_report(ctx, child, reason); /* best effort */
    return rc;
}

int xendev_vif_family_repair(struct xendev_ctx *ctx, const char *bond,
                             bool (*alive)(unsigned int domid, void *arg),
                             void *arg)
{
    struct xendev_netif *n;
    struct xendev_slot *slots = NULL;
    char slave[XENDEV_IFNAME_MAX], peer[XENDEV_IFNAME_MAX];
    char vif[XENDEV_IFNAME_MAX], done[sizeof(ctx->error)] = "";
    size_t used = 0;
    int rc, ns, live;

    if (!ctx || !bond || xendev_ifname_valid(bond) || strncmp(bond, "xcb", 3))
        return -EINVAL;
    ctx->error[0] = '\0';
    n = ctx->netif;
    if (!has_slot_ops(n))
        return xendev_error(ctx, -EOPNOTSUPP, "no bond and slot operations");
    slots = calloc(MAX_SLOTS, sizeof(*slots));
    if (!slots)
        return xendev_error(ctx, -ENOMEM, "out of memory");
    ns = read_slots(ctx, bond, slots, alive, arg);
    rc = ns;
    if (ns < 0)
        goto out;
    live = xendev_family_plan(slots, (unsigned int)ns);
    if (!live) {
        /* The last member ended: every slot (the filters on its peer go
         * with it), then the bond (and so its bridge port). */
        for (int i = 0; i < ns; i++) {
            xendev_family_slot_names(bond, slots[i].index, slave, peer);
            rc = n->link_delete(n, slave);
            if (rc) {
                xendev_error(ctx, rc, "cannot delete slot %s: %s", slave,
                             strerror(-rc));
                goto out;
            }
        }
        rc = n->bond_delete(n, bond);
        if (rc) {
            xendev_error(ctx, rc, "cannot delete bond %s: %s", bond,
                         strerror(-rc));
            goto out;
        }
        snprintf(ctx->error, sizeof(ctx->error),
                 "no member left: %d slots and the bond deleted", ns);
        goto out;
    }
    for (int i = 0; i < ns; i++) {
        int w;

        if (!slots[i].moved)
            continue;
        xendev_family_slot_names(bond, slots[i].index, slave, peer);
        snprintf(vif, sizeof(vif), "vif%u.%s", slots[i].target,
                 strchr(bond, '.') ? strchr(bond, '.') + 1 : "0");
        rc = n->redirect(n, peer, vif);
        rc = rc ?: n->set_alias(n, peer, vif);
        if (rc) {
            xendev_error(ctx, rc, "cannot re-point slot %s at %s: %s", slave,
                         vif, strerror(-rc));
            goto out;
        }
        w = snprintf(done + used, sizeof(done) - used, "%s%s -> %s",
                     used ? ", " : "", slave, vif);
        if (w > 0 && (size_t)w < sizeof(done) - used)
            used += (size_t)w;
    }
    snprintf(ctx->error, sizeof(ctx->error), "%s", done);
    rc = live;
out:
    free(slots);
    return rc;
}
