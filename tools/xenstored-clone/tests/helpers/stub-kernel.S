/*
 * stub-kernel.S: the smallest 64-bit PV kernel image xl can build a domain
 * from. Tests create it paused and only use its XenStore state; if it ever
 * runs, it powers itself off.
 */
#include <xen/xen.h>
#include <xen/elfnote.h>

/* From xen/sched.h, which is C only. */
#define SCHEDOP_shutdown 2
#define SHUTDOWN_poweroff 0

/* One Xen ELF note: name "Xen", type, descriptor. */
#define XEN_NOTE(type, desc)                    \
    .balign 4;                                  \
    .long 4f - 3f;  /* name size */             \
    .long 6f - 5f;  /* descriptor size */       \
    .long type;                                 \
3:  .asciz "Xen";                               \
4:  .balign 4;                                  \
5:  desc;                                       \
6:  .balign 4

    .section .note.Xen, "a", @note
    XEN_NOTE(XEN_ELFNOTE_GUEST_OS, .asciz "xsclone-stub")
    XEN_NOTE(XEN_ELFNOTE_GUEST_VERSION, .asciz "1")
    XEN_NOTE(XEN_ELFNOTE_XEN_VERSION, .asciz "xen-3.0")
    XEN_NOTE(XEN_ELFNOTE_LOADER, .asciz "generic")
    XEN_NOTE(XEN_ELFNOTE_VIRT_BASE, .quad 0)
    XEN_NOTE(XEN_ELFNOTE_PADDR_OFFSET, .quad 0)
    XEN_NOTE(XEN_ELFNOTE_ENTRY, .quad _start)
    XEN_NOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .quad hypercall_page)

    .text
    .globl _start
_start:
    mov $SCHEDOP_shutdown, %edi
    lea shutdown_reason(%rip), %rsi
    call hypercall_page + __HYPERVISOR_sched_op * 32
1:  jmp 1b

    .balign 4096
hypercall_page:
    .fill 4096, 1, 0xcc

    .data
shutdown_reason:
    .long SHUTDOWN_poweroff
