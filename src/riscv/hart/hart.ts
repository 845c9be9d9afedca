// One RISC-V hart: architectural state, memory access through a software TLB, traps and
// interrupts, and the interpreter loop. Instruction semantics live in ./semantics and are looked
// up through the one instruction table (isa/encodings.ts).
//
// Representation (ARCHITECTURE.md §6, measured in the closing note): x registers are int32 halves
// in one Int32Array (x[2r] = low, x[2r+1] = high); the pc is a pair of int32 fields. Physical
// addresses are plain numbers. Guest traps are values: an instruction that faults records the cause
// in `exc` and returns; the loop then enters the trap handler. `throw` means an emulator bug.

import { Ram } from '../../devices/ram';
import { CAUSE, Priv, MSTATUS_MIE, MSTATUS_SIE, MSTATUS_MPIE, MSTATUS_SPIE, MSTATUS_SPP, MSTATUS_MPRV, MSTATUS_MPP, MSTATUS_MPP_SHIFT, MSTATUS_SUM, MSTATUS_MXR } from './csrs';
import type { Op } from './op';
import type { CodeCache } from './codeCache';
import { CsrFile } from './csrFile';
import { Access, type MemorySystem } from './memory';

/** Entries per TLB (direct-mapped, one TLB per access kind). */
const TLB_SIZE = 256;
const TLB_MASK = TLB_SIZE - 1;
const PAGE_KEY_HI = 1048576; // 2^20: page key = hi·2^20 + (lo >>> 12), exact for all 64-bit addresses

/** Why `run` returned. */
export const enum StopReason { Budget = 0, Wfi = 1, Break = 2 }

export class Hart {
  /** Integer registers as int32 halves. */
  readonly x = new Int32Array(64);
  /** Floating-point registers as raw 64-bit patterns (int32 halves), NaN-boxing kept bit-exact. */
  readonly f = new Int32Array(64);
  pcLo = 0;
  pcHi = 0;
  /** Next pc, set before each instruction executes; jumps and branches overwrite it. */
  npcLo = 0;
  npcHi = 0;
  priv: Priv = Priv.M;
  /** Virtualization mode V (H extension); always false until the H extension lands. */
  virt = false;

  /** Pending exception of the current instruction (a cause number), or -1. */
  exc = -1;
  tvalLo = 0;
  tvalHi = 0;

  /** Set when an instruction changed state that the loop must look at (interrupt enables, WFI). */
  loopBreak = false;
  /** Waiting in WFI until an interrupt is pending. */
  wfi = false;
  /** Instructions retired since reset (a double: exact to 2^53). */
  retired = 0;
  /** Scratch high half for 64-bit loads and CSR reads. */
  hi = 0;

  readonly csr: CsrFile;

  /** LR/SC reservation: virtual address and the value LR loaded (SC compares it, as QEMU does). */
  resvValid = false;
  resvLo = 0;
  resvHi = 0;
  resvValLo = 0;
  resvValHi = 0;

  /** The last trap taken, for the debugger and the CLI's diagnostics. */
  lastTrap = { cause: -1, interrupt: false, tvalLo: 0, tvalHi: 0, pcLo: 0, pcHi: 0, target: Priv.M as Priv, count: 0 };
  /** Consecutive traps without a retired instruction in between (detects a guest stuck in a trap loop). */
  trapsWithoutProgress = 0;

  // Software TLBs, one per access kind. Tag = page key of the virtual address, or NaN (empty).
  // base = byte offset of the page in RAM. Only RAM pages are cached; MMIO always takes the slow path.
  readonly tlbRTag = new Float64Array(TLB_SIZE).fill(NaN);
  readonly tlbRBase = new Int32Array(TLB_SIZE);
  readonly tlbWTag = new Float64Array(TLB_SIZE).fill(NaN);
  readonly tlbWBase = new Int32Array(TLB_SIZE);
  readonly tlbXTag = new Float64Array(TLB_SIZE).fill(NaN);
  readonly tlbXBase = new Int32Array(TLB_SIZE);

