/* RV64I loads/stores (sign/zero extension of every width, offsets -2048/+2047), branches over
 * signed/unsigned edge pairs, jal/jalr (link value, jalr clears bit 0 of the target), fence, and
 * Zifencei: code written by stores becomes executable after fence.i. */
#include "ops.h"

static u64 buf[8] __attribute__((aligned(64)));
static char big[4096 + 64] __attribute__((aligned(16)));

#define LD(insn, off, base) ({ u64 r_; __asm__ volatile(insn " %0, " #off "(%1)" : "=r"(r_) : "r"(base) : "memory"); r_; })
#define ST(insn, off, base, v) __asm__ volatile(insn " %0, " #off "(%1)" :: "r"(v), "r"(base) : "memory")

#define BR(id, insn) static u64 id(u64 a, u64 b) { u64 r; __asm__ volatile( \
  "li %0, 1\n " insn " %1, %2, 1f\n li %0, 0\n1:" : "=&r"(r) : "r"(a), "r"(b)); return r; }
BR(b_beq, "beq") BR(b_bne, "bne") BR(b_blt, "blt") BR(b_bge, "bge") BR(b_bltu, "bltu") BR(b_bgeu, "bgeu")

static const u64 bv[] = { 0, 1, 0xffffffffffffffffull, 0x8000000000000000ull, 0x7fffffffffffffffull };

/* A function assembled at run time: li a0, 0x123; ret  (addi a0,x0,0x123; jalr x0,0(ra)). */
static u32 code[4] __attribute__((aligned(8)));

int main(void) {
  line("mem: loads, stores, branches, jumps, fence.i");
  buf[0] = 0x8081828384858687ull; buf[1] = 0x7f7e7d7c7b7a7978ull;
  char *b = (char *)buf;
  sig("lb.0", LD("lb", 0, b)); sig("lb.7", LD("lb", 7, b)); sig("lb.8", LD("lb", 8, b));
  sig("lbu.0", LD("lbu", 0, b)); sig("lbu.7", LD("lbu", 7, b));
  sig("lh.0", LD("lh", 0, b)); sig("lh.6", LD("lh", 6, b)); sig("lh.8", LD("lh", 8, b));
  sig("lhu.0", LD("lhu", 0, b)); sig("lhu.6", LD("lhu", 6, b));
  sig("lw.0", LD("lw", 0, b)); sig("lw.4", LD("lw", 4, b)); sig("lw.8", LD("lw", 8, b));
  sig("lwu.0", LD("lwu", 0, b)); sig("lwu.4", LD("lwu", 4, b));
  sig("ld.0", LD("ld", 0, b)); sig("ld.8", LD("ld", 8, b));
  /* Stores write only their width. */
  u64 v = 0xa1a2a3a4a5a6a7a8ull;
  buf[2] = ~0ull; ST("sb", 16, b, v); sig("sb", buf[2]);
  buf[2] = ~0ull; ST("sh", 18, b, v); sig("sh", buf[2]);
  buf[2] = ~0ull; ST("sw", 20, b, v); sig("sw", buf[2]);
  buf[2] = 0; ST("sd", 16, b, v); sig("sd", buf[2]);
  /* Extreme offsets. */
  char *mid = big + 2048;
  for (int i = 0; i < 4096 + 64; i++) big[i] = (char)(i * 7 + 1);
  sig("ld.-2048", LD("ld", -2048, mid)); sig("ld.2040", LD("ld", 2040, mid));
  sig("lbu.2047", LD("lbu", 2047, mid)); sig("lb.-2048", LD("lb", -2048, mid));
  ST("sd", -2048, mid, v); ST("sb", 2047, mid, v);
  sig("sd.-2048", *(u64 *)big); sig("sb.2047", *(u64 *)(big + 4088));
  /* Branches. */
  static const rr_fn br[] = { b_beq, b_bne, b_blt, b_bge, b_bltu, b_bgeu };
  static const char *brn[] = { "beq", "bne", "blt", "bge", "bltu", "bgeu" };
  for (int k = 0; k < 6; k++) {
    u64 m = 0;
    for (int i = 0; i < 5; i++) for (int j = 0; j < 5; j++) m |= br[k](bv[i], bv[j]) << (i * 5 + j);
    sig(brn[k], m);
  }
  /* jal/jalr: link register = pc + 4; jalr computes (rs1 + imm) & ~1. */
  u64 link, site;
  __asm__ volatile("la %1, 1f\n jal %0, 1f\n1:" : "=r"(link), "=r"(site)); sig("jal.link-site", link - site);
  __asm__ volatile("la t0, 2f\n addi t0, t0, -3\n 1: jalr %0, 3(t0)\n nop\n2: la %1, 1b" : "=r"(link), "=r"(site) :: "t0");
  sig("jalr.link-site", link - site);
  __asm__ volatile("la t0, 2f+1\n 1: jalr %0, 0(t0)\n nop\n nop\n2: la %1, 1b" : "=r"(link), "=r"(site) :: "t0");
  sig("jalr.odd.link-site", link - site);
  /* jalr with rd == rs1: the target uses the old rs1. */
  __asm__ volatile("la %0, 2f\n 1: jalr %0, 0(%0)\n nop\n2: la %1, 1b" : "=&r"(link), "=&r"(site));
  sig("jalr.rd=rs1.link-site", link - site);
  /* fence variants execute as ordering only. */
  __asm__ volatile("fence\n fence rw, rw\n fence r, r\n fence w, w\n fence.tso\n fence iorw, iorw" ::: "memory");
  /* Zifencei: build a function in memory, fence.i, call it; rewrite it, fence.i, call again. */
  code[0] = 0x12300513u; code[1] = 0x00008067u;
  __asm__ volatile("fence.i" ::: "memory");
  u64 (*fn)(void) = (u64 (*)(void))(void *)code;
  sig("fence.i.1", fn());
  code[0] = 0x45600513u;
  __asm__ volatile("fence.i" ::: "memory");
  sig("fence.i.2", fn());
  line("PASS");
  return 0;
}
