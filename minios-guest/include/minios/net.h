/* net.h: the guest's network: bring-up and a small socket-like API. */
#ifndef MINIOS_NET_H
#define MINIOS_NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * net_init() connects vif 0 (netfront) and gives lwIP its address: the
 * backend's "ip" key (xl's vif ip=A.B.C.D[/N], /24 by default) or else
 * DHCP, waiting up to TIMEOUT_MS. It prints "net: A.B.C.D/N (static|dhcp)
 * mac M" and returns 0, or a negative errno.
 *
 * Sockets are small integers (fds). Every call runs the stack while it
 * waits (received frames, timers); DEADLINE is system time in ns (0: wait
 * for ever); -ETIMEDOUT when it passes. Addresses are IPv4 in network
 * byte order, ports in host order. Nothing runs between calls: an app that
 * does not call in for a while should call net_poll().
 */
int net_init(unsigned long timeout_ms);
uint32_t net_address(void);
/* "A.B.C.D" into BUF (16 bytes); returns BUF. */
char *net_ntoa(uint32_t addr, char *buf);
/* Parse "A.B.C.D": 0 or -EINVAL. */
int net_aton(const char *s, uint32_t *addr);
void net_poll(void);
/*
 * The network's own app arguments: poll_ms=N (1..60000, default 20), the
 * polling fallback's period. 1 if ARG was one (and is applied), 0 if not
 * ours, -EINVAL if ours with a bad value. Call before net_init().
 */
#define NET_OPTIONS_USAGE "[poll_ms=N]"
int net_option(const char *arg);
/* One line of netfront counters, prefixed with WHO (see netfront.h). */
void net_print_stats(const char *who);
/* Block until a frame arrives, a timer is due or DEADLINE; then poll. */
void net_wait(uint64_t deadline);

/* TCP. */
int net_listen(uint16_t port, int backlog);
int net_accept(int fd, uint64_t deadline);
int net_connect(uint32_t addr, uint16_t port, uint64_t deadline);
/* Up to LEN bytes, at least one; 0 at end of stream; -errno. */
ssize_t net_recv(int fd, void *buf, size_t len, uint64_t deadline);
/* All LEN bytes queued (and pushed), or -errno (-ECONNRESET...). */
ssize_t net_send(int fd, const void *buf, size_t len);
int net_close(int fd);

/* UDP. */
int net_udp_bind(uint16_t port);
ssize_t net_recvfrom(int fd, void *buf, size_t len, uint32_t *addr,
                     uint16_t *port, uint64_t deadline);
ssize_t net_sendto(int fd, const void *buf, size_t len, uint32_t addr,
                   uint16_t port);

#endif
