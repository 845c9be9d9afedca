/* RV64M: every multiply/divide instruction over the edge values of ops.h: overflow, division by
 * zero (quotient all ones, remainder = dividend), INT_MIN / -1 (quotient INT_MIN, remainder 0) for
 * 64-bit and *w forms, sign extension of *w results, mulh/mulhsu/mulhu with signed extremes. */
#include "ops.h"

RR(f_mul, "mul") RR(f_mulh, "mulh") RR(f_mulhsu, "mulhsu") RR(f_mulhu, "mulhu")
RR(f_div, "div") RR(f_divu, "divu") RR(f_rem, "rem") RR(f_remu, "remu")
RR(f_mulw, "mulw") RR(f_divw, "divw") RR(f_divuw, "divuw") RR(f_remw, "remw") RR(f_remuw, "remuw")

static const struct rr ops[] = {
  RRX(f_mul, "mul"), RRX(f_mulh, "mulh"), RRX(f_mulhsu, "mulhsu"), RRX(f_mulhu, "mulhu"),
  RRX(f_div, "div"), RRX(f_divu, "divu"), RRX(f_rem, "rem"), RRX(f_remu, "remu"),
  RRX(f_mulw, "mulw"), RRX(f_divw, "divw"), RRX(f_divuw, "divuw"), RRX(f_remw, "remw"), RRX(f_remuw, "remuw"),
};

int main(void) {
  line("muldiv: RV64M");
  run_rr(ops, sizeof ops / sizeof ops[0]);
  /* Self-checks of the cases the spec fixes (unprivileged spec, "Division Operations" table). */
  int bad = 0;
  bad |= f_div(5, 0) != ~0ull;
  bad |= f_divu(5, 0) != ~0ull;
  bad |= f_rem(5, 0) != 5;
  bad |= f_remu(5, 0) != 5;
  bad |= f_div(0x8000000000000000ull, ~0ull) != 0x8000000000000000ull;
  bad |= f_rem(0x8000000000000000ull, ~0ull) != 0;
  bad |= f_divw(0x80000000ull, ~0ull) != 0xffffffff80000000ull;
  bad |= f_remw(0x80000000ull, ~0ull) != 0;
  bad |= f_divuw(0x100000005ull, 0) != ~0ull;
  bad |= f_remuw(0x1fffffff5ull, 0) != 0xfffffffffffffff5ull; /* rem by zero = sext(dividend[31:0]) */
  bad |= f_mulh(0x8000000000000000ull, 0x8000000000000000ull) != 0x4000000000000000ull;
  bad |= f_mulhsu(~0ull, ~0ull) != ~0ull;
  bad |= f_mulhu(~0ull, ~0ull) != 0xfffffffffffffffeull;
  line(bad ? "FAIL" : "PASS");
  return bad;
}
