# The C extension, hand-written: every RV64C instruction with immediate edge values (negative
# and maximum immediates, sign extension of c.addiw/c.addw/c.subw/c.lw, c.lui with negative
# immediate, stack-relative forms at their largest offsets, c.jalr's link = pc + 2).
#include "sig.inc"
  .option rvc
  .text
  .globl main
main:
  addi sp, sp, -1024
  sd ra, 1016(sp)
  sd s0, 1008(sp)
  sd s1, 1000(sp)
  la a0, title
  call line

  c.li s0, -32
  SIG "c.li.-32", s0
  c.li s0, 31
  SIG "c.li.31", s0
  c.lui s0, 0xfffe0
  SIG "c.lui.fffe0", s0
  c.lui s0, 1
  SIG "c.lui.1", s0
  c.lui s0, 31
  SIG "c.lui.31", s0
  c.li s0, 5
  c.addi s0, -32
  SIG "c.addi.-32", s0
  c.addi s0, 31
  SIG "c.addi.31", s0
  li s0, 0x7fffffff
  c.addiw s0, 1
  SIG "c.addiw.ovf", s0
  li s0, 0x180000000
  c.addiw s0, 0
  SIG "c.addiw.0", s0
  li s0, 0x100000000
  c.addiw s0, -1
  SIG "c.addiw.-1", s0

  # c.addi16sp and c.addi4spn at their extremes.
  mv s1, sp
  c.addi16sp sp, -512
  sub s0, sp, s1
  c.addi16sp sp, 496
  c.addi16sp sp, 16
  SIG "c.addi16sp.-512", s0
  sub s0, sp, s1
  SIG "c.addi16sp.back", s0
  c.addi4spn s0, sp, 1020
  sub s0, s0, sp
  SIG "c.addi4spn.1020", s0
  c.addi4spn s0, sp, 4
  sub s0, s0, sp
  SIG "c.addi4spn.4", s0

  # Shifts and logic on the compressed register set (x8-x15).
  li s0, 0x8000000000000001
  c.slli s0, 1
  SIG "c.slli.1", s0
  li s0, 1
  c.slli s0, 63
  SIG "c.slli.63", s0
  li s0, 0x8000000000000000
  c.srli s0, 63
  SIG "c.srli.63", s0
  li s0, 0x8000000000000000
  c.srai s0, 32
  SIG "c.srai.32", s0
  li s0, 0x8000000000000000
  c.srai s0, 63
  SIG "c.srai.63", s0
  li s0, -1
  c.andi s0, -32
  SIG "c.andi.-32", s0
  li s0, -1
  c.andi s0, 31
  SIG "c.andi.31", s0

  li a2, 0x7fffffff
  li a3, 1
  c.mv s0, a2
  c.addw s0, a3
  SIG "c.addw.ovf", s0
  li s0, 0x80000000
  c.subw s0, a3
  SIG "c.subw.ovf", s0
  li s0, 0x123456789
  li a3, 0xf0f0f0f0f
  mv s1, s0
  c.xor s0, a3
  SIG "c.xor", s0
  mv s0, s1
  c.or s0, a3
  SIG "c.or", s0
  mv s0, s1
  c.and s0, a3
  SIG "c.and", s0
  mv s0, s1
  c.sub s0, a3
  SIG "c.sub", s0
  mv s0, s1
  c.add s0, a3
  SIG "c.add", s0
  c.mv s0, a3
  SIG "c.mv", s0

  # Loads and stores: register-based at maximum offsets, stack-based at maximum offsets.
  la s1, data
  li a2, 0x8899aabbccddeeff
  c.sd a2, 248(s1)
  c.ld s0, 248(s1)
  SIG "c.ld.248", s0
  c.lw s0, 124(s1)
  SIG "c.lw.124", s0
  addi a4, s1, 4
  c.lw s0, 124(a4)
  SIG "c.lw.124+4", s0
  li a3, 0x80000001
  c.sw a3, 120(s1)
  c.lw s0, 120(s1)
  SIG "c.sw.c.lw", s0
  c.ld s0, 0(s1)
  SIG "c.ld.0", s0
  li a2, 0xfedcba9876543210
  c.sdsp a2, 504(sp)
  c.ldsp s0, 504(sp)
  SIG "c.ldsp.504", s0
  c.lwsp s0, 252(sp)
  SIG "c.lwsp.252", s0
  li a2, 0x89abcdef
  c.swsp a2, 252(sp)
  c.lwsp s0, 252(sp)
  SIG "c.swsp.c.lwsp.252", s0
  ld s0, 248(sp)
  SIG "c.swsp.ld", s0

  # Control flow: c.j, c.beqz/c.bnez taken and not taken, c.jr, c.jalr (link = pc + 2).
  li s0, 0
  c.j 1f
  c.addi s0, 1
1:c.addi s0, 2
  li a2, 0
  c.beqz a2, 2f
  c.addi s0, 4
2:c.bnez a2, 3f
  c.addi s0, 8
3:li a2, -1
  c.bnez a2, 4f
  c.addi s0, 16
4:c.beqz a2, 5f
  c.addi s0, -32
5:SIG "c.branches", s0
  j 7f
6:c.addi s0, 1
  c.jr ra
7:li s0, 0
  la a2, 6b
  la s1, 8f
8:c.jalr a2
  sub s1, ra, s1
  SIG "c.jalr.link-site", s1
  SIG "c.jalr.ran", s0
  # Backward c.j.
  li s0, 3
9:c.addi s0, -1
  c.beqz s0, 10f
  c.j 9b
10:SIG "c.j.back", s0
  c.nop
  c.addi zero, 0

  la a0, pass
  call line
  ld ra, 1016(sp)
  ld s0, 1008(sp)
  ld s1, 1000(sp)
  addi sp, sp, 1024
  li a0, 0
  ret

  .data
  .balign 8
data:
  .dword 0x0123456789abcdef
  .fill 15, 8, 0x7766554433221100
  .dword 0x00000000fedcba98
  .fill 16, 8, 0
  .section .rodata
title: .asciz "compressed: RV64C"
pass: .asciz "PASS"
