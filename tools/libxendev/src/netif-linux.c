/* netif-linux.c: struct xendev_netif with Linux ioctl()s and sysfs. */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/sockios.h>

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

static struct xendev_netif linux_netif = {
    .exists = lx_exists,
    .is_bridge = lx_is_bridge,
    .bridge_add = lx_bridge_add,
    .bridge_del = lx_bridge_del,
    .set_up = lx_set_up,
};

struct xendev_netif *xendev_netif_linux(void)
{
    return &linux_netif;
}
