// One RISC-V hart: architectural state, memory access through a software TLB, traps and
// interrupts, and the interpreter loop. Instruction semantics live in ./semantics and are looked
// up through the one instruction table (isa/encodings.ts).
//
// Representation (ARCHITECTURE.md §6, measured in the closing note): x registers are int32 halves
// in one Int32Array (x[2r] = low, x[2r+1] = high); the pc is a pair of int32 fields. Physical
// addresses are plain numbers. Guest traps are values: an instruction that faults records the cause
// in `exc` and returns; the loop then enters the trap handler. `throw` means an emulator bug.

import { Ram } from '../../devices/ram';
import { CAUSE, Priv, MSTATUS_MIE, MSTATUS_SIE, MSTATUS_MPIE, MSTATUS_SPIE, MSTATUS_SPP, MSTATUS_MPRV, MSTATUS_MPP, MSTATUS_MPP_SHIFT,
  MSTATUSH_MPV, MSTATUSH_GVA, HSTATUS_SPV, HSTATUS_SPVP, HSTATUS_GVA } from './csrs';
import type { Op } from './op';
import type { CodeCache } from './codeCache';
import { CsrFile } from './csrFile';
import { Access, type MemorySystem } from './memory';
import { WatchSet, vaKey, type DebugStop, type Watchpoint } from './debugHooks';
import { TlbSet, TLB_MASK, TLB_CONTEXTS, TlbContext, PAGE_KEY_HI } from './tlb';

export const EV_JUMP = 1;
export const EV_EXC = 2;
export const EV_BREAK = 4;

/** `fetchOps` of a page that must be fetched through translation every time (no op is ever cached in it). */
const UNCACHED_PAGE: (Op | undefined)[] = new Array<Op | undefined>(2048);

/**
 * An inner loop with the contract of `Hart.interpret`: run from `steps` while steps < budget,
 * stop after an instruction that raised EV_BREAK or an exception (entering its trap with
 * `trapFromExc`) or at a breakpoint, and return the new step count with the pc in pcLo/pcHi.
 */
export interface ExecutionEngine {
  runInner(h: Hart, steps: number, budget: number): number;
}

/** Why `run` returned. */
export const enum StopReason { Budget = 0, Wfi = 1, Break = 2, VmExit = 3, Debug = 4 }

export class Hart {
  /** Integer registers as int32 halves; slots 64/65 absorb writes to x0 (see Op.rd). */
  readonly x = new Int32Array(66);
  /** Floating-point registers as raw 64-bit patterns (int32 halves), NaN-boxing kept bit-exact. */
  readonly f = new Int32Array(64);
  pcLo = 0;
  pcHi = 0;
  /**
   * What the current instruction did besides the ordinary: EV_JUMP (it set the pc), EV_EXC (it
   * raised `exc`), EV_BREAK (the loop must look at interrupts, WFI or a device). One field, so
   * the loop tests a single value per instruction.
   */
  event = 0;
  priv: Priv = Priv.M;
  /** Virtualization mode V (H extension); always false until the H extension lands. */
  virt = false;

  /** Pending exception of the current instruction (a cause number), or -1. */
  exc = -1;
  tvalLo = 0;
  tvalHi = 0;
  /** For the pending exception: tval holds a guest virtual address (hstatus/mstatus GVA). */
  gva = false;
  /** For a guest-page fault: the GPA >> 2 for htval/mtval2, and the htinst/mtinst value. */
  tval2Lo = 0;
  tval2Hi = 0;
  tinst = 0;

  /**
   * The embedded hypervisor plays HS-mode in TypeScript: with this set, a trap from V=1 into
   * HS-mode ends `run` with StopReason.VmExit once the trap entry is done (hypervisor.adoc).
   */
  interceptHs = false;
  private vmExit = false;
  /**
   * Another execution engine (the translator, jit/) that runs the inner loop in place of
   * `interpret`; null: interpret. `run` keeps the interrupt checks and stop reasons either way.
   */
  engine: ExecutionEngine | null = null;
  /** A stopped vCPU (SBI HSM) or a hart held in reset: the machine does not run it. */
  parked = false;
  /** Instructions attempted by the last `run` call. */
  lastSteps = 0;

  // ---- debugger hooks (debugHooks.ts); all null when no debugger asks, so they cost nothing.
  /** Instruction breakpoints by vaKey(pc); checked before an instruction executes. */
  breakpoints: Set<number> | null = null;
  /** The breakpoint to step over once when resuming from it. */
  resumeKey = NaN;
  /** Stops the run right after entering a trap when it returns true. */
  trapFilter: ((h: Hart, cause: number, interrupt: boolean) => boolean) | null = null;
  /** Data watchpoints, or null. */
  watch: WatchSet | null = null;
  /** Why the last run returned StopReason.Debug. */
  debugStop: DebugStop | undefined;

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
  lastTrap = { cause: -1, interrupt: false, tvalLo: 0, tvalHi: 0, pcLo: 0, pcHi: 0, target: Priv.M as Priv, fromVirt: false, toVirt: false, count: 0 };
  /** Consecutive traps without a retired instruction in between (detects a guest stuck in a trap loop). */
  trapsWithoutProgress = 0;

  // Software TLBs, one per access kind. Tag = page key of the virtual address, or NaN (empty).
  // base = byte offset of the page in RAM. Only RAM pages are cached; MMIO always takes the slow path.
  // The arrays of the current context's set (tlb.ts): loads/stores use the data context, which
  // MPRV can make differ from the fetch context.
  readonly tlbSets: TlbSet[] = Array.from({ length: TLB_CONTEXTS }, () => new TlbSet());
  private dataSet: TlbSet = this.tlbSets[TlbContext.M];
  private fetchSet: TlbSet = this.tlbSets[TlbContext.M];
  tlbRTag = this.dataSet.rTag;
  tlbRBase = this.dataSet.rBase;
  tlbWTag = this.dataSet.wTag;
  tlbWBase = this.dataSet.wBase;
  tlbXTag = this.fetchSet.xTag;
  tlbXBase = this.fetchSet.xBase;

