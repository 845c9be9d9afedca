// The embedded hypervisor's VM (ARCHITECTURE.md §3, §4): TypeScript playing HS-mode, as KVM does.
// `run(vcpu, budget)` enters the guest (V=1) and handles the VM exits that come back until the
// budget is used, the vCPU waits, or the guest halts; `handleExit(vcpu)` is the one-exit step for
// a scheduler that runs the hart itself (`onHartStopped(hart)`).
//
// Per vCPU the hart is configured as: hstatus.SPV=1, VTW=1 (WFI exits so time can advance),
// VTVM=1 in shadow mode, VSXL=64; hedeleg delegates the guest's own exceptions (misaligned,
// access faults, illegal instruction, breakpoint, ecall from VU, and — nested mode only — page
// faults); hideleg delegates VSSIP/VSTIP/VSEIP. Virtual interrupts go through hvip: VSSIP for SBI
// IPIs, VSTIP for the SBI timer (or the hart's own vstimecmp with Sstc), VSEIP from the guest PLIC.
import type { BlockBackend, ByteSink, Clock, PowerRequest } from '../devices/device';
import { CAUSE, CSR, MIP_VSEIP, MIP_VSSIP, MIP_VSTIP } from '../riscv/hart/csrs';
import { Access, type AccessKind } from '../mmu/pte';
import { Walker } from '../mmu/walker';
import { add64, hi64, toNumberU } from '../common/u64';
import { InternalError } from '../common/errors';
import { decodeExit, type VmExit } from './exits';
import { ExitLog } from './exitLog';
import { GStage, TablePool, type GStageMode } from './gstage';
import { GUEST_RAM_BASE, GuestMemory, RamPhysMem, planHostLayout, type HostLayout } from './guestMemory';
import { createGuestDevices, type GuestDevices } from './guestDevices';
import { decodeGuestInsn, decodeHtinst, emulateMmio, type MmioInsn } from './mmio';
import { ShadowPager } from './shadow';
import { SbiDispatcher, applySbiReturn } from './sbi/dispatch';
import type { SbiHost } from './sbi/types';
import { loadGuestImage, type GuestBootImage } from './boot';
import {
  HART_STOP_BREAK, HART_STOP_VMEXIT, HART_STOP_WFI, Vcpu, type GuestHart, type PendingEntry, type VcpuState,
} from './vcpu';

export type MemoryMode = 'nested' | 'shadow';

/** Host console input for the SBI console (DBCN read, legacy getchar). */
export interface ConsoleInput {
  /** The next byte, or -1 when none is waiting. */
  readByte(): number;
}

export interface VmConfig {
  /** One hart per vCPU (vCPU i = guest hart id i), all sharing one host RAM. */
  readonly harts: readonly GuestHart[];
  /** Host time (the machine's deterministic clock, ticks of 10 MHz). */
  readonly clock: Clock;
  /** Guest RAM size in bytes (multiple of 2 MiB); the guest sees it at GPA 0x8000_0000. */
  readonly guestRamBytes: number;
  /** 'nested' (default): Sv39x4/Sv48x4 G-stage; 'shadow': shadow page tables, hgatp Bare. */
  readonly memoryMode?: MemoryMode;
  /** G-stage format (default 'sv39x4'). */
  readonly gstageMode?: GStageMode;
  /** Bytes of host RAM reserved for page tables (default 8 MiB). */
  readonly tablesBytes?: number;
  /** The guest FDT advertises Sstc: henvcfg.STCE=1, the guest uses vstimecmp directly. */
  readonly sstc?: boolean;
  /** Guest console: UART and SBI console output. */
  readonly console: ByteSink;
  readonly consoleInput?: ConsoleInput;
  /** Block device behind the guest's top virtio-mmio slot. */
  readonly disk?: BlockBackend;
  readonly rtcEpochMs?: number;
  /** Exit-log ring size (default 4096). */
  readonly exitLogCapacity?: number;
  /** htimedelta: guest time = host time + delta (default 0). */
  readonly htimedelta?: number;
}

