// Flattened device tree (DTB) writer and reader.
//
// Format facts from the Devicetree Specification v0.4, chapter 5 "Flattened Devicetree (DTB)
// Format": a 40-byte big-endian header, the memory reservation block (pairs of u64 address/size,
// 8-byte aligned, ended by a 0/0 pair), the structure block (tokens FDT_BEGIN_NODE, FDT_END_NODE,
// FDT_PROP, FDT_NOP, FDT_END, every token 4-byte aligned) and the strings block (NUL-terminated
// property names, referenced by offset). We write version 17, last compatible version 16.
//
// The tree is plain data (FdtNode with ordered properties and children) so the same type serves
// the generator (machine/deviceTree.ts), tests and the debugger's `info devices`.

import { UserError } from '../common/errors';

export const FDT_MAGIC = 0xd00dfeed;
const FDT_BEGIN_NODE = 0x1;
const FDT_END_NODE = 0x2;
const FDT_PROP = 0x3;
const FDT_NOP = 0x4;
const FDT_END = 0x9;
const HEADER_SIZE = 40;
const FDT_VERSION = 17;
const FDT_LAST_COMP_VERSION = 16;

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

/** One property: a name and its raw big-endian value bytes. */
export interface FdtProperty {
  readonly name: string;
  value: Uint8Array;
}

/** A memory reservation block entry. */
export interface FdtReservation {
  readonly address: bigint;
  readonly size: bigint;
}

function u32Bytes(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`FDT cell out of range: ${v}`);
    dv.setUint32(i * 4, v);
  });
  return out;
}

function toBig(v: number | bigint): bigint {
  if (typeof v === 'bigint') return BigInt.asUintN(64, v);
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`FDT u64 out of range: ${v}`);
  return BigInt(v);
}

/** Splits a 64-bit value into two cells, high first (how `reg` and u64 properties are encoded). */
export function cells64(v: number | bigint): [number, number] {
  const b = toBig(v);
  return [Number(b >> 32n), Number(b & 0xffffffffn)];
}

/** A device tree node: ordered properties and children. Names include the unit address. */
export class FdtNode {
  readonly properties: FdtProperty[] = [];
  readonly children: FdtNode[] = [];

  constructor(readonly name: string) {
    if (name.includes('/')) throw new RangeError(`FDT node name may not contain '/': ${name}`);
  }

  /** Adds a child node (names must be unique among siblings). */
  addChild(name: string): FdtNode {
    if (this.child(name)) throw new RangeError(`duplicate FDT node ${name}`);
    const node = new FdtNode(name);
    this.children.push(node);
    return node;
  }

  child(name: string): FdtNode | undefined {
    return this.children.find((c) => c.name === name);
  }

  // ---- setters; each replaces a property of the same name, keeping its position ----

  setBytes(name: string, value: Uint8Array): this {
    const existing = this.properties.find((p) => p.name === name);
    if (existing) existing.value = value;
    else this.properties.push({ name, value });
    return this;
  }

  setEmpty(name: string): this {
    return this.setBytes(name, new Uint8Array(0));
  }

  setU32(name: string, value: number): this {
    return this.setBytes(name, u32Bytes([value]));
  }

  setU32s(name: string, values: readonly number[]): this {
    return this.setBytes(name, u32Bytes(values));
  }

  setU64(name: string, value: number | bigint): this {
    return this.setBytes(name, u32Bytes(cells64(value)));
  }

  setString(name: string, value: string): this {
    return this.setStrings(name, [value]);
  }

  /** A string list: each string NUL-terminated (e.g. `compatible`). */
  setStrings(name: string, values: readonly string[]): this {
    const parts = values.map((s) => {
      if (s.includes('\0')) throw new RangeError('FDT string may not contain NUL');
      return utf8.encode(s);
    });
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
    let off = 0;
    for (const p of parts) { out.set(p, off); off += p.length + 1; }
    return this.setBytes(name, out);
  }

  // ---- getters (undefined when absent) ----

  prop(name: string): Uint8Array | undefined {
    return this.properties.find((p) => p.name === name)?.value;
  }

  has(name: string): boolean {
    return this.prop(name) !== undefined;
  }

