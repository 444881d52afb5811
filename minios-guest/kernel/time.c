/* time.c: system time from shared_info, set_timer_op, sleep. */
#include <minios/os.h>
#include <minios/time.h>
#include <minios/events.h>
#include <minios/hypercall.h>
#include <minios/console.h>
#include <stdio.h>

static unsigned long ticks;

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

uint64_t monotonic_ns(void)
{
    const volatile struct vcpu_time_info *t = &this_vcpu()->time;
    uint32_t version;
    uint64_t stamp, base, delta;
    uint32_t mul;
    int8_t shift;

    do {
        version = t->version;
        rmb();
        stamp = t->tsc_timestamp;
        base = t->system_time;
        mul = t->tsc_to_system_mul;
        shift = t->tsc_shift;
        delta = rdtsc() - stamp;
        rmb();
    } while ((version & 1) || version != t->version);
    if (shift < 0)
        delta >>= -shift;
    else
        delta <<= shift;
    return base + (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

uint64_t wallclock_ns(void)
{
    const volatile shared_info_t *s = shared_info;
    uint32_t version;
    uint64_t sec, nsec;

    do {
        version = s->wc_version;
        rmb();
        sec = s->wc_sec | ((uint64_t)s->xen_wc_sec_hi << 32);
        nsec = s->wc_nsec;
        rmb();
    } while ((version & 1) || version != s->wc_version);
    return sec * NSEC_PER_SEC + nsec + monotonic_ns();
}

static void timer_handler(evtchn_port_t port, void *data)
{
    ticks++;
}

unsigned long timer_ticks(void)
{
    return ticks;
}

void time_init(void)
{
    int port = evtchn_bind_virq(VIRQ_TIMER, timer_handler, NULL);

    if (port < 0)
        printf("minios: cannot bind VIRQ_TIMER (%d)\n", port);
    /* One-shot timers only: no periodic tick. */
    hyp_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
}

static int deadline_passed(void *arg)
{
    return monotonic_ns() >= *(uint64_t *)arg;
}

void sleep_until(uint64_t deadline)
{
    wait_until(deadline_passed, &deadline, deadline);
}

void sleep_ns(uint64_t ns)
{
    sleep_until(monotonic_ns() + ns);
}

void msleep(unsigned long ms)
{
    sleep_ns(ms * NSEC_PER_MSEC);
}

void sleep(unsigned long s)
{
    sleep_ns(s * NSEC_PER_SEC);
}
