/* RV64A: every AMO in .w and .d form (returned old value, sign extension of .w results, memory
 * result), and the LR/SC rules the spec guarantees: SC without a reservation fails (rd != 0) and
 * writes nothing; LR then SC to the same address with no intervening store succeeds (rd = 0);
 * SC fails after another SC (the reservation is consumed); .aq/.rl variants; rd = x0 forms. */
#include "rt.h"

static u64 mem[4] __attribute__((aligned(16)));

#define AMO(id, insn) static u64 id(u64 *p, u64 v) { u64 r; \
  __asm__ volatile(insn " %0, %2, (%1)" : "=&r"(r) : "r"(p), "r"(v) : "memory"); return r; }
AMO(a_swap_w, "amoswap.w") AMO(a_add_w, "amoadd.w") AMO(a_xor_w, "amoxor.w") AMO(a_and_w, "amoand.w")
AMO(a_or_w, "amoor.w") AMO(a_min_w, "amomin.w") AMO(a_max_w, "amomax.w") AMO(a_minu_w, "amominu.w")
AMO(a_maxu_w, "amomaxu.w")
AMO(a_swap_d, "amoswap.d") AMO(a_add_d, "amoadd.d") AMO(a_xor_d, "amoxor.d") AMO(a_and_d, "amoand.d")
AMO(a_or_d, "amoor.d") AMO(a_min_d, "amomin.d") AMO(a_max_d, "amomax.d") AMO(a_minu_d, "amominu.d")
AMO(a_maxu_d, "amomaxu.d")
AMO(a_add_w_aqrl, "amoadd.w.aqrl") AMO(a_swap_d_aq, "amoswap.d.aq") AMO(a_or_d_rl, "amoor.d.rl")

typedef u64 (*amo_fn)(u64 *, u64);
static const struct { const char *name; amo_fn f; } amos[] = {
  { "amoswap.w", a_swap_w }, { "amoadd.w", a_add_w }, { "amoxor.w", a_xor_w }, { "amoand.w", a_and_w },
  { "amoor.w", a_or_w }, { "amomin.w", a_min_w }, { "amomax.w", a_max_w }, { "amominu.w", a_minu_w },
  { "amomaxu.w", a_maxu_w },
  { "amoswap.d", a_swap_d }, { "amoadd.d", a_add_d }, { "amoxor.d", a_xor_d }, { "amoand.d", a_and_d },
  { "amoor.d", a_or_d }, { "amomin.d", a_min_d }, { "amomax.d", a_max_d }, { "amominu.d", a_minu_d },
  { "amomaxu.d", a_maxu_d },
  { "amoadd.w.aqrl", a_add_w_aqrl }, { "amoswap.d.aq", a_swap_d_aq }, { "amoor.d.rl", a_or_d_rl },
};
/* (memory, operand) pairs: signed/unsigned order disagreements, 32-bit sign bit, high halves. */
static const u64 pairs[][2] = {
  { 0x00000000fffffff0ull, 0x0000000000000020ull },
  { 0x7fffffff80000001ull, 0x00000000ffffffffull },
  { 0x8000000000000000ull, 0x7fffffffffffffffull },
  { 0x123456787fffffffull, 0xfedcba9800000001ull },
};

static u64 lr_d(u64 *p) { u64 r; __asm__ volatile("lr.d %0, (%1)" : "=r"(r) : "r"(p) : "memory"); return r; }
static u64 lr_w(u64 *p) { u64 r; __asm__ volatile("lr.w %0, (%1)" : "=r"(r) : "r"(p) : "memory"); return r; }
static u64 sc_d(u64 *p, u64 v) { u64 r; __asm__ volatile("sc.d %0, %2, (%1)" : "=&r"(r) : "r"(p), "r"(v) : "memory"); return r; }
static u64 sc_w(u64 *p, u64 v) { u64 r; __asm__ volatile("sc.w %0, %2, (%1)" : "=&r"(r) : "r"(p), "r"(v) : "memory"); return r; }

int main(void) {
  line("atomics: RV64A");
  for (unsigned k = 0; k < sizeof amos / sizeof amos[0]; k++)
    for (unsigned i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
      mem[0] = pairs[i][0]; mem[1] = 0x5a5a5a5a5a5a5a5aull;
      u64 old = amos[k].f(&mem[0], pairs[i][1]);
      puts_(amos[k].name); putc_('.'); putc_((char)('0' + i));
      puts_(" rd="); puthex(old); puts_(" mem="); puthex(mem[0]); puts_(" next="); puthex(mem[1]); putc_('\n');
    }
  /* .w on the upper word of a doubleword. */
  mem[0] = 0x8000000100000002ull;
  sig("amoadd.w.upper.rd", a_add_w((u64 *)((char *)mem + 4), 1)); sig("amoadd.w.upper.mem", mem[0]);
  /* rd = x0. */
  mem[0] = 5; __asm__ volatile("amoadd.d x0, %1, (%0)" :: "r"(mem), "r"(7ull) : "memory"); sig("amoadd.d.x0", mem[0]);

  int bad = 0;
  /* SC without a reservation fails and does not write. Clear any reservation with an SC first. */
  mem[0] = 1; (void)sc_d(&mem[3], 0);
  u64 r = sc_d(&mem[0], 2); sig("sc.d.noreservation.fails", r != 0); sig("sc.d.noreservation.mem", mem[0]); bad |= r == 0;
  /* LR/SC pair succeeds. */
  u64 v = lr_d(&mem[0]); r = sc_d(&mem[0], v + 10);
  sig("lr.d.value", v); sig("sc.d.rd", r); sig("sc.d.mem", mem[0]); bad |= r != 0;
  /* A second SC fails: the first one consumed the reservation. */
  r = sc_d(&mem[0], 99); sig("sc.d.again.fails", r != 0); sig("sc.d.again.mem", mem[0]); bad |= r == 0;
  /* lr.w sign-extends; sc.w writes 32 bits only. */
  mem[1] = 0x11111111f0000000ull;
  v = lr_w(&mem[1]); r = sc_w(&mem[1], 0x2222222233333333ull);
  sig("lr.w.value", v); sig("sc.w.rd", r); sig("sc.w.mem", mem[1]); bad |= r != 0;
  /* A retry loop (the usual use) converges: atomic increment by LR/SC. */
  mem[2] = 40;
  for (int i = 0; i < 2; i++) { do { v = lr_d(&mem[2]); } while (sc_d(&mem[2], v + 1)); }
  sig("lrsc.loop", mem[2]);
  line(bad ? "FAIL" : "PASS");
  return bad;
}
