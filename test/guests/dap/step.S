// dap-step: the assembly guest of the DAP stepping tests (bare machine, M-mode). Steps by
// instruction across a trap (an ecall from M-mode) into the handler and back through mret.
// No compressed instructions: every step advances 4 bytes. Lines carry `#BP <name>` markers.
    .file   "step.S"
    .option norvc
    .section .text.start, "ax"
    .globl _start
_start:
    la      t0, handler
    csrw    mtvec, t0
    li      a0, 1                   // #BP entry
    li      a1, 2
    ecall                           // #BP trap
    addi    a0, a0, 10              // #BP after_trap
    add     a2, a0, a1              // #BP add
    li      t0, 0x100000            // SiFive test device: power off, pass
    li      t1, 0x5555
    sw      t1, 0(t0)
1:  j       1b

    .balign 4
    .globl handler
handler:
    csrr    t0, mepc                // #BP handler
    addi    t0, t0, 4
    csrw    mepc, t0
    addi    a1, a1, 1
    mret                            // #BP mret

// A spinning loop for the pause tests: never ends by itself.
    .globl spin
spin:
    addi    a3, a3, 1               // #BP spin
    j       spin