/** What handling one exit decided; the guest has already been re-entered for 'resume' and 'inject'. */
export type ExitOutcome =
  | { readonly action: 'resume'; readonly exit: VmExit }
  | { readonly action: 'inject'; readonly exit: VmExit; readonly cause: number; readonly tvalLo: number; readonly tvalHi: number }
  /** The vCPU waits (WFI, suspend) or stopped (HSM stop): the hart stays in HS until `run` wakes it. */
  | { readonly action: 'wait'; readonly exit: VmExit; readonly state: VcpuState }
  /** The guest asked to power off or reboot (SBI SRST, legacy shutdown, SiFive test device). */
  | { readonly action: 'halt'; readonly exit: VmExit; readonly request: PowerRequest }
  /** Not handled: the hart stays in HS with the trap state for the debugger. */
  | { readonly action: 'stop'; readonly exit: VmExit; readonly reason: string };

/** Why `run` returned. */
export type RunResult =
  /** The budget is used up; the vCPU is runnable. */
  | { readonly kind: 'budget' }
  /** Nothing to run: the scheduler skips this vCPU (the machine may skip idle time: `nextDeadline`). */
  | { readonly kind: 'waiting'; readonly state: 'wfi' | 'suspended' | 'stopped' }
  | { readonly kind: 'halt'; readonly request: PowerRequest }
  /** With `stopOnExit` (or an unhandled exit): the exit just handled. */
  | { readonly kind: 'exit'; readonly exit: VmExit; readonly outcome: ExitOutcome }
  /** The hart's breakRequested (debugger pause). */
  | { readonly kind: 'break' };

// hstatus bits (hypervisor.adoc, "Hypervisor Status Register").
const HSTATUS_SPV = 1 << 7;
const HSTATUS_SPVP = 1 << 8;
const HSTATUS_VTVM = 1 << 20;
const HSTATUS_VTW = 1 << 21;
/** hstatus.VSXL = 2 (64-bit VS-mode), bits 33:32. */
const HSTATUS_HI_VSXL64 = 2;
const SSTATUS_SPP = 1 << 8;
const VSSTATUS_SUM = 1 << 18;
const VSSTATUS_MXR = 1 << 19;
const VSSTATUS_FS_DIRTY = 3 << 13;
const SSTATUS_FS_DIRTY = 3 << 13;
/** vsstatus.UXL = 2, bits 33:32. */
const VSSTATUS_HI_UXL64 = 2;
/** Exceptions the guest handles itself: causes 0-8 (misaligned, access faults, illegal, breakpoint, ecall from VU). */
const HEDELEG_GUEST = 0x1ff;
/** ... plus its page faults (12, 13, 15) in nested mode. */
const HEDELEG_PAGE_FAULTS = (1 << 12) | (1 << 13) | (1 << 15);
const HIDELEG_VS = MIP_VSSIP | MIP_VSTIP | MIP_VSEIP;
/**
 * medeleg/mideleg so that every trap from V=1 reaches HS (the embedded hypervisor runs without
 * M-mode firmware): all exceptions but ecall from M; SSI/STI/SEI (the VS bits are read-only one).
 */
const MEDELEG_ALL = 0x7ff | (1 << 12) | (1 << 13) | (1 << 15) | (0xf << 20);
const MIDELEG_S = (1 << 1) | (1 << 5) | (1 << 9);
/** pmpcfg entry: A = NAPOT, R, W, X. */
const PMP_NAPOT_RWX = (3 << 3) | 0x7;
/** hcounteren/mcounteren: CY, TM, IR readable by the guest. */
const COUNTEREN = 0x7;
/** henvcfg.STCE / menvcfg.STCE, bit 63. */
const ENVCFG_HI_STCE = 1 << 31;

const CSR_OPS = new Set(['csrrw', 'csrrs', 'csrrc', 'csrrwi', 'csrrsi', 'csrrci']);
const ACCESS_FAULT: Record<string, number> = { fetch: CAUSE.FETCH_ACCESS, load: CAUSE.LOAD_ACCESS, store: CAUSE.STORE_ACCESS };
const ACCESS_KIND: Record<string, AccessKind> = { fetch: Access.Fetch, load: Access.Load, store: Access.Store };

function park(v: Vcpu, on: boolean): void {
  if (v.hart.parked !== undefined) v.hart.parked = on;
}

