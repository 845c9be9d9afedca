// Bit-exact software floating point for the RISC-V F and D extensions (f-st-ext.adoc, d-st-ext.adoc).
//
// Values travel as bit patterns: a single is an int32, a double is (lo, hi) int32 halves. Double
// results return the low half and leave the high half in `resHi` (read it right after the call).
// Exception flags are ORed into `fflags` (fcsr layout: NX=1 UF=2 OF=4 DZ=8 NV=16); the caller
// collects them with takeFflags(). Rounding modes are 0..4 (RNE RTZ RDN RUP RMM); the caller
// resolves DYN and rejects the reserved encodings.
//
// Exact arithmetic works on an "unpacked" form shared by both formats: sign, unbiased exponent e and
// a 64-bit significand S (two uint32 words) with bit 63 set, value = S / 2^63 * 2^e. Wider
// intermediates (products, fused sums) use 128-bit word arrays. Only the final rounding knows the
// format. RNE add/sub/mul/div/sqrt take native-double fast paths where provably exact.
// No BigInt, no allocation per operation.

export const NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16;
export const RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;

/** Accrued exception flags of the operations since the last takeFflags(). */
export let fflags = 0;
/** High half of the last double (or 64-bit integer) result. */
export let resHi = 0;

/** Returns the accrued flags and clears them. */
export function takeFflags(): number {
  const f = fflags;
  fflags = 0;
  return f;
}

export const CANONICAL_NAN32 = 0x7fc00000;
export const CANONICAL_NAN64_HI = 0x7ff80000;

const TWO32 = 4294967296;
const TWO21 = 2097152;
const TWO24 = 16777216;
const TWO23 = 8388608;
const TWO52 = 4503599627370496;
const TWO53 = 9007199254740992;

// Operand classes.
const ZERO = 0, FINITE = 1, INF = 2, QNAN = 3, SNAN = 4;

// ---------------------------------------------------------------------------------------------
// Views for moving between JS doubles and bit patterns (fast paths, sqrt).

const f64buf = new Float64Array(1);
const i32buf = new Int32Array(f64buf.buffer);
const f32buf = new Float32Array(f64buf.buffer, 0, 1);
f64buf[0] = 1;
const LO = i32buf[1] === 0x3ff00000 ? 0 : 1; // platform endianness
const HI = 1 - LO;

function toF64(lo: number, hi: number): number {
  i32buf[LO] = lo;
  i32buf[HI] = hi;
  return f64buf[0];
}

function fromF64(x: number): number {
  f64buf[0] = x;
  resHi = i32buf[HI];
  return i32buf[LO];
}

function toF32(a: number): number {
  i32buf[0] = a;
  return f32buf[0];
}

function fromF32(x: number): number {
  f32buf[0] = x;
  return i32buf[0];
}

// ---------------------------------------------------------------------------------------------
// Rounding.

/** 1 if the kept significand is to be incremented; `r` is the discarded part, `half` its midpoint. */
function roundInc(rm: number, sign: number, odd: number, r: number, half: number): number {
  switch (rm) {
    case RNE: return r > half || (r === half && odd !== 0) ? 1 : 0;
    case RTZ: return 0;
    case RDN: return sign !== 0 && r !== 0 ? 1 : 0;
    case RUP: return sign === 0 && r !== 0 ? 1 : 0;
    default: return r >= half ? 1 : 0; // RMM
  }
}

// Result of shiftRightJam64.
let jH = 0, jL = 0;

/** (h, l) >> n, ORing any bit shifted out into bit 0 ("jamming", keeps inexactness visible). */
function shiftRightJam64(h: number, l: number, n: number): void {
  if (n === 0) { jH = h; jL = l; } else if (n < 32) {
    jL = ((l >>> n) | (h << (32 - n)) | ((l << (32 - n)) !== 0 ? 1 : 0)) >>> 0;
    jH = h >>> n;
  } else if (n === 32) {
    jL = (h | (l !== 0 ? 1 : 0)) >>> 0;
    jH = 0;
  } else if (n < 64) {
    const k = n - 32;
    jL = ((h >>> k) | (((h << (32 - k)) | l) !== 0 ? 1 : 0)) >>> 0;
    jH = 0;
  } else {
    jL = (h | l) !== 0 ? 1 : 0;
    jH = 0;
  }
}

function overflow64(sign: number, rm: number): number {
  fflags |= OF | NX;
  const toInf = rm === RNE || rm === RMM || (rm === RDN && sign !== 0) || (rm === RUP && sign === 0);
  if (toInf) { resHi = (sign << 31) | 0x7ff00000; return 0; }
  resHi = (sign << 31) | 0x7fefffff;
  return -1;
}

function overflow32(sign: number, rm: number): number {
  fflags |= OF | NX;
  const toInf = rm === RNE || rm === RMM || (rm === RDN && sign !== 0) || (rm === RUP && sign === 0);
  return (sign << 31) | (toInf ? 0x7f800000 : 0x7f7fffff);
}

/**
 * Rounds sign · S/2^63 · 2^exp (S = sh:sl, bit 63 set, sticky jammed into bit 0) to a double.
 * Tininess is detected after rounding (f-st-ext.adoc, "Subnormal Arithmetic").
 */
function roundPack64(sign: number, exp: number, sh: number, sl: number, rm: number): number {
  let e = exp + 1023;
  if (e >= 1) {
    let m = sh * TWO21 + (sl >>> 11);
    const r = sl & 0x7ff;
    if (r !== 0) {
      fflags |= NX;
      m += roundInc(rm, sign, (sl >>> 11) & 1, r, 0x400);
      if (m === TWO53) { m = TWO52; e++; }
    }
    if (e >= 2047) return overflow64(sign, rm);
    // m carries the implicit bit at 2^52, which adds 1 to the exponent field: hence e - 1.
    resHi = (sign << 31) | (((e - 1) << 20) + Math.floor(m / TWO32));
    return m | 0;
  }
  // Tiny before rounding. Still not tiny after rounding if e = 0 and rounding to 53 bits with an
  // unbounded exponent carries up to 2^-1022.
  let tiny = true;
  if (e === 0) {
    const m0 = sh * TWO21 + (sl >>> 11);
    if (m0 + roundInc(rm, sign, (sl >>> 11) & 1, sl & 0x7ff, 0x400) === TWO53) tiny = false;
  }
  shiftRightJam64(sh, sl, 1 - e);
  let m = jH * TWO21 + (jL >>> 11);
  const r = jL & 0x7ff;
  if (r !== 0) {
    fflags |= tiny ? NX | UF : NX;
    m += roundInc(rm, sign, (jL >>> 11) & 1, r, 0x400);
  }
  // A carry to 2^52 lands in the exponent field as the smallest normal, as it should.
  resHi = (sign << 31) | Math.floor(m / TWO32);
  return m | 0;
}

