/* console.h: the PV console (ring + event channel) and hypervisor log. */
#ifndef MINIOS_CONSOLE_H
#define MINIOS_CONSOLE_H

#include <stddef.h>

/* Early: usable as soon as start_info is known (polls, no upcalls). */
void console_init(void);
/* Write LEN bytes; waits for space while xenconsoled drains the ring. */
void console_write(const char *buf, size_t len);
/* Wait (bounded) until xenconsoled has read everything we wrote. */
void console_flush(void);
/* Also copy output to Xen's log (console_io; only debug Xen shows it). */
void console_set_xen_log(int on);

#endif
