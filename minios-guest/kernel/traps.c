/* traps.c: trap table and the crash report (registers, CR2, backtrace). */
#include <stdio.h>
#include <minios/os.h>
#include <minios/mm.h>
#include <minios/traps.h>
#include <minios/sched.h>
#include <minios/console.h>
#include <minios/hypercall.h>

#define NR_TRAPS 20

static const char *const trap_names[NR_TRAPS] = {
    "divide error",
    "debug",
    "NMI",
    "breakpoint",
    "overflow",
    "bounds",
    "invalid opcode",
    "device not available",
    "double fault",
    "coprocessor segment overrun",
    "invalid TSS",
    "segment not present",
    "stack fault",
    "general protection fault",
    "page fault",
    "reserved",
    "x87 floating point error",
    "alignment check",
    "machine check",
    "SIMD floating point error",
};

#define TRAP_ENTRY(n) extern char trap_entry_##n[];
TRAP_ENTRY(0)
TRAP_ENTRY(1)
TRAP_ENTRY(2)
TRAP_ENTRY(3)
TRAP_ENTRY(4)
TRAP_ENTRY(5)
TRAP_ENTRY(6)
TRAP_ENTRY(7)
TRAP_ENTRY(8)
TRAP_ENTRY(9)
TRAP_ENTRY(10)
TRAP_ENTRY(11)
TRAP_ENTRY(12)
TRAP_ENTRY(13)
TRAP_ENTRY(14)
TRAP_ENTRY(15)
TRAP_ENTRY(16)
TRAP_ENTRY(17)
TRAP_ENTRY(18)
TRAP_ENTRY(19)

static char *const entries[NR_TRAPS] = {
    trap_entry_0,  trap_entry_1,  trap_entry_2,  trap_entry_3,  trap_entry_4,
    trap_entry_5,  trap_entry_6,  trap_entry_7,  trap_entry_8,  trap_entry_9,
    trap_entry_10, trap_entry_11, trap_entry_12, trap_entry_13, trap_entry_14,
    trap_entry_15, trap_entry_16, trap_entry_17, trap_entry_18, trap_entry_19,
};

static struct trap_info table[NR_TRAPS + 1];
static int crashing;

void traps_init(void)
{
    for (unsigned int v = 0; v < NR_TRAPS; v++) {
        table[v].vector = v;
        /* DPL 3 for int3/into; flag 4: mask events on entry. */
        table[v].flags = (v == 3 || v == 4 ? 3 : 0) | 4;
        table[v].cs = FLAT_KERNEL_CS;
        table[v].address = (unsigned long)entries[v];
    }
    /* table[NR_TRAPS] stays zero: the terminator. */
    if (hyp_set_trap_table(table))
        printf("minios: set_trap_table failed\n");
}

extern char _text[], _end[];

static int plausible_frame(uint64_t fp)
{
    /* Our stacks are in RAM, below the end of the 1:1 map. */
    return fp && !(fp & 7) && fp >= PAGE_SIZE &&
           fp + 16 <= (nr_ram_pages << PAGE_SHIFT);
}

void print_backtrace(uint64_t rip, uint64_t fp)
{
    printf("backtrace (addr2line -e <app>.elf ADDR):\n");
    if (rip)
        printf("  #0 0x%016lx\n", (unsigned long)rip);
    for (int i = 1; i < 16 && plausible_frame(fp); i++) {
        uint64_t ret = ((uint64_t *)fp)[1];
        if (!ret)
            break;
        printf("  #%d 0x%016lx\n", i, (unsigned long)ret);
        fp = ((uint64_t *)fp)[0];
    }
}

static void print_regs(const struct trap_regs *r)
{
    printf("rip: %016lx  rsp: %016lx  rflags: %016lx\n", r->rip, r->rsp,
           r->rflags);
    printf("rax: %016lx  rbx: %016lx  rcx: %016lx\n", r->rax, r->rbx, r->rcx);
    printf("rdx: %016lx  rsi: %016lx  rdi: %016lx\n", r->rdx, r->rsi, r->rdi);
    printf("rbp: %016lx  r8:  %016lx  r9:  %016lx\n", r->rbp, r->r8, r->r9);
    printf("r10: %016lx  r11: %016lx  r12: %016lx\n", r->r10, r->r11, r->r12);
    printf("r13: %016lx  r14: %016lx  r15: %016lx\n", r->r13, r->r14, r->r15);
    printf("cs:  %04lx  ss: %04lx  error code: %lx\n", r->cs, r->ss, r->error);
}

void do_trap(struct trap_regs *regs)
{
    const char *name;

    if (crashing++) {
        /* A fault while reporting one: give up at once. */
        static const char msg[] = "minios: fault in the crash handler\n";
        console_write(msg, sizeof(msg) - 1);
        crash_domain();
    }
    console_set_xen_log(1);
    if (regs->vector < NR_TRAPS)
        name = trap_names[regs->vector];
    else
        name = regs->vector == (uint64_t)-2 ? "failsafe callback" : "unknown";
    printf("\n*** minios crash: %s (vector %ld) at rip %#lx ***\n", name,
           (long)regs->vector, regs->rip);
    if (regs->vector == 14 && shared_info) {
        uint64_t cr2 = this_vcpu()->arch.cr2;
        printf("page fault: address (cr2) %#lx, %s, %s, %s%s\n", cr2,
               regs->error & 1 ? "protection violation" : "page not present",
               regs->error & 2 ? "write" : "read",
               regs->error & 4 ? "user" : "kernel",
               regs->error & 16 ? ", instruction fetch" : "");
    }
    print_regs(regs);
    print_backtrace(regs->rip, regs->rbp);
    printf("minios: shutting down (reason crash)\n");
    crash_domain();
}

void crash(const char *reason)
{
    uint64_t fp;

    if (crashing++)
        crash_domain();
    console_set_xen_log(1);
    asm volatile("movq %%rbp, %0" : "=r"(fp));
    printf("\n*** minios crash: %s ***\n", reason);
    print_backtrace(0, fp);
    printf("minios: shutting down (reason crash)\n");
    crash_domain();
}
