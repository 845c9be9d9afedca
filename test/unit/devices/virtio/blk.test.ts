import assert from 'node:assert/strict';
import {
  VIRTIO_BLK_F_FLUSH, VIRTIO_BLK_F_RO, VIRTIO_BLK_F_SEG_MAX, VIRTIO_BLK_S_IOERR, VIRTIO_BLK_S_OK,
  VIRTIO_BLK_S_UNSUPP, VIRTIO_BLK_T_FLUSH, VIRTIO_BLK_T_GET_ID, VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, VirtioBlk,
} from '../../../../src/devices/virtio/blk';
import {
  REG, STATUS_ACKNOWLEDGE, STATUS_DEVICE_NEEDS_RESET, STATUS_DRIVER, STATUS_DRIVER_OK, STATUS_FEATURES_OK,
  VIRTIO_F_INDIRECT_DESC, VirtioMmio,
} from '../../../../src/devices/virtio/mmio';
import { VIRTQ_DESC_F_INDIRECT, VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE } from '../../../../src/devices/virtio/queue';
import { FakeDma, FakeIrq, MemBackend } from '../fakes';

const RAM = 0x80000000;
const DESC = RAM, AVAIL = RAM + 0x1000, USED = RAM + 0x2000, INDIRECT = RAM + 0x3000;
const BUF = RAM + 0x10000;
const QSIZE = 8;
const SECTORS = 64;

/** The driver side of one virtqueue, written straight into fake guest memory. */
class Driver {
  availIdx = 0;
  usedSeen = 0;
  bufNext = BUF;
  constructor(readonly dma: FakeDma, readonly dev: VirtioMmio) {}

  w32(pa: number, v: number): void { this.dma.view.setUint32(pa - RAM, v, true); }
  w16(pa: number, v: number): void { this.dma.view.setUint16(pa - RAM, v, true); }
  r16(pa: number): number { return this.dma.view.getUint16(pa - RAM, true); }
  r32(pa: number): number { return this.dma.view.getUint32(pa - RAM, true); }

  alloc(len: number): number { const a = this.bufNext; this.bufNext += (len + 15) & ~15; return a; }

  desc(table: number, i: number, addr: number, len: number, flags: number, next: number): void {
    const at = table + 16 * i;
    this.w32(at, addr >>> 0);
    this.w32(at + 4, Math.floor(addr / 2 ** 32));
    this.w32(at + 8, len);
    this.w16(at + 12, flags);
    this.w16(at + 14, next);
  }

  header(type: number, sector: number): number {
    const h = this.alloc(16);
    this.w32(h, type); this.w32(h + 4, 0); this.w32(h + 8, sector); this.w32(h + 12, 0);
    return h;
  }

  /** Publishes head `head` and notifies. */
  submit(head: number): void {
    this.w16(AVAIL + 4 + 2 * (this.availIdx % QSIZE), head);
    this.availIdx = (this.availIdx + 1) & 0xffff;
    this.w16(AVAIL + 2, this.availIdx);
    this.dev.write(REG.QueueNotify, 4, 0);
  }

  /** The next used element: [id, len]. */
  used(): [number, number] {
    assert.equal(this.r16(USED + 2), (this.usedSeen + 1) & 0xffff, 'used.idx advanced by one');
    const at = USED + 4 + 8 * (this.usedSeen % QSIZE);
    this.usedSeen++;
    return [this.r32(at), this.r32(at + 4)];
  }

  /** A 3-descriptor request: header, data, status. Returns { data, status } addresses. */
  request(type: number, sector: number, dataLen: number, write: boolean): { data: number; status: number } {
    const h = this.header(type, sector);
    const data = this.alloc(dataLen);
    const status = this.alloc(1);
    this.dma.mem[status - RAM] = 0xff;
    this.desc(DESC, 0, h, 16, VIRTQ_DESC_F_NEXT, 1);
    this.desc(DESC, 1, data, dataLen, VIRTQ_DESC_F_NEXT | (write ? VIRTQ_DESC_F_WRITE : 0), 2);
    this.desc(DESC, 2, status, 1, VIRTQ_DESC_F_WRITE, 0);
    this.submit(0);
    return { data, status };
  }
}

