/* stdio.c: printf and friends on the guest console. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <minios/console.h>

int vprintf(const char *fmt, va_list ap)
{
    char buf[512];
    va_list copy;
    int n;

    va_copy(copy, ap);
    n = vsnprintf(buf, sizeof(buf), fmt, copy);
    va_end(copy);
    if (n < (int)sizeof(buf)) {
        console_write(buf, n);
        return n;
    }
    /* Longer than the stack buffer: format into the heap. */
    char *big = NULL;
    big = malloc(n + 1);
    if (!big) {
        console_write(buf, sizeof(buf) - 1);
        return n;
    }
    vsnprintf(big, n + 1, fmt, ap);
    console_write(big, n);
    free(big);
    return n;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int puts(const char *s)
{
    console_write(s, strlen(s));
    console_write("\n", 1);
    return 0;
}

int putchar(int c)
{
    char ch = (char)c;

    console_write(&ch, 1);
    return (unsigned char)c;
}
