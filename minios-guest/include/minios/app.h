/* app.h: the app model: int main(int argc, char **argv) and its helpers. */
#ifndef MINIOS_APP_H
#define MINIOS_APP_H

#include <minios/xenbus.h>

/*
 * An app is minios-guest/apps/<name>/ (its .c files) linked into its own image.
 * Its main(argc, argv) runs once the kernel is up, with events enabled; argv[0]
 * is the app's name and the rest is the xl "cmdline", split at blanks ('...'
 * and "..." group words). When main returns N (or the app calls exit(N)) the
 * console shows "exit N" and the domain powers off (N == 0) or crashes (N !=
 * 0).
 */
#ifndef HOST_TEST
int main(int argc, char **argv);
#endif

/* The app's name (argv[0]), set by the build. */
extern const char minios_app_name[];

/* Split LINE in place into ARGV (at most MAX words); the count, or -E2BIG
 * if there are more than MAX, or -EINVAL for an unterminated quote. */
int args_split(char *line, char **argv, int max);
/* 1 and *VALUE = what follows "KEY=" if ARG starts with it, else 0. */
int arg_value(const char *arg, const char *key, const char **value);
/* Strict unsigned decimal: 0, -EINVAL (not a number), -ERANGE. */
int parse_ulong(const char *s, unsigned long *value);

#endif
