// A vCPU of the embedded hypervisor: one emulated hart pinned to one guest hart id, plus the
// hypervisor's per-vCPU state (HSM state, the software timer of SBI TIME, suspend parameters).
//
// The hypervisor talks to the hart through `GuestHart`, the exact subset of riscv/hart's Hart it
// uses (structural, so tests can pass a fake and the real Hart satisfies it once the H extension
// lands). Register values are int32 halves, as everywhere on the hart (common/u64.ts).
import type { Ram } from '../devices/ram';
import { CSR } from '../riscv/hart/csrs';
import { add64, hi64 } from '../common/u64';
import type { ShadowPager } from './shadow';
import type { VmExit } from './exits';

/** `hart.run` return values the hypervisor looks at (riscv/hart/hart.ts StopReason). */
export const HART_STOP_BUDGET = 0;
export const HART_STOP_WFI = 1;
export const HART_STOP_BREAK = 2;
/** StopReason.VmExit: a trap from V=1 entered HS-mode and `interceptHs` is set. */
export const HART_STOP_VMEXIT = 3;

/** The CSR file as the hypervisor uses it: raw access without privilege checks. */
export interface GuestCsrFile {
  /** High half of the last `readRaw`. */
  hi: number;
  /** Low half of CSR `num`, high half in `hi`; undefined when the CSR does not exist. */
  readRaw(num: number): number | undefined;
  /** Writes CSR `num` (WARL legalisation applies); false when it does not exist. */
  writeRaw(num: number, lo: number, hi: number): boolean;
}

/** What the hypervisor needs of a hart (riscv/hart/hart.ts Hart, with the H extension). */
export interface GuestHart {
  readonly hartId: number;
  /** Virtualization mode V. */
  virt: boolean;
  /** 0 U, 1 S, 3 M. */
  priv: number;
  /** x registers, x[2r] low, x[2r+1] high. */
  readonly x: Int32Array;
  /** f registers as raw 64-bit patterns in int32 halves. */
  readonly f: Int32Array;
  pcLo: number;
  pcHi: number;
  /** Instructions retired since reset. */
  retired: number;
  /** Waiting in WFI (the hart's own WFI, V=0). */
  wfi: boolean;
  /** When set, `run` returns HART_STOP_VMEXIT right after a trap from V=1 entered HS-mode. */
  interceptHs: boolean;
  readonly csr: GuestCsrFile;
  /** Host RAM (the hypervisor's G-stage tables and the guest's RAM both live in it). */
  readonly ram: Ram;
  /** The decoded-code cache: stores by the hypervisor into RAM must drop code decoded from it. */
  readonly code: { noteStore(ramPage: number): void };
  run(budget: number): number;
  /** Attempts the last `run` made (the real hart reports it; budget accounting). */
  readonly lastSteps?: number;
  /** The machine's scheduler skips a parked hart (a vCPU that is stopped, in WFI or suspended). */
  parked?: boolean;
  /** Architectural SRET: V ← hstatus.SPV, priv ← sstatus.SPP, pc ← sepc. */
  sret(): void;
  /** VS-level trap entry for the interrupted guest context, re-entering V=1 at vstvec. */
  injectGuestTrap(cause: number, interrupt: boolean, tvalLo: number, tvalHi: number): void;
  /** Drops every cached translation (HFENCE.VVMA/GVMA for the emulated TLB). */
  flushTlb(): void;
  /** Drops the V=1 translations of one guest virtual page (HFENCE.VVMA with an address). */
  flushGuestPage(lo: number, hi: number): void;
}

/** HSM view of a vCPU. 'wfi': waits in a trapped WFI; 'suspended': SBI HSM retentive or non-retentive suspend. */
export type VcpuState = 'running' | 'stopped' | 'wfi' | 'suspended';

/** HSM state ids (SBI spec, "HSM Hart States"). */
export const HSM_STARTED = 0;
export const HSM_STOPPED = 1;
export const HSM_SUSPENDED = 4;

/** Where a vCPU enters the guest next time it is scheduled: pc, a0, a1, with satp = 0 and SIE = 0. */
export interface PendingEntry {
  pc: number;
  a0: number;
  a1Lo: number;
  a1Hi: number;
}

export class Vcpu {
  state: VcpuState = 'stopped';
  /** Set while the vCPU must (re)start from scratch at an address (boot, HSM start, non-retentive resume). */
  pendingEntry: PendingEntry | undefined;
  /** Non-retentive suspend: where to resume. */
  resumeEntry: PendingEntry | undefined;
  /** SBI TIME deadline in guest time ticks (software timer; Infinity = none). Unused with Sstc. */
  timerDeadline = Infinity;
  /** The last exit taken and handled (the debugger's "Last VM exit" scope). */
  lastExit: VmExit | undefined;
  /** Shadow paging state (memory mode 'shadow' only). */
  shadow: ShadowPager | undefined;
  /** Exits handled by this vCPU. */
  exits = 0;

  constructor(readonly id: number, readonly hart: GuestHart) {}

  /** Low half of x[r]. */
  xLo(r: number): number { return this.hart.x[2 * r]; }
  /** High half of x[r]. */
  xHi(r: number): number { return this.hart.x[2 * r + 1]; }
  /** Writes x[r] (x0 stays zero). */
  setX(r: number, lo: number, hi: number): void {
    if (r === 0) return;
    this.hart.x[2 * r] = lo | 0;
    this.hart.x[2 * r + 1] = hi | 0;
  }

  /** Reads a CSR, returning [lo, hi]; a missing CSR reads 0. */
  csr(num: number): [number, number] {
    const c = this.hart.csr;
    const lo = c.readRaw(num);
    return lo === undefined ? [0, 0] : [lo | 0, c.hi | 0];
  }

  /** Low half of a CSR (0 when missing). */
  csrLo(num: number): number {
    return this.hart.csr.readRaw(num) ?? 0;
  }

  writeCsr(num: number, lo: number, hi = 0): void {
    this.hart.csr.writeRaw(num, lo | 0, hi | 0);
  }

  /** Sets or clears `mask` in the low half of CSR `num` (hvip bits). */
  setCsrBits(num: number, mask: number, on: boolean): void {
    const [lo, hi] = this.csr(num);
    this.writeCsr(num, on ? lo | mask : lo & ~mask, hi);
  }

  /** Moves sepc past the trapping instruction (len 2 or 4). */
  advanceSepc(len: number): void {
    const [lo, hi] = this.csr(CSR.sepc);
    const nlo = add64(lo, hi, len, 0);
    this.writeCsr(CSR.sepc, nlo, hi64);
  }
}
