/* head.S: PV entry point, Xen ELF notes, hypercall page and boot stack. */
#include <public/xen.h>
#include <public/elfnote.h>


    .section .note.Xen, "a", @note
    .p2align 2
/* Each note: namesz, descsz, type, the name "Xen", the descriptor. */
.macro note_head type
    .p2align 2
    .long 4
    .long 2f - 1f
    .long \type
    .asciz "Xen"
    .p2align 2
1:
.endm
.macro note_str type, str
    note_head \type
    .asciz "\str"
2:
.endm
.macro note_quad type, value
    note_head \type
    .quad \value
2:
.endm
    note_str XEN_ELFNOTE_GUEST_OS, minios-guest
    note_str XEN_ELFNOTE_GUEST_VERSION, 1
    note_str XEN_ELFNOTE_XEN_VERSION, xen-3.0
    note_str XEN_ELFNOTE_LOADER, generic
    note_quad XEN_ELFNOTE_VIRT_BASE, 0
    note_quad XEN_ELFNOTE_PADDR_OFFSET, 0
    note_quad XEN_ELFNOTE_ENTRY, _start
    note_quad XEN_ELFNOTE_HYPERCALL_PAGE, hypercall_page
    .p2align 2

    .section .text.head, "ax"
    .code64
    .globl _start
_start:
    /* %rsi: start_info (virtual); switch to our own stack. */
    cld
    movq %rsi, %rdi         /* arg 1: start_info */
    movq %rsp, %rsi         /* arg 2: the builder's boot stack top */
    leaq boot_stack_top(%rip), %rsp
    xorl %ebp, %ebp
    call start_kernel
1:  hlt
    jmp 1b

    /* Xen overwrites this page with the hypercall stubs; until then any
     * call into it traps (int3), which the early code would notice. */
    .p2align 12
    .globl hypercall_page
hypercall_page:
    .fill 4096, 1, 0xcc

    .section .bss.stack, "aw", @nobits
    .p2align 12
    .globl boot_stack, boot_stack_top
boot_stack:
    .skip 65536
boot_stack_top:
