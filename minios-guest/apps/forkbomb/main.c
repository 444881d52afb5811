/* forkbomb: forks a chain or a crowd of clones until Xen says no. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <minios/app.h>
#include <minios/clone.h>
#include <minios/time.h>

/* How a chain ended, as the exit status its last member passes up. */
#define END_EMLINK 1   /* + generation: fork refused with EMLINK */
#define END_ENOSPC 100 /* + generation: fork refused with ENOSPC */
#define END_OTHER  200 /* fork failed otherwise */
#define END_MAX    250 /* max reached: nothing refused it */

static int usage(const char *bad)
{
    printf("forkbomb: bad argument '%s'\n", bad);
    printf("usage: forkbomb [mode=chain|wide] [max=N] [hold=S]\n"
           "  chain: each clone forks the next, until fork fails (default)\n"
           "  wide: the original forks clones that live S seconds (default\n"
           "  20), until fork fails; max: stop after N forks (1..90, default\n"
           "  40) if nothing refuses one\n");
    return 2;
}

static const char *end_name(int end)
{
    if (end == END_MAX)
        return "nothing refused a fork";
    if (end >= END_OTHER)
        return "fork failed otherwise";
    return end >= END_ENOSPC ? "ENOSPC" : "EMLINK";
}

/* Each generation forks the next and passes its end up; 0 returns it. */
static int chain(unsigned long max)
{
    unsigned int gen = 0;
    int status, end;
    pid_t pid;

    for (;;) {
        if (gen >= max)
            exit(gen ? END_MAX : 0);
        pid = fork();
        if (pid == 0) {
            gen++;
            continue;
        }
        if (pid < 0) {
            printf("forkbomb: generation %u: fork failed: %s\n", gen,
                   strerror(errno));
            end = errno == EMLINK   ? END_EMLINK + (int)gen
                  : errno == ENOSPC ? END_ENOSPC + (int)gen
                                    : END_OTHER;
            if (gen)
                exit(end);
            return end;
        }
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
            end = END_OTHER;
        else
            end = WEXITSTATUS(status);
        if (gen)
            exit(end);
        return end;
    }
}

static int wide(unsigned long max, unsigned long hold)
{
    unsigned int made = 0;
    int status, err = 0;
    pid_t pid;

    while (made < max) {
        pid = fork();
        if (pid == 0) {
            msleep(hold * 1000);
            exit(0);
        }
        if (pid < 0) {
            err = errno;
            break;
        }
        made++;
    }
    printf("forkbomb: wide: %u clones made, then %s\n", made,
           err ? strerror(err) : "max reached");
    while (wait(&status) > 0)
        ;
    return err == ENOSPC   ? END_ENOSPC
           : err == EMLINK ? END_EMLINK
           : err           ? END_OTHER
                           : END_MAX;
}

int main(int argc, char **argv)
{
    unsigned long max = 40, hold = 20;
    const char *v, *mode = "chain";
    int end;

    for (int i = 1; i < argc; i++) {
        if (arg_value(argv[i], "mode", &v) &&
            (!strcmp(v, "chain") || !strcmp(v, "wide")))
            mode = v;
        else if (arg_value(argv[i], "max", &v) && !parse_ulong(v, &max) &&
                 max >= 1 && max <= 90)
            ;
        else if (arg_value(argv[i], "hold", &v) && !parse_ulong(v, &hold) &&
                 hold <= 600)
            ;
        else
            return usage(argv[i]);
    }

    if (!strcmp(mode, "chain")) {
        end = chain(max);
        printf("forkbomb: chain: %s", end_name(end));
        if (end < END_ENOSPC)
            printf(" at generation %d", end - END_EMLINK);
        else if (end < END_OTHER)
            printf(" at generation %d", end - END_ENOSPC);
        printf("\n");
    } else {
        end = wide(max, hold);
        printf("forkbomb: wide: %s\n", end_name(end));
    }
    return 0;
}
