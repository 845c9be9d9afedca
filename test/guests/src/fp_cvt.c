/* Conversions and moves: fcvt between every integer width (W, WU, L, LU) and .s/.d in both
 * directions, fcvt.s.d and fcvt.d.s, fmv.x.w/fmv.w.x/fmv.x.d/fmv.d.x. Every instruction with an
 * rm field under every rounding mode (static with frm holding another mode, and dyn with each frm
 * value); the widening ones (fcvt.d.s, fcvt.d.w, fcvt.d.wu), which the assembler takes only
 * without an rm operand, are encoded with .insn so that their rm field takes every value too.
 * Operands: integer boundaries (2^31, 2^31-0.5, 2^63, -2^63-1, 2^64, ...), specials, ties,
 * random values biased to the integer range, and for int->float random integers of every
 * bit length, ties and garbage in the upper half for the W forms. */
#include "fp.h"

RM6(cvt_w_s, "fcvt.w.s %0, ft0", "")
RM6(cvt_wu_s, "fcvt.wu.s %0, ft0", "")
RM6(cvt_l_s, "fcvt.l.s %0, ft0", "")
RM6(cvt_lu_s, "fcvt.lu.s %0, ft0", "")
RM6(cvt_w_d, "fcvt.w.d %0, ft0", "")
RM6(cvt_wu_d, "fcvt.wu.d %0, ft0", "")
RM6(cvt_l_d, "fcvt.l.d %0, ft0", "")
RM6(cvt_lu_d, "fcvt.lu.d %0, ft0", "")
RM6(cvt_s_w, "fcvt.s.w ft3, %2", TOX)
RM6(cvt_s_wu, "fcvt.s.wu ft3, %2", TOX)
RM6(cvt_s_l, "fcvt.s.l ft3, %2", TOX)
RM6(cvt_s_lu, "fcvt.s.lu ft3, %2", TOX)
RM6I(cvt_d_w, ".insn r 0x53, ", ", 0x69, ft3, %2, x0" TOX)   /* fcvt.d.w */
RM6I(cvt_d_wu, ".insn r 0x53, ", ", 0x69, ft3, %2, x1" TOX)  /* fcvt.d.wu */
RM6(cvt_d_l, "fcvt.d.l ft3, %2", TOX)
RM6(cvt_d_lu, "fcvt.d.lu ft3, %2", TOX)
RM6(cvt_s_d, "fcvt.s.d ft3, ft0", TOX)
RM6I(cvt_d_s, ".insn r 0x53, ", ", 0x21, ft3, ft0, x0" TOX)  /* fcvt.d.s */
FWRAP(mv_x_w, "fmv.x.w %0, ft0")
FWRAP(mv_w_x, "fmv.w.x ft3, %2" TOX)
FWRAP(mv_x_d, "fmv.x.d %0, ft0")
FWRAP(mv_d_x, "fmv.d.x ft3, %2" TOX)

static const struct fpop from_s[] = {
  { "fcvt.w.s", FNS(cvt_w_s), 1 }, { "fcvt.wu.s", FNS(cvt_wu_s), 1 }, { "fcvt.l.s", FNS(cvt_l_s), 1 },
  { "fcvt.lu.s", FNS(cvt_lu_s), 1 }, { "fcvt.d.s", FNS(cvt_d_s), 1 }, { "fmv.x.w", FN1(mv_x_w), 1 },
};
static const struct fpop from_d[] = {
  { "fcvt.w.d", FNS(cvt_w_d), 1 }, { "fcvt.wu.d", FNS(cvt_wu_d), 1 }, { "fcvt.l.d", FNS(cvt_l_d), 1 },
  { "fcvt.lu.d", FNS(cvt_lu_d), 1 }, { "fcvt.s.d", FNS(cvt_s_d), 1 }, { "fmv.x.d", FN1(mv_x_d), 1 },
};
static const struct fpop from_x[] = {
  { "fcvt.s.w", FNS(cvt_s_w), 1 }, { "fcvt.s.wu", FNS(cvt_s_wu), 1 }, { "fcvt.s.l", FNS(cvt_s_l), 1 },
  { "fcvt.s.lu", FNS(cvt_s_lu), 1 }, { "fcvt.d.w", FNS(cvt_d_w), 1 }, { "fcvt.d.wu", FNS(cvt_d_wu), 1 },
  { "fcvt.d.l", FNS(cvt_d_l), 1 }, { "fcvt.d.lu", FNS(cvt_d_lu), 1 }, { "fmv.w.x", FN1(mv_w_x), 1 },
  { "fmv.d.x", FN1(mv_d_x), 1 },
};
#define N(a) ((int)(sizeof a / sizeof a[0]))

/* Single precision; the last two are improperly NaN-boxed (canonical NaN for fcvt, raw bits for
 * fmv.x.w, which sign-extends bit 31). */
