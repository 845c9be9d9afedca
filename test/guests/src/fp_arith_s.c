/* F extension arithmetic, sign injection, min/max, compares and fclass: every instruction under
 * every rounding mode (static rne/rtz/rdn/rup/rmm with frm holding another mode, and dyn with
 * each frm value 0..4) over the special-value cross product plus random operands (xorshift64*).
 * One line per instruction x mode with the count, the OR of fflags and a hash of all (result,
 * fflags) pairs, and full result lines for parts of the special cross product. Specials 0x28..0x2a
 * are improperly NaN-boxed patterns, which every instruction here must read as the canonical NaN. */
#include "fp.h"

RM6(fadd_s, "fadd.s ft3, ft0, ft1", TOX)
RM6(fsub_s, "fsub.s ft3, ft0, ft1", TOX)
RM6(fmul_s, "fmul.s ft3, ft0, ft1", TOX)
RM6(fdiv_s, "fdiv.s ft3, ft0, ft1", TOX)
RM6(fsqrt_s, "fsqrt.s ft3, ft0", TOX)
FWRAP(fmin_s, "fmin.s ft3, ft0, ft1" TOX)
FWRAP(fmax_s, "fmax.s ft3, ft0, ft1" TOX)
FWRAP(fsgnj_s, "fsgnj.s ft3, ft0, ft1" TOX)
FWRAP(fsgnjn_s, "fsgnjn.s ft3, ft0, ft1" TOX)
FWRAP(fsgnjx_s, "fsgnjx.s ft3, ft0, ft1" TOX)
FWRAP(feq_s, "feq.s %0, ft0, ft1")
FWRAP(flt_s, "flt.s %0, ft0, ft1")
FWRAP(fle_s, "fle.s %0, ft0, ft1")
FWRAP(fclass_s, "fclass.s %0, ft0")

static const struct fpop ops2[] = {
  { "fadd.s", FNS(fadd_s), 2 }, { "fsub.s", FNS(fsub_s), 2 }, { "fmul.s", FNS(fmul_s), 2 },
  { "fdiv.s", FNS(fdiv_s), 2 }, { "fmin.s", FN1(fmin_s), 2 }, { "fmax.s", FN1(fmax_s), 2 },
  { "fsgnj.s", FN1(fsgnj_s), 2 }, { "fsgnjn.s", FN1(fsgnjn_s), 2 }, { "fsgnjx.s", FN1(fsgnjx_s), 2 },
  { "feq.s", FN1(feq_s), 2 }, { "flt.s", FN1(flt_s), 2 }, { "fle.s", FN1(fle_s), 2 },
};
static const struct fpop ops1[] = { { "fsqrt.s", FNS(fsqrt_s), 1 }, { "fclass.s", FN1(fclass_s), 1 } };
#define N(a) ((int)(sizeof a / sizeof a[0]))

/* Random operands for sqrt: mostly positive. */
static u64 gen_sqrt(u64 like) { u64 v = rnd_s(like); return (rnd() & 7) ? v & ~(1ull << 31) : v; }

int main(void) {
  line("fp_arith_s: D arithmetic, sign injection, min/max, compares, fclass");
  struct oplist l;
  int nsp = build_list(&l, 2, spec_s, NSPEC_S, 4000, rnd_s);
  for (int k = 0; k < N(ops2); k++) run_all_modes(&ops2[k], &l);
  print_full(&ops2[0], 0, &l, nsp, opidx, 64);  /* fadd.s rne */
  print_full(&ops2[2], 1, &l, nsp, opidx, 64);  /* fmul.s rtz */
  print_full(&ops2[3], 3, &l, nsp, opidx, 64);  /* fdiv.s rup */
  print_full(&ops2[1], 9, &l, nsp, opidx, 24);  /* fsub.s dyn-rmm */
  for (int k = 4; k < N(ops2); k++) print_full(&ops2[k], 0, &l, nsp, opidx, 16);
  /* NaN-boxing: improperly boxed inputs (0x28..0x2a) against zeros, infinities, NaNs and 1,
   * both orders, through every two-operand instruction. */
  int n = 0;
  for (int i = 0x28; i <= 0x2a; i++)
    for (int j = 0; j < 0x12; j += (j == 7 ? 9 : 1)) {
      opa[n] = spec_s[i]; opb[n] = spec_s[j]; opc[n] = 0; opidx[n++] = (u32)(i | j << 8);
      opa[n] = spec_s[j]; opb[n] = spec_s[i]; opc[n] = 0; opidx[n++] = (u32)(j | i << 8);
    }
  l.n = n;
  for (int k = 0; k < N(ops2); k++) print_full(&ops2[k], 0, &l, n, opidx, 64);
  nsp = build_list(&l, 1, spec_s, NSPEC_S, 4000, gen_sqrt);
  for (int k = 0; k < N(ops1); k++) run_all_modes(&ops1[k], &l);
  for (int m = 0; m < 5; m++) print_full(&ops1[0], m, &l, nsp, opidx, 64);
  print_full(&ops1[1], 0, &l, nsp, opidx, 64);
  fp_done();
  return 0;
}