  /**
   * The decoded-op array of the page the pc is in: consecutive fetches from one page skip the TLB
   * and the code cache. Dropped on every TLB flush and when the page's code is invalidated.
   */
  fetchOps: (Op | undefined)[] | null = null;

  readonly ram: Ram;
  private readonly ramI32: Int32Array;
  private readonly ramU16: Uint16Array;
  private readonly ramU8: Uint8Array;

  constructor(readonly hartId: number, readonly mem: MemorySystem, readonly code: CodeCache, extensions = 'acdfhimsu') {
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
    this.event |= EV_EXC;
    this.tvalLo = tvalLo;
    this.tvalHi = tvalHi;
    this.gva = false;
    this.tval2Lo = 0;
    this.tval2Hi = 0;
    this.tinst = 0;
  }

  /** Illegal-instruction exception with the instruction bits as tval (as QEMU reports them). */
  illegal(op: Op): void {
    this.raise(CAUSE.ILLEGAL_INSTRUCTION, op.raw, 0);
  }

  /** Virtual-instruction exception (H): tval as for an illegal instruction. */
  virtualInstruction(op: Op): void {
    this.raise(CAUSE.VIRTUAL_INSTRUCTION, op.raw, 0);
  }

  // ---------------------------------------------------------------- TLB

  /**
   * Flushes every context (PMP changes, watchpoints, reset) and re-selects the current one, so
   * code that set priv/virt directly (a debugger, a test) gets a consistent TLB.
   */
  flushTlb(): void {
    for (const set of this.tlbSets) set.flush();
    this.selectTlb();
  }

  /**
   * Flushes the contexts one translation regime feeds: V=0 S/U (satp, SFENCE.VMA in HS) or V=1
   * VS/VU (vsatp, hgatp, HFENCE, SFENCE.VMA in VS). With an address (lo, hi), only that page's
   * entries and superpage-derived ones.
   */
  flushTlbRegime(virt: boolean, lo?: number, hi?: number): void {
    const a = this.tlbSets[virt ? TlbContext.VS : TlbContext.S], b = this.tlbSets[virt ? TlbContext.VU : TlbContext.U];
    if (lo === undefined) { a.flush(); b.flush(); }
    else { const key = (hi ?? 0) * PAGE_KEY_HI + (lo >>> 12); a.flushPage(key); b.flushPage(key); }
    this.translationChanged();
  }

  /** The V=1 entries of one guest virtual page (the hypervisor's HFENCE.VVMA with an address). */
  flushGuestPage(lo: number, hi: number): void {
    this.flushTlbRegime(true, lo, hi);
  }

  /** SUM or MXR went from 1 to 0 in mstatus (HS) or vsstatus (VS): drop what they allowed. */
  narrowPermissions(virt: boolean, sum: boolean, mxr: boolean): void {
    const set = this.tlbSets[virt ? TlbContext.VS : TlbContext.S];
    if (sum) set.dropFilled(set.sumFilled);
    if (mxr) { set.dropFilled(set.mxrFilled); this.tlbSets[virt ? TlbContext.VU : TlbContext.U].flush(); }
    this.translationChanged();
  }

  /** The loop may be walking a page's ops under an old translation: make it look again. */
  private translationChanged(): void {
    this.fetchOps = null;
    this.event |= EV_BREAK;
  }

