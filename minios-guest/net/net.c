/* net.c: the network: netfront as an lwIP netif, addressing, timers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <minios/app.h>
#include <minios/clone.h>
#include <minios/driver.h>
#include <minios/events.h>
#include <minios/net.h>
#include <minios/netfront.h>
#include <minios/time.h>
#include <minios/xenbus.h>
#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/prot/iana.h"
#include "lwip/prot/etharp.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"
#include "learn.h"

/* Polling fallback: look at the rings at least this often (ms), in case
 * an event was lost; events wake us at once. Apps take poll_ms=N. */
#define POLL_MS     20
#define POLL_MS_MAX 60000
/* How long a frame waits for room in a full TX ring (ns). */
#define TX_WAIT_NS (200 * NSEC_PER_MSEC)

static struct netfront *nf;
static struct netif netif;
static uint64_t rand_state;
static unsigned long poll_ms = POLL_MS;
static int using_dhcp;
static int tx_muted; /* frames are dropped, not sent (net_after_clone) */

uint32_t net_rand(void)
{
    /* xorshift64*: ports, ISNs and DHCP xids need no more. */
    if (!rand_state)
        rand_state = monotonic_ns() ^ ((uint64_t)xen_domid() << 32) ^ 1;
    rand_state ^= rand_state >> 12;
    rand_state ^= rand_state << 25;
    rand_state ^= rand_state >> 27;
    return (uint32_t)((rand_state * 0x2545F4914F6CDD1DULL) >> 32);
}

u32_t sys_now(void)
{
    return (u32_t)(monotonic_ns() / NSEC_PER_MSEC);
}

static int tx_room(void *arg)
{
    return netfront_tx_room(nf);
}

static err_t linkoutput(struct netif *n, struct pbuf *p)
{
    char frame[NETFRONT_FRAME_MAX];
    uint64_t deadline;
    int rc;

    if (p->tot_len > sizeof(frame))
        return ERR_BUF;
    if (tx_muted)
        return ERR_OK;
    pbuf_copy_partial(p, frame, p->tot_len, 0);
    rc = netfront_xmit(nf, frame, p->tot_len);
    if (rc == -EAGAIN) {
        deadline = monotonic_ns() + TX_WAIT_NS;
        while (rc == -EAGAIN && wait_until(tx_room, NULL, deadline) == 0)
            rc = netfront_xmit(nf, frame, p->tot_len);
    }
    return rc < 0 ? ERR_IF : ERR_OK;
}

static err_t netif_setup(struct netif *n)
{
    n->name[0] = 'x';
    n->name[1] = 'n';
    n->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(n->hwaddr, netfront_mac(nf), ETH_HWADDR_LEN);
    n->mtu = NETFRONT_MTU;
    n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET |
               NETIF_FLAG_LINK_UP;
    n->output = etharp_output;
    n->linkoutput = linkoutput;
    return ERR_OK;
}

/*
 * Learn a neighbour's MAC from an IPv4 frame it sent to us from our own
 * subnet, as if it had answered an ARP request (what lwIP 1.x's
 * ETHARP_TRUST_IP_MAC did). In network mode "same" Dom0's bond hashes
 * every non-IP frame (ARP) to one member of the family: the others never
 * get an ARP reply and could answer nobody (docs/network-clones.md,
 * "Mode same and ARP"). The entry goes through lwIP's own ARP input, so
 * it ages, is refreshed by every frame and flushes a queued packet.
 * Which frames qualify: net_frame_sender() (learn.c).
 */
static void learn_sender(const uint8_t *frame, size_t len)
{
    struct etharp_hdr *ah;
    uint32_t src;
    struct pbuf *p;

    if (!net_frame_sender(frame, len, netif.hwaddr,
                          ip4_addr_get_u32(netif_ip4_addr(&netif)),
                          ip4_addr_get_u32(netif_ip4_netmask(&netif)), &src))
        return;
    p = pbuf_alloc(PBUF_RAW, SIZEOF_ETHARP_HDR, PBUF_RAM);
    if (!p)
        return;
    ah = (struct etharp_hdr *)p->payload;
    ah->hwtype = PP_HTONS(LWIP_IANA_HWTYPE_ETHERNET);
    ah->proto = PP_HTONS(ETHTYPE_IP);
    ah->hwlen = ETH_HWADDR_LEN;
    ah->protolen = sizeof(ip4_addr_t);
    ah->opcode = PP_HTONS(ARP_REPLY);
    memcpy(&ah->shwaddr, frame + ETH_HWADDR_LEN, ETH_HWADDR_LEN);
    memcpy(&ah->sipaddr, &src, sizeof(src));
    memcpy(&ah->dhwaddr, netif.hwaddr, ETH_HWADDR_LEN);
    memcpy(&ah->dipaddr, netif_ip4_addr(&netif), sizeof(ip4_addr_t));
    etharp_input(p, &netif); /* frees p */
}

