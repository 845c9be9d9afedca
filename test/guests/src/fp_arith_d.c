/* D extension arithmetic, sign injection, min/max, compares and fclass: every instruction under
 * every rounding mode (static rne/rtz/rdn/rup/rmm with frm holding another mode, and dyn with
 * each frm value 0..4) over the special-value cross product plus random operands (xorshift64*).
 * One line per instruction x mode with the count, the OR of fflags and a hash of all (result,
 * fflags) pairs, and full result lines for parts of the special cross product. */
#include "fp.h"

RM6(fadd_d, "fadd.d ft3, ft0, ft1", TOX)
RM6(fsub_d, "fsub.d ft3, ft0, ft1", TOX)
RM6(fmul_d, "fmul.d ft3, ft0, ft1", TOX)
RM6(fdiv_d, "fdiv.d ft3, ft0, ft1", TOX)
RM6(fsqrt_d, "fsqrt.d ft3, ft0", TOX)
FWRAP(fmin_d, "fmin.d ft3, ft0, ft1" TOX)
FWRAP(fmax_d, "fmax.d ft3, ft0, ft1" TOX)
FWRAP(fsgnj_d, "fsgnj.d ft3, ft0, ft1" TOX)
FWRAP(fsgnjn_d, "fsgnjn.d ft3, ft0, ft1" TOX)
FWRAP(fsgnjx_d, "fsgnjx.d ft3, ft0, ft1" TOX)
FWRAP(feq_d, "feq.d %0, ft0, ft1")
FWRAP(flt_d, "flt.d %0, ft0, ft1")
FWRAP(fle_d, "fle.d %0, ft0, ft1")
FWRAP(fclass_d, "fclass.d %0, ft0")

static const struct fpop ops2[] = {
  { "fadd.d", FNS(fadd_d), 2 }, { "fsub.d", FNS(fsub_d), 2 }, { "fmul.d", FNS(fmul_d), 2 },
  { "fdiv.d", FNS(fdiv_d), 2 }, { "fmin.d", FN1(fmin_d), 2 }, { "fmax.d", FN1(fmax_d), 2 },
  { "fsgnj.d", FN1(fsgnj_d), 2 }, { "fsgnjn.d", FN1(fsgnjn_d), 2 }, { "fsgnjx.d", FN1(fsgnjx_d), 2 },
  { "feq.d", FN1(feq_d), 2 }, { "flt.d", FN1(flt_d), 2 }, { "fle.d", FN1(fle_d), 2 },
};
static const struct fpop ops1[] = { { "fsqrt.d", FNS(fsqrt_d), 1 }, { "fclass.d", FN1(fclass_d), 1 } };
#define N(a) ((int)(sizeof a / sizeof a[0]))

/* Random operands for sqrt: mostly positive. */
static u64 gen_sqrt(u64 like) { u64 v = rnd_d(like); return (rnd() & 7) ? v & ~(1ull << 63) : v; }

int main(void) {
  line("fp_arith_d: D arithmetic, sign injection, min/max, compares, fclass");
  struct oplist l;
  int nsp = build_list(&l, 2, spec_d, NSPEC_D, 4000, rnd_d);
  for (int k = 0; k < N(ops2); k++) run_all_modes(&ops2[k], &l);
  print_full(&ops2[0], 0, &l, nsp, opidx, 64);  /* fadd.d rne */
  print_full(&ops2[2], 1, &l, nsp, opidx, 64);  /* fmul.d rtz */
  print_full(&ops2[3], 3, &l, nsp, opidx, 64);  /* fdiv.d rup */
  print_full(&ops2[1], 9, &l, nsp, opidx, 24);  /* fsub.d dyn-rmm */
  for (int k = 4; k < N(ops2); k++) print_full(&ops2[k], 0, &l, nsp, opidx, 16);
  nsp = build_list(&l, 1, spec_d, NSPEC_D, 4000, gen_sqrt);
  for (int k = 0; k < N(ops1); k++) run_all_modes(&ops1[k], &l);
  for (int m = 0; m < 5; m++) print_full(&ops1[0], m, &l, nsp, opidx, 64);
  print_full(&ops1[1], 0, &l, nsp, opidx, 64);
  fp_done();
  return 0;
}
