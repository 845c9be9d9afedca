// Test harness for the hart: a small Machine, programs loaded into RAM, register and CSR access
// as bigint, and Sv39 page tables built in RAM.
import { Machine } from '../../../../src/machine/machine';
import type { Hart } from '../../../../src/riscv/hart/hart';
import { CSR, Priv } from '../../../../src/riscv/hart/csrs';
import { Asm } from './asm';

export const RAM = 0x8000_0000;
export const PAGE = 4096;

export interface Rig {
  m: Machine;
  h: Hart;
}

export function rig(memoryBytes = 1 << 20): Rig {
  const m = new Machine({ memoryBytes, harts: 1, console: { write() { /* discard */ } } });
  const h = m.harts[0];
  h.reset(RAM | 0, 0);
  openPmp(h);
  return { m, h };
}

/** PMP entry 0 = NAPOT over the whole address space, RWX (as firmware sets it up for S/U-mode). */
export function openPmp(h: Hart): void {
  setCsr(h, CSR.pmpaddr0, (1n << 54n) - 1n);
  setCsr(h, CSR.pmpcfg0, 0x1f);
}

export function asm(base = RAM): Asm {
  return new Asm(base);
}

/** Loads the program at its physical base (or at `pa` when the program is linked at a virtual address). */
export function load(r: Rig, a: Asm, pa = a.base): void {
  r.m.loadPhys(pa, a.bytes());
}

export function setX(h: Hart, reg: number, v: bigint | number): void {
  const u = BigInt.asUintN(64, BigInt(v));
  h.x[2 * reg] = Number(u & 0xffffffffn) | 0;
  h.x[2 * reg + 1] = Number(u >> 32n) | 0;
}

export function getX(h: Hart, reg: number): bigint {
  return (BigInt(h.x[2 * reg + 1] >>> 0) << 32n) | BigInt(h.x[2 * reg] >>> 0);
}

export function pc(h: Hart): bigint {
  return (BigInt(h.pcHi >>> 0) << 32n) | BigInt(h.pcLo >>> 0);
}

/** Sets the pc (and nothing else). */
export function setPc(h: Hart, v: bigint | number): void {
  const u = BigInt.asUintN(64, BigInt(v));
  h.pcLo = Number(u & 0xffffffffn) | 0;
  h.pcHi = Number(u >> 32n) | 0;
}

/** CSR value without privilege checks (the debugger's path). */
export function csr(h: Hart, num: number): bigint {
  const lo = h.csr.readRaw(num);
  if (lo === undefined) throw new Error(`CSR 0x${num.toString(16)} not readable`);
  return (BigInt(h.csr.hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

export function setCsr(h: Hart, num: number, v: bigint | number): void {
  const u = BigInt.asUintN(64, BigInt(v));
  const ok = h.csr.writeRaw(num, Number(u & 0xffffffffn) | 0, Number(u >> 32n) | 0);
  if (!ok) throw new Error(`CSR 0x${num.toString(16)} not writable`);
}

/** Switches privilege directly (as a trap return would) and moves the pc. */
export function enter(h: Hart, priv: Priv, at: bigint | number): void {
  h.priv = priv;
  h.flushTlb();
  setPc(h, at);
}

export function readU64(r: Rig, pa: number): bigint {
  return r.m.ram.view.getBigUint64(pa - RAM, true);
}

export function writeU64(r: Rig, pa: number, v: bigint): void {
  r.m.ram.view.setBigUint64(pa - RAM, BigInt.asUintN(64, v), true);
}

export const PTE = { V: 1, R: 2, W: 4, X: 8, U: 16, G: 32, A: 64, D: 128 } as const;

/**
 * Sv39 tables for virtual addresses below 2 MiB: root at `root`, one level-1 and one level-0
 * table after it. `map(va, pa, flags)` writes a 4 KiB leaf. `satp` is the value for satp.
 */
export class Sv39 {
  readonly l1: number;
  readonly l0: number;

  constructor(private readonly r: Rig, readonly root: number) {
    this.l1 = root + PAGE;
    this.l0 = root + 2 * PAGE;
    for (let i = 0; i < 3 * 512; i++) writeU64(r, root + 8 * i, 0n);
    writeU64(r, root, (BigInt(this.l1 / PAGE) << 10n) | BigInt(PTE.V));
    writeU64(r, this.l1, (BigInt(this.l0 / PAGE) << 10n) | BigInt(PTE.V));
  }

  get satp(): bigint {
    return (8n << 60n) | BigInt(this.root / PAGE);
  }

  pteAddr(va: number): number {
    if (va >= 0x20_0000) throw new Error('Sv39 helper maps only the first 2 MiB');
    return this.l0 + 8 * (va >>> 12);
  }

  map(va: number, pa: number, flags: number): void {
    writeU64(this.r, this.pteAddr(va), (BigInt(pa / PAGE) << 10n) | BigInt(flags | PTE.V));
  }

  pte(va: number): bigint {
    return readU64(this.r, this.pteAddr(va));
  }
}
