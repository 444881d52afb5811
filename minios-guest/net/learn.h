/* learn.h: which received frames teach the guest a neighbour's MAC. */
#ifndef MINIOS_NET_LEARN_H
#define MINIOS_NET_LEARN_H

#include <stddef.h>
#include <stdint.h>

/*
 * FRAME (LEN bytes, Ethernet) is an IPv4 frame to MAC and ADDR from a
 * unicast MAC and an address of ADDR's subnet (MASK) other than ADDR and
 * its broadcast: 1, with the sender's address in *SRC (both in network
 * order; the sender's MAC is at FRAME + 6). Else 0. ADDR 0 (no address
 * yet): 0.
 */
int net_frame_sender(const void *frame, size_t len, const uint8_t mac[6],
                     uint32_t addr, uint32_t mask, uint32_t *src);

#endif
