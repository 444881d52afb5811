/* clone.c: clone()/fork() of this domain, getpid(), waitpid(), exit. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <minios/os.h>
#include <minios/clone.h>
#include <minios/console.h>
#include <minios/driver.h>
#include <minios/hypercall.h>
#include <minios/sched.h>
#include <minios/time.h>
#include <public/sched.h>

/* Set in a child made by our own clone(); inherited by its clones. */
static int forked_child;
/* Our domid as last seen (boot, our own clone()), for clone_check(). */
static domid_t known_domid = DOMID_INVALID;

long hyp_clone_op(unsigned int cmd, void *arg)
{
    return HC(__HYPERVISOR_clone_op, cmd, arg, 0, 0, 0);
}

int clone(unsigned int n, domid_t *children)
{
    struct xen_clone_op op = {
        .parent = DOMID_SELF,
        .nr_children = n,
    };
    unsigned long flags;
    long rc;

    set_xen_guest_handle(op.child_list, children);
    /* Everything the child needs is in memory: flush the console first,
     * so that no line is printed twice (once by each domain). */
    console_flush();
    /* No event handler may run half in the parent, half in the child. */
    flags = local_irq_save();
    rc = hyp_clone_op(CLONEOP_clone, &op);
    if (rc > 0)
        forked_child = 1;
    local_irq_restore(flags);
    /* The child re-attaches its devices before anything else runs. */
    if (rc > 0) {
        known_domid = children[rc - 1];
        drivers_after_clone();
    }
    return rc;
}

static domid_t self_domid(void)
{
    struct xen_clone_info info = {.domid = DOMID_SELF};

    return hyp_clone_op(CLONEOP_get_info, &info) < 0 ? DOMID_INVALID
                                                     : info.domid;
}

int clone_check(void)
{
    domid_t now = self_domid();

    if (now == DOMID_INVALID || known_domid == DOMID_INVALID ||
        now == known_domid)
        return 0;
    known_domid = now;
    drivers_after_clone();
    return 1;
}

static int clone_boot(void)
{
    known_domid = self_domid();
    return 0;
}

/* Level 0: our domid is known before any other driver starts. */
DRIVER(clone_driver, 0) = {.name = "clone", .init = clone_boot};

int clone_is_child(void)
{
    return forked_child;
}

pid_t fork(void)
{
    domid_t child;
    int rc = clone(1, &child);

    if (rc < 0) {
        errno = -rc;
        return -1;
    }
    return rc == 0 ? (pid_t)child : 0;
}

pid_t getpid(void)
{
    struct xen_clone_info info = {.domid = DOMID_SELF};

    if (hyp_clone_op(CLONEOP_get_info, &info) < 0)
        return -1;
    return info.domid;
}

pid_t getppid(void)
{
    struct xen_clone_info info = {.domid = DOMID_SELF};

    if (hyp_clone_op(CLONEOP_get_info, &info) < 0 ||
        info.parent == DOMID_INVALID)
        return 0;
    return info.parent;
}

void clone_exit(int status)
{
    struct xen_clone_exit e = {.status = status};

    console_flush();
    hyp_clone_op(CLONEOP_exit, &e);
    /* Only if Xen refused: end anyway, the way an app does. */
    shutdown_domain(status ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}

/* The wait status of a collected child (see sys/wait.h). */
static int wait_status(const struct xen_clone_wait *w)
{
    if (w->flags & XEN_CLONE_WAIT_EXITED)
        return (w->status & 0xff) << 8;
    if (w->reason == XEN_CLONE_WAIT_NO_REASON)
        return 0x80 | WREASON_DESTROYED;
    return 0x80 | (w->reason & 0x7f);
}

/* How long waitpid() sleeps between two looks at its children. */
#define WAIT_POLL_MS 2

pid_t waitpid(pid_t pid, int *status, int options)
{
    struct xen_clone_wait w;
    long rc;

    if (pid == 0 || pid < -1 || pid >= (pid_t)DOMID_FIRST_RESERVED ||
        (options & ~WNOHANG)) {
        errno = EINVAL;
        return -1;
    }
    for (;;) {
        memset(&w, 0, sizeof(w));
        w.child = pid == -1 ? DOMID_INVALID : (domid_t)pid;
        rc = hyp_clone_op(CLONEOP_wait, &w);
        if (rc == 0) {
            if (status)
                *status = wait_status(&w);
            return w.child;
        }
        if (rc != -EAGAIN) {
            errno = -rc;
            return -1;
        }
        if (options & WNOHANG)
            return 0;
        msleep(WAIT_POLL_MS);
    }
}

pid_t wait(int *status)
{
    return waitpid(-1, status, 0);
}
