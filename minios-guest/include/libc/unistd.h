/* unistd.h: the process-like calls of a domain: fork() and getpid(). */
#ifndef MINIOS_UNISTD_H
#define MINIOS_UNISTD_H

#include <sys/types.h>

/*
 * fork(): clone this domain into one child (see minios/clone.h). Returns
 * the child's domid in the parent, 0 in the child, -1 with errno on
 * failure (no child made).
 */
pid_t fork(void);

/* This domain's id (domains are our processes). */
pid_t getpid(void);

/* The parent domain's id, or 0 if this domain is not a clone. */
pid_t getppid(void);

#endif
