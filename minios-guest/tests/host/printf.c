/* printf.c: our vsnprintf against glibc's snprintf on a table of formats. */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "tap.h"

int mos_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Same format and arguments through both; compare text and return. */
#define SAME(fmt, ...)                                                         \
    do {                                                                       \
        char want[256], got[256];                                              \
        int rw = snprintf(want, sizeof(want), fmt, ##__VA_ARGS__);             \
        int rg = mos_snprintf(got, sizeof(got), fmt, ##__VA_ARGS__);           \
        if (!ok(rw == rg && !strcmp(want, got), "\"%s\" (%s)", fmt,            \
                #__VA_ARGS__))                                                 \
            diag("glibc: [%s] %d, ours: [%s] %d", want, rw, got, rg);          \
    } while (0)

/* Truncation to SIZE bytes: same return, same (terminated) prefix. */
static void truncated(size_t size)
{
    char want[16], got[16];
    int rw, rg;

    memset(want, 'X', sizeof(want));
    memset(got, 'X', sizeof(got));
    rw = snprintf(want, size, "%s=%d", "value", 12345);
    rg = mos_snprintf(got, size, "%s=%d", "value", 12345);
    ok(rw == rg && !memcmp(want, got, sizeof(want)),
       "truncation to %zu bytes: same return and bytes", size);
}

int main(void)
{
    SAME("plain text");
    SAME("%%");
    SAME("%d", 0);
    SAME("%d", 42);
    SAME("%d", -42);
    SAME("%i", INT_MAX);
    SAME("%d", INT_MIN);
    SAME("%u", UINT_MAX);
    SAME("%5d|%-5d|%05d", 42, 42, 42);
    SAME("%+d % d %+d % d", 5, 5, -5, -5);
    SAME("%.3d|%.0d|%.0d|%5.3d", 7, 0, 1, -7);
    SAME("%-+8.4d|", 33);
    SAME("%08.3d|", 33);
    SAME("%x %X %o", 0xbeefU, 0xbeefU, 0755U);
    SAME("%#x %#X %#o", 0xbeefU, 0xbeefU, 0755U);
    SAME("%#x %#o %#.0o", 0U, 0U, 0U);
    SAME("%#10x|%-#10x|%#010x", 0xabcU, 0xabcU, 0xabcU);
    SAME("%#.5o|%#5o", 8U, 8U);
    SAME("%ld %lu %lx", LONG_MIN, ULONG_MAX, ULONG_MAX);
    SAME("%lld %llu", LLONG_MIN, ULLONG_MAX);
    SAME("%hd %hu %hhd %hhu", -1, 65535, -1, 255);
    SAME("%hd %hhu", 70000, 300);
    SAME("%zu %zd %zx", (size_t)123, (ssize_t)-5, (size_t)0xfff);
    SAME("%td %jd %ju", (ptrdiff_t)-9, (intmax_t)INT64_MIN,
         (uintmax_t)UINT64_MAX);
    SAME("%c%c%c", 'a', 'b', 'c');
    SAME("[%3c][%-3c]", 'x', 'y');
    SAME("%s", "string");
    SAME("[%10s][%-10s]", "right", "left");
    SAME("[%.3s][%10.2s][%-6.1s]", "abcdef", "abcdef", "abcdef");
    SAME("%s", "");
    SAME("[%*d][%-*d][%*d]", 6, 1, 6, 2, -6, 3);
    SAME("[%.*s][%.*d]", 2, "xyz", 4, 5);
    SAME("[%.*d]", -1, 5);
    SAME("%p", (void *)0x1234);
    SAME("%p", (void *)0xffff800000000000);
    SAME("[%20p][%-20p]", (void *)0xabc, (void *)0xabc);
    SAME("%p", (void *)NULL);
    SAME("[%10p]", (void *)NULL);
    SAME("%d%s%x%c%u", 1, "two", 3U, '4', 5U);
    SAME("counter %u: %lu", 7U, 123456UL);
    SAME("%016lx", 0xdeadbeefUL);
    for (size_t size = 0; size <= 12; size += 3)
        truncated(size);
    return done_testing();
}
