/* forkbench: time fork() + exit + wait of this guest, after touching M MB. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <minios/app.h>
#include <minios/mm.h>
#include <minios/time.h>

#define CHUNK (1UL << 20)

static int usage(const char *bad)
{
    printf("forkbench: bad argument '%s'\n", bad);
    printf("usage: forkbench [runs=R] [mb=M]   (R >= 1 forks, default 5;\n"
           "  M MB written before the first fork, default 1)\n");
    return 2;
}

int main(int argc, char **argv)
{
    unsigned long runs = 5, mb = 1;
    const char *v;

    for (int i = 1; i < argc; i++) {
        if (arg_value(argv[i], "runs", &v)) {
            if (parse_ulong(v, &runs) < 0 || runs == 0)
                return usage(argv[i]);
        } else if (arg_value(argv[i], "mb", &v)) {
            if (parse_ulong(v, &mb) < 0 || mb > (nr_ram_pages >> 8))
                return usage(argv[i]);
        } else {
            return usage(argv[i]);
        }
    }
    for (unsigned long c = 0; c < mb; c++) {
        char *p = malloc(CHUNK);

        if (!p) {
            printf("forkbench: out of memory after %lu of %lu MB\n", c, mb);
            return 1;
        }
        memset(p, (int)c, CHUNK);
    }
    printf("forkbench: %lu MB written, %lu runs\n", mb, runs);
    for (unsigned long r = 1; r <= runs; r++) {
        uint64_t t0 = monotonic_ns(), t1, t2;
        int status;
        pid_t pid = fork();

        if (pid < 0) {
            printf("forkbench: fork failed: %s\n", strerror(errno));
            return 1;
        }
        if (pid == 0)
            exit(0);
        t1 = monotonic_ns();
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
            printf("forkbench: waitpid(%d) failed: %s\n", pid, strerror(errno));
            return 1;
        }
        t2 = monotonic_ns();
        printf("forkbench: run %lu fork_us %lu fork_exit_wait_us %lu\n", r,
               (unsigned long)((t1 - t0) / 1000),
               (unsigned long)((t2 - t0) / 1000));
    }
    printf("forkbench: done\n");
    return 0;
}
