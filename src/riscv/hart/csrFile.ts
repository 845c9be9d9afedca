// The control and status registers of one hart (M, S and U levels; the H extension adds its own
// file later) with their WARL behaviour, privilege checks and side effects. Values are (lo, hi)
// int32 halves; `read` returns the low half and leaves the high half in `hi`.
//
// Where the spec leaves a choice (WARL legalisation), the choice follows qemu-system-riscv64 7.2's
// `virt` CPU, our conformance oracle, and says so.

import { CSR, Priv, CAUSE, MSTATUS_SIE, MSTATUS_MIE, MSTATUS_SPIE, MSTATUS_MPIE, MSTATUS_SPP, MSTATUS_MPP, MSTATUS_MPP_SHIFT,
  MSTATUS_FS, MSTATUS_MPRV, MSTATUS_SUM, MSTATUS_MXR, MSTATUS_TVM, MSTATUS_TW, MSTATUS_TSR, MSTATUS_XS, MSTATUS_VS,
  MSTATUSH_UXL_SXL, MSTATUSH_SD, SSTATUS_MASK_LO, MIP_SSIP, MIP_STIP, MIP_SEIP, MIP_MSIP, MIP_MTIP, MIP_MEIP } from './csrs';
import { EV_BREAK, type Hart } from './hart';
import { Pmp } from '../../mmu/pmp';
import { add64, hi64 } from '../../common/u64';

/** Interrupt priority order (machine.adoc, "Machine Interrupt Registers"): MEI, MSI, MTI, SEI, SSI, STI. */
const IRQ_PRIORITY = [11, 3, 7, 9, 1, 5];

/** Interrupts that may be delegated to S-mode (mideleg writable bits). */
const DELEGABLE_IRQS = MIP_SSIP | MIP_STIP | MIP_SEIP;
/** Exceptions that may be delegated to S-mode: all but ecall from M (medeleg[11] is read-only 0). */
const DELEGABLE_EXC = 0xb3ff; // causes 0-9, 12, 13, 15

const MSTATUS_WRITABLE = MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_MPP | MSTATUS_FS
  | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR;

/** mcountinhibit bits (TM, bit 1, is read-only zero). */
const COUNTINHIBIT_CY = 1 << 0;
const COUNTINHIBIT_IR = 1 << 2;

/** menvcfg.STCE (bit 63): Sstc enabled for S-mode. */
const MENVCFG_STCE_HI = 1 << 31;

export class CsrFile {
  /** misa: RV64 (MXL = 2) and the letters of the implemented extensions. */
  misaLo = 0;
  readonly misaHi = 2 << 30;

  mstatusLo = 0;
  mstatusHi = MSTATUSH_UXL_SXL;
  medeleg = 0;
  mideleg = 0;
  mie = 0;
  /** Software-writable pending bits (SSIP, STIP without Sstc, SEIP); the rest come from devices. */
  mipSw = 0;
  /** Pending bits driven by devices: MSIP, MTIP (CLINT), MEIP, SEIP (PLIC), and STIP from stimecmp. */
  mipHw = 0;
  mtvecLo = 0; mtvecHi = 0;
  mscratchLo = 0; mscratchHi = 0;
  mepcLo = 0; mepcHi = 0;
  mcauseLo = 0; mcauseHi = 0;
  mtvalLo = 0; mtvalHi = 0;
  mcounteren = 0;
  mcountinhibit = 0;
  menvcfgLo = 0; menvcfgHi = 0;

  stvecLo = 0; stvecHi = 0;
  sscratchLo = 0; sscratchHi = 0;
  sepcLo = 0; sepcHi = 0;
  scauseLo = 0; scauseHi = 0;
  stvalLo = 0; stvalHi = 0;
  scounteren = 0;
  senvcfgLo = 0;
  satpLo = 0; satpHi = 0;
  stimecmpLo = -1; stimecmpHi = -1;

  /** fcsr: frm in bits 7:5, fflags in bits 4:0. */
  fcsr = 0;

  // Counters: value = base + retired instructions since the base was set (so the hot loop only
  // bumps `hart.retired`). mcycle counts one cycle per instruction.
  private instretBaseLo = 0; private instretBaseHi = 0; private instretAt = 0;
  private cycleBaseLo = 0; private cycleBaseHi = 0; private cycleAt = 0;

  readonly pmp = new Pmp(16);

  /** High half of the last `read`. */
  hi = 0;

