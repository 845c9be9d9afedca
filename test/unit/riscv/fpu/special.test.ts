// Hand-written cases for every special rule of the F and D extensions (f-st-ext.adoc, d-st-ext.adoc).
import assert from 'node:assert/strict';
import * as fpu from '../../../../src/riscv/fpu';
import { run, toInt, fromInt, type Op } from './harness';

const NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16;
const RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;

// singles
const S = {
  p0: 0x00000000n, n0: 0x80000000n, one: 0x3f800000n, none: 0xbf800000n, two: 0x40000000n, three: 0x40400000n,
  pinf: 0x7f800000n, ninf: 0xff800000n, qnan: 0x7fc00000n, snan: 0x7f800001n, nqnan: 0xffc12345n,
  minSub: 0x00000001n, maxSub: 0x007fffffn, minNorm: 0x00800000n, max: 0x7f7fffffn, nmax: 0xff7fffffn,
};
// doubles
const D = {
  p0: 0n, n0: 0x8000000000000000n, one: 0x3ff0000000000000n, none: 0xbff0000000000000n, two: 0x4000000000000000n,
  three: 0x4008000000000000n, half: 0x3fe0000000000000n,
  pinf: 0x7ff0000000000000n, ninf: 0xfff0000000000000n, qnan: 0x7ff8000000000000n, snan: 0x7ff0000000000001n,
  minSub: 1n, maxSub: 0x000fffffffffffffn, minNorm: 0x0010000000000000n, max: 0x7fefffffffffffffn,
  nmax: 0xffefffffffffffffn,
};
const CN32 = 0x7fc00000n, CN64 = 0x7ff8000000000000n;

function eq(got: { bits: bigint; flags: number }, bits: bigint, flags: number, what: string): void {
  assert.equal(got.bits.toString(16), bits.toString(16), `${what}: result`);
  assert.equal(got.flags, flags, `${what}: flags`);
}

