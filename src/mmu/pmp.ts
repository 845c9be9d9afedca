// Physical memory protection (machine.adoc, "Physical Memory Protection"): RV64 pmpcfg/pmpaddr CSRs
// with their WARL rules, and the access check.
//
// Implementation choices (all allowed by the spec's WARL rules):
// - Granularity G = 0 (4 bytes), as on QEMU virt: NA4 is selectable, pmpaddr reads back as written.
// - pmpaddr holds bits 55:2 of the address: bits 63:54 of a write are dropped.
// - pmpcfg bits 6:5 are read-only zero. The reserved R=0/W=1 combination (no Smepmp here) is never
//   stored: W is cleared, so such a write leaves the entry without read and write permission.
// - Entries beyond `count` are read-only zero (the spec allows 0, 16 or 64 entries).
//
// Check semantics: the lowest-numbered entry that matches any byte of the access decides; if it does
// not cover every byte, the access fails. M-mode accesses succeed without a match and ignore R/W/X of
// unlocked entries; S/U accesses fail without a match whenever at least one entry is implemented.
// Because of the priority rule, `check(pageBase, 4096, …)` returning true means every access inside
// that page is allowed too, so a TLB may cache the page (and must flush when `changed` moves).

import { InternalError } from '../common/errors';
import { Access, type AccessKind } from './pte';

/** CSR numbers. */
export const CSR_PMPCFG0 = 0x3a0;
export const CSR_PMPADDR0 = 0x3b0;

export const PMP_R = 0x01;
export const PMP_W = 0x02;
export const PMP_X = 0x04;
export const PMP_A_SHIFT = 3;
export const PMP_A_MASK = 0x18;
export const PMP_L = 0x80;
export const PmpA = { Off: 0, Tor: 1, Na4: 2, Napot: 3 } as const;

/** Privilege levels as the check takes them (the effective privilege, MPRV already applied). */
export const PRIV_U = 0;
export const PRIV_S = 1;
export const PRIV_M = 3;

const TWO32 = 4294967296;
/** pmpaddr is 54 bits wide (address bits 55:2). */
const ADDR_HI_MASK = 0x003fffff;

export class Pmp {
  /** Number of implemented entries (0, 16 or 64; any value up to 64 is accepted). */
  readonly count: number;
  /** Increments whenever the effective protection changes; TLBs caching PMP results flush on change. */
  changed = 0;
  /** High half of the last readCfg/readAddr result. */
  hi = 0;

  private readonly cfg = new Uint8Array(64);
  /** pmpaddr values as halves: 54 bits do not fit a double exactly. */
  private readonly addrLo = new Int32Array(64);
  private readonly addrHi = new Int32Array(64);
  // Decoded active entries in priority order: byte range [start, end) and cfg.
  private readonly start = new Float64Array(64);
  private readonly end = new Float64Array(64);
  private readonly perm = new Uint8Array(64);
  private nActive = 0;

  constructor(count = 16) {
    if (count < 0 || count > 64 || !Number.isInteger(count)) throw new InternalError(`PMP entry count ${count} out of range`);
    this.count = count;
  }

  /** Power-on state: everything off and unlocked. */
  reset(): void {
    this.cfg.fill(0);
    this.addrLo.fill(0);
    this.addrHi.fill(0);
    this.rebuild();
  }

  /** pmpcfg<n> (n even, 0..14): returns bits 31:0, bits 63:32 in `hi`. */
  readCfg(n: number): number {
    const base = this.cfgBase(n);
    const c = this.cfg;
    this.hi = (c[base + 4] | (c[base + 5] << 8) | (c[base + 6] << 16) | (c[base + 7] << 24)) | 0;
    return (c[base] | (c[base + 1] << 8) | (c[base + 2] << 16) | (c[base + 3] << 24)) | 0;
  }

  /** Writes pmpcfg<n> (n even, 0..14); locked and unimplemented entries keep their value. */
  writeCfg(n: number, lo: number, hi: number): void {
    const base = this.cfgBase(n);
    let dirty = false;
    for (let k = 0; k < 8; k++) {
      const i = base + k;
      if (i >= this.count || (this.cfg[i] & PMP_L) !== 0) continue;
      let v = ((k < 4 ? lo >>> (8 * k) : hi >>> (8 * (k - 4))) & 0xff) & ~0x60;
      if ((v & (PMP_R | PMP_W)) === PMP_W) v &= ~PMP_W;
      if (v !== this.cfg[i]) { this.cfg[i] = v; dirty = true; }
    }
    if (dirty) this.rebuild();
  }

  /** pmpaddr<i>: returns bits 31:0, bits 63:32 in `hi`. */
  readAddr(i: number): number {
    this.checkIndex(i);
    this.hi = this.addrHi[i];
    return this.addrLo[i];
  }

  /**
   * Writes pmpaddr<i>. Ignored if entry i is locked, or if entry i+1 is locked with A=TOR (its
   * bottom is this register).
   */
  writeAddr(i: number, lo: number, hi: number): void {
    this.checkIndex(i);
    if (i >= this.count || (this.cfg[i] & PMP_L) !== 0) return;
    if (i + 1 < this.count && (this.cfg[i + 1] & PMP_L) !== 0 && ((this.cfg[i + 1] & PMP_A_MASK) >> PMP_A_SHIFT) === PmpA.Tor) return;
    const h = hi & ADDR_HI_MASK;
    if (h !== this.addrHi[i] || (lo | 0) !== this.addrLo[i]) {
      this.addrLo[i] = lo; this.addrHi[i] = h;
      this.rebuild();
    }
  }

