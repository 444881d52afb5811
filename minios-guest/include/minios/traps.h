/* traps.h: the trap table, the register frame and the crash report. */
#ifndef MINIOS_TRAPS_H
#define MINIOS_TRAPS_H

#include <stdint.h>

/* Saved by arch/x86_64/entry.S; lowest address first. */
struct trap_regs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};

void traps_init(void);
void do_trap(struct trap_regs *regs);

/* Print a backtrace starting at frame pointer FP (and RIP if non-zero). */
void print_backtrace(uint64_t rip, uint64_t fp);

/* Print REASON and a backtrace, then shut down with reason crash. */
__attribute__((noreturn)) void crash(const char *reason);

#endif
