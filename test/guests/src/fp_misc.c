/* F/D state and encodings: fcsr/frm/fflags CSR behaviour and flag accrual; flw/fsw/fld/fsd and
 * the compressed c.fld/c.fsd/c.fldsp/c.fsdsp (NaN-boxing by flw, raw bits through fsw and fld,
 * no flags); mstatus.FS dirty tracking (FS=Initial or Clean, then an FP state write, read FS and
 * SD); FS=Off making every FP instruction and fcsr/frm/fflags access illegal (mcause, mtval =
 * instruction bits); reserved rounding modes (rm=5,6 and dyn with frm=5,6,7) illegal, including
 * for the widening conversions whose result the rounding mode cannot change. */
#include "fp.h"

static u64 mem[64] __attribute__((aligned(16)));
static void pr(const char *name, u64 r, u64 fl) { puts_(name); puts_(" r="); puthex(r); puts_(" f="); puthex2(fl); putc_('\n'); }

/* code: %2 = mem, %3 = val; result in %0; fflags are cleared before and read after. */
#define LS(name, code, val) do { u64 r_, fl_; \
  __asm__ volatile("fsflags zero\n\t" code "\n\tfrflags %1" : "=&r"(r_), "=&r"(fl_) : "r"(mem), "r"((u64)(val)) \
    : "memory", "a0", "ft0", "ft1", "fa0", "fa1"); pr(name, r_, fl_); } while (0)

static void csrs_(void) {
  line("# fcsr, frm, fflags");
  u64 a, b, c;
  __asm__ volatile("csrw fcsr, %3\n\tfrcsr %0\n\tfrrm %1\n\tfrflags %2" : "=&r"(a), "=&r"(b), "=&r"(c) : "r"(~0ull));
  sig("fcsr.ones.fcsr", a); sig("fcsr.ones.frm", b); sig("fcsr.ones.fflags", c);
  __asm__ volatile("csrw fcsr, zero\n\tcsrw frm, %3\n\tfrcsr %0\n\tfrrm %1\n\tfrflags %2" : "=&r"(a), "=&r"(b), "=&r"(c) : "r"(~0ull));
  sig("frm.ones.fcsr", a); sig("frm.ones.frm", b); sig("frm.ones.fflags", c);
  __asm__ volatile("csrw fcsr, zero\n\tcsrw fflags, %3\n\tfrcsr %0\n\tfrrm %1\n\tfrflags %2" : "=&r"(a), "=&r"(b), "=&r"(c) : "r"(~0ull));
  sig("fflags.ones.fcsr", a); sig("fflags.ones.frm", b); sig("fflags.ones.fflags", c);
  __asm__ volatile("csrw fcsr, %3\n\tfsrm %0, %4\n\tfsflags %1, %5\n\tfrcsr %2" : "=&r"(a), "=&r"(b), "=&r"(c) : "r"(0x6bul), "r"(0x22ul), "r"(0x0cul));
  sig("fsrm.old", a); sig("fsflags.old", b); sig("swapped.fcsr", c);
  __asm__ volatile("csrw fcsr, zero\n\tcsrrsi %0, fflags, 5\n\tcsrrci %1, fflags, 1\n\tcsrrwi %2, frm, 3\n\tfrcsr %0" : "=&r"(a), "=&r"(b), "=&r"(c));
  sig("csr-imm.fcsr", a);
  /* Accrual: flags are sticky across instructions; an exact operation leaves them alone. */
  __asm__ volatile("csrw fcsr, zero\n\tfmv.d.x ft0, %3\n\tfmv.d.x ft1, zero\n\tfdiv.d ft2, ft0, ft1\n\tfrflags %0\n\t"
    "fmv.d.x ft1, %4\n\tfdiv.d ft2, ft0, ft1\n\tfrflags %1\n\tfadd.d ft2, ft0, ft0\n\tfrflags %2"
    : "=&r"(a), "=&r"(b), "=&r"(c) : "r"(0x3ff0000000000000ull), "r"(0x4008000000000000ull) : "ft0", "ft1", "ft2");
  sig("accrue.div0", a); sig("accrue.div3", b); sig("accrue.exact", c);
  /* fflags/frm/fcsr are not touched by moves, loads, sign injection or a quiet compare. */
  __asm__ volatile("csrw fcsr, %3\n\tfmv.d.x ft0, %4\n\tfsgnjn.d ft1, ft0, ft0\n\tfmv.x.d t0, ft1\n\tfeq.d t0, ft0, ft0\n\t"
    "fmv.w.x ft1, t0\n\tfrcsr %0\n\tfmv.d.x ft0, %5\n\tfeq.d t0, ft0, ft0\n\tfrcsr %1\n\tcsrw fcsr, zero\n\tflt.d t0, ft0, ft1\n\tfrcsr %2"
    : "=&r"(a), "=&r"(b), "=&r"(c) : "r"(0x40ul), "r"(0x7ff8000000000000ull), "r"(0x7ff0000000000001ull) : "t0", "ft0", "ft1");
  sig("quiet.fcsr", a); sig("feq-snan.fcsr", b); sig("flt-snan.fcsr", c);
  csr_write(fcsr, 0);
}

