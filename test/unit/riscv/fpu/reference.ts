// An independent, slow, obviously-correct reference for the FPU tests: operands are decoded to exact
// BigInt values, the operation is computed exactly (rationals; integer square roots for sqrt), and
// the result is rounded per IEEE 754 with RISC-V's choices (tininess after rounding, canonical NaN).
// Bits are BigInt (singles in the low 32 bits).

export const NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16;

export interface Fmt { p: number; emin: number; emax: number; bits: number; ebits: number }
export const F32: Fmt = { p: 24, emin: -126, emax: 127, bits: 32, ebits: 8 };
export const F64: Fmt = { p: 53, emin: -1022, emax: 1023, bits: 64, ebits: 11 };

export interface Res { bits: bigint; flags: number }

type Dec =
  | { k: 'zero'; s: number }
  | { k: 'inf'; s: number }
  | { k: 'qnan'; s: number }
  | { k: 'snan'; s: number }
  | { k: 'fin'; s: number; m: bigint; e: number }; // value = (-1)^s · m · 2^e

export function decode(f: Fmt, bits: bigint): Dec {
  const fb = f.p - 1;
  const s = Number((bits >> BigInt(f.bits - 1)) & 1n);
  const ef = Number((bits >> BigInt(fb)) & ((1n << BigInt(f.ebits)) - 1n));
  const frac = bits & ((1n << BigInt(fb)) - 1n);
  const emaxField = (1 << f.ebits) - 1;
  if (ef === emaxField) {
    if (frac === 0n) return { k: 'inf', s };
    return (frac >> BigInt(fb - 1)) & 1n ? { k: 'qnan', s } : { k: 'snan', s };
  }
  if (ef === 0) {
    if (frac === 0n) return { k: 'zero', s };
    return { k: 'fin', s, m: frac, e: f.emin - fb };
  }
  return { k: 'fin', s, m: frac | (1n << BigInt(fb)), e: ef - (f.emax) - fb };
}

const isNaN_ = (d: Dec): boolean => d.k === 'qnan' || d.k === 'snan';

export function canonNaN(f: Fmt): bigint { return f === F32 ? 0x7fc00000n : 0x7ff8000000000000n; }
function inf(f: Fmt, s: number): bigint {
  return (BigInt(s) << BigInt(f.bits - 1)) | (((1n << BigInt(f.ebits)) - 1n) << BigInt(f.p - 1));
}
function zero(f: Fmt, s: number): bigint { return BigInt(s) << BigInt(f.bits - 1); }

/** A positive exact value that can be scaled and floored. */
interface Val {
  /** floor(log2 x) */
  ilog2(): number;
  /** floor(x / 2^q) and how the remainder compares with half a unit (-1, 0, 1); exact if remainder 0. */
  at(q: number): { k: bigint; cmp: number; exact: boolean };
}

function bitlen(n: bigint): number { return n === 0n ? 0 : n.toString(2).length; }

