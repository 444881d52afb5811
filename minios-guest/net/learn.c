/* learn.c: which received frames teach the guest a neighbour's MAC. */
#include <string.h>
#include "learn.h"

#define ETH_HLEN      14
#define IPV4_MIN_HLEN 20

int net_frame_sender(const void *frame, size_t len, const uint8_t mac[6],
                     uint32_t addr, uint32_t mask, uint32_t *src)
{
    const uint8_t *f = frame;
    uint32_t s, d;

    if (!addr || len < ETH_HLEN + IPV4_MIN_HLEN)
        return 0;
    if (memcmp(f, mac, 6) || (f[6] & 1) || f[12] != 0x08 || f[13] != 0x00 ||
        (f[ETH_HLEN] >> 4) != 4)
        return 0;
    memcpy(&s, f + ETH_HLEN + 12, 4);
    memcpy(&d, f + ETH_HLEN + 16, 4);
    if (d != addr || s == addr || (s & mask) != (addr & mask) ||
        (s | mask) == 0xffffffffU || (s & ~mask) == 0)
        return 0;
    *src = s;
    return 1;
}
