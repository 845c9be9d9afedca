// The hart's view of physical memory and address translation: RAM, MMIO through the bus, PMP
// and PMA checks, and the page-table walk on a TLB miss. The machine composes one per machine.
import type { Ram } from '../../devices/ram';
import { BUS_FAULT, type Bus } from '../../devices/bus';
import { Walker, atpPpn, type PhysMem, type WalkerOptions } from '../../mmu/walker';
import type { Hart } from './hart';
import { CAUSE, Priv } from './csrs';

export const enum Access { Fetch = 0, Load = 1, Store = 2 }

export interface MemorySystem {
  readonly ram: Ram;
  /**
   * Translates and checks one access (satp, PMP, PMA). Returns the physical address, or -1 with
   * the exception raised on the hart.
   */
  translate(h: Hart, vlo: number, vhi: number, access: Access, priv: Priv, sum: boolean, mxr: boolean, size?: number): number;
  /** True when the whole 4 KiB page holding `pa` may be cached in the TLB for `access`. */
  pageCacheable(h: Hart, pa: number, access: Access): boolean;
  /** MMIO read of `size` bytes; returns the low 32 bits, high half in `mmioHi`; `mmioOk` false when nothing answers. */
  mmioRead(pa: number, size: 1 | 2 | 4 | 8): number;
  mmioWrite(pa: number, size: 1 | 2 | 4 | 8, lo: number, hi: number): boolean;
  mmioHi: number;
  mmioOk: boolean;
  /** Current mtime in ticks (deterministic virtual time, ARCHITECTURE.md §2). */
  clockNow(): number;
}

/** How the machine supplies time to the harts (deterministic, ARCHITECTURE.md §2). */
export interface TimeSource {
  now(): number;
}

/**
 * The machine's memory system as the harts see it: RAM, the MMIO bus, PMP and PMA checks, and
 * page-table walks (mmu/walker). One instance per machine; per-hart state (satp, PMP) is read
 * from the hart on each call.
 */
export class SystemMemory implements MemorySystem, PhysMem {
  mmioHi = 0;
  mmioOk = true;
  pteLo = 0;
  pteHi = 0;
  readonly walker: Walker;
  /** The hart whose walk is in progress (PTE accesses are PMP-checked against its PMP). */
  private walking: Hart | undefined;
  /** Page-walk statistics: walks and PTE reads (memory references per TLB miss). */
  walks = 0;
  pteReads = 0;

  constructor(readonly ram: Ram, readonly bus: Bus, private readonly time: TimeSource, opts: WalkerOptions = {}) {
    this.walker = new Walker(this, opts);
  }

  clockNow(): number {
    return this.time.now();
  }

  translate(h: Hart, vlo: number, vhi: number, access: Access, priv: Priv, sum: boolean, mxr: boolean, size = 1): number {
    const csr = h.csr;
    let pa: number;
    const mode = priv === Priv.M ? 0 : csr.satpHi >>> 28;
    if (mode === 0) {
      // Bare: the address is physical. Above 2^53 nothing can answer; keep it unmatched.
      pa = (vhi >>> 0) * 4294967296 + (vlo >>> 0);
    } else {
      this.walking = h;
      this.walks++;
      const cause = this.walker.translate(mode, atpPpn(csr.satpLo, csr.satpHi), vlo, vhi, access, priv, sum, mxr);
      this.walking = undefined;
      if (cause !== 0) { h.raise(cause, vlo, vhi); return -1; }
      pa = this.walker.res.pa;
    }
    // Every byte of the access must be allowed: a partial PMP match fails (machine.adoc, PMP).
    if (!csr.pmp.check(pa, size, access, priv)) {
      h.raise(access === Access.Fetch ? CAUSE.FETCH_ACCESS : access === Access.Load ? CAUSE.LOAD_ACCESS : CAUSE.STORE_ACCESS, vlo, vhi);
      return -1;
    }
    return pa;
  }

  pageCacheable(h: Hart, pa: number, access: Access): boolean {
    const priv = access === Access.Fetch ? h.priv : h.dataPriv();
    return h.csr.pmp.check(pa - (pa % 4096), 4096, access, priv);
  }

  mmioRead(pa: number, size: 1 | 2 | 4 | 8): number {
    const v = this.bus.read(pa, size);
    this.mmioOk = v !== BUS_FAULT;
    this.mmioHi = this.bus.hi;
    return v | 0;
  }

  mmioWrite(pa: number, size: 1 | 2 | 4 | 8, lo: number, hi: number): boolean {
    return this.bus.write(pa, size, lo, hi);
  }

  // PhysMem for the walker: PTEs live in RAM; PMP applies with effective privilege S.
  readPte(pa: number): boolean {
    this.pteReads++;
    const ram = this.ram;
    if (pa < ram.base || pa + 8 > ram.base + ram.size) return false;
    if (this.walking && !this.walking.csr.pmp.check(pa, 8, Access.Load, Priv.S)) return false;
    const w = (pa - ram.base) >>> 2;
    this.pteLo = ram.i32[w];
    this.pteHi = ram.i32[w + 1];
    return true;
  }

  writePte(pa: number, lo: number, hi: number): boolean {
    const ram = this.ram;
    if (pa < ram.base || pa + 8 > ram.base + ram.size) return false;
    if (this.walking && !this.walking.csr.pmp.check(pa, 8, Access.Store, Priv.S)) return false;
    const w = (pa - ram.base) >>> 2;
    ram.i32[w] = lo;
    ram.i32[w + 1] = hi;
    if (this.walking) this.walking.code.noteStore((pa - ram.base) >>> 12);
    return true;
  }
}
