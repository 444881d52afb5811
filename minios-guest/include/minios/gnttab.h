/* gnttab.h: grant tables, version 1 only (clone-friendly). */
#ifndef MINIOS_GNTTAB_H
#define MINIOS_GNTTAB_H

#include <stdint.h>
#include <public/xen.h>
#include <public/grant_table.h>

int gnttab_init(void);
/* Grant DOMID access to the RAM page at VA; the ref or -errno. The frame
 * is looked up in the P2M now (write-touch the page first if cloned).
 * The table grows by frames as needed, up to Xen's limit (-ENOSPC). */
int gnttab_grant_access(domid_t domid, void *va, int readonly);
/* Revoke REF: 0, or -EBUSY while the other side still maps it, -EINVAL
 * if REF is not granted. */
int gnttab_end_access(grant_ref_t ref);
/* Make sure N refs are free (growing the table): 0 or -ENOSPC. */
int gnttab_reserve(unsigned int n);
unsigned int gnttab_free_count(void);
/* Frames the table has now. */
unsigned int gnttab_frames(void);

#endif
