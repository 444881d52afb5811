/* rtnl.h: rtnetlink requests of netif-linux.c (src/rtnl.c); 0 or -errno. */
#ifndef XENDEV_RTNL_H
#define XENDEV_RTNL_H

/* Make the veth pair NAME <-> PEER (both down); -EEXIST if NAME exists. */
int rtnl_veth_create(const char *name, const char *peer);

/* Delete interface NAME (a veth: its peer too); gone already: 0. */
int rtnl_link_delete(const char *name);

/* Every frame FROM receives is sent out of TO instead (an ingress qdisc
 * and one matchall filter with a mirred egress redirect), replacing any
 * earlier redirect of FROM; TO NULL: FROM's ingress qdisc is removed. */
int rtnl_redirect(const char *from, const char *to);

#endif
