// SiFive CLINT for N harts (the mswi + mtimer pair of QEMU `virt`):
//   0x0000 + 4h   msip[h]      bit 0 drives mip.MSIP (bit 3) of hart h
//   0x4000 + 8h   mtimecmp[h]  64-bit; MTIP (bit 7) = mtime >= mtimecmp[h] (unsigned)
//   0xbff8        mtime        64-bit, from the Clock
// 64-bit registers may be accessed as 32-bit halves (an 8-byte access arrives from the Bus as two).
//
// Time is virtual, so MTIP cannot change by itself: the machine calls `update()` after each
// execution quantum and sleeps idle harts until `nextDeadline()`.
// Writes to mtime set an offset: mtime = clock.now() + offset. `nextDeadline()` is in Clock ticks
// (offset applied), so the machine compares it with `clock.now()` directly.
import type { Clock, Device, HartIrqInputs } from './device';

export const MIP_MSIP_BIT = 3;
export const MIP_MTIP_BIT = 7;

const MSIP_BASE = 0x0000;
const MTIMECMP_BASE = 0x4000;
const MTIME = 0xbff8;
const TWO32 = 4294967296;

export class Clint implements Device {
  readonly name = 'clint';
  private readonly msip: Uint8Array;
  private readonly cmpLo: Uint32Array;
  private readonly cmpHi: Uint32Array;
  /** mtimecmp as a double (inexact only above 2^53, where mtime never gets). */
  private readonly cmp: Float64Array;
  /** mtime − clock.now(), set by guest writes to mtime. */
  private offset = 0;

  constructor(readonly numHarts: number, private readonly clock: Clock, private readonly harts: HartIrqInputs) {
    this.msip = new Uint8Array(numHarts);
    this.cmpLo = new Uint32Array(numHarts);
    this.cmpHi = new Uint32Array(numHarts);
    this.cmp = new Float64Array(numHarts);
    this.reset();
  }

  reset(): void {
    this.offset = 0;
    this.msip.fill(0);
    // Reset value of mtimecmp is all ones (as QEMU), so no timer fires before software sets one.
    this.cmpLo.fill(0xffffffff);
    this.cmpHi.fill(0xffffffff);
    for (let h = 0; h < this.numHarts; h++) {
      this.cmp[h] = 0xffffffff * TWO32 + 0xffffffff;
      this.harts.setPending(h, MIP_MSIP_BIT, false);
    }
    this.update();
  }

  /** Current mtime in ticks. */
  mtime(): number {
    return this.clock.now() + this.offset;
  }

  /** Re-evaluates MTIP of every hart against the current time. */
  update(): void {
    const t = this.mtime();
    for (let h = 0; h < this.numHarts; h++) this.harts.setPending(h, MIP_MTIP_BIT, t >= this.cmp[h]);
  }

  /** Clock time (ticks) at which the earliest timer fires; Infinity if none can. */
  nextDeadline(): number {
    let min = Infinity;
    for (let h = 0; h < this.numHarts; h++) if (this.cmp[h] < min) min = this.cmp[h];
    // 2^64−1 (the reset value) and anything mtime cannot reach within double range mean "never".
    if (min >= 0xffffffff * TWO32) return Infinity;
    return min - this.offset;
  }

  /** Sets mtimecmp[hart] (for callers that are not the guest, e.g. tests or an SBI TIME shim). */
  setTimecmp(hart: number, ticks: number): void {
    this.cmpLo[hart] = ticks >>> 0;
    this.cmpHi[hart] = Math.floor(ticks / TWO32) >>> 0;
    this.cmp[hart] = ticks;
    this.harts.setPending(hart, MIP_MTIP_BIT, this.mtime() >= ticks);
  }

  read(offset: number, size: 1 | 2 | 4): number {
    return this.peek(offset, size);
  }

  peek(offset: number, size: 1 | 2 | 4): number {
    const word = this.readWord(offset & ~3);
    if (size === 4) return word;
    const shift = (offset & 3) * 8;
    return (word >>> shift) & (size === 1 ? 0xff : 0xffff);
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    const aligned = offset & ~3;
    if (size !== 4) {
      // Narrow write: merge into the current word.
      const shift = (offset & 3) * 8;
      const mask = (size === 1 ? 0xff : 0xffff) << shift;
      value = ((this.readWord(aligned) & ~mask) | ((value << shift) & mask)) >>> 0;
    }
    this.writeWord(aligned, value >>> 0);
  }

  private readWord(off: number): number {
    if (off < MSIP_BASE + 4 * this.numHarts) return this.msip[off >>> 2];
    if (off >= MTIMECMP_BASE && off < MTIMECMP_BASE + 8 * this.numHarts) {
      const h = (off - MTIMECMP_BASE) >>> 3;
      return off & 4 ? this.cmpHi[h] : this.cmpLo[h];
    }
    if (off === MTIME || off === MTIME + 4) {
      const t = this.mtime();
      return off === MTIME ? t >>> 0 : Math.floor(t / TWO32) >>> 0;
    }
    return 0;
  }

  private writeWord(off: number, value: number): void {
    if (off < MSIP_BASE + 4 * this.numHarts) {
      const h = off >>> 2;
      this.msip[h] = value & 1;
      this.harts.setPending(h, MIP_MSIP_BIT, (value & 1) !== 0);
      return;
    }
    if (off >= MTIMECMP_BASE && off < MTIMECMP_BASE + 8 * this.numHarts) {
      const h = (off - MTIMECMP_BASE) >>> 3;
      if (off & 4) this.cmpHi[h] = value; else this.cmpLo[h] = value;
      const cmp = this.cmpHi[h] * TWO32 + this.cmpLo[h];
      this.cmp[h] = cmp;
      this.harts.setPending(h, MIP_MTIP_BIT, this.mtime() >= cmp);
      return;
    }
    if (off === MTIME || off === MTIME + 4) {
      const now = this.clock.now();
      const t = now + this.offset;
      const lo = off === MTIME ? value : t >>> 0;
      const hi = off === MTIME ? Math.floor(t / TWO32) : value;
      this.offset = hi * TWO32 + lo - now;
      this.update();
    }
  }
}