/** As roundPack64, to a single (returned as int32). */
function roundPack32(sign: number, exp: number, sh: number, sl: number, rm: number): number {
  let e = exp + 127;
  if (e >= 1) {
    let m = sh >>> 8;
    const r = ((sh & 0xff) << 1) | (sl !== 0 ? 1 : 0);
    if (r !== 0) {
      fflags |= NX;
      m += roundInc(rm, sign, m & 1, r, 0x100);
      if (m === TWO24) { m = TWO23; e++; }
    }
    if (e >= 255) return overflow32(sign, rm);
    return (sign << 31) | (((e - 1) << 23) + m);
  }
  let tiny = true;
  if (e === 0) {
    const m0 = sh >>> 8;
    const r0 = ((sh & 0xff) << 1) | (sl !== 0 ? 1 : 0);
    if (m0 + roundInc(rm, sign, m0 & 1, r0, 0x100) === TWO24) tiny = false;
  }
  shiftRightJam64(sh, sl, 1 - e);
  let m = jH >>> 8;
  const r = ((jH & 0xff) << 1) | (jL !== 0 ? 1 : 0);
  if (r !== 0) {
    fflags |= tiny ? NX | UF : NX;
    m += roundInc(rm, sign, m & 1, r, 0x100);
  }
  return (sign << 31) | m;
}

// ---------------------------------------------------------------------------------------------
// Unpacking.

let uS = 0, uE = 0, uH = 0, uL = 0;

/** Classifies a double and, for finite non-zero values, unpacks it into uS/uE/uH/uL. */
function unpack64(lo: number, hi: number): number {
  uS = hi >>> 31;
  const ef = (hi >>> 20) & 0x7ff;
  const fh = hi & 0xfffff;
  const fl = lo >>> 0;
  if (ef === 0x7ff) {
    if (fh === 0 && fl === 0) return INF;
    return (fh & 0x80000) !== 0 ? QNAN : SNAN;
  }
  if (ef === 0) {
    if (fh === 0 && fl === 0) return ZERO;
    // Subnormal: frac · 2^-1074; normalize so bit 63 is set.
    let k: number;
    if (fh !== 0) {
      k = Math.clz32(fh);
      uH = ((fh << k) | (k === 0 ? 0 : fl >>> (32 - k))) >>> 0;
      uL = (fl << k) >>> 0;
    } else {
      k = 32 + Math.clz32(fl);
      uH = (fl << (k - 32)) >>> 0;
      uL = 0;
    }
    uE = -1011 - k;
    return FINITE;
  }
  uH = (((0x100000 | fh) << 11) | (fl >>> 21)) >>> 0;
  uL = (fl << 11) >>> 0;
  uE = ef - 1023;
  return FINITE;
}

function unpack32(a: number): number {
  uS = a >>> 31;
  const ef = (a >>> 23) & 0xff;
  const f = a & 0x7fffff;
  uL = 0;
  if (ef === 0xff) {
    if (f === 0) return INF;
    return (f & 0x400000) !== 0 ? QNAN : SNAN;
  }
  if (ef === 0) {
    if (f === 0) return ZERO;
    const z = Math.clz32(f);
    uH = (f << z) >>> 0;
    uE = -118 - z;
    return FINITE;
  }
  uH = ((0x800000 | f) << 8) >>> 0;
  uE = ef - 127;
  return FINITE;
}

function nan64(): number { resHi = CANONICAL_NAN64_HI; return 0; }
function inf64(sign: number): number { resHi = (sign << 31) | 0x7ff00000; return 0; }
function zero64(sign: number): number { resHi = sign << 31; return 0; }
function inf32(sign: number): number { return (sign << 31) | 0x7f800000; }
function zero32(sign: number): number { return sign << 31; }

// ---------------------------------------------------------------------------------------------
// 128-bit significand arithmetic (word 3 most significant).

const X = new Uint32Array(4);
const Y = new Uint32Array(4);

function shiftRightJam128(A: Uint32Array, n: number): void {
  if (n === 0) return;
  if (n >= 128) {
    const s = (A[0] | A[1] | A[2] | A[3]) !== 0 ? 1 : 0;
    A[3] = 0; A[2] = 0; A[1] = 0; A[0] = s;
    return;
  }
  const w = n >>> 5, b = n & 31;
  let sticky = 0;
  for (let i = 0; i < w; i++) sticky |= A[i];
  if (b !== 0) sticky |= A[w] << (32 - b);
  for (let i = 0; i < 4; i++) {
    const src = i + w;
    let v = 0;
    if (src < 4) {
      v = b !== 0 ? A[src] >>> b : A[src];
      if (b !== 0 && src + 1 < 4) v |= A[src + 1] << (32 - b);
    }
    A[i] = v;
  }
  if (sticky !== 0) A[0] |= 1;
}

function shiftLeft128(A: Uint32Array, n: number): void {
  if (n === 0) return;
  const w = n >>> 5, b = n & 31;
  for (let i = 3; i >= 0; i--) {
    const src = i - w;
    let v = 0;
    if (src >= 0) {
      v = A[src] << b;
      if (b !== 0 && src >= 1) v |= A[src - 1] >>> (32 - b);
    }
    A[i] = v;
  }
}

function clz128(A: Uint32Array): number {
  for (let i = 3; i >= 0; i--) if (A[i] !== 0) return (3 - i) * 32 + Math.clz32(A[i]);
  return 128;
}

/** -1, 0, 1 as A <, =, > B. */
function cmp128(A: Uint32Array, B: Uint32Array): number {
  for (let i = 3; i >= 0; i--) if (A[i] !== B[i]) return A[i] < B[i] ? -1 : 1;
  return 0;
}

