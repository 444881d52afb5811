/* ctlparse.c: parsing one control-socket request line (pure). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xen9pfsd/ctlparse.h"

int control_parse(const char *line, unsigned int *parent, unsigned int *child)
{
    unsigned int p, c;
    char extra;

    if (!strcmp(line, "ping"))
        return 1;
    if (sscanf(line, "clone %u %u %c", &p, &c, &extra) != 2 ||
        strncmp(line, "clone ", 6) || p >= 0x7ff0 || c >= 0x7ff0 || p == c)
        return -EINVAL;
    *parent = p;
    *child = c;
    return 0;
}