static void loads_stores(void) {
  line("# loads and stores");
  for (int i = 0; i < 64; i++) mem[i] = 0x1111111111111111ull * (u64)(i & 15) ^ ((u64)i << 56);
  mem[0] = 0x112233447f800001ull; mem[1] = 0x7ff0000000000001ull; mem[2] = 0x8000000080000000ull;
  mem[31] = 0xfff00000000000ffull; mem[63] = 0x3ff0000000000001ull;
  LS("flw.box-snan", "flw ft0, 0(%2)\n\tfmv.x.d %0, ft0", 0);
  LS("flw.upper", "flw ft0, 4(%2)\n\tfmv.x.d %0, ft0", 0);
  LS("flw.neg-offset", "addi a0, %2, 16\n\tflw ft0, -12(a0)\n\tfmv.x.d %0, ft0", 0);
  LS("flw.fmv.x.w-sext", "flw ft0, 16(%2)\n\tfmv.x.w %0, ft0", 0);
  LS("flw.then-fadd.s", "flw ft0, 504(%2)\n\tfadd.s ft1, ft0, ft0\n\tfmv.x.d %0, ft1", 0);
  LS("fld.snan", "fld ft0, 8(%2)\n\tfmv.x.d %0, ft0", 0);
  LS("fld.last", "fld ft0, 504(%2)\n\tfmv.x.d %0, ft0", 0);
  LS("fsw.unboxed", "fmv.d.x ft0, %3\n\tfsw ft0, 24(%2)\n\tld %0, 24(%2)", 0x123456789abcdef0ull);
  LS("fsw.boxed-snan", "fmv.d.x ft0, %3\n\tfsw ft0, 36(%2)\n\tld %0, 32(%2)", 0xffffffff7f800001ull);
  LS("fsd.snan", "fmv.d.x ft0, %3\n\tfsd ft0, 40(%2)\n\tld %0, 40(%2)", 0x7ff4000000000123ull);
  LS("fsd.neg-offset", "fmv.d.x ft0, %3\n\taddi a0, %2, 64\n\tfsd ft0, -16(a0)\n\tld %0, 48(%2)", 0x8000000000000000ull);
  LS("c.fld.8", "mv a0, %2\n\tc.fld fa0, 8(a0)\n\tfmv.x.d %0, fa0", 0);
  LS("c.fld.248", "mv a0, %2\n\tc.fld fa1, 248(a0)\n\tfmv.x.d %0, fa1", 0);
  LS("c.fsd.16", "mv a0, %2\n\tfmv.d.x fa0, %3\n\tc.fsd fa0, 16(a0)\n\tld %0, 16(%2)", 0xfff0000000000abcull);
  LS("c.fsd.240", "mv a0, %2\n\tfmv.d.x fa1, %3\n\tc.fsd fa1, 240(a0)\n\tld %0, 240(%2)", 0x0000000000000001ull);
  LS("c.fsdsp-c.fldsp.0", "addi sp, sp, -512\n\tfmv.d.x fa0, %3\n\tc.fsdsp fa0, 0(sp)\n\tc.fldsp fa1, 0(sp)\n\t"
     "addi sp, sp, 512\n\tfmv.x.d %0, fa1", 0x7ff0000000000002ull);
  LS("c.fsdsp-c.fldsp.504", "addi sp, sp, -512\n\tfmv.d.x fa0, %3\n\tc.fsdsp fa0, 504(sp)\n\tld a0, 504(sp)\n\t"
     "sd zero, 496(sp)\n\tc.fldsp fa1, 496(sp)\n\taddi sp, sp, 512\n\tfmv.x.d %0, fa1\n\txor %0, %0, a0", 0xc000000000000001ull);
  LS("c.fldsp.88", "addi sp, sp, -512\n\tsd %3, 88(sp)\n\tc.fldsp fa0, 88(sp)\n\taddi sp, sp, 512\n\tfmv.x.d %0, fa0", 0xffffffff7fa00000ull);
  /* Moves and NaN-boxing. */
  LS("fmv.w.x.box", "fmv.w.x ft0, %3\n\tfmv.x.d %0, ft0", 0xabcdef01ff800001ull);
  LS("fmv.x.w.unboxed", "fmv.d.x ft0, %3\n\tfmv.x.w %0, ft0", 0x00000000ff800001ull);
  LS("fcvt.s.d.box", "fmv.d.x ft0, %3\n\tfcvt.s.d ft1, ft0\n\tfmv.x.d %0, ft1", 0x3ff0000000000000ull);
  LS("fsgnjx.s.unboxed", "fmv.d.x ft0, %3\n\tfsgnjx.s ft1, ft0, ft0\n\tfmv.x.d %0, ft1", 0x00000000bf800000ull);
  LS("fsgnj.d.of-boxed", "fmv.d.x ft0, %3\n\tfsgnjn.d ft1, ft0, ft0\n\tfmv.x.d %0, ft1", 0xffffffff3f800000ull);
}

