// 64-bit integers without BigInt (ARCHITECTURE.md §6): a value is a pair of int32 halves (lo, hi).
// Helpers return the low half and leave the high half in `hi64` (a module-level result register),
// so hot paths allocate nothing. Read `hi64` immediately after the call that set it.
//
// This is the one place that knows the representation; BigInt appears only in the slow
// conversion helpers at the bottom (for tests, printing and configuration).

/** High half of the last helper result. */
export let hi64 = 0;

const TWO32 = 4294967296;

/** lo + hi·2^32 as an exact unsigned double; only for values < 2^53 (addresses, sizes). */
export function toNumberU(lo: number, hi: number): number {
  return (hi >>> 0) * TWO32 + (lo >>> 0);
}

/** Signed double value of (lo, hi); exact when |value| < 2^53. */
export function toNumberS(lo: number, hi: number): number {
  return (hi | 0) * TWO32 + (lo >>> 0);
}

/** Splits a non-negative double < 2^64 (exact integer) into halves; returns lo, sets hi64. */
export function fromNumber(n: number): number {
  if (n < 0) {
    // Two's complement of a negative integer >= -2^53.
    const m = -n;
    const lo = m >>> 0;
    const h = Math.floor(m / TWO32) >>> 0;
    // negate (lo, h)
    const nlo = (~lo + 1) | 0;
    hi64 = (~h + (nlo === 0 ? 1 : 0)) | 0;
    return nlo;
  }
  hi64 = Math.floor(n / TWO32) | 0;
  return n | 0;
}

export function add64(alo: number, ahi: number, blo: number, bhi: number): number {
  const lo = (alo + blo) | 0;
  // Branchless carry: a ?: would make V8 branch and mispredict.
  hi64 = (ahi + bhi + (((lo >>> 0) < (alo >>> 0)) as unknown as number)) | 0;
  return lo;
}

export function sub64(alo: number, ahi: number, blo: number, bhi: number): number {
  const lo = (alo - blo) | 0;
  hi64 = (ahi - bhi - (((alo >>> 0) < (blo >>> 0)) as unknown as number)) | 0;
  return lo;
}

/** Logical left shift by 0..63. */
export function sll64(lo: number, hi: number, sh: number): number {
  sh &= 63;
  if (sh === 0) { hi64 = hi; return lo; }
  if (sh < 32) { hi64 = (hi << sh) | (lo >>> (32 - sh)); return lo << sh; }
  hi64 = lo << (sh - 32);
  return 0;
}

/** Logical right shift by 0..63. */
export function srl64(lo: number, hi: number, sh: number): number {
  sh &= 63;
  if (sh === 0) { hi64 = hi; return lo; }
  if (sh < 32) { hi64 = hi >>> sh | 0; return (lo >>> sh) | (hi << (32 - sh)); }
  hi64 = 0;
  return (hi >>> (sh - 32)) | 0;
}

/** Arithmetic right shift by 0..63. */
export function sra64(lo: number, hi: number, sh: number): number {
  sh &= 63;
  if (sh === 0) { hi64 = hi; return lo; }
  if (sh < 32) { hi64 = hi >> sh; return (lo >>> sh) | (hi << (32 - sh)); }
  hi64 = hi >> 31;
  return hi >> (sh - 32);
}

/** Unsigned a < b. */
export function ltu64(alo: number, ahi: number, blo: number, bhi: number): boolean {
  return ahi === bhi ? (alo >>> 0) < (blo >>> 0) : (ahi >>> 0) < (bhi >>> 0);
}

/** Signed a < b. */
export function lt64(alo: number, ahi: number, blo: number, bhi: number): boolean {
  return ahi === bhi ? (alo >>> 0) < (blo >>> 0) : (ahi | 0) < (bhi | 0);
}

// Multiplication works on 16-bit limbs so every partial product is exact in a double.

/** Low 64 bits of a·b (MUL). */
export function mul64(alo: number, ahi: number, blo: number, bhi: number): number {
  // lo·lo gives 64 bits; the cross terms only contribute to the high half (mod 2^32).
  const a0 = alo & 0xffff, a1 = alo >>> 16, b0 = blo & 0xffff, b1 = blo >>> 16;
  const p00 = a0 * b0;
  const mid = a1 * b0 + a0 * b1; // < 2^33
  const lowFull = p00 + (mid % 65536) * 65536; // < 2^49
  const lo = lowFull >>> 0;
  const carry = Math.floor(lowFull / TWO32);
  const hiPart = a1 * b1 + Math.floor(mid / 65536) + carry;
  hi64 = (hiPart + Math.imul(alo, bhi) + Math.imul(ahi, blo)) | 0;
  return lo | 0;
}

