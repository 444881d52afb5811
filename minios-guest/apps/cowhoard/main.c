/* cowhoard: forks, keeps frames alive by extra read-only maps, forks again. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <minios/app.h>
#include <minios/clone.h>
#include <minios/hypercall.h>
#include <minios/mm.h>
#include <minios/os.h>
#include <minios/time.h>

/* Where a child maps its buffer's frames a second time, read-only. */
#define WINDOW (VMAP_START + (1UL << 30))
#define PTE_RO (_PAGE_PRESENT | _PAGE_ACCESSED)

static int usage(const char *bad)
{
    printf("cowhoard: bad argument '%s'\n", bad);
    printf("usage: cowhoard [pages=N] [rounds=R]\n"
           "  each round writes every page of an N-page buffer (default\n"
           "  1024), then forks; the child maps the buffer's frames a second\n"
           "  time read-only, writes the buffer (so only those maps keep the\n"
           "  shared frames alive) and holds them; up to R rounds (default\n"
           "  8, 1..32) or until a fork is refused. The family's shared\n"
           "  frames grow by about N a round: Xen must stop them at the\n"
           "  max_shared Dom0 set.\n");
    return 2;
}

/* What Xen says about this domain's family; 0 or -errno. */
static int family_info(struct xen_clone_info *info)
{
    memset(info, 0, sizeof(*info));
    info->domid = DOMID_SELF;
    return (int)hyp_clone_op(CLONEOP_get_info, info);
}

static void write_all(volatile uint8_t *buf, unsigned long n, uint8_t v)
{
    for (unsigned long i = 0; i < n; i++)
        buf[i << PAGE_SHIFT] = v;
}

/* A child of round k: extra read-only maps, then its own copies; holds. */
static __attribute__((noreturn)) void hold(volatile uint8_t *buf,
                                           unsigned long n, unsigned int k)
{
    struct xen_clone_info before, after;
    unsigned long mapped = 0;
    int rc = family_info(&before);

    for (unsigned long i = 0; i < n; i++)
        if (!map_frame(WINDOW + (i << PAGE_SHIFT),
                       virt_to_mfn((const void *)(buf + (i << PAGE_SHIFT))),
                       PTE_RO))
            mapped++;
    if (!rc)
        rc = family_info(&after);
    if (rc)
        printf("cowhoard: child %u: get_info: %s\n", k, strerror(-rc));
    else
        printf("cowhoard: child %u: %lu extra read-only maps; family "
               "shares %llu frames before, %llu after\n",
               k, mapped, (unsigned long long)before.nr_shared,
               (unsigned long long)after.nr_shared);
    /* Its own copies: the frames it shared stay alive by the maps only. */
    write_all(buf, n, 0x80 + k);
    printf("cowhoard: child %u: holding\n", k);
    for (;;)
        msleep(1000);
}

int main(int argc, char **argv)
{
    unsigned long n = 1024, rounds = 8;
    struct xen_clone_info info, after;
    volatile uint8_t *buf;
    const char *v;
    unsigned int k;
    pid_t pid;
    int err;

    for (int i = 1; i < argc; i++) {
        if (arg_value(argv[i], "pages", &v) && !parse_ulong(v, &n) && n >= 1 &&
            n <= 65536)
            continue;
        if (arg_value(argv[i], "rounds", &v) && !parse_ulong(v, &rounds) &&
            rounds >= 1 && rounds <= 32)
            continue;
        return usage(argv[i]);
    }

    buf = alloc_pages(n);
    if (!buf) {
        printf("cowhoard: no memory for %lu pages\n", n);
        return 1;
    }

    for (k = 1; k <= rounds; k++) {
        write_all(buf, n, k);
        if (family_info(&info)) {
            printf("cowhoard: get_info failed\n");
            return 1;
        }
        pid = fork();
        if (pid == 0)
            hold(buf, n, k);
        if (pid > 0) {
            family_info(&info);
            printf("cowhoard: round %u: fork ok (child %d); family shares "
                   "%llu of %llu frames, %u members\n",
                   k, pid, (unsigned long long)info.nr_shared,
                   (unsigned long long)info.max_shared, info.nr_family);
            msleep(500); /* let the child print its line */
            continue;
        }
        err = errno;
        family_info(&after);
        printf("cowhoard: round %u: fork refused: %s; family shares %llu "
               "of %llu frames (%llu before the fork), %u of %u members\n",
               k, strerror(err), (unsigned long long)after.nr_shared,
               (unsigned long long)after.max_shared,
               (unsigned long long)info.nr_shared, after.nr_family,
               after.max_family);
        printf("cowhoard: refused %s\n", err == ENOSPC ? "ENOSPC" : "other");
        printf("cowhoard: holding\n");
        for (;;)
            msleep(1000);
    }
    printf("cowhoard: all %lu rounds forked, nothing refused\n", rounds);
    printf("cowhoard: holding\n");
    for (;;)
        msleep(1000);
}