static void rx_frame(void *arg, const void *frame, size_t len)
{
    struct pbuf *p = pbuf_alloc(PBUF_RAW, len, PBUF_RAM);

    if (!p)
        return;
    learn_sender(frame, len);
    pbuf_take(p, frame, len);
    if (netif.input(p, &netif) != ERR_OK)
        pbuf_free(p);
}

void net_poll(void)
{
    if (!nf)
        return;
    netfront_poll(nf, rx_frame, NULL);
    sys_check_timeouts();
}

int net_option(const char *arg)
{
    unsigned long v;
    const char *s;

    if (!arg_value(arg, "poll_ms", &s))
        return 0;
    if (parse_ulong(s, &v) < 0 || v < 1 || v > POLL_MS_MAX)
        return -EINVAL;
    poll_ms = v;
    return 1;
}

void net_print_stats(const char *who)
{
    struct netfront_stats st;

    if (!nf)
        return;
    netfront_get_stats(nf, &st);
    printf("%s: netfront rx %lu frames %lu bytes %lu errors, tx %lu frames "
           "%lu bytes %lu errors %lu busy, %lu events, %lu unsignalled\n",
           who, st.rx_frames, st.rx_bytes, st.rx_errors, st.tx_frames,
           st.tx_bytes, st.tx_errors, st.tx_busy, st.irqs, st.unsignalled);
}

static int frame_pending(void *arg)
{
    return netfront_pending(nf);
}

void net_wait(uint64_t deadline)
{
    /* Cloned from outside (xl clone)? Then re-attach first. */
    clone_check();

    uint64_t until = monotonic_ns() + poll_ms * NSEC_PER_MSEC;
    u32_t next = sys_timeouts_sleeptime();

    if (next < poll_ms)
        until = monotonic_ns() + next * NSEC_PER_MSEC;
    if (deadline && deadline < until)
        until = deadline;
    if (nf)
        wait_until(frame_pending, NULL, until);
    else
        sleep_until(until);
    net_poll();
}

