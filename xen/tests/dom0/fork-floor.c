/* fork-floor: the floor a VM clone races: fork+exit+wait of a Dom0 process. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char usage_text[] =
    "Usage: fork-floor MB RUNS\n"
    "\n"
    "Allocate MB megabytes and write every page (as a guest would have\n"
    "touched its memory), then RUNS times: fork(), the child _exit(0)s at\n"
    "once, the parent waitpid()s for it. Prints one line per run:\n"
    "  fork_exit_wait_us N   from fork() until waitpid() returned\n"
    "Exit status: 0, 1 on a failed allocation or fork, 2 on bad usage.\n";

static long long now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
    unsigned long mb, runs;
    char *mem, *end1, *end2;

    if (argc == 2 && !strcmp(argv[1], "--help")) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (argc != 3) {
        fputs(usage_text, stderr);
        return 2;
    }
    mb = strtoul(argv[1], &end1, 10);
    runs = strtoul(argv[2], &end2, 10);
    if (*end1 || *end2 || end1 == argv[1] || end2 == argv[2] || !runs) {
        fputs(usage_text, stderr);
        return 2;
    }
    mem = malloc(mb << 20 ? mb << 20 : 1);
    if (!mem) {
        fprintf(stderr, "fork-floor: cannot allocate %lu MB\n", mb);
        return 1;
    }
    for (unsigned long i = 0; i < mb << 20; i += 4096)
        mem[i] = (char)i;
    for (unsigned long r = 0; r < runs; r++) {
        long long t0 = now_us();
        pid_t pid = fork();
        int st;

        if (pid < 0) {
            fprintf(stderr, "fork-floor: fork failed: %s\n", strerror(errno));
            return 1;
        }
        if (pid == 0)
            _exit(0);
        if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) {
            fprintf(stderr, "fork-floor: waitpid failed\n");
            return 1;
        }
        printf("fork_exit_wait_us %lld\n", now_us() - t0);
    }
    free(mem);
    return 0;
}
