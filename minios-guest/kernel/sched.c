/* sched.c: shutting the domain down (poweroff, reboot, crash). */
#include <minios/os.h>
#include <minios/sched.h>
#include <minios/console.h>
#include <minios/hypercall.h>

void shutdown_domain(unsigned int reason)
{
    struct sched_shutdown op = {.reason = reason};

    console_flush();
    for (;;) {
        hyp_sched_op(SCHEDOP_shutdown, &op);
        /* Not reached; if Xen ever returns, keep asking. */
        hyp_sched_op(SCHEDOP_yield, NULL);
    }
}

void poweroff(void)
{
    shutdown_domain(SHUTDOWN_poweroff);
}

void reboot(void)
{
    shutdown_domain(SHUTDOWN_reboot);
}

void crash_domain(void)
{
    shutdown_domain(SHUTDOWN_crash);
}
