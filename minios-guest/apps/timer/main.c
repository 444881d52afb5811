/* timer: sleeps N times M ms and checks that time moves as it should. */
#include <stdio.h>
#include <minios/app.h>
#include <minios/time.h>

/* 2020-01-01 in ns since the epoch: any sane wall clock is later. */
#define Y2020_NS (1577836800ULL * NSEC_PER_SEC)

static int usage(const char *bad)
{
    printf("timer: bad argument '%s'\n", bad);
    printf("usage: timer [n=N] [ms=M]   (N sleeps of M ms; 1..1000 each,"
           " default 5 x 200)\n");
    return 2;
}

int main(int argc, char **argv)
{
    unsigned long n = 5, ms = 200, ticks0 = timer_ticks();
    uint64_t wall0 = wallclock_ns(), start = monotonic_ns();
    const char *v;
    int failed = 0;

    for (int i = 1; i < argc; i++) {
        unsigned long *dst = arg_value(argv[i], "n", &v)    ? &n
                             : arg_value(argv[i], "ms", &v) ? &ms
                                                            : NULL;
        if (!dst || parse_ulong(v, dst) < 0 || *dst < 1 || *dst > 1000)
            return usage(argv[i]);
    }
    if (wall0 < Y2020_NS) {
        printf("timer: wall clock is before 2020 (%lu s)\n",
               (unsigned long)(wall0 / NSEC_PER_SEC));
        failed = 1;
    }
    for (unsigned long i = 1; i <= n; i++) {
        uint64_t t0 = monotonic_ns();
        msleep(ms);
        uint64_t t1 = monotonic_ns();
        unsigned long us = (t1 - t0) / NSEC_PER_USEC;
        printf("timer: sleep %lu of %lu: %lu.%03lu ms\n", i, n, us / 1000,
               us % 1000);
        if (t1 - t0 < ms * NSEC_PER_MSEC) {
            printf("timer: woke up early (asked for %lu ms)\n", ms);
            failed = 1;
        }
    }
    uint64_t elapsed = monotonic_ns() - start;
    uint64_t wall = wallclock_ns() - wall0;
    printf("timer: %lu timer events, %lu ms system time, %lu ms wall clock\n",
           timer_ticks() - ticks0, (unsigned long)(elapsed / NSEC_PER_MSEC),
           (unsigned long)(wall / NSEC_PER_MSEC));
    if (timer_ticks() == ticks0) {
        printf("timer: no timer event arrived\n");
        failed = 1;
    }
    if (wall < n * ms * NSEC_PER_MSEC) {
        printf("timer: wall clock did not move with system time\n");
        failed = 1;
    }
    printf("timer: %s\n", failed ? "FAILED" : "ok");
    return failed;
}
