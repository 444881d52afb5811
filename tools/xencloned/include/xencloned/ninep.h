/* ninep.h: asking xen9pfsd (tools/xen9pfsd) to clone a parent's 9pfs
 * devices for a new child, through its control socket. */
#ifndef XENCLONED_NINEP_H
#define XENCLONED_NINEP_H

#define NINEP_SOCKET "/var/run/xen9pfsd.sock"

/*
 * Ask xen9pfsd at SOCKET to give CHILD the 9pfs devices of PARENT (same
 * fids, the child's copied rings). 0 also when no xen9pfsd listens (no
 * 9pfs daemon: nothing to clone); -errno on a refusal, with *WHY (g_free)
 * holding the daemon's answer.
 */
int ninep_clone(const char *socket, unsigned int parent, unsigned int child,
                char **why);

#endif
