// The hart's view of physical memory and address translation: RAM, MMIO through the bus, PMP
// and PMA checks, and the page-table walk on a TLB miss. The machine composes one per machine.
import type { Ram } from '../../devices/ram';
import { BUS_FAULT, type Bus } from '../../devices/bus';
import { Walker, atpPpn, type PhysMem, type WalkerOptions } from '../../mmu/walker';
import type { Hart } from './hart';
import { CAUSE, Priv, MSTATUS_SUM, MSTATUS_MXR } from './csrs';

export const enum Access { Fetch = 0, Load = 1, Store = 2 }

export interface MemorySystem {
  readonly ram: Ram;
  /**
   * Translates and checks one access (satp, PMP, PMA). Returns the physical address, or -1 with
   * the exception raised on the hart.
   */
  translate(h: Hart, vlo: number, vhi: number, access: Access, priv: Priv, virt: boolean, size?: number, hlvx?: boolean): number;
  /** True when the whole 4 KiB page holding `pa` may be cached in the TLB for `access`. */
  pageCacheable(h: Hart, pa: number, access: Access): boolean;
  /** MMIO read of `size` bytes; returns the low 32 bits, high half in `mmioHi`; `mmioOk` false when nothing answers. */
  mmioRead(pa: number, size: 1 | 2 | 4 | 8): number;
  mmioWrite(pa: number, size: 1 | 2 | 4 | 8, lo: number, hi: number): boolean;
  mmioHi: number;
  mmioOk: boolean;
  /** Current mtime in ticks (deterministic virtual time, ARCHITECTURE.md §2). */
  clockNow(): number;
  /** Of the last successful `translate`: the leaf PTE's low bits (V R W X U G A D), -1 when untranslated. */
  lastLeaf: number;
  /** ... and log2 of its leaf's size in 4 KiB pages (0 for a 4 KiB page). */
  lastSpan: number;
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
  lastLeaf = -1;
  lastSpan = 0;
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

  /**
   * One access at privilege `priv` in virtualization mode `virt`: single-stage through satp when
   * V=0 (none in M-mode), two-stage through vsatp and hgatp when V=1 (hypervisor.adoc "Two-Stage
   * Address Translation"), then PMP on the result. A fault is raised on the hart with what the
   * trap needs: stval, and for guest-page faults htval (GPA >> 2) and the htinst pseudoinstruction
   * of an implicit VS-stage access.
   */
  translate(h: Hart, vlo: number, vhi: number, access: Access, priv: Priv, virt: boolean, size = 1, hlvx = false): number {
    const csr = h.csr;
    const ms = csr.mstatusLo;
    let pa: number;
    if (virt) {
      this.walking = h;
      this.walks++;
      const vs = csr.vsstatusLo;
      const cause = this.walker.translate2(csr.vsatpHi >>> 28, atpPpn(csr.vsatpLo, csr.vsatpHi), csr.hgatpHi >>> 28,
        atpPpn(csr.hgatpLo, csr.hgatpHi), vlo, vhi, access, priv, (vs & MSTATUS_SUM) !== 0, (vs & MSTATUS_MXR) !== 0,
        (ms & MSTATUS_MXR) !== 0, hlvx);
      this.walking = undefined;
      if (cause !== 0) {
        h.raise(cause, vlo, vhi);
        h.gva = true;
        if (cause === 20 || cause === 21 || cause === 23) {
          const r = this.walker.res;
          h.tval2Lo = (r.gpaLo >>> 2) | (r.gpaHi << 30);
          h.tval2Hi = r.gpaHi >>> 2;
          h.tinst = r.htinst;
        }
        return -1;
      }
      pa = this.walker.res.pa;
      this.lastLeaf = this.walker.res.leaf;
      this.lastSpan = this.walker.res.pageShift - 12;
    } else {
      const mode = priv === Priv.M ? 0 : csr.satpHi >>> 28;
      if (mode === 0) {
        // Bare: the address is physical. Above 2^53 nothing can answer; keep it unmatched.
        pa = (vhi >>> 0) * 4294967296 + (vlo >>> 0);
        this.lastLeaf = -1;
      } else {
        this.walking = h;
        this.walks++;
        const cause = this.walker.translate(mode, atpPpn(csr.satpLo, csr.satpHi), vlo, vhi, access, priv,
          (ms & MSTATUS_SUM) !== 0, (ms & MSTATUS_MXR) !== 0);
        this.walking = undefined;
        if (cause !== 0) { h.raise(cause, vlo, vhi); return -1; }
        pa = this.walker.res.pa;
        this.lastLeaf = this.walker.res.leaf;
        this.lastSpan = this.walker.res.pageShift - 12;
      }
    }
    // Every byte of the access must be allowed: a partial PMP match fails (machine.adoc, PMP).
    if (!csr.pmp.check(pa, size, access, priv)) {
      h.raise(access === Access.Fetch ? CAUSE.FETCH_ACCESS : access === Access.Load ? CAUSE.LOAD_ACCESS : CAUSE.STORE_ACCESS, vlo, vhi);
      h.gva = virt;
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
    if (this.walking && !this.walking.csr.pmp.check(pa, 8, Access.Load, Priv.S)) return false;
    if (!this.ram.read64(pa)) return false;
    this.pteLo = this.ram.lo;
    this.pteHi = this.ram.hi;
    return true;
  }

  writePte(pa: number, lo: number, hi: number): boolean {
    if (this.walking && !this.walking.csr.pmp.check(pa, 8, Access.Store, Priv.S)) return false;
    if (!this.ram.write64(pa, lo, hi)) return false;
    if (this.walking) this.walking.code.noteStore((pa - this.ram.base) >>> 12);
    return true;
  }
}