export class Vm implements SbiHost {
  readonly vcpus: Vcpu[];
  readonly memoryMode: MemoryMode;
  readonly layout: HostLayout;
  readonly guestMem: GuestMemory;
  readonly pool: TablePool;
  /** G-stage tables: installed in hgatp in nested mode; in shadow mode they only serve the hypervisor's own guest walks. */
  readonly gstage: GStage;
  readonly devices: GuestDevices;
  readonly exitLog: ExitLog;
  readonly sbi = new SbiDispatcher();
  readonly console: ByteSink;
  /** Guest time: host clock + htimedelta. */
  readonly guestClock: Clock;
  readonly sstc: boolean;
  readonly htimedelta: number;
  /** A power request from the guest's test device, taken at the end of the exit that caused it. */
  private power: PowerRequest | undefined;
  /** vCPUs whose hart sits in HS after an exit and needs SRET to go back to the guest. */
  private readonly inHs = new Set<Vcpu>();
  /** Side-effect-free walks of guest tables (instruction fetch for decode, legacy hart masks). */
  private readonly peekWalker: Walker;
  private readonly consoleInput: ConsoleInput | undefined;

  constructor(private readonly config: VmConfig) {
    if (config.harts.length < 1) throw new InternalError('a VM needs at least one hart');
    const ram = config.harts[0].ram;
    for (const h of config.harts) if (h.ram !== ram) throw new InternalError('all vCPU harts must share one host RAM');
    this.memoryMode = config.memoryMode ?? 'nested';
    this.sstc = config.sstc ?? false;
    this.htimedelta = config.htimedelta ?? 0;
    this.console = config.console;
    this.consoleInput = config.consoleInput;
    this.layout = planHostLayout(ram, config.guestRamBytes, config.tablesBytes);
    const code = config.harts[0].code;
    this.guestMem = new GuestMemory(ram, this.layout, code);
    this.pool = new TablePool(ram, this.layout.tablesHpa, this.layout.tablesBytes);
    this.gstage = new GStage(this.pool, config.gstageMode ?? 'sv39x4');
    if (!this.gstage.map(GUEST_RAM_BASE, this.layout.guestRamHpa, config.guestRamBytes)) throw new InternalError('G-stage: table region too small');
    const delta = this.htimedelta;
    this.guestClock = { now: () => config.clock.now() + delta };
    this.exitLog = new ExitLog(config.exitLogCapacity ?? 4096);
    this.vcpus = config.harts.map((h, i) => new Vcpu(i, h));
    const peekMem = new RamPhysMem(ram);
    peekMem.writable = false;
    this.peekWalker = new Walker(peekMem);
    this.devices = createGuestDevices({
      vcpus: this.vcpus.length, console: config.console, clock: this.guestClock, dma: this.guestMem,
      setExternal: (h, level) => this.vcpus[h]?.setCsrBits(CSR.hvip, MIP_VSEIP, level),
      onPower: (req) => { this.power = req; },
      disk: config.disk, rtcEpochMs: config.rtcEpochMs,
    });
    if (this.memoryMode === 'shadow') {
      const walkMem = new RamPhysMem(ram, code);
      const isDevice = (gpa: number): boolean => this.devices.bus.find(gpa) !== undefined;
      for (const v of this.vcpus) v.shadow = new ShadowPager(this.pool, this.guestMem, this.gstage, walkMem, isDevice);
    }
  }

  // ------------------------------------------------------------------ boot and entry

  /** Loads the guest and makes the boot vCPU runnable at the entry (a0 = hart id, a1 = FDT). */
  boot(img: GuestBootImage): { fdtGpa: number } {
    const { fdtGpa } = loadGuestImage(this.guestMem, img);
    const boot = img.bootVcpu ?? 0;
    if (!(boot >= 0 && boot < this.vcpus.length)) throw new InternalError(`boot vCPU ${boot} does not exist`);
    for (const v of this.vcpus) { v.state = 'stopped'; v.pendingEntry = undefined; }
    const v = this.vcpus[boot];
    v.state = 'running';
    v.pendingEntry = { pc: img.entry, a0: boot, a1Lo: fdtGpa | 0, a1Hi: Math.floor(fdtGpa / 4294967296) };
    return { fdtGpa };
  }

