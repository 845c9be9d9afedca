/* Floating-point conformance helpers (F and D): operand generation, instruction wrappers for
 * every rounding mode, hashing of (result bits, fflags) pairs and printing.
 * Used by the fp_* programs, built with -march=rv64gc -mabi=lp64d; start.S (FP_INIT) sets
 * mstatus.FS = Initial before main. Operands and results travel as raw 64-bit patterns
 * (fmv.d.x / fmv.x.d), so NaN-boxing is visible: a single-precision result prints as
 * ffffffff_xxxxxxxx. */
#ifndef HVSCOPE_FP_H
#define HVSCOPE_FP_H
#include "rt.h"

#define FL_NV 0x10
#define FL_DZ 0x08
#define FL_OF 0x04
#define FL_UF 0x02
#define FL_NX 0x01
#define MSTATUS_FS (3ul << 13)
#define MSTATUS_SD (1ul << 63)
#define BOX(x) (0xffffffff00000000ull | (u32)(x))

/* Deterministic PRNG: xorshift64*. */
static u64 rng_state = 0x9e3779b97f4a7c15ull;
static inline u64 rnd(void) {
  u64 x = rng_state;
  x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
  rng_state = x;
  return x * 0x2545f4914f6cdd1dull;
}

/* Hash over a group's results: a cheap 64-bit mix per word. */
static u64 hsh;
static inline void hput(u64 v) { hsh = (hsh ^ v) * 0x100000001b3ull; hsh ^= hsh >> 29; }

/* fflags of the last wrapped instruction. */
static u64 g_fl;

/* Wrappers: sources a, b, c are moved raw into ft0, ft1, ft2 (fmv.d.x), fflags is cleared, the
 * instruction runs, the result (ft3 via fmv.x.d, or an integer %0) and fflags are read back. */
typedef u64 (*fop)(u64, u64, u64);
#define FWRAP(id, body) static u64 __attribute__((noinline)) id(u64 a, u64 b, u64 c) { u64 r, fl; \
  __asm__ volatile("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tfmv.d.x ft2, %4\n\tfsflags zero\n\t" body "\n\tfrflags %1" \
    : "=&r"(r), "=&r"(fl) : "r"(a), "r"(b), "r"(c) : "ft0", "ft1", "ft2", "ft3", "memory"); \
  g_fl = fl; return r; }
