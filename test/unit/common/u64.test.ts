// 64-bit helpers against BigInt over edge values and a fixed pseudo-random sample.
import assert from 'node:assert';
import * as U from '../../../src/common/u64';

const M64 = (1n << 64n) - 1n;
const u = (v: bigint) => BigInt.asUintN(64, v);
const s = (v: bigint) => BigInt.asIntN(64, v);
const lo = (v: bigint) => Number(u(v) & 0xffffffffn) | 0;
const hi = (v: bigint) => Number(u(v) >> 32n) | 0;
/** The helper's result (returned low half, high half in hi64) as an unsigned bigint. */
const res = (l: number) => U.toBigU(l, U.hi64);

const EDGES: bigint[] = [
  0n, 1n, 2n, 3n, 7n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x100000001n,
  (1n << 53n) - 1n, 1n << 53n, (1n << 53n) + 1n, 0x7fffffffffffffffn, 0x8000000000000000n,
  0x8000000000000001n, M64, M64 - 1n, 0xdeadbeefcafebaben, 0x00000001ffffffffn, 0xffffffff00000000n,
];

// xorshift64*: a fixed sequence, so a failure reproduces.
let state = 0x9e3779b97f4a7c15n;
function rnd(): bigint {
  state ^= state >> 12n; state ^= u(state << 25n); state ^= state >> 27n;
  const v = u(state * 0x2545f4914f6cdd1dn);
  // Mix in small magnitudes and sign patterns so carries and short divisions get exercised.
  switch (Number(v & 3n)) {
    case 0: return v >> BigInt(Number((v >> 8n) & 63n));
    case 1: return u(-(v >> BigInt(Number((v >> 8n) & 63n))));
    default: return v;
  }
}

const VALUES = [...EDGES, ...Array.from({ length: 150 }, rnd)];
const PAIRS: [bigint, bigint][] = [];
for (const a of EDGES) for (const b of EDGES) PAIRS.push([a, b]);
for (let i = 0; i < 3000; i++) PAIRS.push([rnd(), rnd()]);

function check2(name: string, f: (al: number, ah: number, bl: number, bh: number) => number, ref: (a: bigint, b: bigint) => bigint): void {
  for (const [a, b] of PAIRS) {
    const got = res(f(lo(a), hi(a), lo(b), hi(b)));
    const want = u(ref(a, b));
    if (got !== want) assert.fail(`${name}(0x${a.toString(16)}, 0x${b.toString(16)}) = 0x${got.toString(16)}, want 0x${want.toString(16)}`);
  }
}

describe('common/u64', () => {
  it('add64 / sub64', () => {
    check2('add64', U.add64, (a, b) => a + b);
    check2('sub64', U.sub64, (a, b) => a - b);
  });

  it('shifts by 0..63 (the amount taken mod 64)', () => {
    for (const a of VALUES) {
      for (let sh = 0; sh < 70; sh++) {
        const m = BigInt(sh & 63);
        assert.strictEqual(res(U.sll64(lo(a), hi(a), sh)), u(a << m), `sll ${a} ${sh}`);
        assert.strictEqual(res(U.srl64(lo(a), hi(a), sh)), a >> m, `srl ${a} ${sh}`);
        assert.strictEqual(res(U.sra64(lo(a), hi(a), sh)), u(s(a) >> m), `sra ${a} ${sh}`);
      }
    }
  });

  it('mul64 and the high products mulh/mulhsu/mulhu', () => {
    check2('mul64', U.mul64, (a, b) => a * b);
    check2('mulhu64', U.mulhu64, (a, b) => (a * b) >> 64n);
    check2('mulh64', U.mulh64, (a, b) => (s(a) * s(b)) >> 64n);
    check2('mulhsu64', U.mulhsu64, (a, b) => (s(a) * b) >> 64n);
  });

  it('divu64 gives quotient and remainder for every non-zero divisor', () => {
    for (const [a, b] of PAIRS) {
      if (b === 0n) continue;
      const q = res(U.divu64(lo(a), hi(a), lo(b), hi(b)));
      const r = U.toBigU(U.remLo, U.remHi);
      if (q !== a / b || r !== a % b) assert.fail(`divu64(0x${a.toString(16)}, 0x${b.toString(16)}) = 0x${q.toString(16)} r 0x${r.toString(16)}`);
    }
  });

  it('comparisons', () => {
    for (const [a, b] of PAIRS) {
      assert.strictEqual(U.ltu64(lo(a), hi(a), lo(b), hi(b)), a < b);
      assert.strictEqual(U.lt64(lo(a), hi(a), lo(b), hi(b)), s(a) < s(b));
    }
  });

  it('conversions: fromNumber/toNumberU/toNumberS, fromBig/toBigS, sext, hex64', () => {
    for (const n of [0, 1, 2 ** 32, 2 ** 53 - 1, -1, -(2 ** 53), -(2 ** 32) - 5, 123456789012]) {
      const l = U.fromNumber(n);
      assert.strictEqual(U.toBigS(l, U.hi64), BigInt(n), `fromNumber(${n})`);
      if (n >= 0) assert.strictEqual(U.toNumberU(l, U.hi64), n);
      assert.strictEqual(U.toNumberS(l, U.hi64), n);
    }
    for (const v of VALUES) {
      assert.strictEqual(res(U.fromBig(v)), v);
      assert.strictEqual(U.hex64(lo(v), hi(v)), v.toString(16).padStart(16, '0'));
    }
    assert.strictEqual(U.sext(0x800, 12), -2048);
    assert.strictEqual(U.sext(0x7ff, 12), 2047);
    assert.strictEqual(U.sext(0xffffffff, 32), -1);
  });
});
