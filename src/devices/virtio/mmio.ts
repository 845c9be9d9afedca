// virtio-mmio transport, version 2 ("modern"), virtio 1.1 §4.2.2 "MMIO Device Register Layout".
// Requests are processed synchronously on QueueNotify. A slot without a device model reports
// DeviceID 0, as QEMU's empty slots do, so Linux probes it and moves on.
//
// Feature bits offered: the model's own, plus VIRTIO_F_VERSION_1 (required: no legacy interface)
// and VIRTIO_F_INDIRECT_DESC (the queue walks indirect tables). No EVENT_IDX, no packed rings.
import type { Device, DmaMemory, IrqLine } from '../device';
import { Virtqueue } from './queue';

export const VIRTIO_MMIO_MAGIC = 0x74726976; // "virt"
export const VIRTIO_MMIO_VERSION = 2;
/** VendorID: the same value as QEMU ("QEMU"), so nothing in a guest can tell the slots apart. */
export const VIRTIO_MMIO_VENDOR = 0x554d4551;

// Registers (§4.2.2).
export const REG = {
  MagicValue: 0x000,
  Version: 0x004,
  DeviceID: 0x008,
  VendorID: 0x00c,
  DeviceFeatures: 0x010,
  DeviceFeaturesSel: 0x014,
  DriverFeatures: 0x020,
  DriverFeaturesSel: 0x024,
  QueueSel: 0x030,
  QueueNumMax: 0x034,
  QueueNum: 0x038,
  QueueReady: 0x044,
  QueueNotify: 0x050,
  InterruptStatus: 0x060,
  InterruptACK: 0x064,
  Status: 0x070,
  QueueDescLow: 0x080,
  QueueDescHigh: 0x084,
  QueueDriverLow: 0x090,
  QueueDriverHigh: 0x094,
  QueueDeviceLow: 0x0a0,
  QueueDeviceHigh: 0x0a4,
  ConfigGeneration: 0x0fc,
  Config: 0x100,
} as const;

// Device status bits (§2.1).
export const STATUS_ACKNOWLEDGE = 1;
export const STATUS_DRIVER = 2;
export const STATUS_DRIVER_OK = 4;
export const STATUS_FEATURES_OK = 8;
export const STATUS_DEVICE_NEEDS_RESET = 64;
export const STATUS_FAILED = 128;

// Feature bits (§6): in word 0 (bits 0..31) or word 1 (bits 32..63).
export const VIRTIO_F_INDIRECT_DESC = 28;
export const VIRTIO_F_VERSION_1 = 32;

// InterruptStatus bits (§4.2.2).
export const VIRTIO_MMIO_INT_VRING = 1;
export const VIRTIO_MMIO_INT_CONFIG = 2;

const TWO32 = 4294967296;

/** A virtio device behind the transport (virtio-blk, later console/net/...). */
export interface VirtioDeviceModel {
  /** Device ID (§5: 2 = block). */
  readonly deviceId: number;
  readonly name: string;
  readonly numQueues: number;
  /** QueueNumMax of every queue. */
  readonly queueNumMax: number;
  /** Device-specific feature bits, word `sel` (0: bits 0..31, 1: bits 32..63). */
  featureWord(sel: number): number;
  /** Device configuration space (offset from 0x100). Must not have side effects: `peek` uses it too. */
  readConfig(offset: number, size: 1 | 2 | 4): number;
  writeConfig(offset: number, size: 1 | 2 | 4, value: number): void;
  /**
   * The driver notified `queue`: process its available buffers and `pushUsed` them. Returns false
   * when the driver broke the protocol (the transport then sets DEVICE_NEEDS_RESET).
   */
  processQueue(index: number, queue: Virtqueue, negotiated: { lo: number; hi: number }): boolean;
  /** Device reset (Status written with 0). */
  reset(): void;
}

