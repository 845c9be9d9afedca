// ELF64 little-endian RISC-V reader: header, program headers, section headers, symbols.
//
// Facts from the System V ABI "ELF-64 Object File Format" (header 64 bytes, program header 56,
// section header 64, Elf64_Sym 24) and the RISC-V ELF psABI (EM_RISCV = 243). Addresses are bigint:
// this is a load-time and debugger path, never per instruction, and kernel virtual addresses
// (0xffff_ffff_8000_0000...) do not fit a double exactly.

import { UserError } from '../common/errors';

export const EM_RISCV = 243;

export const PT_LOAD = 1;
export const PF_X = 1, PF_W = 2, PF_R = 4;

export const SHT_NULL = 0, SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_NOBITS = 8, SHT_DYNSYM = 11;
export const SHN_UNDEF = 0, SHN_LORESERVE = 0xff00, SHN_ABS = 0xfff1, SHN_COMMON = 0xfff2, SHN_XINDEX = 0xffff;

export const ET_REL = 1, ET_EXEC = 2, ET_DYN = 3;

export type ElfSymbolType = 'notype' | 'object' | 'func' | 'section' | 'file' | 'common' | 'tls' | 'other';
export type ElfSymbolBind = 'local' | 'global' | 'weak' | 'other';

export interface ElfProgramHeader {
  type: number;
  flags: number;
  offset: number;
  vaddr: bigint;
  paddr: bigint;
  filesz: number;
  memsz: number;
  align: bigint;
}

export interface ElfSection {
  index: number;
  name: string;
  type: number;
  flags: bigint;
  addr: bigint;
  offset: number;
  size: number;
  link: number;
  info: number;
  entsize: number;
}

export interface ElfSymbol {
  name: string;
  value: bigint;
  size: bigint;
  type: ElfSymbolType;
  bind: ElfSymbolBind;
  /** Section header index st_shndx (SHN_XINDEX extension through SHT_SYMTAB_SHNDX is not read). */
  shndx: number;
}

/** Where an address falls relative to a symbol. */
export interface SymbolLocation {
  symbol: ElfSymbol;
  offset: bigint;
}

const SYM_TYPES: ElfSymbolType[] = ['notype', 'object', 'func', 'section', 'file', 'common', 'tls'];
const SYM_BINDS: ElfSymbolBind[] = ['local', 'global', 'weak'];
const decoder = new TextDecoder('utf-8', { fatal: false });

function bad(what: string): UserError {
  return new UserError(`bad ELF file: ${what}`);
}

/** Converts a file offset or size to a number, rejecting values no file this size can hold. */
function small(v: bigint, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw bad(`${what} 0x${v.toString(16)} is out of range`);
  return Number(v);
}

function cstr(bytes: Uint8Array, start: number, end: number): string {
  let i = start;
  while (i < end && bytes[i] !== 0) i++;
  return decoder.decode(bytes.subarray(start, i));
}

/** A parsed ELF64 RISC-V file. Section data are views into the bytes given to parseElf64. */
export class Elf64 {
  readonly type: number;
  readonly flags: number;
  readonly entry: bigint;
  readonly programHeaders: readonly ElfProgramHeader[];
  readonly sections: readonly ElfSection[];
  /** From .symtab, or .dynsym when the file is stripped of .symtab; see symbolSource. */
  readonly symbols: readonly ElfSymbol[];
  readonly symbolSource: 'symtab' | 'dynsym' | 'none';
  /** HTIF mailbox addresses (riscv-tests, picolibc semihosting-free HTIF), when the symbols exist. */
  readonly tohost: bigint | undefined;
  readonly fromhost: bigint | undefined;
  /** Which DWARF / unwind sections exist (the DWARF reader reads them via sectionData). */
  readonly debug: { line: boolean; info: boolean; frame: boolean; ehFrame: boolean };

  private readonly byName = new Map<string, ElfSymbol>();
  /** Code/data symbols sorted by address for symbolAt. */
  private readonly sorted: ElfSymbol[];

  constructor(readonly bytes: Uint8Array) {
    if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
      throw new UserError('not an ELF file (bad magic)');
    }
    if (bytes.length < 16) throw bad('truncated ELF identification');
    if (bytes[4] === 1) throw new UserError('32-bit ELF: hvscope runs RV64 (ELFCLASS64) programs only');
    if (bytes[4] !== 2) throw bad(`unknown ELF class ${bytes[4]}`);
    if (bytes[5] === 2) throw new UserError('big-endian ELF: RISC-V programs are little-endian');
    if (bytes[5] !== 1) throw bad(`unknown ELF data encoding ${bytes[5]}`);
    if (bytes.length < 64) throw bad('truncated ELF header');
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const machine = dv.getUint16(18, true);
    if (machine !== EM_RISCV) throw new UserError(`not RISC-V: ELF machine ${machine}, expected EM_RISCV (243)`);
    this.type = dv.getUint16(16, true);
    this.entry = dv.getBigUint64(24, true);
    const phoff = small(dv.getBigUint64(32, true), 'e_phoff');
    const shoff = small(dv.getBigUint64(40, true), 'e_shoff');
    this.flags = dv.getUint32(48, true);
    const phentsize = dv.getUint16(54, true);
    const phnum = dv.getUint16(56, true);
    const shentsize = dv.getUint16(58, true);
    let shnum = dv.getUint16(60, true);
    let shstrndx = dv.getUint16(62, true);