#define TOX "\n\tfmv.x.d %0, ft3"
/* Six variants: static rne, rtz, rdn, rup, rmm and dyn. */
#define RM6(id, pre, post) \
  FWRAP(id##_0, pre ", rne" post) FWRAP(id##_1, pre ", rtz" post) FWRAP(id##_2, pre ", rdn" post) \
  FWRAP(id##_3, pre ", rup" post) FWRAP(id##_4, pre ", rmm" post) FWRAP(id##_5, pre ", dyn" post)
/* The same through .insn with the rm number as funct3 (for widening conversions, which the
 * assembler only accepts without a rounding-mode operand). */
#define RM6I(id, pre, post) \
  FWRAP(id##_0, pre "0" post) FWRAP(id##_1, pre "1" post) FWRAP(id##_2, pre "2" post) \
  FWRAP(id##_3, pre "3" post) FWRAP(id##_4, pre "4" post) FWRAP(id##_5, pre "7" post)
#define FNS(id) { id##_0, id##_1, id##_2, id##_3, id##_4, id##_5 }
#define FN1(id) { id, 0, 0, 0, 0, 0 }

/* An instruction under test: f[0..4] static rm, f[5] dyn; f[1] == 0: no rm field. nin = number
 * of operands taken from the operand list (1..3). */
struct fpop { const char *name; fop f[6]; int nin; };

static const char *const rm_names[10] = {
  "rne", "rtz", "rdn", "rup", "rmm", "dyn-rne", "dyn-rtz", "dyn-rdn", "dyn-rup", "dyn-rmm",
};
static inline void set_frm(u64 v) { __asm__ volatile("fsrm zero, %0" :: "r"(v) : "memory"); }

/* Mode m in 0..9: static rm m (with frm holding a different mode, which must not matter) or dyn
 * with frm = m - 5. Returns the function to call. */
static fop select_mode(const struct fpop *op, int m) {
  if (!op->f[1]) { set_frm(0); return op->f[0]; }
  if (m < 5) { set_frm((u64)((m + 2) % 5)); return op->f[m]; }
  set_frm((u64)(m - 5));
  return op->f[5];
}

static void puthex2(u64 v) { putc_("0123456789abcdef"[(v >> 4) & 15]); putc_("0123456789abcdef"[v & 15]); }
static void puthex_n(u64 v, int digits) { for (int i = (digits - 1) * 4; i >= 0; i -= 4) putc_("0123456789abcdef"[(v >> i) & 15]); }

/* Operand lists: n entries of up to three operands. */
struct oplist { int n; u64 *a, *b, *c; };

/* Runs one instruction x mode over a list, prints "name.mode n=... or=... h=...". */
static void run_group(const struct fpop *op, int m, const struct oplist *l) {
  fop f = select_mode(op, m);
  u64 orfl = 0;
  hsh = 0xcbf29ce484222325ull;
  for (int i = 0; i < l->n; i++) {
    u64 r = f(l->a[i], l->b[i], l->c[i]);
    hput(r); hput(g_fl);
    orfl |= g_fl;
  }
  puts_(op->name);
  if (op->f[1]) { putc_('.'); puts_(rm_names[m]); }
  puts_(" n="); puthex_n((u64)l->n, 4); puts_(" or="); puthex2(orfl); puts_(" h="); puthex(hsh); putc_('\n');
}
/* All modes of one instruction (one group when it has no rm). */
static __attribute__((unused)) void run_all_modes(const struct fpop *op, const struct oplist *l) {
  int nm = op->f[1] ? 10 : 1;
  for (int m = 0; m < nm; m++) run_group(op, m, l);
}
/* Full lines for the first n entries of a list whose operands are special values: "name.mode
 * i j k r=<bits> f=<fflags>" with indices into the special table. idx[] gives each entry's
 * (packed) indices: 8 bits per operand; only entries whose indices are all below lim print. */
static __attribute__((unused)) void print_full(const struct fpop *op, int m, const struct oplist *l, int n, const u32 *idx, int lim) {
  fop f = select_mode(op, m);
  for (int i = 0; i < n; i++) {
    int skip = 0;
    for (int k = 0; k < op->nin; k++) if ((int)((idx[i] >> (8 * k)) & 0xff) >= lim) skip = 1;
    if (skip) continue;
    u64 r = f(l->a[i], l->b[i], l->c[i]);
    puts_(op->name);
    if (op->f[1]) { putc_('.'); puts_(rm_names[m]); }
    for (int k = 0; k < op->nin; k++) { putc_(' '); puthex2(idx[i] >> (8 * k)); }
    puts_(" r="); puthex(r); puts_(" f="); puthex2(g_fl); putc_('\n');
  }
}

/* Random operands, biased towards the interesting parts of the format. e = exponent bits,
 * m = mantissa bits. `like` is another operand to stay close to (cancellation, ties). */
static u64 rnd_float(int e, int m, u64 like) {
  u64 r = rnd(), s = rnd();
  u64 emax = (1ull << e) - 1, bias = emax >> 1, mmask = (1ull << m) - 1;
  u64 sign = (s >> 63) << (e + m);
  u64 ex, man = r & mmask;
  switch (s & 15) {
  case 0: case 1: return (r ^ (s << 13)) & ((1ull << (e + m + 1)) - 1);   /* any pattern */
  case 2: ex = bias - 3 + (s >> 8) % 7; break;                     /* near 1 */
  case 3: ex = (s >> 8) % 3; break;                                 /* subnormal / tiny */
  case 4: ex = emax - 1 - (s >> 8) % 3; break;                      /* huge */
  case 5: ex = bias + (s >> 8) % (m + 12); man &= ~(mmask >> ((s >> 20) % (m + 1))); break; /* integer-ish */
  case 6: case 7: case 8: {                                        /* close to `like` */
    u64 le = (like >> m) & emax;
    ex = le + (s >> 8) % 5 - 2 + (((s >> 12) & 1) ? (s >> 16) % (m + 4) : 0);
    if (ex > le + m + 3) ex = le - (ex - le);
    ex &= emax; if (ex == emax) ex--;
    man = (like & mmask) ^ ((s >> 24) & 0xff);
    if ((s >> 40) & 1) man = (like & mmask) ^ (1ull << ((s >> 41) % (u64)m));
    sign = ((s >> 50) & 1) ? (like & (1ull << (e + m))) : sign ^ (like & (1ull << (e + m)));
    break; }
  case 9: ex = (r >> 40) & emax; man = ((s >> 32) & 1) ? mmask : 0; man ^= (1ull << ((s >> 33) % (u64)m)); break; /* sparse / dense mantissa */
  case 10: ex = (r >> 40) & emax; man = (mmask >> ((s >> 20) % (u64)m)) << ((s >> 30) % 3); man &= mmask; break;
  case 11: ex = emax; man = ((s >> 9) & 1) ? (r & mmask) : (r & 7); break;   /* inf / NaN payloads */
  case 12: ex = bias + 22 + (s >> 8) % 50; break;                   /* integer conversion range */
  default: ex = (r >> 36) & emax; break;
  }
  return sign | ((ex & emax) << m) | (man & mmask);
}
static inline u64 rnd_d(u64 like) { return rnd_float(11, 52, like); }
static inline u64 rnd_s(u64 like) { return BOX(rnd_float(8, 23, like & 0xffffffffull)); }

/* Special values. */
static const u64 spec_d[] = {
  0x0000000000000000ull, 0x8000000000000000ull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
  0x7ff8000000000000ull, 0xfff800000000beefull, 0x7ff0000000000001ull, 0xfff4000000000dadull,
  0x0000000000000001ull, 0x8000000000000001ull, 0x000fffffffffffffull, 0x800fffffffffffffull,
  0x0010000000000000ull, 0x8010000000000000ull, 0x7fefffffffffffffull, 0xffefffffffffffffull,
  0x3ff0000000000000ull, 0xbff0000000000000ull, 0x3ff0000000000001ull, 0x3fefffffffffffffull,
  0x3fe0000000000000ull, 0x3ff8000000000000ull, 0x4000000000000000ull, 0xc008000000000000ull,
  0x3cb0000000000000ull, 0x3ca0000000000000ull, 0x4340000000000000ull, 0x4330000000000001ull,
  0x400921fb54442d18ull, 0x3fd5555555555555ull, 0x0010000000000001ull, 0x001fffffffffffffull,
  0x7fe0000000000000ull, 0x0000000000000003ull, 0x3ff0000000000003ull, 0xbcafffffffffffffull,
  0x7fdfffffffffffffull, 0x000ffffffffffffeull, 0x3fefffffffffffffull ^ 0x8000000000000000ull,
  0x4010000000000001ull,
};
#define NSPEC_D ((int)(sizeof spec_d / sizeof spec_d[0]))
/* Single precision; the last three are improperly NaN-boxed (must read as the canonical NaN). */
static const u64 spec_s[] = {
  BOX(0x00000000), BOX(0x80000000), BOX(0x7f800000), BOX(0xff800000),
  BOX(0x7fc00000), BOX(0xffc0beef), BOX(0x7f800001), BOX(0xffa00dad),
  BOX(0x00000001), BOX(0x80000001), BOX(0x007fffff), BOX(0x807fffff),
  BOX(0x00800000), BOX(0x80800000), BOX(0x7f7fffff), BOX(0xff7fffff),
  BOX(0x3f800000), BOX(0xbf800000), BOX(0x3f800001), BOX(0x3f7fffff),
  BOX(0x3f000000), BOX(0x3fc00000), BOX(0x40000000), BOX(0xc0400000),
  BOX(0x34000000), BOX(0x33800000), BOX(0x4b800000), BOX(0x4b000001),
  BOX(0x40490fdb), BOX(0x3eaaaaab), BOX(0x00800001), BOX(0x00ffffff),
  BOX(0x7f000000), BOX(0x00000003), BOX(0x3f800003), BOX(0xb37fffff),
  BOX(0x7effffff), BOX(0x007ffffe), BOX(0xbf7fffff), BOX(0x40800001),
  0x000000003f800000ull, 0xfffffffe7fc00000ull, 0x7fffffff00000000ull,
};
#define NSPEC_S ((int)(sizeof spec_s / sizeof spec_s[0]))

/* Operand storage and builders. */
#define MAXOPS 6000
static u64 opa[MAXOPS], opb[MAXOPS], opc[MAXOPS];
static u32 opidx[MAXOPS];

/* Builds a list: the special cross product for `nin` operands over the first ns specials,
 * then `nrand` random entries from gen. Returns the number of special entries. */
static __attribute__((unused)) int build_list(struct oplist *l, int nin, const u64 *sp, int ns, int nrand, u64 (*gen)(u64)) {
  int n = 0;
  if (nin == 1) for (int i = 0; i < ns; i++) { opa[n] = sp[i]; opb[n] = opc[n] = 0; opidx[n++] = (u32)i; }
  else if (nin == 2) for (int i = 0; i < ns; i++) for (int j = 0; j < ns; j++) {
    opa[n] = sp[i]; opb[n] = sp[j]; opc[n] = 0; opidx[n++] = (u32)(i | j << 8);
  } else for (int i = 0; i < ns; i++) for (int j = 0; j < ns; j++) for (int k = 0; k < ns; k++) {
    opa[n] = sp[i]; opb[n] = sp[j]; opc[n] = sp[k]; opidx[n++] = (u32)(i | j << 8 | k << 16);
  }
  int nsp = n;
  for (int i = 0; i < nrand && n < MAXOPS; i++, n++) {
    u64 a = gen(0);
    opa[n] = a;
    opb[n] = gen(a);
    opc[n] = (nin == 3 && (rnd() & 1)) ? gen(a) : gen(opb[n]);
  }
  l->n = n; l->a = opa; l->b = opb; l->c = opc;
  return nsp;
}

/* Illegal-instruction probes: runs code with "1:" labelling the instruction that should trap,
 * prints "name: n=<traps> mcause=... mtval=...". */
static __attribute__((unused)) void fp_reset_trap(void) { mtrap.count = 0; mtrap.cause = mtrap.tval = ~0ull; }
static __attribute__((unused)) void fp_report_trap(const char *name) {
  puts_(name); puts_(": n="); puthex2(mtrap.count);
  if (mtrap.count) { puts_(" mcause="); puthex2(mtrap.cause); puts_(" mtval="); puthex_n(mtrap.tval, 8); }
  putc_('\n');
  mtrap.count = 0;
}
/* End of a program: "done". Built with -DSHOW_ICOUNT (for measuring, not in the committed
 * binaries) it also prints the instructions retired since reset. */
static __attribute__((unused)) void fp_done(void) {
#ifdef SHOW_ICOUNT
  sig("minstret", csr_read(minstret));
#endif
  line("done");
}
#endif