  getU32s(name: string): number[] | undefined {
    const v = this.prop(name);
    if (v === undefined) return undefined;
    if (v.length % 4 !== 0) throw new UserError(`FDT property ${name} is not a list of cells`);
    const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
    const out: number[] = [];
    for (let i = 0; i < v.length; i += 4) out.push(dv.getUint32(i));
    return out;
  }

  getU32(name: string): number | undefined {
    const cells = this.getU32s(name);
    return cells === undefined ? undefined : cells[0];
  }

  getU64(name: string): bigint | undefined {
    const cells = this.getU32s(name);
    if (cells === undefined) return undefined;
    if (cells.length === 1) return BigInt(cells[0]);
    return (BigInt(cells[0]) << 32n) | BigInt(cells[1]);
  }

  getStrings(name: string): string[] | undefined {
    const v = this.prop(name);
    if (v === undefined) return undefined;
    const text = utf8Decoder.decode(v);
    const parts = text.split('\0');
    if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
    return parts;
  }

  getString(name: string): string | undefined {
    return this.getStrings(name)?.[0];
  }

  /** This node's phandle, if it has one. */
  get phandle(): number | undefined {
    return this.getU32('phandle');
  }
}

/** A whole device tree: root node, memory reservations and boot CPU. */
export class Fdt {
  readonly root = new FdtNode('');
  readonly reservations: FdtReservation[] = [];
  bootCpuidPhys = 0;
  private nextPhandle = 1;

  /** Gives `node` a fresh phandle (or returns the one it has). */
  allocPhandle(node: FdtNode): number {
    const existing = node.phandle;
    if (existing !== undefined) return existing;
    const ph = this.nextPhandle++;
    node.setU32('phandle', ph);
    return ph;
  }

  addReservation(address: number | bigint, size: number | bigint): void {
    this.reservations.push({ address: toBig(address), size: toBig(size) });
  }

  /** Finds a node by absolute path ("/soc/serial@10000000"); "/" is the root. */
  find(path: string): FdtNode | undefined {
    if (!path.startsWith('/')) return undefined;
    let node: FdtNode | undefined = this.root;
    for (const part of path.split('/').filter((s) => s !== '')) {
      node = node.child(part);
      if (!node) return undefined;
    }
    return node;
  }

  /** The node that carries `phandle`. */
  byPhandle(phandle: number): FdtNode | undefined {
    let found: FdtNode | undefined;
    walk(this.root, '', (n) => { if (!found && n.phandle === phandle) found = n; });
    return found;
  }

  /** Every node with its absolute path, depth first in document order. */
  nodes(): { path: string; node: FdtNode }[] {
    const out: { path: string; node: FdtNode }[] = [];
    walk(this.root, '', (node, path) => out.push({ path, node }));
    return out;
  }

  /** Serializes to a DTB (version 17). */
  toBytes(): Uint8Array {
    return serializeFdt(this);
  }

  /** Parses a DTB. Corrupt input is a UserError. */
  static parse(bytes: Uint8Array): Fdt {
    return parseFdt(bytes);
  }

  /** @internal used by the reader to continue allocating above existing phandles. */
  reservePhandlesUpTo(max: number): void {
    if (max >= this.nextPhandle) this.nextPhandle = max + 1;
  }
}

function walk(node: FdtNode, parentPath: string, fn: (n: FdtNode, path: string) => void): void {
  const path = node.name === '' && parentPath === '' ? '/' : parentPath === '/' ? `/${node.name}` : `${parentPath}/${node.name}`;
  fn(node, path);
  for (const c of node.children) walk(c, path, fn);
}

const align = (n: number, a: number): number => (n + a - 1) & ~(a - 1);

