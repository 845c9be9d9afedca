// The control and status registers of one hart (M, S, U and the H extension's HS/VS levels) with
// their WARL behaviour, privilege checks and side effects. Values are (lo, hi) int32 halves;
// `read` returns the low half and leaves the high half in `hi`.
//
// When V=1 the supervisor CSR numbers reach the VS CSRs (hypervisor.adoc "Hypervisor and Virtual
// Supervisor CSRs"); `readRaw`/`writeRaw` apply that substitution, so the debugger sees the view
// of the current privilege, as the hart does.
//
// Where the spec leaves a choice (WARL legalisation), the choice follows qemu-system-riscv64 7.2's
// `virt` CPU, our conformance oracle, and says so.

import { CSR, Priv, CAUSE, MSTATUS_SIE, MSTATUS_MIE, MSTATUS_SPIE, MSTATUS_MPIE, MSTATUS_SPP, MSTATUS_MPP, MSTATUS_MPP_SHIFT,
  MSTATUS_FS, MSTATUS_MPRV, MSTATUS_SUM, MSTATUS_MXR, MSTATUS_TVM, MSTATUS_TW, MSTATUS_TSR, MSTATUS_XS, MSTATUS_VS,
  MSTATUSH_UXL_SXL, MSTATUSH_SD, MSTATUSH_GVA, MSTATUSH_MPV, SSTATUS_MASK_LO, MIP_SSIP, MIP_STIP, MIP_SEIP, MIP_MSIP, MIP_MTIP, MIP_MEIP,
  MIP_VSSIP, MIP_VSTIP, MIP_VS_BITS, MIP_SGEIP, HSTATUS_GVA, HSTATUS_SPV, HSTATUS_SPVP, HSTATUS_HU, HSTATUS_VTVM, HSTATUS_VTW,
  HSTATUS_VTSR, HSTATUSH_VSXL } from './csrs';
import { EV_BREAK, type Hart } from './hart';
import { Pmp } from '../../mmu/pmp';
import { add64, hi64 } from '../../common/u64';

/**
 * Interrupt priority order (machine.adoc "Machine Interrupt Registers", with the H extension's
 * additions): MEI, MSI, MTI, SEI, SSI, STI, SGEI, VSEI, VSSI, VSTI.
 */
const IRQ_PRIORITY = [11, 3, 7, 9, 1, 5, 12, 10, 2, 6];

/** Interrupts that may be delegated to S-mode (mideleg writable bits). */
const DELEGABLE_IRQS = MIP_SSIP | MIP_STIP | MIP_SEIP;
/** Exceptions that may be delegated to S-mode: all but ecall from M (medeleg[11] is read-only 0). */
const DELEGABLE_EXC = 0xb3ff; // causes 0-9, 12, 13, 15
/** With H: ecall from VS (10), guest-page faults (20, 21, 23) and virtual instruction (22) too. */
const DELEGABLE_EXC_H = DELEGABLE_EXC | (1 << 10) | (0xf << 20);
/** hedeleg's writable bits (hypervisor.adoc, table "Bits of hedeleg"): 0-8, 12, 13, 15. */
const HEDELEG_WRITABLE = 0xb1ff;
const HSTATUS_WRITABLE = HSTATUS_GVA | HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_HU | HSTATUS_VTVM | HSTATUS_VTW | HSTATUS_VTSR;
/** vsstatus fields (the sstatus layout; UBE is read-only 0: little-endian only). */
const VSSTATUS_WRITABLE = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM | MSTATUS_MXR;

/** CSR numbers of the H extension that exist here (for the virtual-instruction rule). */
const H_CSRS = new Set<number>([CSR.hstatus, CSR.hedeleg, CSR.hideleg, CSR.hie, CSR.htimedelta, CSR.hcounteren, CSR.hgeie,
  CSR.henvcfg, CSR.htval, CSR.hip, CSR.hvip, CSR.htinst, CSR.hgeip, CSR.hgatp, CSR.vstimecmp, CSR.vsstatus, CSR.vsie,
  CSR.vstvec, CSR.vsscratch, CSR.vsepc, CSR.vscause, CSR.vstval, CSR.vsip, CSR.vsatp]);