  /** The extensions this hart implements, as misa letters. */
  constructor(private readonly h: Hart, extensions = 'acdfimsu') {
    for (const c of extensions) this.misaLo |= 1 << (c.charCodeAt(0) - 97);
  }

  reset(): void {
    this.mstatusLo = 0; this.mstatusHi = MSTATUSH_UXL_SXL;
    this.medeleg = 0; this.mideleg = 0; this.mie = 0; this.mipSw = 0;
    this.mtvecLo = 0; this.mtvecHi = 0; this.mepcLo = 0; this.mepcHi = 0;
    this.mcauseLo = 0; this.mcauseHi = 0; this.mtvalLo = 0; this.mtvalHi = 0;
    this.mcounteren = 0; this.mcountinhibit = 0; this.menvcfgLo = 0; this.menvcfgHi = 0;
    this.stvecLo = 0; this.stvecHi = 0; this.sepcLo = 0; this.sepcHi = 0; this.scauseLo = 0; this.scauseHi = 0;
    this.stvalLo = 0; this.stvalHi = 0; this.scounteren = 0; this.senvcfgLo = 0; this.satpLo = 0; this.satpHi = 0;
    this.stimecmpLo = -1; this.stimecmpHi = -1; this.fcsr = 0;
    this.mscratchLo = 0; this.mscratchHi = 0; this.sscratchLo = 0; this.sscratchHi = 0;
    this.instretBaseLo = 0; this.instretBaseHi = 0; this.instretAt = this.h.retired;
    this.cycleBaseLo = 0; this.cycleBaseHi = 0; this.cycleAt = this.h.retired;
    this.pmp.reset();
  }

  has(ext: string): boolean {
    return (this.misaLo & (1 << (ext.charCodeAt(0) - 97))) !== 0;
  }

  /** mip as software sees it. */
  get mip(): number {
    return this.mipSw | this.mipHw;
  }

  get sstcEnabled(): boolean {
    return (this.menvcfgHi & MENVCFG_STCE_HI) !== 0;
  }

  // ------------------------------------------------------------ interrupts

  /**
   * The interrupt the hart must take now, or -1 (machine.adoc "Machine Interrupt Registers";
   * supervisor.adoc for S-level delegation). M-level interrupts are enabled in M-mode when MIE is
   * set and always in lower modes; delegated ones in S-mode when SIE is set, always in U-mode,
   * never in M-mode.
   */
  pendingInterrupt(): number {
    const pending = (this.mipSw | this.mipHw) & this.mie;
    if (pending === 0) return -1;
    const priv = this.h.priv;
    const mEnabled = priv < Priv.M || (this.mstatusLo & MSTATUS_MIE) !== 0;
    const sEnabled = priv < Priv.S || (priv === Priv.S && (this.mstatusLo & MSTATUS_SIE) !== 0);
    let enabled = 0;
    if (mEnabled) enabled |= pending & ~this.mideleg;
    if (sEnabled) enabled |= pending & this.mideleg;
    if (enabled === 0) return -1;
    // M-level interrupts (not delegated) outrank S-level ones.
    const mLevel = enabled & ~this.mideleg;
    const set = mLevel !== 0 ? mLevel : enabled;
    for (const irq of IRQ_PRIORITY) if (set & (1 << irq)) return irq;
    return 31 - Math.clz32(set);
  }

  /** True when WFI may complete: some interrupt is pending and enabled in mie (global enables ignored). */
  wakeable(): boolean {
    return ((this.mipSw | this.mipHw) & this.mie) !== 0;
  }

  /** Re-evaluates STIP from stimecmp (Sstc) at the current time. */
  updateTimer(now: number): void {
    if (!this.sstcEnabled) { this.mipHw &= ~MIP_STIP; return; }
    const cmp = (this.stimecmpHi >>> 0) * 4294967296 + (this.stimecmpLo >>> 0);
    if (now >= cmp) this.mipHw |= MIP_STIP; else this.mipHw &= ~MIP_STIP;
  }

  /** Sets a device-driven pending bit (CLINT, PLIC). */
  setHwPending(bit: number, level: boolean): void {
    if (level) this.mipHw |= 1 << bit; else this.mipHw &= ~(1 << bit);
    this.h.event |= EV_BREAK;
  }

  // ------------------------------------------------------------ counters