char *net_ntoa(uint32_t addr, char *buf)
{
    const uint8_t *b = (const uint8_t *)&addr;

    snprintf(buf, 16, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    return buf;
}

int net_aton(const char *s, uint32_t *addr)
{
    uint8_t b[4];

    for (int i = 0; i < 4; i++) {
        char *end;
        unsigned long v = strtoul(s, &end, 10);
        if (end == s || v > 255 || end - s > 3 || (i < 3 && *end != '.') ||
            (i == 3 && *end))
            return -EINVAL;
        b[i] = v;
        s = end + 1;
    }
    memcpy(addr, b, 4);
    return 0;
}

uint32_t net_address(void)
{
    return ip4_addr_get_u32(netif_ip4_addr(&netif));
}

/* "A.B.C.D[/N]" (the first word of xl's ip=): address and prefix. */
static int parse_ip(char *s, uint32_t *addr, unsigned int *prefix)
{
    char *slash, *sp = strchr(s, ' ');

    if (sp)
        *sp = '\0';
    *prefix = 24;
    slash = strchr(s, '/');
    if (slash) {
        char *end;
        unsigned long n = strtoul(slash + 1, &end, 10);
        if (end == slash + 1 || *end || n < 1 || n > 30)
            return -EINVAL;
        *prefix = n;
        *slash = '\0';
    }
    return net_aton(s, addr);
}

static int dhcp_bound(void *arg)
{
    return dhcp_supplied_address(&netif);
}

/* Run the stack until DHCP has an address or DEADLINE passes. */
static int wait_dhcp(uint64_t deadline)
{
    while (!dhcp_bound(NULL)) {
        if (monotonic_ns() >= deadline)
            return -ETIMEDOUT;
        net_wait(deadline);
    }
    return 0;
}

int net_init(unsigned long timeout_ms)
{
    uint64_t deadline = monotonic_ns() + timeout_ms * NSEC_PER_MSEC;
    ip4_addr_t ip, mask, gw;
    unsigned int prefix = 24;
    uint32_t a = 0;
    char *s, buf[16];
    const uint8_t *m;
    int rc, dhcp;

    if (nf)
        return -EALREADY;
    nf = netfront_open(0, timeout_ms, &rc);
    if (!nf)
        return rc;
    lwip_init();
    s = netfront_ip(nf);
    dhcp = !s || !*s;
    if (!dhcp && parse_ip(s, &a, &prefix) < 0) {
        printf("net: bad ip '%s' in the backend\n", s);
        free(s);
        return -EINVAL;
    }
    free(s);
    using_dhcp = dhcp;
    ip4_addr_set_u32(&ip, a);
    ip4_addr_set_u32(&mask, PP_HTONL(~0UL << (32 - prefix)));
    ip4_addr_set_zero(&gw);
    if (!netif_add(&netif, &ip, &mask, &gw, NULL, netif_setup, ethernet_input))
        return -EIO;
    netif_set_default(&netif);
    netif_set_up(&netif);
    if (dhcp) {
        if (dhcp_start(&netif) != ERR_OK)
            return -ENOMEM;
        rc = wait_dhcp(deadline);
        if (rc < 0) {
            printf("net: no DHCP answer in %lu ms\n", timeout_ms);
            return rc;
        }
        prefix =
            32 - __builtin_ctz(
                     lwip_ntohl(ip4_addr_get_u32(netif_ip4_netmask(&netif))) |
                     1U << 31);
    }
    m = netfront_mac(nf);
    printf("net: %s/%u (%s) mac %02x:%02x:%02x:%02x:%02x:%02x\n",
           net_ntoa(net_address(), buf), prefix, dhcp ? "dhcp" : "static", m[0],
           m[1], m[2], m[3], m[4], m[5]);
    /* Tell the bridge (and everyone's ARP cache) where we are. */
    etharp_gratuitous(&netif);
    return 0;
}

/*
 * In a child of clone()/fork(), after netfront re-attached (level 5):
 * its own random sequence (ports, ISNs), and in network mode "new" the
 * MAC and address Dom0 gave it: taken up (lwIP drops the connections of
 * the old address, listeners on any address stay) and announced with a
 * gratuitous ARP. In mode "same" nothing changes and nothing is sent: the
 * family shares one MAC and address behind Dom0's bond.
 */
static void net_after_clone(void)
{
    uint32_t a = 0;
    unsigned int prefix = 24;
    ip4_addr_t ip, mask, gw;
    const uint8_t *m;
    char *s, buf[16];
    int changed;

    rand_state ^= (uint64_t)xen_domid() << 32 ^ monotonic_ns();
    if (!nf)
        return;
    m = netfront_mac(nf);
    changed = memcmp(netif.hwaddr, m, ETH_HWADDR_LEN) != 0;
    memcpy(netif.hwaddr, m, ETH_HWADDR_LEN);
    s = using_dhcp ? NULL : netfront_ip(nf);
    if (s && parse_ip(s, &a, &prefix) == 0 && a != net_address()) {
        ip4_addr_set_u32(&ip, a);
        ip4_addr_set_u32(&mask, PP_HTONL(~0UL << (32 - prefix)));
        ip4_addr_set_zero(&gw);
        /* lwIP aborts the connections of the old address with a RST:
         * they are the parent's too (the same 4-tuples), so the RSTs
         * must not leave, or the parent's peers would drop them. */
        tx_muted = 1;
        netif_set_addr(&netif, &ip, &mask, &gw);
        tx_muted = 0;
        changed = 1;
    }
    free(s);
    if (!changed)
        return;
    if (using_dhcp)
        printf("net: clone: new mac, but the address came from DHCP: "
               "keeping it\n");
    printf("net: clone: %s/%u mac %02x:%02x:%02x:%02x:%02x:%02x\n",
           net_ntoa(net_address(), buf), prefix, m[0], m[1], m[2], m[3], m[4],
           m[5]);
    etharp_gratuitous(&netif);
}

DRIVER(net_driver, 6) = {.name = "net", .after_clone = net_after_clone};