/** Supervisor CSR → the VS CSR that replaces it when V=1. */
const VS_SUBSTITUTE: Record<number, number> = {
  [CSR.sstatus]: CSR.vsstatus, [CSR.sie]: CSR.vsie, [CSR.stvec]: CSR.vstvec, [CSR.sscratch]: CSR.vsscratch,
  [CSR.sepc]: CSR.vsepc, [CSR.scause]: CSR.vscause, [CSR.stval]: CSR.vstval, [CSR.sip]: CSR.vsip,
  [CSR.satp]: CSR.vsatp, [CSR.stimecmp]: CSR.vstimecmp,
};

/** Outcome of an access check: allowed, illegal instruction, or virtual instruction. */
export const enum CsrFault { None = 0, Illegal = 2, Virtual = 22 }

const MSTATUS_WRITABLE = MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_MPP | MSTATUS_FS
  | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR;

/** mcountinhibit bits (TM, bit 1, is read-only zero). */
const COUNTINHIBIT_CY = 1 << 0;
const COUNTINHIBIT_IR = 1 << 2;

/** menvcfg.STCE / henvcfg.STCE (bit 63): Sstc enabled for S-mode / VS-mode. */
const MENVCFG_STCE_HI = 1 << 31;
const TWO32 = 4294967296;

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

  // H extension: hypervisor CSRs and the VS CSRs (hypervisor.adoc). hie is the VS part of mie;
  // hip's VS bits are hvip, plus VSTIP from vstimecmp (kept in mipHw).
  readonly hasH: boolean;
  hstatusLo = 0;
  hedeleg = 0;
  hideleg = 0;
  hvip = 0;
  hcounteren = 0;
  htimedeltaLo = 0; htimedeltaHi = 0;
  htvalLo = 0; htvalHi = 0;
  htinstLo = 0; htinstHi = 0;
  hgatpLo = 0; hgatpHi = 0;
  henvcfgLo = 0; henvcfgHi = 0;
  vsstatusLo = 0;
  vstvecLo = 0; vstvecHi = 0;
  vsscratchLo = 0; vsscratchHi = 0;
  vsepcLo = 0; vsepcHi = 0;
  vscauseLo = 0; vscauseHi = 0;
  vstvalLo = 0; vstvalHi = 0;
  vsatpLo = 0; vsatpHi = 0;
  vstimecmpLo = -1; vstimecmpHi = -1;
  mtval2Lo = 0; mtval2Hi = 0;
  mtinstLo = 0; mtinstHi = 0;

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
  constructor(private readonly h: Hart, extensions = 'acdfhimsu') {
    for (const c of extensions) this.misaLo |= 1 << (c.charCodeAt(0) - 97);
    this.hasH = this.has('h');
    this.mideleg = this.hasH ? MIP_VS_BITS : 0;
  }

  reset(): void {
    this.mstatusLo = 0; this.mstatusHi = MSTATUSH_UXL_SXL;
    this.medeleg = 0; this.mideleg = this.hasH ? MIP_VS_BITS : 0; this.mie = 0; this.mipSw = 0; this.mipHw &= ~MIP_VSTIP;
    this.mtvecLo = 0; this.mtvecHi = 0; this.mepcLo = 0; this.mepcHi = 0;
    this.mcauseLo = 0; this.mcauseHi = 0; this.mtvalLo = 0; this.mtvalHi = 0;
    this.mcounteren = 0; this.mcountinhibit = 0; this.menvcfgLo = 0; this.menvcfgHi = 0;
    this.stvecLo = 0; this.stvecHi = 0; this.sepcLo = 0; this.sepcHi = 0; this.scauseLo = 0; this.scauseHi = 0;
    this.stvalLo = 0; this.stvalHi = 0; this.scounteren = 0; this.senvcfgLo = 0; this.satpLo = 0; this.satpHi = 0;
    this.stimecmpLo = -1; this.stimecmpHi = -1; this.fcsr = 0;
    this.mscratchLo = 0; this.mscratchHi = 0; this.sscratchLo = 0; this.sscratchHi = 0;
    this.instretBaseLo = 0; this.instretBaseHi = 0; this.instretAt = this.h.retired;
    this.cycleBaseLo = 0; this.cycleBaseHi = 0; this.cycleAt = this.h.retired;
    this.hstatusLo = 0; this.hedeleg = 0; this.hideleg = 0; this.hvip = 0; this.hcounteren = 0;
    this.htimedeltaLo = 0; this.htimedeltaHi = 0; this.htvalLo = 0; this.htvalHi = 0; this.htinstLo = 0; this.htinstHi = 0;
    this.hgatpLo = 0; this.hgatpHi = 0; this.henvcfgLo = 0; this.henvcfgHi = 0; this.vsstatusLo = 0;
    this.vstvecLo = 0; this.vstvecHi = 0; this.vsscratchLo = 0; this.vsscratchHi = 0; this.vsepcLo = 0; this.vsepcHi = 0;
    this.vscauseLo = 0; this.vscauseHi = 0; this.vstvalLo = 0; this.vstvalHi = 0; this.vsatpLo = 0; this.vsatpHi = 0;
    this.vstimecmpLo = -1; this.vstimecmpHi = -1; this.mtval2Lo = 0; this.mtval2Hi = 0; this.mtinstLo = 0; this.mtinstHi = 0;
    this.pmp.reset();
  }

  has(ext: string): boolean {
    return (this.misaLo & (1 << (ext.charCodeAt(0) - 97))) !== 0;
  }

  /** mip as software sees it: software bits, device lines, and the VS bits from hvip. */
  get mip(): number {
    return this.mipSw | this.mipHw | this.hvip;
  }

  get sstcEnabled(): boolean {
    return (this.menvcfgHi & MENVCFG_STCE_HI) !== 0;
  }

  /** vstimecmp in effect for VS-mode: Sstc enabled at both M and HS level. */
  get vsstcEnabled(): boolean {
    return this.sstcEnabled && (this.henvcfgHi & MENVCFG_STCE_HI) !== 0;
  }

  /** time as VS/VU-mode sees it: time + htimedelta (hypervisor.adoc, htimedelta). */
  guestTime(now: number): number {
    return now + (this.htimedeltaHi | 0) * TWO32 + (this.htimedeltaLo >>> 0);
  }

  // ------------------------------------------------------------ interrupts

  /**
   * The interrupt the hart must take now, or -1. machine.adoc "Machine Interrupt Registers" and
   * hypervisor.adoc "Hypervisor Interrupt Registers": an interrupt not delegated by mideleg goes
   * to M (enabled below M, or in M with MIE); delegated but not by hideleg it goes to HS (enabled
   * when V=1, in U, or in HS with SIE); delegated by both it goes to VS (only while V=1: in VU, or
   * in VS with vsstatus.SIE). Interrupts for a more privileged level are taken first.
   */
  pendingInterrupt(): number {
    const pending = (this.mipSw | this.mipHw | this.hvip) & this.mie;
    if (pending === 0) return -1;
    const h = this.h, priv = h.priv, virt = h.virt;
    const mLevel = pending & ~this.mideleg;
    if (mLevel !== 0 && (priv < Priv.M || (this.mstatusLo & MSTATUS_MIE) !== 0)) return highestPriority(mLevel);
    const sPending = pending & this.mideleg;
    const hsLevel = sPending & ~this.hideleg;
    if (hsLevel !== 0 && priv !== Priv.M && (virt || priv === Priv.U || (this.mstatusLo & MSTATUS_SIE) !== 0)) return highestPriority(hsLevel);
    const vsLevel = sPending & this.hideleg;
    if (vsLevel !== 0 && virt && (priv === Priv.U || (this.vsstatusLo & MSTATUS_SIE) !== 0)) return highestPriority(vsLevel);
    return -1;
  }

  /** True when WFI may complete: some interrupt is pending and enabled in mie (global enables ignored). */
  wakeable(): boolean {
    return ((this.mipSw | this.mipHw | this.hvip) & this.mie) !== 0;
  }

  /** Re-evaluates STIP from stimecmp and VSTIP from vstimecmp (Sstc) at the current time. */
  updateTimer(now: number): void {
    let hw = this.mipHw & ~(MIP_STIP | MIP_VSTIP);
    if (this.sstcEnabled && now >= (this.stimecmpHi >>> 0) * TWO32 + (this.stimecmpLo >>> 0)) hw |= MIP_STIP;
    if (this.vsstcEnabled && this.guestTime(now) >= (this.vstimecmpHi >>> 0) * TWO32 + (this.vstimecmpLo >>> 0)) hw |= MIP_VSTIP;
    this.mipHw = hw;
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
   * Counter access below M (Zicntr; machine.adoc "Machine Counter-Enable Register"; with V=1,
   * hypervisor.adoc: hcounteren, and the virtual-instruction rule): mcounteren must allow it
   * (else illegal), then hcounteren for VS/VU and scounteren for U/VU (else virtual instruction
   * when V=1, illegal when V=0).
   */
  private counterFault(bit: number): CsrFault {
    const h = this.h, m = 1 << bit;
    if (h.priv === Priv.M) return CsrFault.None;
    if ((this.mcounteren & m) === 0) return CsrFault.Illegal;
    if (h.virt) {
      if ((this.hcounteren & m) === 0) return CsrFault.Virtual;
      if (h.priv === Priv.U && (this.scounteren & m) === 0) return CsrFault.Virtual;
      return CsrFault.None;
    }
    if (h.priv === Priv.U && (this.scounteren & m) === 0) return CsrFault.Illegal;
    return CsrFault.None;
  }

  // ------------------------------------------------------------ access

  /**
   * Whether the current mode may access `num` (privileged spec "CSR Address Mapping
   * Conventions": bits 9:8 the lowest privilege, 2 meaning HS for the H extension's CSRs; bits
   * 11:10 = 3 read-only), plus the CSR-specific rules (FS, counters, TVM/VTVM, Sstc). With V=1 an
   * access that HS-mode could make raises a virtual-instruction exception instead (hypervisor.adoc
   * "Trap Cause Codes").
   */
  check(num: number, write: boolean): CsrFault {
    const h = this.h;
    const level = (num >>> 8) & 3;
    if (write && (num >>> 10) === 3) return CsrFault.Illegal;
    if (level === 2 && !(this.hasH && H_CSRS.has(num))) return CsrFault.Illegal;
    if (!h.virt) {
      const need = level === 2 ? Priv.S : level;
      if (h.priv < need) return CsrFault.Illegal;
    } else {
      if (level === 3) return CsrFault.Illegal;
      if (level === 2) return CsrFault.Virtual;
      if (level === 1 && h.priv === Priv.U) return this.readRaw(num) === undefined ? CsrFault.Illegal : CsrFault.Virtual;
    }
    switch (num) {
      case CSR.fflags: case CSR.frm: case CSR.fcsr:
        // FS off is always illegal, never virtual (hypervisor.adoc, "FS and VS ... deviate").
        return this.fpEnabled() ? CsrFault.None : CsrFault.Illegal;
      case CSR.cycle: return this.counterFault(0);
      case CSR.time: return this.counterFault(1);
      case CSR.instret: return this.counterFault(2);
      case CSR.satp:
        if (h.virt) return (this.hstatusLo & HSTATUS_VTVM) !== 0 && h.priv === Priv.S ? CsrFault.Virtual : CsrFault.None;
        return h.priv === Priv.S && (this.mstatusLo & MSTATUS_TVM) !== 0 ? CsrFault.Illegal : CsrFault.None;
      case CSR.hgatp:
        return h.priv === Priv.S && (this.mstatusLo & MSTATUS_TVM) !== 0 ? CsrFault.Illegal : CsrFault.None;
      case CSR.stimecmp:
        // Sstc: below M, stimecmp needs menvcfg.STCE and mcounteren.TM; with V=1 (vstimecmp) also
        // henvcfg.STCE and hcounteren.TM, else a virtual-instruction exception.
        if (h.priv === Priv.M) return CsrFault.None;
        if (!this.sstcEnabled || (this.mcounteren & 2) === 0) return CsrFault.Illegal;
        if (h.virt && (!this.vsstcEnabled || (this.hcounteren & 2) === 0)) return CsrFault.Virtual;
        return CsrFault.None;
    }
    if (num >= CSR.hpmcounter3 && num <= CSR.hpmcounter31) return this.counterFault(num - CSR.cycle);
    return CsrFault.None;
  }

  /** CSR read for an instruction. Returns lo (hi in `this.hi`); on failure raises and returns 0. */
  read(num: number, raw: number): number {
    const f = this.check(num, false);
    if (f !== CsrFault.None) { this.h.raise(f, raw); return 0; }
    const v = this.readRaw(num);
    if (v === undefined) { this.h.raise(CAUSE.ILLEGAL_INSTRUCTION, raw); return 0; }
    return v;
  }

  /** CSR write for an instruction; raises illegal or virtual instruction when not allowed. */
  write(num: number, lo: number, hi: number, raw: number): void {
    const f = this.check(num, true);
    if (f !== CsrFault.None) { this.h.raise(f, raw); return; }
    if (!this.writeRaw(num, lo, hi)) this.h.raise(CAUSE.ILLEGAL_INSTRUCTION, raw);
  }

  /** Value of a CSR without privilege checks (the debugger uses this too); undefined if it does not exist or is not accessible in this state. */
  readRaw(num: number): number | undefined {
    const h = this.h;
    this.hi = 0;
    if (h.virt) num = VS_SUBSTITUTE[num] ?? num;
    switch (num) {
      case CSR.fflags: return this.fcsr & 0x1f;
      case CSR.frm: return (this.fcsr >>> 5) & 7;
      case CSR.fcsr: return this.fcsr & 0xff;
      case CSR.cycle: return this.cycle();
      case CSR.time: {
        const t = h.virt ? this.guestTime(h.mem.clockNow()) : h.mem.clockNow();
        this.hi = Math.floor(t / TWO32) | 0;
        return t | 0;
      }
      case CSR.instret: return this.instret();

      case CSR.sstatus: return this.sstatusLo();
      case CSR.sie: return this.mie & this.mideleg & ~MIP_VS_BITS;
      case CSR.stvec: this.hi = this.stvecHi; return this.stvecLo;
      case CSR.scounteren: return this.scounteren;
      case CSR.senvcfg: return this.senvcfgLo;
      case CSR.sscratch: this.hi = this.sscratchHi; return this.sscratchLo;
      case CSR.sepc: this.hi = this.sepcHi; return this.sepcLo;
      case CSR.scause: this.hi = this.scauseHi; return this.scauseLo;
      case CSR.stval: this.hi = this.stvalHi; return this.stvalLo;
      case CSR.sip: return this.mip & this.mideleg & ~MIP_VS_BITS;
      case CSR.stimecmp:
        if (!this.has('s')) return undefined;
        this.hi = this.stimecmpHi; return this.stimecmpLo;
      case CSR.satp: this.hi = this.satpHi; return this.satpLo;

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
    if (this.hasH) {
      const v = this.readHypervisor(num);
      if (v !== undefined) return v;
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
    if (num >= CSR.hpmcounter3 && num <= CSR.hpmcounter31) return 0;
    return undefined;
  }

  /** The H extension's CSRs (hypervisor.adoc); undefined for any other number. */
  private readHypervisor(num: number): number | undefined {
    switch (num) {
      case CSR.hstatus: this.hi = HSTATUSH_VSXL; return this.hstatusLo;
      case CSR.hedeleg: return this.hedeleg;
      case CSR.hideleg: return this.hideleg;
      case CSR.hie: return this.mie & MIP_VS_BITS;
      case CSR.hip: return this.mip & (MIP_VS_BITS | MIP_SGEIP);
      case CSR.hvip: return this.hvip;
      case CSR.hcounteren: return this.hcounteren;
      case CSR.htimedelta: this.hi = this.htimedeltaHi; return this.htimedeltaLo;
      case CSR.hgeie: case CSR.hgeip: return 0; // GEILEN = 0: no guest external interrupt files
      case CSR.henvcfg: this.hi = this.henvcfgHi; return this.henvcfgLo;
      case CSR.htval: this.hi = this.htvalHi; return this.htvalLo;
      case CSR.htinst: this.hi = this.htinstHi; return this.htinstLo;
      case CSR.hgatp: this.hi = this.hgatpHi; return this.hgatpLo;
      case CSR.vsstatus: {
        const lo = this.vsstatusLo;
        this.hi = 2 | ((lo & MSTATUS_FS) === MSTATUS_FS ? MSTATUSH_SD : 0); // UXL = 2, SD
        return lo;
      }
      // vsie/vsip: the VS bits (2, 6, 10) delegated by hideleg, seen one position lower (1, 5, 9).
      case CSR.vsie: return (this.mie & this.hideleg & MIP_VS_BITS) >>> 1;
      case CSR.vsip: return (this.mip & this.hideleg & MIP_VS_BITS) >>> 1;
      case CSR.vstvec: this.hi = this.vstvecHi; return this.vstvecLo;
      case CSR.vsscratch: this.hi = this.vsscratchHi; return this.vsscratchLo;
      case CSR.vsepc: this.hi = this.vsepcHi; return this.vsepcLo;
      case CSR.vscause: this.hi = this.vscauseHi; return this.vscauseLo;
      case CSR.vstval: this.hi = this.vstvalHi; return this.vstvalLo;
      case CSR.vsatp: this.hi = this.vsatpHi; return this.vsatpLo;
      case CSR.vstimecmp: this.hi = this.vstimecmpHi; return this.vstimecmpLo;
      case CSR.mtval2: this.hi = this.mtval2Hi; return this.mtval2Lo;
      case CSR.mtinst: this.hi = this.mtinstHi; return this.mtinstLo;
    }
    return undefined;
  }

  /** Writes the H extension's CSRs; false for any other number. */
  private writeHypervisor(num: number, lo: number, hi: number): boolean {
    const h = this.h;
    switch (num) {
      case CSR.hstatus: {
        const old = this.hstatusLo;
        this.hstatusLo = lo & HSTATUS_WRITABLE;
        if ((old ^ this.hstatusLo) & (HSTATUS_VTVM | HSTATUS_VTW | HSTATUS_VTSR)) h.event |= EV_BREAK;
        return true;
      }
      case CSR.hedeleg: this.hedeleg = lo & HEDELEG_WRITABLE; return true;
      case CSR.hideleg: this.hideleg = lo & MIP_VS_BITS; h.event |= EV_BREAK; return true;
      case CSR.hie: this.mie = (this.mie & ~MIP_VS_BITS) | (lo & MIP_VS_BITS); h.event |= EV_BREAK; return true;
      // hip.VSSIP aliases hvip.VSSIP; the other hip bits are read-only.
      case CSR.hip: this.hvip = (this.hvip & ~MIP_VSSIP) | (lo & MIP_VSSIP); h.event |= EV_BREAK; return true;
      case CSR.hvip: this.hvip = lo & MIP_VS_BITS; h.event |= EV_BREAK; return true;
      case CSR.hcounteren: this.hcounteren = lo | 0; return true;
      case CSR.htimedelta:
        this.htimedeltaLo = lo; this.htimedeltaHi = hi;
        this.updateTimer(h.mem.clockNow());
        return true;
      case CSR.hgeie: return true;
      case CSR.hgeip: return false;
      case CSR.henvcfg:
        this.henvcfgLo = lo & 1; this.henvcfgHi = hi & MENVCFG_STCE_HI;
        this.updateTimer(h.mem.clockNow());
        h.event |= EV_BREAK;
        return true;
      case CSR.htval: this.htvalLo = lo; this.htvalHi = hi; return true;
      case CSR.htinst: this.htinstLo = lo; this.htinstHi = hi; return true;
      case CSR.hgatp: {
        // MODE Bare/Sv39x4/Sv48x4/Sv57x4; another MODE leaves the register unchanged (WARL).
        const mode = hi >>> 28;
        if (mode !== 0 && mode !== 8 && mode !== 9 && mode !== 10) return true;
        this.hgatpLo = lo; this.hgatpHi = hi & 0xf3ffffff; // bits 59:58 are zero (VMIDLEN = 14)
        h.flushTlbRegime(true);
        return true;
      }
      case CSR.vsstatus: {
        const old = this.vsstatusLo;
        this.vsstatusLo = lo & VSSTATUS_WRITABLE;
        const cleared = old & ~this.vsstatusLo;
        if (cleared & (MSTATUS_SUM | MSTATUS_MXR)) h.narrowPermissions(true, (cleared & MSTATUS_SUM) !== 0, (cleared & MSTATUS_MXR) !== 0);
        h.event |= EV_BREAK;
        return true;
      }
      case CSR.vsie: {
        const m = this.hideleg & MIP_VS_BITS;
        this.mie = (this.mie & ~m) | ((lo << 1) & m);
        h.event |= EV_BREAK;
        return true;
      }
      case CSR.vsip: {
        // Only SSIP (bit 1), which is hvip.VSSIP when delegated.
        const m = this.hideleg & MIP_VSSIP;
        this.hvip = (this.hvip & ~m) | ((lo << 1) & m);
        h.event |= EV_BREAK;
        return true;
      }
      case CSR.vstvec: if ((lo & 3) < 2) { this.vstvecLo = lo; this.vstvecHi = hi; } return true;
      case CSR.vsscratch: this.vsscratchLo = lo; this.vsscratchHi = hi; return true;
      case CSR.vsepc: this.vsepcLo = lo & ~1; this.vsepcHi = hi; return true;
      case CSR.vscause: this.vscauseLo = lo; this.vscauseHi = hi; return true;
      case CSR.vstval: this.vstvalLo = lo; this.vstvalHi = hi; return true;
      case CSR.vsatp: {
        const mode = hi >>> 28;
        if (mode !== 0 && mode !== 8 && mode !== 9 && mode !== 10) return true;
        this.vsatpLo = lo; this.vsatpHi = hi;
        h.flushTlbRegime(true);
        return true;
      }
      case CSR.vstimecmp:
        this.vstimecmpLo = lo; this.vstimecmpHi = hi;
        this.updateTimer(h.mem.clockNow());
        h.event |= EV_BREAK;
        return true;
      case CSR.mtval2: this.mtval2Lo = lo; this.mtval2Hi = hi; return true;
      case CSR.mtinst: this.mtinstLo = lo; this.mtinstHi = hi; return true;
    }
    return false;
  }

  /** Writes a CSR (no privilege checks); false when it does not exist or is not writable in this state. */
  writeRaw(num: number, lo: number, hi: number): boolean {
    const h = this.h;
    if (h.virt) num = VS_SUBSTITUTE[num] ?? num;
    switch (num) {
      case CSR.fflags: this.fcsr = (this.fcsr & ~0x1f) | (lo & 0x1f); this.dirtyFp(); return true;
      case CSR.frm: this.fcsr = (this.fcsr & 0x1f) | ((lo & 7) << 5); this.dirtyFp(); return true;
      case CSR.fcsr: this.fcsr = lo & 0xff; this.dirtyFp(); return true;

      case CSR.sstatus:
        this.setMstatus((this.mstatusLo & ~SSTATUS_MASK_LO) | (lo & SSTATUS_MASK_LO), this.mstatusHi);
        return true;
      case CSR.sie: {
        const m = this.mideleg & ~MIP_VS_BITS;
        this.mie = (this.mie & ~m) | (lo & m);
        h.event |= EV_BREAK;
        return true;
      }
      case CSR.stvec: this.writeTvec(lo, hi, false); return true;
      // All 32 enables are writable: hpmcounter3-31 exist (as read-only-zero counters).
      case CSR.scounteren: this.scounteren = lo | 0; return true;
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
        this.stimecmpLo = lo; this.stimecmpHi = hi;
        this.updateTimer(h.mem.clockNow());
        h.event |= EV_BREAK;
        return true;
      case CSR.satp: {
        // Unsupported MODE: the whole write has no effect (supervisor.adoc, satp).
        const mode = hi >>> 28;
        if (mode !== 0 && mode !== 8 && mode !== 9 && mode !== 10) return true;
        this.satpLo = lo;
        this.satpHi = hi; // MODE, ASID (all 16 bits implemented), PPN (44 bits)
        h.flushTlbRegime(false);
        return true;
      }

      case CSR.mstatus: this.setMstatus(lo, hi); return true;
      case CSR.misa: return true; // WARL: the extension set is fixed
      case CSR.medeleg: this.medeleg = lo & (this.hasH ? DELEGABLE_EXC_H : DELEGABLE_EXC); return true;
      // With H, mideleg's VS bits are read-only one (hypervisor.adoc "Machine Interrupt Delegation").
      case CSR.mideleg: this.mideleg = (lo & DELEGABLE_IRQS) | (this.hasH ? MIP_VS_BITS : 0); h.event |= EV_BREAK; return true;
      case CSR.mie: this.mie = lo & (DELEGABLE_IRQS | MIP_MSIP | MIP_MTIP | MIP_MEIP | (this.hasH ? MIP_VS_BITS : 0)); h.event |= EV_BREAK; return true;
      case CSR.mtvec: this.writeTvec(lo, hi, true); return true;
      case CSR.mcounteren: this.mcounteren = lo | 0; return true;
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
        // mip.VSSIP aliases hvip.VSSIP (hypervisor.adoc "Machine Interrupt Registers").
        if (this.hasH) this.hvip = (this.hvip & ~MIP_VSSIP) | (lo & MIP_VSSIP);
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
    if (this.hasH && this.writeHypervisor(num, lo, hi)) return true;
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

  /** FP instructions may run: FS is not Off in mstatus, nor in vsstatus when V=1. */
  fpEnabled(): boolean {
    return this.has('f') && (this.mstatusLo & MSTATUS_FS) !== 0 && (!this.h.virt || (this.vsstatusLo & MSTATUS_FS) !== 0);
  }

  /** Marks the floating-point state Dirty: mstatus.FS, and vsstatus.FS too when V=1. */
  dirtyFp(): void {
    this.mstatusLo |= MSTATUS_FS;
    if (this.h.virt) this.vsstatusLo |= MSTATUS_FS;
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
  setMstatus(lo: number, hi: number): void {
    const oldHi = this.mstatusHi;
    if (this.hasH) this.mstatusHi = (this.mstatusHi & ~(MSTATUSH_MPV | MSTATUSH_GVA)) | (hi & (MSTATUSH_MPV | MSTATUSH_GVA));
    const old = this.mstatusLo;
    let v = (old & ~MSTATUS_WRITABLE) | (lo & MSTATUS_WRITABLE);
    // MPP is WARL over the implemented modes: the reserved value 2 keeps the old MPP.
    if (((v & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT) === 2) v = (v & ~MSTATUS_MPP) | (old & MSTATUS_MPP);
    this.mstatusLo = v;
    // MPRV, MPP and MPV choose the context of loads and stores; SUM and MXR widen permissions,
    // so clearing them drops what they allowed (mstatus.MXR also applies to both VS-level stages).
    if (((old ^ v) & (MSTATUS_MPRV | MSTATUS_MPP)) || ((oldHi ^ this.mstatusHi) & MSTATUSH_MPV)) this.h.selectTlb();
    const cleared = old & ~v;
    if (cleared & (MSTATUS_SUM | MSTATUS_MXR)) this.h.narrowPermissions(false, (cleared & MSTATUS_SUM) !== 0, (cleared & MSTATUS_MXR) !== 0);
    if (cleared & MSTATUS_MXR) this.h.flushTlbRegime(true);
    this.h.event |= EV_BREAK;
  }

  private writeTvec(lo: number, hi: number, machine: boolean): void {
    // MODE ≥ 2 is reserved; the write is ignored (as QEMU does) rather than storing a reserved mode.
    if ((lo & 3) >= 2) return;
    if (machine) { this.mtvecLo = lo; this.mtvecHi = hi; } else { this.stvecLo = lo; this.stvecHi = hi; }
  }


  get tw(): boolean { return (this.mstatusLo & MSTATUS_TW) !== 0; }
  get tsr(): boolean { return (this.mstatusLo & MSTATUS_TSR) !== 0; }
  get tvm(): boolean { return (this.mstatusLo & MSTATUS_TVM) !== 0; }
  get vtw(): boolean { return (this.hstatusLo & HSTATUS_VTW) !== 0; }
  get vtsr(): boolean { return (this.hstatusLo & HSTATUS_VTSR) !== 0; }
  get vtvm(): boolean { return (this.hstatusLo & HSTATUS_VTVM) !== 0; }
  get hu(): boolean { return (this.hstatusLo & HSTATUS_HU) !== 0; }
}

function highestPriority(set: number): number {
  for (const irq of IRQ_PRIORITY) if (set & (1 << irq)) return irq;
  return 31 - Math.clz32(set);
}