  /** Configures the hart for the guest and enters VS-mode at `e` (satp = 0, SIE = 0, a0, a1). */
  private enter(v: Vcpu, e: PendingEntry): void {
    const h = v.hart;
    if (h.priv === 3) h.priv = 1; // the hypervisor is HS-mode; without firmware the hart starts in M
    h.virt = false;
    v.writeCsr(CSR.medeleg, MEDELEG_ALL);
    v.writeCsr(CSR.mideleg, MIDELEG_S);
    v.writeCsr(CSR.mcounteren, COUNTEREN);
    // What firmware would do: with PMP implemented and no entry matching, S/U accesses fail
    // (machine.adoc, "Physical Memory Protection"); entry 0 = NAPOT over everything, RWX.
    if ((v.csrLo(CSR.pmpcfg0) & 0xff) === 0) {
      v.writeCsr(CSR.pmpaddr0, -1, 0x003fffff);
      v.writeCsr(CSR.pmpcfg0, PMP_NAPOT_RWX);
    }
    const shadow = v.shadow !== undefined;
    v.writeCsr(CSR.hedeleg, HEDELEG_GUEST | (shadow ? 0 : HEDELEG_PAGE_FAULTS));
    v.writeCsr(CSR.hideleg, HIDELEG_VS);
    v.writeCsr(CSR.hcounteren, COUNTEREN);
    const dlo = Math.floor(this.htimedelta) | 0;
    v.writeCsr(CSR.htimedelta, dlo, Math.floor(this.htimedelta / 4294967296));
    if (this.sstc) {
      const [mlo, mhi] = v.csr(CSR.menvcfg);
      v.writeCsr(CSR.menvcfg, mlo, mhi | ENVCFG_HI_STCE);
      v.writeCsr(CSR.henvcfg, 0, ENVCFG_HI_STCE);
      v.writeCsr(CSR.vstimecmp, -1, -1);
    } else {
      v.writeCsr(CSR.henvcfg, 0, 0);
    }
    v.timerDeadline = Infinity;
    v.writeCsr(CSR.hvip, 0);
    v.writeCsr(CSR.vsstatus, 0, VSSTATUS_HI_UXL64);
    v.writeCsr(CSR.vsie, 0);
    v.writeCsr(CSR.vstvec, 0);
    v.writeCsr(CSR.vsscratch, 0);
    if (v.shadow) {
      v.shadow.writeSatp(0, 0);
      v.writeCsr(CSR.hgatp, 0, 0);
      const [slo, shi] = v.shadow.vsatp();
      v.writeCsr(CSR.vsatp, slo, shi);
    } else {
      const [glo, ghi] = this.gstage.hgatp(0);
      v.writeCsr(CSR.hgatp, glo, ghi);
      v.writeCsr(CSR.vsatp, 0, 0);
    }
    v.writeCsr(CSR.hstatus, HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_VTW | (shadow ? HSTATUS_VTVM : 0), HSTATUS_HI_VSXL64);
    v.setCsrBits(CSR.sstatus, SSTATUS_SPP, true);
    // With V=1 FP instructions need FS on in the HS-level sstatus as well as in vsstatus
    // (hypervisor.adoc, vsstatus): the hypervisor keeps it Dirty, as KVM does while a guest runs.
    v.setCsrBits(CSR.sstatus, SSTATUS_FS_DIRTY, true);
    v.writeCsr(CSR.sepc, e.pc | 0, Math.floor(e.pc / 4294967296));
    v.setX(10, e.a0, 0);
    v.setX(11, e.a1Lo, e.a1Hi);
    h.flushTlb();
    h.interceptHs = true;
    h.sret();
    this.inHs.delete(v);
  }

  // ------------------------------------------------------------------ the run loop

  /**
   * Runs `vcpu` for up to `budget` instructions, handling exits. With `stopOnExit` it returns
   * after the first exit (already handled: the debugger's "continue to next VM exit").
   */
  run(vcpu: Vcpu, budget: number, opts: { stopOnExit?: boolean } = {}): RunResult {
    const h = vcpu.hart;
    if (vcpu.state === 'stopped') return { kind: 'waiting', state: 'stopped' };
    this.updateTimer(vcpu);
    this.devices.rtc.update();
    if (vcpu.state !== 'running' && !this.wake(vcpu)) return { kind: 'waiting', state: vcpu.state };
    this.enterPending(vcpu);
    let left = budget;
    while (left > 0) {
      const before = h.retired;
      h.interceptHs = true;
      const why = h.run(left);
      left -= Math.max(1, h.lastSteps ?? h.retired - before);
      if (why === HART_STOP_VMEXIT) {
        const o = this.handleExit(vcpu);
        switch (o.action) {
          case 'halt': return { kind: 'halt', request: o.request };
          case 'stop': return { kind: 'exit', exit: o.exit, outcome: o };
          case 'wait': return { kind: 'waiting', state: o.state === 'running' ? 'wfi' : o.state };
          default:
            if (opts.stopOnExit) return { kind: 'exit', exit: o.exit, outcome: o };
            this.updateTimer(vcpu);
            continue;
        }
      }
      if (why === HART_STOP_WFI) return { kind: 'waiting', state: 'wfi' };
      if (why === HART_STOP_BREAK) return { kind: 'break' };
      return { kind: 'budget' };
    }
    return { kind: 'budget' };
  }