/** X = (ah:al) · (bh:bl), full 128-bit product, on 16-bit limbs so partial sums stay exact. */
function mul64x64(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff, a1 = al >>> 16, a2 = ah & 0xffff, a3 = ah >>> 16;
  const b0 = bl & 0xffff, b1 = bl >>> 16, b2 = bh & 0xffff, b3 = bh >>> 16;
  let t = a0 * b0;
  const r0 = t % 65536; let c = (t - r0) / 65536;
  t = a1 * b0 + a0 * b1 + c;
  const r1 = t % 65536; c = (t - r1) / 65536;
  t = a2 * b0 + a1 * b1 + a0 * b2 + c;
  const r2 = t % 65536; c = (t - r2) / 65536;
  t = a3 * b0 + a2 * b1 + a1 * b2 + a0 * b3 + c;
  const r3 = t % 65536; c = (t - r3) / 65536;
  t = a3 * b1 + a2 * b2 + a1 * b3 + c;
  const r4 = t % 65536; c = (t - r4) / 65536;
  t = a3 * b2 + a2 * b3 + c;
  const r5 = t % 65536; c = (t - r5) / 65536;
  t = a3 * b3 + c;
  const r6 = t % 65536; c = (t - r6) / 65536;
  X[0] = r0 + r1 * 65536; X[1] = r2 + r3 * 65536; X[2] = r4 + r5 * 65536; X[3] = r6 + c * 65536;
}

// Unpacked result of the exact cores: sign, exponent, normalized 64-bit significand (jammed).
let rS = 0, rE = 0, rH = 0, rL = 0;

function compressX(sign: number, exp: number): void {
  rS = sign; rE = exp; rH = X[3]; rL = (X[2] | ((X[1] | X[0]) !== 0 ? 1 : 0)) >>> 0;
}

/** Exact product of two unpacked finite non-zero values into rS/rE/rH/rL. */
function mulCore(as: number, ae: number, ah: number, al: number, bs: number, be: number, bh: number, bl: number): void {
  mul64x64(ah, al, bh, bl);
  // (A/2^63)(B/2^63) = P/2^126 = (P/2^127)·2.
  if ((X[3] & 0x80000000) !== 0) compressX(as ^ bs, ae + be + 1);
  else { shiftLeft128(X, 1); compressX(as ^ bs, ae + be); }
}

/**
 * Exact sum of X·2^xe/2^127 (sign xs) and Y·2^ye/2^127 (sign ys), both with bit 127 set, into
 * rS/rE/rH/rL. Returns false when the sum is exactly zero. Jamming while aligning is safe: a
 * shift of two or more bits cancels at most one leading bit, far above the rounding position.
 */
function sumCore(xs: number, xe: number, ys: number, ye: number): boolean {
  let P = X, Q = Y;
  if (ye > xe || (ye === xe && cmp128(Y, X) > 0)) {
    P = Y; Q = X;
    const ts = xs; xs = ys; ys = ts;
    const te = xe; xe = ye; ye = te;
  }
  // One bit of headroom for the carry.
  shiftRightJam128(P, 1);
  shiftRightJam128(Q, 1 + xe - ye);
  if (xs === ys) {
    let c = 0;
    for (let i = 0; i < 4; i++) { const t = P[i] + Q[i] + c; P[i] = t; c = t >= TWO32 ? 1 : 0; }
  } else {
    let b = 0;
    for (let i = 0; i < 4; i++) { const t = P[i] - Q[i] - b; P[i] = t; b = t < 0 ? 1 : 0; }
  }
  const lz = clz128(P);
  if (lz === 128) return false;
  shiftLeft128(P, lz);
  rS = xs; rE = xe + 1 - lz; rH = P[3]; rL = (P[2] | ((P[1] | P[0]) !== 0 ? 1 : 0)) >>> 0;
  return true;
}

function loadX(h: number, l: number): void { X[3] = h; X[2] = l; X[1] = 0; X[0] = 0; }
function loadY(h: number, l: number): void { Y[3] = h; Y[2] = l; Y[1] = 0; Y[0] = 0; }

/**
 * Exact quotient of unpacked significands into rS/rE/rH/rL. Restoring division on 53-bit integer
 * significands held in doubles (every intermediate is an integer below 2^54, so exact); `words`
 * is 2 for doubles, 1 for singles (32 quotient bits are plenty for 24-bit rounding).
 */
function divCore(sign: number, ae: number, ah: number, al: number, be: number, bh: number, bl: number, words: number): void {
  let r = ah * TWO21 + (al >>> 11);
  const d = bh * TWO21 + (bl >>> 11);
  let e = ae - be;
  if (r < d) { r *= 2; e--; }
  let qh = 0;
  for (let i = 0; i < 32; i++) {
    qh *= 2;
    if (r >= d) { r -= d; qh += 1; }
    r *= 2;
  }
  let ql = 0;
  if (words === 2) {
    for (let i = 0; i < 32; i++) {
      ql *= 2;
      if (r >= d) { r -= d; ql += 1; }
      r *= 2;
    }
  }
  if (r !== 0) ql = (ql | 1) >>> 0;
  rS = sign; rE = e; rH = qh; rL = ql;
}

// ---------------------------------------------------------------------------------------------
// Shared operation bodies; `dbl` selects the format. Operands are unpacked into a*, b*, c*.

let aS = 0, aE = 0, aH = 0, aL = 0, bS = 0, bE = 0, bH = 0, bL = 0, cS = 0, cE = 0, cH = 0, cL = 0;
function saveA(): void { aS = uS; aE = uE; aH = uH; aL = uL; }
function saveB(): void { bS = uS; bE = uE; bH = uH; bL = uL; }
function saveC(): void { cS = uS; cE = uE; cH = uH; cL = uL; }

// Special-case results of the bodies, decoded by the format wrappers.
const R_ROUND = 0, R_NAN = 1, R_INF = 2, R_ZERO = 3, R_A = 4, R_B = 5, R_C = 6;
let spSign = 0;

/** a + b (b's sign already flipped for subtraction). */
function addBody(ca: number, cb: number, rm: number): number {
  if (ca >= INF || cb >= INF) {
    if (ca === SNAN || cb === SNAN) fflags |= NV;
    if (ca >= QNAN || cb >= QNAN) return R_NAN;
    if (ca === INF && cb === INF) {
      if (aS !== bS) { fflags |= NV; return R_NAN; }
      spSign = aS; return R_INF;
    }
    spSign = ca === INF ? aS : bS; return R_INF;
  }
  if (ca === ZERO) {
    if (cb === ZERO) { spSign = aS === bS ? aS : (rm === RDN ? 1 : 0); return R_ZERO; }
    return R_B;
  }
  if (cb === ZERO) return R_A;
  loadX(aH, aL); loadY(bH, bL);
  if (!sumCore(aS, aE, bS, bE)) { spSign = rm === RDN ? 1 : 0; return R_ZERO; }
  return R_ROUND;
}

