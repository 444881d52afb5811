/* sched.h: ending the domain: poweroff, reboot, crash. */
#ifndef MINIOS_SCHED_H
#define MINIOS_SCHED_H

/* Flush the console, then SCHEDOP_shutdown with the given reason. */
__attribute__((noreturn)) void shutdown_domain(unsigned int reason);
__attribute__((noreturn)) void poweroff(void);
__attribute__((noreturn)) void reboot(void);
__attribute__((noreturn)) void crash_domain(void);

#endif
