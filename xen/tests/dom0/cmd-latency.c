/* cmd-latency: run a command every 20 ms until SIGTERM/SIGINT and print
 * each run's latency in ms (a benchmark probe: xen/bench/latency.sh). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static double now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    struct sigaction sa = {.sa_handler = on_signal};
    unsigned long runs = 0;

    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fprintf(argc < 2 ? stderr : stdout,
                "usage: cmd-latency CMD [ARG...]\n"
                "  run CMD (its output discarded), then pause 20 ms, until "
                "SIGTERM or\n  SIGINT; print one line per run: its latency "
                "in ms. Exit 1 if a run failed.\n");
        return argc < 2 ? 2 : 0;
    }
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    setvbuf(stdout, NULL, _IOLBF, 0);
    while (!stop) {
        double t0 = now_ms();
        pid_t pid = fork();
        int status;

        if (pid < 0) {
            fprintf(stderr, "cmd-latency: fork: %s\n", strerror(errno));
            return 1;
        }
        if (pid == 0) {
            if (!freopen("/dev/null", "w", stdout) ||
                !freopen("/dev/null", "w", stderr))
                _exit(127);
            execvp(argv[1], argv + 1);
            _exit(127);
        }
        while (waitpid(pid, &status, 0) < 0)
            if (errno != EINTR) {
                fprintf(stderr, "cmd-latency: waitpid: %s\n",
                        strerror(errno));
                return 1;
            }
        if (!WIFEXITED(status) || WEXITSTATUS(status)) {
            fprintf(stderr, "cmd-latency: %s failed (status %d)\n", argv[1],
                    status);
            return 1;
        }
        printf("%.3f\n", now_ms() - t0);
        runs++;
        nanosleep(&(struct timespec){.tv_nsec = 20000000}, NULL);
    }
    fprintf(stderr, "cmd-latency: %lu runs of %s\n", runs, argv[1]);
    return 0;
}