function mulBody(ca: number, cb: number): number {
  spSign = aS ^ bS;
  if (ca >= INF || cb >= INF) {
    if (ca === SNAN || cb === SNAN) fflags |= NV;
    if (ca >= QNAN || cb >= QNAN) return R_NAN;
    if (ca === ZERO || cb === ZERO) { fflags |= NV; return R_NAN; }
    return R_INF;
  }
  if (ca === ZERO || cb === ZERO) return R_ZERO;
  mulCore(aS, aE, aH, aL, bS, bE, bH, bL);
  return R_ROUND;
}

function divBody(ca: number, cb: number, words: number): number {
  spSign = aS ^ bS;
  if (ca >= INF || cb >= INF) {
    if (ca === SNAN || cb === SNAN) fflags |= NV;
    if (ca >= QNAN || cb >= QNAN) return R_NAN;
    if (ca === INF) {
      if (cb === INF) { fflags |= NV; return R_NAN; }
      return R_INF;
    }
    return R_ZERO; // finite / inf
  }
  if (cb === ZERO) {
    if (ca === ZERO) { fflags |= NV; return R_NAN; }
    fflags |= DZ; return R_INF;
  }
  if (ca === ZERO) return R_ZERO;
  divCore(spSign, aE, aH, aL, bE, bH, bL, words);
  return R_ROUND;
}

/** (±a·b) ± c with one rounding; signs already folded into aS (product) and cS (addend). */
function fmaBody(ca: number, cb: number, cc: number, rm: number): number {
  const ps = aS ^ bS;
  if (ca >= INF || cb >= INF || cc >= INF) {
    if (ca === SNAN || cb === SNAN || cc === SNAN) fflags |= NV;
    // inf · 0 is invalid even when the addend is a quiet NaN (f-st-ext.adoc).
    if ((ca === INF && cb === ZERO) || (ca === ZERO && cb === INF)) { fflags |= NV; return R_NAN; }
    if (ca >= QNAN || cb >= QNAN || cc >= QNAN) return R_NAN;
    if (ca === INF || cb === INF) {
      if (cc === INF && cS !== ps) { fflags |= NV; return R_NAN; }
      spSign = ps; return R_INF;
    }
    spSign = cS; return R_INF;
  }
  if (ca === ZERO || cb === ZERO) {
    if (cc === ZERO) { spSign = ps === cS ? ps : (rm === RDN ? 1 : 0); return R_ZERO; }
    return R_C;
  }
  mul64x64(aH, aL, bH, bL);
  // (A/2^63)(B/2^63) = P/2^126: exponent +1 when P has bit 127 set, else normalize.
  let pe = aE + bE + 1;
  if ((X[3] & 0x80000000) === 0) { shiftLeft128(X, 1); pe--; }
  if (cc === ZERO) { compressX(ps, pe); return R_ROUND; } // product rounded once
  loadY(cH, cL);
  if (!sumCore(ps, pe, cS, cE)) { spSign = rm === RDN ? 1 : 0; return R_ZERO; }
  return R_ROUND;
}

// ---------------------------------------------------------------------------------------------
// Double precision.

function finish64(kind: number, rm: number, alo: number, ahi: number, blo: number, bhi: number): number {
  switch (kind) {
    case R_ROUND: return roundPack64(rS, rE, rH, rL, rm);
    case R_NAN: return nan64();
    case R_INF: return inf64(spSign);
    case R_ZERO: return zero64(spSign);
    case R_A: resHi = ahi; return alo;
    default: resHi = bhi; return blo;
  }
}

const P2_1020 = 2 ** 1020;
const P2_M1021 = 2 ** -1021;
const P2_995 = 2 ** 995;
const P2_M960 = 2 ** -960;
const P2_1000 = 2 ** 1000;
const SPLIT = 134217729; // 2^27 + 1 (Dekker)

/** Error of the product x·y (exact when no overflow/underflow, Dekker's TwoProduct). */
function productError(x: number, y: number, p: number): number {
  let t = SPLIT * x;
  const xh = t - (t - x), xl = x - xh;
  t = SPLIT * y;
  const yh = t - (t - y), yl = y - yh;
  return ((xh * yh - p) + xh * yl + xl * yh) + xl * yl;
}

function f64addsub(alo: number, ahi: number, blo: number, bhi: number, neg: number, rm: number): number {
  if (rm === RNE) {
    const a = toF64(alo, ahi);
    const b = neg !== 0 ? -toF64(blo, bhi) : toF64(blo, bhi);
    const s = a + b;
    const abs = Math.abs(s);
    // JS addition is IEEE RNE, signed zeros included. Sums landing below 2^-1021 are exact
    // (both operands are multiples of 2^-1074), so only NX needs deriving: TwoSum's error term.
    if (Math.abs(a) < P2_1020 && Math.abs(b) < P2_1020) {
      if (abs >= P2_M1021) {
        const bb = s - a;
        if ((a - (s - bb)) + (b - bb) !== 0) fflags |= NX;
      }
      return fromF64(s);
    }
  }
  const ca = unpack64(alo, ahi); saveA();
  const cb = unpack64(blo, bhi); saveB();
  bS ^= neg;
  return finish64(addBody(ca, cb, rm), rm, alo, ahi, blo, bhi ^ (neg << 31));
}

export function f64add(alo: number, ahi: number, blo: number, bhi: number, rm: number): number {
  return f64addsub(alo, ahi, blo, bhi, 0, rm);
}

export function f64sub(alo: number, ahi: number, blo: number, bhi: number, rm: number): number {
  return f64addsub(alo, ahi, blo, bhi, 1, rm);
}

export function f64mul(alo: number, ahi: number, blo: number, bhi: number, rm: number): number {
  if (rm === RNE) {
    const a = toF64(alo, ahi), b = toF64(blo, bhi);
    const p = a * b;
    const abs = Math.abs(p);
    if (abs >= P2_M960 && abs <= P2_1000 && Math.abs(a) < P2_995 && Math.abs(b) < P2_995) {
      if (productError(a, b, p) !== 0) fflags |= NX;
      return fromF64(p);
    }
  }
  const ca = unpack64(alo, ahi); saveA();
  const cb = unpack64(blo, bhi); saveB();
  return finish64(mulBody(ca, cb), rm, alo, ahi, blo, bhi);
}

