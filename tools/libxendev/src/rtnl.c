/* rtnl.c: the rtnetlink requests netif-linux.c needs (veth pairs, link
 * deletion, an ingress qdisc with one matchall filter redirecting every
 * frame to another interface), written by hand: no iproute2 in Dom0. */
#include <errno.h>
#include <net/if.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_mirred.h>
#include <linux/veth.h>

#include "rtnl.h"

/* The one filter of a redirect: its priority (and so its chain). */
#define REDIRECT_PRIO 1

struct req {
    struct nlmsghdr *n;
    size_t max;
};

static int add_attr(struct req *r, unsigned short type, const void *data,
                    size_t len)
{
    size_t off = NLMSG_ALIGN(r->n->nlmsg_len);
    struct rtattr *a = (struct rtattr *)((char *)r->n + off);

    if (off + RTA_SPACE(len) > r->max)
        return -ENOSPC;
    a->rta_type = type;
    a->rta_len = (unsigned short)RTA_LENGTH(len);
    if (len)
        memcpy(RTA_DATA(a), data, len);
    r->n->nlmsg_len = (uint32_t)(off + RTA_SPACE(len));
    return 0;
}

static int add_str(struct req *r, unsigned short type, const char *s)
{
    return add_attr(r, type, s, strlen(s) + 1);
}

/* Open a nested attribute: its offset in the message, or -errno. */
static long nest(struct req *r, unsigned short type)
{
    long off = (long)NLMSG_ALIGN(r->n->nlmsg_len);
    int rc = add_attr(r, type, NULL, 0);

    return rc ? rc : off;
}

static void nest_end(struct req *r, long off)
{
    struct rtattr *a = (struct rtattr *)((char *)r->n + off);

    a->rta_len = (unsigned short)(r->n->nlmsg_len - (uint32_t)off);
}

/* Send N and wait for the kernel's acknowledgement: 0 or its -errno. */
static int talk(struct nlmsghdr *n)
{
    struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
    char buf[4096];
    int fd, rc;
    ssize_t len;

    fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0)
        return -errno;
    n->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
    n->nlmsg_seq = 1;
    if (sendto(fd, n, n->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) <
        0) {
        rc = -errno;
        goto out;
    }
    for (;;) {
        struct nlmsghdr *h;

        len = recv(fd, buf, sizeof(buf), 0);
        if (len < 0) {
            rc = -errno;
            if (rc == -EINTR)
                continue;
            goto out;
        }
        for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)len);
             h = NLMSG_NEXT(h, len)) {
            if (h->nlmsg_seq != 1)
                continue;
            if (h->nlmsg_type == NLMSG_ERROR) {
                const struct nlmsgerr *e = NLMSG_DATA(h);

                rc = e->error; /* 0: the acknowledgement */
                goto out;
            }
        }
    }
out:
    close(fd);
    return rc;
}

int rtnl_veth_create(const char *name, const char *peer)
{
    union {
        struct nlmsghdr n;
        char buf[512];
    } m = {0};
    struct req r = {&m.n, sizeof(m)};
    struct ifinfomsg *ifi = NLMSG_DATA(&m.n), pifi = {.ifi_family = AF_UNSPEC};
    long info, data, p;
    int rc;

    m.n.nlmsg_len = NLMSG_LENGTH(sizeof(*ifi));
    m.n.nlmsg_type = RTM_NEWLINK;
    m.n.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
    ifi->ifi_family = AF_UNSPEC;
    rc = add_str(&r, IFLA_IFNAME, name);
    info = rc ?: nest(&r, IFLA_LINKINFO);
    if (info < 0)
        return (int)info;
    rc = add_str(&r, IFLA_INFO_KIND, "veth");
    data = rc ?: nest(&r, IFLA_INFO_DATA);
    if (data < 0)
        return (int)data;
    /* The peer: an ifinfomsg, then its own attributes. */
    p = nest(&r, VETH_INFO_PEER);
    if (p < 0)
        return (int)p;
    if (NLMSG_ALIGN(m.n.nlmsg_len) + sizeof(pifi) > sizeof(m))
        return -ENOSPC;
    memcpy((char *)&m.n + m.n.nlmsg_len, &pifi, sizeof(pifi));
    m.n.nlmsg_len += sizeof(pifi);
    rc = add_str(&r, IFLA_IFNAME, peer);
    if (rc)
        return rc;
    nest_end(&r, p);
    nest_end(&r, data);
    nest_end(&r, info);
    return talk(&m.n);
}

