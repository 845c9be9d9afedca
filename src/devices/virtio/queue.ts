// Split virtqueue, device side (virtio 1.1 §2.6 "Split Virtqueues"), reached through DmaMemory.
//   descriptor table: 16 bytes each { addr: le64, len: le32, flags: le16, next: le16 }
//   driver area (available ring): { flags: le16, idx: le16, ring[num]: le16, used_event: le16 }
//   device area (used ring): { flags: le16, idx: le16, ring[num]: { id: le32, len: le32 }, avail_event }
// A device pops a head from the available ring, `walk`s its chain (following one indirect table,
// §2.6.5.3), copies data with `gather`/`scatter`, and returns the head with `pushUsed`.
// Ring and descriptor accesses use fixed scratch buffers; nothing allocates per descriptor.
import type { DmaMemory } from '../device';

export const VIRTQ_DESC_F_NEXT = 1;
export const VIRTQ_DESC_F_WRITE = 2;
export const VIRTQ_DESC_F_INDIRECT = 4;
export const VIRTQ_AVAIL_F_NO_INTERRUPT = 1;

const TWO32 = 4294967296;
/** Longest chain accepted (indirect tables may hold more than the ring size). */
export const MAX_CHAIN = 1024;

/** Why a chain could not be walked: the driver broke the protocol (the device then needs reset). */
export type ChainError = 'bad-index' | 'loop' | 'dma' | 'nested-indirect' | 'too-long' | 'write-before-read';

export class Virtqueue {
  /** Queue size chosen by the driver (QueueNum). */
  num = 0;
  ready = false;
  descAddr = 0;
  driverAddr = 0;
  deviceAddr = 0;
  /** Next available-ring slot the device will read (free-running 16-bit counter). */
  lastAvail = 0;
  /** Next used-ring slot the device will write. */
  usedIdx = 0;
  /** Set by `pushUsed`; the transport clears it after deciding on an interrupt. */
  usedSinceNotify = false;

  // The walked chain: segment addresses, lengths; readable segments come first (§2.6.4.2).
  readonly segAddr = new Float64Array(MAX_CHAIN);
  readonly segLen = new Uint32Array(MAX_CHAIN);
  segCount = 0;
  /** Index of the first device-writable segment (== segCount when none). */
  firstWritable = 0;
  readableBytes = 0;
  writableBytes = 0;
  lastError: ChainError | undefined;

  private readonly desc = new Uint8Array(16);
  private readonly descView = new DataView(this.desc.buffer);
  private readonly u16 = new Uint8Array(2);
  private readonly elem = new Uint8Array(8);
  private readonly elemView = new DataView(this.elem.buffer);

  constructor(private readonly dma: DmaMemory, readonly numMax: number) {}

  reset(): void {
    this.num = 0;
    this.ready = false;
    this.descAddr = 0;
    this.driverAddr = 0;
    this.deviceAddr = 0;
    this.lastAvail = 0;
    this.usedIdx = 0;
    this.usedSinceNotify = false;
    this.segCount = 0;
    this.lastError = undefined;
  }

  /** Pops the next available head descriptor index, or -1 when the ring is empty (or unreadable). */
  popAvail(): number {
    if (!this.ready || this.num === 0) return -1;
    const availIdx = this.read16(this.driverAddr + 2);
    if (availIdx < 0 || availIdx === this.lastAvail) return -1;
    const head = this.read16(this.driverAddr + 4 + 2 * (this.lastAvail % this.num));
    if (head < 0) return -1;
    this.lastAvail = (this.lastAvail + 1) & 0xffff;
    return head;
  }

  /** Whether the driver asked not to be interrupted (VIRTQ_AVAIL_F_NO_INTERRUPT; no EVENT_IDX). */
  interruptSuppressed(): boolean {
    return (this.read16(this.driverAddr) & VIRTQ_AVAIL_F_NO_INTERRUPT) !== 0;
  }