export function f64div(alo: number, ahi: number, blo: number, bhi: number, rm: number): number {
  if (rm === RNE) {
    const a = toF64(alo, ahi), b = toF64(blo, bhi);
    const q = a / b;
    const aq = Math.abs(q), aa = Math.abs(a), ab = Math.abs(b);
    // a = q·b exactly iff a - p = e for (p, e) = TwoProduct(q, b); a - p is exact (Sterbenz).
    if (aq >= P2_M960 && aq <= P2_995 && aa >= P2_M960 && aa <= P2_1000 && ab <= P2_995 && ab >= P2_M960) {
      const p = q * b;
      if (a - p !== productError(q, b, p)) fflags |= NX;
      return fromF64(q);
    }
  }
  const ca = unpack64(alo, ahi); saveA();
  const cb = unpack64(blo, bhi); saveB();
  return finish64(divBody(ca, cb, 2), rm, alo, ahi, blo, bhi);
}

/** (a·b)·(negProduct ? -1 : 1) + c·(negAddend ? -1 : 1), rounded once: FMADD/FMSUB/FNMSUB/FNMADD. */
export function f64fma(alo: number, ahi: number, blo: number, bhi: number, clo: number, chi: number,
  rm: number, negProduct: number, negAddend: number): number {
  if (rm === RNE) {
    const r = fmaFastRne(toF64(alo, ahi) * (negProduct !== 0 ? -1 : 1), toF64(blo, bhi),
      negAddend !== 0 ? -toF64(clo, chi) : toF64(clo, chi));
    if (r === r) return fromF64(r); // NaN: not taken
  }
  const ca = unpack64(alo, ahi); saveA(); aS ^= negProduct;
  const cb = unpack64(blo, bhi); saveB();
  const cc = unpack64(clo, chi); saveC(); cS ^= negAddend;
  const k = fmaBody(ca, cb, cc, rm);
  if (k === R_C) { resHi = chi ^ (negAddend << 31); return clo; }
  return finish64(k, rm, 0, 0, 0, 0);
}

/**
 * RNE a·b + c with one rounding in native doubles, or NaN when the operands are outside the range
 * where every step below is exact. The product is split exactly (Dekker), the three-term sum is
 * reduced with TwoSum, and the low part is rounded to odd before the final RN addition, which
 * makes the double rounding innocuous (Boldo & Melquiond, "Emulation of FMA and correctly rounded
 * sums: proved algorithms using rounding to odd", IEEE TC 2008).
 */
function fmaFastRne(a: number, b: number, c: number): number {
  const uh = a * b;
  const au = Math.abs(uh), ac = Math.abs(c);
  if (!(au >= P2_M900 && au <= P2_1000 && Math.abs(a) < P2_995 && Math.abs(b) < P2_995 &&
    (ac === 0 || (ac >= P2_M900 && ac <= P2_1000)))) return NaN;
  const ul = productError(a, b, uh);
  // (th, tl) = TwoSum(c, ul); (vh, vl) = TwoSum(uh, th)
  const th = c + ul;
  let bb = th - c;
  const tl = (c - (th - bb)) + (ul - bb);
  const vh = uh + th;
  bb = vh - uh;
  const vl = (uh - (vh - bb)) + (th - bb);
  // z = RO(tl + vl)
  let z = tl + vl;
  bb = z - tl;
  const ze = (tl - (z - bb)) + (vl - bb);
  let inexact = false;
  if (ze !== 0) {
    inexact = true;
    f64buf[0] = z;
    if ((i32buf[LO] & 1) === 0) {
      // step the magnitude up if the error has z's sign, else down
      let lo = i32buf[LO], hi = i32buf[HI];
      if ((ze > 0) === (z > 0)) { lo = (lo + 1) | 0; if (lo === 0) hi = (hi + 1) | 0; } else { if (lo === 0) hi = (hi - 1) | 0; lo = (lo - 1) | 0; }
      z = toF64(lo, hi);
    }
  }
  const r = vh + z;
  const ar = Math.abs(r);
  if (ar < P2_M900 || ar > P2_1000) return NaN; // near underflow/overflow: take the exact path
  bb = r - vh;
  if (inexact || (vh - (r - bb)) + (z - bb) !== 0) fflags |= NX;
  return r;
}

const P2_M900 = 2 ** -900;
const P2_600 = 2 ** 600, P2_M600 = 2 ** -600, P2_300 = 2 ** 300, P2_M300 = 2 ** -300;

/** Sign of sqrt(x) - s for positive normal-range x (2^-900..2^900) and s = RN(sqrt(x)). */
function sqrtErrorSign(x: number, s: number): number {
  const p = s * s;
  const e = productError(s, s, p);
  const d = x - p; // exact: p is within a factor 2 of x (Sterbenz)
  return d > e ? 1 : d < e ? -1 : 0;
}

/** Next double above (dir > 0) or below a positive finite double, via its bits. */
function stepPositive64(x: number, dir: number): number {
  f64buf[0] = x;
  let lo = i32buf[LO], hi = i32buf[HI];
  if (dir > 0) { lo = (lo + 1) | 0; if (lo === 0) hi = (hi + 1) | 0; } else { if (lo === 0) hi = (hi - 1) | 0; lo = (lo - 1) | 0; }
  return toF64(lo, hi);
}

export function f64sqrt(alo: number, ahi: number, rm: number): number {
  const ca = unpack64(alo, ahi);
  if (ca !== FINITE) {
    if (ca === SNAN) { fflags |= NV; return nan64(); }
    if (ca === QNAN) return nan64();
    if (ca === INF && uS !== 0) { fflags |= NV; return nan64(); }
    resHi = ahi; return alo; // ±0, +inf
  }
  if (uS !== 0) { fflags |= NV; return nan64(); }
  // Scale by an even power of two into a range where Dekker's product is exact; sqrt never
  // overflows or underflows, so scaling back is exact.
  let x = toF64(alo, ahi), scale = 1;
  if (x < P2_M300) { x *= P2_600; scale = P2_M300; } else if (x > P2_300) { x *= P2_M600; scale = P2_300; }
  let s = Math.sqrt(x);
  const err = sqrtErrorSign(x, s);
  if (err !== 0) {
    fflags |= NX;
    // No exact ties exist for sqrt, so RMM = RNE.
    if (err < 0 && (rm === RTZ || rm === RDN)) s = stepPositive64(s, -1);
    else if (err > 0 && rm === RUP) s = stepPositive64(s, 1);
  }
  return fromF64(s * scale);
}

