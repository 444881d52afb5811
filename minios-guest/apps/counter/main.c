/* counter: prints "counter D: k" once a second, forever (or max=N times). */
#include <stdio.h>
#include <minios/app.h>
#include <minios/time.h>

static int usage(const char *bad)
{
    printf("counter: bad argument '%s'\n", bad);
    printf("usage: counter [max=N]   (stop after N lines; default: never)\n");
    return 2;
}

int main(int argc, char **argv)
{
    unsigned long max = 0;
    const char *v;
    uint64_t next = monotonic_ns();

    for (int i = 1; i < argc; i++) {
        if (!arg_value(argv[i], "max", &v) || parse_ulong(v, &max) < 0 ||
            max == 0)
            return usage(argv[i]);
    }
    for (unsigned long k = 0; !max || k < max; k++) {
        /* The domid is read each time: a clone prints its own. */
        printf("counter %u: %lu\n", xen_domid(), k);
        next += NSEC_PER_SEC;
        sleep_until(next);
    }
    return 0;
}
