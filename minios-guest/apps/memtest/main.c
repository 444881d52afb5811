/* memtest: allocate N MB, write and check a pattern, free it again. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <minios/app.h>
#include <minios/mm.h>

#define CHUNK (1UL << 20)

static int usage(const char *bad)
{
    printf("memtest: bad argument '%s'\n", bad);
    printf("usage: memtest [mb=N]   (N >= 1: megabytes to test, default 1)\n");
    return 2;
}

static uint64_t pattern(const void *addr, unsigned int pass)
{
    uint64_t x = (uintptr_t)addr * 0x9e3779b97f4a7c15ULL;

    return pass ? ~x : x;
}

int main(int argc, char **argv)
{
    unsigned long mb = 1, done = 0, bad = 0;
    const char *v;
    void **chunks;
    int rc = 0;

    for (int i = 1; i < argc; i++) {
        if (!arg_value(argv[i], "mb", &v) || parse_ulong(v, &mb) < 0 || mb == 0)
            return usage(argv[i]);
    }
    printf("memtest: testing %lu MB (%lu MB of RAM, %lu pages free)\n", mb,
           nr_ram_pages >> 8, free_page_count());
    chunks = calloc(mb, sizeof(void *));
    if (!chunks) {
        printf("memtest: cannot allocate the chunk table\n");
        return 1;
    }
    for (; done < mb; done++) {
        chunks[done] = malloc(CHUNK);
        if (!chunks[done])
            break;
    }
    if (done < mb) {
        printf("memtest: out of memory after %lu of %lu MB (%lu pages free)\n",
               done, mb, free_page_count());
        rc = 1;
        goto out;
    }
    for (unsigned int pass = 0; pass < 2; pass++) {
        for (unsigned long c = 0; c < mb; c++) {
            uint64_t *w = chunks[c];
            for (unsigned long i = 0; i < CHUNK / 8; i++)
                w[i] = pattern(&w[i], pass);
        }
        for (unsigned long c = 0; c < mb; c++) {
            uint64_t *w = chunks[c];
            for (unsigned long i = 0; i < CHUNK / 8; i++) {
                if (w[i] != pattern(&w[i], pass) && bad++ < 10)
                    printf("memtest: mismatch at %p: %#lx\n", (void *)&w[i],
                           (unsigned long)w[i]);
            }
        }
    }
    if (bad) {
        printf("memtest: %lu bad words in %lu MB\n", bad, mb);
        rc = 1;
    } else {
        printf("memtest: %lu MB ok\n", mb);
    }
out:
    for (unsigned long c = 0; c < done; c++)
        free(chunks[c]);
    free(chunks);
    return rc;
}