export function f64min(alo: number, ahi: number, blo: number, bhi: number): number {
  return minmax64(alo, ahi, blo, bhi, 0);
}

export function f64max(alo: number, ahi: number, blo: number, bhi: number): number {
  return minmax64(alo, ahi, blo, bhi, 1);
}

function isNaN64(lo: number, hi: number): boolean {
  return (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) | lo) !== 0;
}

function isSNaN64(lo: number, hi: number): boolean {
  return isNaN64(lo, hi) && (hi & 0x80000) === 0;
}

/** a < b in the total order of non-NaN values with -0 < +0. */
function orderedLt64(alo: number, ahi: number, blo: number, bhi: number): boolean {
  const sa = ahi >>> 31, sb = bhi >>> 31;
  if (sa !== sb) return sa === 1;
  const magLt = ahi === bhi ? (alo >>> 0) < (blo >>> 0) : (ahi >>> 0) < (bhi >>> 0);
  const eq = ahi === bhi && alo === blo;
  return sa === 0 ? magLt : !magLt && !eq;
}

/** FMIN/FMAX, version 2.2: minimumNumber/maximumNumber; -0 < +0; sNaN sets NV. */
function minmax64(alo: number, ahi: number, blo: number, bhi: number, max: number): number {
  const an = isNaN64(alo, ahi), bn = isNaN64(blo, bhi);
  if (isSNaN64(alo, ahi) || isSNaN64(blo, bhi)) fflags |= NV;
  if (an && bn) return nan64();
  if (an) { resHi = bhi; return blo; }
  if (bn) { resHi = ahi; return alo; }
  const pickA = orderedLt64(alo, ahi, blo, bhi) !== (max !== 0);
  if (pickA || (ahi === bhi && alo === blo)) { resHi = ahi; return alo; }
  resHi = bhi; return blo;
}

function isZero64(lo: number, hi: number): boolean {
  return ((hi & 0x7fffffff) | lo) === 0;
}

/** FEQ.D: quiet, NV only for signaling NaNs. Returns 0/1. */
export function f64eq(alo: number, ahi: number, blo: number, bhi: number): number {
  if (isNaN64(alo, ahi) || isNaN64(blo, bhi)) {
    if (isSNaN64(alo, ahi) || isSNaN64(blo, bhi)) fflags |= NV;
    return 0;
  }
  if (isZero64(alo, ahi) && isZero64(blo, bhi)) return 1;
  return alo === blo && ahi === bhi ? 1 : 0;
}

/** FLT.D: signaling, NV for any NaN. */
export function f64lt(alo: number, ahi: number, blo: number, bhi: number): number {
  if (isNaN64(alo, ahi) || isNaN64(blo, bhi)) { fflags |= NV; return 0; }
  if (isZero64(alo, ahi) && isZero64(blo, bhi)) return 0;
  return orderedLt64(alo, ahi, blo, bhi) ? 1 : 0;
}

/** FLE.D: signaling, NV for any NaN. */
export function f64le(alo: number, ahi: number, blo: number, bhi: number): number {
  if (isNaN64(alo, ahi) || isNaN64(blo, bhi)) { fflags |= NV; return 0; }
  if (isZero64(alo, ahi) && isZero64(blo, bhi)) return 1;
  return orderedLt64(alo, ahi, blo, bhi) || (alo === blo && ahi === bhi) ? 1 : 0;
}

/** FCLASS: one-hot 10-bit mask (f-st-ext.adoc, "Format of result of FCLASS instruction"). */
function classMask(cls: number, sign: number, subnormal: boolean): number {
  switch (cls) {
    case INF: return sign !== 0 ? 1 << 0 : 1 << 7;
    case ZERO: return sign !== 0 ? 1 << 3 : 1 << 4;
    case SNAN: return 1 << 8;
    case QNAN: return 1 << 9;
    default:
      if (subnormal) return sign !== 0 ? 1 << 2 : 1 << 5;
      return sign !== 0 ? 1 << 1 : 1 << 6;
  }
}

export function f64class(lo: number, hi: number): number {
  const c = unpack64(lo, hi);
  return classMask(c, hi >>> 31, (hi & 0x7ff00000) === 0);
}

// ---------------------------------------------------------------------------------------------
// Float → integer (FCVT.W/WU/L/LU.{S,D}); the table "Domains of float-to-integer conversions".

const K_W = 0, K_WU = 1, K_L = 2, K_LU = 3;

/** Saturated result for out-of-range/NaN/inf input; returns lo, sets resHi. */
function saturate(kind: number, negative: boolean): number {
  fflags |= NV;
  switch (kind) {
    case K_W: resHi = negative ? -1 : 0; return negative ? -0x80000000 : 0x7fffffff;
    case K_WU: resHi = negative ? 0 : -1; return negative ? 0 : -1;
    case K_L: if (negative) { resHi = -0x80000000; return 0; } resHi = 0x7fffffff; return -1;
    default: if (negative) { resHi = 0; return 0; } resHi = -1; return -1;
  }
}

/** Converts the unpacked operand (class cls) to an integer of `kind`. W/WU return the int32 result. */
function toInt(cls: number, kind: number, rm: number): number {
  if (cls >= QNAN) return saturate(kind, false); // NaN → max positive
  if (cls === INF) return saturate(kind, uS !== 0);
  if (cls === ZERO) { resHi = 0; return 0; }
  const sign = uS, e = uE;
  if (e >= 64) return saturate(kind, sign !== 0);
  // Integer part I and a 2-bit rounding field (half bit, sticky).
  let iH: number, iL: number, r: number;
  const k = 63 - e; // bits below the binary point
  if (k === 0) { iH = uH; iL = uL; r = 0; } else if (k === 1) {
    iL = ((uL >>> 1) | (uH << 31)) >>> 0; iH = uH >>> 1; r = (uL & 1) << 1;
  } else {
    shiftRightJam64(uH, uL, k - 2);
    r = jL & 3;
    iL = ((jL >>> 2) | (jH << 30)) >>> 0; iH = jH >>> 2;
  }
  if (roundInc(rm, sign, iL & 1, r, 2) !== 0) {
    iL = (iL + 1) >>> 0;
    if (iL === 0) iH += 1; // may reach 2^32: out of range for every kind
  }
  let ok: boolean;
  switch (kind) {
    case K_W: ok = iH === 0 && (sign !== 0 ? iL <= 0x80000000 : iL <= 0x7fffffff); break;
    case K_WU: ok = sign !== 0 ? (iH | iL) === 0 : iH === 0; break;
    case K_L: ok = sign !== 0 ? iH < 0x80000000 || (iH === 0x80000000 && iL === 0) : iH < 0x80000000; break;
    default: ok = sign !== 0 ? (iH | iL) === 0 : iH < TWO32; break;
  }
  if (!ok) return saturate(kind, sign !== 0);
  if (r !== 0) fflags |= NX;
  if (sign !== 0) {
    // two's complement negation
    iL = (-iL) >>> 0;
    iH = (~iH + (iL === 0 ? 1 : 0)) >>> 0;
  }
  if (kind <= K_WU) { resHi = (iL | 0) >> 31; return iL | 0; }
  resHi = iH | 0;
  return iL | 0;
}

