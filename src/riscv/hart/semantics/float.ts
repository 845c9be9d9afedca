// F and D semantics (unprivileged spec, "F" and "D" chapters) over the bit-exact soft-float unit
// in riscv/fpu. f registers hold raw 64-bit patterns as int32 halves (h.f[2r] low, h.f[2r+1]
// high); a single is NaN-boxed (high half all ones) and an improperly boxed single input reads as
// the canonical NaN (D chapter, "NaN Boxing of Narrower Values").
//
// mstatus.FS: Off makes every F/D instruction illegal; writing an f register or raising a flag
// sets it Dirty (privileged spec, "Extension Context Status in mstatus").
import type { ExecFn, Op } from '../op';
import type { Hart } from '../hart';
import * as F from '../../fpu';

type Table = Record<string, ExecFn>;

/** FS must not be Off; raises illegal instruction and returns false otherwise. */
function fpOn(h: Hart, op: Op): boolean {
  if (h.csr.fpEnabled()) return true;
  h.illegal(op); // always illegal, never virtual (hypervisor.adoc: FS deviates from HS-qualified)
  return false;
}

/** The effective rounding mode: rm, or frm when rm = 7 (dyn); reserved modes are illegal. */
function roundingMode(h: Hart, op: Op): number {
  const rm = op.rm === 7 ? (h.csr.fcsr >>> 5) & 7 : op.rm;
  if (rm > 4) { h.illegal(op); return -1; }
  return rm;
}

/** Accrues the flags the last operation raised into fflags. */
function accrue(h: Hart): void {
  const fl = F.takeFflags();
  if (fl !== 0) { h.csr.fcsr |= fl; h.csr.dirtyFp(); }
}

function setD(h: Hart, r: number, lo: number, hi: number): void {
  h.f[r << 1] = lo; h.f[(r << 1) + 1] = hi;
  h.csr.dirtyFp();
}

function setS(h: Hart, r: number, v: number): void {
  h.f[r << 1] = v; h.f[(r << 1) + 1] = -1; // NaN-boxed
  h.csr.dirtyFp();
}

function setX(h: Hart, op: Op, lo: number, hi: number): void {
  const d = op.rd << 1;
  h.x[d] = lo; h.x[d + 1] = hi;
}

/** Single operand r, unboxed. */
const s = (h: Hart, r: number): number => F.unboxF32(h.f[r << 1], h.f[(r << 1) + 1]);
const dlo = (h: Hart, r: number): number => h.f[r << 1];
const dhi = (h: Hart, r: number): number => h.f[(r << 1) + 1];

// ---- builders for the regular shapes

type S2 = (a: number, b: number, rm: number) => number;
type D2 = (alo: number, ahi: number, blo: number, bhi: number, rm: number) => number;

function arithS(fn: S2): ExecFn {
  return (h, op) => {
    if (!fpOn(h, op)) return;
    const rm = roundingMode(h, op); if (rm < 0) return;
    const r = fn(s(h, op.rs1), s(h, op.rs2), rm);
    accrue(h); setS(h, op.frd, r);
  };
}

function arithD(fn: D2): ExecFn {
  return (h, op) => {
    if (!fpOn(h, op)) return;
    const rm = roundingMode(h, op); if (rm < 0) return;
    const lo = fn(dlo(h, op.rs1), dhi(h, op.rs1), dlo(h, op.rs2), dhi(h, op.rs2), rm);
    const hi = F.resHi;
    accrue(h); setD(h, op.frd, lo, hi);
  };
}

/** Operations without a rounding mode (min/max): same shapes, rm ignored. */
function noRmS(fn: (a: number, b: number) => number): ExecFn {
  return (h, op) => {
    if (!fpOn(h, op)) return;
    const r = fn(s(h, op.rs1), s(h, op.rs2));
    accrue(h); setS(h, op.frd, r);
  };
}

function noRmD(fn: (alo: number, ahi: number, blo: number, bhi: number) => number): ExecFn {
  return (h, op) => {
    if (!fpOn(h, op)) return;
    const lo = fn(dlo(h, op.rs1), dhi(h, op.rs1), dlo(h, op.rs2), dhi(h, op.rs2));
    const hi = F.resHi;
    accrue(h); setD(h, op.frd, lo, hi);
  };
}

function fmaS(negProduct: number, negAddend: number): ExecFn {
  return (h, op) => {
    if (!fpOn(h, op)) return;
    const rm = roundingMode(h, op); if (rm < 0) return;
    const r = F.f32fma(s(h, op.rs1), s(h, op.rs2), s(h, op.rs3), rm, negProduct, negAddend);
    accrue(h); setS(h, op.frd, r);
  };
}

function fmaD(negProduct: number, negAddend: number): ExecFn {
  return (h, op) => {
    if (!fpOn(h, op)) return;
    const rm = roundingMode(h, op); if (rm < 0) return;
    const lo = F.f64fma(dlo(h, op.rs1), dhi(h, op.rs1), dlo(h, op.rs2), dhi(h, op.rs2), dlo(h, op.rs3), dhi(h, op.rs3), rm, negProduct, negAddend);
    const hi = F.resHi;
    accrue(h); setD(h, op.frd, lo, hi);
  };
}

