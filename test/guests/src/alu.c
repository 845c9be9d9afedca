/* RV64I integer computation: every register-register and register-immediate instruction,
 * over edge values (ops.h) and shift amounts 0/1/31/32/33/63 and beyond (masked). Line format
 * "insn.IJ=result" with I/J the indices of the operands in edge[] (ops.h). */
#include "ops.h"

RR(f_add, "add") RR(f_sub, "sub") RR(f_sll, "sll") RR(f_slt, "slt") RR(f_sltu, "sltu")
RR(f_xor, "xor") RR(f_srl, "srl") RR(f_sra, "sra") RR(f_or, "or") RR(f_and, "and")
RR(f_addw, "addw") RR(f_subw, "subw") RR(f_sllw, "sllw") RR(f_srlw, "srlw") RR(f_sraw, "sraw")

static const struct rr rr_ops[] = {
  RRX(f_add, "add"), RRX(f_sub, "sub"), RRX(f_slt, "slt"), RRX(f_sltu, "sltu"), RRX(f_xor, "xor"),
  RRX(f_or, "or"), RRX(f_and, "and"), RRX(f_addw, "addw"), RRX(f_subw, "subw"),
};

RI(i_addi0, "addi", 0) RI(i_addi1, "addi", 1) RI(i_addim1, "addi", -1) RI(i_addimax, "addi", 2047) RI(i_addimin, "addi", -2048)
RI(i_slti0, "slti", 0) RI(i_sltim1, "slti", -1) RI(i_sltimax, "slti", 2047) RI(i_sltimin, "slti", -2048)
RI(i_sltiu0, "sltiu", 0) RI(i_sltiu1, "sltiu", 1) RI(i_sltium1, "sltiu", -1) RI(i_sltiumin, "sltiu", -2048)
RI(i_xorim1, "xori", -1) RI(i_xorimax, "xori", 2047) RI(i_orimin, "ori", -2048) RI(i_ori5, "ori", 0x555)
RI(i_andimin, "andi", -2048) RI(i_andimax, "andi", 2047)
RI(i_slli0, "slli", 0) RI(i_slli1, "slli", 1) RI(i_slli31, "slli", 31) RI(i_slli32, "slli", 32) RI(i_slli63, "slli", 63)
RI(i_srli0, "srli", 0) RI(i_srli1, "srli", 1) RI(i_srli31, "srli", 31) RI(i_srli32, "srli", 32) RI(i_srli63, "srli", 63)
RI(i_srai0, "srai", 0) RI(i_srai1, "srai", 1) RI(i_srai31, "srai", 31) RI(i_srai32, "srai", 32) RI(i_srai63, "srai", 63)
RI(i_addiw0, "addiw", 0) RI(i_addiw1, "addiw", 1) RI(i_addiwm1, "addiw", -1) RI(i_addiwmax, "addiw", 2047) RI(i_addiwmin, "addiw", -2048)
RI(i_slliw0, "slliw", 0) RI(i_slliw1, "slliw", 1) RI(i_slliw31, "slliw", 31)
RI(i_srliw0, "srliw", 0) RI(i_srliw1, "srliw", 1) RI(i_srliw31, "srliw", 31)
RI(i_sraiw0, "sraiw", 0) RI(i_sraiw1, "sraiw", 1) RI(i_sraiw31, "sraiw", 31)

