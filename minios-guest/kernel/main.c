/* main.c: start_kernel(): bring the guest up, run the app, shut down. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <minios/os.h>
#include <minios/mm.h>
#include <minios/app.h>
#include <minios/clone.h>
#include <minios/console.h>
#include <minios/driver.h>
#include <minios/events.h>
#include <minios/hypercall.h>
#include <minios/sched.h>
#include <minios/time.h>
#include <minios/traps.h>

#define MAX_ARGS 64

start_info_t *start_info;
shared_info_t *shared_info;

void mm_init_early(unsigned long boot_stack_top);
void mm_map_shared_info(void);

static char cmdline[MAX_GUEST_CMDLINE];
static char *argv[MAX_ARGS + 2];

void exit(int status)
{
    printf("exit %d\n", status);
    /* A forked child ends like a process: its parent collects N. */
    if (clone_is_child())
        clone_exit(status);
    if (status == 0)
        poweroff();
    crash_domain();
}

void abort(void)
{
    crash("abort() called");
}

void __assert_fail(const char *expr, const char *file, int line,
                   const char *func)
{
    printf("assertion failed: %s (%s:%d, %s)\n", expr, file, line, func);
    crash("assertion failed");
}

static int check_hypercall_page(void)
{
    /* head.S fills the page with int3; Xen must have replaced it. */
    return (unsigned char)hypercall_page[0] != 0xcc;
}

void start_kernel(start_info_t *si, unsigned long boot_stack_top)
{
    uint64_t t0;
    int argc;

    start_info = si;
    if (!check_hypercall_page())
        for (;;)
            ; /* no way to report anything without hypercalls */
    console_init();
    traps_init();
    mm_init_early(boot_stack_top);
    mm_map_shared_info();
    t0 = monotonic_ns();
    printf("minios: %s booting (%s, %lu pages)\n", minios_app_name, si->magic,
           si->nr_pages);
    events_init();
    mm_init();
    time_init();
    local_irq_enable();
    drivers_init(); /* gnttab, xenbus, ... (include/minios/driver.h) */

    strlcpy(cmdline, (const char *)si->cmd_line, sizeof(cmdline));
    argv[0] = (char *)minios_app_name;
    argc = args_split(cmdline, argv + 1, MAX_ARGS);
    if (argc < 0) {
        printf("%s: bad command line '%s': %s\n", minios_app_name,
               (const char *)si->cmd_line,
               argc == -E2BIG ? "too many arguments" : "unterminated quote");
        exit(2);
    }
    argv[argc + 1] = NULL;
    printf("minios: up in %lu us, running %s\n",
           (unsigned long)((monotonic_ns() - t0) / 1000), minios_app_name);
    exit(main(argc + 1, argv));
}
