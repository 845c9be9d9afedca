// Kernel and firmware images → load plans. Pure: a plan says which bytes go where in physical
// memory; the machine writes them (applyLoadPlan through a small interface), so this runs anywhere.
//
// Three image kinds (ARCHITECTURE.md §3): ELF (PT_LOAD segments at their physical addresses),
// a Linux RISC-V `Image` (flat binary with a 64-byte header) and raw binaries.

import { UserError } from '../common/errors';
import { Elf64, ElfSymbol, ET_DYN, ET_EXEC, isElf } from '../elf/elf64';

export type ImageKind = 'elf' | 'linux-image' | 'raw';

/** One piece of physical memory to fill: `bytes` at `addr`, then `zeroFill` zero bytes. */
export interface LoadSegment {
  addr: number;
  bytes: Uint8Array;
  zeroFill: number;
}

export interface LoadPlan {
  kind: ImageKind;
  segments: LoadSegment[];
  /** Physical address to start at. */
  entry: number;
  /** ELF symbols (empty for Image and raw; Linux symbols come from System.map). */
  symbols: readonly ElfSymbol[];
}

/** Where the plan's segments must fit, e.g. RAM; a segment outside it is a UserError. */
export interface PhysRegion {
  base: number;
  size: number;
}

/** How the machine writes a plan into memory. */
export interface PhysicalMemoryWriter {
  writePhys(addr: number, bytes: Uint8Array): void;
  zeroPhys(addr: number, length: number): void;
}

// ---- Linux Image header ----
//
// Layout from the Linux source tree, Documentation/arch/riscv/boot-image-header.rst
// ("Boot image header in RISC-V Linux"), 64 bytes, little endian:
//   0x00 u32 code0, 0x04 u32 code1, 0x08 u64 text_offset (load offset from the start of RAM),
//   0x10 u64 image_size (effective size, including bss), 0x18 u64 flags (bit 0: 1 = big endian),
//   0x20 u32 version (major in bits 31:16, minor in 15:0; current 0.2), 0x24 u32 res1,
//   0x28 u64 res2, 0x30 u64 magic "RISCV\0\0\0" (deprecated since 0.2),
//   0x38 u32 magic2 "RSC\x05", 0x3c u32 res3 (PE/COFF header offset for EFI stub kernels,
//   whose code0 then starts with "MZ").

const IMAGE_HEADER_SIZE = 64;
const MAGIC = [0x52, 0x49, 0x53, 0x43, 0x56, 0, 0, 0]; // "RISCV\0\0\0"
const MAGIC2 = [0x52, 0x53, 0x43, 0x05]; // "RSC\x05"

export interface LinuxImageHeader {
  code0: number;
  code1: number;
  /** Load offset from the start of RAM. */
  textOffset: number;
  /** Bytes the kernel occupies once loaded, including what follows the file (bss). */
  imageSize: number;
  flags: number;
  bigEndian: boolean;
  version: { major: number; minor: number };
  /** "RISCV\0\0\0" at 0x30 (deprecated) and "RSC\x05" at 0x38. */
  hasMagic: boolean;
  hasMagic2: boolean;
  /** code0 begins with "MZ": an EFI stub kernel (PE/COFF header at res3). */
  efiStub: boolean;
  peHeaderOffset: number;
}

function matches(bytes: Uint8Array, at: number, pattern: readonly number[]): boolean {
  if (bytes.length < at + pattern.length) return false;
  return pattern.every((b, i) => bytes[at + i] === b);
}

/** Guesses the kind of a kernel image from its first bytes. */
export function detectImage(bytes: Uint8Array): ImageKind {
  if (isElf(bytes)) return 'elf';
  if (bytes.length >= IMAGE_HEADER_SIZE && (matches(bytes, 0x38, MAGIC2) || matches(bytes, 0x30, MAGIC))) return 'linux-image';
  return 'raw';
}

function u64Number(dv: DataView, off: number, what: string): number {
  const v = dv.getBigUint64(off, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new UserError(`Linux Image header: ${what} 0x${v.toString(16)} is out of range`);
  return Number(v);
}

/** Reads and checks the 64-byte RISC-V Linux Image header. */
export function parseLinuxImage(bytes: Uint8Array): LinuxImageHeader {
  if (bytes.length < IMAGE_HEADER_SIZE) throw new UserError(`not a Linux Image: ${bytes.length} bytes is shorter than the 64-byte header`);
  const hasMagic = matches(bytes, 0x30, MAGIC);
  const hasMagic2 = matches(bytes, 0x38, MAGIC2);
  if (!hasMagic && !hasMagic2) throw new UserError('not a RISC-V Linux Image: no "RSC\\x05" magic at offset 0x38 (nor "RISCV" at 0x30)');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flags = u64Number(dv, 0x18, 'flags');
  const versionRaw = dv.getUint32(0x20, true);
  const header: LinuxImageHeader = {
    code0: dv.getUint32(0x00, true),
    code1: dv.getUint32(0x04, true),
    textOffset: u64Number(dv, 0x08, 'text_offset'),
    imageSize: u64Number(dv, 0x10, 'image_size'),
    flags,
    bigEndian: (flags & 1) !== 0,
    version: { major: versionRaw >>> 16, minor: versionRaw & 0xffff },
    hasMagic,
    hasMagic2,
    efiStub: bytes[0] === 0x4d && bytes[1] === 0x5a,
    peHeaderOffset: dv.getUint32(0x3c, true),
  };
  if (header.bigEndian) throw new UserError('Linux Image is big-endian (flags bit 0); only little-endian kernels run');
  if (header.textOffset % 4096 !== 0) throw new UserError(`Linux Image text_offset 0x${header.textOffset.toString(16)} is not page aligned`);
  if (header.imageSize !== 0 && header.imageSize < IMAGE_HEADER_SIZE) throw new UserError(`Linux Image image_size ${header.imageSize} is smaller than its header`);
  return header;
}

// ---- plans ----

function checkFits(segments: readonly LoadSegment[], region: PhysRegion | undefined): void {
  const sorted = [...segments].sort((a, b) => a.addr - b.addr);
  for (let i = 0; i < sorted.length; i++) {
    const s = sorted[i];
    const end = s.addr + s.bytes.length + s.zeroFill;
    if (region && (s.addr < region.base || end > region.base + region.size)) {
      throw new UserError(
        `image segment 0x${s.addr.toString(16)}..0x${end.toString(16)} does not fit in memory ` +
        `0x${region.base.toString(16)}..0x${(region.base + region.size).toString(16)}`);
    }
    const next = sorted[i + 1];
    if (next && next.addr < end) throw new UserError(`image segments overlap at 0x${next.addr.toString(16)}`);
  }
}

function physNumber(v: bigint, what: string): number {
  if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new UserError(`${what} 0x${v.toString(16)} is not a physical address (link the program at physical addresses or give it physical LMAs)`);
  }
  return Number(v);
}

