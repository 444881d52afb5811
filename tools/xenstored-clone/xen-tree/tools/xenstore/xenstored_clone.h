/*
 * XS_CLONE: copy a domain's XenStore subtrees for a clone of the domain.
 *
 * This program is free software; you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation; either version 2 of the License, or
 * (at your option) any later version.
 */

#ifndef _XENSTORED_CLONE_H
#define _XENSTORED_CLONE_H

#include "xenstored_core.h"

/* op|parent-domid|child-domid|parent-path|child-path| */
int do_clone(const void *ctx, struct connection *conn,
	     struct buffered_data *in);

#endif /* _XENSTORED_CLONE_H */
