# The HTIF convention of RISC-V test harnesses: write (code << 1) | 1 to `tohost` to finish.
# Prints "hi" through HTIF putchar (device 1, command 1), then reports exit code 7 (a failure),
# so the test can check that the code reaches the process exit status.
    .section .text.start
    .globl _start
_start:
    la   t0, tohost
    li   t1, 0x0101000000000068     # device 1, command 1, 'h'
    sd   t1, 0(t0)
1:  ld   t2, 0(t0)                  # wait until the host has taken it
    bnez t2, 1b
    li   t1, 0x0101000000000069     # 'i'
    sd   t1, 0(t0)
2:  ld   t2, 0(t0)
    bnez t2, 2b
    li   t1, (7 << 1) | 1           # exit code 7
    sd   t1, 0(t0)
3:  j    3b

    .section .tohost, "aw", @progbits
    .align 6
    .globl tohost
tohost: .dword 0
    .align 6
    .globl fromhost
fromhost: .dword 0
