/* sys/wait.h: collecting the end of cloned children (wait, waitpid). */
#ifndef MINIOS_SYS_WAIT_H
#define MINIOS_SYS_WAIT_H

#include <sys/types.h>

/*
 * The status a parent collects for a child:
 *  - the child called exit(N) (or returned N from main): WIFEXITED,
 *    WEXITSTATUS == N & 0xff;
 *  - it shut down otherwise (a crash, a poweroff without exit()):
 *    WIFSHUTDOWN, WSHUTDOWNREASON == the SHUTDOWN_* reason;
 *    WIFCRASHED for SHUTDOWN_crash;
 *  - it was destroyed while running (xl destroy): WIFSHUTDOWN with
 *    WSHUTDOWNREASON == WREASON_DESTROYED.
 */
#define WREASON_DESTROYED  0x7f
#define WIFEXITED(s)       (((s)&0xff) == 0)
#define WEXITSTATUS(s)     (((s) >> 8) & 0xff)
#define WIFSHUTDOWN(s)     (((s)&0x80) != 0)
#define WSHUTDOWNREASON(s) ((s)&0x7f)
#define WIFCRASHED(s)      (((s)&0xff) == (0x80 | 3 /* SHUTDOWN_crash */))

#define WNOHANG 1 /* do not wait: 0 if no child has ended */

/*
 * waitpid(): collect child PID (or any child if PID is -1) once it has
 * ended; the child is then forgotten. Sleeps (handling events) until one
 * ends, unless WNOHANG. Returns the child's domid, 0 (WNOHANG, none ended
 * yet), or -1 with errno: ECHILD (no such child, or no children).
 */
pid_t waitpid(pid_t pid, int *status, int options);
pid_t wait(int *status);

#endif