/* FS tracking: state = 1 (Initial), 2 (Clean) or 3 (Dirty) before the probe; prints mstatus.FS,
 * mstatus.SD and sstatus.SD after it. The whole sequence is one asm block. */
#define FSP(name, st, code) do { u64 ms_, ss_; \
  __asm__ volatile("csrc mstatus, %2\n\tcsrs mstatus, %3\n\t" code "\n\tcsrr %0, mstatus\n\tcsrr %1, sstatus" \
    : "=&r"(ms_), "=&r"(ss_) : "r"(MSTATUS_FS), "r"((u64)(st) << 13), "r"(mem) : "memory", "t0", "ft0", "ft1"); \
  puts_(name); puts_(st == 1 ? ".from-initial" : st == 2 ? ".from-clean" : ".from-dirty"); \
  puts_(": fs="); puthex2((ms_ >> 13) & 3); puts_(" sd="); puthex2(ms_ >> 63); puts_(" sstatus.sd="); puthex2(ss_ >> 63); \
  puts_(" sstatus.fs="); puthex2((ss_ >> 13) & 3); putc_('\n'); } while (0)

static void fs_tracking(void) {
  line("# mstatus.FS dirty tracking");
  for (int st = 1; st <= 3; st++) {
    FSP("nothing", st, "nop");
    FSP("fadd.d", st, "fadd.d ft0, ft1, ft1");
    FSP("fadd.s", st, "fadd.s ft0, ft1, ft1");
    FSP("fmv.w.x", st, "fmv.w.x ft0, zero");
    FSP("fmv.d.x", st, "fmv.d.x ft0, zero");
    FSP("fcvt.d.l", st, "fcvt.d.l ft0, zero");
    FSP("flw", st, "flw ft0, 0(%4)");
    FSP("fld", st, "fld ft0, 0(%4)");
    FSP("csrw-fflags", st, "csrw fflags, zero");
    FSP("csrw-frm", st, "csrw frm, zero");
    FSP("csrw-fcsr", st, "csrw fcsr, zero");
    FSP("fsflags", st, "fsflags t0, zero");
    FSP("fsrm", st, "fsrm t0, zero");
  }
  csr_write(fcsr, 0);
}

