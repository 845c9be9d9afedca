# Start code of the hello example (M-mode, QEMU `virt`, entered at 0x8000_0000 with -bios none).
# Hart 0 sets up a stack, a trap vector and .bss, calls main() and powers off with its result;
# other harts (with --harts N) park in wfi. A trap is reported by trap_report() in hello.c.
    .file   "start.S"               # else the FILE symbol is a random temp name: builds must be reproducible
    .section .text.start, "ax"
    .globl _start
_start:
    csrr    t0, mhartid
    bnez    t0, park
    la      sp, __stack_top
    la      t0, trap_entry
    csrw    mtvec, t0               # direct mode: the address is 4-byte aligned
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  call    main
    call    power_off               # a0 = main's result: the exit status
park:
    wfi
    j       park

# Any trap is unexpected here: hand mcause/mepc/mtval to C, which prints them and powers off.
    .text
    .balign 4
trap_entry:
    csrr    a0, mcause
    csrr    a1, mepc
    csrr    a2, mtval
    la      sp, __stack_top         # the trap may have come from a broken stack
    call    trap_report
    j       park
