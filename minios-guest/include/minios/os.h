/* os.h: core guest state (start_info, shared_info), barriers, event mask. */
#ifndef MINIOS_OS_H
#define MINIOS_OS_H

#include <stdint.h>
#include <stddef.h>
#include <public/xen.h>

#define barrier() asm volatile("" ::: "memory")
#define mb()      asm volatile("mfence" ::: "memory")
#define rmb()     barrier()
#define wmb()     barrier()

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Set by start_kernel() before anything else runs. */
extern start_info_t *start_info;
extern shared_info_t *shared_info;

static inline struct vcpu_info *this_vcpu(void)
{
    return &shared_info->vcpu_info[0];
}

/*
 * "Interrupts" of a PV guest: the upcall mask of our one vCPU. Disabling
 * returns the previous mask; restoring re-delivers pending events.
 */
unsigned long local_irq_save(void);
void local_irq_restore(unsigned long flags);
void local_irq_enable(void);
void local_irq_disable(void);

/* Run the event handlers now if events are pending (events enabled). */
void force_evtchn_callback(void);

#endif