export class VirtioMmio implements Device {
  readonly name: string;
  readonly queues: Virtqueue[] = [];
  /** Negotiated features (DriverFeatures words 0 and 1), as the device model sees them. */
  readonly negotiated = { lo: 0, hi: 0 };
  private deviceFeaturesSel = 0;
  private driverFeaturesSel = 0;
  private driverLo = 0;
  private driverHi = 0;
  private queueSel = 0;
  private status = 0;
  private interruptStatus = 0;
  private irqLevel = false;

  constructor(
    name: string,
    private readonly irq: IrqLine,
    dma: DmaMemory,
    readonly model?: VirtioDeviceModel,
  ) {
    this.name = model ? `${name} (${model.name})` : name;
    if (model) for (let q = 0; q < model.numQueues; q++) this.queues.push(new Virtqueue(dma, model.queueNumMax));
    this.reset();
  }

  /** Device feature word `sel` as offered to the driver. */
  deviceFeatures(sel: number): number {
    if (!this.model) return 0;
    let w = this.model.featureWord(sel) >>> 0;
    if (sel === 0) w |= 1 << VIRTIO_F_INDIRECT_DESC;
    if (sel === 1) w |= 1 << (VIRTIO_F_VERSION_1 - 32);
    return w >>> 0;
  }

  reset(): void {
    this.deviceFeaturesSel = 0;
    this.driverFeaturesSel = 0;
    this.driverLo = 0;
    this.driverHi = 0;
    this.negotiated.lo = 0;
    this.negotiated.hi = 0;
    this.queueSel = 0;
    this.status = 0;
    this.interruptStatus = 0;
    for (const q of this.queues) q.reset();
    this.model?.reset();
    this.updateIrq();
  }

  /** Raises a configuration-change interrupt (for models whose config changes at run time). */
  notifyConfigChange(): void {
    this.interruptStatus |= VIRTIO_MMIO_INT_CONFIG;
    this.updateIrq();
  }

  read(offset: number, size: 1 | 2 | 4): number {
    return this.peek(offset, size); // no register read has side effects
  }

  peek(offset: number, size: 1 | 2 | 4): number {
    if (offset >= REG.Config) return this.model ? this.model.readConfig(offset - REG.Config, size) >>> 0 : 0;
    if (size !== 4) return 0; // §4.2.2.2: registers are accessed as 32-bit words only
    switch (offset) {
      case REG.MagicValue: return VIRTIO_MMIO_MAGIC;
      case REG.Version: return VIRTIO_MMIO_VERSION;
      case REG.DeviceID: return this.model ? this.model.deviceId : 0;
      case REG.VendorID: return VIRTIO_MMIO_VENDOR;
      case REG.DeviceFeatures: return this.deviceFeatures(this.deviceFeaturesSel);
      case REG.QueueNumMax: return this.selected()?.numMax ?? 0;
      case REG.QueueNum: return this.selected()?.num ?? 0;
      case REG.QueueReady: return this.selected()?.ready ? 1 : 0;
      case REG.InterruptStatus: return this.interruptStatus;
      case REG.Status: return this.status;
      case REG.QueueDescLow: return (this.selected()?.descAddr ?? 0) >>> 0;
      case REG.QueueDescHigh: return Math.floor((this.selected()?.descAddr ?? 0) / TWO32);
      case REG.QueueDriverLow: return (this.selected()?.driverAddr ?? 0) >>> 0;
      case REG.QueueDriverHigh: return Math.floor((this.selected()?.driverAddr ?? 0) / TWO32);
      case REG.QueueDeviceLow: return (this.selected()?.deviceAddr ?? 0) >>> 0;
      case REG.QueueDeviceHigh: return Math.floor((this.selected()?.deviceAddr ?? 0) / TWO32);
      case REG.ConfigGeneration: return 0; // the configuration never changes under the driver
      default: return 0;
    }
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    if (!this.model) return;
    if (offset >= REG.Config) { this.model.writeConfig(offset - REG.Config, size, value); return; }
    if (size !== 4) return;
    value >>>= 0;
    const q = this.selected();
    switch (offset) {
      case REG.DeviceFeaturesSel: this.deviceFeaturesSel = value; return;
      case REG.DriverFeatures:
        // Only while negotiating (§3.1.1): after FEATURES_OK the set is frozen.
        if (this.status & STATUS_FEATURES_OK) return;
        if (this.driverFeaturesSel === 0) this.driverLo = value;
        else if (this.driverFeaturesSel === 1) this.driverHi = value;
        return;
      case REG.DriverFeaturesSel: this.driverFeaturesSel = value; return;
      case REG.QueueSel: this.queueSel = value; return;
      case REG.QueueNum: if (q && !q.ready && value <= q.numMax) q.num = value; return;
      case REG.QueueReady:
        if (q) {
          q.ready = (value & 1) !== 0;
          // Disabling a queue (Linux does so in del_vq) restarts its ring indices on the next enable.
          if (!q.ready) { q.lastAvail = 0; q.usedIdx = 0; q.usedSinceNotify = false; }
        }
        return;
      case REG.QueueNotify: this.notify(value & 0xffff); return;
      case REG.InterruptACK:
        this.interruptStatus &= ~value;
        this.updateIrq();
        return;
      case REG.Status: this.writeStatus(value & 0xff); return;
      case REG.QueueDescLow: if (q && !q.ready) q.descAddr = Math.floor(q.descAddr / TWO32) * TWO32 + value; return;
      case REG.QueueDescHigh: if (q && !q.ready) q.descAddr = value * TWO32 + (q.descAddr % TWO32); return;
      case REG.QueueDriverLow: if (q && !q.ready) q.driverAddr = Math.floor(q.driverAddr / TWO32) * TWO32 + value; return;
      case REG.QueueDriverHigh: if (q && !q.ready) q.driverAddr = value * TWO32 + (q.driverAddr % TWO32); return;
      case REG.QueueDeviceLow: if (q && !q.ready) q.deviceAddr = Math.floor(q.deviceAddr / TWO32) * TWO32 + value; return;
      case REG.QueueDeviceHigh: if (q && !q.ready) q.deviceAddr = value * TWO32 + (q.deviceAddr % TWO32); return;
      default: return;
    }
  }