export interface ElfPlanOptions {
  /** Place segments at p_paddr (default) or at p_vaddr. */
  usePaddr?: boolean;
  /** Added to every address (e.g. to load a position-independent image elsewhere). Default 0. */
  bias?: number;
  /** Segments must fit here. */
  region?: PhysRegion;
}

/**
 * Plans an ELF: each PT_LOAD with a non-zero p_memsz goes to its physical address, p_filesz bytes
 * from the file and the rest zeroed. The entry point (a virtual address) is moved by the same
 * p_vaddr → p_paddr difference as the segment containing it, as loaders for physically loaded
 * kernels do.
 */
export function planElf(elf: Elf64, opts: ElfPlanOptions = {}): LoadPlan {
  const usePaddr = opts.usePaddr ?? true;
  const bias = BigInt(opts.bias ?? 0);
  if (elf.type !== ET_EXEC && elf.type !== ET_DYN) throw new UserError(`ELF type ${elf.type} is not an executable (relocatable objects cannot be loaded)`);
  const loads = elf.loadSegments.filter((p) => p.memsz > 0);
  if (loads.length === 0) throw new UserError('ELF has no loadable (PT_LOAD) segments');
  const segments: LoadSegment[] = loads.map((p) => ({
    addr: physNumber((usePaddr ? p.paddr : p.vaddr) + bias, 'segment address'),
    bytes: elf.bytes.subarray(p.offset, p.offset + p.filesz),
    zeroFill: p.memsz - p.filesz,
  }));
  checkFits(segments, opts.region);
  let entry = elf.entry;
  const home = loads.find((p) => entry >= p.vaddr && entry < p.vaddr + BigInt(p.memsz));
  if (usePaddr && home) entry = entry - home.vaddr + home.paddr;
  return { kind: 'elf', segments, entry: physNumber(entry + bias, 'entry point'), symbols: elf.symbols };
}

/** Plans a raw binary at `loadAddr`; the entry is its first byte. */
export function planRaw(bytes: Uint8Array, loadAddr: number, region?: PhysRegion): LoadPlan {
  if (bytes.length === 0) throw new UserError('image is empty');
  const segments = [{ addr: loadAddr, bytes, zeroFill: 0 }];
  checkFits(segments, region);
  return { kind: 'raw', segments, entry: loadAddr, symbols: [] };
}

/**
 * Plans a Linux Image: loaded at ramBase + text_offset (0x8020_0000 for RV64 on QEMU virt), with
 * image_size - file length zero bytes after it; the entry is the load address.
 */
export function planLinuxImage(bytes: Uint8Array, ramBase: number, region?: PhysRegion): LoadPlan {
  const h = parseLinuxImage(bytes);
  const addr = ramBase + h.textOffset;
  const zeroFill = Math.max(0, h.imageSize - bytes.length);
  const segments = [{ addr, bytes, zeroFill }];
  checkFits(segments, region);
  return { kind: 'linux-image', segments, entry: addr, symbols: [] };
}

export interface ImagePlanOptions {
  /** Start of RAM (Linux Image load base). */
  ramBase: number;
  /** Where a raw binary goes (e.g. 0x8020_0000 for a kernel, 0x8000_0000 for firmware). */
  rawLoadAddr: number;
  region?: PhysRegion;
}

/** Detects the kind of `bytes` and plans it. */
export function planImage(bytes: Uint8Array, opts: ImagePlanOptions): LoadPlan {
  switch (detectImage(bytes)) {
    case 'elf': return planElf(new Elf64(bytes), { region: opts.region });
    case 'linux-image': return planLinuxImage(bytes, opts.ramBase, opts.region);
    case 'raw': return planRaw(bytes, opts.rawLoadAddr, opts.region);
  }
}

/** Lowest and highest (exclusive) physical address a plan touches, e.g. to place the FDT after it. */
export function planExtent(plan: LoadPlan): { start: number; end: number } {
  let start = Infinity, end = 0;
  for (const s of plan.segments) {
    start = Math.min(start, s.addr);
    end = Math.max(end, s.addr + s.bytes.length + s.zeroFill);
  }
  return { start: plan.segments.length ? start : 0, end };
}

/** Writes a plan through the machine's memory interface. */
export function applyLoadPlan(plan: LoadPlan, mem: PhysicalMemoryWriter): void {
  for (const s of plan.segments) {
    if (s.bytes.length > 0) mem.writePhys(s.addr, s.bytes);
    if (s.zeroFill > 0) mem.zeroPhys(s.addr + s.bytes.length, s.zeroFill);
  }
}
