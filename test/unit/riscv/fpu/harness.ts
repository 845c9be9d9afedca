// Calls the FPU with BigInt bit patterns, for the tests.
import * as fpu from '../../../../src/riscv/fpu';

export interface Got { bits: bigint; flags: number }

const lo = (v: bigint): number => Number(v & 0xffffffffn) | 0;
const hi = (v: bigint): number => Number((v >> 32n) & 0xffffffffn) | 0;
const u64 = (l: number, h: number): bigint => (BigInt(h >>> 0) << 32n) | BigInt(l >>> 0);
const u32 = (v: number): bigint => BigInt(v >>> 0);

function done(bits: bigint): Got {
  return { bits, flags: fpu.takeFflags() };
}

export type Op = 'add' | 'sub' | 'mul' | 'div' | 'sqrt' | 'fma' | 'fmsub' | 'fnmsub' | 'fnmadd';

/** Runs op on format (32 or 64) with operands a, b, c. */
export function run(op: Op, w: 32 | 64, rm: number, a: bigint, b = 0n, c = 0n): Got {
  fpu.takeFflags();
  if (w === 64) {
    let r: number;
    switch (op) {
      case 'add': r = fpu.f64add(lo(a), hi(a), lo(b), hi(b), rm); break;
      case 'sub': r = fpu.f64sub(lo(a), hi(a), lo(b), hi(b), rm); break;
      case 'mul': r = fpu.f64mul(lo(a), hi(a), lo(b), hi(b), rm); break;
      case 'div': r = fpu.f64div(lo(a), hi(a), lo(b), hi(b), rm); break;
      case 'sqrt': r = fpu.f64sqrt(lo(a), hi(a), rm); break;
      default: {
        const [np, nc] = fmaNeg(op);
        r = fpu.f64fma(lo(a), hi(a), lo(b), hi(b), lo(c), hi(c), rm, np, nc);
      }
    }
    return done(u64(r, fpu.resHi));
  }
  const x = Number(a) | 0, y = Number(b) | 0, z = Number(c) | 0;
  let r: number;
  switch (op) {
    case 'add': r = fpu.f32add(x, y, rm); break;
    case 'sub': r = fpu.f32sub(x, y, rm); break;
    case 'mul': r = fpu.f32mul(x, y, rm); break;
    case 'div': r = fpu.f32div(x, y, rm); break;
    case 'sqrt': r = fpu.f32sqrt(x, rm); break;
    default: {
      const [np, nc] = fmaNeg(op);
      r = fpu.f32fma(x, y, z, rm, np, nc);
    }
  }
  return done(u32(r));
}

/** [negProduct, negAddend] for FMADD, FMSUB, FNMSUB, FNMADD. */
export function fmaNeg(op: Op): [number, number] {
  switch (op) {
    case 'fmsub': return [0, 1];
    case 'fnmsub': return [1, 0];
    case 'fnmadd': return [1, 1];
    default: return [0, 0];
  }
}

export type IntKind = 'w' | 'wu' | 'l' | 'lu';

/** Float → integer; result as an unsigned BigInt of the destination width. */
export function toInt(w: 32 | 64, kind: IntKind, rm: number, a: bigint): Got {
  fpu.takeFflags();
  const x = Number(a & 0xffffffffn) | 0;
  let r: number;
  if (w === 64) {
    switch (kind) {
      case 'w': r = fpu.f64toI32(lo(a), hi(a), rm); return done(u32(r));
      case 'wu': r = fpu.f64toU32(lo(a), hi(a), rm); return done(u32(r));
      case 'l': r = fpu.f64toI64(lo(a), hi(a), rm); return done(u64(r, fpu.resHi));
      default: r = fpu.f64toU64(lo(a), hi(a), rm); return done(u64(r, fpu.resHi));
    }
  }
  switch (kind) {
    case 'w': r = fpu.f32toI32(x, rm); return done(u32(r));
    case 'wu': r = fpu.f32toU32(x, rm); return done(u32(r));
    case 'l': r = fpu.f32toI64(x, rm); return done(u64(r, fpu.resHi));
    default: r = fpu.f32toU64(x, rm); return done(u64(r, fpu.resHi));
  }
}

/** Integer (signed or unsigned value as BigInt) → float. */
export function fromInt(w: 32 | 64, kind: IntKind, rm: number, v: bigint): Got {
  fpu.takeFflags();
  const l = lo(v), h = hi(v);
  let r: number;
  if (w === 64) {
    switch (kind) {
      case 'w': r = fpu.i32toF64(l, rm); break;
      case 'wu': r = fpu.u32toF64(l, rm); break;
      case 'l': r = fpu.i64toF64(l, h, rm); break;
      default: r = fpu.u64toF64(l, h, rm);
    }
    return done(u64(r, fpu.resHi));
  }
  switch (kind) {
    case 'w': r = fpu.i32toF32(l, rm); break;
    case 'wu': r = fpu.u32toF32(l, rm); break;
    case 'l': r = fpu.i64toF32(l, h, rm); break;
    default: r = fpu.u64toF32(l, h, rm);
  }
  return done(u32(r));
}

export function hex(v: bigint, w: 32 | 64): string {
  return '0x' + v.toString(16).padStart(w / 4, '0');
}
