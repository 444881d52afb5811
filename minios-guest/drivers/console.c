/* console.c: the PV console ring (xenconsoled) plus Xen's debug log. */
#include <string.h>
#include <minios/os.h>
#include <minios/mm.h>
#include <minios/console.h>
#include <minios/driver.h>
#include <minios/events.h>
#include <minios/hypercall.h>
#include <minios/time.h>
#include <public/io/console.h>

static struct xencons_interface *ring; /* a RAM page: kept as a VA */
static evtchn_port_t port;
static int xen_log;
static int stalled; /* xenconsoled stopped reading: drop, never hang */

void console_init(void)
{
    ring = mfn_to_virt(start_info->console.domU.mfn);
    port = start_info->console.domU.evtchn;
}

/* A child's start_info names its own ring (a private copy at the same
 * PFN) and port: read them again; the child's console starts unstalled. */
static void console_after_clone(void)
{
    console_init();
    stalled = 0;
}

/* Started by hand before everything else (start_kernel), not by init. */
DRIVER(console_driver, 0) = {.name = "console",
                             .after_clone = console_after_clone};

void console_set_xen_log(int on)
{
    xen_log = on;
}

/* Wait a little for xenconsoled to consume; events may be masked. */
static void wait_for_reader(void)
{
    if (shared_info)
        evtchn_poll(port, monotonic_ns() + 10 * NSEC_PER_MSEC);
    else
        hyp_sched_op(SCHEDOP_yield, NULL);
}

void console_write(const char *buf, size_t len)
{
    unsigned long waits = 0;

    if (xen_log)
        hyp_console_io(CONSOLEIO_write, len, buf);
    if (!ring)
        return;
    while (len > 0 && !stalled) {
        XENCONS_RING_IDX cons = ring->out_cons, prod = ring->out_prod;
        rmb();
        size_t space = sizeof(ring->out) - (prod - cons);
        if (space == 0) {
            evtchn_notify(port);
            wait_for_reader();
            /* About 5 s of 10 ms polls (or many yields before time). */
            if (++waits > (shared_info ? 500UL : 1000000UL))
                stalled = 1;
            continue;
        }
        waits = 0;
        size_t n = len < space ? len : space;
        for (size_t i = 0; i < n; i++)
            ring->out[MASK_XENCONS_IDX(prod + i, ring->out)] = buf[i];
        wmb();
        ring->out_prod = prod + n;
        buf += n;
        len -= n;
        evtchn_notify(port);
    }
}

void console_flush(void)
{
    if (!ring || stalled)
        return;
    /* At most about 2 s of 10 ms polls (or many yields before time). */
    for (unsigned long n = 0; ring->out_cons != ring->out_prod; n++) {
        evtchn_notify(port);
        wait_for_reader();
        if (n > (shared_info ? 200UL : 100000UL))
            break;
    }
}
