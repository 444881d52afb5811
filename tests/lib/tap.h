/* tap.h: a minimal TAP producer for the C host unit tests. */
#ifndef XEN_CLONE_TEST_TAP_H
#define XEN_CLONE_TEST_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed, tap_planned = -1;

#define TAP_UNUSED __attribute__((unused))

TAP_UNUSED static void plan(int n)
{
    tap_planned = n;
    printf("1..%d\n", n);
}

TAP_UNUSED static int ok(int cond, const char *fmt, ...)
{
    va_list ap;

    tap_n++;
    printf("%sok %d - ", cond ? "" : "not ", tap_n);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    if (!cond)
        tap_failed++;
    return cond;
}

TAP_UNUSED static int is_int(long long got, long long want, const char *name)
{
    if (!ok(got == want, "%s", name))
        printf("#   got %lld, expected %lld\n", got, want);
    return got == want;
}

TAP_UNUSED static int is_str(const char *got, const char *want,
                             const char *name)
{
    int same = got && want ? !strcmp(got, want) : got == want;

    if (!ok(same, "%s", name))
        printf("#   got '%s', expected '%s'\n", got ? got : "(null)",
               want ? want : "(null)");
    return same;
}

/* A comment line in the TAP stream. */
#define diag(...)                                                              \
    do {                                                                       \
        printf("# ");                                                          \
        printf(__VA_ARGS__);                                                   \
        putchar('\n');                                                         \
    } while (0)

TAP_UNUSED static int done_testing(void)
{
    if (tap_planned < 0)
        printf("1..%d\n", tap_n);
    if (tap_planned >= 0 && tap_planned != tap_n) {
        printf("# planned %d tests but ran %d\n", tap_planned, tap_n);
        return 254;
    }
    if (tap_failed)
        printf("# failed %d of %d\n", tap_failed, tap_n);
    return tap_failed ? 1 : 0;
}

#endif
