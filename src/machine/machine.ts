// The machine: RAM, the MMIO devices of memoryMap.ts, the harts, deterministic virtual time and
// the scheduler that interleaves harts in fixed quanta. It runs in budgets and says why it
// stopped (ARCHITECTURE.md §6); host I/O (console, block image) comes in through interfaces.

import { Ram } from '../devices/ram';
import { Bus } from '../devices/bus';
import { Clint } from '../devices/clint';
import { Plic } from '../devices/plic';
import { Uart16550 } from '../devices/uart16550';
import { SifiveTest } from '../devices/sifiveTest';
import { GoldfishRtc } from '../devices/goldfishRtc';
import { VirtioMmio } from '../devices/virtio/mmio';
import { VirtioBlk } from '../devices/virtio/blk';
import type { BlockBackend, ByteSink, Clock, Device, DmaMemory, HartIrqInputs, PowerRequest } from '../devices/device';
import { Hart, StopReason } from '../riscv/hart/hart';
import { CodeCache } from '../riscv/hart/codeCache';
import { SystemMemory } from '../riscv/hart/memory';
import { UserError } from '../common/errors';
import { Jit } from '../jit/jit';
import * as MAP from './memoryMap';

/** Retired instructions per tick of the 10 MHz timebase: each hart runs at 100 virtual MIPS. */
export const INSNS_PER_TICK = 10;
/** Instructions a hart runs before the scheduler moves to the next one (and time advances). */
export const QUANTUM = 10_000;

export interface MachineConfig {
  memoryBytes: number;
  harts: number;
  /** Extensions as misa letters (default: the ones this hart implements). */
  extensions?: string;
  /** Console output (UART). */
  console: ByteSink;
  /** Boot epoch of the RTC, ms since 1970 (fixed so runs are deterministic). */
  rtcEpochMs?: number;
  /** Block device behind virtio-mmio slot 0 (the other slots are empty, as on QEMU virt). */
  disk?: BlockBackend;
  /** Execution engine: the interpreter alone, or the block translator over it (default). */
  engine?: EngineKind;
}

export type EngineKind = 'interp' | 'jit';

/** A timer outside the CLINT and the harts (the hypervisor's virtual timers). */
export interface TimerSource {
  /** Tick at which this source next needs `update`, Infinity if none. */
  nextDeadline(): number;
  /** Raises whatever became due at tick `now`. */
  update(now: number): void;
}

/** Why `run` returned. */
export type StopCause =
  | { kind: 'budget' }
  | { kind: 'poweroff'; code: number }
  | { kind: 'reset' }
  | { kind: 'idle' }            // every hart waits in WFI and no timer will ever wake one
  | { kind: 'stuck'; hart: number; cause: number; pc: bigint } // a hart traps without progress
  | { kind: 'vm'; reason: string; code: number }                // the embedded hypervisor stopped the VM
  | { kind: 'debug'; hart: number };                              // a debugger hook (Hart.debugStop) fired

/** The ISA string the device tree and misa describe. */
export const ISA_STRING = 'rv64imafdch_zicsr_zifencei_zihintpause_sstc';

export class Machine implements Clock, DmaMemory {
  readonly ram: Ram;
  readonly bus = new Bus();
  readonly harts: Hart[] = [];
  readonly memory: SystemMemory;
  readonly code: CodeCache;
  readonly clint: Clint;
  readonly plic: Plic;
  readonly uart: Uart16550;
  readonly rtc: GoldfishRtc;
  readonly test: SifiveTest;
  readonly virtio: VirtioMmio[] = [];
  /** The block translator when `config.engine` is 'jit' (its listings: `jit.blocks()`, ...). */
  readonly jit: Jit | undefined;

  /** Time in ticks at the start of the current round; idle time skipped in WFI is included. */
  private ticks = 0;
  /** The hart currently running (time is read relative to its progress in the quantum). */
  private current: Hart | undefined;
  private roundStartRetired = 0;
  private power: PowerRequest | undefined;

  /**
   * Called when a hart stops with a VM exit (the embedded hypervisor, ARCHITECTURE.md §3): the
   * handler deals with it and resumes the guest, or returns why the machine must stop.
   */
  vmExitHandler: ((h: Hart) => StopCause | undefined) | undefined;
  /** Further timers whose deadlines wake idle harts (the hypervisor's virtual timers). */
  readonly timers: TimerSource[] = [];

