/* vifaddr.h: a clone's own MAC and IPv4 address in network mode "new"
 * (pure logic, no XenStore). */
#ifndef XENCLONED_VIFADDR_H
#define XENCLONED_VIFADDR_H

#include <stddef.h>
#include <stdint.h>

/* The child's MAC: 00:16:3e (Xen's prefix), 0x5c, then its domid (unique
 * among live domains), e.g. 00:16:3e:5c:00:07 for domain 7. BUF holds 18
 * bytes. */
void vifaddr_mac(unsigned int domid, char buf[18]);

/*
 * The lowest address of [FIRST, LAST] (host order) not in USED (N
 * entries, any order): 0 into *OUT, or -ENOSPC if all are taken.
 */
int vifaddr_pick(uint32_t first, uint32_t last, const uint32_t *used, size_t n,
                 uint32_t *out);

/* The first word of a vif "ip" key ("A.B.C.D[/N] ...") as a host-order
 * address, and its "/N" suffix (or "") into SUFFIX (4 bytes): 0 or
 * -EINVAL. */
int vifaddr_parse(const char *ip, uint32_t *addr, char suffix[4]);

/* ADDR (host order) and SUFFIX as "A.B.C.D[/N]" into BUF (20 bytes). */
void vifaddr_format(uint32_t addr, const char *suffix, char buf[20]);

#endif