  /**
   * For a scheduler that runs the harts itself (Machine.vmExitHandler): enters the boot vCPU and
   * parks the others. Call once after `boot`.
   */
  start(): void {
    for (const v of this.vcpus) {
      if (v.state === 'running') this.enterPending(v);
      else park(v, true);
    }
  }

  /**
   * TimerSource for the machine: re-evaluates the virtual timers and the guest RTC at tick `now`
   * and wakes (unparks, re-enters) every waiting vCPU that has an interrupt to take.
   */
  update(_now: number): void {
    this.devices.rtc.update();
    for (const v of this.vcpus) {
      if (v.state === 'stopped') continue;
      this.updateTimer(v);
      if (v.state !== 'running' && this.wake(v)) this.enterPending(v);
    }
  }

  /** A waiting vCPU with an interrupt to take becomes runnable. */
  private wake(v: Vcpu): boolean {
    if (v.state === 'stopped') return false;
    if (v.state === 'running') return true;
    if (!this.wakeable(v)) return false;
    if (v.state === 'suspended' && v.resumeEntry) { v.pendingEntry = v.resumeEntry; v.resumeEntry = undefined; }
    v.state = 'running';
    return true;
  }

  /** Puts a runnable vCPU's hart back into the guest: a pending (re)start, or SRET after an exit it waited at. */
  private enterPending(v: Vcpu): void {
    if (v.state !== 'running') return;
    const h = v.hart;
    if (v.pendingEntry) {
      const e = v.pendingEntry;
      v.pendingEntry = undefined;
      this.enter(v, e);
    } else if (this.inHs.has(v)) {
      this.inHs.delete(v);
      h.interceptHs = true;
      h.sret();
    }
    park(v, false);
  }

  /** For a scheduler that runs harts itself: handle the exit `hart` stopped with. */
  onHartStopped(hart: GuestHart): ExitOutcome {
    const v = this.vcpus.find((x) => x.hart === hart);
    if (!v) throw new InternalError(`hart ${hart.hartId} belongs to no vCPU of this VM`);
    return this.handleExit(v);
  }

  /**
   * Handles the exit the vCPU's hart is stopped at (HS-mode, trap state in the CSRs): decodes it,
   * records it in the exit log, runs the handler and applies its outcome (SRET back to the guest,
   * or a trap injected into it; nothing for wait/halt/stop).
   */
  handleExit(vcpu: Vcpu): ExitOutcome {
    const exit = decodeExit(vcpu, (v, lo, hi) => this.fetchInsn(v, lo, hi));
    vcpu.lastExit = exit;
    vcpu.exits++;
    const [o, detail] = this.dispatch(vcpu, exit);
    this.exitLog.record(exit, detail);
    const h = vcpu.hart;
    switch (o.action) {
      case 'resume': h.interceptHs = true; h.sret(); break;
      case 'inject': h.interceptHs = true; h.injectGuestTrap(o.cause, false, o.tvalLo, o.tvalHi); break;
      default:
        this.inHs.add(vcpu);
        if (o.action === 'wait') park(vcpu, true);
    }
    return o;
  }

