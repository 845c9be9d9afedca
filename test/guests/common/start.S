# hvscope conformance guests: reset entry and trap entries.
# Entered in M-mode at _start with a0 = hart id (a1 = FDT address is not used).
  .section .text.start, "ax"
  .globl _start
_start:
  csrr t0, mhartid
  bnez t0, park
  la sp, stack_top
  la t0, mtrap_entry
  csrw mtvec, t0
  la t0, mtrap_stack_top
  csrw mscratch, t0
  la t0, strap_entry
  csrw stvec, t0
  la t0, strap_stack_top
  csrw sscratch, t0
  # One PMP entry covering everything with RWX, so that S/U-mode can run (a PMP with no
  # matching entry denies S/U accesses). Programs that test PMP rewrite this.
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f           # NAPOT | X | W | R
  csrw pmpcfg0, t0
  # Zero .bss.
  la t0, __bss_start
  la t1, __bss_end
1:bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:
#ifdef FP_INIT
  # F/D programs (built with FP_INIT): mstatus.FS = Initial so that FP instructions are legal.
  li t0, 1 << 13
  csrs mstatus, t0
#endif
  call main
  call exit_
park:
  wfi
  j park

# Trap entries: swap to a dedicated stack through mscratch/sscratch, save x1..x31 and the trap
# CSRs in a struct frame, call the C handler, write back epc/status and the registers.
  .macro SAVE_REGS
  addi sp, sp, -36*8
  .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  sd x\n, \n*8(sp)
  .endr
  .endm
  .macro RESTORE_REGS
  .irp n, 1,3,4,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  ld x\n, \n*8(sp)
  .endr
  .endm

  .text
  .globl mtrap_entry
  .balign 4
mtrap_entry:
  csrrw sp, mscratch, sp
  SAVE_REGS
  csrr t0, mscratch
  sd t0, 2*8(sp)
  csrr t0, mcause
  sd t0, 32*8(sp)
  csrr t0, mepc
  sd t0, 33*8(sp)
  csrr t0, mtval
  sd t0, 34*8(sp)
  csrr t0, mstatus
  sd t0, 35*8(sp)
  mv a0, sp
  call handle_mtrap
  ld t0, 33*8(sp)
  csrw mepc, t0
  ld t0, 35*8(sp)
  csrw mstatus, t0
  RESTORE_REGS
  addi t0, sp, 36*8
  csrw mscratch, t0
  ld t0, 5*8(sp)
  ld sp, 2*8(sp)
  mret

  .globl strap_entry
  .balign 4
strap_entry:
  csrrw sp, sscratch, sp
  SAVE_REGS
  csrr t0, sscratch
  sd t0, 2*8(sp)
  csrr t0, scause
  sd t0, 32*8(sp)
  csrr t0, sepc
  sd t0, 33*8(sp)
  csrr t0, stval
  sd t0, 34*8(sp)
  csrr t0, sstatus
  sd t0, 35*8(sp)
  mv a0, sp
  call handle_strap
  ld t0, 33*8(sp)
  csrw sepc, t0
  ld t0, 35*8(sp)
  csrw sstatus, t0
  RESTORE_REGS
  addi t0, sp, 36*8
  csrw sscratch, t0
  ld t0, 5*8(sp)
  ld sp, 2*8(sp)
  sret

  # void enter_mode(int prv): ecall with a7 = ECALL_SWITCH; the handler sets xPP to a0.
  .globl enter_mode
enter_mode:
  li a7, 0x5757
  ecall
  ret

  .bss
  .balign 16
  .space 8192
stack_top:
  .space 4096
mtrap_stack_top:
  .space 4096
strap_stack_top:

# Vector tables for mtvec/stvec in vectored mode (MODE=1): entry k records k in vec_last
# (+0x100 for the M table) and continues at the ordinary trap entry.
  .macro VEC_ENTRY scratch, k, tag, entry, add
\tag\()_\k:
  csrrw sp, \scratch, sp
  addi sp, sp, -16
  sd t0, 0(sp)
  sd t1, 8(sp)
  li t0, \k + \add
  la t1, vec_last
  sd t0, 0(t1)
  ld t0, 0(sp)
  ld t1, 8(sp)
  addi sp, sp, 16
  csrrw sp, \scratch, sp
  j \entry
  .endm
  .text
  .balign 256
  .globl mvec_table
mvec_table:
  .irp k, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
  .option push
  .option norvc
  j mvec_\k
  .option pop
  .endr
  .balign 256
  .globl svec_table
svec_table:
  .irp k, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
  .option push
  .option norvc
  j svec_\k
  .option pop
  .endr
  .irp k, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
  VEC_ENTRY mscratch, \k, mvec, mtrap_entry, 0x100
  .endr
  .irp k, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
  VEC_ENTRY sscratch, \k, svec, strap_entry, 0
  .endr
  .bss
  .balign 8
  .globl vec_last
vec_last: .space 8
