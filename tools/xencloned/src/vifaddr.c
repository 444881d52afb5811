/* vifaddr.c: a clone's own MAC and IPv4 address in network mode "new". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xencloned/vifaddr.h"

void vifaddr_mac(unsigned int domid, char buf[18])
{
    snprintf(buf, 18, "00:16:3e:5c:%02x:%02x", (domid >> 8) & 0xff,
             domid & 0xff);
}

int vifaddr_pick(uint32_t first, uint32_t last, const uint32_t *used, size_t n,
                 uint32_t *out)
{
    uint32_t a = first;

    for (;;) {
        size_t i = 0;

        while (i < n && used[i] != a)
            i++;
        if (i == n) {
            *out = a;
            return 0;
        }
        if (a == last)
            return -ENOSPC;
        a++;
    }
}

int vifaddr_parse(const char *ip, uint32_t *addr, char suffix[4])
{
    uint32_t a = 0;
    const char *s = ip;

    for (int i = 0; i < 4; i++) {
        char *end;
        unsigned long v;

        if (*s < '0' || *s > '9')
            return -EINVAL;
        v = strtoul(s, &end, 10);
        if (v > 255 || end - s > 3 || (i < 3 && *end != '.'))
            return -EINVAL;
        a = a << 8 | (uint32_t)v;
        s = i < 3 ? end + 1 : end;
    }
    suffix[0] = '\0';
    if (*s == '/') {
        char *end;
        unsigned long n = strtoul(s + 1, &end, 10);

        if (end == s + 1 || end - s > 3 || n < 1 || n > 32 ||
            (*end && *end != ' '))
            return -EINVAL;
        memcpy(suffix, s, end - s);
        suffix[end - s] = '\0';
    } else if (*s && *s != ' ') {
        return -EINVAL;
    }
    *addr = a;
    return 0;
}

void vifaddr_format(uint32_t addr, const char *suffix, char buf[20])
{
    snprintf(buf, 20, "%u.%u.%u.%u%s", addr >> 24, (addr >> 16) & 0xff,
             (addr >> 8) & 0xff, addr & 0xff, suffix ? suffix : "");
}
