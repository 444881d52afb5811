/* stdio.h: formatted output to strings and to the guest console. */
#ifndef MINIOS_STDIO_H
#define MINIOS_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int puts(const char *s);
int putchar(int c);

/* Rename a file or directory of the 9pfs share: 0, or -1 with errno. */
int rename(const char *from, const char *to);

#endif