  // mcountinhibit (machine.adoc "Machine Counter-Inhibit Register"): while CY/IR is set the
  // counter holds its value (the base); clearing the bit restarts counting from the base. The
  // increment of the instruction that writes mcountinhibit happens under the old setting, as for a
  // write to minstret ("any CSR write takes effect after the writing instruction has otherwise
  // completed"): setting IR still counts the writer, clearing IR does not.

  instret(): number {
    if ((this.mcountinhibit & COUNTINHIBIT_IR) !== 0) { this.hi = this.instretBaseHi; return this.instretBaseLo; }
    const d = this.h.retired - this.instretAt;
    const lo = add64(this.instretBaseLo, this.instretBaseHi, d | 0, Math.floor(d / 4294967296) | 0);
    this.hi = hi64;
    return lo;
  }

  cycle(): number {
    if ((this.mcountinhibit & COUNTINHIBIT_CY) !== 0) { this.hi = this.cycleBaseHi; return this.cycleBaseLo; }
    const d = this.h.retired - this.cycleAt;
    const lo = add64(this.cycleBaseLo, this.cycleBaseHi, d | 0, Math.floor(d / 4294967296) | 0);
    this.hi = hi64;
    return lo;
  }

  /** mcountinhibit write: freezes or restarts mcycle (CY, bit 0) and minstret (IR, bit 2). */
  private setCountInhibit(v: number): void {
    const next = v & (COUNTINHIBIT_CY | COUNTINHIBIT_IR);
    const freeze = next & ~this.mcountinhibit, resume = this.mcountinhibit & ~next;
    if (freeze & COUNTINHIBIT_IR) {
      // Still counting: the value now, plus the writing instruction itself.
      const lo = this.instret();
      this.instretBaseLo = add64(lo, this.hi, 1, 0); this.instretBaseHi = hi64;
    }
    if (freeze & COUNTINHIBIT_CY) {
      const lo = this.cycle();
      this.cycleBaseLo = add64(lo, this.hi, 1, 0); this.cycleBaseHi = hi64;
    }
    // Restart after the writing instruction (it retired while inhibited).
    if (resume & COUNTINHIBIT_IR) this.instretAt = this.h.retired + 1;
    if (resume & COUNTINHIBIT_CY) this.cycleAt = this.h.retired + 1;
    this.mcountinhibit = next;
  }

  /**
   * Sstc ("Sstc" extension, stimecmp): below M-mode stimecmp exists only when menvcfg.STCE is set
   * and mcounteren.TM is set ("When the TM bit in the mcounteren register is clear, attempts to
   * access the stimecmp register while executing in S-mode will cause an illegal instruction
   * exception"). U-mode is already refused by the CSR number's privilege bits.
   */
  private stimecmpAccessible(): boolean {
    return this.h.priv === Priv.M || (this.sstcEnabled && (this.mcounteren & 2) !== 0);
  }

  /**
   * Counter access from S/U (Zicntr; machine.adoc "Machine Counter-Enable Register"): the bit in
   * mcounteren (and scounteren for U) must be set.
   */
  private counterAllowed(bit: number): boolean {
    const priv = this.h.priv;
    if (priv === Priv.M) return true;
    if ((this.mcounteren & (1 << bit)) === 0) return false;
    if (priv === Priv.U && (this.scounteren & (1 << bit)) === 0) return false;
    return true;
  }

  // ------------------------------------------------------------ access

  /**
   * Checks that the current privilege may access `num` (bits 9:8 give the lowest privilege,
   * bits 11:10 = 3 mean read-only) and that the CSR exists. Raises illegal instruction and
   * returns false otherwise.
   */
  private accessible(num: number, write: boolean): boolean {
    const minPriv = (num >>> 8) & 3;
    if (this.h.priv < minPriv) return false;
    if (write && (num >>> 10) === 3) return false;
    return true;
  }

  /** CSR read for an instruction. Returns lo (hi in `this.hi`); on failure raises and returns 0. */
  read(num: number, raw: number): number {
    if (!this.accessible(num, false)) { this.h.raise(CAUSE.ILLEGAL_INSTRUCTION, raw); return 0; }
    const v = this.readRaw(num);
    if (v === undefined) { this.h.raise(CAUSE.ILLEGAL_INSTRUCTION, raw); return 0; }
    return v;
  }

  /** CSR write for an instruction; raises illegal instruction when not allowed. */
  write(num: number, lo: number, hi: number, raw: number): void {
    if (!this.accessible(num, true) || !this.writeRaw(num, lo, hi)) this.h.raise(CAUSE.ILLEGAL_INSTRUCTION, raw);
  }

