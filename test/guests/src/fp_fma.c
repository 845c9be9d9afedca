/* Fused multiply-add (fmadd/fmsub/fnmadd/fnmsub, .s and .d) under every rounding mode (static and
 * dyn with each frm value) over a 16-value special cross product (4096 triples, including
 * inf*0+qNaN, which must raise NV) plus random triples, a third of them with the addend close to
 * -(a*b) (massive cancellation, exact zeros and their signs, sticky bits). One hash line per
 * instruction x mode and full lines for parts of the special cross product. */
#include "fp.h"

RM6(fmadd_d, "fmadd.d ft3, ft0, ft1, ft2", TOX)
RM6(fmsub_d, "fmsub.d ft3, ft0, ft1, ft2", TOX)
RM6(fnmadd_d, "fnmadd.d ft3, ft0, ft1, ft2", TOX)
RM6(fnmsub_d, "fnmsub.d ft3, ft0, ft1, ft2", TOX)
RM6(fmadd_s, "fmadd.s ft3, ft0, ft1, ft2", TOX)
RM6(fmsub_s, "fmsub.s ft3, ft0, ft1, ft2", TOX)
RM6(fnmadd_s, "fnmadd.s ft3, ft0, ft1, ft2", TOX)
RM6(fnmsub_s, "fnmsub.s ft3, ft0, ft1, ft2", TOX)

static const struct fpop ops_d[] = {
  { "fmadd.d", FNS(fmadd_d), 3 }, { "fmsub.d", FNS(fmsub_d), 3 },
  { "fnmadd.d", FNS(fnmadd_d), 3 }, { "fnmsub.d", FNS(fnmsub_d), 3 },
};
static const struct fpop ops_s[] = {
  { "fmadd.s", FNS(fmadd_s), 3 }, { "fmsub.s", FNS(fmsub_s), 3 },
  { "fnmadd.s", FNS(fnmadd_s), 3 }, { "fnmsub.s", FNS(fnmsub_s), 3 },
};

static const u64 sp3_d[16] = {
  0x0000000000000000ull, 0x8000000000000000ull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
  0x7ff800000000beefull, 0xfff0000000000dadull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
  0x0000000000000001ull, 0x800fffffffffffffull, 0x0010000000000000ull, 0x7fefffffffffffffull,
  0xffefffffffffffffull, 0x3ff0000000000001ull, 0x3ca0000000000000ull, 0x3ff8000000000000ull,
};
/* The last one is improperly NaN-boxed (reads as the canonical NaN). */
static const u64 sp3_s[16] = {
  BOX(0x00000000), BOX(0x80000000), BOX(0x7f800000), BOX(0xff800000),
  BOX(0x7fc0beef), BOX(0xff800dad), BOX(0x3f800000), BOX(0xbf800000),
  BOX(0x00000001), BOX(0x807fffff), BOX(0x00800000), BOX(0x7f7fffff),
  BOX(0xff7fffff), BOX(0x3f800001), BOX(0x33000000), 0x000000003fc00000ull,
};

/* An addend near -(a*b) (or +(a*b)): the product's leading bits computed with integers, the low
 * bits perturbed. e/m: exponent and mantissa widths. */
static u64 near_product(int e, int m, u64 a, u64 b) {
  u64 emax = (1ull << e) - 1, bias = emax >> 1, mmask = (1ull << m) - 1;
  u64 ea = (a >> m) & emax, eb = (b >> m) & emax;
  if (ea == 0 || eb == 0 || ea == emax || eb == emax) return rnd_float(e, m, a);
  unsigned __int128 p = (unsigned __int128)((a & mmask) | (1ull << m)) * ((b & mmask) | (1ull << m));
  u64 hi = (u64)(p >> 64), lo = (u64)p; /* constant shifts only: no libgcc here */
  int sh = 2 * m + 1, top = (int)((sh >= 64 ? hi >> (sh - 64) : lo >> sh) & 1);
  sh = m + top;
  u64 mc = (hi << (64 - sh)) | (lo >> sh);
  s64 ec = (s64)(ea + eb) - (s64)bias + top;
  if (ec <= 0 || ec >= (s64)emax) return rnd_float(e, m, a);
  u64 s = rnd();
  if (s & 1) mc ^= (s >> 8) & 3;
  else if (s & 2) mc += (s >> 8) & 1;
  if ((s >> 4 & 3) == 0 && ec > 1) { ec--; mc = (mc << 1) | ((s >> 12) & 1); } /* half the product */
  u64 sign = ((a ^ b) >> (e + m)) & 1;
  if (s & 0x100000) sign ^= 1;
  return (sign << (e + m)) | ((u64)ec << m) | (mc & mmask);
}

static u64 prec_is_s;
static void build_fma(struct oplist *l, const u64 *sp, int nrand) {
  int n = 0;
  for (int i = 0; i < 16; i++) for (int j = 0; j < 16; j++) for (int k = 0; k < 16; k++) {
    opa[n] = sp[i]; opb[n] = sp[j]; opc[n] = sp[k]; opidx[n++] = (u32)(i | j << 8 | k << 16);
  }
  for (int i = 0; i < nrand; i++, n++) {
    if (prec_is_s) {
      opa[n] = rnd_s(0); opb[n] = rnd_s(opa[n]);
      opc[n] = (rnd() % 3) ? rnd_s(rnd() & 1 ? opa[n] : opb[n]) : BOX(near_product(8, 23, (u32)opa[n], (u32)opb[n]));
    } else {
      opa[n] = rnd_d(0); opb[n] = rnd_d(opa[n]);
      opc[n] = (rnd() % 3) ? rnd_d(rnd() & 1 ? opa[n] : opb[n]) : near_product(11, 52, opa[n], opb[n]);
    }
  }
  l->n = n; l->a = opa; l->b = opb; l->c = opc;
}

int main(void) {
  line("fp_fma: fused multiply-add, .d and .s, all rounding modes");
  struct oplist l;
  build_fma(&l, sp3_d, 1900);
  for (int k = 0; k < 4; k++) run_all_modes(&ops_d[k], &l);
  print_full(&ops_d[0], 0, &l, 4096, opidx, 12);  /* fmadd.d rne */
  print_full(&ops_d[3], 2, &l, 4096, opidx, 7);   /* fnmsub.d rdn */
  print_full(&ops_d[1], 4, &l, 4096, opidx, 7);   /* fmsub.d rmm */
  prec_is_s = 1;
  build_fma(&l, sp3_s, 1900);
  for (int k = 0; k < 4; k++) run_all_modes(&ops_s[k], &l);
  print_full(&ops_s[0], 1, &l, 4096, opidx, 12);  /* fmadd.s rtz */
  print_full(&ops_s[2], 8, &l, 4096, opidx, 7);   /* fnmadd.s dyn-rup */
  fp_done();
  return 0;
}
