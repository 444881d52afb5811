/* boottime.c: Dom0 helper: time from running a command (xl create) to the
 * first complete line in a guest's console log. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char usage_text[] =
    "Usage: minios-boottime [--timeout SECS] [--match TEXT] LOG -- COMMAND "
    "[ARG...]\n"
    "\n"
    "Remove LOG (a guest console log written by xenconsoled), run COMMAND\n"
    "(typically 'xl create ...') and watch LOG until it holds a complete\n"
    "line. Prints, in milliseconds:\n"
    "  first_line_ms N   from starting COMMAND to the first line in LOG\n"
    "  match_ms N        (with --match) until LOG contains TEXT\n"
    "  command_ms N      how long COMMAND itself ran\n"
    "Exit status: 0 on success, 1 if COMMAND failed or no line appeared\n"
    "within the timeout (default 60 s), 2 on bad usage.\n";

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Whether LOG holds a newline (*LINE) and TEXT (*MATCH), if not yet. */
static void scan(const char *path, const char *text, int *line, int *match)
{
    static char buf[1 << 16];
    int fd = open(path, O_RDONLY);
    ssize_t n;

    if (fd < 0)
        return;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return;
    buf[n] = '\0';
    if (memchr(buf, '\n', n))
        *line = 1;
    if (text && strstr(buf, text))
        *match = 1;
}

int main(int argc, char **argv)
{
    double timeout_ms = 60000, t0, t_line = -1, t_cmd = -1, t_match = -1;
    const char *log, *text = NULL;
    int i = 1, status = 0;
    pid_t pid;

    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs(usage_text, stdout);
        return 0;
    }
    while (argc - i > 1 && argv[i][0] == '-' && argv[i][1] == '-' &&
           argv[i][2]) {
        if (!strcmp(argv[i], "--timeout")) {
            char *end;
            timeout_ms = strtod(argv[i + 1], &end) * 1000;
            if (*end || timeout_ms <= 0) {
                fprintf(stderr, "minios-boottime: bad timeout '%s'\n",
                        argv[i + 1]);
                return 2;
            }
        } else if (!strcmp(argv[i], "--match")) {
            text = argv[i + 1];
        } else {
            fprintf(stderr, "minios-boottime: unknown option '%s'\n%s", argv[i],
                    usage_text);
            return 2;
        }
        i += 2;
    }
    if (argc - i < 3 || strcmp(argv[i + 1], "--")) {
        fputs(usage_text, stderr);
        return 2;
    }
    log = argv[i];
    if (unlink(log) < 0 && errno != ENOENT) {
        fprintf(stderr, "minios-boottime: cannot remove %s: %s\n", log,
                strerror(errno));
        return 1;
    }
    t0 = now_ms();
    pid = fork();
    if (pid < 0) {
        perror("minios-boottime: fork");
        return 1;
    }
    if (pid == 0) {
        execvp(argv[i + 2], argv + i + 2);
        fprintf(stderr, "minios-boottime: cannot run %s: %s\n", argv[i + 2],
                strerror(errno));
        _exit(127);
    }
    while (t_line < 0 || t_cmd < 0 || (text && t_match < 0)) {
        int line = t_line >= 0, match = t_match >= 0;
        if (t_cmd < 0 && waitpid(pid, &status, WNOHANG) == pid)
            t_cmd = now_ms();
        scan(log, text, &line, &match);
        if (line && t_line < 0)
            t_line = now_ms();
        if (match && t_match < 0)
            t_match = now_ms();
        if (now_ms() - t0 > timeout_ms)
            break;
        usleep(500);
    }
    if (t_cmd < 0) {
        fprintf(stderr, "minios-boottime: command still running\n");
        return 1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status)) {
        fprintf(stderr, "minios-boottime: command failed\n");
        return 1;
    }
    if (t_line < 0) {
        fprintf(stderr, "minios-boottime: no console line in %s\n", log);
        return 1;
    }
    if (text && t_match < 0) {
        fprintf(stderr, "minios-boottime: '%s' never appeared in %s\n", text,
                log);
        return 1;
    }
    printf("first_line_ms %.1f\ncommand_ms %.1f\n", t_line - t0, t_cmd - t0);
    if (text)
        printf("match_ms %.1f\n", t_match - t0);
    return 0;
}
