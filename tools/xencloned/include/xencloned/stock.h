/* stock.h: keep Xen's stock of empty shells for guests' forks topped up
 * with shells from chaosd's clone pools (CLONEOP_add_shells). */
#ifndef XENCLONED_STOCK_H
#define XENCLONED_STOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "xencloned/service.h"

/*
 * A child was announced (before it is completed): a fork names the parent
 * the stock is topped up for; a child that came out of the stock
 * (XEN_CLONE_NOTIFY_STOCK) is no longer one of our stocked shells.
 */
void stock_note_child(struct cloned_service *s, unsigned int parent,
                      unsigned int child, unsigned int flags);

/*
 * Top Xen's stock up to [service] fork_shells with shells chaosd has for
 * the last parent that forked: forget the shells that left the stock
 * (destroying those Xen handed back), ask chaosd, give Xen what came.
 * Quiet and harmless without chaosd, without a fork seen yet, or with
 * fork_shells=0. Never fails: problems are logged, with their step.
 */
void stock_topup(struct cloned_service *s);

/*
 * The service is going (after CLONEOP_unregister, which hands Xen's stock
 * back): destroy every shell we had given Xen.
 */
void stock_release(struct cloned_service *s);

/* The stock's figures for the status JSON (timings.h). */
void stock_info(struct cloned_service *s, struct cloned_stock_info *out);

#endif