  private dispatch(v: Vcpu, exit: VmExit): [ExitOutcome, string] {
    const inject = (cause: number, tvalLo: number, tvalHi: number): ExitOutcome => ({ action: 'inject', exit, cause, tvalLo, tvalHi });
    switch (exit.kind) {
      case 'sbi': {
        const detail = this.sbi.describe(exit);
        const r = this.sbi.call(this, v, exit);
        if (applySbiReturn(v, r)) {
          if (r.kind === 'ret' && r.wait) return [{ action: 'wait', exit, state: v.state }, detail];
          return [this.afterDevice(exit) ?? { action: 'resume', exit }, detail];
        }
        if (r.kind === 'inject') return [inject(r.cause, r.tvalLo, r.tvalHi), detail];
        if (r.kind === 'halt') return [{ action: 'halt', exit, request: r.request }, detail];
        return [{ action: 'wait', exit, state: v.state }, detail];
      }
      case 'guest-page-fault': {
        if (exit.access === 'fetch' || exit.implicit) {
          // Executing from, or keeping page tables in, something that is not guest RAM.
          return [inject(ACCESS_FAULT[exit.access], exit.gvaLo, exit.gvaHi), exit.implicit ? 'page table outside RAM' : 'fetch outside RAM'];
        }
        return this.mmio(v, exit, exit.gpa, exit.insn, exit.gvaLo, exit.gvaHi);
      }
      case 'page-fault': {
        const sp = v.shadow;
        if (!sp) return [inject(exit.cause, exit.gvaLo, exit.gvaHi), 'reflected'];
        const vs = v.csrLo(CSR.vsstatus);
        const r = sp.handleFault(exit.gvaLo, exit.gvaHi, ACCESS_KIND[exit.access], exit.guestPriv, (vs & VSSTATUS_SUM) !== 0, (vs & VSSTATUS_MXR) !== 0);
        switch (r.kind) {
          case 'filled': return [{ action: 'resume', exit }, r.writable ? 'fill rw' : 'fill ro'];
          case 'guest-fault': return [inject(r.cause, exit.gvaLo, exit.gvaHi), 'guest fault'];
          case 'access-fault': return [inject(r.cause, exit.gvaLo, exit.gvaHi), 'access fault'];
          default: {
            let insn = decodeHtinst(exit.htinst);
            if (!insn) { const w = this.fetchInsn(v, exit.pcLo, exit.pcHi); insn = w === undefined ? undefined : decodeGuestInsn(w); }
            return this.mmio(v, exit, r.gpa, insn, exit.gvaLo, exit.gvaHi);
          }
        }
      }
      case 'virtual-instruction': {
        const d = exit.decoded;
        const sp = v.shadow;
        if (sp && d && exit.guestPriv === 1) {
          if (CSR_OPS.has(d.spec.name) && d.csr === CSR.satp) {
            const oldLo = sp.satpLo, oldHi = sp.satpHi;
            const imm = d.spec.fmt === 'CSRI';
            const sLo = imm ? d.rs1 : v.xLo(d.rs1), sHi = imm ? 0 : v.xHi(d.rs1);
            const op = d.spec.name.slice(0, 5);
            if (op === 'csrrw') sp.writeSatp(sLo, sHi);
            else if (d.rs1 !== 0) {
              if (op === 'csrrs') sp.writeSatp(oldLo | sLo, oldHi | sHi);
              else sp.writeSatp(oldLo & ~sLo, oldHi & ~sHi);
            }
            v.setX(d.rd, oldLo, oldHi);
            this.installShadow(v);
            v.advanceSepc(4);
            return [{ action: 'resume', exit }, `${d.spec.name} satp`];
          }
          if (d.spec.name === 'sfence.vma') {
            // rs1 = x0: every address; otherwise just that page (the ASID in rs2 is not used to narrow it).
            if (d.rs1 === 0) { sp.flush(); this.installShadow(v); }
            else {
              // One shadow leaf changes, so only that page's V=1 TLB entries go (a full flush
              // here cost the boot hundreds of thousands of refill walks).
              sp.flushPage(v.xLo(d.rs1), v.xHi(d.rs1));
              v.hart.flushGuestPage(v.xLo(d.rs1), v.xHi(d.rs1));
            }
            v.advanceSepc(4);
            return [{ action: 'resume', exit }, d.rs1 === 0 ? 'sfence.vma' : 'sfence.vma page'];
          }
        }
        // Nothing the hypervisor emulates: the guest sees an illegal instruction.
        return [inject(CAUSE.ILLEGAL_INSTRUCTION, exit.insn, 0), d ? d.spec.name : 'unknown'];
      }
      case 'wfi': {
        v.advanceSepc(exit.len);
        this.updateTimer(v);
        if (this.wakeable(v)) return [{ action: 'resume', exit }, 'no wait'];
        v.state = 'wfi';
        return [{ action: 'wait', exit, state: 'wfi' }, 'wait'];
      }
      case 'interrupt':
        return [{ action: 'resume', exit }, `irq ${exit.cause}`];
      case 'exception':
        // Not delegated but not ours either: the guest handles it as if it had been delegated.
        return [inject(exit.cause, exit.tvalLo, exit.tvalHi), 'reflected'];
    }
  }