static const u64 cvt_s[] = {
  BOX(0x00000000), BOX(0x80000000), BOX(0x7f800000), BOX(0xff800000), BOX(0x7fc00000),
  BOX(0xffc0beef), BOX(0x7f800001), BOX(0x00000001), BOX(0x80000001), BOX(0x7f7fffff),
  BOX(0xff7fffff), BOX(0x3effffff), BOX(0x3f000001),
  BOX(0x3f000000), BOX(0xbf000000), BOX(0x3fc00000), BOX(0xbfc00000), BOX(0x40200000),
  BOX(0xc0200000), BOX(0x3f800000), BOX(0xbf800000), BOX(0x406ccccd), BOX(0xc06ccccd),
  BOX(0x4effffff), BOX(0x4f000000), BOX(0xcf000000), BOX(0xcf000001), BOX(0x4f7fffff),
  BOX(0x4f800000), BOX(0x5effffff), BOX(0x5f000000), BOX(0xdf000000), BOX(0xdf000001),
  BOX(0x5f7fffff), BOX(0x5f800000), BOX(0x501502f9), BOX(0xd01502f9), BOX(0x4affffff),
  BOX(0xcaffffff), BOX(0x4b7fffff), BOX(0xbf7fffff), BOX(0x1e3ce508), BOX(0x00800000),
  0x00000000bf800000ull, 0x7fffffff3f800000ull,
};
static const u64 cvt_d[] = {
  0x0000000000000000ull, 0x8000000000000000ull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
  0x7ff8000000000000ull, 0xfff800000000beefull, 0x7ff0000000000001ull, 0x0000000000000001ull,
  0x8000000000000001ull, 0x7fefffffffffffffull, 0xffefffffffffffffull,
  0x3fe0000000000000ull, 0xbfe0000000000000ull, 0x3ff8000000000000ull, 0xbff8000000000000ull,
  0x4004000000000000ull, 0xc004000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
  0x400d99999999999aull, 0xc00d99999999999aull, 0x41dfffffffe00000ull, 0x41dfffffffc00000ull,
  0x41e0000000100000ull, 0x41e0000000000000ull, 0xc1e0000000000000ull, 0xc1e0000000100000ull,
  0xc1e0000000200000ull, 0x41efffffffe00000ull, 0x41effffffff00000ull, 0x41f0000000000000ull,
  0xc1f0000000000000ull, 0x43dfffffffffffffull, 0x43e0000000000000ull, 0xc3e0000000000000ull,
  0xc3e0000000000001ull, 0x43efffffffffffffull, 0x43f0000000000000ull, 0x4340000000000000ull,
  0x4330000000000000ull, 0x432fffffffffffffull, 0xc32fffffffffffffull, 0x43e158e460913d00ull,
  0xc3e158e460913d00ull, 0x3fdfffffffffffffull, 0xbfefffffffffffffull, 0x36a0000000000000ull,
  0x380fffffffffffffull, 0x3810000000000000ull, 0x47efffffe0000000ull, 0x47efffffefffffffull,
  0x47effffff0000000ull, 0x3ff0000010000000ull, 0x3ff0000030000000ull, 0x3ff0000010000001ull,
};
static const u64 cvt_x[] = {
  0, 1, ~0ull, 2, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, 0xffffffff80000000ull,
  0x7fffffffffffffffull, 0x8000000000000000ull, 0x1000001, 0xffffff, 0x1000003, 0x2000002,
  0x20000000000001ull, 0x1fffffffffffffull, 0x20000000000003ull, 0x8000008000000001ull,
  0x123456789abcdef0ull, 0xfedcba9876543210ull, 0x100000001ull, 0x1234567880000001ull,
  0x7fffff4000000000ull, 0x7fffffffffffff7full, 0xfffffffffefffffeull, 0xffffffff7fffffc0ull,
  0x0000000081000001ull,
};

/* Floats near the integer range: exponents from 2^-2 to 2^65, sometimes exact halves. */
static u64 gen_cvt(int e, int m, u64 like) {
  u64 s = rnd();
  if (s & 1) return rnd_float(e, m, like);
  u64 emax = (1ull << e) - 1, bias = emax >> 1, mmask = (1ull << m) - 1;
  u64 ex = bias - 2 + (s >> 8) % 68, man = rnd() & mmask;
  if (((s >> 20) & 1) && ex >= bias && ex - bias < (u64)m) {
    u64 fb = (u64)m - (ex - bias); /* fraction bits */
    man &= ~((1ull << fb) - 1);
    if ((s >> 21) & 1) man |= 1ull << (fb - 1);
  }
  return ((s >> 63) << (e + m)) | (ex << m) | man;
}
static u64 gen_cvt_s(u64 like) { return BOX(gen_cvt(8, 23, like & 0xffffffffull)); }
static u64 gen_cvt_d(u64 like) { return gen_cvt(11, 52, like); }
/* Integers of every bit length, either sign, and exact ties for the float formats. */
static u64 gen_int(u64 like) {
  u64 s = rnd(), v = rnd();
  int bits = (int)(s % 65);
  if (bits < 64) v &= (1ull << bits) - 1;
  if ((s >> 8) & 1) v = -v;
  if (((s >> 9) & 3) == 0) {
    int sh = 1 + (int)((s >> 12) % 38);
    v = ((((rnd() & 0x3ffffff) | 0x2000000) << sh) | (1ull << (sh - 1)));
    if ((s >> 20) & 1) v = -v;
  }
  return v;
}

static void section(const struct fpop *ops, int nops, const u64 *sp, int ns, u64 (*gen)(u64)) {
  struct oplist l;
  int nsp = build_list(&l, 1, sp, ns, 4000, gen);
  for (int k = 0; k < nops; k++) run_all_modes(&ops[k], &l);
  for (int k = 0; k < nops; k++)
    for (int m = 0; m < (ops[k].f[1] ? 5 : 1); m++) print_full(&ops[k], m, &l, nsp, opidx, 64);
}

int main(void) {
  line("fp_cvt: conversions and moves");
  section(from_s, N(from_s), cvt_s, N(cvt_s), gen_cvt_s);
  section(from_d, N(from_d), cvt_d, N(cvt_d), gen_cvt_d);
  section(from_x, N(from_x), cvt_x, N(cvt_x), gen_int);
  fp_done();
  return 0;
}
