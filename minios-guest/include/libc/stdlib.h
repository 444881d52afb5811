/* stdlib.h: memory, number parsing, exit/abort of the one app. */
#ifndef MINIOS_STDLIB_H
#define MINIOS_STDLIB_H

#include <stddef.h>

void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);

unsigned long strtoul(const char *s, char **end, int base);
long strtol(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);
long long strtoll(const char *s, char **end, int base);
int atoi(const char *s);

/* End the app: prints "exit N", then poweroff (N == 0) or crash. */
__attribute__((noreturn)) void exit(int status);
__attribute__((noreturn)) void abort(void);

#endif