#define TRY(name, code) do { fp_reset_trap(); \
  __asm__ volatile("mv a0, %0\n\t" code :: "r"(mem) : "memory", "t0", "a0", "ft0", "ft1", "ft2", "fa0", "fa1"); \
  fp_report_trap(name); } while (0)

static void fs_off(void) {
  line("# mstatus.FS = Off: every FP instruction and fcsr access is illegal");
  csr_clear(mstatus, MSTATUS_FS);
  TRY("fadd.s", "fadd.s ft0, ft1, ft2");
  TRY("fadd.d", "fadd.d ft0, ft1, ft2, rtz");
  TRY("fsub.d", "fsub.d ft0, ft1, ft2");
  TRY("fmul.s", "fmul.s ft0, ft1, ft2");
  TRY("fdiv.d", "fdiv.d ft0, ft1, ft2");
  TRY("fsqrt.s", "fsqrt.s ft0, ft1");
  TRY("fmin.d", "fmin.d ft0, ft1, ft2");
  TRY("fmax.s", "fmax.s ft0, ft1, ft2");
  TRY("fmadd.s", "fmadd.s ft0, ft1, ft2, ft0");
  TRY("fmsub.d", "fmsub.d ft0, ft1, ft2, ft0");
  TRY("fnmadd.d", "fnmadd.d ft0, ft1, ft2, ft0");
  TRY("fnmsub.s", "fnmsub.s ft0, ft1, ft2, ft0");
  TRY("fsgnj.s", "fsgnj.s ft0, ft1, ft2");
  TRY("fsgnjn.d", "fsgnjn.d ft0, ft1, ft2");
  TRY("fsgnjx.s", "fsgnjx.s ft0, ft1, ft2");
  TRY("feq.s", "feq.s t0, ft1, ft2");
  TRY("flt.d", "flt.d t0, ft1, ft2");
  TRY("fle.s", "fle.s t0, ft1, ft2");
  TRY("fclass.d", "fclass.d t0, ft1");
  TRY("fcvt.w.s", "fcvt.w.s t0, ft1");
  TRY("fcvt.lu.d", "fcvt.lu.d t0, ft1");
  TRY("fcvt.s.l", "fcvt.s.l ft0, t0");
  TRY("fcvt.d.wu", "fcvt.d.wu ft0, t0");
  TRY("fcvt.s.d", "fcvt.s.d ft0, ft1");
  TRY("fcvt.d.s", "fcvt.d.s ft0, ft1");
  TRY("fmv.x.w", "fmv.x.w t0, ft1");
  TRY("fmv.w.x", "fmv.w.x ft0, t0");
  TRY("fmv.x.d", "fmv.x.d t0, ft1");
  TRY("fmv.d.x", "fmv.d.x ft0, t0");
  TRY("flw", "flw ft0, 0(a0)");
  TRY("fsw", "fsw ft0, 0(a0)");
  TRY("fld", "fld ft0, 0(a0)");
  TRY("fsd", "fsd ft0, 0(a0)");
  TRY("c.fld", "c.fld fa0, 8(a0)");
  TRY("c.fsd", "c.fsd fa0, 8(a0)");
  TRY("c.fldsp", "c.fldsp fa0, 8(sp)");
  TRY("c.fsdsp", "addi sp, sp, -16\n\tc.fsdsp fa0, 8(sp)\n\taddi sp, sp, 16");
  TRY("csrr-fflags", "frflags t0");
  TRY("csrr-frm", "frrm t0");
  TRY("csrr-fcsr", "frcsr t0");
  TRY("csrw-fflags", "fsflags zero");
  TRY("csrw-frm", "fsrm zero");
  TRY("csrw-fcsr", "fscsr zero");
  TRY("csrrsi-fflags", "csrrsi t0, fflags, 1");
  TRY("csrrci-frm", "csrrci t0, frm, 0");
  TRY("csrrs-fcsr-x0", "csrrs t0, fcsr, x0");
  sig("mstatus.fs.after", (csr_read(mstatus) >> 13) & 3);
  sig("mstatus.sd.after", csr_read(mstatus) >> 63);
  csr_set(mstatus, 1ul << 13);
}

