// dap-spin: a bare-machine guest that spins forever (the DAP pause tests). M-mode.
    .file   "spin.S"
    .option norvc
    .section .text.start, "ax"
    .globl _start
_start:
    li      a3, 0
spin:
    addi    a3, a3, 1               // #BP spin
    j       spin
