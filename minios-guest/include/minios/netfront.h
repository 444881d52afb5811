/* netfront.h: the PV network frontend (one queue, RX by grant copy). */
#ifndef MINIOS_NETFRONT_H
#define MINIOS_NETFRONT_H

#include <stddef.h>
#include <stdint.h>

#define NETFRONT_MTU       1500
#define NETFRONT_FRAME_MAX 1514 /* Ethernet header + MTU, no FCS */

struct netfront;
typedef void (*netfront_rx_t)(void *arg, const void *frame, size_t len);

/*
 * Connect device/vif/INDEX: grants and rings, keys, state Connected, then
 * wait (TIMEOUT_MS) for the backend to be Connected. NULL and *ERR = -errno
 * on failure (-ENODEV: the domain has no such vif).
 */
struct netfront *netfront_open(unsigned int index, unsigned long timeout_ms,
                               int *err);
/* The MAC address xl gave the vif ("mac" key). */
const uint8_t *netfront_mac(const struct netfront *nf);
/* The backend's "ip" key (xl's vif ip=...): a malloc'd string, or NULL. */
char *netfront_ip(const struct netfront *nf);
/* Queue one frame (copied): 0, -EAGAIN (ring full), -EMSGSIZE. */
int netfront_xmit(struct netfront *nf, const void *frame, size_t len);
/* Is there room for one more frame to send (reaps completions)? */
int netfront_tx_room(struct netfront *nf);
/* Reap TX completions, hand every received frame to RX(ARG, ...), post
 * the buffers again. Returns the number of frames received. */
int netfront_poll(struct netfront *nf, netfront_rx_t rx, void *arg);
/* Did the backend signal (or is there work) since the last poll? */
int netfront_pending(const struct netfront *nf);
/* How many times this domain's netfront was re-attached after a clone
 * (0 in an original): a change means the MAC may be new (re-read it). */
unsigned int netfront_clone_gen(const struct netfront *nf);
/* The event channel port (for waiting on it). */
unsigned int netfront_port(const struct netfront *nf);
/* Counters: frames/bytes each way, drops (bad responses, full ring),
 * events, and polls that found responses no event had announced. */
struct netfront_stats {
    unsigned long rx_frames, rx_bytes, rx_errors;
    unsigned long tx_frames, tx_bytes, tx_errors, tx_busy, irqs;
    unsigned long unsignalled;
};
void netfront_get_stats(const struct netfront *nf, struct netfront_stats *s);
/* Disconnect (Closing/Closed) and free everything. */
void netfront_close(struct netfront *nf);

#endif