static void reserved_rm(void) {
  line("# reserved rounding modes: rm=5, 6; dyn with frm=5, 6, 7");
  csr_write(fcsr, 0);
  TRY("fadd.s.rm5", ".insn r 0x53, 5, 0x00, ft0, ft1, ft2");
  TRY("fadd.d.rm6", ".insn r 0x53, 6, 0x01, ft0, ft1, ft2");
  TRY("fmul.d.rm5", ".insn r 0x53, 5, 0x09, ft0, ft1, ft2");
  TRY("fdiv.s.rm6", ".insn r 0x53, 6, 0x0c, ft0, ft1, ft2");
  TRY("fsqrt.d.rm5", ".insn r 0x53, 5, 0x2d, ft0, ft1, x0");
  TRY("fcvt.w.s.rm6", ".insn r 0x53, 6, 0x60, t0, ft1, x0");
  TRY("fcvt.lu.d.rm5", ".insn r 0x53, 5, 0x61, t0, ft1, x3");
  TRY("fcvt.s.w.rm5", ".insn r 0x53, 5, 0x68, ft0, t0, x0");
  TRY("fcvt.s.d.rm6", ".insn r 0x53, 6, 0x20, ft0, ft1, x1");
  TRY("fcvt.d.s.rm5", ".insn r 0x53, 5, 0x21, ft0, ft1, x0");
  TRY("fcvt.d.s.rm6", ".insn r 0x53, 6, 0x21, ft0, ft1, x0");
  TRY("fcvt.d.w.rm5", ".insn r 0x53, 5, 0x69, ft0, t0, x0");
  TRY("fcvt.d.wu.rm6", ".insn r 0x53, 6, 0x69, ft0, t0, x1");
  TRY("fmadd.d.rm5", ".insn r4 0x43, 5, 1, ft0, ft1, ft2, ft0");
  TRY("fnmsub.s.rm6", ".insn r4 0x4b, 6, 0, ft0, ft1, ft2, ft0");
  for (u64 frm = 5; frm <= 7; frm++) {
    set_frm(frm);
    puts_("frm="); puthex2(frm); putc_('\n');
    TRY("fadd.d.dyn", "fadd.d ft0, ft1, ft2, dyn");
    TRY("fsqrt.s.dyn", "fsqrt.s ft0, ft1, dyn");
    TRY("fmsub.d.dyn", "fmsub.d ft0, ft1, ft2, ft0, dyn");
    TRY("fcvt.l.s.dyn", "fcvt.l.s t0, ft1, dyn");
    TRY("fcvt.d.lu.dyn", "fcvt.d.lu ft0, t0, dyn");
    TRY("fcvt.d.s.dyn", ".insn r 0x53, 7, 0x21, ft0, ft1, x0");
    TRY("fcvt.d.w.dyn", ".insn r 0x53, 7, 0x69, ft0, t0, x0");
    /* No rm field: legal whatever frm holds. */
    TRY("fmin.s", "fmin.s ft0, ft1, ft2");
    TRY("fsgnj.d", "fsgnj.d ft0, ft1, ft2");
    TRY("feq.d", "feq.d t0, ft1, ft2");
    TRY("fclass.s", "fclass.s t0, ft1");
    TRY("fmv.x.d", "fmv.x.d t0, ft1");
    /* Static rm: frm does not matter. */
    TRY("fadd.d.rne", "fadd.d ft0, ft1, ft2, rne");
    TRY("fcvt.w.d.rmm", "fcvt.w.d t0, ft1, rmm");
    TRY("csrr-frm", "frrm t0");
  }
  csr_write(fcsr, 0);
}

int main(void) {
  line("fp_misc: fcsr, loads/stores, NaN-boxing, mstatus.FS, reserved rounding modes");
  csrs_();
  loads_stores();
  fs_tracking();
  fs_off();
  reserved_rm();
  fp_done();
  return 0;
}