  private selected(): Virtqueue | undefined {
    return this.queueSel < this.queues.length ? this.queues[this.queueSel] : undefined;
  }

  private writeStatus(value: number): void {
    if (value === 0) { this.reset(); return; }
    if ((value & STATUS_FEATURES_OK) && !(this.status & STATUS_FEATURES_OK)) {
      // §2.2.2: accept only a subset of what was offered, and VERSION_1 (no legacy interface).
      const okLo = (this.driverLo & ~this.deviceFeatures(0)) === 0;
      const okHi = (this.driverHi & ~this.deviceFeatures(1)) === 0;
      const v1 = (this.driverHi & (1 << (VIRTIO_F_VERSION_1 - 32))) !== 0;
      if (okLo && okHi && v1) {
        this.negotiated.lo = this.driverLo >>> 0;
        this.negotiated.hi = this.driverHi >>> 0;
      } else {
        value &= ~STATUS_FEATURES_OK; // the driver re-reads Status and sees the refusal
      }
    }
    this.status = (value | (this.status & STATUS_DEVICE_NEEDS_RESET)) & 0xff;
  }

  private notify(index: number): void {
    const model = this.model;
    if (!model || index >= this.queues.length || !(this.status & STATUS_DRIVER_OK)) return;
    if (this.status & STATUS_DEVICE_NEEDS_RESET) return;
    const q = this.queues[index];
    if (!q.ready) return;
    const ok = model.processQueue(index, q, this.negotiated);
    if (q.usedSinceNotify) {
      q.usedSinceNotify = false;
      if (!q.interruptSuppressed()) this.interruptStatus |= VIRTIO_MMIO_INT_VRING;
    }
    if (!ok) {
      // §2.1.2: the device entered an error state; tell the driver through a config interrupt.
      this.status |= STATUS_DEVICE_NEEDS_RESET;
      this.interruptStatus |= VIRTIO_MMIO_INT_CONFIG;
    }
    this.updateIrq();
  }

  private updateIrq(): void {
    const level = this.interruptStatus !== 0;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.irq.set(level);
    }
  }
}