  /** Value of a CSR without privilege checks (the debugger uses this too); undefined if it does not exist or is not accessible in this state. */
  readRaw(num: number): number | undefined {
    const h = this.h;
    this.hi = 0;
    switch (num) {
      case CSR.fflags: if (!this.fpEnabled()) return undefined; return this.fcsr & 0x1f;
      case CSR.frm: if (!this.fpEnabled()) return undefined; return (this.fcsr >>> 5) & 7;
      case CSR.fcsr: if (!this.fpEnabled()) return undefined; return this.fcsr & 0xff;
      case CSR.cycle: if (!this.counterAllowed(0)) return undefined; return this.cycle();
      case CSR.time: {
        if (!this.counterAllowed(1)) return undefined;
        const t = h.mem.clockNow();
        this.hi = Math.floor(t / 4294967296) | 0;
        return t | 0;
      }
      case CSR.instret: if (!this.counterAllowed(2)) return undefined; return this.instret();

      case CSR.sstatus: return this.sstatusLo();
      case CSR.sie: return this.mie & this.mideleg;
      case CSR.stvec: this.hi = this.stvecHi; return this.stvecLo;
      case CSR.scounteren: return this.scounteren;
      case CSR.senvcfg: return this.senvcfgLo;
      case CSR.sscratch: this.hi = this.sscratchHi; return this.sscratchLo;
      case CSR.sepc: this.hi = this.sepcHi; return this.sepcLo;
      case CSR.scause: this.hi = this.scauseHi; return this.scauseLo;
      case CSR.stval: this.hi = this.stvalHi; return this.stvalLo;
      case CSR.sip: return this.mip & this.mideleg;
      case CSR.stimecmp:
        if (!this.stimecmpAccessible()) return undefined;
        this.hi = this.stimecmpHi; return this.stimecmpLo;
      case CSR.satp:
        if (h.priv === Priv.S && (this.mstatusLo & MSTATUS_TVM) !== 0) return undefined;
        this.hi = this.satpHi; return this.satpLo;

      case CSR.mvendorid: case CSR.marchid: case CSR.mimpid: case CSR.mconfigptr: return 0;
      case CSR.mhartid: return h.hartId;
      case CSR.mstatus: this.hi = this.mstatusHiWithSd(); return this.mstatusLo;
      case CSR.misa: this.hi = this.misaHi; return this.misaLo;
      case CSR.medeleg: return this.medeleg;
      case CSR.mideleg: return this.mideleg;
      case CSR.mie: return this.mie;
      case CSR.mtvec: this.hi = this.mtvecHi; return this.mtvecLo;
      case CSR.mcounteren: return this.mcounteren;
      case CSR.menvcfg: this.hi = this.menvcfgHi; return this.menvcfgLo;
      case CSR.mcountinhibit: return this.mcountinhibit;
      case CSR.mscratch: this.hi = this.mscratchHi; return this.mscratchLo;
      case CSR.mepc: this.hi = this.mepcHi; return this.mepcLo;
      case CSR.mcause: this.hi = this.mcauseHi; return this.mcauseLo;
      case CSR.mtval: this.hi = this.mtvalHi; return this.mtvalLo;
      case CSR.mip: return this.mip;
      case CSR.mcycle: return this.cycle();
      case CSR.minstret: return this.instret();
      case CSR.mseccfg: return 0;
    }
    if (num >= CSR.pmpcfg0 && num <= CSR.pmpcfg15) {
      if (num & 1) return undefined; // RV64: only even pmpcfg registers exist
      const lo = this.pmp.readCfg(num - CSR.pmpcfg0);
      this.hi = this.pmp.hi;
      return lo;
    }
    if (num >= CSR.pmpaddr0 && num <= CSR.pmpaddr63) {
      const lo = this.pmp.readAddr(num - CSR.pmpaddr0);
      this.hi = this.pmp.hi;
      return lo;
    }
    // Hardware performance monitors are implemented as read-only-zero counters and events.
    if (num >= CSR.mhpmcounter3 && num <= CSR.mhpmcounter31) return 0;
    if (num >= CSR.mhpmevent3 && num <= CSR.mhpmevent31) return 0;
    if (num >= CSR.hpmcounter3 && num <= CSR.hpmcounter31) return this.counterAllowed(num - CSR.cycle) ? 0 : undefined;
    return undefined;
  }