static const struct ri ri_ops[] = {
  RIX(i_addi0, "addi", 0), RIX(i_addi1, "addi", 1), RIX(i_addim1, "addi", -1), RIX(i_addimax, "addi", 2047), RIX(i_addimin, "addi", -2048),
  RIX(i_slti0, "slti", 0), RIX(i_sltim1, "slti", -1), RIX(i_sltimax, "slti", 2047), RIX(i_sltimin, "slti", -2048),
  RIX(i_sltiu0, "sltiu", 0), RIX(i_sltiu1, "sltiu", 1), RIX(i_sltium1, "sltiu", -1), RIX(i_sltiumin, "sltiu", -2048),
  RIX(i_xorim1, "xori", -1), RIX(i_xorimax, "xori", 2047), RIX(i_orimin, "ori", -2048), RIX(i_ori5, "ori", 0x555),
  RIX(i_andimin, "andi", -2048), RIX(i_andimax, "andi", 2047),
  RIX(i_slli0, "slli", 0), RIX(i_slli1, "slli", 1), RIX(i_slli31, "slli", 31), RIX(i_slli32, "slli", 32), RIX(i_slli63, "slli", 63),
  RIX(i_srli0, "srli", 0), RIX(i_srli1, "srli", 1), RIX(i_srli31, "srli", 31), RIX(i_srli32, "srli", 32), RIX(i_srli63, "srli", 63),
  RIX(i_srai0, "srai", 0), RIX(i_srai1, "srai", 1), RIX(i_srai31, "srai", 31), RIX(i_srai32, "srai", 32), RIX(i_srai63, "srai", 63),
  RIX(i_addiw0, "addiw", 0), RIX(i_addiw1, "addiw", 1), RIX(i_addiwm1, "addiw", -1), RIX(i_addiwmax, "addiw", 2047), RIX(i_addiwmin, "addiw", -2048),
  RIX(i_slliw0, "slliw", 0), RIX(i_slliw1, "slliw", 1), RIX(i_slliw31, "slliw", 31),
  RIX(i_srliw0, "srliw", 0), RIX(i_srliw1, "srliw", 1), RIX(i_srliw31, "srliw", 31),
  RIX(i_sraiw0, "sraiw", 0), RIX(i_sraiw1, "sraiw", 1), RIX(i_sraiw31, "sraiw", 31),
};

/* Register shifts: rs2 supplies the amount; only its low 6 (5 for *w) bits count. */
static const struct rr sh_ops[] = {
  RRX(f_sll, "sll"), RRX(f_srl, "srl"), RRX(f_sra, "sra"), RRX(f_sllw, "sllw"), RRX(f_srlw, "srlw"), RRX(f_sraw, "sraw"),
};
static const u64 shamt[] = { 0, 1, 31, 32, 33, 63, 64, 0xffffffffffffffffull, 0x7e0 + 5 };
static const u64 shval[] = { 0x8000000000000001ull, 0x00000000f0000001ull, 0x123456789abcdef0ull, 0xffffffff7fffffffull };

int main(void) {
  line("alu: RV64I");
  run_rr(rr_ops, sizeof rr_ops / sizeof rr_ops[0]);
  run_ri(ri_ops, sizeof ri_ops / sizeof ri_ops[0]);
  for (unsigned k = 0; k < sizeof sh_ops / sizeof sh_ops[0]; k++)
    for (unsigned i = 0; i < sizeof shval / sizeof shval[0]; i++)
      for (unsigned j = 0; j < sizeof shamt / sizeof shamt[0]; j++) {
        puts_(sh_ops[k].name); putc_('.'); putc_((char)('0' + i)); putc_((char)('0' + j));
        sig("", sh_ops[k].f(shval[i], shamt[j]));
      }
  /* lui: the 20-bit immediate lands in bits 31:12 and is sign-extended from bit 31. */
  u64 r;
  __asm__ volatile("lui %0, 0x80000" : "=r"(r)); sig("lui.80000", r);
  __asm__ volatile("lui %0, 0x7ffff" : "=r"(r)); sig("lui.7ffff", r);
  __asm__ volatile("lui %0, 0xfffff" : "=r"(r)); sig("lui.fffff", r);
  __asm__ volatile("lui %0, 0" : "=r"(r)); sig("lui.0", r);
  /* auipc: pc-relative; print the difference to the instruction's own address. */
  u64 here;
  __asm__ volatile("1: auipc %0, 0x80000\n la %1, 1b" : "=r"(r), "=r"(here)); sig("auipc.80000-pc", r - here);
  __asm__ volatile("1: auipc %0, 0x7ffff\n la %1, 1b" : "=r"(r), "=r"(here)); sig("auipc.7ffff-pc", r - here);
  __asm__ volatile("1: auipc %0, 0\n la %1, 1b" : "=r"(r), "=r"(here)); sig("auipc.0-pc", r - here);
  /* Writes to x0 are discarded. */
  __asm__ volatile("li t0, 5\n addi x0, t0, 1\n mv %0, x0" : "=r"(r) :: "t0"); sig("x0", r);
  line("PASS");
  return 0;
}
