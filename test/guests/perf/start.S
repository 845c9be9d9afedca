# Minimal M-mode start for the performance guests: FP on (mstatus.FS = Initial), a stack, main,
# then power off through the SiFive test device with main's return value as the status.
    .section .text.start
    .globl _start
_start:
    li   t0, 1 << 13
    csrs mstatus, t0
    la   sp, __stack_top
    call main
    li   t0, 0x100000
    beqz a0, 1f
    slli a0, a0, 16
    li   t1, 0x3333
    or   a0, a0, t1
    sw   a0, 0(t0)
    j    .
1:  li   t1, 0x5555
    sw   t1, 0(t0)
    j    .