    // Program headers.
    const phs: ElfProgramHeader[] = [];
    if (phnum > 0) {
      if (phentsize < 56) throw bad(`program header entry size ${phentsize} < 56`);
      if (phoff + phnum * phentsize > bytes.length) throw bad(`truncated program headers (${phnum} at offset ${phoff}, file is ${bytes.length} bytes)`);
      for (let i = 0; i < phnum; i++) {
        const o = phoff + i * phentsize;
        const ph: ElfProgramHeader = {
          type: dv.getUint32(o, true),
          flags: dv.getUint32(o + 4, true),
          offset: small(dv.getBigUint64(o + 8, true), 'p_offset'),
          vaddr: dv.getBigUint64(o + 16, true),
          paddr: dv.getBigUint64(o + 24, true),
          filesz: small(dv.getBigUint64(o + 32, true), 'p_filesz'),
          memsz: small(dv.getBigUint64(o + 40, true), 'p_memsz'),
          align: dv.getBigUint64(o + 48, true),
        };
        if (ph.type === PT_LOAD) {
          if (ph.offset + ph.filesz > bytes.length) throw bad(`truncated: segment ${i} (offset 0x${ph.offset.toString(16)}, ${ph.filesz} bytes) extends past the end of the file`);
          if (ph.filesz > ph.memsz) throw bad(`segment ${i} has p_filesz > p_memsz`);
        }
        phs.push(ph);
      }
    }
    this.programHeaders = phs;

    // Section headers. Extended numbering: e_shnum = 0 and e_shstrndx = SHN_XINDEX put the real
    // values in section 0's sh_size and sh_link.
    const sections: ElfSection[] = [];
    if (shoff !== 0) {
      if (shentsize < 64) throw bad(`section header entry size ${shentsize} < 64`);
      if (shoff + shentsize > bytes.length) throw bad('truncated section headers');
      if (shnum === 0) shnum = small(dv.getBigUint64(shoff + 32, true), 'section count');
      if (shstrndx === SHN_XINDEX) shstrndx = dv.getUint32(shoff + 40, true);
      if (shoff + shnum * shentsize > bytes.length) throw bad(`truncated section headers (${shnum} at offset ${shoff}, file is ${bytes.length} bytes)`);
      for (let i = 0; i < shnum; i++) {
        const o = shoff + i * shentsize;
        const sec: ElfSection = {
          index: i,
          name: '',
          type: dv.getUint32(o + 4, true),
          flags: dv.getBigUint64(o + 8, true),
          addr: dv.getBigUint64(o + 16, true),
          offset: small(dv.getBigUint64(o + 24, true), 'sh_offset'),
          size: small(dv.getBigUint64(o + 32, true), 'sh_size'),
          link: dv.getUint32(o + 40, true),
          info: dv.getUint32(o + 44, true),
          entsize: small(dv.getBigUint64(o + 56, true), 'sh_entsize'),
        };
        if (sec.type !== SHT_NOBITS && sec.type !== SHT_NULL && sec.offset + sec.size > bytes.length) {
          throw bad(`truncated: section ${i} (offset 0x${sec.offset.toString(16)}, ${sec.size} bytes) extends past the end of the file`);
        }
        sections.push(sec);
      }
      if (shnum > 0) {
        if (shstrndx >= shnum) throw bad(`section name table index ${shstrndx} out of range`);
        const strtab = sections[shstrndx];
        for (let i = 0; i < shnum; i++) {
          const nameOff = dv.getUint32(shoff + i * shentsize, true);
          if (nameOff >= strtab.size && strtab.size > 0) throw bad(`section ${i} name offset out of range`);
          sections[i].name = strtab.size === 0 ? '' : cstr(bytes, strtab.offset + nameOff, strtab.offset + strtab.size);
        }
      }
    }
    this.sections = sections;

    // Symbols.
    let symSec = sections.find((s) => s.type === SHT_SYMTAB);
    this.symbolSource = symSec ? 'symtab' : 'none';
    if (!symSec) {
      symSec = sections.find((s) => s.type === SHT_DYNSYM);
      if (symSec) this.symbolSource = 'dynsym';
    }
    this.symbols = symSec ? this.readSymbols(dv, symSec) : [];

