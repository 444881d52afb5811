/* args.c: command-line splitting and strict argument parsing (pure). */
#include <errno.h>
#include <string.h>
#include <minios/app.h>

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int args_split(char *line, char **argv, int max)
{
    char *r = line, *w = line;
    int argc = 0;

    for (;;) {
        while (is_blank(*r))
            r++;
        if (!*r)
            break;
        if (argc >= max)
            return -E2BIG;
        argv[argc++] = w;
        char quote = 0;
        while (*r && (quote || !is_blank(*r))) {
            if (!quote && (*r == '\'' || *r == '"')) {
                quote = *r++;
            } else if (quote && *r == quote) {
                quote = 0;
                r++;
            } else {
                *w++ = *r++;
            }
        }
        if (quote)
            return -EINVAL;
        /* W never passes R, so ending the word here is safe. */
        int more = *r != '\0';
        *w++ = '\0';
        if (more)
            r++;
        if (!more)
            break;
    }
    return argc;
}

int arg_value(const char *arg, const char *key, const char **value)
{
    size_t n = strlen(key);

    if (strncmp(arg, key, n) || arg[n] != '=')
        return 0;
    *value = arg + n + 1;
    return 1;
}

int parse_ulong(const char *s, unsigned long *value)
{
    unsigned long v = 0;

    if (!*s)
        return -EINVAL;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -EINVAL;
        unsigned int d = *s - '0';
        if (v > (~0UL - d) / 10)
            return -ERANGE;
        v = v * 10 + d;
    }
    *value = v;
    return 0;
}
