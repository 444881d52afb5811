/* crash: crash on purpose (page fault by default) to show the report. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <minios/app.h>

#define UNMAPPED ((volatile unsigned long *)0x00007f0000000000UL)

static int usage(const char *bad)
{
    printf("crash: bad argument '%s'\n", bad);
    printf("usage: crash [kind=pagefault|ud2|assert|abort]\n");
    return 2;
}

/* Not inlined, so the backtrace shows a few frames. */
__attribute__((noinline)) static void fault(const char *kind)
{
    if (!strcmp(kind, "pagefault")) {
        printf("crash: writing to unmapped address %p\n", (void *)UNMAPPED);
        *UNMAPPED = 0xdead;
    } else if (!strcmp(kind, "ud2")) {
        printf("crash: executing ud2\n");
        asm volatile("ud2");
    } else if (!strcmp(kind, "assert")) {
        printf("crash: failing an assertion\n");
        assert(kind == NULL);
    } else {
        printf("crash: calling abort()\n");
        abort();
    }
}

int main(int argc, char **argv)
{
    const char *kind = "pagefault";

    for (int i = 1; i < argc; i++) {
        if (!arg_value(argv[i], "kind", &kind) ||
            (strcmp(kind, "pagefault") && strcmp(kind, "ud2") &&
             strcmp(kind, "assert") && strcmp(kind, "abort")))
            return usage(argv[i]);
    }
    fault(kind);
    printf("crash: still alive after '%s'?\n", kind);
    return 1;
}