/** x = n / d · 2^e, n, d > 0. */
export function ratVal(n: bigint, d: bigint, e: number): Val {
  return {
    ilog2() {
      let l = bitlen(n) - bitlen(d); // floor(log2(n/d)) is l or l-1
      // check n/d >= 2^l
      const ge = l >= 0 ? n >= d << BigInt(l) : n << BigInt(-l) >= d;
      if (!ge) l--;
      return l + e;
    },
    at(q: number) {
      // x / 2^q = n · 2^(e-q) / d
      let A = n, B = d;
      const t = e - q;
      if (t >= 0) A <<= BigInt(t); else B <<= BigInt(-t);
      const k = A / B, r = A - k * B;
      const twice = 2n * r;
      return { k, cmp: twice < B ? -1 : twice === B ? 0 : 1, exact: r === 0n };
    },
  };
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(bitlen(n) / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** x = sqrt(m · 2^e), m > 0. */
function sqrtVal(m: bigint, e: number): Val {
  return {
    ilog2() { const L = bitlen(m) - 1 + e; return Math.floor(L / 2); },
    at(q: number) {
      // x / 2^q = sqrt(m · 2^(e - 2q))
      const t = e - 2 * q;
      if (t >= 0) {
        const Y = m << BigInt(t);
        const k = isqrt(Y);
        const h = (2n * k + 1n) ** 2n;
        return { k, cmp: 4n * Y < h ? -1 : 4n * Y === h ? 0 : 1, exact: k * k === Y };
      }
      const sh = BigInt(-t);
      const k = isqrt(m >> sh);
      const h = (2n * k + 1n) ** 2n << sh;
      return { k, cmp: 4n * m < h ? -1 : 4n * m === h ? 0 : 1, exact: (k * k) << sh === m };
    },
  };
}

function roundAt(v: Val, q: number, rm: number, s: number): { k: bigint; exact: boolean } {
  const { k, cmp, exact } = v.at(q);
  let inc = false;
  switch (rm) {
    case 0: inc = cmp > 0 || (cmp === 0 && (k & 1n) === 1n); break;
    case 1: break;
    case 2: inc = s === 1 && !exact; break;
    case 3: inc = s === 0 && !exact; break;
    case 4: inc = cmp >= 0; break;
  }
  return { k: inc ? k + 1n : k, exact };
}

/** Rounds (-1)^s · v to format f. */
export function roundVal(f: Fmt, s: number, v: Val, rm: number): Res {
  const p = f.p;
  const E = v.ilog2();
  // Tininess after rounding: round to p bits with unbounded exponent range.
  const u = roundAt(v, E - p + 1, rm, s);
  const Eafter = u.k === 1n << BigInt(p) ? E + 1 : E;
  const tiny = Eafter < f.emin;
  let q = Math.max(E, f.emin) - p + 1;
  let { k } = roundAt(v, q, rm, s);
  const { exact } = roundAt(v, q, rm, s);
  if (k === 1n << BigInt(p)) { k >>= 1n; q++; }
  let flags = exact ? 0 : NX;
  if (tiny && !exact) flags |= UF;
  const sb = BigInt(s) << BigInt(f.bits - 1);
  if (k >= 1n << BigInt(p - 1)) {
    const Er = q + p - 1;
    if (Er > f.emax) {
      const toInf = rm === 0 || rm === 4 || (rm === 2 && s === 1) || (rm === 3 && s === 0);
      const bits = toInf ? inf(f, s) : sb | ((((1n << BigInt(f.ebits)) - 2n) << BigInt(p - 1)) | ((1n << BigInt(p - 1)) - 1n));
      return { bits, flags: OF | NX };
    }
    const biased = BigInt(Er + f.emax);
    return { bits: sb | (biased << BigInt(p - 1)) | (k - (1n << BigInt(p - 1))), flags };
  }
  return { bits: sb | k, flags };
}

/** Rounds the exact dyadic (-1)^sign · n · 2^e (n may be 0 → zero with zeroSign). */
function roundDyadic(f: Fmt, n: bigint, e: number, rm: number, zeroSign: number): Res {
  if (n === 0n) return { bits: zero(f, zeroSign), flags: 0 };
  const s = n < 0n ? 1 : 0;
  return roundVal(f, s, ratVal(n < 0n ? -n : n, 1n, e), rm);
}

const signed = (d: { s: number; m: bigint }): bigint => (d.s ? -d.m : d.m);

export function add(f: Fmt, a: bigint, b: bigint, rm: number, sub = false): Res {
  const A = decode(f, a);
  let B = decode(f, b);
  if (sub) B = { ...B, s: B.s ^ 1 } as Dec;
  const nv = A.k === 'snan' || B.k === 'snan' ? NV : 0;
  if (isNaN_(A) || isNaN_(B)) return { bits: canonNaN(f), flags: nv };
  if (A.k === 'inf' && B.k === 'inf') return A.s !== B.s ? { bits: canonNaN(f), flags: NV } : { bits: inf(f, A.s), flags: 0 };
  if (A.k === 'inf') return { bits: inf(f, A.s), flags: 0 };
  if (B.k === 'inf') return { bits: inf(f, B.s), flags: 0 };
  const zs = A.s === B.s ? A.s : rm === 2 ? 1 : 0;
  const [na, ea] = A.k === 'fin' ? [signed(A), A.e] : [0n, 0];
  const [nb, eb] = B.k === 'fin' ? [signed(B), B.e] : [0n, 0];
  const e = Math.min(ea, eb);
  const n = (na << BigInt(ea - e)) + (nb << BigInt(eb - e));
  return roundDyadic(f, n, e, rm, zs);
}

export function mul(f: Fmt, a: bigint, b: bigint, rm: number): Res {
  const A = decode(f, a), B = decode(f, b);
  const nv = A.k === 'snan' || B.k === 'snan' ? NV : 0;
  if (isNaN_(A) || isNaN_(B)) return { bits: canonNaN(f), flags: nv };
  const s = A.s ^ B.s;
  if ((A.k === 'inf' && B.k === 'zero') || (A.k === 'zero' && B.k === 'inf')) return { bits: canonNaN(f), flags: NV };
  if (A.k === 'inf' || B.k === 'inf') return { bits: inf(f, s), flags: 0 };
  if (A.k !== 'fin' || B.k !== 'fin') return { bits: zero(f, s), flags: 0 };
  return roundVal(f, s, ratVal(A.m * B.m, 1n, A.e + B.e), rm);
}

export function div(f: Fmt, a: bigint, b: bigint, rm: number): Res {
  const A = decode(f, a), B = decode(f, b);
  const nv = A.k === 'snan' || B.k === 'snan' ? NV : 0;
  if (isNaN_(A) || isNaN_(B)) return { bits: canonNaN(f), flags: nv };
  const s = A.s ^ B.s;
  if (A.k === 'inf') return B.k === 'inf' ? { bits: canonNaN(f), flags: NV } : { bits: inf(f, s), flags: 0 };
  if (B.k === 'inf') return { bits: zero(f, s), flags: 0 };
  if (B.k === 'zero') return A.k === 'zero' ? { bits: canonNaN(f), flags: NV } : { bits: inf(f, s), flags: DZ };
  if (A.k === 'zero') return { bits: zero(f, s), flags: 0 };
  if (A.k !== 'fin' || B.k !== 'fin') throw new Error('unreachable');
  return roundVal(f, s, ratVal(A.m, B.m, A.e - B.e), rm);
}

export function sqrt(f: Fmt, a: bigint, rm: number): Res {
  const A = decode(f, a);
  if (A.k === 'snan') return { bits: canonNaN(f), flags: NV };
  if (A.k === 'qnan') return { bits: canonNaN(f), flags: 0 };
  if (A.k === 'zero') return { bits: a, flags: 0 };
  if (A.s === 1) return { bits: canonNaN(f), flags: NV };
  if (A.k === 'inf') return { bits: a, flags: 0 };
  if (A.k !== 'fin') throw new Error('unreachable');
  return roundVal(f, 0, sqrtVal(A.m, A.e), rm);
}

/** (negP ? -1 : 1)·a·b + (negC ? -1 : 1)·c, one rounding. */
export function fma(f: Fmt, a: bigint, b: bigint, c: bigint, rm: number, negP = 0, negC = 0): Res {
  const A = decode(f, a), B = decode(f, b);
  let C = decode(f, c);
  C = { ...C, s: C.s ^ negC } as Dec;
  const nv = A.k === 'snan' || B.k === 'snan' || C.k === 'snan' ? NV : 0;
  if ((A.k === 'inf' && B.k === 'zero') || (A.k === 'zero' && B.k === 'inf')) return { bits: canonNaN(f), flags: NV };
  if (isNaN_(A) || isNaN_(B) || isNaN_(C)) return { bits: canonNaN(f), flags: nv };
  const ps = A.s ^ B.s ^ negP;
  if (A.k === 'inf' || B.k === 'inf') {
    if (C.k === 'inf' && C.s !== ps) return { bits: canonNaN(f), flags: NV };
    return { bits: inf(f, ps), flags: 0 };
  }
  if (C.k === 'inf') return { bits: inf(f, C.s), flags: 0 };
  const zs = (A.k === 'zero' || B.k === 'zero') && C.k === 'zero' ? (ps === C.s ? ps : rm === 2 ? 1 : 0) : (rm === 2 ? 1 : 0);
  const [np, ep] = A.k === 'fin' && B.k === 'fin' ? [(ps ? -1n : 1n) * A.m * B.m, A.e + B.e] : [0n, 0];
  const [nc, ec] = C.k === 'fin' ? [signed(C), C.e] : [0n, 0];
  const e = Math.min(ep, ec);
  const n = (np << BigInt(ep - e)) + (nc << BigInt(ec - e));
  return roundDyadic(f, n, e, rm, zs);
}

/** Float → integer; kind 'w' | 'wu' | 'l' | 'lu'. Result as a BigInt of the destination width (unsigned). */
export function toInt(f: Fmt, a: bigint, kind: 'w' | 'wu' | 'l' | 'lu', rm: number): Res {
  const bitsN = kind === 'w' || kind === 'wu' ? 32 : 64;
  const isSigned = kind === 'w' || kind === 'l';
  const min = isSigned ? -(1n << BigInt(bitsN - 1)) : 0n;
  const max = isSigned ? (1n << BigInt(bitsN - 1)) - 1n : (1n << BigInt(bitsN)) - 1n;
  const mask = (1n << BigInt(bitsN)) - 1n;
  const A = decode(f, a);
  if (A.k === 'qnan' || A.k === 'snan') return { bits: max & mask, flags: NV };
  if (A.k === 'inf') return { bits: (A.s ? min : max) & mask, flags: NV };
  if (A.k === 'zero') return { bits: 0n, flags: 0 };
  if (A.k !== 'fin') throw new Error('unreachable');
  const r = roundAt(ratVal(A.m, 1n, A.e), 0, rm, A.s);
  const v = A.s ? -r.k : r.k;
  if (v < min || v > max) return { bits: (A.s ? min : max) & mask, flags: NV };
  return { bits: v & mask, flags: r.exact ? 0 : NX };
}

/** Integer (as a signed or unsigned BigInt value) → float. */
export function fromInt(f: Fmt, v: bigint, rm: number): Res {
  if (v === 0n) return { bits: 0n, flags: 0 };
  return roundVal(f, v < 0n ? 1 : 0, ratVal(v < 0n ? -v : v, 1n, 0), rm);
}

export function convert(from: Fmt, to: Fmt, a: bigint, rm: number): Res {
  const A = decode(from, a);
  if (A.k === 'snan') return { bits: canonNaN(to), flags: NV };
  if (A.k === 'qnan') return { bits: canonNaN(to), flags: 0 };
  if (A.k === 'inf') return { bits: inf(to, A.s), flags: 0 };
  if (A.k === 'zero') return { bits: zero(to, A.s), flags: 0 };
  if (A.k !== 'fin') throw new Error('unreachable');
  return roundVal(to, A.s, ratVal(A.m, 1n, A.e), rm);
}
