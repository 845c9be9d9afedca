/* Helpers for instruction tables: one tiny function per instruction form, applied to edge values. */
#ifndef HVSCOPE_OPS_H
#define HVSCOPE_OPS_H
#include "rt.h"

typedef u64 (*rr_fn)(u64, u64);
typedef u64 (*ri_fn)(u64);
struct rr { const char *name; rr_fn f; };
struct ri { const char *name; ri_fn f; };

#define RR(id, insn) static u64 id(u64 a, u64 b) { u64 r; __asm__ volatile(insn " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); return r; }
#define RI(id, insn, imm) static u64 id(u64 a) { u64 r; __asm__ volatile(insn " %0, %1, " #imm : "=r"(r) : "r"(a)); return r; }
#define RRX(id, insn) { insn, id }
#define RIX(id, insn, imm) { insn " " #imm, id }

/* Edge values: zero, one, all ones, the signed extremes of 64 and 32 bits, mixed patterns. */
static const u64 edge[] = {
  0, 1, 0xffffffffffffffffull, 0x8000000000000000ull, 0x7fffffffffffffffull,
  0x80000000ull, 0x7fffffffull, 0xffffffffull, 0xffffffff80000000ull,
  0x123456789abcdef0ull, 0xfedcba9876543217ull, 3, 0xfffffffffffffffdull,
};
#define NEDGE ((int)(sizeof edge / sizeof edge[0]))

static inline void run_rr(const struct rr *t, int n) {
  for (int k = 0; k < n; k++)
    for (int i = 0; i < NEDGE; i++)
      for (int j = 0; j < NEDGE; j++) {
        puts_(t[k].name); putc_('.'); putc_("0123456789abcdefghijklmnopqrstuvwxyz"[i]);
        putc_("0123456789abcdefghijklmnopqrstuvwxyz"[j]);
        sig("", t[k].f(edge[i], edge[j]));
      }
}
static inline void run_ri(const struct ri *t, int n) {
  for (int k = 0; k < n; k++)
    for (int i = 0; i < NEDGE; i++) {
      puts_(t[k].name); putc_('.'); putc_("0123456789abcdefghijklmnopqrstuvwxyz"[i]);
      sig("", t[k].f(edge[i]));
    }
}
#endif
