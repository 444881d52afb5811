/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xc_clone.c: libxenctrl calls for the clone_op hypercall (public/clone.h).
 */

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "xc_private.h"

static int do_clone_op(xc_interface *xch, unsigned int cmd, void *arg,
                       size_t size)
{
    DECLARE_HYPERCALL_BOUNCE(arg, size, XC_HYPERCALL_BUFFER_BOUNCE_BOTH);
    int rc;

    if ( arg && xc_hypercall_bounce_pre(xch, arg) )
    {
        PERROR("Could not bounce buffer for clone_op %u", cmd);
        return -1;
    }

    rc = xencall2(xch->xcall, __HYPERVISOR_clone_op, cmd,
                  arg ? HYPERCALL_BUFFER_AS_ARG(arg) : 0);

    if ( arg )
        xc_hypercall_bounce_post(xch, arg);

    return rc;
}

int xc_clone_register(xc_interface *xch, unsigned int nr_frames,
                      uint64_t *frames)
{
    xen_clone_register_t reg = {
        .version = XEN_CLONE_INTERFACE_VERSION,
        .nr_frames = nr_frames,
    };
    unsigned int i;
    int rc;

    rc = do_clone_op(xch, CLONEOP_register, &reg, sizeof(reg));
    if ( rc < 0 )
        return rc;

    for ( i = 0; i < nr_frames && i < XEN_CLONE_RING_MAX_FRAMES; i++ )
        frames[i] = reg.frames[i];

    return 0;
}

int xc_clone_unregister(xc_interface *xch)
{
    return do_clone_op(xch, CLONEOP_unregister, NULL, 0);
}

void *xc_clone_ring_map(xc_interface *xch, unsigned int nr_frames,
                        const uint64_t *frames)
{
    xen_pfn_t pfns[XEN_CLONE_RING_MAX_FRAMES];
    unsigned int i;

    if ( nr_frames == 0 || nr_frames > XEN_CLONE_RING_MAX_FRAMES )
    {
        errno = EINVAL;
        return NULL;
    }

    for ( i = 0; i < nr_frames; i++ )
        pfns[i] = frames[i];

    return xenforeignmemory_map(xch->fmem, DOMID_XEN, PROT_READ | PROT_WRITE,
                                nr_frames, pfns, NULL);
}

int xc_clone_ring_unmap(xc_interface *xch, void *ring, unsigned int nr_frames)
{
    return xenforeignmemory_unmap(xch->fmem, ring, nr_frames);
}

int xc_clone(xc_interface *xch, uint32_t parent, unsigned int nr_children,
             unsigned int flags, uint32_t *children)
{
    DECLARE_HYPERCALL_BUFFER(xen_clone_op_t, op);
    DECLARE_HYPERCALL_BUFFER(domid_t, list);
    /* Xen refuses more than XEN_CLONE_MAX_BATCH; never allocate more. */
    unsigned int nr_alloc = nr_children < XEN_CLONE_MAX_BATCH
                            ? nr_children : XEN_CLONE_MAX_BATCH;
    unsigned int i;
    int rc = -1;

    op = xc_hypercall_buffer_alloc(xch, op, sizeof(*op));
    list = xc_hypercall_buffer_alloc(xch, list,
                                     sizeof(*list) * (nr_alloc ?: 1));
    if ( !op || !list )
    {
        PERROR("Could not allocate buffers for clone_op");
        goto out;
    }

    memset(op, 0, sizeof(*op));
    op->parent = parent;
    op->flags = flags;
    op->nr_children = nr_children;
    set_xen_guest_handle(op->child_list, list);
    if ( flags & XEN_CLONE_FLAG_SHELLS )
    {
        if ( !children )
        {
            errno = EINVAL;
            rc = -1;
            goto out;
        }
        for ( i = 0; i < nr_alloc; i++ )
            list[i] = children[i];
    }

    rc = xencall2(xch->xcall, __HYPERVISOR_clone_op, CLONEOP_clone,
                  HYPERCALL_BUFFER_AS_ARG(op));
    if ( rc >= 0 && children )
        for ( i = 0; i < nr_alloc; i++ )
            children[i] = list[i];

 out:
    xc_hypercall_buffer_free(xch, list);
    xc_hypercall_buffer_free(xch, op);
    return rc;
}

int xc_clone_complete(xc_interface *xch, uint32_t child, int status)
{
    xen_clone_complete_t c = { .child = child, .status = status };

    if ( status > 0 || status < INT16_MIN )
    {
        errno = EINVAL;
        return -1;
    }

    return do_clone_op(xch, CLONEOP_complete, &c, sizeof(c));
}

int xc_clone_reset(xc_interface *xch, uint32_t child)
{
    xen_clone_reset_t r = { .child = child };

    return do_clone_op(xch, CLONEOP_reset, &r, sizeof(r));
}

int xc_clone_set_policy_shared(xc_interface *xch, uint32_t domid,
                               bool enabled, unsigned int max_clones,
                               unsigned int max_family,
                               unsigned int max_depth, uint64_t max_shared)
{
    xen_clone_policy_t p = {
        .domid = domid,
        .enabled = enabled,
        .max_clones = max_clones,
        .max_family = max_family,
        .max_depth = max_depth,
        .max_shared = max_shared,
    };

    return do_clone_op(xch, CLONEOP_set_policy, &p, sizeof(p));
}

int xc_clone_set_policy(xc_interface *xch, uint32_t domid, bool enabled,
                        unsigned int max_clones, unsigned int max_family,
                        unsigned int max_depth)
{
    return xc_clone_set_policy_shared(xch, domid, enabled, max_clones,
                                      max_family, max_depth, 0);
}

int xc_clone_get_info(xc_interface *xch, uint32_t domid,
                      xen_clone_info_t *info)
{
    memset(info, 0, sizeof(*info));
    info->domid = domid;
    /* Xen writes no more than this header's structure. */
    info->size8 = sizeof(*info) / 8;

    return do_clone_op(xch, CLONEOP_get_info, info, sizeof(*info));
}

int xc_clone_wait(xc_interface *xch, uint32_t child, xen_clone_wait_t *wait)
{
    memset(wait, 0, sizeof(*wait));
    wait->child = child;

    return do_clone_op(xch, CLONEOP_wait, wait, sizeof(*wait));
}

int xc_clone_add_shells(xc_interface *xch, const uint32_t *shells,
                        unsigned int nr)
{
    DECLARE_HYPERCALL_BUFFER(domid_t, list);
    xen_clone_add_shells_t a = { .nr = nr };
    unsigned int i;
    int rc = -1;

    /* Xen refuses more than XEN_CLONE_MAX_BATCH; never copy more. */
    if ( !shells || nr == 0 || nr > XEN_CLONE_MAX_BATCH )
    {
        errno = EINVAL;
        return -1;
    }

    list = xc_hypercall_buffer_alloc(xch, list, sizeof(*list) * nr);
    if ( !list )
    {
        PERROR("Could not allocate buffers for clone_op");
        return -1;
    }
    for ( i = 0; i < nr; i++ )
    {
        if ( shells[i] >= DOMID_FIRST_RESERVED )
        {
            errno = EINVAL;
            goto out;
        }
        list[i] = shells[i];
    }
    set_xen_guest_handle(a.shells, list);

    rc = do_clone_op(xch, CLONEOP_add_shells, &a, sizeof(a));

 out:
    xc_hypercall_buffer_free(xch, list);
    return rc;
}

int xc_clone_op_raw(xc_interface *xch, unsigned int cmd, void *arg,
                    size_t size)
{
    return do_clone_op(xch, cmd, arg, size);
}