  /**
   * Collects the chain starting at `head` into segAddr/segLen. Returns false (and sets lastError)
   * when the chain is malformed.
   */
  walk(head: number): boolean {
    this.segCount = 0;
    this.firstWritable = -1;
    this.readableBytes = 0;
    this.writableBytes = 0;
    this.lastError = undefined;
    let tableAddr = this.descAddr;
    let tableSize = this.num;
    let indirect = false;
    let i = head;
    let visited = 0;
    for (;;) {
      if (i >= tableSize) return this.fail('bad-index');
      if (!this.readDesc(tableAddr, i)) return this.fail('dma');
      const v = this.descView;
      const addr = v.getUint32(0, true) + v.getUint32(4, true) * TWO32;
      const len = v.getUint32(8, true);
      const flags = v.getUint16(12, true);
      const next = v.getUint16(14, true);
      if (flags & VIRTQ_DESC_F_INDIRECT) {
        // §2.6.5.3.1: no nested tables; the table is len/16 descriptors starting at index 0.
        if (indirect) return this.fail('nested-indirect');
        indirect = true;
        tableAddr = addr;
        tableSize = Math.min(len >>> 4, MAX_CHAIN);
        i = 0;
        visited = 0;
        continue;
      }
      // A chain longer than its table must revisit a descriptor: a loop (§2.6.5 "MUST NOT" rules).
      if (++visited > tableSize) return this.fail('loop');
      if (this.segCount >= MAX_CHAIN) return this.fail('too-long');
      const writable = (flags & VIRTQ_DESC_F_WRITE) !== 0;
      if (writable) {
        if (this.firstWritable < 0) this.firstWritable = this.segCount;
        this.writableBytes += len;
      } else {
        if (this.firstWritable >= 0) return this.fail('write-before-read');
        this.readableBytes += len;
      }
      this.segAddr[this.segCount] = addr;
      this.segLen[this.segCount] = len;
      this.segCount++;
      if (!(flags & VIRTQ_DESC_F_NEXT)) break;
      i = next;
    }
    if (this.firstWritable < 0) this.firstWritable = this.segCount;
    return true;
  }

  /** Copies dst.length bytes of the chain's readable part, starting `offset` bytes in. */
  gather(offset: number, dst: Uint8Array): boolean {
    let done = 0;
    for (let s = 0; s < this.firstWritable && done < dst.length; s++) {
      const len = this.segLen[s];
      if (offset >= len) { offset -= len; continue; }
      const n = Math.min(len - offset, dst.length - done);
      if (!this.dma.readPhys(this.segAddr[s] + offset, dst.subarray(done, done + n))) return false;
      done += n;
      offset = 0;
    }
    return done === dst.length;
  }

  /** Copies src into the chain's device-writable part, starting `offset` bytes in. */
  scatter(offset: number, src: Uint8Array): boolean {
    let done = 0;
    for (let s = this.firstWritable; s < this.segCount && done < src.length; s++) {
      const len = this.segLen[s];
      if (offset >= len) { offset -= len; continue; }
      const n = Math.min(len - offset, src.length - done);
      if (!this.dma.writePhys(this.segAddr[s] + offset, src.subarray(done, done + n))) return false;
      done += n;
      offset = 0;
    }
    return done === src.length;
  }

  /** Returns a chain to the driver: used ring entry { id: head, len: bytes written }, then idx. */
  pushUsed(head: number, written: number): boolean {
    const slot = this.usedIdx % this.num;
    this.elemView.setUint32(0, head, true);
    this.elemView.setUint32(4, written, true);
    if (!this.dma.writePhys(this.deviceAddr + 4 + 8 * slot, this.elem)) return false;
    this.usedIdx = (this.usedIdx + 1) & 0xffff;
    // The entry must be visible before idx (§2.6.8.2); accesses here are sequential anyway.
    this.u16[0] = this.usedIdx & 0xff;
    this.u16[1] = this.usedIdx >>> 8;
    if (!this.dma.writePhys(this.deviceAddr + 2, this.u16)) return false;
    this.usedSinceNotify = true;
    return true;
  }

  private fail(e: ChainError): false {
    this.lastError = e;
    return false;
  }

  private readDesc(table: number, i: number): boolean {
    return this.dma.readPhys(table + 16 * i, this.desc);
  }

  /** Little-endian u16 at pa, or -1 if not RAM. */
  private read16(pa: number): number {
    if (!this.dma.readPhys(pa, this.u16)) return -1;
    return this.u16[0] | (this.u16[1] << 8);
  }
}
