/* events.h: 2-level event channels: bind, unmask, handlers, block. */
#ifndef MINIOS_EVENTS_H
#define MINIOS_EVENTS_H

#include <stdint.h>
#include <public/event_channel.h>

#define EVTCHN_MAX 1024 /* ports we can attach handlers to */

typedef void (*evtchn_handler_t)(evtchn_port_t port, void *data);

void events_init(void);
/* Attach HANDLER to PORT and unmask it. 0 or -errno. */
int evtchn_bind(evtchn_port_t port, evtchn_handler_t handler, void *data);
/* Bind VIRQ on vCPU 0; returns the port or -errno. */
int evtchn_bind_virq(unsigned int virq, evtchn_handler_t handler, void *data);
/* A fresh port for REMOTE_DOM to bind to; the port or -errno. */
int evtchn_alloc_unbound(domid_t remote_dom);
int evtchn_close(evtchn_port_t port);
void evtchn_unbind(evtchn_port_t port);
int evtchn_notify(evtchn_port_t port);
void evtchn_mask(evtchn_port_t port);
int evtchn_unmask(evtchn_port_t port);
void evtchn_clear(evtchn_port_t port);
int evtchn_is_pending(evtchn_port_t port);

/*
 * Block our vCPU until an event arrives or DEADLINE (system time in ns,
 * 0 = none) passes. Call with events disabled: Xen enables them and
 * blocks atomically, so no wake-up is lost. Events are disabled again
 * on return.
 */
void block_domain(uint64_t deadline);

/* Block until COND(ARG) holds (0) or DEADLINE passes (-ETIMEDOUT). */
int wait_until(int (*cond)(void *arg), void *arg, uint64_t deadline);

/* Wait for PORT to be pending with events masked (for early code and
 * crash paths); clears it. 0, or -ETIMEDOUT after DEADLINE. */
int evtchn_poll(evtchn_port_t port, uint64_t deadline);

#endif
