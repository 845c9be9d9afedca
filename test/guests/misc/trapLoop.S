# A guest that runs wild: mtvec points at an address where nothing is mapped, so the first trap
# (an illegal instruction) faults again on every fetch of the handler. hvscope must stop it with
# a clear message (exit status 3) rather than spin.
    .section .text.start
    .globl _start
_start:
    li t0, 0x00300000        # unmapped physical address
    csrw mtvec, t0
    .word 0                  # illegal instruction