  /** Emulates a load/store to device GPA `gpa`. */
  private mmio(v: Vcpu, exit: VmExit, gpa: number, insn: MmioInsn | undefined, gvaLo: number, gvaHi: number): [ExitOutcome, string] {
    const bus = this.devices.bus;
    const dev = bus.find(gpa)?.device.name ?? 'unmapped';
    const isStore = exit.cause === CAUSE.STORE_GUEST_PAGE_FAULT || exit.cause === CAUSE.STORE_PAGE_FAULT;
    const fault = isStore ? CAUSE.STORE_ACCESS : CAUSE.LOAD_ACCESS;
    if (!insn) return [{ action: 'inject', exit, cause: fault, tvalLo: gvaLo, tvalHi: gvaHi }, `${dev} undecodable`];
    if (!emulateMmio(v.hart, bus, gpa, insn)) return [{ action: 'inject', exit, cause: fault, tvalLo: gvaLo, tvalHi: gvaHi }, `${dev} ${insn.name} fault`];
    if (insn.fp && !insn.store) v.setCsrBits(CSR.vsstatus, VSSTATUS_FS_DIRTY, true);
    v.advanceSepc(insn.len);
    return [this.afterDevice(exit) ?? { action: 'resume', exit }, `${dev} ${insn.store ? 'store' : 'load'}`];
  }

  /** A device access may have asked for poweroff/reboot. */
  private afterDevice(exit: VmExit): ExitOutcome | undefined {
    const p = this.power;
    if (!p) return undefined;
    this.power = undefined;
    return { action: 'halt', exit, request: p };
  }

  private installShadow(v: Vcpu): void {
    const [lo, hi] = v.shadow!.vsatp();
    v.writeCsr(CSR.vsatp, lo, hi);
    v.hart.flushTlb();
  }

  // ------------------------------------------------------------------ time and interrupts

  /** Software timer (no Sstc): hvip.VSTIP follows guest time >= the SBI deadline. */
  private updateTimer(v: Vcpu): void {
    if (this.sstc) return;
    v.setCsrBits(CSR.hvip, MIP_VSTIP, this.guestClock.now() >= v.timerDeadline);
  }

  /** WFI/suspend wake-up: a VS-level interrupt pending and enabled in vsie (global SIE ignored). */
  wakeable(v: Vcpu): boolean {
    const pending = v.csrLo(CSR.hip) | v.csrLo(CSR.hvip);
    const enabled = (v.csrLo(CSR.vsie) << 1) | v.csrLo(CSR.hie);
    return (pending & enabled & HIDELEG_VS) !== 0;
  }

  /** True when no vCPU can run now (all stopped, in WFI or suspended). */
  allWaiting(): boolean {
    for (const v of this.vcpus) {
      if (v.state === 'running') return false;
      if (v.state !== 'stopped') { this.updateTimer(v); if (this.wakeable(v)) return false; }
    }
    return true;
  }

  /** Earliest host tick at which a guest timer (SBI or vstimecmp) or the guest RTC alarm fires; Infinity if none. */
  nextDeadline(): number {
    let next = this.devices.rtc.nextDeadline();
    for (const v of this.vcpus) {
      if (v.state === 'stopped') continue;
      let d = v.timerDeadline;
      if (this.sstc) { const [lo, hi] = v.csr(CSR.vstimecmp); d = toNumberU(lo, hi); }
      d -= this.htimedelta;
      if (d < next) next = d;
    }
    return next;
  }

  // ------------------------------------------------------------------ SbiHost

  probe(ext: number): number {
    return this.sbi.probe(ext);
  }

  setTimer(v: Vcpu, lo: number, hi: number): void {
    if (this.sstc) { v.writeCsr(CSR.vstimecmp, lo, hi); return; }
    v.timerDeadline = toNumberU(lo, hi);
    this.updateTimer(v);
  }

  sendIpi(target: Vcpu): void {
    target.setCsrBits(CSR.hvip, MIP_VSSIP, true);
  }

  clearIpi(v: Vcpu): boolean {
    const was = (v.csrLo(CSR.hvip) & MIP_VSSIP) !== 0;
    v.setCsrBits(CSR.hvip, MIP_VSSIP, false);
    return was;
  }

  fenceI(target: Vcpu): void {
    target.hart.flushTlb();
  }

  sfenceVma(target: Vcpu): void {
    if (target.shadow) {
      target.shadow.flush();
      this.installShadow(target);
    } else {
      target.hart.flushTlb(); // HFENCE.VVMA for the emulated TLB
    }
  }

  isExecutable(gpa: number): boolean {
    return this.guestMem.contains(gpa, 2);
  }

  startVcpu(target: Vcpu, startAddr: number, opaqueLo: number, opaqueHi: number): void {
    target.pendingEntry = { pc: startAddr, a0: target.id, a1Lo: opaqueLo, a1Hi: opaqueHi };
    target.resumeEntry = undefined;
    target.state = 'running';
    // Entered at once, so a scheduler that runs the harts itself sees it runnable.
    this.enterPending(target);
  }