  /**
   * Points the TLB arrays at the sets of the current context (after a privilege, V, MPRV or MPP
   * change): fetches use (priv, V); loads and stores use (MPP, MPV) when MPRV is set in M-mode.
   */
  selectTlb(): void {
    const ctx = (priv: Priv, virt: boolean): TlbContext =>
      priv === Priv.M ? TlbContext.M : virt ? (priv === Priv.S ? TlbContext.VS : TlbContext.VU) : (priv === Priv.S ? TlbContext.S : TlbContext.U);
    const fetch = this.tlbSets[ctx(this.priv, this.virt)];
    let data = fetch;
    const ms = this.csr.mstatusLo;
    if (this.priv === Priv.M && (ms & MSTATUS_MPRV) !== 0) {
      const mpp = ((ms & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT) as Priv;
      data = this.tlbSets[ctx(mpp, mpp !== Priv.M && (this.csr.mstatusHi & MSTATUSH_MPV) !== 0)];
    }
    this.fetchSet = fetch; this.dataSet = data;
    this.tlbRTag = data.rTag; this.tlbRBase = data.rBase; this.tlbWTag = data.wTag; this.tlbWBase = data.wBase;
    this.tlbXTag = fetch.xTag; this.tlbXBase = fetch.xBase;
    this.translationChanged();
  }

  /** Drops write-TLB entries that point into RAM page `ramPage` (it now holds decoded code). */
  dropWritable(ramPage: number): void {
    const base = ramPage * 4096;
    for (const set of this.tlbSets) set.dropWritable(base);
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
  translate(vlo: number, vhi: number, access: Access, size = 1): number {
    let priv = this.priv, virt = this.virt;
    // MPRV: M-mode loads and stores act as though in mode MPP with V = MPV (hypervisor.adoc, MPRV table).
    if (access !== Access.Fetch && priv === Priv.M && (this.csr.mstatusLo & MSTATUS_MPRV) !== 0) {
      priv = ((this.csr.mstatusLo & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT) as Priv;
      virt = priv !== Priv.M && (this.csr.mstatusHi & MSTATUSH_MPV) !== 0;
    }
    return this.mem.translate(this, vlo, vhi, access, priv, virt, size);
  }

  /** Installs data watchpoints; their pages stay out of the TLB so every access is checked. */
  setWatchpoints(list: readonly Watchpoint[]): void {
    this.watch = list.length ? new WatchSet(list, this.ram.base) : null;
    this.flushTlb();
  }

  /** Slow-path check of one access against the watchpoints; a hit ends the run after this instruction. */
  private checkWatch(vlo: number, vhi: number, pa: number, size: number, write: boolean): void {
    const va = vaKey(vlo, vhi);
    const w = this.watch!.match(va, pa, size, write);
    if (w === undefined || this.debugStop !== undefined) return;
    this.debugStop = { kind: 'watchpoint', id: w.id, write, vaKey: va, pa, size };
    this.event |= EV_BREAK;
  }

  /** Fills the TLB for `access` at virtual page of (vlo, vhi) mapping to RAM offset of physical page `ppage`. */
  fillTlb(vlo: number, vhi: number, access: Access, ramBase: number): void {
    const idx = (vlo >>> 12) & TLB_MASK;
    const key = vhi * PAGE_KEY_HI + (vlo >>> 12);
    if (this.watch !== null && access !== Access.Fetch && (this.watch.virtPages.has(key) || this.watch.physPages.has(ramBase >>> 12))) return;
    const set = access === Access.Fetch ? this.fetchSet : this.dataSet;
    const leaf = this.mem.lastLeaf;
    const span = leaf >= 0 ? this.mem.lastSpan : 0;
    if (leaf >= 0) {
      // Entries only SUM or MXR allowed are remembered, so clearing the bit drops just those.
      if (access !== Access.Fetch) {
        if ((leaf & 0x10) !== 0 && set !== this.tlbSets[TlbContext.U] && set !== this.tlbSets[TlbContext.VU]) set.remember(set.sumFilled, idx);
        if ((leaf & 0x02) === 0) set.remember(set.mxrFilled, idx);
      }
    }
    if (span !== 0) set.noteSpan(idx, key, span);
    if (access === Access.Load) { this.tlbRTag[idx] = key; this.tlbRBase[idx] = ramBase; set.rSpan[idx] = span; }
    else if (access === Access.Store) {
      if (this.code.hasPage(ramBase >>> 12)) return;
      this.tlbWTag[idx] = key; this.tlbWBase[idx] = ramBase; set.wSpan[idx] = span;
    } else { this.tlbXTag[idx] = key; this.tlbXBase[idx] = ramBase; set.xSpan[idx] = span; }
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
   * RAM offset of a misaligned access that stays within one page: from the TLB, or one
   * translation (then the TLB is filled). -2 when it faulted, -1 when it is not RAM (MMIO: the
   * caller splits it into bytes).
   */
  private misalignedRamOffset(vlo: number, vhi: number, size: number, access: Access): number {
    const idx = (vlo >>> 12) & TLB_MASK, key = vhi * PAGE_KEY_HI + (vlo >>> 12);
    const store = access === Access.Store;
    if (store ? this.tlbWTag[idx] === key : this.tlbRTag[idx] === key) return (store ? this.tlbWBase[idx] : this.tlbRBase[idx]) + (vlo & 0xfff);
    const pa = this.translate(vlo, vhi, access, size);
    if (pa < 0) return -2;
    if (!this.ram.contains(pa, size)) return -1;
    if (this.watch !== null) this.checkWatch(vlo, vhi, pa, size, store);
    const off = pa - this.ram.base;
    if (store) this.code.noteStore(off >>> 12);
    if (this.mem.pageCacheable(this, pa, access)) this.fillTlb(vlo, vhi, access, off - (off & 0xfff));
    return off;
  }

  private ramReadUnaligned(off: number, size: 2 | 4 | 8): number {
    const v = this.ram.view;
    if (size === 2) return v.getUint16(off, true);
    if (size === 4) return v.getInt32(off, true);
    this.hi = v.getInt32(off + 4, true);
    return v.getInt32(off, true);
  }

  private ramWriteUnaligned(off: number, size: 2 | 4 | 8, lo: number, hi: number): void {
    const v = this.ram.view;
    if (size === 2) v.setUint16(off, lo & 0xffff, true);
    else if (size === 4) v.setInt32(off, lo, true);
    else { v.setInt32(off, lo, true); v.setInt32(off + 4, hi, true); }
  }

  /** RAM read at byte offset `off` (aligned to `size`); 8 bytes leave the high half in `hi`. */
  private ramRead(off: number, size: 1 | 2 | 4 | 8): number {
    switch (size) {
      case 1: return this.ramU8[off];
      case 2: return this.ramU16[off >>> 1];
      case 4: return this.ramI32[off >>> 2];
      default: this.hi = this.ramI32[(off >>> 2) + 1]; return this.ramI32[off >>> 2];
    }
  }

  private ramWrite(off: number, size: 1 | 2 | 4 | 8, lo: number, hi: number): void {
    switch (size) {
      case 1: this.ramU8[off] = lo; break;
      case 2: this.ramU16[off >>> 1] = lo; break;
      case 4: this.ramI32[off >>> 2] = lo; break;
      default: this.ramI32[off >>> 2] = lo; this.ramI32[(off >>> 2) + 1] = hi;
    }
  }

  /**
   * Slow load: misaligned accesses are performed byte by byte (each byte translated, so a page
   * crossing faults on the right page), as QEMU does for ordinary loads; MMIO goes to the bus.
   */
  loadSlow(vlo: number, vhi: number, size: 1 | 2 | 4 | 8): number {
    if ((vlo & (size - 1)) !== 0 && size > 1) {
      // Within one page: one translation (or the TLB entry) and an unaligned RAM read.
      if ((vlo & 0xfff) + size <= 4096) {
        const off = this.misalignedRamOffset(vlo, vhi, size, Access.Load);
        if (off === -2) return 0; // faulted
        if (off >= 0) return this.ramReadUnaligned(off, size as 2 | 4 | 8);
      }
      let lo = 0, hi = 0;
      for (let i = 0; i < size; i++) {
        const alo = (vlo + i) | 0;
        const ahi = (vhi + ((((alo >>> 0) < (vlo >>> 0)) as unknown as number))) | 0;
        const b = this.loadSlow(alo, ahi, 1);
        // tval stays the address of the byte that faulted: "the virtual address of the portion
        // of the access that caused the fault" (machine.adoc, "Machine Trap Value Register").
        if (this.exc >= 0) return 0;
        if (i < 4) lo |= b << (8 * i); else hi |= b << (8 * (i - 4));
      }
      this.hi = hi;
      return lo;
    }
    const pa = this.translate(vlo, vhi, Access.Load, size);
    if (pa < 0) return 0;
    if (this.watch !== null) this.checkWatch(vlo, vhi, pa, size, false);
    const ram = this.ram;
    if (pa >= ram.base && pa + size <= ram.base + ram.size) {
      const off = pa - ram.base;
      if (this.mem.pageCacheable(this, pa, Access.Load)) this.fillTlb(vlo, vhi, Access.Load, off - (off & 0xfff));
      return this.ramRead(off, size);
    }
    const v = this.mem.mmioRead(pa, size);
    if (!this.mem.mmioOk) { this.raise(CAUSE.LOAD_ACCESS, vlo, vhi); return 0; }
    this.hi = this.mem.mmioHi;
    this.event |= EV_BREAK; // a device read may change interrupt state (UART RX, PLIC claim)
    return v;
  }

  storeSlow(vlo: number, vhi: number, size: 1 | 2 | 4 | 8, lo: number, hi: number): void {
    if ((vlo & (size - 1)) !== 0 && size > 1) {
      if ((vlo & 0xfff) + size <= 4096) {
        const off = this.misalignedRamOffset(vlo, vhi, size, Access.Store);
        if (off === -2) return;
        if (off >= 0) { this.ramWriteUnaligned(off, size as 2 | 4 | 8, lo, hi); return; }
      }
      // Across a page (or MMIO): translate every byte first so a fault leaves memory unchanged.
      for (let i = 0; i < size; i++) {
        const alo = (vlo + i) | 0;
        const ahi = (vhi + ((((alo >>> 0) < (vlo >>> 0)) as unknown as number))) | 0;
        if (this.translate(alo, ahi, Access.Store) < 0) return; // tval: the faulting portion, as for loads
      }
      for (let i = 0; i < size; i++) {
        const alo = (vlo + i) | 0;
        const ahi = (vhi + ((((alo >>> 0) < (vlo >>> 0)) as unknown as number))) | 0;
        const b = i < 4 ? (lo >>> (8 * i)) & 0xff : (hi >>> (8 * (i - 4))) & 0xff;
        this.storeSlow(alo, ahi, 1, b, 0);
        if (this.exc >= 0) return;
      }
      return;
    }
    const pa = this.translate(vlo, vhi, Access.Store, size);
    if (pa < 0) return;
    if (this.watch !== null) this.checkWatch(vlo, vhi, pa, size, true);
    const ram = this.ram;
    if (pa >= ram.base && pa + size <= ram.base + ram.size) {
      const off = pa - ram.base;
      this.code.noteStore(off >>> 12);
      if (this.mem.pageCacheable(this, pa, Access.Store)) this.fillTlb(vlo, vhi, Access.Store, off - (off & 0xfff));
      this.ramWrite(off, size, lo, hi);
      return;
    }
    if (!this.mem.mmioWrite(pa, size, lo, hi)) { this.raise(CAUSE.STORE_ACCESS, vlo, vhi); return; }
    this.event |= EV_BREAK; // a device write may raise an interrupt or stop the machine
  }

  /**
   * Address of an atomic access (A extension): must be naturally aligned (else a misaligned
   * exception: load for LR, store/AMO otherwise) and in RAM (else an access fault). Returns the
   * RAM byte offset, or -1 with the exception raised. AMOs and SC translate as stores.
   */
  atomicAddr(vlo: number, vhi: number, size: 4 | 8, access: Access): number {
    const isLoad = access === Access.Load;
    if ((vlo & (size - 1)) !== 0) { this.raise(isLoad ? CAUSE.MISALIGNED_LOAD : CAUSE.MISALIGNED_STORE, vlo, vhi); return -1; }
    // TLB hit (a write entry for AMO/SC: writable, dirty, not code; a read entry for LR).
    const idx = (vlo >>> 12) & TLB_MASK, key = vhi * PAGE_KEY_HI + (vlo >>> 12);
    if (isLoad ? this.tlbRTag[idx] === key : this.tlbWTag[idx] === key) return (isLoad ? this.tlbRBase[idx] : this.tlbWBase[idx]) + (vlo & 0xfff);
    const pa = this.translate(vlo, vhi, access, size);
    if (pa < 0) return -1;
    if (!this.ram.contains(pa, size)) { this.raise(isLoad ? CAUSE.LOAD_ACCESS : CAUSE.STORE_ACCESS, vlo, vhi); return -1; }
    const off = pa - this.ram.base;
    if (!isLoad) this.code.noteStore(off >>> 12);
    if (this.watch !== null) { this.checkWatch(vlo, vhi, pa, size, false); if (!isLoad) this.checkWatch(vlo, vhi, pa, size, true); }
    if (this.mem.pageCacheable(this, pa, access)) this.fillTlb(vlo, vhi, access, off - (off & 0xfff));
    return off;
  }

  /**
   * HLV/HLVX/HSV accesses (hypervisor.adoc "Hypervisor Virtual-Machine Load and Store
   * Instructions"): translated as though V=1 at privilege hstatus.SPVP, whatever MPRV says; HLVX
   * needs execute permission. No TLB: each access walks (these are rare and hypervisor-only).
   */
  hyperLoad(vlo: number, vhi: number, size: 1 | 2 | 4 | 8, hlvx: boolean): number {
    if ((vlo & (size - 1)) !== 0) {
      let lo = 0, hi = 0;
      for (let i = 0; i < size; i++) {
        const alo = (vlo + i) | 0, ahi = (vhi + ((((alo >>> 0) < (vlo >>> 0)) as unknown as number))) | 0;
        const b = this.hyperLoad(alo, ahi, 1, hlvx);
        if (this.exc >= 0) return 0;
        if (i < 4) lo |= b << (8 * i); else hi |= b << (8 * (i - 4));
      }
      this.hi = hi;
      return lo;
    }
    const priv = (this.csr.hstatusLo & HSTATUS_SPVP) ? Priv.S : Priv.U;
    const pa = this.mem.translate(this, vlo, vhi, Access.Load, priv, true, size, hlvx);
    if (pa < 0) return 0;
    const ram = this.ram;
    if (ram.contains(pa, size)) {
      const off = pa - ram.base;
      return this.ramRead(off, size);
    }
    const v = this.mem.mmioRead(pa, size);
    if (!this.mem.mmioOk) { this.raise(CAUSE.LOAD_ACCESS, vlo, vhi); this.gva = true; return 0; }
    this.hi = this.mem.mmioHi;
    this.event |= EV_BREAK;
    return v;
  }

  hyperStore(vlo: number, vhi: number, size: 1 | 2 | 4 | 8, lo: number, hi: number): void {
    const priv = (this.csr.hstatusLo & HSTATUS_SPVP) ? Priv.S : Priv.U;
    if ((vlo & (size - 1)) !== 0) {
      for (let i = 0; i < size; i++) {
        const alo = (vlo + i) | 0, ahi = (vhi + ((((alo >>> 0) < (vlo >>> 0)) as unknown as number))) | 0;
        if (this.mem.translate(this, alo, ahi, Access.Store, priv, true) < 0) return;
      }
      for (let i = 0; i < size; i++) {
        const alo = (vlo + i) | 0, ahi = (vhi + ((((alo >>> 0) < (vlo >>> 0)) as unknown as number))) | 0;
        this.hyperStore(alo, ahi, 1, i < 4 ? lo >>> (8 * i) : hi >>> (8 * (i - 4)), 0);
        if (this.exc >= 0) return;
      }
      return;
    }
    const pa = this.mem.translate(this, vlo, vhi, Access.Store, priv, true, size);
    if (pa < 0) return;
    const ram = this.ram;
    if (ram.contains(pa, size)) {
      const off = pa - ram.base;
      this.code.noteStore(off >>> 12);
      this.ramWrite(off, size, lo, hi);
      return;
    }
    if (!this.mem.mmioWrite(pa, size, lo, hi)) { this.raise(CAUSE.STORE_ACCESS, vlo, vhi); this.gva = true; return; }
    this.event |= EV_BREAK;
  }

  // ---------------------------------------------------------------- fetch

  /** RAM offset of the page the fetch TLB maps virtual address (lo, hi) to, or -1 on a miss. */
  fetchTlbPage(lo: number, hi: number): number {
    const idx = (lo >>> 12) & TLB_MASK;
    return this.tlbXTag[idx] === hi * PAGE_KEY_HI + (lo >>> 12) ? this.tlbXBase[idx] : -1;
  }

  /**
   * Finds the decoded op at pc, decoding and caching it on first use. Returns undefined with the
   * exception raised when the fetch faults or the instruction is illegal.
   */
  fetch(): Op | undefined {
    const lo = this.pcLo, hi = this.pcHi;
    let base = this.fetchTlbPage(lo, hi);
    let cached = true;
    if (base < 0) {
      const pa = this.translate(lo, hi, Access.Fetch);
      if (pa < 0) return undefined;
      const ram = this.ram;
      if (pa < ram.base || pa >= ram.base + ram.size) { this.raise(CAUSE.FETCH_ACCESS, lo, hi); return undefined; }
      const off = pa - ram.base;
      base = off - (off & 0xfff);
      cached = this.mem.pageCacheable(this, pa, Access.Fetch);
      if (cached) this.fillTlb(lo, hi, Access.Fetch, base);
    }
    const op = this.code.opAt(this, base, lo);
    const ops = this.code.pageOps(base >>> 12);
    // A page that PMP does not allow as a whole is fetched through `translate` every time: the
    // loop must not walk its ops unchecked, so it gets an array with no ops in it.
    if (ops !== undefined) this.fetchOps = cached ? ops : UNCACHED_PAGE;
    return op;
  }

  // ---------------------------------------------------------------- trap entry and return

  /**
   * Enters the trap handler (privileged spec "Machine Trap Delegation Registers"; with the H
   * extension, hypervisor.adoc "Trap Entry"): a trap goes to M unless medeleg/mideleg delegate it
   * to HS, and from V=1 further to VS when hedeleg/hideleg delegate it. Vectored mode offsets
   * interrupts by 4·cause. VS-level interrupts reach VS as their S-level codes (2→1, 6→5, 10→9).
   */
  enterTrap(cause: number, interrupt: boolean, tvalLo: number, tvalHi: number): void {
    const csr = this.csr;
    const fromPriv = this.priv, fromV = this.virt;
    const bit = 1 << cause;
    let target: Priv, toVs = false;
    if (interrupt) {
      if ((csr.mideleg & bit) === 0) target = Priv.M;
      else { target = Priv.S; toVs = (csr.hideleg & bit) !== 0; }
    } else if (fromPriv === Priv.M || (csr.medeleg & bit) === 0) target = Priv.M;
    else { target = Priv.S; toVs = fromV && (csr.hedeleg & bit) !== 0; }
    const causeHi = interrupt ? 1 << 31 : 0;
    const t = this.lastTrap;
    t.cause = cause; t.interrupt = interrupt; t.tvalLo = tvalLo; t.tvalHi = tvalHi;
    t.pcLo = this.pcLo; t.pcHi = this.pcHi; t.count++; t.target = target; t.fromVirt = fromV; t.toVirt = toVs;
    if (toVs) { this.enterVsTrap(cause, interrupt, tvalLo, tvalHi, fromPriv); return; }
    let baseLo: number, baseHi: number;
    if (target === Priv.S) {
      // Into HS-mode: hstatus.SPV/SPVP/GVA, htval, htinst (hypervisor.adoc "Trap Entry").
      csr.sepcLo = this.pcLo; csr.sepcHi = this.pcHi;
      csr.scauseLo = cause; csr.scauseHi = causeHi;
      csr.stvalLo = tvalLo; csr.stvalHi = tvalHi;
      const ms = csr.mstatusLo;
      csr.mstatusLo = (ms & ~(MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SIE)) | ((ms & MSTATUS_SIE) ? MSTATUS_SPIE : 0) | (fromPriv === Priv.S ? MSTATUS_SPP : 0);
      if (csr.hasH) {
        let hs = csr.hstatusLo & ~(HSTATUS_SPV | HSTATUS_GVA);
        if (fromV) hs = (hs & ~HSTATUS_SPVP) | HSTATUS_SPV | (fromPriv === Priv.S ? HSTATUS_SPVP : 0);
        if (this.gva && !interrupt) hs |= HSTATUS_GVA;
        csr.hstatusLo = hs;
        csr.htvalLo = interrupt ? 0 : this.tval2Lo; csr.htvalHi = interrupt ? 0 : this.tval2Hi;
        csr.htinstLo = interrupt ? 0 : this.tinst; csr.htinstHi = 0;
      }
      this.priv = Priv.S;
      this.virt = false;
      baseLo = csr.stvecLo; baseHi = csr.stvecHi;
      if (this.interceptHs && fromV) this.vmExit = true;
    } else {
      // Into M-mode: mstatus.MPV/GVA, mtval2, mtinst.
      csr.mepcLo = this.pcLo; csr.mepcHi = this.pcHi;
      csr.mcauseLo = cause; csr.mcauseHi = causeHi;
      csr.mtvalLo = tvalLo; csr.mtvalHi = tvalHi;
      const ms = csr.mstatusLo;
      csr.mstatusLo = (ms & ~(MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MIE)) | ((ms & MSTATUS_MIE) ? MSTATUS_MPIE : 0) | (fromPriv << MSTATUS_MPP_SHIFT);
      if (csr.hasH) {
        csr.mstatusHi = (csr.mstatusHi & ~(MSTATUSH_MPV | MSTATUSH_GVA)) | (fromV ? MSTATUSH_MPV : 0) | (this.gva && !interrupt ? MSTATUSH_GVA : 0);
        csr.mtval2Lo = interrupt ? 0 : this.tval2Lo; csr.mtval2Hi = interrupt ? 0 : this.tval2Hi;
        csr.mtinstLo = interrupt ? 0 : this.tinst; csr.mtinstHi = 0;
      }
      this.priv = Priv.M;
      this.virt = false;
      baseLo = csr.mtvecLo; baseHi = csr.mtvecHi;
    }
    this.jumpToVector(baseLo, baseHi, interrupt ? cause : -1);
  }

  /**
   * Trap entry into VS-mode (hypervisor.adoc "Trap Entry"): vsepc, vscause, vstval, vsstatus
   * SPP/SPIE/SIE; V stays 1; hstatus and the HS-level sstatus are untouched. VS-level interrupts
   * appear as their S-level codes (2→1, 6→5, 10→9).
   */
  private enterVsTrap(cause: number, interrupt: boolean, tvalLo: number, tvalHi: number, fromPriv: Priv): void {
    const csr = this.csr;
    const vcause = interrupt && (cause === 2 || cause === 6 || cause === 10) ? cause - 1 : cause;
    csr.vsepcLo = this.pcLo; csr.vsepcHi = this.pcHi;
    csr.vscauseLo = vcause; csr.vscauseHi = interrupt ? 1 << 31 : 0;
    csr.vstvalLo = tvalLo; csr.vstvalHi = tvalHi;
    const vs = csr.vsstatusLo;
    csr.vsstatusLo = (vs & ~(MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SIE)) | ((vs & MSTATUS_SIE) ? MSTATUS_SPIE : 0) | (fromPriv === Priv.S ? MSTATUS_SPP : 0);
    this.priv = Priv.S;
    this.virt = true;
    this.jumpToVector(csr.vstvecLo, csr.vstvecHi, interrupt ? vcause : -1);
  }

  /** pc ← trap vector base, + 4·cause for an interrupt in vectored mode (irq = -1: exception). */
  private jumpToVector(baseLo: number, baseHi: number, irq: number): void {
    const vectored = (baseLo & 3) === 1 && irq >= 0;
    const pc = ((baseLo & ~3) >>> 0) + (vectored ? 4 * irq : 0);
    this.pcLo = pc | 0;
    this.pcHi = (baseHi + (pc >= 4294967296 ? 1 : 0)) | 0;
    this.selectTlb();
    this.wfi = false;
  }

  /**
   * MRET (machine.adoc "Trap-Return Instructions"; hypervisor.adoc "Trap Return"): privilege from
   * MPP and V from MPV (ignored when MPP = M); MPV, MPP cleared; MPRV cleared below M.
   */
  mret(): void {
    const csr = this.csr;
    let ms = csr.mstatusLo;
    const mpp = ((ms & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT) as Priv;
    ms = (ms & ~(MSTATUS_MIE | MSTATUS_MPP)) | ((ms & MSTATUS_MPIE) ? MSTATUS_MIE : 0) | MSTATUS_MPIE;
    if (mpp !== Priv.M) ms &= ~MSTATUS_MPRV;
    csr.mstatusLo = ms;
    this.virt = mpp !== Priv.M && (csr.mstatusHi & MSTATUSH_MPV) !== 0;
    csr.mstatusHi &= ~MSTATUSH_MPV;
    this.priv = mpp;
    this.pcLo = csr.mepcLo; this.pcHi = csr.mepcHi;
    this.selectTlb();
    this.event |= EV_JUMP | EV_BREAK;
  }

  /**
   * SRET: from HS/M (V=0) privilege from SPP and V from hstatus.SPV; from VS (V=1) through
   * vsstatus and vsepc, staying in V=1 (hypervisor.adoc "Trap Return"). Permission checks
   * (TSR, VTSR) are the caller's.
   */
  sret(): void {
    const csr = this.csr;
    if (this.virt) {
      const vs = csr.vsstatusLo;
      this.priv = (vs & MSTATUS_SPP) ? Priv.S : Priv.U;
      csr.vsstatusLo = (vs & ~(MSTATUS_SIE | MSTATUS_SPP)) | ((vs & MSTATUS_SPIE) ? MSTATUS_SIE : 0) | MSTATUS_SPIE;
      this.pcLo = csr.vsepcLo; this.pcHi = csr.vsepcHi;
    } else {
      const ms = csr.mstatusLo;
      const spp = (ms & MSTATUS_SPP) ? Priv.S : Priv.U;
      csr.mstatusLo = (ms & ~(MSTATUS_SIE | MSTATUS_SPP | MSTATUS_MPRV)) | ((ms & MSTATUS_SPIE) ? MSTATUS_SIE : 0) | MSTATUS_SPIE;
      if (csr.hasH) {
        this.virt = (csr.hstatusLo & HSTATUS_SPV) !== 0;
        csr.hstatusLo &= ~HSTATUS_SPV;
      }
      this.priv = spp;
      this.pcLo = csr.sepcLo; this.pcHi = csr.sepcHi;
    }
    this.selectTlb();
    this.event |= EV_JUMP | EV_BREAK;
  }

  /**
   * For the embedded hypervisor, stopped in HS-mode after a VM exit: delivers a trap to the guest
   * as if hedeleg/hideleg had delegated it (vsepc ← sepc, vscause, vstval, vsstatus from the
   * guest's mode in SPP) and returns to the guest at vstvec (an SRET whose target is the handler).
   */
  injectGuestTrap(cause: number, interrupt: boolean, tvalLo: number, tvalHi: number): void {
    const csr = this.csr;
    const guestPriv = (csr.mstatusLo & MSTATUS_SPP) ? Priv.S : Priv.U;
    this.pcLo = csr.sepcLo; this.pcHi = csr.sepcHi;
    this.priv = guestPriv;
    this.virt = true;
    csr.hstatusLo &= ~HSTATUS_SPV;
    const ms = csr.mstatusLo;
    csr.mstatusLo = (ms & ~(MSTATUS_SIE | MSTATUS_SPP)) | ((ms & MSTATUS_SPIE) ? MSTATUS_SIE : 0) | MSTATUS_SPIE;
    this.enterVsTrap(cause, interrupt, tvalLo, tvalHi, guestPriv);
  }

  // ---------------------------------------------------------------- the interpreter loop

  /**
   * Runs up to `budget` instructions (attempts: a trapping instruction counts too, so a guest
   * stuck in a trap loop still returns). Interrupts are checked on entry and whenever an
   * instruction raised EV_BREAK (CSR writes, xRET, MMIO), not per instruction.
   *
   * Within a page the loop walks the page's decoded ops by offset; the pc field is written once
   * per instruction (semantics read it), and an op that changes control flow sets EV_JUMP.
   */
  run(budget: number): StopReason {
    let steps = 0;
    this.lastSteps = 0;
    this.debugStop = undefined;
    if (this.wfi) {
      if (!this.csr.wakeable()) return StopReason.Wfi;
      this.wfi = false;
    }
    while (steps < budget) {
      this.event = 0;
      const irq = this.csr.pendingInterrupt();
      if (irq >= 0) {
        this.enterTrap(irq, true, 0, 0);
        this.event = 0;
        if (this.trapFilter !== null && this.trapFilter(this, irq, true)) this.debugStop = { kind: 'trap', cause: irq, interrupt: true };
        if (this.vmExit) { this.vmExit = false; this.lastSteps = steps; return StopReason.VmExit; }
        if (this.debugStop !== undefined) { this.lastSteps = steps; return StopReason.Debug; }
      }
      const retiredBefore = this.retired;
      steps = this.engine !== null ? this.engine.runInner(this, steps, budget) : this.interpret(steps, budget);
      if (this.retired !== retiredBefore) this.trapsWithoutProgress = 0;
      this.lastSteps = steps;
      if (this.vmExit) { this.vmExit = false; return StopReason.VmExit; }
      if (this.debugStop !== undefined) return StopReason.Debug;
      if (this.wfi) return StopReason.Wfi;
      if (this.breakRequested) { this.breakRequested = false; return StopReason.Break; }
    }
    this.lastSteps = steps;
    return StopReason.Budget;
  }

  /**
   * The interpreter's inner loop: runs instructions from `steps` up to `budget` until one raises
   * EV_BREAK or an exception (after entering the trap), a breakpoint, or the budget; returns the
   * new step count with the pc field holding the next pc. `run` checks interrupts around it.
   */
  interpret(steps: number, budget: number): number {
    let ops: (Op | undefined)[] | null = null;
    let page = 0, off = 0;
    for (;;) {
      if (steps >= budget) {
        // Invariant: with ops set the next pc is page + off (off may have run past the page);
        // without, the pc field already holds it (a jump or a fetch wrote it).
        if (ops !== null) {
          const lo = (page + off) | 0;
          if ((lo >>> 0) < (page >>> 0)) this.pcHi = (this.pcHi + 1) | 0;
          this.pcLo = lo;
        }
        break;
      }
      steps++;
      let op: Op | undefined;
      if (ops !== null && off < 4096 && (op = ops[off >>> 1]) !== undefined) {
        this.pcLo = page | off;
      } else {
        if (ops !== null) {
          // Fell off the end of the page (or into an op not decoded yet): the pc follows on.
          if (off >= 4096) {
            const next = (page + 4096) | 0;
            if (next === 0) this.pcHi = (this.pcHi + 1) | 0;
            page = next; off -= 4096;
          }
          this.pcLo = page | off;
        }
        op = this.fetch();
        if (op === undefined) { this.trapFromExc(undefined); break; }
        ops = this.fetchOps;
        page = this.pcLo & ~0xfff; off = this.pcLo & 0xfff;
      }
      if (this.breakpoints !== null) {
        const key = vaKey(this.pcLo, this.pcHi);
        if (key !== this.resumeKey && this.breakpoints.has(key)) {
          this.debugStop = { kind: 'breakpoint', pcKey: key };
          steps--;
          break;
        }
        this.resumeKey = NaN;
      }
      op.exec(this, op);
      const ev = this.event;
      if (ev === 0) { off += op.len; this.retired++; continue; }
      if (ev & EV_EXC) { this.trapFromExc(op); break; }
      this.retired++; // counted per instruction: CSR reads of minstret/time must see it exactly
      if (ev & EV_JUMP) {
        if (ev & EV_BREAK) break;
        this.event = 0;
        const lo = this.pcLo;
        // Same page: keep walking it; otherwise the next iteration fetches.
        if (ops !== null && (lo & ~0xfff) === page && ops === this.fetchOps) off = lo & 0xfff;
        else { ops = null; }
        continue;
      }
      // EV_BREAK alone: the instruction falls through; leave the loop with the pc after it.
      const lo = this.pcLo, nlo = (lo + op.len) | 0;
      this.pcLo = nlo;
      if ((nlo >>> 0) < (lo >>> 0)) this.pcHi = (this.pcHi + 1) | 0;
      break;
    }
    return steps;
  }

  /** Set by the machine (a device powered off, a debugger pause) to leave `run` early. */
  breakRequested = false;

  /** Enters the trap for the pending exception `exc` of `op` (undefined: the fetch faulted). */
  trapFromExc(op: Op | undefined): void {
    const cause = this.exc;
    this.exc = -1;
    this.trapsWithoutProgress++;
    if (op !== undefined && this.tinst === 0 && this.csr.hasH) this.tinst = transformedInstruction(this, op, cause);
    this.enterTrap(cause, false, this.tvalLo, this.tvalHi);
    if (this.trapFilter !== null && this.trapFilter(this, cause, false)) this.debugStop = { kind: 'trap', cause, interrupt: false };
  }
}

/**
 * htinst/mtinst for a fault of an explicit memory access (hypervisor.adoc "Transformed
 * Instruction or Pseudoinstruction"): the instruction with its immediate zeroed and rs1 replaced
 * by the offset of the faulting address from the original one; bit 1 cleared when it was
 * compressed. Zero for anything else (allowed everywhere).
 */
function transformedInstruction(h: Hart, op: Op, cause: number): number {
  if (!(cause === 4 || cause === 5 || cause === 6 || cause === 7 || cause === 13 || cause === 15 || cause === 21 || cause === 23)) return 0;
  const d = op.d;
  if (d === undefined) return 0;
  const w = d.word, opcode = w & 0x7f;
  const base = h.x[op.rs1 << 1];
  let t: number;
  if (opcode === 0x03 || opcode === 0x07) t = w & 0x7fff;                                           // loads: funct3, rd, opcode
  else if (opcode === 0x23 || opcode === 0x27) t = w & 0x01f0707f;                                   // stores: rs2, funct3, opcode
  else if (opcode === 0x2f || (opcode === 0x73 && ((w >>> 12) & 7) === 4)) t = w & ~(0x1f << 15); // atomics, HLV/HSV
  else return 0;
  const orig = (opcode === 0x2f || opcode === 0x73) ? base : (base + op.imm) | 0;
  const offset = (h.tvalLo - orig) & 0x1f;
  t |= offset << 15;
  return op.len === 2 ? t & ~2 : t;
}