function cmpS(fn: (a: number, b: number) => number): ExecFn {
  return (h, op) => {
    if (!fpOn(h, op)) return;
    const r = fn(s(h, op.rs1), s(h, op.rs2));
    accrue(h); setX(h, op, r, 0);
  };
}

function cmpD(fn: (alo: number, ahi: number, blo: number, bhi: number) => number): ExecFn {
  return (h, op) => {
    if (!fpOn(h, op)) return;
    const r = fn(dlo(h, op.rs1), dhi(h, op.rs1), dlo(h, op.rs2), dhi(h, op.rs2));
    accrue(h); setX(h, op, r, 0);
  };
}

/** FCVT to a 32-bit integer: the result is sign-extended to XLEN, also for the unsigned forms. */
function toW(fromS: boolean, fn: (a: number, b: number, rm: number) => number): ExecFn {
  return (h, op) => {
    if (!fpOn(h, op)) return;
    const rm = roundingMode(h, op); if (rm < 0) return;
    const r = fromS ? fn(s(h, op.rs1), rm, 0) : fn(dlo(h, op.rs1), dhi(h, op.rs1), rm);
    accrue(h); setX(h, op, r, r >> 31);
  };
}

function toL(fromS: boolean, fn: (a: number, b: number, rm: number) => number): ExecFn {
  return (h, op) => {
    if (!fpOn(h, op)) return;
    const rm = roundingMode(h, op); if (rm < 0) return;
    const lo = fromS ? fn(s(h, op.rs1), rm, 0) : fn(dlo(h, op.rs1), dhi(h, op.rs1), rm);
    const hi = F.resHi;
    accrue(h); setX(h, op, lo, hi);
  };
}

/** FCVT from an integer register: W forms take the low 32 bits, L forms all 64. */
function fromInt(toD: boolean, wide: boolean, fn: (a: number, b: number, rm: number) => number): ExecFn {
  return (h, op) => {
    if (!fpOn(h, op)) return;
    const rm = roundingMode(h, op); if (rm < 0) return;
    const a = op.rs1 << 1;
    const lo = wide ? fn(h.x[a], h.x[a + 1], rm) : fn(h.x[a], rm, 0);
    const hi = F.resHi;
    accrue(h);
    if (toD) setD(h, op.frd, lo, hi); else setS(h, op.frd, lo);
  };
}

/** Sign injection (FSGNJ/FSGNJN/FSGNJX): pure bit operations, no flags. */
function sgnjS(kind: 0 | 1 | 2): ExecFn {
  return (h, op) => {
    if (!fpOn(h, op)) return;
    const a = s(h, op.rs1), b = s(h, op.rs2);
    const sign = kind === 0 ? b & 0x80000000 : kind === 1 ? ~b & 0x80000000 : (a ^ b) & 0x80000000;
    setS(h, op.frd, (a & 0x7fffffff) | sign);
  };
}

function sgnjD(kind: 0 | 1 | 2): ExecFn {
  return (h, op) => {
    if (!fpOn(h, op)) return;
    const ahi = dhi(h, op.rs1), bhi = dhi(h, op.rs2);
    const sign = kind === 0 ? bhi & 0x80000000 : kind === 1 ? ~bhi & 0x80000000 : (ahi ^ bhi) & 0x80000000;
    setD(h, op.frd, dlo(h, op.rs1), (ahi & 0x7fffffff) | sign);
  };
}

function effAddr(h: Hart, op: Op): number {
  const a = op.rs1 << 1, lo = (h.x[a] + op.imm) | 0;
  eaHi = (h.x[a + 1] + (op.imm >> 31) + (((lo >>> 0) < (h.x[a] >>> 0)) as unknown as number)) | 0;
  return lo;
}
let eaHi = 0;