/** A growable big-endian byte buffer. */
class Writer {
  private buf = new Uint8Array(4096);
  private dv = new DataView(this.buf.buffer);
  length = 0;

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const nb = new Uint8Array(size);
    nb.set(this.buf.subarray(0, this.length));
    this.buf = nb;
    this.dv = new DataView(nb.buffer);
  }

  u32(v: number): void {
    this.ensure(4);
    this.dv.setUint32(this.length, v >>> 0);
    this.length += 4;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** Zero padding up to a multiple of `a`. */
  pad(a: number): void {
    const n = align(this.length, a) - this.length;
    this.ensure(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Serializes a tree; property names are deduplicated in the strings block. */
export function serializeFdt(fdt: Fdt): Uint8Array {
  const strings = new Writer();
  const nameOffsets = new Map<string, number>();
  const nameOffset = (name: string): number => {
    let off = nameOffsets.get(name);
    if (off === undefined) {
      off = strings.length;
      strings.bytes(utf8.encode(name));
      strings.bytes(new Uint8Array(1));
      nameOffsets.set(name, off);
    }
    return off;
  };

  const struct = new Writer();
  const emit = (node: FdtNode): void => {
    struct.u32(FDT_BEGIN_NODE);
    struct.bytes(utf8.encode(node.name));
    struct.bytes(new Uint8Array(1));
    struct.pad(4);
    for (const p of node.properties) {
      struct.u32(FDT_PROP);
      struct.u32(p.value.length);
      struct.u32(nameOffset(p.name));
      struct.bytes(p.value);
      struct.pad(4);
    }
    for (const c of node.children) emit(c);
    struct.u32(FDT_END_NODE);
  };
  emit(fdt.root);
  struct.u32(FDT_END);

  const structBytes = struct.result();
  const stringBytes = strings.result();
  const offRsvmap = align(HEADER_SIZE, 8);
  const rsvSize = (fdt.reservations.length + 1) * 16;
  const offStruct = offRsvmap + rsvSize;
  const offStrings = offStruct + structBytes.length;
  const total = align(offStrings + stringBytes.length, 4);

  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, FDT_MAGIC);
  dv.setUint32(4, total);
  dv.setUint32(8, offStruct);
  dv.setUint32(12, offStrings);
  dv.setUint32(16, offRsvmap);
  dv.setUint32(20, FDT_VERSION);
  dv.setUint32(24, FDT_LAST_COMP_VERSION);
  dv.setUint32(28, fdt.bootCpuidPhys >>> 0);
  dv.setUint32(32, stringBytes.length);
  dv.setUint32(36, structBytes.length);
  fdt.reservations.forEach((r, i) => {
    dv.setBigUint64(offRsvmap + i * 16, r.address);
    dv.setBigUint64(offRsvmap + i * 16 + 8, r.size);
  });
  // The terminating 0/0 entry is already zero.
  out.set(structBytes, offStruct);
  out.set(stringBytes, offStrings);
  return out;
}

function corrupt(what: string): UserError {
  return new UserError(`corrupt device tree blob: ${what}`);
}

/** Reads a NUL-terminated string; returns it and the offset just past its NUL. */
function readCString(bytes: Uint8Array, start: number, end: number, what: string): [string, number] {
  let i = start;
  while (i < end && bytes[i] !== 0) i++;
  if (i >= end) throw corrupt(`unterminated ${what}`);
  return [utf8Decoder.decode(bytes.subarray(start, i)), i + 1];
}

/** Parses a DTB (version 16 or 17 layout). Property values are copied. */
export function parseFdt(bytes: Uint8Array): Fdt {
  if (bytes.length < HEADER_SIZE) throw corrupt('shorter than the 40-byte header');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0) !== FDT_MAGIC) throw corrupt('bad magic (not a DTB)');
  const total = dv.getUint32(4);
  const offStruct = dv.getUint32(8);
  const offStrings = dv.getUint32(12);
  const offRsvmap = dv.getUint32(16);
  const version = dv.getUint32(20);
  const lastComp = dv.getUint32(24);
  if (lastComp > FDT_VERSION || version < FDT_LAST_COMP_VERSION) throw corrupt(`unsupported version ${version} (last compatible ${lastComp})`);
  if (total > bytes.length) throw corrupt(`totalsize ${total} exceeds the ${bytes.length} bytes given`);
  const sizeStrings = dv.getUint32(32);
  const sizeStruct = version >= 17 ? dv.getUint32(36) : total - offStruct;
  if (offStruct + sizeStruct > total || offStrings + sizeStrings > total || offRsvmap > total) throw corrupt('block outside totalsize');
  if (offStruct % 4 !== 0) throw corrupt('misaligned structure block');

  const fdt = new Fdt();
  fdt.bootCpuidPhys = dv.getUint32(28);

  for (let off = offRsvmap; ; off += 16) {
    if (off + 16 > total) throw corrupt('unterminated memory reservation block');
    const address = dv.getBigUint64(off);
    const size = dv.getBigUint64(off + 8);
    if (address === 0n && size === 0n) break;
    fdt.reservations.push({ address, size });
  }

  const end = offStruct + sizeStruct;
  const stack: FdtNode[] = [];
  let maxPhandle = 0;
  let off = offStruct;
  let sawRoot = false;
  for (;;) {
    if (off + 4 > end) throw corrupt('structure block ends without FDT_END');
    const token = dv.getUint32(off);
    off += 4;
    if (token === FDT_BEGIN_NODE) {
      const [name, after] = readCString(bytes, off, end, 'node name');
      off = align(after, 4);
      if (stack.length === 0) {
        if (sawRoot) throw corrupt('more than one root node');
        sawRoot = true;
        stack.push(fdt.root);
      } else {
        const parent = stack[stack.length - 1];
        if (name.includes('/')) throw corrupt(`node name with '/': ${name}`);
        // Pushed directly: a foreign blob with duplicate sibling names is still readable.
        const node = new FdtNode(name);
        parent.children.push(node);
        stack.push(node);
      }
    } else if (token === FDT_END_NODE) {
      if (stack.length === 0) throw corrupt('unbalanced FDT_END_NODE');
      stack.pop();
    } else if (token === FDT_PROP) {
      if (stack.length === 0) throw corrupt('property outside a node');
      if (off + 8 > end) throw corrupt('truncated property');
      const len = dv.getUint32(off);
      const nameoff = dv.getUint32(off + 4);
      off += 8;
      if (off + len > end) throw corrupt('property value past the structure block');
      if (nameoff >= sizeStrings) throw corrupt('property name offset past the strings block');
      const [name] = readCString(bytes, offStrings + nameoff, offStrings + sizeStrings, 'property name');
      const value = bytes.slice(off, off + len);
      off = align(off + len, 4);
      const node = stack[stack.length - 1];
      node.properties.push({ name, value });
      if (name === 'phandle' && len === 4) maxPhandle = Math.max(maxPhandle, node.phandle ?? 0);
    } else if (token === FDT_NOP) {
      continue;
    } else if (token === FDT_END) {
      if (stack.length !== 0) throw corrupt('FDT_END inside a node');
      break;
    } else {
      throw corrupt(`unknown token 0x${token.toString(16)} at offset ${off - 4}`);
    }
  }
  if (!sawRoot) throw corrupt('no root node');
  fdt.reservePhandlesUpTo(maxPhandle);
  return fdt;
}