int rtnl_link_delete(const char *name)
{
    union {
        struct nlmsghdr n;
        char buf[128];
    } m = {0};
    struct ifinfomsg *ifi = NLMSG_DATA(&m.n);
    unsigned int idx = if_nametoindex(name);
    int rc;

    if (!idx)
        return 0; /* gone already */
    m.n.nlmsg_len = NLMSG_LENGTH(sizeof(*ifi));
    m.n.nlmsg_type = RTM_DELLINK;
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = (int)idx;
    rc = talk(&m.n);
    return rc == -ENODEV ? 0 : rc;
}

/* A tcmsg request of TYPE on interface IDX. */
static void tc_init(struct nlmsghdr *n, unsigned short type, unsigned int idx,
                    uint16_t flags, uint32_t parent, uint32_t handle,
                    uint32_t info)
{
    struct tcmsg *t = NLMSG_DATA(n);

    n->nlmsg_len = NLMSG_LENGTH(sizeof(*t));
    n->nlmsg_type = type;
    n->nlmsg_flags = flags;
    t->tcm_family = AF_UNSPEC;
    t->tcm_ifindex = (int)idx;
    t->tcm_parent = parent;
    t->tcm_handle = handle;
    t->tcm_info = info;
}

int rtnl_redirect(const char *from, const char *to)
{
    union {
        struct nlmsghdr n;
        char buf[1024];
    } m = {0};
    struct req r = {&m.n, sizeof(m)};
    struct tc_mirred parms = {0};
    unsigned int idx = if_nametoindex(from), tidx = 0;
    uint32_t info = TC_H_MAKE((uint32_t)REDIRECT_PRIO << 16, htons(ETH_P_ALL));
    long opts, acts, act, aopts;
    int rc;

    if (!idx)
        return -ENODEV;
    if (to && !(tidx = if_nametoindex(to)))
        return -ENODEV;
    if (!to) { /* the qdisc goes, and its filters with it */
        tc_init(&m.n, RTM_DELQDISC, idx, 0, TC_H_INGRESS,
                TC_H_MAKE(TC_H_INGRESS, 0), 0);
        rc = add_str(&r, TCA_KIND, "ingress");
        rc = rc ?: talk(&m.n);
        return rc == -ENOENT || rc == -EINVAL ? 0 : rc;
    }
    /* The ingress qdisc (there already: fine). */
    tc_init(&m.n, RTM_NEWQDISC, idx, NLM_F_CREATE | NLM_F_EXCL, TC_H_INGRESS,
            TC_H_MAKE(TC_H_INGRESS, 0), 0);
    rc = add_str(&r, TCA_KIND, "ingress");
    rc = rc ?: talk(&m.n);
    if (rc && rc != -EEXIST)
        return rc;
    /* The previous filter, if any, goes (its whole priority). */
    memset(&m, 0, sizeof(m));
    tc_init(&m.n, RTM_DELTFILTER, idx, 0, TC_H_MAKE(TC_H_INGRESS, 0), 0, info);
    rc = talk(&m.n);
    if (rc && rc != -ENOENT && rc != -EINVAL)
        return rc;
    /* matchall -> mirred egress redirect to TO, the frame stolen. */
    memset(&m, 0, sizeof(m));
    tc_init(&m.n, RTM_NEWTFILTER, idx, NLM_F_CREATE | NLM_F_EXCL,
            TC_H_MAKE(TC_H_INGRESS, 0), 1, info);
    parms.action = TC_ACT_STOLEN;
    parms.eaction = TCA_EGRESS_REDIR;
    parms.ifindex = tidx;
    rc = add_str(&r, TCA_KIND, "matchall");
    opts = rc ?: nest(&r, TCA_OPTIONS);
    acts = opts < 0 ? opts : nest(&r, TCA_MATCHALL_ACT);
    act = acts < 0 ? acts : nest(&r, 1); /* the first action */
    if (act < 0)
        return (int)act;
    rc = add_str(&r, TCA_ACT_KIND, "mirred");
    aopts = rc ?: nest(&r, TCA_ACT_OPTIONS);
    if (aopts < 0)
        return (int)aopts;
    rc = add_attr(&r, TCA_MIRRED_PARMS, &parms, sizeof(parms));
    if (rc)
        return rc;
    nest_end(&r, aopts);
    nest_end(&r, act);
    nest_end(&r, acts);
    nest_end(&r, opts);
    return talk(&m.n);
}
