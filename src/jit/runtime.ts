// Helpers the generated code calls (ARCHITECTURE.md §6: slow paths outlined, 64-bit results as
// int32 halves). Each returns the low half and leaves the high half in `HI[0]`, which the
// generated code reads at once. Exits after a slow path or a helper call are outlined too, so the
// block's hot path keeps only a test of `h.event`.
//
// The multiply and divide helpers are the translator's own: they allocate nothing and take the
// fast cases first (measured: the shared u64 long division and the array-based 128-bit product
// were over a third of bench-s1's time and most of its garbage). Results equal the M extension's
// definitions bit for bit, division by zero and overflow included (m-st-ext.adoc, "Division
// Operations").
import { EV_EXC, EV_JUMP, type Hart } from '../riscv/hart/hart';

/** High half of the last helper result. */
export const HI = new Int32Array(1);

const TWO32 = 4294967296;

/** A boolean as 0/1 without a branch. */
const b = (v: boolean): number => (v as unknown as number) | 0;
/** Borrow/carry: 1 when x < y as uint32. */
const ltu = (x: number, y: number): number => b((x >>> 0) < (y >>> 0));

// 32×32 → 64 unsigned product of the last `mulu32` call: low word (uint32) and high word.
let pLo = 0, pHi = 0;
function mulu32(a: number, b: number): void {
  // a, b: uint32. The low word is exact from Math.imul; the double product is off by less than
  // 2^12, far below the 2^32 step of the high word, so rounding recovers it exactly.
  const lo = Math.imul(a, b) >>> 0;
  pLo = lo;
  pHi = Math.round((a * b - lo) / TWO32);
}