  /**
   * The decoded-op array of the page the pc is in, and that page's virtual page number (low 20
   * bits of lo >>> 12, and hi): consecutive fetches from one page skip the TLB and the code cache.
   * Dropped on every TLB flush and when the page's code is invalidated.
   */
  fetchOps: (Op | undefined)[] | null = null;
  private fetchVpn = 0;
  private fetchVpnHi = 0;

  readonly ram: Ram;
  private readonly ramI32: Int32Array;
  private readonly ramU16: Uint16Array;
  private readonly ramU8: Uint8Array;

  constructor(readonly hartId: number, readonly mem: MemorySystem, readonly code: CodeCache, extensions = 'acimsu') {
    this.ram = mem.ram;
    this.ramI32 = mem.ram.i32;
    this.ramU16 = mem.ram.u16;
    this.ramU8 = mem.ram.u8;
    this.csr = new CsrFile(this, extensions);
    code.attach(this);
  }

  reset(pcLo: number, pcHi = 0): void {
    this.x.fill(0);
    this.f.fill(0);
    this.pcLo = pcLo | 0;
    this.pcHi = pcHi | 0;
    this.priv = Priv.M;
    this.virt = false;
    this.exc = -1;
    this.wfi = false;
    this.csr.reset();
    this.flushTlb();
  }

  // ---------------------------------------------------------------- traps

  /** Records an exception for the current instruction; the loop takes it. */
  raise(cause: number, tvalLo = 0, tvalHi = 0): void {
    this.exc = cause;
    this.tvalLo = tvalLo;
    this.tvalHi = tvalHi;
  }

  /** Illegal-instruction exception with the instruction bits as tval (as QEMU reports them). */
  illegal(op: Op): void {
    this.raise(CAUSE.ILLEGAL_INSTRUCTION, op.raw, 0);
  }

  // ---------------------------------------------------------------- TLB

  flushTlb(): void {
    this.fetchOps = null;
    this.tlbRTag.fill(NaN);
    this.tlbWTag.fill(NaN);
    this.tlbXTag.fill(NaN);
  }

  /** Drops write-TLB entries that point into RAM page `ramPage` (it now holds decoded code). */
  dropWritable(ramPage: number): void {
    const base = ramPage * 4096;
    for (let i = 0; i < TLB_SIZE; i++) if (this.tlbWBase[i] === base) this.tlbWTag[i] = NaN;
  }

