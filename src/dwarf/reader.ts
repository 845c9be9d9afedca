// A bounds-checked little-endian cursor over one DWARF section, shared by the line, frame and info
// readers. Running off the end throws DwarfError, which the public entry points turn into a reason
// string (index.ts): a user's damaged ELF must not crash the debugger.
//
// Encodings from DWARF 5 §7.5.1 (LEB128: §7.6), §7.4 (32- and 64-bit DWARF formats).

/** A malformed or unsupported DWARF construct; caught at the public API. */
export class DwarfError extends Error {
  override readonly name = 'DwarfError';
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Reads a NUL-terminated string at `offset` of a string section (.debug_str, .debug_line_str). */
export function stringAt(section: Uint8Array | undefined, offset: number, what: string): string {
  if (section === undefined) throw new DwarfError(`${what} refers to a missing string section`);
  if (offset < 0 || offset >= section.length) throw new DwarfError(`${what} string offset 0x${offset.toString(16)} is out of range`);
  let end = offset;
  while (end < section.length && section[end] !== 0) end++;
  return utf8.decode(section.subarray(offset, end));
}

export class ByteReader {
  pos: number;
  private readonly view: DataView;

  constructor(readonly data: Uint8Array, pos = 0, readonly what = 'section') {
    this.pos = pos;
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  get length(): number {
    return this.data.length;
  }

  get atEnd(): boolean {
    return this.pos >= this.data.length;
  }

  private need(n: number): number {
    const at = this.pos;
    if (at < 0 || at + n > this.data.length) {
      throw new DwarfError(`${this.what}: read of ${n} bytes at 0x${at.toString(16)} runs past the end (0x${this.data.length.toString(16)})`);
    }
    this.pos = at + n;
    return at;
  }

  u8(): number {
    return this.data[this.need(1)];
  }

  u16(): number {
    return this.view.getUint16(this.need(2), true);
  }

  u24(): number {
    const at = this.need(3);
    return this.data[at] | (this.data[at + 1] << 8) | (this.data[at + 2] << 16);
  }

  u32(): number {
    return this.view.getUint32(this.need(4), true);
  }

  i8(): number {
    return this.view.getInt8(this.need(1));
  }

  i16(): number {
    return this.view.getInt16(this.need(2), true);
  }

  i32(): number {
    return this.view.getInt32(this.need(4), true);
  }

  u64(): bigint {
    return this.view.getBigUint64(this.need(8), true);
  }

  i64(): bigint {
    return this.view.getBigInt64(this.need(8), true);
  }

  /** An unsigned value of `size` bytes (1, 2, 4 or 8) as bigint. */
  unsigned(size: number): bigint {
    switch (size) {
      case 1: return BigInt(this.u8());
      case 2: return BigInt(this.u16());
      case 4: return BigInt(this.u32());
      case 8: return this.u64();
      default: throw new DwarfError(`${this.what}: unsupported size ${size}`);
    }
  }

  /** A target address of `size` bytes (DWARF address_size). */
  address(size: number): bigint {
    return this.unsigned(size);
  }

  /** A section offset: 4 bytes in 32-bit DWARF, 8 in 64-bit DWARF (§7.4). */
  offset(is64: boolean): number {
    return is64 ? this.safe(this.u64(), 'offset') : this.u32();
  }

  /** unsigned LEB128 (§7.6) as bigint. */
  ulebBig(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.u8();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) return result;
      if (shift > 70n) {
        // Tolerate over-long encodings but keep the value bounded to 64 bits.
        result &= 0xffff_ffff_ffff_ffffn;
      }
    }
  }

  /** signed LEB128 (§7.6) as bigint. */
  slebBig(): bigint {
    let result = 0n;
    let shift = 0n;
    let b: number;
    do {
      b = this.u8();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
    } while ((b & 0x80) !== 0);
    if ((b & 0x40) !== 0) result -= 1n << shift;
    return result;
  }

  /** unsigned LEB128 as a number; values beyond 2^53 are a corrupt input here. */
  uleb(): number {
    return this.safe(this.ulebBig(), 'ULEB128');
  }

  sleb(): number {
    const v = this.slebBig();
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new DwarfError(`${this.what}: SLEB128 value ${v} is out of range`);
    }
    return Number(v);
  }

  /** A NUL-terminated string in place. */
  cstr(): string {
    let end = this.pos;
    while (end < this.data.length && this.data[end] !== 0) end++;
    if (end >= this.data.length) throw new DwarfError(`${this.what}: unterminated string at 0x${this.pos.toString(16)}`);
    const s = utf8.decode(this.data.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }

  bytes(n: number): Uint8Array {
    const at = this.need(n);
    return this.data.subarray(at, at + n);
  }

  skip(n: number): void {
    this.need(n);
  }

  /**
   * Reads an initial length field (§7.4): returns the unit's length, whether it is 64-bit DWARF, and
   * the offset just past the unit.
   */
  initialLength(): { length: number; is64: boolean; end: number } {
    let length = this.u32();
    let is64 = false;
    if (length === 0xffff_ffff) {
      is64 = true;
      length = this.safe(this.u64(), 'unit length');
    } else if (length >= 0xffff_fff0) {
      throw new DwarfError(`${this.what}: reserved initial length 0x${length.toString(16)}`);
    }
    const end = this.pos + length;
    if (end > this.data.length) throw new DwarfError(`${this.what}: unit at 0x${this.pos.toString(16)} of length 0x${length.toString(16)} runs past the end`);
    return { length, is64, end };
  }

  private safe(v: bigint, what: string): number {
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new DwarfError(`${this.what}: ${what} 0x${v.toString(16)} is out of range`);
    return Number(v);
  }
}

/** Keeps an address inside 64 bits after adding a bias (kernel addresses wrap around the top). */
export function wrap64(v: bigint): bigint {
  return BigInt.asUintN(64, v);
}

/** Turns any thrown value into a reason string for the public API. */
export function reasonOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
