/* assert.h: assert() prints the failed expression and crashes the guest. */
#ifndef MINIOS_ASSERT_H
#define MINIOS_ASSERT_H

__attribute__((noreturn)) void __assert_fail(const char *expr, const char *file,
                                             int line, const char *func);

#ifdef NDEBUG
#define assert(e) ((void)0)
#else
#define assert(e)                                                              \
    ((e) ? (void)0 : __assert_fail(#e, __FILE__, __LINE__, __func__))
#endif

#endif