  /** Writes a CSR (no privilege checks); false when it does not exist or is not writable in this state. */
  writeRaw(num: number, lo: number, hi: number): boolean {
    const h = this.h;
    switch (num) {
      case CSR.fflags: if (!this.fpEnabled()) return false; this.fcsr = (this.fcsr & ~0x1f) | (lo & 0x1f); this.dirtyFp(); return true;
      case CSR.frm: if (!this.fpEnabled()) return false; this.fcsr = (this.fcsr & 0x1f) | ((lo & 7) << 5); this.dirtyFp(); return true;
      case CSR.fcsr: if (!this.fpEnabled()) return false; this.fcsr = lo & 0xff; this.dirtyFp(); return true;

      case CSR.sstatus:
        this.setMstatus((this.mstatusLo & ~SSTATUS_MASK_LO) | (lo & SSTATUS_MASK_LO), this.mstatusHi);
        return true;
      case CSR.sie: this.mie = (this.mie & ~this.mideleg) | (lo & this.mideleg); h.event |= EV_BREAK; return true;
      case CSR.stvec: this.writeTvec(lo, hi, false); return true;
      case CSR.scounteren: this.scounteren = lo & 7; return true;
      case CSR.senvcfg: this.senvcfgLo = lo & 1; return true; // FIOM only
      case CSR.sscratch: this.sscratchLo = lo; this.sscratchHi = hi; return true;
      case CSR.sepc: this.sepcLo = lo & ~1; this.sepcHi = hi; return true;
      case CSR.scause: this.scauseLo = lo; this.scauseHi = hi; return true;
      case CSR.stval: this.stvalLo = lo; this.stvalHi = hi; return true;
      case CSR.sip: {
        // Only SSIP is writable through sip, and only when delegated.
        const m = MIP_SSIP & this.mideleg;
        this.mipSw = (this.mipSw & ~m) | (lo & m);
        h.event |= EV_BREAK;
        return true;
      }
      case CSR.stimecmp:
        if (!this.stimecmpAccessible()) return false;
        this.stimecmpLo = lo; this.stimecmpHi = hi;
        this.updateTimer(h.mem.clockNow());
        h.event |= EV_BREAK;
        return true;
      case CSR.satp: {
        if (h.priv === Priv.S && (this.mstatusLo & MSTATUS_TVM) !== 0) return false;
        // Unsupported MODE: the whole write has no effect (supervisor.adoc, satp).
        const mode = hi >>> 28;
        if (mode !== 0 && mode !== 8 && mode !== 9 && mode !== 10) return true;
        this.satpLo = lo;
        this.satpHi = hi; // MODE, ASID (all 16 bits implemented), PPN (44 bits)
        h.flushTlb();
        return true;
      }

      case CSR.mstatus: this.setMstatus(lo, hi); return true;
      case CSR.misa: return true; // WARL: the extension set is fixed
      case CSR.medeleg: this.medeleg = lo & DELEGABLE_EXC; return true;
      case CSR.mideleg: this.mideleg = lo & DELEGABLE_IRQS; h.event |= EV_BREAK; return true;
      case CSR.mie: this.mie = lo & (DELEGABLE_IRQS | MIP_MSIP | MIP_MTIP | MIP_MEIP); h.event |= EV_BREAK; return true;
      case CSR.mtvec: this.writeTvec(lo, hi, true); return true;
      case CSR.mcounteren: this.mcounteren = lo & 7; return true;
      case CSR.menvcfg:
        // FIOM and STCE (Sstc) are implemented; the cache-block and PBMT fields are read-only 0.
        this.menvcfgLo = lo & 1; this.menvcfgHi = hi & MENVCFG_STCE_HI;
        // With STCE=1 mip.STIP is read-only and reflects stimecmp alone (Sstc): drop the
        // software-written bit so it cannot keep STIP pending.
        if (this.sstcEnabled) this.mipSw &= ~MIP_STIP;
        this.updateTimer(h.mem.clockNow());
        h.event |= EV_BREAK;
        return true;
      case CSR.mcountinhibit: this.setCountInhibit(lo); return true;
      case CSR.mscratch: this.mscratchLo = lo; this.mscratchHi = hi; return true;
      case CSR.mepc: this.mepcLo = lo & ~1; this.mepcHi = hi; return true;
      case CSR.mcause: this.mcauseLo = lo; this.mcauseHi = hi; return true;
      case CSR.mtval: this.mtvalLo = lo; this.mtvalHi = hi; return true;
      case CSR.mip: {
        let m = MIP_SSIP | MIP_SEIP;
        if (!this.sstcEnabled) m |= MIP_STIP;
        this.mipSw = (this.mipSw & ~m) | (lo & m);
        h.event |= EV_BREAK;
        return true;
      }
      case CSR.mcycle:
        // The writing instruction itself does not count (it retires after the write takes effect).
        this.cycleBaseLo = lo; this.cycleBaseHi = hi; this.cycleAt = h.retired + 1;
        return true;
      case CSR.minstret:
        this.instretBaseLo = lo; this.instretBaseHi = hi; this.instretAt = h.retired + 1;
        return true;
      case CSR.mseccfg: return true;
      case CSR.mvendorid: case CSR.marchid: case CSR.mimpid: case CSR.mhartid: case CSR.mconfigptr: return false;
    }
    if (num >= CSR.pmpcfg0 && num <= CSR.pmpcfg15) {
      if (num & 1) return false;
      this.pmp.writeCfg(num - CSR.pmpcfg0, lo, hi);
      h.flushTlb();
      return true;
    }
    if (num >= CSR.pmpaddr0 && num <= CSR.pmpaddr63) {
      this.pmp.writeAddr(num - CSR.pmpaddr0, lo, hi);
      h.flushTlb();
      return true;
    }
    if (num >= CSR.mhpmcounter3 && num <= CSR.mhpmcounter31) return true;
    if (num >= CSR.mhpmevent3 && num <= CSR.mhpmevent31) return true;
    return false;
  }

