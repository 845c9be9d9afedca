// virtio-blk (virtio 1.1 §5.2 "Block Device") over a BlockBackend. One request queue; requests are
//   { type: le32, reserved: le32, sector: le64 } (driver-readable), data, status: u8 (device-writable)
// and may be framed across descriptors in any way (§2.6.4), which gather/scatter handle.
// Offered: SEG_MAX, FLUSH, and RO when the backend is read-only. Capacity is in 512-byte sectors.
import type { BlockBackend } from '../device';
import type { VirtioDeviceModel } from './mmio';
import type { Virtqueue } from './queue';

export const VIRTIO_ID_BLOCK = 2;

export const VIRTIO_BLK_F_SEG_MAX = 2;
export const VIRTIO_BLK_F_RO = 5;
export const VIRTIO_BLK_F_FLUSH = 9;

export const VIRTIO_BLK_T_IN = 0;
export const VIRTIO_BLK_T_OUT = 1;
export const VIRTIO_BLK_T_FLUSH = 4;
export const VIRTIO_BLK_T_GET_ID = 8;

export const VIRTIO_BLK_S_OK = 0;
export const VIRTIO_BLK_S_IOERR = 1;
export const VIRTIO_BLK_S_UNSUPP = 2;

export const SECTOR_SIZE = 512;
/** Length of the GET_ID answer (§5.2.6: VIRTIO_BLK_ID_BYTES). */
export const VIRTIO_BLK_ID_BYTES = 20;

const QUEUE_NUM_MAX = 256;
const HEADER_BYTES = 16;
const TWO32 = 4294967296;

export interface VirtioBlkOptions {
  /** Serial number returned by GET_ID (up to 20 bytes of ASCII). */
  serial?: string;
}

export class VirtioBlk implements VirtioDeviceModel {
  readonly deviceId = VIRTIO_ID_BLOCK;
  readonly name = 'virtio-blk';
  readonly numQueues = 1;
  readonly queueNumMax = QUEUE_NUM_MAX;
  /** Capacity in 512-byte sectors (a partial last sector is not exposed). */
  readonly capacity: number;
  private readonly config = new Uint8Array(0x40);
  private readonly configView = new DataView(this.config.buffer);
  private readonly id = new Uint8Array(VIRTIO_BLK_ID_BYTES);
  private readonly header = new Uint8Array(HEADER_BYTES);
  private readonly headerView = new DataView(this.header.buffer);
  private readonly status = new Uint8Array(1);
  private scratch = new Uint8Array(64 * 1024);

  constructor(private readonly backend: BlockBackend, options: VirtioBlkOptions = {}) {
    this.capacity = Math.floor(backend.size / SECTOR_SIZE);
    // §5.2.4 struct virtio_blk_config: capacity le64 at 0, seg_max le32 at 12.
    this.configView.setUint32(0, this.capacity >>> 0, true);
    this.configView.setUint32(4, Math.floor(this.capacity / TWO32), true);
    this.configView.setUint32(12, QUEUE_NUM_MAX - 2, true);
    const serial = options.serial ?? 'hvscope-blk';
    for (let i = 0; i < Math.min(serial.length, VIRTIO_BLK_ID_BYTES); i++) this.id[i] = serial.charCodeAt(i) & 0x7f;
  }

  featureWord(sel: number): number {
    if (sel !== 0) return 0;
    let w = (1 << VIRTIO_BLK_F_SEG_MAX) | (1 << VIRTIO_BLK_F_FLUSH);
    if (this.backend.readOnly) w |= 1 << VIRTIO_BLK_F_RO;
    return w;
  }

  readConfig(offset: number, size: 1 | 2 | 4): number {
    if (offset < 0 || offset + size > this.config.length) return 0;
    if (size === 1) return this.config[offset];
    if (size === 2) return this.configView.getUint16(offset, true);
    return this.configView.getUint32(offset, true);
  }

  writeConfig(_offset: number, _size: 1 | 2 | 4, _value: number): void {
    // Only `writeback` is writable, and only with VIRTIO_BLK_F_CONFIG_WCE, which is not offered.
  }

  reset(): void {
    // No device state beyond the queues, which the transport resets.
  }

  processQueue(_index: number, q: Virtqueue): boolean {
    for (;;) {
      const head = q.popAvail();
      if (head < 0) return true;
      if (!q.walk(head)) return false;
      const written = this.request(q);
      if (written < 0) return false;
      if (!q.pushUsed(head, written)) return false;
    }
  }

  /** Handles the walked chain; returns bytes written to device-writable buffers, or -1 on DMA failure. */
  private request(q: Virtqueue): number {
    if (q.writableBytes < 1) return 0; // no room for a status byte: nothing can be reported
    const statusAt = q.writableBytes - 1;
    let written = 0;
    let status = VIRTIO_BLK_S_OK;
    if (q.readableBytes < HEADER_BYTES || !q.gather(0, this.header)) {
      status = VIRTIO_BLK_S_IOERR;
    } else {
      const type = this.headerView.getUint32(0, true);
      const sector = this.headerView.getUint32(8, true) + this.headerView.getUint32(12, true) * TWO32;
      const offset = sector * SECTOR_SIZE;
      switch (type) {
        case VIRTIO_BLK_T_IN: {
          const len = statusAt;
          if (!this.inRange(offset, len)) { status = VIRTIO_BLK_S_IOERR; break; }
          const buf = this.buffer(len);
          try { this.backend.read(offset, buf); } catch { status = VIRTIO_BLK_S_IOERR; break; }
          if (!q.scatter(0, buf)) return -1;
          written = len;
          break;
        }
        case VIRTIO_BLK_T_OUT: {
          const len = q.readableBytes - HEADER_BYTES;
          if (this.backend.readOnly || !this.inRange(offset, len)) { status = VIRTIO_BLK_S_IOERR; break; }
          const buf = this.buffer(len);
          if (!q.gather(HEADER_BYTES, buf)) return -1;
          try { this.backend.write(offset, buf); } catch { status = VIRTIO_BLK_S_IOERR; }
          break;
        }
        case VIRTIO_BLK_T_FLUSH:
          try { this.backend.flush(); } catch { status = VIRTIO_BLK_S_IOERR; }
          break;
        case VIRTIO_BLK_T_GET_ID: {
          const len = Math.min(statusAt, VIRTIO_BLK_ID_BYTES);
          if (!q.scatter(0, this.id.subarray(0, len))) return -1;
          written = len;
          break;
        }
        default:
          status = VIRTIO_BLK_S_UNSUPP;
      }
    }
    this.status[0] = status;
    if (!q.scatter(statusAt, this.status)) return -1;
    return written + 1;
  }

  private inRange(offset: number, len: number): boolean {
    return offset + len <= this.capacity * SECTOR_SIZE;
  }

  /** A view of `len` bytes of the reusable transfer buffer (grown on demand). */
  private buffer(len: number): Uint8Array {
    if (len > this.scratch.length) {
      let n = this.scratch.length;
      while (n < len) n *= 2;
      this.scratch = new Uint8Array(n);
    }
    return this.scratch.subarray(0, len);
  }
}
