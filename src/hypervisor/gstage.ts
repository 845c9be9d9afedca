// G-stage page tables (hypervisor.adoc, "Guest Physical Address Translation": Sv39x4, Sv48x4)
// built by the hypervisor in its own region of host RAM, and the page allocator for that region
// (shared with the shadow tables).
//
// Sv39x4/Sv48x4 are Sv39/Sv48 with two more GPA bits at the root: the root table is 16 KiB
// (2048 entries, 11 index bits) and 16 KiB aligned. Every G-stage leaf must have U=1 ("G-stage
// address translation and protection ... as though the current privilege mode were U-mode").
// Leaves are made with A=1 and D=1 so the hart never writes back into hypervisor tables.
import type { Ram } from '../devices/ram';
import { InternalError } from '../common/errors';
import { PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, SatpMode, ptePpn, pteIsLeaf } from '../mmu/pte';

const PAGE = 4096;
const TWO32 = 4294967296;
const MEGA = 2 * 1024 * 1024;

/** 4 KiB pages of the hypervisor's table region: a bump allocator with a free list, zeroed on allocation. */
export class TablePool {
  private next: number;
  private readonly end: number;
  private readonly freeList: number[] = [];
  /** Pages currently handed out. */
  inUse = 0;

  constructor(readonly ram: Ram, readonly base: number, readonly bytes: number) {
    if (base % PAGE !== 0 || bytes % PAGE !== 0) throw new InternalError('table pool must be page aligned');
    if (base < ram.base || base + bytes > ram.base + ram.size) throw new InternalError('table pool outside host RAM');
    this.next = base;
    this.end = base + bytes;
  }

  /** Total pages in the region. */
  get capacity(): number {
    return this.bytes / PAGE;
  }

  /** True when `pa` lies in the region (the guest must never be able to reach it). */
  contains(pa: number): boolean {
    return pa >= this.base && pa < this.end;
  }

  /** A zeroed 4 KiB page (its host-physical address), or -1 when the region is exhausted. */
  alloc(): number {
    let pa: number;
    if (this.freeList.length > 0) pa = this.freeList.pop()!;
    else if (this.next < this.end) { pa = this.next; this.next += PAGE; }
    else return -1;
    this.zero(pa, PAGE);
    this.inUse++;
    return pa;
  }

  /** `pages` contiguous zeroed pages aligned to `alignBytes` (the x4 root), from the untouched part. */
  allocContiguous(pages: number, alignBytes: number): number {
    const start = Math.ceil(this.next / alignBytes) * alignBytes;
    if (start + pages * PAGE > this.end) return -1;
    // Pages skipped for alignment go to the free list.
    for (let p = this.next; p < start; p += PAGE) this.freeList.push(p);
    this.next = start + pages * PAGE;
    this.zero(start, pages * PAGE);
    this.inUse += pages;
    return start;
  }

  free(pa: number): void {
    if (!this.contains(pa) || pa % PAGE !== 0) throw new InternalError(`freeing 0x${pa.toString(16)}, not a table page`);
    this.freeList.push(pa);
    this.inUse--;
  }

  private zero(pa: number, len: number): void {
    const off = pa - this.ram.base;
    this.ram.u8.fill(0, off, off + len);
  }
}

/** Reads/writes 8-byte PTEs in host RAM. */
export function readPteLo(ram: Ram, pa: number): number {
  return ram.i32[(pa - ram.base) >>> 2];
}
export function readPteHi(ram: Ram, pa: number): number {
  return ram.i32[((pa - ram.base) >>> 2) + 1];
}
export function writePte(ram: Ram, pa: number, lo: number, hi: number): void {
  const w = (pa - ram.base) >>> 2;
  ram.i32[w] = lo | 0;
  ram.i32[w + 1] = hi | 0;
}

/** A PTE pointing at physical page `pa` with low flag bits `bits`, as halves [lo, hi]. */
export function makePte(pa: number, bits: number): [number, number] {
  const ppn = Math.floor(pa / PAGE);
  return [(((ppn % 4194304) << 10) | bits) | 0, Math.floor(ppn / 4194304) | 0];
}

/** Leaf flags of a G-stage mapping of guest RAM. */
export const G_LEAF_RWX = PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D;

export type GStageMode = 'sv39x4' | 'sv48x4';

