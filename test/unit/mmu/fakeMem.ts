// Test support for the mmu tests: a Uint8Array-backed physical memory that implements both the
// walker's PhysMem and the debugger's PtePeek, and a page-table builder. Not a test file itself.
import type { PhysMem } from '../../../src/mmu/walker';
import type { PtePeek } from '../../../src/mmu/inspect';
import { PTE_V } from '../../../src/mmu/pte';

export class FakeMem implements PhysMem, PtePeek {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  pteLo = 0;
  pteHi = 0;
  reads: number[] = [];
  writes: number[] = [];
  /** Addresses for which readPte/writePte fail (as a PMP/PMA check would). */
  denyRead = new Set<number>();
  denyWrite = new Set<number>();
  private next: number;

  constructor(readonly base: number, size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
    this.next = base;
  }

  private off(pa: number): number {
    const o = pa - this.base;
    return o >= 0 && o + 8 <= this.bytes.length && pa % 8 === 0 ? o : -1;
  }

  readPte(pa: number): boolean {
    this.reads.push(pa);
    const o = this.off(pa);
    if (o < 0 || this.denyRead.has(pa)) return false;
    this.pteLo = this.view.getUint32(o, true) | 0;
    this.pteHi = this.view.getUint32(o + 4, true) | 0;
    return true;
  }

  writePte(pa: number, lo: number, hi: number): boolean {
    const o = this.off(pa);
    if (o < 0 || this.denyWrite.has(pa)) return false;
    this.writes.push(pa);
    this.view.setUint32(o, lo >>> 0, true);
    this.view.setUint32(o + 4, hi >>> 0, true);
    return true;
  }

  peekPte(pa: bigint): bigint | undefined {
    if (pa > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    const o = this.off(Number(pa));
    return o < 0 ? undefined : this.view.getBigUint64(o, true);
  }

  set(pa: number, v: bigint): void {
    const o = this.off(pa);
    if (o < 0) throw new Error(`set outside fake memory: ${pa.toString(16)}`);
    this.view.setBigUint64(o, BigInt.asUintN(64, v), true);
  }

  get(pa: number): bigint {
    const o = this.off(pa);
    if (o < 0) throw new Error(`get outside fake memory: ${pa.toString(16)}`);
    return this.view.getBigUint64(o, true);
  }

  /** Zeroed, `align`-aligned pages (host-physical). */
  alloc(bytes = 4096, align = 4096): number {
    this.next = Math.ceil(this.next / align) * align;
    const a = this.next;
    this.next += bytes;
    if (this.next > this.base + this.bytes.length) throw new Error('fake memory exhausted');
    return a;
  }
}

export const pte = (pa: bigint, flags: number): bigint => ((pa >> 12n) << 10n) | BigInt(flags);

/**
 * Builds page tables in a FakeMem. Table addresses live in the table's own address space (physical,
 * or guest-physical for VS-stage tables: `toHost` converts, `allocTable` allocates).
 */
export class TableBuilder {
  constructor(
    private readonly mem: FakeMem,
    readonly mode: number,
    readonly root: number,
    readonly x4 = false,
    private readonly toHost: (a: number) => number = (a) => a,
    private readonly fromHost: (a: number) => number = (a) => a,
    /** Allocates a zeroed host page for a new table. */
    private readonly allocHost: () => number = () => mem.alloc(),
  ) {}

  /** Tables this builder created (table space): only entries pointing at them are followed. */
  private readonly tables = new Set<number>();

  get levels(): number {
    return this.mode - 5;
  }

  /** Maps `va` → `pa` with a leaf at `level`; returns the leaf PTE's address (table space). */
  map(va: bigint, pa: bigint, level: number, flags: number): number {
    let table = this.root;
    for (let i = this.levels - 1; ; i--) {
      const shift = BigInt(12 + 9 * i);
      const mask = this.x4 && i === this.levels - 1 ? 0x7ffn : 0x1ffn;
      const addr = table + Number((va >> shift) & mask) * 8;
      if (i === level) {
        this.mem.set(this.toHost(addr), pte(pa, flags));
        return addr;
      }
      const cur = this.mem.get(this.toHost(addr));
      const next = Number((cur >> 10n) << 12n);
      if (cur === pte(BigInt(next), PTE_V) && this.tables.has(next)) {
        table = next;
      } else {
        // Empty, or a leaf/odd entry from an earlier map(): replace it with a new table.
        const t = this.fromHost(this.allocHost());
        this.tables.add(t);
        this.mem.set(this.toHost(addr), pte(BigInt(t), PTE_V));
        table = t;
      }
    }
  }

  /** Address (table space) of the PTE for `va` at `level`, following existing pointers. */
  pteAddr(va: bigint, level: number): number {
    let table = this.root;
    for (let i = this.levels - 1; ; i--) {
      const shift = BigInt(12 + 9 * i);
      const mask = this.x4 && i === this.levels - 1 ? 0x7ffn : 0x1ffn;
      const addr = table + Number((va >> shift) & mask) * 8;
      if (i === level) return addr;
      table = Number((this.mem.get(this.toHost(addr)) >> 10n) << 12n);
    }
  }
}

/** Splits a 64-bit value into the walker's (lo, hi) halves. */
export function halves(v: bigint): [number, number] {
  const u = BigInt.asUintN(64, v);
  return [Number(u & 0xffffffffn) | 0, Number(u >> 32n) | 0];
}
