// The MMIO bus: devices mapped at [base, base+size), each seeing offsets into its own window
// (STYLE.md, after firecracker). RAM is not here: the hart reads RAM's typed arrays directly.
//
// Conventions (chosen so the per-access path allocates nothing and throws nothing):
// - `read`/`peek` return the value zero-extended (0..2^32-1), or BUS_FAULT (-1) when no device
//   covers the whole access; the caller turns BUS_FAULT into an access fault.
// - An 8-byte access becomes two 4-byte device accesses, low word first. `read`/`peek` return the
//   low word (unsigned) and leave the high word in `bus.hi` as an int32 (u64.ts convention), to be
//   read immediately.
// - `write` returns false when no device covers the access.
import type { AccessSize, Device } from './device';

/** Returned by `Bus.read`/`Bus.peek` for an unmapped address: the caller raises an access fault. */
export const BUS_FAULT = -1;

export interface BusMapping {
  readonly base: number;
  readonly size: number;
  readonly device: Device;
}

/** Why `Bus.map` refused a mapping (an error value, not a throw: STYLE.md, after firecracker). */
export type MapError =
  | { readonly kind: 'overlap'; readonly base: number; readonly size: number; readonly existing: BusMapping }
  | { readonly kind: 'invalid'; readonly base: number; readonly size: number; readonly reason: string };

export class Bus {
  /** High 32 bits (int32) of the last 8-byte `read`/`peek`. */
  hi = 0;

  // Sorted by base; parallel arrays keep the lookup loop monomorphic.
  private readonly maps: BusMapping[] = [];
  private bases: number[] = [];
  private ends: number[] = [];
  private devs: Device[] = [];
  /** Index of the last mapping hit: consecutive accesses usually go to the same device. */
  private last = 0;

  /** Maps `device` at [base, base+size). Returns an error value on overlap or a bad range. */
  map(base: number, size: number, device: Device): MapError | undefined {
    if (!Number.isSafeInteger(base) || !Number.isSafeInteger(size) || base < 0 || size <= 0) {
      return { kind: 'invalid', base, size, reason: 'base and size must be non-negative integers, size > 0' };
    }
    for (const m of this.maps) {
      if (base < m.base + m.size && m.base < base + size) return { kind: 'overlap', base, size, existing: m };
    }
    this.maps.push({ base, size, device });
    this.maps.sort((a, b) => a.base - b.base);
    this.bases = this.maps.map((m) => m.base);
    this.ends = this.maps.map((m) => m.base + m.size);
    this.devs = this.maps.map((m) => m.device);
    this.last = 0;
    return undefined;
  }

  /** The mapping containing `pa`, if any. */
  find(pa: number): BusMapping | undefined {
    const i = this.index(pa, 1);
    return i < 0 ? undefined : this.maps[i];
  }

  /** All mappings in address order (for `info devices`). */
  list(): readonly BusMapping[] {
    return this.maps.slice();
  }

  /** Guest read. Returns the unsigned value or BUS_FAULT; for size 8 the high word is in `hi`. */
  read(pa: number, size: AccessSize): number {
    const i = this.index(pa, size);
    if (i < 0) return BUS_FAULT;
    const dev = this.devs[i];
    const off = pa - this.bases[i];
    if (size === 8) {
      const lo = dev.read(off, 4) >>> 0;
      this.hi = dev.read(off + 4, 4) | 0;
      return lo;
    }
    return dev.read(off, size) >>> 0;
  }

  /** Debugger read: as `read`, but through `Device.peek` (no side effects). */
  peek(pa: number, size: AccessSize): number {
    const i = this.index(pa, size);
    if (i < 0) return BUS_FAULT;
    const dev = this.devs[i];
    const off = pa - this.bases[i];
    if (size === 8) {
      const lo = dev.peek(off, 4) >>> 0;
      this.hi = dev.peek(off + 4, 4) | 0;
      return lo;
    }
    return dev.peek(off, size) >>> 0;
  }

  /**
   * Guest write of `size` bytes: `lo` holds the value (low word for size 8), `hi` the high word of
   * an 8-byte write (ignored otherwise). Returns false when unmapped (the caller raises an access fault).
   */
  write(pa: number, size: AccessSize, lo: number, hi = 0): boolean {
    const i = this.index(pa, size);
    if (i < 0) return false;
    const dev = this.devs[i];
    const off = pa - this.bases[i];
    if (size === 8) {
      dev.write(off, 4, lo >>> 0);
      dev.write(off + 4, 4, hi >>> 0);
    } else {
      dev.write(off, size, size === 4 ? lo >>> 0 : lo & (size === 1 ? 0xff : 0xffff));
    }
    return true;
  }

  /** Resets every device that has power-on state (SiFive test reboot). */
  reset(): void {
    for (const d of this.devs) d.reset?.();
  }

  /** Index of the mapping that contains all of [pa, pa+size), or -1. */
  private index(pa: number, size: number): number {
    const bases = this.bases, ends = this.ends;
    let i = this.last;
    if (i < bases.length && pa >= bases[i] && pa + size <= ends[i]) return i;
    for (i = 0; i < bases.length; i++) {
      if (pa < bases[i]) return -1;
      if (pa + size <= ends[i]) { this.last = i; return i; }
      if (pa < ends[i]) return -1; // straddles the end of a mapping
    }
    return -1;
  }
}
