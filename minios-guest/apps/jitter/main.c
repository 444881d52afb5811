/* jitter: wakes every P ms on Xen's timer and prints, each second, how late
 * its wake-ups were (the latency a timer-driven guest sees). */
#include <stdio.h>
#include <minios/app.h>
#include <minios/time.h>

static int usage(const char *bad)
{
    printf("jitter: bad argument '%s'\n", bad);
    printf("usage: jitter [period=P] [max=N]\n"
           "  wake every P ms (1..1000, default 10); each second print\n"
           "  'jitter W: wakeups K late max_us M mean_us A'; stop after N\n"
           "  seconds (default: never)\n");
    return 2;
}

int main(int argc, char **argv)
{
    unsigned long period = 10, max = 0;
    const char *v;

    for (int i = 1; i < argc; i++) {
        unsigned long *dst = arg_value(argv[i], "period", &v) ? &period
                             : arg_value(argv[i], "max", &v)  ? &max
                                                              : NULL;
        if (!dst || parse_ulong(v, dst) < 0 || *dst < 1 ||
            (dst == &period && *dst > 1000))
            return usage(argv[i]);
    }

    uint64_t step = period * NSEC_PER_MSEC, next = monotonic_ns() + step;
    for (unsigned long w = 0; !max || w < max; w++) {
        uint64_t end = next + NSEC_PER_SEC, worst = 0, sum = 0;
        unsigned long k = 0;

        while (next < end) {
            sleep_until(next);
            uint64_t late = monotonic_ns() - next;
            worst = late > worst ? late : worst;
            sum += late;
            k++;
            next += step;
            /* After a stall, the periods missed are not woken for: the
             * one late wake-up counted them. */
            for (uint64_t now = monotonic_ns(); next <= now;)
                next += step;
        }
        printf("jitter %lu: wakeups %lu late max_us %lu mean_us %lu\n", w, k,
               (unsigned long)(worst / NSEC_PER_USEC),
               (unsigned long)(sum / k / NSEC_PER_USEC));
    }
    return 0;
}