/** Low 64 bits of a·b (MUL). */
export function mul(al: number, ah: number, bl: number, bh: number): number {
  const lo = Math.imul(al, bl);
  HI[0] = (Math.round(((al >>> 0) * (bl >>> 0) - (lo >>> 0)) / TWO32) + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
  return lo;
}

/** High 64 bits of the unsigned 128-bit product (MULHU). */
export function mulhu(al: number, ah: number, bl: number, bh: number): number {
  const a0 = al >>> 0, a1 = ah >>> 0, b0 = bl >>> 0, b1 = bh >>> 0;
  mulu32(a0, b0); const h00 = pHi;
  mulu32(a0, b1); const l01 = pLo, h01 = pHi;
  mulu32(a1, b0); const l10 = pLo, h10 = pHi;
  mulu32(a1, b1); const l11 = pLo, h11 = pHi;
  const w1 = h00 + l01 + l10; // < 3·2^32: exact
  const w2 = h01 + h10 + l11 + Math.floor(w1 / TWO32);
  const w3 = h11 + Math.floor(w2 / TWO32);
  HI[0] = w3 | 0;
  return (w2 % TWO32) | 0;
}

/** High 64 bits of signed × signed (MULH): the unsigned product less b·2^64 if a < 0 and a·2^64 if b < 0. */
export function mulh(al: number, ah: number, bl: number, bh: number): number {
  let lo = mulhu(al, ah, bl, bh), hi = HI[0];
  if (ah < 0) { const l = (lo - bl) | 0; hi = (hi - bh - ltu(lo, bl)) | 0; lo = l; }
  if (bh < 0) { const l = (lo - al) | 0; hi = (hi - ah - ltu(lo, al)) | 0; lo = l; }
  HI[0] = hi;
  return lo;
}

/** High 64 bits of signed a × unsigned b (MULHSU). */
export function mulhsu(al: number, ah: number, bl: number, bh: number): number {
  let lo = mulhu(al, ah, bl, bh), hi = HI[0];
  if (ah < 0) { const l = (lo - bl) | 0; hi = (hi - bh - ltu(lo, bl)) | 0; lo = l; }
  HI[0] = hi;
  return lo;
}

// Unsigned 64-bit division of the last `udiv` call: quotient and remainder halves (int32).
let qL = 0, qH = 0, rL = 0, rH = 0;

/** Unsigned a / b, b ≠ 0, into qL/qH and rL/rH. */
function udiv(al: number, ah: number, bl: number, bh: number): void {
  const a0 = al >>> 0, a1 = ah >>> 0, b0 = bl >>> 0, b1 = bh >>> 0;
  if (b1 === 0) {
    if (a1 === 0) { const q = Math.floor(a0 / b0); qL = q | 0; qH = 0; rL = (a0 - q * b0) | 0; rH = 0; return; }
    // Long division in one 32-bit and two 16-bit digits: every partial dividend stays below 2^48,
    // where a double quotient's floor is exact.
    const q2 = Math.floor(a1 / b0);
    let r = a1 - q2 * b0;
    let t = r * 65536 + (a0 >>> 16);
    const q1 = Math.floor(t / b0);
    r = t - q1 * b0;
    t = r * 65536 + (a0 & 0xffff);
    const q0 = Math.floor(t / b0);
    r = t - q0 * b0;
    qL = (q1 * 65536 + q0) | 0; qH = q2 | 0; rL = r | 0; rH = 0;
    return;
  }
  // b ≥ 2^32, so q < 2^32: the double estimate is within 1 of the true quotient; one below it
  // (so q·b ≤ a and a − q·b fits 64 bits), then corrected upward.
  let q = Math.floor((a1 * TWO32 + a0) / (b1 * TWO32 + b0)) - 1;
  if (q < 0) q = 0;
  mulu32(q, b0);
  const pl = pLo, ph = (pHi + Math.imul(q, b1)) | 0;
  let lo = (al - pl) | 0;
  let hi = (ah - ph - ltu(al, pl)) | 0;
  // while r ≥ b (unsigned)
  while ((hi >>> 0) > b1 || ((hi >>> 0) === b1 && (lo >>> 0) >= b0)) {
    const l = (lo - bl) | 0;
    hi = (hi - bh - ltu(lo, b0)) | 0;
    lo = l;
    q++;
  }
  qL = q | 0; qH = 0; rL = lo; rH = hi;
}

/** DIVU: quotient; all ones for b = 0. */
export function divu(al: number, ah: number, bl: number, bh: number): number {
  if ((bl | bh) === 0) { HI[0] = -1; return -1; }
  udiv(al, ah, bl, bh);
  HI[0] = qH; return qL;
}

/** REMU: remainder; the dividend for b = 0. */
export function remu(al: number, ah: number, bl: number, bh: number): number {
  if ((bl | bh) === 0) { HI[0] = ah; return al; }
  udiv(al, ah, bl, bh);
  HI[0] = rH; return rL;
}

/** Signed division by magnitudes: |a| / |b| into qL.. rL.. (b ≠ 0). */
function sdiv(al: number, ah: number, bl: number, bh: number): void {
  let ul = al, uh = ah, vl = bl, vh = bh;
  if (ah < 0) { ul = -al | 0; uh = (~ah + b(al === 0)) | 0; }
  if (bh < 0) { vl = -bl | 0; vh = (~bh + b(bl === 0)) | 0; }
  udiv(ul, uh, vl, vh);
  if ((ah ^ bh) < 0) { const l = -qL | 0; qH = (~qH + b(qL === 0)) | 0; qL = l; }
  if (ah < 0) { const l = -rL | 0; rH = (~rH + b(rL === 0)) | 0; rL = l; }
}

/** DIV: quotient rounded toward zero; −1 for b = 0, the dividend for −2^63 / −1. */
export function div(al: number, ah: number, bl: number, bh: number): number {
  if ((bl | bh) === 0) { HI[0] = -1; return -1; }
  if ((bl & bh) === -1 && al === 0 && ah === -2147483648) { HI[0] = ah; return al; }
  sdiv(al, ah, bl, bh);
  HI[0] = qH; return qL;
}

/** REM: remainder with the dividend's sign; the dividend for b = 0, 0 for −2^63 % −1. */
export function rem(al: number, ah: number, bl: number, bh: number): number {
  if ((bl | bh) === 0) { HI[0] = ah; return al; }
  if ((bl & bh) === -1 && al === 0 && ah === -2147483648) { HI[0] = 0; return 0; }
  sdiv(al, ah, bl, bh);
  HI[0] = rH; return rL;
}

/**
 * After a helper or slow path left an event: an exception leaves pc and retired at the
 * instruction (the generated code set them before the call); otherwise the instruction retired
 * and, unless it jumped, the pc moves on. Returns true when the instruction completed (so a load
 * still writes its destination).
 */
export function leave(h: Hart, nextLo: number, nextHi: number): boolean {
  const ev = h.event;
  if ((ev & EV_EXC) !== 0) return false;
  h.retired++;
  if ((ev & EV_JUMP) === 0) { h.pcLo = nextLo; h.pcHi = nextHi; }
  return true;
}