  /**
   * Privilege used for loads and stores: mstatus.MPRV makes M-mode data accesses use MPP
   * (machine.adoc, "Memory Privilege in mstatus Register").
   */
  dataPriv(): Priv {
    const ms = this.csr.mstatusLo;
    return this.priv === Priv.M && (ms & MSTATUS_MPRV) !== 0 ? ((ms & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT) as Priv : this.priv;
  }

  /**
   * Translates a virtual address for one access and checks PMP and PMA. Returns the physical
   * address, or -1 with the exception raised. Fills the matching TLB when the whole page may be
   * cached (RAM, PMP uniform over the page, and for stores: not a page of decoded code).
   */
  translate(vlo: number, vhi: number, access: Access): number {
    const priv = access === Access.Fetch ? this.priv : this.dataPriv();
    const ms = this.csr.mstatusLo;
    const r = this.mem.translate(this, vlo, vhi, access, priv, (ms & MSTATUS_SUM) !== 0, (ms & MSTATUS_MXR) !== 0);
    if (r < 0) return -1;
    return r;
  }

  /** Fills the TLB for `access` at virtual page of (vlo, vhi) mapping to RAM offset of physical page `ppage`. */
  fillTlb(vlo: number, vhi: number, access: Access, ramBase: number): void {
    const idx = (vlo >>> 12) & TLB_MASK;
    const key = vhi * PAGE_KEY_HI + (vlo >>> 12);
    if (access === Access.Load) { this.tlbRTag[idx] = key; this.tlbRBase[idx] = ramBase; }
    else if (access === Access.Store) {
      if (this.code.hasPage(ramBase >>> 12)) return;
      this.tlbWTag[idx] = key; this.tlbWBase[idx] = ramBase;
    } else { this.tlbXTag[idx] = key; this.tlbXBase[idx] = ramBase; }
  }

  // ---------------------------------------------------------------- loads and stores
  // Fast path: TLB hit on a RAM page and a naturally aligned access. Everything else goes to
  // the slow path, which translates, handles MMIO and misaligned accesses, and refills.

  load8(vlo: number, vhi: number): number {
    const idx = (vlo >>> 12) & TLB_MASK;
    if (this.tlbRTag[idx] === vhi * PAGE_KEY_HI + (vlo >>> 12)) return this.ramU8[this.tlbRBase[idx] + (vlo & 0xfff)];
    return this.loadSlow(vlo, vhi, 1);
  }

  load16(vlo: number, vhi: number): number {
    const idx = (vlo >>> 12) & TLB_MASK;
    if ((vlo & 1) === 0 && this.tlbRTag[idx] === vhi * PAGE_KEY_HI + (vlo >>> 12)) return this.ramU16[(this.tlbRBase[idx] + (vlo & 0xfff)) >>> 1];
    return this.loadSlow(vlo, vhi, 2);
  }

  load32(vlo: number, vhi: number): number {
    const idx = (vlo >>> 12) & TLB_MASK;
    if ((vlo & 3) === 0 && this.tlbRTag[idx] === vhi * PAGE_KEY_HI + (vlo >>> 12)) return this.ramI32[(this.tlbRBase[idx] + (vlo & 0xfff)) >>> 2];
    return this.loadSlow(vlo, vhi, 4);
  }

  /** 64-bit load: returns the low half, high half in `this.hi`. */
  load64(vlo: number, vhi: number): number {
    const idx = (vlo >>> 12) & TLB_MASK;
    if ((vlo & 7) === 0 && this.tlbRTag[idx] === vhi * PAGE_KEY_HI + (vlo >>> 12)) {
      const w = (this.tlbRBase[idx] + (vlo & 0xfff)) >>> 2;
      this.hi = this.ramI32[w + 1];
      return this.ramI32[w];
    }
    return this.loadSlow(vlo, vhi, 8);
  }

  store8(vlo: number, vhi: number, v: number): void {
    const idx = (vlo >>> 12) & TLB_MASK;
    if (this.tlbWTag[idx] === vhi * PAGE_KEY_HI + (vlo >>> 12)) { this.ramU8[this.tlbWBase[idx] + (vlo & 0xfff)] = v; return; }
    this.storeSlow(vlo, vhi, 1, v, 0);
  }

  store16(vlo: number, vhi: number, v: number): void {
    const idx = (vlo >>> 12) & TLB_MASK;
    if ((vlo & 1) === 0 && this.tlbWTag[idx] === vhi * PAGE_KEY_HI + (vlo >>> 12)) { this.ramU16[(this.tlbWBase[idx] + (vlo & 0xfff)) >>> 1] = v; return; }
    this.storeSlow(vlo, vhi, 2, v, 0);
  }

  store32(vlo: number, vhi: number, v: number): void {
    const idx = (vlo >>> 12) & TLB_MASK;
    if ((vlo & 3) === 0 && this.tlbWTag[idx] === vhi * PAGE_KEY_HI + (vlo >>> 12)) { this.ramI32[(this.tlbWBase[idx] + (vlo & 0xfff)) >>> 2] = v; return; }
    this.storeSlow(vlo, vhi, 4, v, 0);
  }

  store64(vlo: number, vhi: number, lo: number, hi: number): void {
    const idx = (vlo >>> 12) & TLB_MASK;
    if ((vlo & 7) === 0 && this.tlbWTag[idx] === vhi * PAGE_KEY_HI + (vlo >>> 12)) {
      const w = (this.tlbWBase[idx] + (vlo & 0xfff)) >>> 2;
      this.ramI32[w] = lo; this.ramI32[w + 1] = hi;
      return;
    }
    this.storeSlow(vlo, vhi, 8, lo, hi);
  }

  /**
   * Slow load: misaligned accesses are performed byte by byte (each byte translated, so a page
   * crossing faults on the right page), as QEMU does for ordinary loads; MMIO goes to the bus.
   */
  loadSlow(vlo: number, vhi: number, size: 1 | 2 | 4 | 8): number {
    if ((vlo & (size - 1)) !== 0 && size > 1) {
      let lo = 0, hi = 0;
      for (let i = 0; i < size; i++) {
        const alo = (vlo + i) | 0;
        const ahi = (vhi + ((((alo >>> 0) < (vlo >>> 0)) as unknown as number))) | 0;
        const b = this.loadSlow(alo, ahi, 1);
        if (this.exc >= 0) { this.tvalLo = vlo; this.tvalHi = vhi; return 0; }
        if (i < 4) lo |= b << (8 * i); else hi |= b << (8 * (i - 4));
      }
      this.hi = hi;
      return lo;
    }
    const pa = this.translate(vlo, vhi, Access.Load);
    if (pa < 0) return 0;
    const ram = this.ram;
    if (pa >= ram.base && pa + size <= ram.base + ram.size) {
      const off = pa - ram.base;
      if (this.mem.pageCacheable(this, pa, Access.Load)) this.fillTlb(vlo, vhi, Access.Load, off - (off & 0xfff));
      switch (size) {
        case 1: return this.ramU8[off];
        case 2: return this.ramU16[off >>> 1];
        case 4: return this.ramI32[off >>> 2];
        default: this.hi = this.ramI32[(off >>> 2) + 1]; return this.ramI32[off >>> 2];
      }
    }
    const v = this.mem.mmioRead(pa, size);
    if (!this.mem.mmioOk) { this.raise(CAUSE.LOAD_ACCESS, vlo, vhi); return 0; }
    this.hi = this.mem.mmioHi;
    this.loopBreak = true; // a device read may change interrupt state (UART RX, PLIC claim)
    return v;
  }

  storeSlow(vlo: number, vhi: number, size: 1 | 2 | 4 | 8, lo: number, hi: number): void {
    if ((vlo & (size - 1)) !== 0 && size > 1) {
      // Translate every byte first so a fault leaves memory unchanged.
      for (let i = 0; i < size; i++) {
        const alo = (vlo + i) | 0;
        const ahi = (vhi + ((((alo >>> 0) < (vlo >>> 0)) as unknown as number))) | 0;
        if (this.translate(alo, ahi, Access.Store) < 0) { this.tvalLo = vlo; this.tvalHi = vhi; return; }
      }
      for (let i = 0; i < size; i++) {
        const alo = (vlo + i) | 0;
        const ahi = (vhi + ((((alo >>> 0) < (vlo >>> 0)) as unknown as number))) | 0;
        const b = i < 4 ? (lo >>> (8 * i)) & 0xff : (hi >>> (8 * (i - 4))) & 0xff;
        this.storeSlow(alo, ahi, 1, b, 0);
        if (this.exc >= 0) { this.tvalLo = vlo; this.tvalHi = vhi; return; }
      }
      return;
    }
    const pa = this.translate(vlo, vhi, Access.Store);
    if (pa < 0) return;
    const ram = this.ram;
    if (pa >= ram.base && pa + size <= ram.base + ram.size) {
      const off = pa - ram.base;
      this.code.noteStore(off >>> 12);
      if (this.mem.pageCacheable(this, pa, Access.Store)) this.fillTlb(vlo, vhi, Access.Store, off - (off & 0xfff));
      switch (size) {
        case 1: this.ramU8[off] = lo; break;
        case 2: this.ramU16[off >>> 1] = lo; break;
        case 4: this.ramI32[off >>> 2] = lo; break;
        default: this.ramI32[off >>> 2] = lo; this.ramI32[(off >>> 2) + 1] = hi;
      }
      return;
    }
    if (!this.mem.mmioWrite(pa, size, lo, hi)) { this.raise(CAUSE.STORE_ACCESS, vlo, vhi); return; }
    this.loopBreak = true; // a device write may raise an interrupt or stop the machine
  }

  /**
   * Address of an atomic access (A extension): must be naturally aligned (else a misaligned
   * exception: load for LR, store/AMO otherwise) and in RAM (else an access fault). Returns the
   * RAM byte offset, or -1 with the exception raised. AMOs and SC translate as stores.
   */
  atomicAddr(vlo: number, vhi: number, size: 4 | 8, access: Access): number {
    const isLoad = access === Access.Load;
    if ((vlo & (size - 1)) !== 0) { this.raise(isLoad ? CAUSE.MISALIGNED_LOAD : CAUSE.MISALIGNED_STORE, vlo, vhi); return -1; }
    const pa = this.translate(vlo, vhi, access);
    if (pa < 0) return -1;
    if (!this.ram.contains(pa, size)) { this.raise(isLoad ? CAUSE.LOAD_ACCESS : CAUSE.STORE_ACCESS, vlo, vhi); return -1; }
    const off = pa - this.ram.base;
    if (!isLoad) this.code.noteStore(off >>> 12);
    return off;
  }

  // ---------------------------------------------------------------- fetch

  /**
   * Finds the decoded op at pc, decoding and caching it on first use. Returns undefined with the
   * exception raised when the fetch faults or the instruction is illegal.
   */
  fetch(): Op | undefined {
    const lo = this.pcLo, hi = this.pcHi;
    const idx = (lo >>> 12) & TLB_MASK;
    let base: number;
    if (this.tlbXTag[idx] === hi * PAGE_KEY_HI + (lo >>> 12)) base = this.tlbXBase[idx];
    else {
      const pa = this.translate(lo, hi, Access.Fetch);
      if (pa < 0) return undefined;
      const ram = this.ram;
      if (pa < ram.base || pa >= ram.base + ram.size) { this.raise(CAUSE.FETCH_ACCESS, lo, hi); return undefined; }
      const off = pa - ram.base;
      base = off - (off & 0xfff);
      if (this.mem.pageCacheable(this, pa, Access.Fetch)) this.fillTlb(lo, hi, Access.Fetch, base);
    }
    const op = this.code.opAt(this, base, lo);
    const ops = this.code.pageOps(base >>> 12);
    if (ops !== undefined) { this.fetchOps = ops; this.fetchVpn = lo >>> 12; this.fetchVpnHi = hi; }
    return op;
  }

  // ---------------------------------------------------------------- trap entry and return

  /**
   * Enters the trap handler for the pending exception `exc` (or interrupt `irq` when given).
   * machine.adoc "Machine Trap Delegation Registers" and "Machine Trap-Vector Base-Address
   * Register": delegated traps go to S-mode; vectored mode offsets interrupts by 4·cause.
   */
  enterTrap(cause: number, interrupt: boolean, tvalLo: number, tvalHi: number): void {
    const csr = this.csr;
    const fromPriv = this.priv;
    const delegated = interrupt
      ? (csr.mideleg & (1 << cause)) !== 0 && fromPriv <= Priv.S
      : fromPriv <= Priv.S && (csr.medeleg & (1 << cause)) !== 0;
    const causeHi = interrupt ? 1 << 31 : 0;
    const t = this.lastTrap;
    t.cause = cause; t.interrupt = interrupt; t.tvalLo = tvalLo; t.tvalHi = tvalHi;
    t.pcLo = this.pcLo; t.pcHi = this.pcHi; t.count++;
    let ms = csr.mstatusLo;
    let baseLo: number, baseHi: number;
    if (delegated) {
      csr.sepcLo = this.pcLo; csr.sepcHi = this.pcHi;
      csr.scauseLo = cause; csr.scauseHi = causeHi;
      csr.stvalLo = tvalLo; csr.stvalHi = tvalHi;
      ms = (ms & ~(MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SIE)) | ((ms & MSTATUS_SIE) ? MSTATUS_SPIE : 0) | (fromPriv === Priv.S ? MSTATUS_SPP : 0);
      this.priv = Priv.S;
      t.target = Priv.S;
      baseLo = csr.stvecLo; baseHi = csr.stvecHi;
    } else {
      csr.mepcLo = this.pcLo; csr.mepcHi = this.pcHi;
      csr.mcauseLo = cause; csr.mcauseHi = causeHi;
      csr.mtvalLo = tvalLo; csr.mtvalHi = tvalHi;
      ms = (ms & ~(MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MIE)) | ((ms & MSTATUS_MIE) ? MSTATUS_MPIE : 0) | (fromPriv << MSTATUS_MPP_SHIFT);
      this.priv = Priv.M;
      t.target = Priv.M;
      baseLo = csr.mtvecLo; baseHi = csr.mtvecHi;
    }
    csr.mstatusLo = ms;
    const vectored = (baseLo & 3) === 1 && interrupt;
    const target = ((baseLo & ~3) >>> 0) + (vectored ? 4 * cause : 0);
    this.pcLo = target | 0;
    this.pcHi = (baseHi + (target >= 4294967296 ? 1 : 0)) | 0;
    this.flushTlb();
    this.wfi = false;
  }

  /** MRET (machine.adoc "Trap-Return Instructions"). */
  mret(): void {
    const csr = this.csr;
    let ms = csr.mstatusLo;
    const mpp = ((ms & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT) as Priv;
    ms = (ms & ~(MSTATUS_MIE | MSTATUS_MPP)) | ((ms & MSTATUS_MPIE) ? MSTATUS_MIE : 0) | MSTATUS_MPIE;
    if (mpp !== Priv.M) ms &= ~MSTATUS_MPRV;
    csr.mstatusLo = ms;
    this.priv = mpp;
    this.npcLo = csr.mepcLo; this.npcHi = csr.mepcHi;
    this.flushTlb();
    this.loopBreak = true;
  }

  /** SRET (supervisor.adoc "Supervisor Status Register"; TSR checked by the caller). */
  sret(): void {
    const csr = this.csr;
    let ms = csr.mstatusLo;
    const spp = (ms & MSTATUS_SPP) ? Priv.S : Priv.U;
    ms = (ms & ~(MSTATUS_SIE | MSTATUS_SPP | MSTATUS_MPRV)) | ((ms & MSTATUS_SPIE) ? MSTATUS_SIE : 0) | MSTATUS_SPIE;
    csr.mstatusLo = ms;
    this.priv = spp;
    this.npcLo = csr.sepcLo; this.npcHi = csr.sepcHi;
    this.flushTlb();
    this.loopBreak = true;
  }

  // ---------------------------------------------------------------- the interpreter loop

  /**
   * Runs up to `budget` instructions (attempts: a trapping instruction counts too, so a guest
   * stuck in a trap loop still returns). Interrupts are checked on entry and whenever an
   * instruction set `loopBreak` (CSR writes, xRET, MMIO), not per instruction.
   */
  run(budget: number): StopReason {
    const x = this.x;
    let steps = 0;
    if (this.wfi) {
      if (!this.csr.wakeable()) return StopReason.Wfi;
      this.wfi = false;
    }
    while (steps < budget) {
      this.loopBreak = false;
      const irq = this.csr.pendingInterrupt();
      if (irq >= 0) this.enterTrap(irq, true, 0, 0);
      // Inner loop: no interrupt can become pending until an instruction sets loopBreak.
      const retiredBefore = this.retired;
      while (steps < budget) {
        steps++;
        const lo = this.pcLo;
        const ops = this.fetchOps;
        let op = ops !== null && (lo >>> 12) === this.fetchVpn && this.pcHi === this.fetchVpnHi ? ops[(lo & 0xfff) >>> 1] : undefined;
        if (op === undefined) {
          op = this.fetch();
          if (op === undefined) { this.trapFromExc(); break; }
        }
        const nlo = (lo + op.len) | 0;
        this.npcLo = nlo;
        this.npcHi = (this.pcHi + ((((nlo >>> 0) < (lo >>> 0)) as unknown as number))) | 0;
        op.exec(this, op);
        x[0] = 0; x[1] = 0;
        if (this.exc >= 0) { this.trapFromExc(); break; }
        this.pcLo = this.npcLo;
        this.pcHi = this.npcHi;
        this.retired++; // counted per instruction: CSR reads of minstret/time must see it exactly
        if (this.loopBreak) break;
      }
      if (this.retired !== retiredBefore) this.trapsWithoutProgress = 0;
      if (this.wfi) return StopReason.Wfi;
      if (this.breakRequested) { this.breakRequested = false; return StopReason.Break; }
    }
    return StopReason.Budget;
  }

  /** Set by the machine (a device powered off, a debugger pause) to leave `run` early. */
  breakRequested = false;

  private trapFromExc(): void {
    const cause = this.exc;
    this.exc = -1;
    this.trapsWithoutProgress++;
    this.enterTrap(cause, false, this.tvalLo, this.tvalHi);
  }
}
