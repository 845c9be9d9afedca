// Google goldfish RTC (Android emulator "goldfish" virtual platform, also on QEMU `virt`).
// Time is nanoseconds since the Unix epoch = a fixed boot epoch + virtual time from the Clock
// (+ whatever the guest set), so runs are deterministic. Registers (32-bit):
//   0x00 TIME_LOW (reading latches TIME_HIGH; writing sets the time with the last TIME_HIGH write)
//   0x04 TIME_HIGH   0x08 ALARM_LOW (writing arms the alarm)   0x0c ALARM_HIGH
//   0x10 IRQ_ENABLED 0x14 CLEAR_ALARM  0x18 ALARM_STATUS  0x1c CLEAR_INTERRUPT
// Like the CLINT, the alarm is checked when the machine calls `update()`; `nextDeadline()` says when.
import { add64, fromNumber, hi64, ltu64, mul64, sub64, toNumberS } from '../common/u64';
import type { Clock, Device, IrqLine } from './device';

const TIME_LOW = 0x00;
const TIME_HIGH = 0x04;
const ALARM_LOW = 0x08;
const ALARM_HIGH = 0x0c;
const IRQ_ENABLED = 0x10;
const CLEAR_ALARM = 0x14;
const ALARM_STATUS = 0x18;
const CLEAR_INTERRUPT = 0x1c;

/** 2026-01-01T00:00:00Z in milliseconds since the Unix epoch: the default boot time. */
export const DEFAULT_RTC_EPOCH_MS = Date.UTC(2026, 0, 1);

export interface GoldfishRtcOptions {
  /** Wall-clock time at virtual time 0, in ms since the Unix epoch (default DEFAULT_RTC_EPOCH_MS). */
  epochMs?: number;
  /** Nanoseconds per Clock tick (default 100: the 10 MHz timebase). */
  nsPerTick?: number;
}

export class GoldfishRtc implements Device {
  readonly name = 'goldfish-rtc';
  private readonly nsPerTick: number;
  // Boot epoch + guest adjustment, in ns, as (lo, hi) halves.
  private baseLo = 0;
  private baseHi = 0;
  private readonly epochLo: number;
  private readonly epochHi: number;
  private timeHighLatch = 0;
  private timeHighWrite = 0;
  private alarmLo = 0;
  private alarmHi = 0;
  private alarmHighWrite = 0;
  private alarmArmed = false;
  private irqEnabled = false;
  private irqPending = false;
  private irqLevel = false;
  /** High half of the last `nowNs()`. */
  private nowHi = 0;

  constructor(private readonly clock: Clock, private readonly irq: IrqLine, options: GoldfishRtcOptions = {}) {
    this.nsPerTick = options.nsPerTick ?? 100;
    const ms = options.epochMs ?? DEFAULT_RTC_EPOCH_MS;
    const lo = fromNumber(ms);
    this.epochLo = mul64(lo, hi64, 1_000_000, 0);
    this.epochHi = hi64;
    this.reset();
  }

  reset(): void {
    this.baseLo = this.epochLo;
    this.baseHi = this.epochHi;
    this.timeHighLatch = 0;
    this.timeHighWrite = 0;
    this.alarmLo = 0;
    this.alarmHi = 0;
    this.alarmHighWrite = 0;
    this.alarmArmed = false;
    this.irqEnabled = false;
    this.irqPending = false;
    this.irqLevel = false;
    this.irq.set(false);
  }

  /** Current time in ns since the Unix epoch (debug views, tests). Not for hot paths. */
  timeNs(): bigint {
    const lo = this.nowNs();
    return (BigInt(this.nowHi >>> 0) << 32n) | BigInt(lo >>> 0);
  }

  /** Fires the alarm if its time has come. */
  update(): void {
    if (!this.alarmArmed) return;
    const lo = this.nowNs();
    if (!ltu64(lo, this.nowHi, this.alarmLo, this.alarmHi)) {
      this.alarmArmed = false;
      this.irqPending = true;
      this.updateIrq();
    }
  }

  /** Clock time (ticks) at which the alarm fires; Infinity if none is armed. */
  nextDeadline(): number {
    if (!this.alarmArmed) return Infinity;
    const dlo = sub64(this.alarmLo, this.alarmHi, this.baseLo, this.baseHi);
    const diff = toNumberS(dlo, hi64);
    return Math.max(0, Math.ceil(diff / this.nsPerTick));
  }

  read(offset: number, size: 1 | 2 | 4): number {
    if (offset === TIME_LOW && size === 4) {
      const lo = this.nowNs();
      this.timeHighLatch = this.nowHi;
      return lo >>> 0;
    }
    return this.peek(offset, size);
  }

  peek(offset: number, size: 1 | 2 | 4): number {
    if (size !== 4) return 0;
    switch (offset) {
      case TIME_LOW: return this.nowNs() >>> 0;
      case TIME_HIGH: return this.timeHighLatch >>> 0;
      case ALARM_LOW: return this.alarmLo >>> 0;
      case ALARM_HIGH: return this.alarmHi >>> 0;
      case IRQ_ENABLED: return this.irqEnabled ? 1 : 0;
      case ALARM_STATUS: return this.alarmArmed ? 1 : 0;
      default: return 0;
    }
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    if (size !== 4) return;
    switch (offset) {
      case TIME_LOW: {
        // New time T: base = T − ticks·nsPerTick.
        const tlo = this.elapsedNs();
        const thi = hi64;
        this.baseLo = sub64(value | 0, this.timeHighWrite, tlo, thi);
        this.baseHi = hi64;
        this.update();
        return;
      }
      case TIME_HIGH: this.timeHighWrite = value | 0; return;
      case ALARM_LOW:
        this.alarmLo = value | 0;
        this.alarmHi = this.alarmHighWrite;
        this.alarmArmed = true;
        this.update(); // an alarm in the past fires at once
        return;
      case ALARM_HIGH: this.alarmHighWrite = value | 0; return;
      case IRQ_ENABLED: this.irqEnabled = (value & 1) !== 0; this.updateIrq(); return;
      case CLEAR_ALARM: this.alarmArmed = false; return;
      case CLEAR_INTERRUPT: this.irqPending = false; this.updateIrq(); return;
      default: return;
    }
  }

  /** ticks·nsPerTick as (lo, hi64). */
  private elapsedNs(): number {
    const tlo = fromNumber(this.clock.now());
    return mul64(tlo, hi64, this.nsPerTick, 0);
  }

  /** Current time in ns; returns lo, high half in `nowHi`. */
  private nowNs(): number {
    const elo = this.elapsedNs();
    const lo = add64(this.baseLo, this.baseHi, elo, hi64);
    this.nowHi = hi64;
    return lo;
  }

  private updateIrq(): void {
    const level = this.irqPending && this.irqEnabled;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.irq.set(level);
    }
  }
}