export function f64toI32(lo: number, hi: number, rm: number): number { return toInt(unpack64(lo, hi), K_W, rm); }
export function f64toU32(lo: number, hi: number, rm: number): number { return toInt(unpack64(lo, hi), K_WU, rm); }
/** Returns lo; high half in resHi. */
export function f64toI64(lo: number, hi: number, rm: number): number { return toInt(unpack64(lo, hi), K_L, rm); }
/** Returns lo; high half in resHi. */
export function f64toU64(lo: number, hi: number, rm: number): number { return toInt(unpack64(lo, hi), K_LU, rm); }

// ---------------------------------------------------------------------------------------------
// Integer → float.

/** Unpacks the 64-bit magnitude (h:l) with the given sign into rS/rE/rH/rL; false if zero. */
function unpackInt(sign: number, h: number, l: number): boolean {
  h >>>= 0; l >>>= 0;
  if ((h | l) === 0) return false;
  const lz = h !== 0 ? Math.clz32(h) : 32 + Math.clz32(l);
  if (lz === 0) { rH = h; rL = l; } else if (lz < 32) {
    rH = ((h << lz) | (l >>> (32 - lz))) >>> 0; rL = (l << lz) >>> 0;
  } else { rH = (l << (lz - 32)) >>> 0; rL = 0; }
  rS = sign; rE = 63 - lz;
  return true;
}

function intMagnitude(lo: number, hi: number, signed: boolean): number {
  if (signed && hi < 0) {
    const nl = (-lo) | 0;
    jH = (~hi + (nl === 0 ? 1 : 0)) >>> 0; jL = nl >>> 0;
    return 1;
  }
  jH = hi >>> 0; jL = lo >>> 0;
  return 0;
}

function intToF64(lo: number, hi: number, signed: boolean, rm: number): number {
  const s = intMagnitude(lo, hi, signed);
  if (!unpackInt(s, jH, jL)) return zero64(0);
  return roundPack64(rS, rE, rH, rL, rm);
}

function intToF32(lo: number, hi: number, signed: boolean, rm: number): number {
  const s = intMagnitude(lo, hi, signed);
  if (!unpackInt(s, jH, jL)) return 0;
  return roundPack32(rS, rE, rH, rL, rm);
}

export function i32toF64(a: number, rm: number): number { return intToF64(a, a >> 31, true, rm); }
export function u32toF64(a: number, rm: number): number { return intToF64(a, 0, false, rm); }
export function i64toF64(lo: number, hi: number, rm: number): number { return intToF64(lo, hi, true, rm); }
export function u64toF64(lo: number, hi: number, rm: number): number { return intToF64(lo, hi, false, rm); }
export function i32toF32(a: number, rm: number): number { return intToF32(a, a >> 31, true, rm); }
export function u32toF32(a: number, rm: number): number { return intToF32(a, 0, false, rm); }
export function i64toF32(lo: number, hi: number, rm: number): number { return intToF32(lo, hi, true, rm); }
export function u64toF32(lo: number, hi: number, rm: number): number { return intToF32(lo, hi, false, rm); }

// ---------------------------------------------------------------------------------------------
// Format conversion.

/** FCVT.S.D. */
export function f64toF32(lo: number, hi: number, rm: number): number {
  const c = unpack64(lo, hi);
  switch (c) {
    case SNAN: fflags |= NV; return CANONICAL_NAN32;
    case QNAN: return CANONICAL_NAN32;
    case INF: return inf32(uS);
    case ZERO: return zero32(uS);
    default: return roundPack32(uS, uE, uH, uL, rm);
  }
}

/** FCVT.D.S (exact). Returns lo; high half in resHi. */
export function f32toF64(a: number): number {
  const c = unpack32(a);
  switch (c) {
    case SNAN: fflags |= NV; return nan64();
    case QNAN: return nan64();
    case INF: return inf64(uS);
    case ZERO: return zero64(uS);
    default: return roundPack64(uS, uE, uH, uL, RNE);
  }
}

// ---------------------------------------------------------------------------------------------
// Single precision.

/** The single held in a 64-bit f register: improperly NaN-boxed values read as the canonical NaN. */
export function unboxF32(lo: number, hi: number): number {
  return hi === -1 ? lo : CANONICAL_NAN32;
}

function finish32(kind: number, rm: number, a: number, b: number): number {
  switch (kind) {
    case R_ROUND: return roundPack32(rS, rE, rH, rL, rm);
    case R_NAN: return CANONICAL_NAN32;
    case R_INF: return inf32(spSign);
    case R_ZERO: return zero32(spSign);
    case R_A: return a;
    default: return b;
  }
}

const F32_MIN_SAFE = 2 ** -125;
const F32_MAX_SAFE = 2 ** 127;

function f32addsub(a: number, b: number, neg: number, rm: number): number {
  if (rm === RNE) {
    const x = toF32(a);
    const y = neg !== 0 ? -toF32(b) : toF32(b);
    const d = x + y;
    // Double has more than 2·24+2 bits: rounding d to single is the correctly rounded sum.
    const r = Math.fround(d);
    const ar = Math.abs(r);
    if (ar >= F32_MIN_SAFE && ar < F32_MAX_SAFE) {
      const bb = d - x;
      if (r !== d || (x - (d - bb)) + (y - bb) !== 0) fflags |= NX;
      return fromF32(r);
    }
  }
  const ca = unpack32(a); saveA();
  const cb = unpack32(b); saveB();
  bS ^= neg;
  return finish32(addBody(ca, cb, rm), rm, a, b ^ (neg << 31));
}

