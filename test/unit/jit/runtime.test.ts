// The translator's own 64-bit multiply and divide helpers against BigInt, on edge values and
// random operands (the lockstep rig covers them too, but only on the values a program makes).
import assert from 'node:assert';
import * as R from '../../../src/jit/runtime';

const M64 = (1n << 64n) - 1n;
const u = (l: number, h: number): bigint => (BigInt(h >>> 0) << 32n) | BigInt(l >>> 0);
const s = (l: number, h: number): bigint => BigInt.asIntN(64, u(l, h));
const halves = (x: bigint): [number, number] => [Number(BigInt.asIntN(32, x)), Number(BigInt.asIntN(32, x >> 32n))];

const EDGES = [0, 1, -1, 2, 3, 7, 0xffff, 0x10000, 0x7fffffff, -2147483648, 0x12345678, -0x12345678, 389, 0x55555555];

/** Deterministic operand halves: edge values, then a xorshift stream. */
function* operands(n: number): Generator<number> {
  for (const e of EDGES) yield e;
  let x = 0x9e3779b9 | 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    yield i % 7 === 0 ? x & 0xff : i % 11 === 0 ? EDGES[(x >>> 0) % EDGES.length] : x;
  }
}

function expected(op: string, al: number, ah: number, bl: number, bh: number): bigint {
  const a = u(al, ah), b = u(bl, bh), sa = s(al, ah), sb = s(bl, bh);
  const min = -(1n << 63n);
  switch (op) {
    case 'mul': return (a * b) & M64;
    case 'mulhu': return (a * b) >> 64n;
    case 'mulh': return ((sa * sb) >> 64n) & M64;
    case 'mulhsu': return ((sa * b) >> 64n) & M64;
    case 'divu': return b === 0n ? M64 : a / b;
    case 'remu': return b === 0n ? a : a % b;
    case 'div': return sb === 0n ? M64 : sa === min && sb === -1n ? a : (sa / sb) & M64;
    default: return sb === 0n ? a : sa === min && sb === -1n ? 0n : (sa % sb) & M64; // rem
  }
}

describe('jit: runtime multiply and divide helpers', () => {
  const vals = [...operands(400)];
  for (const op of ['mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu'] as const) {
    it(`${op} matches BigInt on edge and random operands`, () => {
      const f = R[op];
      let checked = 0;
      for (let i = 0; i + 3 < vals.length; i++) {
        // Operand shapes: full 64-bit, 32-bit divisor, small values, equal halves.
        const shapes: [number, number, number, number][] = [
          [vals[i], vals[i + 1], vals[i + 2], vals[i + 3]],
          [vals[i], vals[i + 1], vals[i + 2], 0],
          [vals[i], 0, vals[i + 2], 0],
          [vals[i], vals[i + 1], vals[i], vals[i + 1]],
          [vals[i], vals[i + 1], vals[i + 2], vals[i + 1]],
        ];
        for (const [al, ah, bl, bh] of shapes) {
          const lo = f(al, ah, bl, bh), hi = R.HI[0];
          const [el, eh] = halves(expected(op, al, ah, bl, bh));
          assert.deepStrictEqual([lo, hi], [el, eh], `${op}(0x${u(al, ah).toString(16)}, 0x${u(bl, bh).toString(16)})`);
          checked++;
        }
      }
      assert.ok(checked > 1000);
    });
  }
});
