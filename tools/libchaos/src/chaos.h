/* chaos.h: the chaos CLI's commands (src/chaos-cmd.c) and shared bits. */
#ifndef CHAOS_CLI_H
#define CHAOS_CLI_H

#include <stdbool.h>

struct cli {
    const char *socket; /* chaosd's socket */
    bool direct;        /* create: never ask chaosd */
    bool json;          /* list, pool show: JSON output */
    bool force;         /* destroy: shells too */
};

/* Each returns the exit status: 0, 1 (failed), 2 (usage). */
int cmd_create(struct cli *c, int argc, char **argv);
int cmd_destroy(struct cli *c, int argc, char **argv);
int cmd_list(struct cli *c, int argc, char **argv);
int cmd_pool(struct cli *c, int argc, char **argv);
/* ARGV[0..ARGC-1] are the arguments after "clone" (ARGV[-1] exists). */
int cmd_clone(struct cli *c, int argc, char **argv);

/* "chaos: ..." on stderr. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
