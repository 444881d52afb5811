/* entry.S: exception entry stubs and the event-channel upcall. */
#include <public/xen.h>

/*
 * Xen bounces an exception to us with this frame on our stack (lowest
 * address first): RCX, R11, [error code], RIP, CS, RFLAGS, RSP, SS.
 * The stubs restore RCX/R11, push an error code if the CPU gave none, push
 * the vector and join a common path that saves every register in the
 * layout of struct trap_regs (include/minios/traps.h).
 */
.macro SAVE_ALL
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
.endm

.macro RESTORE_ALL
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
.endm

.macro TRAP vec, has_error
    .globl trap_entry_\vec
trap_entry_\vec:
    movq (%rsp), %rcx
    movq 8(%rsp), %r11
    addq $16, %rsp
    .if \has_error == 0
    pushq $0
    .endif
    pushq $\vec
    jmp trap_common
.endm

    .text
    TRAP 0, 0
    TRAP 1, 0
    TRAP 2, 0
    TRAP 3, 0
    TRAP 4, 0
    TRAP 5, 0
    TRAP 6, 0
    TRAP 7, 0
    TRAP 8, 1
    TRAP 9, 0
    TRAP 10, 1
    TRAP 11, 1
    TRAP 12, 1
    TRAP 13, 1
    TRAP 14, 1
    TRAP 15, 0
    TRAP 16, 0
    TRAP 17, 1
    TRAP 18, 0
    TRAP 19, 0

trap_common:
    SAVE_ALL
    movq %rsp, %rdi
    andq $-16, %rsp
    call do_trap        /* never returns: traps are fatal */
1:  hlt
    jmp 1b

/* Xen failed to load a segment while returning to us: fatal as well. */
    .globl failsafe_entry
failsafe_entry:
    pushq $0
    pushq $-2
    SAVE_ALL
    movq %rsp, %rdi
    andq $-16, %rsp
    call do_trap
2:  hlt
    jmp 2b

/*
 * Event upcall. Frame: RCX, R11, RIP, CS, RFLAGS, RSP, SS. Xen masked
 * further upcalls; HYPERVISOR_iret restores the mask from RFLAGS.IF.
 */
    .globl upcall_entry
upcall_entry:
    movq (%rsp), %rcx
    movq 8(%rsp), %r11
    addq $16, %rsp
    pushq $0
    pushq $-1
    SAVE_ALL
    movq %rsp, %rbp
    movq %rsp, %rdi
    andq $-16, %rsp
    call do_upcall
    movq %rbp, %rsp
    RESTORE_ALL
    addq $16, %rsp
    /* iret stub wants: flags word; it pushes RCX, R11, RAX itself. */
    pushq $0
    jmp hypercall_page + __HYPERVISOR_iret * 32
