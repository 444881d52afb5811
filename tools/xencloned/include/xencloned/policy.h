/* policy.h: giving new domains their clone policy from the configuration. */
#ifndef XENCLONED_POLICY_H
#define XENCLONED_POLICY_H

#include "service.h"

/* Watch @introduceDomain and @releaseDomain. Returns 0 or a negative errno. */
int policy_watch(struct cloned_service *s);

/*
 * Give every domain not seen before (Dom0 and clones excepted: clones
 * inherit their parent's policy) the configured policy; forget domains that
 * have gone. Called at start and on each watch event.
 */
void policy_scan(struct cloned_service *s);

/* Drain XenStore watch events; rescans on domain events. */
void policy_handle_watches(struct cloned_service *s);

#endif