/** Renders a property value for display, in the spirit of dtc's DTS output. */
export function formatFdtValue(value: Uint8Array): string {
  if (value.length === 0) return '';
  // Printable NUL-terminated strings?
  if (value[value.length - 1] === 0 && value[0] !== 0) {
    let ok = true;
    for (let i = 0; i < value.length; i++) {
      const c = value[i];
      if (c === 0) { if (i > 0 && value[i - 1] === 0) { ok = false; break; } continue; }
      if (c < 0x20 || c > 0x7e) { ok = false; break; }
    }
    if (ok) return utf8Decoder.decode(value.subarray(0, value.length - 1)).split('\0').map((s) => JSON.stringify(s)).join(', ');
  }
  if (value.length % 4 === 0) {
    const dv = new DataView(value.buffer, value.byteOffset, value.byteLength);
    const cells: string[] = [];
    for (let i = 0; i < value.length; i += 4) cells.push(`0x${dv.getUint32(i).toString(16)}`);
    return `<${cells.join(' ')}>`;
  }
  return `[${Array.from(value, (b) => b.toString(16).padStart(2, '0')).join(' ')}]`;
}

/** A DTS-like text listing of the tree (for `info devices`). */
export function formatFdt(fdt: Fdt): string {
  const lines: string[] = [];
  const emit = (node: FdtNode, depth: number): void => {
    const ind = '\t'.repeat(depth);
    lines.push(`${ind}${node.name === '' ? '/' : node.name} {`);
    for (const p of node.properties) {
      lines.push(p.value.length === 0 ? `${ind}\t${p.name};` : `${ind}\t${p.name} = ${formatFdtValue(p.value)};`);
    }
    for (const c of node.children) emit(c, depth + 1);
    lines.push(`${ind}};`);
  };
  emit(fdt.root, 0);
  return lines.join('\n');
}
