/* reaper.h: what becomes of clones that shut down ([children] on_exit). */
#ifndef XENCLONED_REAPER_H
#define XENCLONED_REAPER_H

#include "service.h"

/*
 * Look for clones that have shut down (their app exited, they crashed or
 * powered off) and, with on_exit=destroy, destroy them and remove their
 * XenStore entries; a forked child's exit status stays with Xen for its
 * parent's CLONEOP_wait. Domains that toolstacks created are left alone:
 * xl handles those. Called at start and on each domain watch event.
 */
void reaper_scan(struct cloned_service *s);

#endif