  constructor(readonly config: MachineConfig) {
    if (config.harts < 1 || config.harts > 8) throw new UserError(`harts must be between 1 and 8, got ${config.harts}`);
    this.ram = new Ram(MAP.RAM_BASE, config.memoryBytes);
    this.memory = new SystemMemory(this.ram, this.bus, this);
    this.code = new CodeCache(config.memoryBytes / 4096, MAP.RAM_BASE);
    const ext = config.extensions ?? 'acdfhimsu';
    for (let i = 0; i < config.harts; i++) this.harts.push(new Hart(i, this.memory, this.code, ext));
    this.jit = (config.engine ?? 'jit') === 'jit' ? new Jit(this.code, config.memoryBytes / 4096) : undefined;
    if (this.jit) for (const h of this.harts) this.jit.attach(h);

    const irqs: HartIrqInputs = { setPending: (hart, bit, level) => this.harts[hart]?.csr.setHwPending(bit, level) };
    this.plic = new Plic(config.harts, irqs);
    this.test = new SifiveTest((req) => this.requestPower(req));
    this.rtc = new GoldfishRtc(this, this.plicLine(MAP.RTC_IRQ), { epochMs: config.rtcEpochMs });
    this.clint = new Clint(config.harts, this, irqs);
    this.uart = new Uart16550(config.console, this.plicLine(MAP.UART0_IRQ));
    this.mapDevice(MAP.SIFIVE_TEST_BASE, MAP.SIFIVE_TEST_SIZE, this.test);
    this.mapDevice(MAP.RTC_BASE, MAP.RTC_SIZE, this.rtc);
    this.mapDevice(MAP.CLINT_BASE, MAP.CLINT_SIZE, this.clint);
    this.mapDevice(MAP.PLIC_BASE, MAP.PLIC_SIZE, this.plic);
    this.mapDevice(MAP.UART0_BASE, MAP.UART0_SIZE, this.uart);
    // virtio-mmio slots: QEMU virt fills them from the top slot down; an empty slot reads DeviceID 0.
    for (let n = 0; n < MAP.VIRTIO_MMIO_COUNT; n++) {
      const model = n === MAP.VIRTIO_MMIO_COUNT - 1 && config.disk ? new VirtioBlk(config.disk) : undefined;
      const dev = new VirtioMmio(`virtio-mmio${n}`, this.plicLine(MAP.virtioMmioIrq(n)), this, model);
      this.virtio.push(dev);
      this.mapDevice(MAP.virtioMmioBase(n), MAP.VIRTIO_MMIO_SIZE, dev);
    }
  }

  // DmaMemory for virtio: guest-physical RAM; writes drop decoded code they overwrite.
  readPhys(pa: number, dst: Uint8Array): boolean {
    if (!this.ram.contains(pa, dst.length)) return false;
    dst.set(this.ram.u8.subarray(pa - this.ram.base, pa - this.ram.base + dst.length));
    return true;
  }

  writePhys(pa: number, src: Uint8Array): boolean {
    if (!this.ram.contains(pa, src.length)) return false;
    const off = pa - this.ram.base;
    this.ram.u8.set(src, off);
    for (let p = off >>> 12; p <= (off + src.length - 1) >>> 12; p++) this.code.noteStore(p);
    return true;
  }

  /** A PLIC input line for a device. */
  plicLine(source: number) {
    return this.plic.source(source);
  }

  mapDevice(base: number, size: number, dev: Device): void {
    const err = this.bus.map(base, size, dev);
    if (err) throw new UserError(`cannot map ${dev.name} at 0x${base.toString(16)}: ${err.kind === 'overlap' ? `overlaps ${err.existing.device.name}` : err.reason}`);
  }

  /** Deterministic mtime (Clock): ticks at the round start plus the current hart's progress. */
  now(): number {
    const h = this.current;
    if (h === undefined) return this.ticks;
    return this.ticks + Math.floor((h.retired - this.roundStartRetired) / INSNS_PER_TICK);
  }

  private requestPower(req: PowerRequest): void {
    this.power = req;
    for (const h of this.harts) h.breakRequested = true;
  }

  /** Writes bytes into RAM (loaders). */
  loadPhys(addr: number, bytes: Uint8Array): void {
    if (!this.writePhys(addr, bytes)) throw new UserError(`cannot place ${bytes.length} bytes at 0x${addr.toString(16)}: outside RAM (0x${this.ram.base.toString(16)}..0x${(this.ram.base + this.ram.size).toString(16)})`);
  }

  zeroPhys(addr: number, length: number): void {
    if (!this.ram.contains(addr, length)) throw new UserError(`cannot zero ${length} bytes at 0x${addr.toString(16)}: outside RAM`);
    this.ram.u8.fill(0, addr - this.ram.base, addr - this.ram.base + length);
  }