    for (const s of this.symbols) {
      if (s.name === '' || s.shndx === SHN_UNDEF || s.type === 'section') continue;
      const prev = this.byName.get(s.name);
      // Prefer a global definition over a weak or local one of the same name.
      if (!prev || (prev.bind !== 'global' && s.bind === 'global')) this.byName.set(s.name, s);
    }
    this.sorted = this.symbols.filter(isLocatable).sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : rank(b) - rank(a)));
    this.tohost = this.byName.get('tohost')?.value;
    this.fromhost = this.byName.get('fromhost')?.value;
    const has = (n: string): boolean => sections.some((s) => s.name === n);
    this.debug = { line: has('.debug_line'), info: has('.debug_info'), frame: has('.debug_frame'), ehFrame: has('.eh_frame') };
  }

  private readSymbols(dv: DataView, sec: ElfSection): ElfSymbol[] {
    const entsize = sec.entsize || 24;
    if (entsize < 24) throw bad(`symbol entry size ${entsize} < 24`);
    if (sec.link >= this.sections.length) throw bad('symbol table links to a missing string table');
    const strtab = this.sections[sec.link];
    const out: ElfSymbol[] = [];
    const count = Math.floor(sec.size / entsize);
    for (let i = 0; i < count; i++) {
      const o = sec.offset + i * entsize;
      const nameOff = dv.getUint32(o, true);
      const info = dv.getUint8(o + 4);
      const shndx = dv.getUint16(o + 6, true);
      const t = info & 0xf, b = info >> 4;
      let name = nameOff < strtab.size ? cstr(this.bytes, strtab.offset + nameOff, strtab.offset + strtab.size) : '';
      // Section symbols are unnamed; show them by their section's name, as readelf does.
      if (name === '' && SYM_TYPES[t] === 'section' && shndx < this.sections.length) name = this.sections[shndx].name;
      out.push({
        name,
        value: dv.getBigUint64(o + 8, true),
        size: dv.getBigUint64(o + 16, true),
        type: SYM_TYPES[t] ?? 'other',
        bind: SYM_BINDS[b] ?? 'other',
        shndx,
      });
    }
    return out;
  }

  /** The section called `name`. */
  section(name: string): ElfSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** A section's file contents (a view, not a copy); undefined for missing or NOBITS sections. */
  sectionData(name: string): Uint8Array | undefined {
    const s = this.section(name);
    if (!s || s.type === SHT_NOBITS || s.type === SHT_NULL) return undefined;
    return this.bytes.subarray(s.offset, s.offset + s.size);
  }

  /** PT_LOAD segments in file order. */
  get loadSegments(): ElfProgramHeader[] {
    return this.programHeaders.filter((p) => p.type === PT_LOAD);
  }

  /** A defined symbol by name (a global definition wins over weak and local ones). */
  lookup(name: string): ElfSymbol | undefined {
    return this.byName.get(name);
  }

  /**
   * The nearest symbol at or below `addr`, with the offset from it: function and object symbols,
   * and untyped labels (assembly often leaves functions untyped); never section, file, mapping
   * ($x, $d) or local (.L) symbols. At equal addresses a function beats an object beats a label,
   * and global beats weak beats local.
   */
  symbolAt(addr: bigint): SymbolLocation | undefined {
    const a = this.sorted;
    let lo = 0, hi = a.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid].value <= addr) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (found < 0) return undefined;
    // Go back to the first (best-ranked) symbol at that address.
    const v = a[found].value;
    while (found > 0 && a[found - 1].value === v) found--;
    return { symbol: a[found], offset: addr - v };
  }
}

function isLocatable(s: ElfSymbol): boolean {
  // Absolute and common symbols are constants or unallocated, not places in the program.
  if (s.name === '' || s.shndx === SHN_UNDEF || s.shndx >= SHN_LORESERVE) return false;
  if (s.name.startsWith('$') || s.name.startsWith('.L')) return false;
  return s.type === 'func' || s.type === 'object' || s.type === 'notype';
}

/** Higher is preferred at equal addresses. */
function rank(s: ElfSymbol): number {
  const t = s.type === 'func' ? 30 : s.type === 'object' ? 20 : 10;
  const b = s.bind === 'global' ? 2 : s.bind === 'weak' ? 1 : 0;
  return t + b;
}

/** Parses an ELF64 RISC-V file; wrong or corrupt files raise UserError. */
export function parseElf64(bytes: Uint8Array): Elf64 {
  return new Elf64(bytes);
}

/** True when `bytes` start with the ELF magic. */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}
