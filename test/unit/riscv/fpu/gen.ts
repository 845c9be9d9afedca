// Deterministic random operands biased towards the interesting parts of each format.
import { F32, F64, type Fmt } from './reference';

export class Rng {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0 || 1; }
  /** uint32 (xorshift32) */
  u32(): number {
    let x = this.s;
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    this.s = x;
    return x;
  }
  int(n: number): number { return this.u32() % n; }
  bits(n: number): bigint {
    let v = 0n;
    for (let i = 0; i < n; i += 32) v = (v << 32n) | BigInt(this.u32());
    return v & ((1n << BigInt(n)) - 1n);
  }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]; }
}

const fmtOf = (w: 32 | 64): Fmt => (w === 32 ? F32 : F64);

export function pack(f: Fmt, s: number, biasedExp: number, frac: bigint): bigint {
  return (BigInt(s) << BigInt(f.bits - 1)) | (BigInt(biasedExp) << BigInt(f.p - 1)) | (frac & ((1n << BigInt(f.p - 1)) - 1n));
}

export function specials(w: 32 | 64): bigint[] {
  const f = fmtOf(w);
  const maxE = (1 << f.ebits) - 1;
  const fm = (1n << BigInt(f.p - 1)) - 1n;
  const out: bigint[] = [];
  for (const s of [0, 1]) {
    out.push(pack(f, s, 0, 0n), pack(f, s, maxE, 0n), pack(f, s, 0, 1n), pack(f, s, 0, fm), pack(f, s, 1, 0n),
      pack(f, s, maxE - 1, fm), pack(f, s, f.emax, 0n), pack(f, s, f.emax, 1n), pack(f, s, f.emax - 1, fm),
      pack(f, s, 1, 1n), pack(f, s, 0, 1n << BigInt(f.p - 2)));
  }
  out.push(pack(f, 0, maxE, 1n << BigInt(f.p - 2)), pack(f, 0, maxE, 1n), pack(f, 1, maxE, 5n)); // qNaN, sNaN, -sNaN
  return out;
}

/** A random mantissa field: uniform, few significant bits (ties, exact results) or near all-ones. */
function frac(r: Rng, f: Fmt): bigint {
  const n = f.p - 1;
  switch (r.int(4)) {
    case 0: return r.bits(n) & ~((1n << BigInt(r.int(n))) - 1n); // trailing zeros
    case 1: return ((1n << BigInt(n)) - 1n) ^ r.bits(r.int(4) + 1); // near all-ones
    default: return r.bits(n);
  }
}

export function value(r: Rng, w: 32 | 64): bigint {
  const f = fmtOf(w);
  const maxE = (1 << f.ebits) - 1;
  const s = r.int(2);
  const k = r.int(100);
  if (k < 8) return r.pick(specials(w));
  if (k < 20) return pack(f, s, 0, frac(r, f) >> BigInt(r.int(f.p))); // subnormal (or zero)
  if (k < 32) return pack(f, s, 1 + r.int(4), frac(r, f)); // near the smallest normal
  if (k < 44) return pack(f, s, maxE - 1 - r.int(4), frac(r, f)); // near overflow
  if (k < 52) return r.bits(f.bits); // any pattern
  const mid = f.emax; // biased exponent of 1.0
  return pack(f, s, mid - 30 + r.int(60), frac(r, f));
}

function biasedExp(f: Fmt, v: bigint): number {
  return Number((v >> BigInt(f.p - 1)) & ((1n << BigInt(f.ebits)) - 1n));
}

/** A second operand related to a: close exponent (cancellation, ties), or a product near a boundary. */
export function partner(r: Rng, w: 32 | 64, a: bigint, op: string): bigint {
  const f = fmtOf(w);
  const maxE = (1 << f.ebits) - 1;
  const ea = biasedExp(f, a);
  if (ea === 0 || ea === maxE || r.int(3) === 0) return value(r, w);
  const s = r.int(2);
  if (op === 'mul' || op === 'div' || op === 'fma') {
    // aim the result exponent at the subnormal boundary or at overflow
    const target = r.int(2) === 0 ? 1 + r.int(4) - f.p * r.int(2) : maxE - 1 - r.int(3);
    let eb = op === 'div' ? ea - target + f.emax : target - ea + f.emax;
    eb = Math.max(1, Math.min(maxE - 1, eb + r.int(5) - 2));
    return pack(f, s, eb, frac(r, f));
  }
  // add/sub: exponent within p+2 of a's, sometimes a power of two (exact ties)
  const eb = Math.max(0, Math.min(maxE - 1, ea - r.int(f.p + 3) + 1));
  if (r.int(3) === 0) return pack(f, s, eb, 0n);
  if (r.int(4) === 0) return a ^ (BigInt(s) << BigInt(f.bits - 1)) ^ r.bits(3); // near -a
  return pack(f, s, eb, frac(r, f));
}