  /** The 8-bit pmp<i>cfg. */
  cfgOf(i: number): number {
    this.checkIndex(i);
    return this.cfg[i];
  }

  /** pmpaddr<i> as a number (exact below 2^53; use readAddr for the exact CSR value). */
  addrOf(i: number): number {
    this.checkIndex(i);
    return (this.addrHi[i] >>> 0) * TWO32 + (this.addrLo[i] >>> 0);
  }

  /** Byte range [start, end) that entry i matches, or undefined when it matches nothing (debugger). */
  rangeOf(i: number): { start: number; end: number } | undefined {
    this.checkIndex(i);
    const r = this.decode(i);
    return r ? { start: this.tmpStart, end: this.tmpEnd } : undefined;
  }

  /**
   * May an access of `size` bytes at physical address `pa` of kind `access` at effective privilege
   * `priv` (0 = U, 1 = S, 3 = M) proceed? Page-table walks check with priv = S.
   */
  check(pa: number, size: number, access: AccessKind, priv: number): boolean {
    const n = this.nActive;
    if (n === 0) return priv === PRIV_M || this.count === 0;
    const last = pa + size;
    const start = this.start, end = this.end;
    for (let k = 0; k < n; k++) {
      if (pa >= end[k] || last <= start[k]) continue;
      // First (highest-priority) match decides; a partial match fails.
      if (pa < start[k] || last > end[k]) return false;
      const p = this.perm[k];
      if (priv === PRIV_M && (p & PMP_L) === 0) return true;
      return (p & (1 << accessBit(access))) !== 0;
    }
    return priv === PRIV_M;
  }

  private cfgBase(n: number): number {
    if ((n & 1) !== 0 || n < 0 || n > 14) throw new InternalError(`pmpcfg${n} does not exist on RV64 (the CSR file must raise illegal-instruction)`);
    return n * 4;
  }

  private checkIndex(i: number): void {
    if (i < 0 || i > 63 || !Number.isInteger(i)) throw new InternalError(`pmpaddr${i} out of range`);
  }

  private tmpStart = 0;
  private tmpEnd = 0;

  /**
   * Decodes entry i into the byte range [tmpStart, tmpEnd); false if it matches nothing. Byte
   * addresses are doubles: exact below 2^53, and rounding is monotonic above, so comparisons with
   * any address the machine can access (< 2^53) stay exact.
   */
  private decode(i: number): boolean {
    const a = (this.cfg[i] & PMP_A_MASK) >> PMP_A_SHIFT;
    const lo = this.addrLo[i], hi = this.addrHi[i];
    switch (a) {
      case PmpA.Tor: {
        if (i > 0) {
          const plo = this.addrLo[i - 1], phi = this.addrHi[i - 1];
          // pmpaddr(i-1) >= pmpaddr(i): matches nothing (compare exactly, as halves).
          if ((phi >>> 0) > (hi >>> 0) || (phi === hi && (plo >>> 0) >= (lo >>> 0))) return false;
          this.tmpStart = bytesOf(plo, phi);
        } else {
          if (lo === 0 && hi === 0) return false;
          this.tmpStart = 0;
        }
        this.tmpEnd = bytesOf(lo, hi);
        return true;
      }
      case PmpA.Na4:
        this.tmpStart = bytesOf(lo, hi);
        this.tmpEnd = this.tmpStart + 4;
        return true;
      case PmpA.Napot: {
        // yyy...y0111: t trailing ones select a 2^(t+3)-byte region based at the y bits.
        const t = lo === -1 ? 32 + trailingOnes(hi) : trailingOnes(lo);
        let blo = lo, bhi = hi;
        if (t >= 32) { blo = 0; bhi = t >= 54 ? 0 : hi & ~((1 << (t - 32)) - 1); }
        else blo = lo & ~((1 << t) - 1);
        this.tmpStart = bytesOf(blo, bhi);
        this.tmpEnd = this.tmpStart + Math.pow(2, t + 3);
        return true;
      }
      default:
        return false;
    }
  }

  private rebuild(): void {
    let n = 0;
    for (let i = 0; i < this.count; i++) {
      if (!this.decode(i)) continue;
      this.start[n] = this.tmpStart;
      this.end[n] = this.tmpEnd;
      this.perm[n] = this.cfg[i];
      n++;
    }
    this.nActive = n;
    this.changed++;
  }
}

/** Byte address of a pmpaddr value (halves of address bits 55:2). */
function bytesOf(lo: number, hi: number): number {
  return ((hi >>> 0) * TWO32 + (lo >>> 0)) * 4;
}

function trailingOnes(v: number): number {
  return 31 - Math.clz32(~v & (v + 1));
}

/** Access kind → pmpcfg permission bit number (R = 0, W = 1, X = 2). */
function accessBit(access: AccessKind): number {
  return access === Access.Fetch ? 2 : access === Access.Load ? 0 : 1;
}
