/* time.h: Xen system time, wall clock, one-shot timer and sleeping. */
#ifndef MINIOS_TIME_H
#define MINIOS_TIME_H

#include <stdint.h>

#define NSEC_PER_USEC 1000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_SEC  1000000000ULL

/* Nanoseconds since the host booted (Xen system time, monotonic). */
uint64_t monotonic_ns(void);
/* Nanoseconds since the Unix epoch. */
uint64_t wallclock_ns(void);

void time_init(void);
/* Sleep until system time DEADLINE (events keep being handled). */
void sleep_until(uint64_t deadline);
void sleep_ns(uint64_t ns);
void msleep(unsigned long ms);
void sleep(unsigned long s);
/* Timer interrupts seen so far (for tests of the timer path). */
unsigned long timer_ticks(void);

#endif
