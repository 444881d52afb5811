/* sys/types.h: the few POSIX types the guest has. */
#ifndef MINIOS_SYS_TYPES_H
#define MINIOS_SYS_TYPES_H

#include <stddef.h>

typedef int pid_t; /* a domain id, or -1 */
typedef long ssize_t;
typedef long off_t; /* file offsets (64-bit) */

#endif