  /**
   * Runs up to `budget` instructions per hart, in rounds of QUANTUM, and returns why it stopped.
   * Time advances by QUANTUM / INSNS_PER_TICK per round; when every hart waits in WFI, time
   * jumps to the next timer deadline (idle time costs nothing).
   */
  run(budget: number): StopCause {
    let done = 0;
    while (done < budget) {
      const q = Math.min(QUANTUM, budget - done);
      let anyRan = false;
      for (const h of this.harts) {
        if (h.parked) continue;
        this.current = h;
        this.roundStartRetired = h.retired;
        let left = q;
        for (;;) {
          const why = h.run(left);
          left -= h.lastSteps;
          if (why !== StopReason.Wfi || h.retired !== this.roundStartRetired) anyRan = true;
          if (why === StopReason.VmExit && this.vmExitHandler) {
            const stop = this.vmExitHandler(h);
            if (stop) { this.current = undefined; return stop; }
            if (left > 0 && !h.parked && !this.power) continue;
          }
          if (why === StopReason.Debug) { this.current = undefined; return { kind: 'debug', hart: h.hartId }; }
          break;
        }
        if (h.trapsWithoutProgress > 10_000) {
          this.current = undefined;
          return { kind: 'stuck', hart: h.hartId, cause: h.lastTrap.cause, pc: (BigInt(h.lastTrap.pcHi >>> 0) << 32n) | BigInt(h.lastTrap.pcLo >>> 0) };
        }
        if (this.power) break;
      }
      this.current = undefined;
      if (this.harts.length > 1) for (const h of this.harts) h.resvValid = false;
      done += q;
      if (anyRan) this.ticks += Math.ceil(q / INSNS_PER_TICK);
      else {
        // Every hart waits for an interrupt: skip to the next timer deadline.
        // A deadline already passed wakes nobody (its interrupt is pending but not enabled).
        const next = this.nextDeadline();
        if (next === Infinity || next <= this.ticks) return { kind: 'idle' };
        this.ticks = next;
      }
      this.updateTimers();
      const p = this.takePowerRequest();
      if (p) return p;
    }
    return { kind: 'budget' };
  }

  /** A power-off or reset a device asked for, as the stop it causes (and forgotten once taken). */
  private takePowerRequest(): StopCause | undefined {
    const p = this.power;
    if (!p) return undefined;
    this.power = undefined;
    for (const h of this.harts) h.breakRequested = false;
    return p.kind === 'poweroff' ? { kind: 'poweroff', code: p.code } : { kind: 'reset' };
  }

  private updateTimers(): void {
    this.clint.update();
    const now = this.ticks;
    for (const h of this.harts) h.csr.updateTimer(now);
    for (const t of this.timers) t.update(now);
  }

  /** Smallest tick at which some timer (CLINT mtimecmp or a hart's stimecmp) fires. */
  private nextDeadline(): number {
    let next = this.clint.nextDeadline();
    if (next <= this.ticks) next = Infinity;
    const now = this.ticks;
    const later = (t: number) => { if (t > now && t < next) next = t; };
    for (const h of this.harts) {
      const c = h.csr;
      if (c.sstcEnabled) later((c.stimecmpHi >>> 0) * 4294967296 + (c.stimecmpLo >>> 0));
      // vstimecmp compares against time + htimedelta.
      if (c.vsstcEnabled) later((c.vstimecmpHi >>> 0) * 4294967296 + (c.vstimecmpLo >>> 0) - (c.guestTime(0)));
    }
    for (const t of this.timers) later(t.nextDeadline());
    return next;
  }

  /**
   * Runs one hart alone for up to `n` instructions (the debugger's instruction step): the other
   * harts stand still, and time advances by this hart's retired instructions only.
   */
  stepHart(h: Hart, n = 1): StopCause {
    this.current = h;
    this.roundStartRetired = h.retired;
    const why = h.run(n);
    this.current = undefined;
    this.ticks += Math.floor((h.retired - this.roundStartRetired) / INSNS_PER_TICK);
    if (why === StopReason.VmExit && this.vmExitHandler) {
      const stop = this.vmExitHandler(h);
      if (stop) return stop;
    }
    if (why === StopReason.Debug) return { kind: 'debug', hart: h.hartId };
    return this.takePowerRequest() ?? { kind: 'budget' };
  }

  /** Retired instructions over all harts. */
  get retired(): number {
    let n = 0;
    for (const h of this.harts) n += h.retired;
    return n;
  }
}