// Full 128-bit unsigned product in four 32-bit words (scratch), used by MULH*.
const prod = new Uint32Array(4);
function mulu128(alo: number, ahi: number, blo: number, bhi: number): void {
  const a = [alo & 0xffff, alo >>> 16, ahi & 0xffff, ahi >>> 16];
  const b = [blo & 0xffff, blo >>> 16, bhi & 0xffff, bhi >>> 16];
  const r = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < 4; i++) {
    let carry = 0;
    const ai = a[i];
    for (let j = 0; j < 4; j++) {
      const t = ai * b[j] + r[i + j] + carry; // < 2^33
      r[i + j] = t & 0xffff;
      carry = Math.floor(t / 65536);
    }
    r[i + 4] += carry;
  }
  prod[0] = r[0] | (r[1] << 16); prod[1] = r[2] | (r[3] << 16);
  prod[2] = r[4] | (r[5] << 16); prod[3] = r[6] | (r[7] << 16);
}

/** High 64 bits of unsigned a·b (MULHU). */
export function mulhu64(alo: number, ahi: number, blo: number, bhi: number): number {
  mulu128(alo, ahi, blo, bhi);
  hi64 = prod[3] | 0;
  return prod[2] | 0;
}

/** High 64 bits of signed a × signed b (MULH). */
export function mulh64(alo: number, ahi: number, blo: number, bhi: number): number {
  mulu128(alo, ahi, blo, bhi);
  let lo = prod[2] | 0, hi = prod[3] | 0;
  // signed correction: subtract b<<64 if a<0, a<<64 if b<0
  if (ahi < 0) { lo = sub64(lo, hi, blo, bhi); hi = hi64; }
  if (bhi < 0) { lo = sub64(lo, hi, alo, ahi); hi = hi64; }
  hi64 = hi;
  return lo;
}

/** High 64 bits of signed a × unsigned b (MULHSU). */
export function mulhsu64(alo: number, ahi: number, blo: number, bhi: number): number {
  mulu128(alo, ahi, blo, bhi);
  let lo = prod[2] | 0, hi = prod[3] | 0;
  if (ahi < 0) { lo = sub64(lo, hi, blo, bhi); hi = hi64; }
  hi64 = hi;
  return lo;
}

/** Remainder of the last divu64 call, as halves. */
export let remLo = 0;
export let remHi = 0;

/** Unsigned division; b must be non-zero. Quotient returned (lo, hi64), remainder in remLo/remHi. */
export function divu64(alo: number, ahi: number, blo: number, bhi: number): number {
  if (ahi === 0 && bhi === 0) {
    const a = alo >>> 0, b = blo >>> 0;
    const q = Math.floor(a / b);
    const r = a - q * b;
    remLo = r | 0; remHi = 0; hi64 = 0;
    return q | 0;
  }
  const an = toNumberU(alo, ahi), bn = toNumberU(blo, bhi);
  if (an < 9007199254740992 && bn < 9007199254740992) {
    const q = Math.floor(an / bn);
    const r = an - q * bn;
    remLo = fromNumber(r); remHi = hi64;
    const qlo = fromNumber(q);
    return qlo;
  }
  // Shift-subtract long division, 64 steps.
  let qlo = 0, qhi = 0, rlo = 0, rhi = 0;
  for (let i = 63; i >= 0; i--) {
    // r = r << 1 | bit i of a
    rhi = (rhi << 1) | (rlo >>> 31);
    rlo = (rlo << 1) | ((i >= 32 ? ahi >>> (i - 32) : alo >>> i) & 1);
    if (!ltu64(rlo, rhi, blo, bhi)) {
      rlo = sub64(rlo, rhi, blo, bhi); rhi = hi64;
      if (i >= 32) qhi |= 1 << (i - 32); else qlo |= 1 << i;
    }
  }
  remLo = rlo; remHi = rhi; hi64 = qhi;
  return qlo;
}

/** Sign-extends the low `bits` bits of a 32-bit value. */
export function sext(v: number, bits: number): number {
  const s = 32 - bits;
  return (v << s) >> s;
}

// ---- slow conversions, never on hot paths ----

export function toBigU(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

export function toBigS(lo: number, hi: number): bigint {
  return BigInt.asIntN(64, toBigU(lo, hi));
}

/** Splits a bigint (taken mod 2^64) into halves; returns lo, sets hi64. */
export function fromBig(v: bigint): number {
  const u = BigInt.asUintN(64, v);
  hi64 = Number(u >> 32n) | 0;
  return Number(u & 0xffffffffn) | 0;
}

/** 16 hex digits, zero-padded. */
export function hex64(lo: number, hi: number): string {
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}
