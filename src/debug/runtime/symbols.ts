// The debugger's images: the kernel ELF and the extra symbol files of the launch configuration,
// each at a load offset. Answers address -> symbol/line and name/line -> addresses over all of them.
import { Elf64, isElf } from '../../elf/elf64';
import { loadDebugInfo, loadFrameInfo, loadLineInfo, type FrameInfo, type LineInfo, type SourcePosition } from './debugInfo';
import type { DebugInfo } from '../../dwarf/index';

export interface DebugImage {
  readonly id: number;
  readonly name: string;
  readonly path: string;
  readonly elf: Elf64;
  readonly offset: bigint;
  readonly lines: LineInfo | undefined;
  readonly frames: FrameInfo | undefined;
  /** The image's DWARF (functions, variables) beyond lines and frames. */
  readonly debug: DebugInfo;
  /** Folder that relative DWARF source paths are resolved against. */
  readonly sourceDir: string;
  /** Lowest and highest loaded address (bias applied). */
  readonly start: bigint;
  readonly end: bigint;
}

/** A resolved source position: file paths made absolute against the image's source folder. */
export interface SourceLocation extends SourcePosition {
  image: DebugImage;
}

export interface PathOps {
  dirname(p: string): string;
  basename(p: string): string;
  /** Absolute path of `p` relative to `dir` (absolute `p` unchanged). */
  resolve(dir: string, p: string): string;
}

export class SymbolIndex {
  readonly images: DebugImage[] = [];
  readonly warnings: string[] = [];

  /**
   * `sourceRoot`: the launch `cwd` when the configuration gives one; relative DWARF paths (a
   * compile directory of `.`) resolve against it, else against the ELF's own folder.
   */
  constructor(private readonly paths: PathOps, private readonly sourceRoot?: string) {}

  /** Adds an ELF (non-ELF files are ignored: a raw binary or Linux Image has no symbols). */
  add(path: string, bytes: Uint8Array, offset = 0n): DebugImage | undefined {
    if (!isElf(bytes)) return undefined;
    const elf = new Elf64(bytes);
    const debug = loadDebugInfo(elf, offset);
    const { info, warning } = loadLineInfo(debug);
    if (warning) this.warnings.push(`${this.paths.basename(path)}: ${warning}`);
    let start = -1n, end = 0n;
    for (const p of elf.loadSegments) {
      const a = p.vaddr + offset;
      if (start < 0n || a < start) start = a;
      if (a + BigInt(p.memsz) > end) end = a + BigInt(p.memsz);
    }
    const img: DebugImage = {
      id: this.images.length + 1, name: this.paths.basename(path), path, elf, offset,
      lines: info, frames: loadFrameInfo(debug), debug, sourceDir: this.sourceRoot ?? this.paths.dirname(path), start: start < 0n ? 0n : start, end,
    };
    this.images.push(img);
    return img;
  }

  imageAt(addr: bigint): DebugImage | undefined {
    return this.images.find((i) => addr >= i.start && addr < i.end);
  }

  /** "name+0x10" for an address, or undefined. */
  symbolize(addr: bigint): string | undefined {
    const s = this.symbolAt(addr);
    if (!s) return undefined;
    return s.offset === 0n ? s.name : `${s.name}+0x${s.offset.toString(16)}`;
  }

  symbolAt(addr: bigint): { name: string; offset: bigint; address: bigint; size: bigint; image: DebugImage } | undefined {
    let best: { name: string; offset: bigint; address: bigint; size: bigint; image: DebugImage } | undefined;
    for (const img of this.images) {
      const loc = img.elf.symbolAt(addr - img.offset);
      if (!loc) continue;
      const address = loc.symbol.value + img.offset;
      // A sized symbol only covers its size; an untyped label covers up to the next symbol.
      if (loc.symbol.size > 0n && loc.offset >= loc.symbol.size) continue;
      if (!best || loc.offset < best.offset) best = { name: loc.symbol.name, offset: loc.offset, address, size: loc.symbol.size, image: img };
    }
    return best;
  }

  lookup(name: string): { address: bigint; size: bigint; type: string; image: DebugImage } | undefined {
    for (const img of this.images) {
      const s = img.elf.lookup(name);
      if (s) return { address: s.value + img.offset, size: s.size, type: s.type, image: img };
    }
    return undefined;
  }

  addressToLine(addr: bigint): SourceLocation | undefined {
    for (const img of this.images) {
      const p = img.lines?.addressToLine(addr);
      if (p) return { ...p, file: this.paths.resolve(img.sourceDir, p.file), image: img };
    }
    return undefined;
  }

  isStatementStart(addr: bigint): boolean {
    for (const img of this.images) if (img.lines?.isStatementStart(addr)) return true;
    return false;
  }

  /** Addresses for a source breakpoint: the nearest line with code at or after `line`. */
  lineToAddresses(file: string, line: number): { line: number; addresses: bigint[] } | undefined {
    let best: { line: number; addresses: bigint[] } | undefined;
    for (const img of this.images) {
      const r = img.lines?.lineToAddresses(this.relativeTo(img, file), line);
      if (!r) continue;
      if (!best || r.line < best.line) best = { line: r.line, addresses: [...r.addresses] };
      else if (r.line === best.line) best.addresses.push(...r.addresses);
    }
    return best;
  }

  /**
   * A client's path as the image's line table names it: the table's own name for the file whose
   * resolved path (against the image's source folder) equals `file`, else `file` itself (the table
   * then matches it by trailing path components).
   */
  private relativeTo(img: DebugImage, file: string): string {
    const want = this.paths.resolve(img.sourceDir, file);
    for (const k of img.lines?.files() ?? []) if (this.paths.resolve(img.sourceDir, k) === want) return k;
    return file;
  }

  /** The symbols of an image, for `modules` and completions. */
  symbolCount(img: DebugImage): number {
    return img.elf.symbols.length;
  }
}