export function f32add(a: number, b: number, rm: number): number { return f32addsub(a, b, 0, rm); }
export function f32sub(a: number, b: number, rm: number): number { return f32addsub(a, b, 1, rm); }

export function f32mul(a: number, b: number, rm: number): number {
  if (rm === RNE) {
    const d = toF32(a) * toF32(b); // exact: 48-bit product, exponent in double range
    const r = Math.fround(d);
    const ar = Math.abs(r);
    if (ar >= F32_MIN_SAFE && ar < F32_MAX_SAFE) {
      if (r !== d) fflags |= NX;
      return fromF32(r);
    }
  }
  const ca = unpack32(a); saveA();
  const cb = unpack32(b); saveB();
  return finish32(mulBody(ca, cb), rm, a, b);
}

export function f32div(a: number, b: number, rm: number): number {
  if (rm === RNE) {
    const x = toF32(a), y = toF32(b);
    const d = x / y;
    const r = Math.fround(d);
    const ar = Math.abs(r);
    if (ar >= F32_MIN_SAFE && ar < F32_MAX_SAFE) {
      // r·y is exact in double (48 bits), so exactness is one comparison.
      if (r * y !== x) fflags |= NX;
      return fromF32(r);
    }
  }
  const ca = unpack32(a); saveA();
  const cb = unpack32(b); saveB();
  return finish32(divBody(ca, cb, 1), rm, a, b);
}

export function f32fma(a: number, b: number, c: number, rm: number, negProduct: number, negAddend: number): number {
  if (rm === RNE) {
    // The product of two singles is exact in a double. Rounding p + c to odd at 53 bits and then
    // to nearest at 24 bits is the correctly rounded result (53 >= 24 + 2).
    const x = toF32(a), y = toF32(b), z = toF32(c);
    const p = negProduct !== 0 ? -(x * y) : x * y;
    const q = negAddend !== 0 ? -z : z;
    let d = p + q;
    const bb = d - p;
    const err = (p - (d - bb)) + (q - bb);
    if (err !== 0) {
      f64buf[0] = d;
      if ((i32buf[LO] & 1) === 0) {
        let lo = i32buf[LO], hi = i32buf[HI];
        if ((err > 0) === (d > 0)) { lo = (lo + 1) | 0; if (lo === 0) hi = (hi + 1) | 0; } else { if (lo === 0) hi = (hi - 1) | 0; lo = (lo - 1) | 0; }
        d = toF64(lo, hi);
      }
    }
    const r = Math.fround(d);
    const ar = Math.abs(r);
    if (ar >= F32_MIN_SAFE && ar < F32_MAX_SAFE) {
      if (err !== 0 || r !== d) fflags |= NX;
      return fromF32(r);
    }
  }
  const ca = unpack32(a); saveA(); aS ^= negProduct;
  const cb = unpack32(b); saveB();
  const cc = unpack32(c); saveC(); cS ^= negAddend;
  const k = fmaBody(ca, cb, cc, rm);
  if (k === R_C) return c ^ (negAddend << 31);
  return finish32(k, rm, 0, 0);
}

export function f32sqrt(a: number, rm: number): number {
  const ca = unpack32(a);
  if (ca !== FINITE) {
    if (ca === SNAN) { fflags |= NV; return CANONICAL_NAN32; }
    if (ca === QNAN) return CANONICAL_NAN32;
    if (ca === INF && uS !== 0) { fflags |= NV; return CANONICAL_NAN32; }
    return a;
  }
  if (uS !== 0) { fflags |= NV; return CANONICAL_NAN32; }
  const x = toF32(a);
  const r = Math.fround(Math.sqrt(x));
  const sq = r * r; // exact in double
  if (sq !== x) {
    fflags |= NX;
    let bits = fromF32(r);
    if (sq > x && (rm === RTZ || rm === RDN)) bits--;
    else if (sq < x && rm === RUP) bits++;
    return bits;
  }
  return fromF32(r);
}

function isNaN32(a: number): boolean { return (a & 0x7fffffff) > 0x7f800000; }
function isSNaN32(a: number): boolean { return isNaN32(a) && (a & 0x400000) === 0; }

/** a < b in the total order of non-NaN singles with -0 < +0. */
function orderedLt32(a: number, b: number): boolean {
  // Map sign-magnitude to a monotonic signed key.
  const ka = a < 0 ? ~(a & 0x7fffffff) : a;
  const kb = b < 0 ? ~(b & 0x7fffffff) : b;
  return ka < kb;
}

function minmax32(a: number, b: number, max: number): number {
  const an = isNaN32(a), bn = isNaN32(b);
  if (isSNaN32(a) || isSNaN32(b)) fflags |= NV;
  if (an && bn) return CANONICAL_NAN32;
  if (an) return b;
  if (bn) return a;
  return orderedLt32(a, b) !== (max !== 0) ? a : b;
}

export function f32min(a: number, b: number): number { return minmax32(a, b, 0); }
export function f32max(a: number, b: number): number { return minmax32(a, b, 1); }

export function f32eq(a: number, b: number): number {
  if (isNaN32(a) || isNaN32(b)) {
    if (isSNaN32(a) || isSNaN32(b)) fflags |= NV;
    return 0;
  }
  return a === b || ((a | b) & 0x7fffffff) === 0 ? 1 : 0;
}

export function f32lt(a: number, b: number): number {
  if (isNaN32(a) || isNaN32(b)) { fflags |= NV; return 0; }
  if (((a | b) & 0x7fffffff) === 0) return 0;
  return orderedLt32(a, b) ? 1 : 0;
}

export function f32le(a: number, b: number): number {
  if (isNaN32(a) || isNaN32(b)) { fflags |= NV; return 0; }
  if (((a | b) & 0x7fffffff) === 0) return 1;
  return a === b || orderedLt32(a, b) ? 1 : 0;
}

export function f32class(a: number): number {
  const c = unpack32(a);
  return classMask(c, a >>> 31, (a & 0x7f800000) === 0);
}

export function f32toI32(a: number, rm: number): number { return toInt(unpack32(a), K_W, rm); }
export function f32toU32(a: number, rm: number): number { return toInt(unpack32(a), K_WU, rm); }
/** Returns lo; high half in resHi. */
export function f32toI64(a: number, rm: number): number { return toInt(unpack32(a), K_L, rm); }
/** Returns lo; high half in resHi. */
export function f32toU64(a: number, rm: number): number { return toInt(unpack32(a), K_LU, rm); }
