// Test doubles for the small device interfaces of src/devices/device.ts.
import type { BlockBackend, ByteSink, Clock, DmaMemory, HartIrqInputs, IrqLine } from '../../../src/devices/device';

export class FakeClock implements Clock {
  t = 0;
  now(): number { return this.t; }
}

export class FakeIrq implements IrqLine {
  level = false;
  changes = 0;
  set(level: boolean): void {
    if (level !== this.level) this.changes++;
    this.level = level;
  }
}

export class FakeHarts implements HartIrqInputs {
  readonly mip: number[];
  constructor(n: number) { this.mip = new Array<number>(n).fill(0); }
  setPending(hart: number, bit: number, level: boolean): void {
    if (level) this.mip[hart] |= 1 << bit; else this.mip[hart] &= ~(1 << bit);
  }
  has(hart: number, bit: number): boolean { return ((this.mip[hart] >>> bit) & 1) === 1; }
}

export class FakeSink implements ByteSink {
  readonly bytes: number[] = [];
  write(byte: number): void { this.bytes.push(byte); }
  text(): string { return String.fromCharCode(...this.bytes); }
}

/** RAM at [base, base+size) as DMA memory. */
export class FakeDma implements DmaMemory {
  readonly mem: Uint8Array;
  readonly view: DataView;
  constructor(readonly base: number, size: number) {
    this.mem = new Uint8Array(size);
    this.view = new DataView(this.mem.buffer);
  }
  private ok(pa: number, len: number): boolean { return pa >= this.base && pa + len <= this.base + this.mem.length; }
  readPhys(pa: number, dst: Uint8Array): boolean {
    if (!this.ok(pa, dst.length)) return false;
    dst.set(this.mem.subarray(pa - this.base, pa - this.base + dst.length));
    return true;
  }
  writePhys(pa: number, src: Uint8Array): boolean {
    if (!this.ok(pa, src.length)) return false;
    this.mem.set(src, pa - this.base);
    return true;
  }
}

export class MemBackend implements BlockBackend {
  flushes = 0;
  constructor(readonly data: Uint8Array, readonly readOnly = false) {}
  get size(): number { return this.data.length; }
  read(offset: number, dst: Uint8Array): void { dst.set(this.data.subarray(offset, offset + dst.length)); }
  write(offset: number, src: Uint8Array): void { this.data.set(src, offset); }
  flush(): void { this.flushes++; }
}
