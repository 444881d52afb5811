/* learn.c: which received frames teach the guest a neighbour's MAC. */
#include <arpa/inet.h>
#include <string.h>
#include "tap.h"
#include "../../net/learn.h"

static const uint8_t me_mac[6] = {0x00, 0x16, 0x3e, 0x00, 0x00, 0x11};
static const uint8_t dom0_mac[6] = {0xfe, 0xff, 0xff, 0xff, 0xff, 0xff};

/* An IPv4 frame from SMAC/SRC to DMAC/DST (dotted strings). */
static size_t frame(uint8_t *f, const uint8_t *dmac, const uint8_t *smac,
                    const char *src, const char *dst)
{
    uint32_t a;

    memset(f, 0, 60);
    memcpy(f, dmac, 6);
    memcpy(f + 6, smac, 6);
    f[12] = 0x08;
    f[14] = 0x45;
    inet_pton(AF_INET, src, &a);
    memcpy(f + 26, &a, 4);
    inet_pton(AF_INET, dst, &a);
    memcpy(f + 30, &a, 4);
    return 54;
}

static int learns(const uint8_t *f, size_t len, const char *me, int prefix,
                  uint32_t *src)
{
    uint32_t a, m = htonl(prefix ? ~0U << (32 - prefix) : 0);

    inet_pton(AF_INET, me, &a);
    return net_frame_sender(f, len, me_mac, a, m, src);
}

int main(void)
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    static const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
    uint8_t f[64];
    uint32_t src = 0, want;
    size_t n;

    inet_pton(AF_INET, "198.18.0.1", &want);
    n = frame(f, me_mac, dom0_mac, "198.18.0.1", "198.18.0.11");
    ok(learns(f, n, "198.18.0.11", 24, &src) == 1 && src == want,
       "Dom0's SYN to us teaches us Dom0's address (and MAC)");
    ok(learns(f, n, "0.0.0.0", 24, &src) == 0, "not before we have an address");
    ok(learns(f, 33, "198.18.0.11", 24, &src) == 0, "a short frame: no");
    f[12] = 0x08, f[13] = 0x06;
    ok(learns(f, n, "198.18.0.11", 24, &src) == 0, "not an IPv4 frame: no");
    f[13] = 0x00, f[14] = 0x65;
    ok(learns(f, n, "198.18.0.11", 24, &src) == 0, "not IP version 4: no");
    n = frame(f, bcast, dom0_mac, "198.18.0.1", "198.18.0.11");
    ok(learns(f, n, "198.18.0.11", 24, &src) == 0,
       "to the broadcast MAC (not ours): no");
    n = frame(f, me_mac, mcast, "198.18.0.1", "198.18.0.11");
    ok(learns(f, n, "198.18.0.11", 24, &src) == 0, "from a multicast MAC: no");
    n = frame(f, me_mac, dom0_mac, "198.18.0.1", "198.18.0.12");
    ok(learns(f, n, "198.18.0.11", 24, &src) == 0, "to another address: no");
    n = frame(f, me_mac, dom0_mac, "198.18.0.11", "198.18.0.11");
    ok(learns(f, n, "198.18.0.11", 24, &src) == 0, "from our own address: no");
    n = frame(f, me_mac, dom0_mac, "10.0.0.1", "198.18.0.11");
    ok(learns(f, n, "198.18.0.11", 24, &src) == 0,
       "from another subnet (behind a router): no");
    n = frame(f, me_mac, dom0_mac, "198.18.1.7", "198.18.0.11");
    ok(learns(f, n, "198.18.0.11", 24, &src) == 0, "  a /24 ends at .0.255");
    ok(learns(f, n, "198.18.0.11", 16, &src) == 1, "  a /16 takes 198.18.1.7");
    n = frame(f, me_mac, dom0_mac, "198.18.0.255", "198.18.0.11");
    ok(learns(f, n, "198.18.0.11", 24, &src) == 0,
       "from the subnet's broadcast address: no");
    n = frame(f, me_mac, dom0_mac, "198.18.0.0", "198.18.0.11");
    ok(learns(f, n, "198.18.0.11", 24, &src) == 0,
       "from the subnet's network address: no");
    return done_testing();
}
