// Start code and trap entry of the C DAP guests, built twice: -DMMODE for the bare-machine guest
// (M-mode, mtvec/mscratch/mret) and -DSMODE for the hypervisor guest (VS-mode, stvec/sscratch/sret).
// The trap entry saves every register in a `struct frame` (common.h) on a separate trap stack and
// calls the C handler trap_handler(frame), which may change the frame (pc, status, registers).
#if defined(MMODE)
#define XTVEC mtvec
#define XSCRATCH mscratch
#define XEPC mepc
#define XCAUSE mcause
#define XTVAL mtval
#define XSTATUS mstatus
#define XRET mret
#else
#define XTVEC stvec
#define XSCRATCH sscratch
#define XEPC sepc
#define XCAUSE scause
#define XTVAL stval
#define XSTATUS sstatus
#define XRET sret
#endif
#define FRAME (36 * 8)
    .file   "start.S"
    .section .text.start, "ax"
    .globl _start
_start:
#if defined(MMODE)
    csrr    t0, mhartid
    bnez    t0, park
#endif
    la      sp, __stack_top
    la      t0, __trap_stack_top
    csrw    XSCRATCH, t0
    la      t0, trap_entry
    csrw    XTVEC, t0
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  call    main                    // a0, a1 as the platform passed them (hypervisor: hart id, FDT)
    call    power_off               // a0 = main's result
park:
    wfi
    j       park

    .text
    .balign 4
    .globl trap_entry
trap_entry:
    csrrw   sp, XSCRATCH, sp        // sp = trap stack, scratch = the interrupted sp
    addi    sp, sp, -FRAME
    sd      x1, 1*8(sp)
    sd      x3, 3*8(sp)
    sd      x4, 4*8(sp)
    sd      x5, 5*8(sp)
    sd      x6, 6*8(sp)
    sd      x7, 7*8(sp)
    sd      x8, 8*8(sp)
    sd      x9, 9*8(sp)
    sd      x10, 10*8(sp)
    sd      x11, 11*8(sp)
    sd      x12, 12*8(sp)
    sd      x13, 13*8(sp)
    sd      x14, 14*8(sp)
    sd      x15, 15*8(sp)
    sd      x16, 16*8(sp)
    sd      x17, 17*8(sp)
    sd      x18, 18*8(sp)
    sd      x19, 19*8(sp)
    sd      x20, 20*8(sp)
    sd      x21, 21*8(sp)
    sd      x22, 22*8(sp)
    sd      x23, 23*8(sp)
    sd      x24, 24*8(sp)
    sd      x25, 25*8(sp)
    sd      x26, 26*8(sp)
    sd      x27, 27*8(sp)
    sd      x28, 28*8(sp)
    sd      x29, 29*8(sp)
    sd      x30, 30*8(sp)
    sd      x31, 31*8(sp)
    csrr    t0, XSCRATCH
    sd      t0, 2*8(sp)
    csrr    t0, XEPC
    sd      t0, 32*8(sp)
    csrr    t0, XCAUSE
    sd      t0, 33*8(sp)
    csrr    t0, XTVAL
    sd      t0, 34*8(sp)
    csrr    t0, XSTATUS
    sd      t0, 35*8(sp)
    mv      a0, sp
    call    trap_handler
    ld      t0, 32*8(sp)
    csrw    XEPC, t0
    ld      t0, 35*8(sp)
    csrw    XSTATUS, t0
    ld      t0, 2*8(sp)
    csrw    XSCRATCH, t0            // the sp to return to
    ld      x1, 1*8(sp)
    ld      x3, 3*8(sp)
    ld      x4, 4*8(sp)
    ld      x5, 5*8(sp)
    ld      x6, 6*8(sp)
    ld      x7, 7*8(sp)
    ld      x8, 8*8(sp)
    ld      x9, 9*8(sp)
    ld      x10, 10*8(sp)
    ld      x11, 11*8(sp)
    ld      x12, 12*8(sp)
    ld      x13, 13*8(sp)
    ld      x14, 14*8(sp)
    ld      x15, 15*8(sp)
    ld      x16, 16*8(sp)
    ld      x17, 17*8(sp)
    ld      x18, 18*8(sp)
    ld      x19, 19*8(sp)
    ld      x20, 20*8(sp)
    ld      x21, 21*8(sp)
    ld      x22, 22*8(sp)
    ld      x23, 23*8(sp)
    ld      x24, 24*8(sp)
    ld      x25, 25*8(sp)
    ld      x26, 26*8(sp)
    ld      x27, 27*8(sp)
    ld      x28, 28*8(sp)
    ld      x29, 29*8(sp)
    ld      x30, 30*8(sp)
    ld      x31, 31*8(sp)
    addi    sp, sp, FRAME
    csrrw   sp, XSCRATCH, sp        // sp = the interrupted sp, scratch = the trap stack again
    XRET

#if defined(MMODE)
// run_lower(fn, mode): runs fn() in a lower privilege (mode 1 = S, 0 = U) until it makes the
// ecall EXIT_LOWER, whose handler sends the hart to lower_return in M-mode; returns to the caller.
    .globl run_lower
    .globl lower_return
run_lower:
    la      t0, lower_ctx
    sd      ra, 0(t0)
    sd      sp, 8(t0)
    sd      s0, 16(t0)
    sd      s1, 24(t0)
    sd      s2, 32(t0)
    sd      s3, 40(t0)
    sd      s4, 48(t0)
    sd      s5, 56(t0)
    sd      s6, 64(t0)
    sd      s7, 72(t0)
    sd      s8, 80(t0)
    sd      s9, 88(t0)
    sd      s10, 96(t0)
    sd      s11, 104(t0)
    csrw    mepc, a0
    li      t1, 0x1880              // MPP and MPIE
    csrc    mstatus, t1
    slli    a1, a1, 11
    csrs    mstatus, a1
    mret
lower_return:
    la      t0, lower_ctx
    ld      ra, 0(t0)
    ld      sp, 8(t0)
    ld      s0, 16(t0)
    ld      s1, 24(t0)
    ld      s2, 32(t0)
    ld      s3, 40(t0)
    ld      s4, 48(t0)
    ld      s5, 56(t0)
    ld      s6, 64(t0)
    ld      s7, 72(t0)
    ld      s8, 80(t0)
    ld      s9, 88(t0)
    ld      s10, 96(t0)
    ld      s11, 104(t0)
    ret
    .bss
    .balign 8
lower_ctx:
    .space  14 * 8
#endif
