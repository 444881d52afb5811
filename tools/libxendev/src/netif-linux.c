/* netif-linux.c: struct xendev_netif with Linux ioctl()s, sysfs and
 * rtnetlink (src/rtnl.c). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/sockios.h>

#include "rtnl.h"
#include "xendev/vif.h"
#include "xendev/xendev.h"

static int ctl_socket(void)
{
    int fd = socket(AF_LOCAL, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    return fd < 0 ? -errno : fd;
}

static int lx_exists(struct xendev_netif *n, const char *name)
{
    if (xendev_ifname_valid(name))
        return -EINVAL;
    return if_nametoindex(name) ? 0 : -ENODEV;
}

static int lx_is_bridge(struct xendev_netif *n, const char *name)
{
    char path[64];
    struct stat sb;

    if (lx_exists(n, name))
        return xendev_ifname_valid(name) ? -EINVAL : -ENODEV;
    snprintf(path, sizeof(path), "/sys/class/net/%s/bridge", name);
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return 0;
    return -ENOTDIR;
}

/* The bridge IFNAME is a port of, into BUF ("" if none). */
static int port_of(const char *ifname, char *buf, size_t len)
{
    char path[64], target[PATH_MAX];
    const char *base;
    ssize_t n;

    snprintf(path, sizeof(path), "/sys/class/net/%s/brport/bridge", ifname);
    n = readlink(path, target, sizeof(target) - 1);
    buf[0] = '\0';
    if (n < 0)
        return errno == ENOENT ? 0 : -errno;
    target[n] = '\0';
    base = strrchr(target, '/');
    base = base ? base + 1 : target;
    if (strlen(base) >= len)
        return -ENAMETOOLONG;
    strcpy(buf, base);
    return 0;
}

static int br_ioctl(unsigned long req, const char *bridge, const char *ifname)
{
    struct ifreq ifr;
    int fd, rc = 0;
    unsigned int idx = if_nametoindex(ifname);

    if (!idx)
        return -ENODEV;
    fd = ctl_socket();
    if (fd < 0)
        return fd;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", bridge);
    ifr.ifr_ifindex = (int)idx;
    if (ioctl(fd, req, &ifr) < 0)
        rc = -errno;
    close(fd);
    return rc;
}

static int lx_bridge_add(struct xendev_netif *n, const char *bridge,
                         const char *ifname)
{
    char cur[XENDEV_IFNAME_MAX];
    int rc;

    if (xendev_ifname_valid(bridge) || xendev_ifname_valid(ifname))
        return -EINVAL;
    rc = port_of(ifname, cur, sizeof(cur));
    if (rc)
        return rc;
    if (!strcmp(cur, bridge))
        return 0; /* there already */
    if (cur[0])
        return -EBUSY; /* a port of another bridge */
    return br_ioctl(SIOCBRADDIF, bridge, ifname);
}

static int lx_bridge_del(struct xendev_netif *n, const char *bridge,
                         const char *ifname)
{
    char cur[XENDEV_IFNAME_MAX];
    int rc;

    if (xendev_ifname_valid(ifname) || (bridge && xendev_ifname_valid(bridge)))
        return -EINVAL;
    if (!if_nametoindex(ifname))
        return 0; /* gone */
    rc = port_of(ifname, cur, sizeof(cur));
    if (rc)
        return rc == -ENOENT ? 0 : rc;
    if (!cur[0])
        return 0; /* on no bridge */
    rc = br_ioctl(SIOCBRDELIF, cur, ifname);
    return rc == -ENODEV || rc == -EINVAL ? 0 : rc;
}

static int lx_set_up(struct xendev_netif *n, const char *ifname, bool up)
{
    struct ifreq ifr;
    int fd, rc = 0;

    if (xendev_ifname_valid(ifname))
        return -EINVAL;
    fd = ctl_socket();
    if (fd < 0)
        return fd;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
        rc = -errno;
    } else {
        if (up)
            ifr.ifr_flags |= IFF_UP;
        else
            ifr.ifr_flags &= ~IFF_UP;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
            rc = -errno;
    }
    close(fd);
    return rc;
}

/* Write VALUE to the sysfs file PATH: 0 or -errno. */
static int sysfs_write(const char *path, const char *value)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC), rc = 0;
    size_t len = strlen(value);

    if (fd < 0)
        return -errno;
    if (write(fd, value, len) != (ssize_t)len)
        rc = -errno;
    close(fd);
    return rc;
}

static int lx_master_of(struct xendev_netif *n, const char *ifname, char *buf,
                        size_t len)
{
    char path[64], target[PATH_MAX];
    const char *base;
    ssize_t r;

    if (xendev_ifname_valid(ifname) || !len)
        return -EINVAL;
    buf[0] = '\0';
    snprintf(path, sizeof(path), "/sys/class/net/%s/master", ifname);
    r = readlink(path, target, sizeof(target) - 1);
    if (r < 0)
        return errno == ENOENT ? (if_nametoindex(ifname) ? 0 : -ENODEV)
                               : -errno;
    target[r] = '\0';
    base = strrchr(target, '/');
    base = base ? base + 1 : target;
    if (strlen(base) >= len)
        return -ENAMETOOLONG;
    strcpy(buf, base);
    return 0;
}

static int bond_opt(const char *bond, const char *opt, const char *value)
{
    char path[96];

    snprintf(path, sizeof(path), "/sys/class/net/%s/bonding/%s", bond, opt);
    return sysfs_write(path, value);
}

static int lx_bond_create(struct xendev_netif *n, const char *bond)
{
    char cmd[XENDEV_IFNAME_MAX + 1];
    int rc;

    if (xendev_ifname_valid(bond))
        return -EINVAL;
    if (if_nametoindex(bond))
        return -EEXIST;
    snprintf(cmd, sizeof(cmd), "+%s", bond);
    rc = sysfs_write("/sys/class/net/bonding_masters", cmd);
    if (rc)
        return rc == -ENOENT ? -EOPNOTSUPP : rc; /* no bonding module */
    /* Mode and hash while the bond is down and has no slave. */
    rc = bond_opt(bond, "mode", "balance-xor");
    rc = rc ?: bond_opt(bond, "xmit_hash_policy", "layer3+4");
    rc = rc ?: bond_opt(bond, "miimon", "100");
    if (rc) {
        snprintf(cmd, sizeof(cmd), "-%s", bond);
        sysfs_write("/sys/class/net/bonding_masters", cmd);
    }
    return rc;
}

static int lx_bond_delete(struct xendev_netif *n, const char *bond)
{
    char cmd[XENDEV_IFNAME_MAX + 1];

    if (xendev_ifname_valid(bond))
        return -EINVAL;
    if (!if_nametoindex(bond))
        return 0;
    snprintf(cmd, sizeof(cmd), "-%s", bond);
    return sysfs_write("/sys/class/net/bonding_masters", cmd);
}

static int lx_bond_add(struct xendev_netif *n, const char *bond,
                       const char *ifname)
{
    char cur[XENDEV_IFNAME_MAX], cmd[XENDEV_IFNAME_MAX + 1];
    int rc;

    if (xendev_ifname_valid(bond) || xendev_ifname_valid(ifname))
        return -EINVAL;
    rc = lx_master_of(n, ifname, cur, sizeof(cur));
    if (rc)
        return rc;
    if (!strcmp(cur, bond))
        return 0;
    if (cur[0])
        return -EBUSY;
    /* The bonding driver refuses a slave that is up. */
    rc = lx_set_up(n, ifname, false);
    if (rc)
        return rc;
    snprintf(cmd, sizeof(cmd), "+%s", ifname);
    return bond_opt(bond, "slaves", cmd);
}

static int lx_bond_members(struct xendev_netif *n, const char *bond,
                           char (*names)[XENDEV_IFNAME_MAX], unsigned int max)
{
    char path[96], buf[4096];
    unsigned int count = 0;
    int fd;
    ssize_t r;

    if (xendev_ifname_valid(bond))
        return -EINVAL;
    snprintf(path, sizeof(path), "/sys/class/net/%s/bonding/slaves", bond);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    r = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (r < 0)
        return -errno;
    buf[r] = '\0';
    for (char *t = strtok(buf, " \n"); t; t = strtok(NULL, " \n")) {
        if (count == max || strlen(t) >= XENDEV_IFNAME_MAX)
            return -ENOSPC;
        strcpy(names[count++], t);
    }
    return (int)count;
}

static int lx_veth_create(struct xendev_netif *n, const char *name,
                          const char *peer)
{
    if (xendev_ifname_valid(name) || xendev_ifname_valid(peer))
        return -EINVAL;
    return rtnl_veth_create(name, peer);
}

static int lx_link_delete(struct xendev_netif *n, const char *name)
{
    if (xendev_ifname_valid(name))
        return -EINVAL;
    return rtnl_link_delete(name);
}

static int lx_redirect(struct xendev_netif *n, const char *from, const char *to)
{
    if (xendev_ifname_valid(from) || (to && xendev_ifname_valid(to)))
        return -EINVAL;
    return rtnl_redirect(from, to);
}

static int lx_set_alias(struct xendev_netif *n, const char *ifname,
                        const char *alias)
{
    char path[64];
    int rc;

    if (xendev_ifname_valid(ifname) || strlen(alias) >= 64)
        return -EINVAL;
    snprintf(path, sizeof(path), "/sys/class/net/%s/ifalias", ifname);
    /* The kernel clears the alias for a write of "\n" only. */
    rc = sysfs_write(path, alias[0] ? alias : "\n");
    return rc == -ENOENT ? -ENODEV : rc;
}

static int lx_alias_of(struct xendev_netif *n, const char *ifname, char *buf,
                       size_t len)
{
    char path[64], v[64];
    int fd;
    ssize_t r;

    if (xendev_ifname_valid(ifname) || !len)
        return -EINVAL;
    snprintf(path, sizeof(path), "/sys/class/net/%s/ifalias", ifname);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? -ENODEV : -errno;
    r = read(fd, v, sizeof(v) - 1);
    close(fd);
    if (r < 0)
        return -errno;
    v[r] = '\0';
    v[strcspn(v, "\n")] = '\0';
    if (strlen(v) >= len)
        return -ENAMETOOLONG;
    strcpy(buf, v);
    return 0;
}

static struct xendev_netif linux_netif = {
    .exists = lx_exists,
    .is_bridge = lx_is_bridge,
    .bridge_add = lx_bridge_add,
    .bridge_del = lx_bridge_del,
    .set_up = lx_set_up,
    .master_of = lx_master_of,
    .bond_create = lx_bond_create,
    .bond_delete = lx_bond_delete,
    .bond_add = lx_bond_add,
    .bond_members = lx_bond_members,
    .veth_create = lx_veth_create,
    .link_delete = lx_link_delete,
    .redirect = lx_redirect,
    .set_alias = lx_set_alias,
    .alias_of = lx_alias_of,
};

struct xendev_netif *xendev_netif_linux(void)
{
    return &linux_netif;
}
