/* hypercall.h: every hypercall wrapper of the guest, in one place. */
#ifndef MINIOS_HYPERCALL_H
#define MINIOS_HYPERCALL_H

#include <stdint.h>
#include <public/xen.h>
#include <public/sched.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/vcpu.h>
#include <public/version.h>

/*
 * Xen fills this page with one 32-byte stub per hypercall number; stub N
 * loads N into %eax and enters Xen. A new hypercall needs only a wrapper
 * here: e.g. the clone hypercall (number 47) is _hypercall(47, ...).
 */
extern char hypercall_page[4096];

static inline long _hypercall(unsigned int nr, unsigned long a1,
                              unsigned long a2, unsigned long a3,
                              unsigned long a4, unsigned long a5)
{
    register unsigned long rdi asm("rdi") = a1;
    register unsigned long rsi asm("rsi") = a2;
    register unsigned long rdx asm("rdx") = a3;
    register unsigned long r10 asm("r10") = a4;
    register unsigned long r8 asm("r8") = a5;
    long ret;

    /* Xen may clobber the argument registers (debug builds do). */
    asm volatile("call *%[stub]"
                 : "=a"(ret), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10),
                   "+r"(r8)
                 : [stub] "r"(hypercall_page + nr * 32)
                 : "memory", "rcx", "r11");
    return ret;
}

#define HC(nr, a1, a2, a3, a4, a5)                                             \
    _hypercall(nr, (unsigned long)(a1), (unsigned long)(a2),                   \
               (unsigned long)(a3), (unsigned long)(a4), (unsigned long)(a5))

static inline long hyp_set_trap_table(const struct trap_info *table)
{
    return HC(__HYPERVISOR_set_trap_table, table, 0, 0, 0, 0);
}

static inline long hyp_mmu_update(struct mmu_update *req, unsigned int count,
                                  unsigned int *done, domid_t dom)
{
    return HC(__HYPERVISOR_mmu_update, req, count, done, dom, 0);
}

static inline long hyp_mmuext_op(struct mmuext_op *op, unsigned int count,
                                 unsigned int *done, domid_t dom)
{
    return HC(__HYPERVISOR_mmuext_op, op, count, done, dom, 0);
}

static inline long hyp_set_callbacks(unsigned long event, unsigned long fail,
                                     unsigned long syscall)
{
    return HC(__HYPERVISOR_set_callbacks, event, fail, syscall, 0, 0);
}

static inline long hyp_update_va_mapping(unsigned long va, uint64_t pte,
                                         unsigned long flags)
{
    return HC(__HYPERVISOR_update_va_mapping, va, pte, flags, 0, 0);
}

static inline long hyp_set_timer_op(uint64_t deadline_ns)
{
    return HC(__HYPERVISOR_set_timer_op, deadline_ns, 0, 0, 0, 0);
}

static inline long hyp_console_io(int cmd, int count, const char *buf)
{
    return HC(__HYPERVISOR_console_io, cmd, count, buf, 0, 0);
}

static inline long hyp_grant_table_op(unsigned int cmd, void *uop,
                                      unsigned int count)
{
    return HC(__HYPERVISOR_grant_table_op, cmd, uop, count, 0, 0);
}

static inline long hyp_xen_version(int cmd, void *arg)
{
    return HC(__HYPERVISOR_xen_version, cmd, arg, 0, 0, 0);
}

static inline long hyp_vm_assist(unsigned int cmd, unsigned int type)
{
    return HC(__HYPERVISOR_vm_assist, cmd, type, 0, 0, 0);
}

static inline long hyp_sched_op(int cmd, void *arg)
{
    return HC(__HYPERVISOR_sched_op, cmd, arg, 0, 0, 0);
}

static inline long hyp_event_channel_op(int cmd, void *arg)
{
    return HC(__HYPERVISOR_event_channel_op, cmd, arg, 0, 0, 0);
}

static inline long hyp_memory_op(unsigned int cmd, void *arg)
{
    return HC(__HYPERVISOR_memory_op, cmd, arg, 0, 0, 0);
}

static inline long hyp_vcpu_op(int cmd, unsigned int vcpu, void *arg)
{
    return HC(__HYPERVISOR_vcpu_op, cmd, vcpu, arg, 0, 0);
}

#endif
