// Guest physical memory and where it lives in host RAM (ARCHITECTURE.md §4).
//
// Host RAM holds two regions the hypervisor reserves for a VM:
//   [tablesHpa, tablesHpa + tablesBytes)       hypervisor memory: G-stage and shadow page tables
//   [guestRamHpa, guestRamHpa + guestRamBytes) the guest's RAM, seen by the guest at GUEST_RAM_BASE
// The two never overlap and the G-stage (or shadow) tables map only the second, so the guest can
// never reach the tables. Guest RAM is 2 MiB aligned in host RAM so the G-stage can use megapages.
import type { DmaMemory } from '../devices/device';
import type { Ram } from '../devices/ram';
import type { PhysMem } from '../mmu/walker';
import { type Gpa, type Hpa, hpa } from '../common/address';
import { UserError } from '../common/errors';

/** Where guest RAM starts in guest-physical space (the QEMU `virt` layout the guest FDT describes). */
export const GUEST_RAM_BASE = 0x8000_0000;
/** Default size of the hypervisor's page-table region. */
export const DEFAULT_TABLES_BYTES = 8 * 1024 * 1024;

const MiB = 1024 * 1024;

export interface HostLayout {
  /** Host-physical start of the page-table region (hypervisor memory). */
  readonly tablesHpa: number;
  readonly tablesBytes: number;
  /** Host-physical start of guest RAM. */
  readonly guestRamHpa: number;
  readonly guestRamBytes: number;
}

/**
 * Places the table region at the start of host RAM and guest RAM right after it (2 MiB aligned).
 * The guest's GPA 0x8000_0000 thus maps to a different host-physical address.
 */
export function planHostLayout(ram: { base: number; size: number }, guestRamBytes: number, tablesBytes = DEFAULT_TABLES_BYTES): HostLayout {
  if (guestRamBytes <= 0 || guestRamBytes % (2 * MiB) !== 0) throw new UserError(`guest RAM must be a positive multiple of 2 MiB, got ${guestRamBytes}`);
  if (tablesBytes <= 0 || tablesBytes % (2 * MiB) !== 0) throw new UserError(`the hypervisor table region must be a positive multiple of 2 MiB, got ${tablesBytes}`);
  const tablesHpa = Math.ceil(ram.base / (2 * MiB)) * 2 * MiB;
  const guestRamHpa = tablesHpa + tablesBytes;
  if (guestRamHpa + guestRamBytes > ram.base + ram.size) {
    throw new UserError(`host RAM (${ram.size / MiB} MiB) is too small for ${guestRamBytes / MiB} MiB of guest RAM plus ${tablesBytes / MiB} MiB of hypervisor tables`);
  }
  return { tablesHpa, tablesBytes, guestRamHpa, guestRamBytes };
}

/** The guest's RAM: GPA ↔ HPA, bulk access for the loader, DBCN and virtio DMA (GPAs). */
export class GuestMemory implements DmaMemory {
  readonly base = GUEST_RAM_BASE;
  readonly size: number;
  readonly hpaBase: number;

  constructor(readonly ram: Ram, layout: HostLayout, private readonly code?: { noteStore(ramPage: number): void }) {
    this.size = layout.guestRamBytes;
    this.hpaBase = layout.guestRamHpa;
  }

  /** True when [gpa, gpa+len) is guest RAM. */
  contains(gpa: number, len = 1): boolean {
    return gpa >= this.base && gpa + len <= this.base + this.size;
  }

  /** HPA of a guest-RAM GPA, or -1 when the GPA is not guest RAM. */
  toHpa(gpa: Gpa | number): Hpa {
    if (!this.contains(gpa)) return hpa(-1);
    return hpa(gpa - this.base + this.hpaBase);
  }

  /** GPA of a host address inside guest RAM, or -1. */
  toGpa(pa: number): number {
    if (pa < this.hpaBase || pa >= this.hpaBase + this.size) return -1;
    return pa - this.hpaBase + this.base;
  }

  // DmaMemory (virtio and the SBI console): addresses are GPAs.
  readPhys(gpa: number, dst: Uint8Array): boolean {
    if (!this.contains(gpa, dst.length)) return false;
    const off = gpa - this.base + this.hpaBase - this.ram.base;
    dst.set(this.ram.u8.subarray(off, off + dst.length));
    return true;
  }

  writePhys(gpa: number, src: Uint8Array): boolean {
    if (!this.contains(gpa, src.length)) return false;
    const off = gpa - this.base + this.hpaBase - this.ram.base;
    this.ram.u8.set(src, off);
    this.noteStore(off, src.length);
    return true;
  }

  zeroPhys(gpa: number, len: number): boolean {
    if (!this.contains(gpa, len)) return false;
    const off = gpa - this.base + this.hpaBase - this.ram.base;
    this.ram.u8.fill(0, off, off + len);
    this.noteStore(off, len);
    return true;
  }

  /** Drops decoded code in RAM bytes [off, off+len) (host RAM offsets). */
  private noteStore(off: number, len: number): void {
    if (!this.code || len === 0) return;
    for (let p = off >>> 12; p <= (off + len - 1) >>> 12; p++) this.code.noteStore(p);
  }
}

/**
 * Host RAM as the walker's physical memory. With `writable` false, A/D write-backs are dropped
 * (reported as done), so a walk has no side effects (ARCHITECTURE.md §6, debugger reads).
 */
export class RamPhysMem implements PhysMem {
  pteLo = 0;
  pteHi = 0;
  writable = true;

  constructor(private readonly ram: Ram, private readonly code?: { noteStore(ramPage: number): void }) {}

  readPte(pa: number): boolean {
    if (!this.ram.read64(pa)) return false;
    this.pteLo = this.ram.lo;
    this.pteHi = this.ram.hi;
    return true;
  }

  writePte(pa: number, lo: number, hi: number): boolean {
    if (!this.writable) return this.ram.contains(pa, 8) && (pa & 7) === 0;
    if (!this.ram.write64(pa, lo, hi)) return false;
    this.code?.noteStore((pa - this.ram.base) >>> 12);
    return true;
  }
}
