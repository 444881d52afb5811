/* forktest: fork N children that check and overwrite M MB of shared memory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <minios/app.h>
#include <minios/clone.h>
#include <minios/mm.h>
#include <minios/os.h>

#define CHUNK    (1UL << 20)
#define MAX_KIDS XEN_CLONE_MAX_BATCH

static int usage(const char *bad)
{
    printf("forktest: bad argument '%s'\n", bad);
    printf("usage: forktest [children=N] [mb=M] [mode=clone|fork]\n"
           "  N: 1..%d children (default 1); M: megabytes the parent fills\n"
           "  and every child checks and overwrites (default 1, 0 allowed);\n"
           "  clone: one clone(N) call (default); fork: N fork() calls\n",
           MAX_KIDS);
    return 2;
}

/* The word at addr as written by domain number who (0: the parent). */
static uint64_t pattern(const void *addr, unsigned int who)
{
    return ((uintptr_t)addr * 0x9e3779b97f4a7c15ULL) ^
           ((uint64_t)who * 0xc2b2ae3d27d4eb4fULL);
}

static void fill(void **chunks, unsigned long mb, unsigned int who)
{
    for (unsigned long c = 0; c < mb; c++) {
        uint64_t *w = chunks[c];
        for (unsigned long i = 0; i < CHUNK / 8; i++)
            w[i] = pattern(&w[i], who);
    }
}

/* The number of words that do not hold who's pattern (a few printed). */
static unsigned long check(void **chunks, unsigned long mb, unsigned int who,
                           const char *what)
{
    unsigned long bad = 0;

    for (unsigned long c = 0; c < mb; c++) {
        const uint64_t *w = chunks[c];
        for (unsigned long i = 0; i < CHUNK / 8; i++)
            if (w[i] != pattern(&w[i], who) && bad++ < 5)
                printf("forktest: %s: word at %p is %#lx\n", what,
                       (const void *)&w[i], (unsigned long)w[i]);
    }
    return bad;
}

/*
 * Each clone has a private start_info naming its own rings: the MFNs in it
 * are the ones its own P2M has for the rings' PFNs.
 */
static int own_start_info(void)
{
    unsigned long store = start_info->store_mfn;
    unsigned long cons = start_info->console.domU.mfn;

    return pfn_to_mfn(mfn_to_pfn(store)) == store &&
           pfn_to_mfn(mfn_to_pfn(cons)) == cons;
}

/* Child k (1-based): the parent's data, then its own, then exit(k). */
static int child(unsigned int k, void **chunks, unsigned long mb)
{
    unsigned long bad = check(chunks, mb, 0, "parent's pattern in child");

    if (!own_start_info()) {
        printf("child %u domid %d: start_info names rings that are not its "
               "own (store mfn %#lx, console mfn %#lx)\n",
               k, getpid(), (unsigned long)start_info->store_mfn,
               (unsigned long)start_info->console.domU.mfn);
        return 100 + k;
    }
    if (bad) {
        printf("child %u domid %d: %lu words of the parent's pattern wrong\n",
               k, getpid(), bad);
        return 100 + k;
    }
    fill(chunks, mb, k);
    bad = check(chunks, mb, k, "child's own pattern");
    if (bad) {
        printf("child %u domid %d: %lu words of its own pattern wrong\n", k,
               getpid(), bad);
        return 100 + k;
    }
    printf("child %u domid %d ok\n", k, getpid());
    return k;
}

int main(int argc, char **argv)
{
    unsigned long n = 1, mb = 1, done = 0, bad;
    domid_t kids[MAX_KIDS];
    unsigned int seen[MAX_KIDS] = {0};
    int use_fork = 0, rc = 0;
    const char *v;
    void **chunks;

    for (int i = 1; i < argc; i++) {
        if (arg_value(argv[i], "children", &v)) {
            if (parse_ulong(v, &n) < 0 || n < 1 || n > MAX_KIDS)
                return usage(argv[i]);
        } else if (arg_value(argv[i], "mb", &v)) {
            if (parse_ulong(v, &mb) < 0 || mb > (nr_ram_pages >> 8))
                return usage(argv[i]);
        } else if (arg_value(argv[i], "mode", &v)) {
            if (!strcmp(v, "fork"))
                use_fork = 1;
            else if (strcmp(v, "clone"))
                return usage(argv[i]);
        } else {
            return usage(argv[i]);
        }
    }

    chunks = calloc(mb ? mb : 1, sizeof(void *));
    for (; chunks && done < mb; done++)
        if (!(chunks[done] = malloc(CHUNK)))
            break;
    if (!chunks || done < mb) {
        printf("forktest: out of memory after %lu of %lu MB\n", done, mb);
        return 1;
    }
    fill(chunks, mb, 0);
    printf("forktest: parent domid %d filled %lu MB, forking %lu "
           "children (%s)\n",
           getpid(), mb, n, use_fork ? "fork" : "clone");

    if (use_fork) {
        for (unsigned long k = 1; k <= n; k++) {
            pid_t pid = fork();

            if (pid < 0) {
                printf("forktest: fork %lu failed: %s\n", k, strerror(errno));
                return 1;
            }
            if (pid == 0)
                return child(k, chunks, mb);
            kids[k - 1] = pid;
        }
    } else {
        int r = clone(n, kids);

        if (r < 0) {
            printf("forktest: clone(%lu) failed: %s\n", n, strerror(-r));
            return 1;
        }
        if (r > 0)
            return child(r, chunks, mb);
    }
    for (unsigned long k = 0; k < n; k++)
        printf("forktest: child %lu is domid %u\n", k + 1, kids[k]);

    /* Collect every child: each must have exited with its own number. */
    for (unsigned long left = n; left > 0; left--) {
        int status;
        pid_t pid = wait(&status);
        unsigned long k;

        if (pid < 0) {
            printf("forktest: wait failed with %lu children left: %s\n", left,
                   strerror(errno));
            return 1;
        }
        for (k = 0; k < n && kids[k] != pid; k++)
            ;
        if (k == n || seen[k]++) {
            printf("forktest: wait returned domid %d, not a child (or twice)\n",
                   pid);
            rc = 1;
            continue;
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != k + 1) {
            printf("forktest: child %lu (domid %d) ended with status %#x, "
                   "expected exit %lu\n",
                   k + 1, pid, status, k + 1);
            rc = 1;
            continue;
        }
        printf("forktest: child %lu (domid %d) exited %d\n", k + 1, pid,
               WEXITSTATUS(status));
    }
    if (wait(NULL) != -1 || errno != ECHILD) {
        printf("forktest: wait after the last child did not fail with "
               "ECHILD\n");
        rc = 1;
    }
    bad = check(chunks, mb, 0, "parent's pattern in parent");
    if (bad) {
        printf("forktest: %lu words of the parent's pattern changed\n", bad);
        return 1;
    }
    if (!rc)
        printf("parent ok\n");
    return rc;
}
