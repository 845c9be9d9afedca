// A fake hart for the hypervisor tests: the GuestHart surface with a plain CSR store and the
// architectural effects the hypervisor relies on (SRET with SPV, VS trap injection), while the real
// hart's H extension is being written. Guest execution is scripted: `run` plays the next step,
// which usually sets up the trap state of an exit (see `trapFromGuest`). Not a test file itself.
import { Ram } from '../../../src/devices/ram';
import { CSR } from '../../../src/riscv/hart/csrs';
import type { GuestCsrFile, GuestHart } from '../../../src/hypervisor/vcpu';
import { HART_STOP_BUDGET, HART_STOP_VMEXIT } from '../../../src/hypervisor/vcpu';

export class FakeCsrFile implements GuestCsrFile {
  hi = 0;
  readonly vals = new Map<number, [number, number]>();
  writes: number[] = [];
  constructor(private readonly now: () => number) {}
  readRaw(num: number): number | undefined {
    if (num === CSR.time) { const t = this.now(); this.hi = Math.floor(t / 4294967296); return t | 0; }
    // hip reads VSSIP/VSTIP/VSEIP from hvip (no Sstc hardware in the fake).
    if (num === CSR.hip) { const v = this.vals.get(CSR.hvip) ?? [0, 0]; this.hi = 0; return v[0] & 0x444; }
    const v = this.vals.get(num) ?? [0, 0];
    this.hi = v[1];
    return v[0];
  }
  writeRaw(num: number, lo: number, hi: number): boolean {
    this.writes.push(num);
    this.vals.set(num, [lo | 0, hi | 0]);
    return true;
  }
  get(num: number): number { return this.vals.get(num)?.[0] ?? 0; }
  getHi(num: number): number { return this.vals.get(num)?.[1] ?? 0; }
}

export interface Injection { cause: number; interrupt: boolean; tvalLo: number; tvalHi: number }

/** A scripted step of guest execution: mutate the hart, return a stop reason. */
export type Step = (h: FakeHart) => number;

export class FakeHart implements GuestHart {
  virt = false;
  priv = 3;
  readonly x = new Int32Array(66);
  readonly f = new Int32Array(64);
  pcLo = 0;
  pcHi = 0;
  retired = 0;
  wfi = false;
  interceptHs = false;
  readonly csr: FakeCsrFile;
  readonly code = { stores: [] as number[], noteStore(p: number) { this.stores.push(p); } };
  readonly injected: Injection[] = [];
  srets = 0;
  flushes = 0;
  pageFlushes = 0;
  readonly steps: Step[] = [];

  constructor(readonly hartId: number, readonly ram: Ram, now: () => number = () => 0) {
    this.csr = new FakeCsrFile(now);
  }

  run(_budget: number): number {
    const s = this.steps.shift();
    if (!s) return HART_STOP_BUDGET;
    return s(this);
  }

  sret(): void {
    const c = this.csr;
    this.virt = (c.get(CSR.hstatus) & (1 << 7)) !== 0;
    this.priv = (c.get(CSR.sstatus) & (1 << 8)) !== 0 ? 1 : 0;
    this.pcLo = c.get(CSR.sepc);
    this.pcHi = c.getHi(CSR.sepc);
    this.srets++;
  }

  injectGuestTrap(cause: number, interrupt: boolean, tvalLo: number, tvalHi: number): void {
    this.injected.push({ cause, interrupt, tvalLo, tvalHi });
    const c = this.csr;
    c.writeRaw(CSR.vsepc, c.get(CSR.sepc), c.getHi(CSR.sepc));
    c.writeRaw(CSR.vscause, cause, interrupt ? 1 << 31 : 0);
    c.writeRaw(CSR.vstval, tvalLo, tvalHi);
    this.virt = true;
    this.priv = 1;
    this.pcLo = c.get(CSR.vstvec);
    this.pcHi = c.getHi(CSR.vstvec);
  }

  flushTlb(): void { this.flushes++; }
  flushGuestPage(): void { this.pageFlushes++; }

  /** Register helpers. */
  setReg(r: number, lo: number, hi = lo < 0 ? -1 : 0): void { this.x[2 * r] = lo | 0; this.x[2 * r + 1] = hi | 0; }
  reg(r: number): bigint { return (BigInt(this.x[2 * r + 1] >>> 0) << 32n) | BigInt(this.x[2 * r] >>> 0); }
  sepc(): number { return (this.csr.getHi(CSR.sepc) >>> 0) * 4294967296 + (this.csr.get(CSR.sepc) >>> 0); }
}

export interface TrapSpec {
  cause: number;
  interrupt?: boolean;
  pc: number;
  pcHi?: number;
  stval?: number;
  stvalHi?: number;
  /** GPA of a guest-page fault (htval = gpa >> 2). */
  gpa?: number;
  htinst?: number;
  gva?: boolean;
  /** Guest privilege at the trap: 1 VS (default), 0 VU. */
  guestPriv?: number;
  retired?: number;
}

/** Puts the hart in the state the real hart leaves after a trap from V=1 into HS. */
export function trapFromGuest(h: FakeHart, t: TrapSpec): number {
  const c = h.csr;
  c.writeRaw(CSR.scause, t.cause, t.interrupt ? 1 << 31 : 0);
  c.writeRaw(CSR.sepc, t.pc | 0, t.pcHi ?? Math.floor(t.pc / 4294967296));
  c.writeRaw(CSR.stval, t.stval ?? 0, t.stvalHi ?? 0);
  const g = t.gpa ?? 0;
  c.writeRaw(CSR.htval, Math.floor(g / 4) | 0, Math.floor(g / 4 / 4294967296));
  c.writeRaw(CSR.htinst, t.htinst ?? 0, 0);
  let hs = c.get(CSR.hstatus) | (1 << 7);
  hs = t.gva ? hs | (1 << 6) : hs & ~(1 << 6);
  c.writeRaw(CSR.hstatus, hs, c.getHi(CSR.hstatus));
  const ss = c.get(CSR.sstatus);
  c.writeRaw(CSR.sstatus, (t.guestPriv ?? 1) ? ss | (1 << 8) : ss & ~(1 << 8), 0);
  h.virt = false;
  h.priv = 1;
  h.retired += t.retired ?? 10;
  return HART_STOP_VMEXIT;
}

/** A step that traps. */
export const trapStep = (t: TrapSpec): Step => (h) => trapFromGuest(h, t);

/** Host RAM for tests: 64 MiB at 0x8000_0000 (8 MiB tables + up to 56 MiB guest). */
export function hostRam(bytes = 64 * 1024 * 1024): Ram {
  return new Ram(0x8000_0000, bytes);
}
