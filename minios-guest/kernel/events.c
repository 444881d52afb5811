/* events.c: 2-level event channels, the upcall, blocking. */
#include <errno.h>
#include <string.h>
#include <minios/os.h>
#include <minios/events.h>
#include <minios/hypercall.h>
#include <minios/time.h>

struct handler {
    evtchn_handler_t fn;
    void *data;
};

static struct handler handlers[EVTCHN_MAX];
static unsigned long upcall_count;

extern char upcall_entry[], failsafe_entry[];

unsigned long local_irq_save(void)
{
    unsigned long flags = this_vcpu()->evtchn_upcall_mask;

    this_vcpu()->evtchn_upcall_mask = 1;
    barrier();
    return flags;
}

void force_evtchn_callback(void)
{
    /* Xen delivers pending upcalls on the way back from any hypercall. */
    hyp_xen_version(XENVER_version, NULL);
}

void local_irq_restore(unsigned long flags)
{
    barrier();
    this_vcpu()->evtchn_upcall_mask = flags;
    barrier();
    if (!flags && this_vcpu()->evtchn_upcall_pending)
        force_evtchn_callback();
}

void local_irq_enable(void)
{
    local_irq_restore(0);
}

void local_irq_disable(void)
{
    local_irq_save();
}

static inline void sync_set_bit(unsigned long nr, volatile xen_ulong_t *addr)
{
    asm volatile("lock btsq %1, %0" : "+m"(*addr) : "Ir"(nr) : "memory");
}

static inline void sync_clear_bit(unsigned long nr, volatile xen_ulong_t *addr)
{
    asm volatile("lock btrq %1, %0" : "+m"(*addr) : "Ir"(nr) : "memory");
}

#define WORD(port) ((port) / 64)
#define BIT(port)  ((port) % 64)

void evtchn_mask(evtchn_port_t port)
{
    sync_set_bit(BIT(port), &shared_info->evtchn_mask[WORD(port)]);
}

void evtchn_clear(evtchn_port_t port)
{
    sync_clear_bit(BIT(port), &shared_info->evtchn_pending[WORD(port)]);
}

int evtchn_is_pending(evtchn_port_t port)
{
    return (shared_info->evtchn_pending[WORD(port)] >> BIT(port)) & 1;
}

int evtchn_unmask(evtchn_port_t port)
{
    struct evtchn_unmask op = {.port = port};

    /* Xen re-raises the event if it became pending while masked. */
    return hyp_event_channel_op(EVTCHNOP_unmask, &op);
}

int evtchn_notify(evtchn_port_t port)
{
    struct evtchn_send op = {.port = port};

    return hyp_event_channel_op(EVTCHNOP_send, &op);
}

int evtchn_bind(evtchn_port_t port, evtchn_handler_t handler, void *data)
{
    if (port >= EVTCHN_MAX)
        return -ENOSPC;
    handlers[port].data = data;
    barrier();
    handlers[port].fn = handler;
    return evtchn_unmask(port);
}

void evtchn_unbind(evtchn_port_t port)
{
    if (port >= EVTCHN_MAX)
        return;
    evtchn_mask(port);
    handlers[port].fn = NULL;
    handlers[port].data = NULL;
}

int evtchn_bind_virq(unsigned int virq, evtchn_handler_t handler, void *data)
{
    struct evtchn_bind_virq op = {.virq = virq, .vcpu = 0};
    int rc = hyp_event_channel_op(EVTCHNOP_bind_virq, &op);

    if (rc < 0)
        return rc;
    rc = evtchn_bind(op.port, handler, data);
    if (rc < 0) {
        evtchn_close(op.port);
        return rc;
    }
    return op.port;
}

int evtchn_alloc_unbound(domid_t remote_dom)
{
    struct evtchn_alloc_unbound op = {.dom = DOMID_SELF,
                                      .remote_dom = remote_dom};
    int rc = hyp_event_channel_op(EVTCHNOP_alloc_unbound, &op);

    return rc < 0 ? rc : (int)op.port;
}

int evtchn_close(evtchn_port_t port)
{
    struct evtchn_close op = {.port = port};

    evtchn_unbind(port);
    return hyp_event_channel_op(EVTCHNOP_close, &op);
}

/* Called from upcall_entry with events masked. */
void do_upcall(void *regs)
{
    struct vcpu_info *v = this_vcpu();

    upcall_count++;
    while (v->evtchn_upcall_pending) {
        v->evtchn_upcall_pending = 0;
        xen_ulong_t sel =
            __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
        while (sel) {
            unsigned int w = __builtin_ctzl(sel);
            sel &= sel - 1;
            xen_ulong_t pend;
            while ((pend = shared_info->evtchn_pending[w] &
                           ~shared_info->evtchn_mask[w])) {
                unsigned int b = __builtin_ctzl(pend);
                evtchn_port_t port = w * 64 + b;
                evtchn_clear(port);
                if (port < EVTCHN_MAX && handlers[port].fn)
                    handlers[port].fn(port, handlers[port].data);
            }
        }
    }
}

void block_domain(uint64_t deadline)
{
    if (deadline)
        hyp_set_timer_op(deadline);
    hyp_sched_op(SCHEDOP_block, NULL);
    local_irq_disable();
}

int wait_until(int (*cond)(void *arg), void *arg, uint64_t deadline)
{
    unsigned long flags = local_irq_save();
    int rc = 0;

    while (!cond(arg)) {
        if (deadline && monotonic_ns() >= deadline) {
            rc = -ETIMEDOUT;
            break;
        }
        block_domain(deadline);
    }
    local_irq_restore(flags);
    return rc;
}

int evtchn_poll(evtchn_port_t port, uint64_t deadline)
{
    struct sched_poll poll = {.nr_ports = 1, .timeout = deadline};
    int rc = 0;

    set_xen_guest_handle(poll.ports, &port);
    if (!evtchn_is_pending(port))
        hyp_sched_op(SCHEDOP_poll, &poll);
    if (!evtchn_is_pending(port))
        rc = -ETIMEDOUT;
    evtchn_clear(port);
    return rc;
}

void events_init(void)
{
    /* Every port masked until someone binds a handler to it. */
    for (unsigned int i = 0; i < ARRAY_SIZE(shared_info->evtchn_mask); i++)
        shared_info->evtchn_mask[i] = ~(xen_ulong_t)0;
    memset(handlers, 0, sizeof(handlers));
    hyp_set_callbacks((unsigned long)upcall_entry,
                      (unsigned long)failsafe_entry, 0);
}