function setup(readOnly = false): { dev: VirtioMmio; drv: Driver; irq: FakeIrq; disk: MemBackend; dma: FakeDma } {
  const dma = new FakeDma(RAM, 0x100000);
  const irq = new FakeIrq();
  const image = new Uint8Array(SECTORS * 512);
  for (let i = 0; i < image.length; i++) image[i] = (i * 7 + (i >> 9)) & 0xff;
  const disk = new MemBackend(image, readOnly);
  const dev = new VirtioMmio('virtio-mmio0', irq, dma, new VirtioBlk(disk, { serial: 'disk-0' }));
  // Driver initialization, virtio 1.1 §3.1.1 and §4.2.3.2.
  dev.write(REG.Status, 4, 0);
  dev.write(REG.Status, 4, STATUS_ACKNOWLEDGE);
  dev.write(REG.Status, 4, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
  dev.write(REG.DeviceFeaturesSel, 4, 0);
  const f0 = dev.read(REG.DeviceFeatures, 4);
  dev.write(REG.DriverFeaturesSel, 4, 0);
  dev.write(REG.DriverFeatures, 4, f0);
  dev.write(REG.DriverFeaturesSel, 4, 1);
  dev.write(REG.DriverFeatures, 4, 1); // VIRTIO_F_VERSION_1
  dev.write(REG.Status, 4, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
  assert.ok(dev.read(REG.Status, 4) & STATUS_FEATURES_OK, 'features accepted');
  dev.write(REG.QueueSel, 4, 0);
  assert.equal(dev.read(REG.QueueReady, 4), 0);
  assert.ok(dev.read(REG.QueueNumMax, 4) >= QSIZE);
  dev.write(REG.QueueNum, 4, QSIZE);
  dev.write(REG.QueueDescLow, 4, DESC >>> 0); dev.write(REG.QueueDescHigh, 4, 0);
  dev.write(REG.QueueDriverLow, 4, AVAIL >>> 0); dev.write(REG.QueueDriverHigh, 4, 0);
  dev.write(REG.QueueDeviceLow, 4, USED >>> 0); dev.write(REG.QueueDeviceHigh, 4, 0);
  dev.write(REG.QueueReady, 4, 1);
  dev.write(REG.Status, 4, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
  return { dev, drv: new Driver(dma, dev), irq, disk, dma };
}

describe('devices/virtio/mmio + blk', () => {
  it('an empty slot reports a valid header and DeviceID 0', () => {
    const dev = new VirtioMmio('virtio-mmio7', new FakeIrq(), new FakeDma(RAM, 0x1000));
    assert.equal(dev.read(REG.MagicValue, 4), 0x74726976);
    assert.equal(dev.read(REG.Version, 4), 2);
    assert.equal(dev.read(REG.DeviceID, 4), 0);
    dev.write(REG.Status, 4, 1);
    assert.equal(dev.read(REG.Status, 4), 0);
  });

  it('offers its features, VERSION_1 and indirect descriptors; capacity in config space', () => {
    const { dev } = setup();
    assert.equal(dev.read(REG.DeviceID, 4), 2);
    dev.write(REG.DeviceFeaturesSel, 4, 0);
    const f0 = dev.read(REG.DeviceFeatures, 4);
    assert.ok(f0 & (1 << VIRTIO_BLK_F_FLUSH));
    assert.ok(f0 & (1 << VIRTIO_BLK_F_SEG_MAX));
    assert.ok(f0 & (1 << VIRTIO_F_INDIRECT_DESC));
    assert.equal(f0 & (1 << VIRTIO_BLK_F_RO), 0);
    dev.write(REG.DeviceFeaturesSel, 4, 1);
    assert.equal(dev.read(REG.DeviceFeatures, 4), 1, 'VERSION_1 only in word 1');
    assert.equal(dev.read(REG.Config, 4), SECTORS);
    assert.equal(dev.read(REG.Config + 4, 4), 0);
    assert.equal(dev.read(REG.Config, 1), SECTORS);
    const ro = setup(true).dev;
    ro.write(REG.DeviceFeaturesSel, 4, 0);
    assert.ok(ro.read(REG.DeviceFeatures, 4) & (1 << VIRTIO_BLK_F_RO));
  });

  it('refuses FEATURES_OK without VERSION_1', () => {
    const dev = new VirtioMmio('v', new FakeIrq(), new FakeDma(RAM, 0x1000), new VirtioBlk(new MemBackend(new Uint8Array(512))));
    dev.write(REG.Status, 4, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
    dev.write(REG.DriverFeaturesSel, 4, 0);
    dev.write(REG.DriverFeatures, 4, 1 << VIRTIO_BLK_F_FLUSH);
    dev.write(REG.Status, 4, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
    assert.equal(dev.read(REG.Status, 4) & STATUS_FEATURES_OK, 0);
  });

  it('reads sectors into guest memory and interrupts with used-buffer notification', () => {
    const { dev, drv, irq, disk, dma } = setup();
    const { data, status } = drv.request(VIRTIO_BLK_T_IN, 3, 1024, true);
    assert.deepEqual(drv.used(), [0, 1025]);
    assert.equal(dma.mem[status - RAM], VIRTIO_BLK_S_OK);
    assert.deepEqual(dma.mem.subarray(data - RAM, data - RAM + 1024), disk.data.subarray(3 * 512, 5 * 512));
    assert.equal(irq.level, true);
    assert.equal(dev.read(REG.InterruptStatus, 4), 1);
    dev.write(REG.InterruptACK, 4, 1);
    assert.equal(irq.level, false);
  });

  it('writes sectors from guest memory', () => {
    const { drv, disk, dma } = setup();
    const h = drv.header(VIRTIO_BLK_T_OUT, 10);
    const data = drv.alloc(512);
    for (let i = 0; i < 512; i++) dma.mem[data - RAM + i] = 255 - (i & 0xff);
    const st = drv.alloc(1);
    drv.desc(DESC, 4, h, 16, VIRTQ_DESC_F_NEXT, 6);
    drv.desc(DESC, 6, data, 512, VIRTQ_DESC_F_NEXT, 1);
    drv.desc(DESC, 1, st, 1, VIRTQ_DESC_F_WRITE, 0);
    drv.submit(4);
    assert.deepEqual(drv.used(), [4, 1]);
    assert.equal(dma.mem[st - RAM], VIRTIO_BLK_S_OK);
    for (let i = 0; i < 512; i++) assert.equal(disk.data[10 * 512 + i], 255 - (i & 0xff));
    assert.equal(disk.data[11 * 512], ((11 * 512 * 7) + 11) & 0xff, 'next sector untouched');
  });

  it('rejects writes to a read-only disk and accesses past the end', () => {
    const ro = setup(true);
    const w = ro.drv.request(VIRTIO_BLK_T_OUT, 0, 512, false);
    ro.drv.used();
    assert.equal(ro.dma.mem[w.status - RAM], VIRTIO_BLK_S_IOERR);
    const { drv, dma } = setup();
    const r = drv.request(VIRTIO_BLK_T_IN, SECTORS - 1, 1024, true);
    assert.deepEqual(drv.used(), [0, 1]);
    assert.equal(dma.mem[r.status - RAM], VIRTIO_BLK_S_IOERR);
  });

  it('GET_ID, FLUSH and unsupported requests', () => {
    const { drv, dma, disk } = setup();
    const id = drv.request(VIRTIO_BLK_T_GET_ID, 0, 20, true);
    assert.deepEqual(drv.used(), [0, 21]);
    assert.equal(Buffer.from(dma.mem.subarray(id.data - RAM, id.data - RAM + 6)).toString('latin1'), 'disk-0');
    assert.equal(dma.mem[id.data - RAM + 6], 0);
    const h = drv.header(VIRTIO_BLK_T_FLUSH, 0);
    const st = drv.alloc(1);
    drv.desc(DESC, 0, h, 16, VIRTQ_DESC_F_NEXT, 1);
    drv.desc(DESC, 1, st, 1, VIRTQ_DESC_F_WRITE, 0);
    drv.submit(0);
    drv.used();
    assert.equal(dma.mem[st - RAM], VIRTIO_BLK_S_OK);
    assert.equal(disk.flushes, 1);
    const bad = drv.request(99, 0, 512, true);
    drv.used();
    assert.equal(dma.mem[bad.status - RAM], VIRTIO_BLK_S_UNSUPP);
  });

  it('follows an indirect table whose header is split across descriptors', () => {
    const { drv, dma, disk } = setup();
    const h = drv.header(VIRTIO_BLK_T_IN, 7);
    const d1 = drv.alloc(200), d2 = drv.alloc(312), st = drv.alloc(1);
    drv.desc(INDIRECT, 0, h, 10, VIRTQ_DESC_F_NEXT, 1);
    drv.desc(INDIRECT, 1, h + 10, 6, VIRTQ_DESC_F_NEXT, 2);
    drv.desc(INDIRECT, 2, d1, 200, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 3);
    drv.desc(INDIRECT, 3, d2, 312, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 4);
    drv.desc(INDIRECT, 4, st, 1, VIRTQ_DESC_F_WRITE, 0);
    drv.desc(DESC, 5, INDIRECT, 5 * 16, VIRTQ_DESC_F_INDIRECT, 0);
    drv.submit(5);
    assert.deepEqual(drv.used(), [5, 513]);
    assert.equal(dma.mem[st - RAM], VIRTIO_BLK_S_OK);
    assert.deepEqual(dma.mem.subarray(d1 - RAM, d1 - RAM + 200), disk.data.subarray(7 * 512, 7 * 512 + 200));
    assert.deepEqual(dma.mem.subarray(d2 - RAM, d2 - RAM + 312), disk.data.subarray(7 * 512 + 200, 8 * 512));
  });

  it('processes every available buffer per notify and honours VIRTQ_AVAIL_F_NO_INTERRUPT', () => {
    const { dev, drv, irq } = setup();
    drv.w16(AVAIL, 1); // NO_INTERRUPT
    drv.request(VIRTIO_BLK_T_IN, 0, 512, true);
    drv.used();
    assert.equal(irq.level, false);
    assert.equal(dev.read(REG.InterruptStatus, 4), 0);
    // Two requests published before one notify.
    drv.w16(AVAIL, 0);
    const h1 = drv.header(VIRTIO_BLK_T_IN, 1), b1 = drv.alloc(512), s1 = drv.alloc(1);
    const h2 = drv.header(VIRTIO_BLK_T_IN, 2), b2 = drv.alloc(512), s2 = drv.alloc(1);
    drv.desc(DESC, 0, h1, 16, VIRTQ_DESC_F_NEXT, 1); drv.desc(DESC, 1, b1, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2); drv.desc(DESC, 2, s1, 1, VIRTQ_DESC_F_WRITE, 0);
    drv.desc(DESC, 3, h2, 16, VIRTQ_DESC_F_NEXT, 4); drv.desc(DESC, 4, b2, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 5); drv.desc(DESC, 5, s2, 1, VIRTQ_DESC_F_WRITE, 0);
    drv.w16(AVAIL + 4 + 2 * (drv.availIdx % QSIZE), 0);
    drv.w16(AVAIL + 4 + 2 * ((drv.availIdx + 1) % QSIZE), 3);
    drv.availIdx += 2;
    drv.w16(AVAIL + 2, drv.availIdx);
    dev.write(REG.QueueNotify, 4, 0);
    assert.equal(drv.r16(USED + 2), 3);
    assert.equal(irq.level, true);
  });

  it('a descriptor loop puts the device in DEVICE_NEEDS_RESET; status 0 resets it', () => {
    const { dev, drv, irq } = setup();
    const h = drv.header(VIRTIO_BLK_T_IN, 0);
    drv.desc(DESC, 0, h, 16, VIRTQ_DESC_F_NEXT, 1);
    drv.desc(DESC, 1, h, 16, VIRTQ_DESC_F_NEXT, 0);
    drv.submit(0);
    assert.ok(dev.read(REG.Status, 4) & STATUS_DEVICE_NEEDS_RESET);
    assert.equal(dev.read(REG.InterruptStatus, 4) & 2, 2, 'configuration change interrupt');
    assert.equal(irq.level, true);
    dev.write(REG.Status, 4, 0);
    assert.equal(dev.read(REG.Status, 4), 0);
    assert.equal(dev.read(REG.QueueReady, 4), 0);
    assert.equal(irq.level, false);
  });
});