export const float: Table = {
  flw(h, op) { if (!fpOn(h, op)) return; const lo = effAddr(h, op); const v = h.load32(lo, eaHi); if (h.exc >= 0) return; setS(h, op.frd, v); },
  fld(h, op) { if (!fpOn(h, op)) return; const lo = effAddr(h, op); const v = h.load64(lo, eaHi); if (h.exc >= 0) return; setD(h, op.frd, v, h.hi); },
  fsw(h, op) { if (!fpOn(h, op)) return; const lo = effAddr(h, op); h.store32(lo, eaHi, h.f[op.rs2 << 1]); },
  fsd(h, op) { if (!fpOn(h, op)) return; const lo = effAddr(h, op); h.store64(lo, eaHi, h.f[op.rs2 << 1], h.f[(op.rs2 << 1) + 1]); },

  'fadd.s': arithS(F.f32add), 'fsub.s': arithS(F.f32sub), 'fmul.s': arithS(F.f32mul), 'fdiv.s': arithS(F.f32div),
  'fadd.d': arithD(F.f64add), 'fsub.d': arithD(F.f64sub), 'fmul.d': arithD(F.f64mul), 'fdiv.d': arithD(F.f64div),
  'fsqrt.s'(h, op) {
    if (!fpOn(h, op)) return;
    const rm = roundingMode(h, op); if (rm < 0) return;
    const r = F.f32sqrt(s(h, op.rs1), rm);
    accrue(h); setS(h, op.frd, r);
  },
  'fsqrt.d'(h, op) {
    if (!fpOn(h, op)) return;
    const rm = roundingMode(h, op); if (rm < 0) return;
    const lo = F.f64sqrt(dlo(h, op.rs1), dhi(h, op.rs1), rm), hi = F.resHi;
    accrue(h); setD(h, op.frd, lo, hi);
  },
  'fmin.s': noRmS(F.f32min), 'fmax.s': noRmS(F.f32max),
  'fmin.d': noRmD(F.f64min), 'fmax.d': noRmD(F.f64max),

  // FMADD: a·b + c; FMSUB: a·b − c; FNMSUB: −a·b + c; FNMADD: −a·b − c.
  'fmadd.s': fmaS(0, 0), 'fmsub.s': fmaS(0, 1), 'fnmsub.s': fmaS(1, 0), 'fnmadd.s': fmaS(1, 1),
  'fmadd.d': fmaD(0, 0), 'fmsub.d': fmaD(0, 1), 'fnmsub.d': fmaD(1, 0), 'fnmadd.d': fmaD(1, 1),

  'fsgnj.s': sgnjS(0), 'fsgnjn.s': sgnjS(1), 'fsgnjx.s': sgnjS(2),
  'fsgnj.d': sgnjD(0), 'fsgnjn.d': sgnjD(1), 'fsgnjx.d': sgnjD(2),

  'feq.s': cmpS(F.f32eq), 'flt.s': cmpS(F.f32lt), 'fle.s': cmpS(F.f32le),
  'feq.d': cmpD(F.f64eq), 'flt.d': cmpD(F.f64lt), 'fle.d': cmpD(F.f64le),
  'fclass.s'(h, op) { if (!fpOn(h, op)) return; setX(h, op, F.f32class(s(h, op.rs1)), 0); },
  'fclass.d'(h, op) { if (!fpOn(h, op)) return; setX(h, op, F.f64class(dlo(h, op.rs1), dhi(h, op.rs1)), 0); },

  'fcvt.w.s': toW(true, (a, rm) => F.f32toI32(a, rm)), 'fcvt.wu.s': toW(true, (a, rm) => F.f32toU32(a, rm)),
  'fcvt.l.s': toL(true, (a, rm) => F.f32toI64(a, rm)), 'fcvt.lu.s': toL(true, (a, rm) => F.f32toU64(a, rm)),
  'fcvt.w.d': toW(false, F.f64toI32), 'fcvt.wu.d': toW(false, F.f64toU32),
  'fcvt.l.d': toL(false, F.f64toI64), 'fcvt.lu.d': toL(false, F.f64toU64),
  'fcvt.s.w': fromInt(false, false, (a, rm) => F.i32toF32(a, rm)), 'fcvt.s.wu': fromInt(false, false, (a, rm) => F.u32toF32(a, rm)),
  'fcvt.s.l': fromInt(false, true, F.i64toF32), 'fcvt.s.lu': fromInt(false, true, F.u64toF32),
  'fcvt.d.w': fromInt(true, false, (a, rm) => F.i32toF64(a, rm)), 'fcvt.d.wu': fromInt(true, false, (a, rm) => F.u32toF64(a, rm)),
  'fcvt.d.l': fromInt(true, true, F.i64toF64), 'fcvt.d.lu': fromInt(true, true, F.u64toF64),
  'fcvt.s.d'(h, op) {
    if (!fpOn(h, op)) return;
    const rm = roundingMode(h, op); if (rm < 0) return;
    const r = F.f64toF32(dlo(h, op.rs1), dhi(h, op.rs1), rm);
    accrue(h); setS(h, op.frd, r);
  },
  'fcvt.d.s'(h, op) {
    if (!fpOn(h, op)) return;
    const rm = roundingMode(h, op); if (rm < 0) return;
    const lo = F.f32toF64(s(h, op.rs1)), hi = F.resHi;
    accrue(h); setD(h, op.frd, lo, hi);
  },

  // Moves copy bits: FMV.X.W sign-extends the low 32 bits (whatever the boxing), FMV.W.X boxes.
  'fmv.x.w'(h, op) { if (!fpOn(h, op)) return; const v = h.f[op.rs1 << 1]; setX(h, op, v, v >> 31); },
  'fmv.w.x'(h, op) { if (!fpOn(h, op)) return; setS(h, op.frd, h.x[op.rs1 << 1]); },
  'fmv.x.d'(h, op) { if (!fpOn(h, op)) return; setX(h, op, dlo(h, op.rs1), dhi(h, op.rs1)); },
  'fmv.d.x'(h, op) { if (!fpOn(h, op)) return; const a = op.rs1 << 1; setD(h, op.frd, h.x[a], h.x[a + 1]); },
};
