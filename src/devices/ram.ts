// Guest RAM: one ArrayBuffer with typed views for aligned access (the host is little-endian, as
// RISC-V is). The hart reads and writes these views directly on its TLB fast path; nothing else
// on the hot path goes through a bus.
export class Ram {
  readonly u8: Uint8Array;
  readonly u16: Uint16Array;
  readonly i32: Int32Array;
  readonly view: DataView;

  constructor(readonly base: number, readonly size: number) {
    if (size % 4096 !== 0 || size <= 0) throw new RangeError(`RAM size must be a positive multiple of 4 KiB, got ${size}`);
    const buf = new ArrayBuffer(size);
    this.u8 = new Uint8Array(buf);
    this.u16 = new Uint16Array(buf);
    this.i32 = new Int32Array(buf);
    this.view = new DataView(buf);
  }

  /** True when [pa, pa+len) lies inside RAM. */
  contains(pa: number, len: number): boolean {
    return pa >= this.base && pa + len <= this.base + this.size;
  }

  /** The halves of the last `read64`. */
  lo = 0;
  hi = 0;

  /** 8-byte aligned read at physical `pa` (page-table entries); false outside RAM; the value is left in `lo`/`hi`. */
  read64(pa: number): boolean {
    if (pa < this.base || pa + 8 > this.base + this.size || (pa & 7) !== 0) return false;
    const w = (pa - this.base) >>> 2;
    this.lo = this.i32[w];
    this.hi = this.i32[w + 1];
    return true;
  }

  write64(pa: number, lo: number, hi: number): boolean {
    if (pa < this.base || pa + 8 > this.base + this.size || (pa & 7) !== 0) return false;
    const w = (pa - this.base) >>> 2;
    this.i32[w] = lo;
    this.i32[w + 1] = hi;
    return true;
  }

  load(pa: number, bytes: Uint8Array): void {
    if (!this.contains(pa, bytes.length)) throw new RangeError(`load of ${bytes.length} bytes at 0x${pa.toString(16)} is outside RAM`);
    this.u8.set(bytes, pa - this.base);
  }
}