export class GStage {
  readonly mode: number;
  readonly levels: number;
  /** Host-physical address of the 16 KiB root table. */
  readonly rootHpa: number;
  /** Leaves written (4 KiB and 2 MiB), for statistics. */
  leaves4k = 0;
  leaves2m = 0;

  constructor(private readonly pool: TablePool, mode: GStageMode = 'sv39x4') {
    this.mode = mode === 'sv39x4' ? SatpMode.Sv39 : SatpMode.Sv48;
    this.levels = this.mode - 5;
    const root = pool.allocContiguous(4, 4 * PAGE);
    if (root < 0) throw new InternalError('no room for the G-stage root table');
    this.rootHpa = root;
  }

  /** Root PPN as hgatp holds it. */
  get rootPpn(): number {
    return this.rootHpa / PAGE;
  }

  /** hgatp value (MODE, VMID, PPN) as [lo, hi]. */
  hgatp(vmid = 0): [number, number] {
    const ppn = this.rootPpn;
    return [(ppn % TWO32) | 0, ((this.mode << 28) | ((vmid & 0x3fff) << 12) | Math.floor(ppn / TWO32)) | 0];
  }

  /**
   * Maps [gpa, gpa+size) to [hpa, hpa+size) with leaf flags `bits` (default RWX, U, A, D). Uses
   * 2 MiB leaves where both sides are aligned, 4 KiB leaves elsewhere. Returns false when the
   * table region is exhausted.
   */
  map(gpa: number, hpa: number, size: number, bits = G_LEAF_RWX): boolean {
    if (gpa % PAGE !== 0 || hpa % PAGE !== 0 || size % PAGE !== 0) throw new InternalError('G-stage map: unaligned range');
    let off = 0;
    while (off < size) {
      const g = gpa + off, h = hpa + off;
      const mega = g % MEGA === 0 && h % MEGA === 0 && size - off >= MEGA;
      const level = mega ? 1 : 0;
      const slot = this.slot(g, level, true);
      if (slot < 0) return false;
      const [lo, hi] = makePte(h, bits);
      writePte(this.pool.ram, slot, lo, hi);
      if (mega) { this.leaves2m++; off += MEGA; } else { this.leaves4k++; off += PAGE; }
    }
    return true;
  }

  /** Removes mappings of [gpa, gpa+size) (4 KiB granularity; a 2 MiB leaf in the way is split first). */
  unmap(gpa: number, size: number): void {
    for (let off = 0; off < size; off += PAGE) {
      const slot = this.slot(gpa + off, 0, false);
      if (slot >= 0) writePte(this.pool.ram, slot, 0, 0);
    }
  }

  /**
   * Host address of the PTE slot for `gpa` at `level`, creating intermediate tables when `create`
   * (and splitting a larger leaf that covers the GPA). -1 when absent / out of table pages.
   */
  private slot(gpa: number, level: number, create: boolean): number {
    const ram = this.pool.ram;
    let table = this.rootHpa;
    for (let i = this.levels - 1; ; i--) {
      const shift = 12 + 9 * i;
      const mask = i === this.levels - 1 ? 0x7ff : 0x1ff;
      const idx = Math.floor(gpa / 2 ** shift) & mask;
      const pte = table + idx * 8;
      if (i === level) return pte;
      const lo = readPteLo(ram, pte), hi = readPteHi(ram, pte);
      if ((lo & PTE_V) === 0) {
        if (!create) return -1;
        const page = this.pool.alloc();
        if (page < 0) return -1;
        const [plo, phi] = makePte(page, PTE_V);
        writePte(ram, pte, plo, phi);
        table = page;
      } else if (pteIsLeaf(lo)) {
        // A superpage leaf covers this GPA: split it into next-level leaves with the same flags.
        const page = this.pool.alloc();
        if (page < 0) return -1;
        const base = ptePpn(lo, hi) * PAGE;
        const step = 2 ** (shift - 9);
        for (let k = 0; k < 512; k++) {
          const [llo, lhi] = makePte(base + k * step, lo & 0x3ff);
          writePte(ram, page + k * 8, llo, lhi);
        }
        const [plo, phi] = makePte(page, PTE_V);
        writePte(ram, pte, plo, phi);
        table = page;
      } else {
        table = ptePpn(lo, hi) * PAGE;
      }
    }
  }
}