describe('riscv/fpu special cases', function () {
  describe('NaN generation and propagation', function () {
    it('results are the canonical NaN, payloads are not propagated', function () {
      for (const op of ['add', 'sub', 'mul', 'div'] as Op[]) {
        eq(run(op, 32, RNE, S.nqnan, S.one), CN32, 0, `${op}.s qNaN`);
        eq(run(op, 64, RNE, D.one, 0xfff8dead00000000n), CN64, 0, `${op}.d qNaN`);
        eq(run(op, 32, RNE, S.snan, S.one), CN32, NV, `${op}.s sNaN`);
        eq(run(op, 64, RNE, D.one, D.snan), CN64, NV, `${op}.d sNaN`);
      }
      eq(run('sqrt', 32, RNE, S.snan), CN32, NV, 'sqrt.s sNaN');
      eq(run('sqrt', 64, RNE, D.qnan | 5n), CN64, 0, 'sqrt.d qNaN');
    });
    it('invalid operations: inf-inf, 0·inf, 0/0, inf/inf, sqrt(negative)', function () {
      eq(run('add', 64, RNE, D.pinf, D.ninf), CN64, NV, 'inf + -inf');
      eq(run('sub', 32, RNE, S.pinf, S.pinf), CN32, NV, 'inf - inf');
      eq(run('mul', 64, RNE, D.p0, D.ninf), CN64, NV, '0 · -inf');
      eq(run('div', 32, RNE, S.n0, S.p0), CN32, NV, '0/0');
      eq(run('div', 64, RNE, D.pinf, D.ninf), CN64, NV, 'inf/inf');
      eq(run('sqrt', 64, RNE, D.none), CN64, NV, 'sqrt(-1)');
      eq(run('sqrt', 32, RNE, S.ninf), CN32, NV, 'sqrt(-inf)');
      eq(run('sqrt', 32, RNE, S.n0), S.n0, 0, 'sqrt(-0) = -0');
      eq(run('sqrt', 64, RNE, D.pinf), D.pinf, 0, 'sqrt(inf)');
    });
    it('division by zero sets DZ and gives a signed infinity', function () {
      eq(run('div', 64, RNE, D.none, D.p0), D.ninf, DZ, '-1/+0');
      eq(run('div', 32, RTZ, S.one, S.n0), S.ninf, DZ, '1/-0');
      eq(run('div', 64, RNE, D.pinf, D.p0), D.pinf, 0, 'inf/0 is exact');
    });
  });

  describe('signed zeros', function () {
    it('x + (-x) is +0, except -0 in RDN', function () {
      for (const rm of [RNE, RTZ, RUP, RMM]) {
        eq(run('add', 64, rm, D.one, D.none), D.p0, 0, `rm ${rm}`);
        eq(run('sub', 32, rm, S.three, S.three), S.p0, 0, `rm ${rm}`);
      }
      eq(run('add', 64, RDN, D.one, D.none), D.n0, 0, 'RDN');
      eq(run('sub', 32, RDN, S.three, S.three), S.n0, 0, 'RDN');
      eq(run('add', 32, RNE, S.n0, S.n0), S.n0, 0, '-0 + -0');
      eq(run('add', 64, RNE, D.n0, D.p0), D.p0, 0, '-0 + +0');
      eq(run('add', 64, RDN, D.n0, D.p0), D.n0, 0, '-0 + +0 in RDN');
      eq(run('mul', 64, RNE, D.n0, D.three), D.n0, 0, '-0 · 3');
    });
    it('fused multiply-add zero signs', function () {
      // 1·1 - 1 = exact zero: +0, -0 in RDN
      eq(run('fmsub', 64, RNE, D.one, D.one, D.one), D.p0, 0, 'fmsub 1·1-1');
      eq(run('fmsub', 64, RDN, D.one, D.one, D.one), D.n0, 0, 'fmsub 1·1-1 RDN');
      // (-0)·1 + (-0) = -0; (+0)·1 + (-0) = +0 (RNE), -0 (RDN)
      eq(run('fma', 32, RNE, S.n0, S.one, S.n0), S.n0, 0, '-0·1 + -0');
      eq(run('fma', 32, RNE, S.p0, S.one, S.n0), S.p0, 0, '+0·1 + -0');
      eq(run('fma', 32, RDN, S.p0, S.one, S.n0), S.n0, 0, '+0·1 + -0 RDN');
      // FNMADD: -(a·b) - c with a·b = +0, c = +0 → -0 - +0 = -0
      eq(run('fnmadd', 64, RNE, D.p0, D.one, D.p0), D.n0, 0, 'fnmadd');
      // exact zero product plus non-zero addend is the addend, unrounded
      eq(run('fma', 64, RTZ, D.p0, D.max, D.minSub), D.minSub, 0, '0·max + minSub');
    });
  });

  describe('fused multiply-add', function () {
    it('inf·0 + qNaN raises NV (f-st-ext.adoc)', function () {
      eq(run('fma', 32, RNE, S.pinf, S.p0, S.qnan), CN32, NV, 'inf·0 + qNaN');
      eq(run('fma', 64, RNE, D.n0, D.ninf, D.qnan), CN64, NV, '0·-inf + qNaN');
      eq(run('fma', 64, RNE, D.one, D.pinf, D.qnan), CN64, 0, '1·inf + qNaN is quiet');
      eq(run('fma', 64, RNE, D.one, D.two, D.snan), CN64, NV, 'sNaN addend');
    });
    it('inf·x - inf is invalid, inf·x + inf is inf', function () {
      eq(run('fmsub', 64, RNE, D.pinf, D.two, D.pinf), CN64, NV, 'inf·2 - inf');
      eq(run('fma', 32, RNE, S.pinf, S.two, S.pinf), S.pinf, 0, 'inf·2 + inf');
      eq(run('fnmsub', 32, RNE, S.pinf, S.two, S.ninf), S.ninf, 0, '-(inf·2) + -inf');
      eq(run('fma', 64, RNE, D.max, D.two, D.ninf), D.ninf, 0, 'finite overflowing product + -inf = -inf, exact');
    });
    it('rounds once: (1+2^-52)(1-2^-53) - 1 = 2^-53 - 2^-105, exact (a rounded product would give 0)', function () {
      const a = 0x3ff0000000000001n, b = 0x3fefffffffffffffn; // 1+2^-52, 1-2^-53
      eq(run('fmsub', 64, RNE, a, b, D.one), 0x3c9ffffffffffffen, 0, 'single rounding');
      eq(run('fmsub', 64, RNE, a, 0x3fefffffffffffffn, 0x3ff0000000000001n), 0xbca0000000000001n, 0, 'minus 1+2^-52');
    });
    it('the four variants negate product and addend as the spec says', function () {
      // 2·3 with addend 1: fmadd 7, fmsub 5, fnmsub -5, fnmadd -7
      eq(run('fma', 64, RNE, D.two, D.three, D.one), 0x401c000000000000n, 0, 'fmadd');
      eq(run('fmsub', 64, RNE, D.two, D.three, D.one), 0x4014000000000000n, 0, 'fmsub');
      eq(run('fnmsub', 64, RNE, D.two, D.three, D.one), 0xc014000000000000n, 0, 'fnmsub');
      eq(run('fnmadd', 64, RNE, D.two, D.three, D.one), 0xc01c000000000000n, 0, 'fnmadd');
    });
  });

  describe('overflow and underflow', function () {
    it('overflow result depends on the rounding mode and sign', function () {
      eq(run('mul', 64, RNE, D.max, D.two), D.pinf, OF | NX, 'RNE');
      eq(run('mul', 64, RTZ, D.max, D.two), D.max, OF | NX, 'RTZ');
      eq(run('mul', 64, RDN, D.max, D.two), D.max, OF | NX, 'RDN +');
      eq(run('mul', 64, RDN, D.nmax, D.two), D.ninf, OF | NX, 'RDN -');
      eq(run('mul', 64, RUP, D.nmax, D.two), D.nmax, OF | NX, 'RUP -');
      eq(run('mul', 32, RMM, S.max, S.two), S.pinf, OF | NX, 'RMM');
      eq(run('add', 32, RUP, S.max, S.minSub), S.pinf, OF | NX, 'max + tiny in RUP');
      eq(run('add', 32, RNE, S.max, S.minSub), S.max, NX, 'max + tiny in RNE');
    });
    it('underflow: tiny and inexact; tininess detected after rounding', function () {
      eq(run('div', 64, RNE, D.minSub, D.two), D.p0, UF | NX, 'minSub/2 (tie to even 0)');
      eq(run('div', 64, RMM, D.minSub, D.two), D.minSub, UF | NX, 'minSub/2 in RMM');
      eq(run('mul', 64, RNE, D.minNorm, D.half), 0x0008000000000000n, 0, 'exact subnormal: no UF');
      // (1 - 2^-23)·2^-126(1 + 2^-23) = 2^-126(1 - 2^-46): subnormal before rounding. Rounded to 24
      // bits with an unbounded exponent it is 2^-126 in RNE/RUP: not tiny after rounding, so no UF.
      // In RTZ it stays below 2^-126: tiny, UF. And (1 - 2^-24)·2^-126 is exactly 24 bits below
      // 2^-126: tiny in every mode, RNE rounds the subnormal tie up to 2^-126 with UF.
      eq(run('mul', 32, RNE, 0x3f7ffffen, 0x00800001n), S.minNorm, NX, 'rounds up to 2^-126: not tiny');
      eq(run('mul', 32, RUP, 0x3f7ffffen, 0x00800001n), S.minNorm, NX, 'RUP: not tiny');
      eq(run('mul', 32, RTZ, 0x3f7ffffen, 0x00800001n), S.maxSub, UF | NX, 'RTZ: tiny');
      eq(run('mul', 32, RNE, S.minNorm, 0x3f7fffffn), S.minNorm, UF | NX, 'tiny, rounds to 2^-126');
      eq(run('mul', 64, RNE, 0x3feffffffffffffen, 0x0010000000000001n), D.minNorm, NX, 'double: not tiny after rounding');
      eq(run('mul', 64, RUP, 0x3feffffffffffffen, 0x0010000000000001n), D.minNorm, NX, 'double RUP');
      eq(run('mul', 64, RDN, 0x3feffffffffffffen, 0x0010000000000001n), D.maxSub, UF | NX, 'double RDN');
      eq(run('fma', 64, RNE, 0x3feffffffffffffen, 0x0010000000000001n, D.p0), D.minNorm, NX, 'fma: not tiny');
      // maxSub + minSub = minNorm exactly: no flags
      eq(run('add', 64, RNE, D.maxSub, D.minSub), D.minNorm, 0, 'subnormal sum exact');
    });
  });

  describe('rounding modes', function () {
    it('ties: RNE to even, RMM away from zero', function () {
      // 1 + 2^-24 is a single-precision tie between 1 and 1+2^-23
      const tie = 0x33800000n; // 2^-24
      eq(run('add', 32, RNE, S.one, tie), S.one, NX, 'RNE tie → even');
      eq(run('add', 32, RMM, S.one, tie), 0x3f800001n, NX, 'RMM tie → away');
      eq(run('sub', 32, RMM, S.none, tie), 0xbf800001n, NX, 'RMM negative tie');
      eq(run('add', 32, RTZ, S.one, tie), S.one, NX, 'RTZ');
      eq(run('add', 32, RUP, S.one, tie), 0x3f800001n, NX, 'RUP');
      eq(run('add', 32, RDN, S.none, 0xb3800000n), 0xbf800001n, NX, 'RDN negative');
      // 1/3 in all modes (double)
      const third = 0x3fd5555555555555n;
      eq(run('div', 64, RNE, D.one, D.three), third, NX, '1/3 RNE');
      eq(run('div', 64, RUP, D.one, D.three), third + 1n, NX, '1/3 RUP');
      eq(run('div', 64, RMM, D.one, D.three), third, NX, '1/3 RMM');
      eq(run('div', 64, RDN, D.none, D.three), (third + 1n) | D.n0, NX, '-1/3 RDN');
    });
    it('sqrt rounds correctly in every mode', function () {
      const sqrt2 = 0x3ff6a09e667f3bcdn; // RN(sqrt 2) is above sqrt 2
      eq(run('sqrt', 64, RNE, D.two), sqrt2, NX, 'RNE');
      eq(run('sqrt', 64, RTZ, D.two), sqrt2 - 1n, NX, 'RTZ');
      eq(run('sqrt', 64, RUP, D.two), sqrt2, NX, 'RUP');
      eq(run('sqrt', 64, RMM, D.two), sqrt2, NX, 'RMM');
      eq(run('sqrt', 32, RNE, 0x40800000n), S.two, 0, 'sqrt 4 exact');
      eq(run('sqrt', 64, RNE, D.minSub), 0x1e60000000000000n, 0, 'sqrt 2^-1074 = 2^-537');
    });
  });

  describe('FMIN/FMAX (version 2.2)', function () {
    const min32 = (a: bigint, b: bigint): [bigint, number] => { fpu.takeFflags(); const r = fpu.f32min(Number(a) | 0, Number(b) | 0); return [BigInt(r >>> 0), fpu.takeFflags()]; };
    const max32 = (a: bigint, b: bigint): [bigint, number] => { fpu.takeFflags(); const r = fpu.f32max(Number(a) | 0, Number(b) | 0); return [BigInt(r >>> 0), fpu.takeFflags()]; };
    const mm64 = (f: typeof fpu.f64min, a: bigint, b: bigint): [bigint, number] => {
      fpu.takeFflags();
      const lo = f(Number(a & 0xffffffffn) | 0, Number(a >> 32n) | 0, Number(b & 0xffffffffn) | 0, Number(b >> 32n) | 0);
      return [(BigInt(fpu.resHi >>> 0) << 32n) | BigInt(lo >>> 0), fpu.takeFflags()];
    };
    it('-0 < +0', function () {
      assert.deepEqual(min32(S.p0, S.n0), [S.n0, 0]);
      assert.deepEqual(max32(S.n0, S.p0), [S.p0, 0]);
      assert.deepEqual(mm64(fpu.f64min, D.p0, D.n0), [D.n0, 0]);
      assert.deepEqual(mm64(fpu.f64max, D.n0, D.p0), [D.p0, 0]);
    });
    it('one NaN gives the other operand; both NaN the canonical NaN; sNaN sets NV', function () {
      assert.deepEqual(min32(S.qnan, S.three), [S.three, 0]);
      assert.deepEqual(max32(S.none, S.nqnan), [S.none, 0]);
      assert.deepEqual(min32(S.snan, S.three), [S.three, NV]);
      assert.deepEqual(max32(S.nqnan, S.snan), [CN32, NV]);
      assert.deepEqual(min32(S.nqnan, S.nqnan), [CN32, 0]);
      assert.deepEqual(mm64(fpu.f64max, D.snan, D.ninf), [D.ninf, NV]);
      assert.deepEqual(mm64(fpu.f64min, D.qnan, D.qnan | 7n), [CN64, 0]);
    });
    it('orders finite values and infinities', function () {
      assert.deepEqual(min32(S.none, S.ninf), [S.ninf, 0]);
      assert.deepEqual(max32(S.nmax, S.none), [S.none, 0]);
      assert.deepEqual(mm64(fpu.f64min, D.three, D.two), [D.two, 0]);
      assert.deepEqual(mm64(fpu.f64max, D.none, 0xc000000000000000n), [D.none, 0]);
      assert.deepEqual(mm64(fpu.f64min, D.none, 0xc000000000000000n), [0xc000000000000000n, 0]);
    });
  });

  describe('compare', function () {
    const c64 = (f: typeof fpu.f64eq, a: bigint, b: bigint): [number, number] => {
      fpu.takeFflags();
      const r = f(Number(a & 0xffffffffn) | 0, Number(a >> 32n) | 0, Number(b & 0xffffffffn) | 0, Number(b >> 32n) | 0);
      return [r, fpu.takeFflags()];
    };
    const c32 = (f: typeof fpu.f32eq, a: bigint, b: bigint): [number, number] => { fpu.takeFflags(); return [f(Number(a) | 0, Number(b) | 0), fpu.takeFflags()]; };
    it('FEQ is quiet: NV only for sNaN', function () {
      assert.deepEqual(c32(fpu.f32eq, S.qnan, S.qnan), [0, 0]);
      assert.deepEqual(c32(fpu.f32eq, S.snan, S.one), [0, NV]);
      assert.deepEqual(c32(fpu.f32eq, S.p0, S.n0), [1, 0]);
      assert.deepEqual(c64(fpu.f64eq, D.qnan, D.one), [0, 0]);
      assert.deepEqual(c64(fpu.f64eq, D.one, D.snan), [0, NV]);
      assert.deepEqual(c64(fpu.f64eq, D.n0, D.p0), [1, 0]);
      assert.deepEqual(c64(fpu.f64eq, D.three, D.three), [1, 0]);
    });
    it('FLT/FLE are signaling: NV for any NaN', function () {
      assert.deepEqual(c32(fpu.f32lt, S.qnan, S.one), [0, NV]);
      assert.deepEqual(c32(fpu.f32le, S.one, S.qnan), [0, NV]);
      assert.deepEqual(c64(fpu.f64lt, D.qnan, D.one), [0, NV]);
      assert.deepEqual(c64(fpu.f64le, D.one, D.snan), [0, NV]);
    });
    it('orders values, -0 = +0', function () {
      assert.deepEqual(c32(fpu.f32lt, S.n0, S.p0), [0, 0]);
      assert.deepEqual(c32(fpu.f32le, S.p0, S.n0), [1, 0]);
      assert.deepEqual(c32(fpu.f32lt, S.ninf, S.nmax), [1, 0]);
      assert.deepEqual(c32(fpu.f32lt, S.none, 0xc0000000n), [0, 0]);
      assert.deepEqual(c32(fpu.f32le, 0xc0000000n, S.none), [1, 0]);
      assert.deepEqual(c64(fpu.f64lt, D.n0, D.p0), [0, 0]);
      assert.deepEqual(c64(fpu.f64le, D.n0, D.p0), [1, 0]);
      assert.deepEqual(c64(fpu.f64lt, D.none, D.minSub), [1, 0]);
      assert.deepEqual(c64(fpu.f64lt, 0xc000000000000000n, D.none), [1, 0]);
      assert.deepEqual(c64(fpu.f64lt, D.none, 0xc000000000000000n), [0, 0]);
      assert.deepEqual(c64(fpu.f64le, D.max, D.pinf), [1, 0]);
      assert.deepEqual(c64(fpu.f64lt, 0x3ff0000000000001n, D.one), [0, 0]);
      assert.deepEqual(c64(fpu.f64lt, D.one, 0x3ff0000000000001n), [1, 0]);
    });
  });

  describe('FCLASS', function () {
    it('sets exactly the bit of each class', function () {
      const c32 = (a: bigint): number => fpu.f32class(Number(a) | 0);
      const c64 = (a: bigint): number => fpu.f64class(Number(a & 0xffffffffn) | 0, Number(a >> 32n) | 0);
      const rows: [bigint, bigint, number][] = [
        [S.ninf, D.ninf, 0], [S.none, D.none, 1], [S.maxSub | S.n0, D.minSub | D.n0, 2], [S.n0, D.n0, 3],
        [S.p0, D.p0, 4], [S.minSub, D.maxSub, 5], [S.minNorm, D.max, 6], [S.pinf, D.pinf, 7],
        [S.snan, D.snan, 8], [S.qnan, D.qnan, 9],
      ];
      for (const [s, d, bit] of rows) {
        assert.equal(c32(s), 1 << bit, `f32 ${s.toString(16)}`);
        assert.equal(c64(d), 1 << bit, `f64 ${d.toString(16)}`);
      }
      assert.equal(c32(0xff800001n), 1 << 8, 'negative sNaN');
      assert.equal(c64(0xfff8000000000000n), 1 << 9, 'negative qNaN');
      fpu.takeFflags();
      c32(S.snan);
      assert.equal(fpu.takeFflags(), 0, 'FCLASS sets no flags');
    });
  });

  describe('NaN-boxing', function () {
    it('an improperly boxed single reads as the canonical NaN', function () {
      assert.equal(fpu.unboxF32(0x3f800000, -1), 0x3f800000);
      assert.equal(fpu.unboxF32(0x3f800000, 0), 0x7fc00000);
      assert.equal(fpu.unboxF32(0x3f800000, -2), 0x7fc00000);
      fpu.takeFflags();
      assert.equal(fpu.f32add(fpu.unboxF32(0x3f800000, 0x7fffffff), 0x3f800000, 0), 0x7fc00000);
      assert.equal(fpu.takeFflags(), 0, 'canonical NaN is quiet');
    });
  });

  describe('float → integer saturation (table "Domains of float-to-integer conversions")', function () {
    const W = 0xffffffffn, L = 0xffffffffffffffffn;
    it('NaN and +inf give the maximum, -inf the minimum, with NV', function () {
      for (const w of [32, 64] as const) {
        const nan = w === 32 ? S.qnan : D.snan, pinf = w === 32 ? S.pinf : D.pinf, ninf = w === 32 ? S.ninf : D.ninf;
        const nnan = w === 32 ? 0xffc00000n : 0xfff8000000000000n;
        eq(toInt(w, 'w', RNE, nan), 0x7fffffffn, NV, `w ${w} NaN`);
        eq(toInt(w, 'w', RNE, nnan), 0x7fffffffn, NV, `w ${w} -NaN`);
        eq(toInt(w, 'wu', RNE, nan), W, NV, `wu ${w} NaN`);
        eq(toInt(w, 'l', RNE, nan), 0x7fffffffffffffffn, NV, `l ${w} NaN`);
        eq(toInt(w, 'lu', RNE, nan), L, NV, `lu ${w} NaN`);
        eq(toInt(w, 'w', RNE, pinf), 0x7fffffffn, NV, `w ${w} +inf`);
        eq(toInt(w, 'wu', RNE, pinf), W, NV, `wu ${w} +inf`);
        eq(toInt(w, 'l', RNE, pinf), 0x7fffffffffffffffn, NV, `l ${w} +inf`);
        eq(toInt(w, 'lu', RNE, pinf), L, NV, `lu ${w} +inf`);
        eq(toInt(w, 'w', RNE, ninf), 0x80000000n, NV, `w ${w} -inf`);
        eq(toInt(w, 'wu', RNE, ninf), 0n, NV, `wu ${w} -inf`);
        eq(toInt(w, 'l', RNE, ninf), 0x8000000000000000n, NV, `l ${w} -inf`);
        eq(toInt(w, 'lu', RNE, ninf), 0n, NV, `lu ${w} -inf`);
      }
    });
    it('range limits are judged after rounding', function () {
      // 2^31 - 0.5 (double): RNE rounds to 2^31 (even) → out of range; RTZ gives 2^31-1, NX
      const x = 0x41dfffffffe00000n;
      eq(toInt(64, 'w', RNE, x), 0x7fffffffn, NV, 'W RNE saturates');
      eq(toInt(64, 'w', RTZ, x), 0x7fffffffn, NX, 'W RTZ in range');
      // -2^31 - 0.5: RUP → -2^31 valid (NX), RNE → -2^31 (tie to even) valid, RDN → out of range
      const y = 0xc1e0000000100000n;
      eq(toInt(64, 'w', RUP, y), 0x80000000n, NX, 'W RUP');
      eq(toInt(64, 'w', RNE, y), 0x80000000n, NX, 'W RNE tie to even');
      eq(toInt(64, 'w', RDN, y), 0x80000000n, NV, 'W RDN out of range');
      // unsigned: -0.3 → 0 with NX in RTZ; -0.7 in RNE rounds to -1: invalid
      eq(toInt(64, 'wu', RTZ, 0xbfd3333333333333n), 0n, NX, 'WU -0.3 RTZ');
      eq(toInt(32, 'lu', RNE, 0xbf333333n), 0n, NV, 'LU -0.7 RNE');
      eq(toInt(64, 'lu', RMM, 0xbfe0000000000000n), 0n, NV, 'LU -0.5 RMM → -1 invalid');
      eq(toInt(64, 'lu', RNE, 0xbfe0000000000000n), 0n, NX, 'LU -0.5 RNE → -0 valid');
      // 2^63 exactly: L out of range, LU fine; -2^63: L fine
      eq(toInt(64, 'l', RNE, 0x43e0000000000000n), 0x7fffffffffffffffn, NV, 'L 2^63');
      eq(toInt(64, 'lu', RNE, 0x43e0000000000000n), 0x8000000000000000n, 0, 'LU 2^63');
      eq(toInt(32, 'l', RNE, 0xdf000000n), 0x8000000000000000n, 0, 'L -2^63 (single)');
      eq(toInt(64, 'lu', RNE, 0x43f0000000000000n), L, NV, 'LU 2^64');
      eq(toInt(64, 'lu', RTZ, 0x43efffffffffffffn), 0xfffffffffffff800n, 0, 'LU largest double below 2^64');
      eq(toInt(32, 'wu', RNE, 0x4f800000n), W, NV, 'WU 2^32');
      eq(toInt(32, 'wu', RNE, 0x4f7fffffn), 0xffffff00n, 0, 'WU 2^32 - 256');
    });
    it('rounds in all modes with NX', function () {
      const m25 = 0xc004000000000000n; // -2.5
      eq(toInt(64, 'w', RNE, m25), 0xfffffffen, NX, '-2.5 RNE → -2');
      eq(toInt(64, 'w', RMM, m25), 0xfffffffdn, NX, '-2.5 RMM → -3');
      eq(toInt(64, 'w', RTZ, m25), 0xfffffffen, NX, '-2.5 RTZ → -2');
      eq(toInt(64, 'w', RDN, m25), 0xfffffffdn, NX, '-2.5 RDN → -3');
      eq(toInt(64, 'w', RUP, m25), 0xfffffffen, NX, '-2.5 RUP → -2');
      eq(toInt(64, 'l', RUP, D.minSub), 1n, NX, 'tiny RUP → 1');
      eq(toInt(64, 'l', RDN, D.minSub | D.n0), L, NX, '-tiny RDN → -1');
      eq(toInt(32, 'w', RNE, S.n0), 0n, 0, '-0 → 0');
    });
  });

  describe('integer → float', function () {
    it('converts exactly or rounds per mode', function () {
      eq(fromInt(64, 'w', RNE, 0x80000000n), 0xc1e0000000000000n, 0, 'i32 min → double exact');
      eq(fromInt(64, 'wu', RNE, 0xffffffffn), 0x41efffffffe00000n, 0, 'u32 max → double exact');
      eq(fromInt(32, 'w', RNE, 0n), 0n, 0, 'FCVT.S.W x0 = +0, no flags');
      eq(fromInt(32, 'w', RNE, 0x01000001n), 0x4b800000n, NX, '2^24+1 → 2^24 (tie to even)');
      eq(fromInt(32, 'w', RMM, 0x01000001n), 0x4b800001n, NX, '2^24+1 RMM');
      eq(fromInt(64, 'lu', RNE, 0xffffffffffffffffn), 0x43f0000000000000n, NX, 'u64 max → 2^64');
      eq(fromInt(64, 'lu', RTZ, 0xffffffffffffffffn), 0x43efffffffffffffn, NX, 'u64 max RTZ');
      eq(fromInt(64, 'l', RNE, 0x8000000000000000n), 0xc3e0000000000000n, 0, 'i64 min');
      eq(fromInt(32, 'l', RDN, 0xffffffffffffffffn), 0xbf800000n, 0, '-1');
    });
  });

  describe('FCVT.S.D and FCVT.D.S', function () {
    const sd = (d: bigint, rm: number): [bigint, number] => {
      fpu.takeFflags();
      const r = fpu.f64toF32(Number(d & 0xffffffffn) | 0, Number(d >> 32n) | 0, rm);
      return [BigInt(r >>> 0), fpu.takeFflags()];
    };
    const ds = (s: bigint): [bigint, number] => {
      fpu.takeFflags();
      const lo = fpu.f32toF64(Number(s) | 0);
      return [(BigInt(fpu.resHi >>> 0) << 32n) | BigInt(lo >>> 0), fpu.takeFflags()];
    };
    it('narrows with rounding, overflow and underflow; NaNs become canonical', function () {
      assert.deepEqual(sd(D.one, RNE), [S.one, 0]);
      assert.deepEqual(sd(D.max, RNE), [S.pinf, OF | NX]);
      assert.deepEqual(sd(D.max, RTZ), [S.max, OF | NX]);
      assert.deepEqual(sd(D.minSub, RNE), [S.p0, UF | NX]);
      assert.deepEqual(sd(D.minSub, RUP), [S.minSub, UF | NX]);
      assert.deepEqual(sd(D.snan, RNE), [CN32, NV]);
      assert.deepEqual(sd(0xfff8000000000123n, RNE), [CN32, 0]);
      assert.deepEqual(sd(D.n0, RNE), [S.n0, 0]);
      assert.deepEqual(sd(0x3fd5555555555555n, RUP), [0x3eaaaaabn, NX]);
    });
    it('widens exactly; sNaN → canonical with NV', function () {
      assert.deepEqual(ds(S.minSub), [0x36a0000000000000n, 0]);
      assert.deepEqual(ds(S.snan), [CN64, NV]);
      assert.deepEqual(ds(S.nqnan), [CN64, 0]);
      assert.deepEqual(ds(S.ninf), [D.ninf, 0]);
      assert.deepEqual(ds(S.max), [0x47efffffe0000000n, 0]);
    });
  });

  it('flags accumulate across operations until taken', function () {
    fpu.takeFflags();
    fpu.f64div(0, 0x3ff00000, 0, 0, RNE); // DZ
    fpu.f32add(0x7f7fffff, 0x7f7fffff, RNE); // OF|NX
    assert.equal(fpu.fflags, DZ | OF | NX);
    assert.equal(fpu.takeFflags(), DZ | OF | NX);
    assert.equal(fpu.fflags, 0);
  });
});