  readConsoleByte(): number {
    return this.consoleInput?.readByte() ?? -1;
  }

  readGuestVirtual(v: Vcpu, vaLo: number, vaHi: number, len: number): Uint8Array | number {
    const out = new Uint8Array(len);
    const vs = v.csrLo(CSR.vsstatus);
    let i = 0;
    while (i < len) {
      const lo = add64(vaLo, vaHi, i, 0), hi = hi64;
      const pa = this.translateGuest(v, lo, hi, Access.Load, 1, (vs & VSSTATUS_SUM) !== 0, (vs & VSSTATUS_MXR) !== 0);
      if (pa < 0) return -pa;
      const n = Math.min(len - i, 4096 - (lo & 0xfff));
      const ram = v.hart.ram;
      out.set(ram.u8.subarray(pa - ram.base, pa - ram.base + n), i);
      i += n;
    }
    return out;
  }

  // ------------------------------------------------------------------ guest memory (side-effect free)

  /**
   * Guest virtual → host physical with the guest's own satp (vsatp in nested mode, the virtual
   * satp in shadow mode) over the G-stage; no A/D updates. Returns the HPA, or -cause on a fault
   * (a guest-page fault is reported as the matching access fault: the guest sees no G-stage).
   */
  translateGuest(v: Vcpu, vaLo: number, vaHi: number, access: AccessKind, priv: number, sum: boolean, mxr: boolean): number {
    let sLo: number, sHi: number;
    if (v.shadow) { sLo = v.shadow.satpLo; sHi = v.shadow.satpHi; }
    else [sLo, sHi] = v.csr(CSR.vsatp);
    const mode = sHi >>> 28;
    const ppn = (sHi & 0xfff) * 4294967296 + (sLo >>> 0);
    const cause = this.peekWalker.translate2(mode, ppn, this.gstage.mode, this.gstage.rootPpn, vaLo, vaHi, access, priv, sum, mxr, false);
    if (cause === 0) return this.peekWalker.res.pa;
    if (cause >= 20) return -[CAUSE.FETCH_ACCESS, CAUSE.LOAD_ACCESS, CAUSE.STORE_ACCESS][access];
    return -cause;
  }

  /** The instruction at guest pc (32 bits, low parcel first; a compressed one in bits 15:0), or undefined. */
  fetchInsn(v: Vcpu, pcLo: number, pcHi: number): number | undefined {
    const priv = (v.csrLo(CSR.sstatus) & SSTATUS_SPP) !== 0 ? 1 : 0;
    const ram = v.hart.ram;
    const pa = this.translateGuest(v, pcLo, pcHi, Access.Fetch, priv, false, false);
    if (pa < 0) return undefined;
    const lo16 = ram.u8[pa - ram.base] | (ram.u8[pa - ram.base + 1] << 8);
    if ((lo16 & 3) !== 3) return lo16;
    const nLo = add64(pcLo, pcHi, 2, 0), nHi = hi64;
    const pa2 = (pcLo & 0xfff) === 0xffe ? this.translateGuest(v, nLo, nHi, Access.Fetch, priv, false, false) : pa + 2;
    if (pa2 < 0) return undefined;
    const hi16 = ram.u8[pa2 - ram.base] | (ram.u8[pa2 - ram.base + 1] << 8);
    return (lo16 | (hi16 << 16)) | 0;
  }

  /** Statistics for the panel and the CLI. */
  stats(): { exits: number; gstageLeaves4k: number; gstageLeaves2m: number; tablePagesInUse: number; tablePages: number; shadow?: { fills: number; dirtyFills: number; flushes: number; guestFaults: number; mmio: number } } {
    const s = { exits: this.exitLog.total, gstageLeaves4k: this.gstage.leaves4k, gstageLeaves2m: this.gstage.leaves2m, tablePagesInUse: this.pool.inUse, tablePages: this.pool.capacity };
    if (this.memoryMode !== 'shadow') return s;
    const sh = { fills: 0, dirtyFills: 0, flushes: 0, guestFaults: 0, mmio: 0 };
    for (const v of this.vcpus) {
      const t = v.shadow!.stats;
      sh.fills += t.fills; sh.dirtyFills += t.dirtyFills; sh.flushes += t.flushes; sh.guestFaults += t.guestFaults; sh.mmio += t.mmio;
    }
    return { ...s, shadow: sh };
  }
}