  // ------------------------------------------------------------ helpers

  fpEnabled(): boolean {
    return this.has('f') && (this.mstatusLo & MSTATUS_FS) !== 0;
  }

  /** Marks the floating-point state Dirty (mstatus.FS = 3). */
  dirtyFp(): void {
    this.mstatusLo |= MSTATUS_FS;
  }

  private sstatusLo(): number {
    this.hi = this.mstatusHiWithSd() & (MSTATUSH_SD | 3); // SD and UXL
    return this.mstatusLo & SSTATUS_MASK_LO;
  }

  private mstatusHiWithSd(): number {
    const lo = this.mstatusLo;
    const dirty = (lo & MSTATUS_FS) === MSTATUS_FS || (lo & MSTATUS_XS) === MSTATUS_XS || (lo & MSTATUS_VS) === MSTATUS_VS;
    return dirty ? this.mstatusHi | MSTATUSH_SD : this.mstatusHi & ~MSTATUSH_SD;
  }

  /** mstatus write with WARL legalisation. */
  setMstatus(lo: number, _hi: number): void {
    const old = this.mstatusLo;
    let v = (old & ~MSTATUS_WRITABLE) | (lo & MSTATUS_WRITABLE);
    // MPP is WARL over the implemented modes: the reserved value 2 keeps the old MPP.
    if (((v & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT) === 2) v = (v & ~MSTATUS_MPP) | (old & MSTATUS_MPP);
    this.mstatusLo = v;
    // Fields that change the effective translation or the interrupt picture.
    const transBits = MSTATUS_MPRV | MSTATUS_MPP | MSTATUS_SUM | MSTATUS_MXR;
    if ((old ^ v) & transBits) this.h.flushTlb();
    this.h.event |= EV_BREAK;
  }

  private writeTvec(lo: number, hi: number, machine: boolean): void {
    // MODE ≥ 2 is reserved; the write is ignored (as QEMU does) rather than storing a reserved mode.
    if ((lo & 3) >= 2) return;
    if (machine) { this.mtvecLo = lo; this.mtvecHi = hi; } else { this.stvecLo = lo; this.stvecHi = hi; }
  }

  /** Privilege of a trap's target for exception `cause` (delegation through medeleg). */
  exceptionTarget(cause: number): Priv {
    if (this.h.priv <= Priv.S && (this.medeleg & (1 << cause)) !== 0) return Priv.S;
    return Priv.M;
  }

  get tw(): boolean { return (this.mstatusLo & MSTATUS_TW) !== 0; }
  get tsr(): boolean { return (this.mstatusLo & MSTATUS_TSR) !== 0; }
  get tvm(): boolean { return (this.mstatusLo & MSTATUS_TVM) !== 0; }
}
