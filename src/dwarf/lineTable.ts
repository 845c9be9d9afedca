// .debug_line reader: line-number program headers of DWARF versions 2 to 5 and the line-number state
// machine (DWARF 5 §6.2; DWARF 4 §6.2 for the older header), producing the line table the debugger
// uses both ways: address -> source line (stack traces) and source line -> addresses (breakpoints).
//
// Only linked executables are handled: their .debug_line is already relocated (RISC-V linker
// relaxation resolved), so DW_LNE_set_address operands are final addresses.

import { ByteReader, DwarfError, stringAt, wrap64 } from './reader';

/** One row of the line table (§6.2.2). `file` is the full path, resolved against the directories. */
export interface LineRow {
  address: bigint;
  file: string;
  line: number;
  column: number;
  isStmt: boolean;
  endSequence: boolean;
}

export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** Where a source-line breakpoint lands: the line that has code (at or after the one asked for). */
export interface LineAddresses {
  line: number;
  addresses: bigint[];
}

export interface LineSections {
  debugLine: Uint8Array;
  debugLineStr?: Uint8Array;
  debugStr?: Uint8Array;
  /** DWARF 2–4 headers have no compilation directory: .debug_line offset -> DW_AT_comp_dir from .debug_info. */
  compDirs?: ReadonlyMap<number, string>;
}

// Standard opcodes (§7.22 Table 7.25).
const DW_LNS_copy = 1, DW_LNS_advance_pc = 2, DW_LNS_advance_line = 3, DW_LNS_set_file = 4, DW_LNS_set_column = 5,
  DW_LNS_negate_stmt = 6, DW_LNS_set_basic_block = 7, DW_LNS_const_add_pc = 8, DW_LNS_fixed_advance_pc = 9,
  DW_LNS_set_prologue_end = 10, DW_LNS_set_epilogue_begin = 11, DW_LNS_set_isa = 12;
// Extended opcodes (Table 7.26).
const DW_LNE_end_sequence = 1, DW_LNE_set_address = 2, DW_LNE_define_file = 3, DW_LNE_set_discriminator = 4;
// Line-number header entry formats (Table 7.27).
const DW_LNCT_path = 1, DW_LNCT_directory_index = 2;
// Forms that may appear in a v5 entry format (§6.2.4.1).
const DW_FORM_block = 0x09, DW_FORM_block1 = 0x0a, DW_FORM_block2 = 0x03, DW_FORM_block4 = 0x04, DW_FORM_data1 = 0x0b,
  DW_FORM_data2 = 0x05, DW_FORM_data4 = 0x06, DW_FORM_data8 = 0x07, DW_FORM_data16 = 0x1e, DW_FORM_string = 0x08,
  DW_FORM_strp = 0x0e, DW_FORM_line_strp = 0x1f, DW_FORM_udata = 0x0f, DW_FORM_sdata = 0x0d, DW_FORM_strx = 0x1a,
  DW_FORM_strx1 = 0x25, DW_FORM_strx2 = 0x26, DW_FORM_strx3 = 0x27, DW_FORM_strx4 = 0x28;

/** Joins a directory and a name like a POSIX path, then drops `.` and resolvable `..` segments. */
export function joinPath(dir: string, name: string): string {
  if (isAbsolute(name) || dir === '') return normalizePath(name);
  return normalizePath(`${dir}/${name}`);
}

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p);
}

export function normalizePath(p: string): string {
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (seg === '..' && abs) continue;
    else out.push(seg);
  }
  const joined = out.join('/');
  if (abs) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** One line-number program's header, as far as the state machine needs it. */
interface LineProgramHeader {
  version: number;
  is64: boolean;
  addressSize: number;
  minInstLength: number;
  maxOpsPerInst: number;
  defaultIsStmt: boolean;
  lineBase: number;
  lineRange: number;
  opcodeBase: number;
  standardOpcodeLengths: number[];
  /** Resolved paths, indexed by the file register's value (index 0 unused before v5). */
  files: (string | undefined)[];
  dirs: string[];
  programStart: number;
  end: number;
}

/** A contiguous run of rows ending in an end_sequence row (§6.2.5.3 DW_LNE_end_sequence). */
interface Sequence {
  rows: LineRow[];
  start: bigint;
  end: bigint;
}

interface Range {
  start: bigint;
  end: bigint;
  row: LineRow;
}

export class LineTable {
  /** Problems met in individual line programs; the rest of the table is still usable. */
  readonly warnings: string[] = [];
  private readonly sequences: Sequence[] = [];
  private ranges: Range[] | undefined;
  private fileList: string[] | undefined;
  private nonZero: boolean | undefined;
  private readonly unitFileTables = new Map<number, (string | undefined)[]>();

  /** Parses every line-number program in .debug_line. Throws DwarfError only for nothing usable. */
  constructor(private readonly sections: LineSections, private readonly bias = 0n) {
    const r = new ByteReader(sections.debugLine, 0, '.debug_line');
    while (r.pos < r.length) {
      const unitOffset = r.pos;
      let end: number;
      try {
        end = r.initialLength().end;
      } catch (e) {
        this.warnings.push(`line program at 0x${unitOffset.toString(16)}: ${(e as Error).message}`);
        break;
      }
      try {
        r.pos = unitOffset;
        const header = this.readHeader(r, unitOffset);
        this.unitFileTables.set(unitOffset, header.files);
        this.runProgram(r, header);
      } catch (e) {
        if (!(e instanceof DwarfError)) throw e;
        this.warnings.push(`line program at 0x${unitOffset.toString(16)}: ${e.message}`);
      }
      r.pos = end;
    }
  }

  /**
   * The resolved file names of the line program at a .debug_line offset, indexed by file number
   * (DW_AT_decl_file values; index 0 is unused before DWARF 5).
   */
  unitFiles(offset: number): readonly (string | undefined)[] | undefined {
    return this.unitFileTables.get(offset);
  }

  /** Every row, sequence by sequence in section order. */
  rows(): LineRow[] {
    return this.sequences.flatMap((s) => s.rows);
  }

  /** The distinct source files that have rows, sorted. */
  files(): string[] {
    if (this.fileList === undefined) {
      const set = new Set<string>();
      for (const s of this.sequences) for (const row of s.rows) if (!row.endSequence) set.add(row.file);
      this.fileList = [...set].sort();
    }
    return this.fileList;
  }

  /** The row covering `addr`: the last row at or below it in the sequence that contains it. */
  addressToLine(addr: bigint): SourcePosition | undefined {
    const ranges = this.rangeIndex();
    // Last range starting at or below addr; ranges of distinct sequences rarely overlap, so look back
    // a few entries for one that covers addr.
    let lo = 0, hi = ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ranges[mid].start <= addr) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo - 1; i >= 0 && i >= lo - 16; i--) {
      const rg = ranges[i];
      if (addr >= rg.start && addr < rg.end) return { file: rg.row.file, line: rg.row.line, column: rg.row.column };
    }
    return undefined;
  }

  /**
   * Addresses for a source-line breakpoint: the nearest line at or after `line` that has is_stmt rows
   * in the best-matching file(s). A file matches by full path, else by the most trailing path
   * components (at least the base name), as users name files in the editor. One address per entry
   * into the line (a row whose predecessor in the sequence is another line), so a breakpoint does not
   * fire once per column of the same statement.
   */
  lineToAddresses(file: string, line: number): LineAddresses | undefined {
    const matches = matchFiles(this.files(), file);
    if (matches.size === 0) return undefined;
    let best = Infinity;
    for (const s of this.sequences) {
      if (!this.usable(s)) continue;
      for (const row of s.rows) {
        if (!row.endSequence && row.isStmt && row.line >= line && row.line > 0 && row.line < best && matches.has(row.file)) best = row.line;
      }
    }
    if (best === Infinity) return undefined;
    const addrs = new Set<bigint>();
    for (const s of this.sequences) {
      if (!this.usable(s)) continue;
      let prev: LineRow | undefined;
      for (const row of s.rows) {
        if (!row.endSequence && row.isStmt && row.line === best && matches.has(row.file)
          && (prev === undefined || prev.line !== row.line || prev.file !== row.file)) addrs.add(row.address);
        prev = row;
      }
    }
    if (addrs.size === 0) return undefined;
    return { line: best, addresses: [...addrs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) };
  }

  /**
   * Sequences of functions the linker discarded (--gc-sections) keep DW_LNE_set_address 0; they
   * would shadow real code if the image is not at address 0, so skip them when other code is not.
   */
  private usable(s: Sequence): boolean {
    return s.start !== this.bias || !this.hasNonZero;
  }

  private get hasNonZero(): boolean {
    this.nonZero ??= this.sequences.some((s) => s.start !== this.bias);
    return this.nonZero;
  }

  private rangeIndex(): Range[] {
    if (this.ranges !== undefined) return this.ranges;
    const ranges: Range[] = [];
    for (const s of this.sequences) {
      if (!this.usable(s)) continue;
      // Several rows can share an address (statement rows of lines whose code is empty here, then
      // a non-statement row): the pc is reported at the last statement row of the group, as GDB
      // does; without one, at the last row. (The adapter shows a source breakpoint's own line.)
      let stmt: LineRow | undefined;
      for (let i = 0; i + 1 < s.rows.length; i++) {
        const row = s.rows[i], next = s.rows[i + 1];
        if (row.isStmt) stmt = row;
        if (next.address > row.address) { ranges.push({ start: row.address, end: next.address, row: stmt ?? row }); stmt = undefined; }
      }
    }
    ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    this.ranges = ranges;
    return ranges;
  }

  private readHeader(r: ByteReader, unitOffset: number): LineProgramHeader {
    const { is64, end } = r.initialLength();
    const version = r.u16();
    if (version < 2 || version > 5) throw new DwarfError(`unsupported .debug_line version ${version}`);
    let addressSize = 8;
    if (version >= 5) {
      addressSize = r.u8();
      const segSelSize = r.u8();
      if (segSelSize !== 0) throw new DwarfError(`segment selectors (size ${segSelSize}) are not supported`);
    }
    const headerLength = r.offset(is64);
    const programStart = r.pos + headerLength;
    if (programStart > end) throw new DwarfError('header_length runs past the unit');
    const minInstLength = r.u8();
    const maxOpsPerInst = version >= 4 ? r.u8() : 1;
    const defaultIsStmt = r.u8() !== 0;
    const lineBase = r.i8();
    const lineRange = r.u8();
    const opcodeBase = r.u8();
    if (lineRange === 0) throw new DwarfError('line_range is 0');
    if (maxOpsPerInst === 0) throw new DwarfError('maximum_operations_per_instruction is 0');
    const standardOpcodeLengths: number[] = [];
    for (let i = 1; i < opcodeBase; i++) standardOpcodeLengths.push(r.u8());

    const compDir = this.sections.compDirs?.get(unitOffset) ?? '';
    const dirs: string[] = [];
    const files: (string | undefined)[] = [];
    if (version >= 5) {
      // §6.2.4.1: entry formats, then entries; directory 0 is the compilation directory and file 0
      // the primary source file.
      const dirFormat = readEntryFormat(r);
      const dirCount = r.uleb();
      for (let i = 0; i < dirCount; i++) {
        const e = this.readEntry(r, dirFormat, is64);
        const path = e.path ?? '';
        dirs.push(i === 0 ? path : joinPath(dirs[0] ?? '', path));
      }
      const fileFormat = readEntryFormat(r);
      const fileCount = r.uleb();
      for (let i = 0; i < fileCount; i++) {
        const e = this.readEntry(r, fileFormat, is64);
        files.push(e.path === undefined ? undefined : joinPath(dirs[e.dir] ?? dirs[0] ?? '', e.path));
      }
    } else {
      // DWARF 4 §6.2.4 items 15–16: include_directories then file_names, each list ending in a 0
      // byte; directory index 0 is the compilation directory, file indices start at 1.
      dirs.push(compDir);
      for (;;) {
        const d = r.cstr();
        if (d === '') break;
        dirs.push(joinPath(compDir, d));
      }
      files.push(undefined);
      for (;;) {
        const name = r.cstr();
        if (name === '') break;
        const dir = r.uleb();
        r.uleb(); // modification time
        r.uleb(); // length
        files.push(joinPath(dirs[dir] ?? compDir, name));
      }
    }
    return { version, is64, addressSize, minInstLength, maxOpsPerInst, defaultIsStmt, lineBase, lineRange, opcodeBase,
      standardOpcodeLengths, files, dirs, programStart, end };
  }

  private readEntry(r: ByteReader, format: [number, number][], is64: boolean): { path?: string; dir: number } {
    let path: string | undefined;
    let dir = 0;
    for (const [type, form] of format) {
      const v = this.readForm(r, form, is64);
      if (type === DW_LNCT_path && typeof v === 'string') path = v;
      else if (type === DW_LNCT_directory_index && typeof v === 'number') dir = v;
    }
    return { path, dir };
  }

  private readForm(r: ByteReader, form: number, is64: boolean): string | number | undefined {
    switch (form) {
      case DW_FORM_string: return r.cstr();
      case DW_FORM_line_strp: return stringAt(this.sections.debugLineStr, r.offset(is64), 'DW_FORM_line_strp');
      case DW_FORM_strp: return stringAt(this.sections.debugStr, r.offset(is64), 'DW_FORM_strp');
      case DW_FORM_udata: return r.uleb();
      case DW_FORM_sdata: return r.sleb();
      case DW_FORM_data1: return r.u8();
      case DW_FORM_data2: return r.u16();
      case DW_FORM_data4: return r.u32();
      case DW_FORM_data8: r.skip(8); return undefined;
      case DW_FORM_data16: r.skip(16); return undefined;
      case DW_FORM_block: r.skip(r.uleb()); return undefined;
      case DW_FORM_block1: r.skip(r.u8()); return undefined;
      case DW_FORM_block2: r.skip(r.u16()); return undefined;
      case DW_FORM_block4: r.skip(r.u32()); return undefined;
      // String indices need the unit's DW_AT_str_offsets_base, which a line program does not have.
      case DW_FORM_strx: case DW_FORM_strx1: case DW_FORM_strx2: case DW_FORM_strx3: case DW_FORM_strx4:
        throw new DwarfError('DW_FORM_strx in a line-number header is not supported');
      default: throw new DwarfError(`unsupported form 0x${form.toString(16)} in a line-number header`);
    }
  }

  /** The line-number state machine (§6.2.2, §6.2.5). */
  private runProgram(r: ByteReader, h: LineProgramHeader): void {
    r.pos = h.programStart;
    const fileName = (index: number): string => h.files[index] ?? `<file ${index}>`;
    let address = 0n, opIndex = 0, file = 1, line = 1, column = 0, isStmt = h.defaultIsStmt;
    let rows: LineRow[] = [];
    const reset = (): void => {
      address = 0n; opIndex = 0; file = 1; line = 1; column = 0; isStmt = h.defaultIsStmt;
    };
    const emit = (endSequence: boolean): void => {
      rows.push({ address: wrap64(address + this.bias), file: fileName(file), line, column, isStmt, endSequence });
    };
    // §6.2.5.1 "operation advance": address and op_index move together for VLIW targets.
    const advance = (operationAdvance: number): void => {
      const total = opIndex + operationAdvance;
      address = wrap64(address + BigInt(h.minInstLength * Math.floor(total / h.maxOpsPerInst)));
      opIndex = total % h.maxOpsPerInst;
    };

    while (r.pos < h.end) {
      const op = r.u8();
      if (op >= h.opcodeBase) {
        // Special opcode (§6.2.5.1).
        const adjusted = op - h.opcodeBase;
        advance(Math.floor(adjusted / h.lineRange));
        line += h.lineBase + (adjusted % h.lineRange);
        emit(false);
        continue;
      }
      switch (op) {
        case 0: {
          const len = r.uleb();
          const next = r.pos + len;
          if (len === 0) break;
          const sub = r.u8();
          switch (sub) {
            case DW_LNE_end_sequence: {
              emit(true);
              this.addSequence(rows);
              rows = [];
              reset();
              break;
            }
            case DW_LNE_set_address:
              address = r.address(len - 1);
              opIndex = 0;
              break;
            case DW_LNE_define_file: {
              const name = r.cstr();
              const dir = r.uleb();
              h.files.push(joinPath(h.dirs[dir] ?? h.dirs[0] ?? '', name));
              break;
            }
            case DW_LNE_set_discriminator:
              break;
            default:
              break; // vendor extension: skipped by its length
          }
          r.pos = next;
          break;
        }
        case DW_LNS_copy: emit(false); break;
        case DW_LNS_advance_pc: advance(r.uleb()); break;
        case DW_LNS_advance_line: line += r.sleb(); break;
        case DW_LNS_set_file: file = r.uleb(); break;
        case DW_LNS_set_column: column = r.uleb(); break;
        case DW_LNS_negate_stmt: isStmt = !isStmt; break;
        case DW_LNS_set_basic_block: break;
        case DW_LNS_const_add_pc: advance(Math.floor((255 - h.opcodeBase) / h.lineRange)); break;
        case DW_LNS_fixed_advance_pc: address = wrap64(address + BigInt(r.u16())); opIndex = 0; break;
        case DW_LNS_set_prologue_end: break;
        case DW_LNS_set_epilogue_begin: break;
        case DW_LNS_set_isa: r.uleb(); break;
        default: {
          // An opcode this reader does not know: skip its ULEB128 operands (§6.2.5.2 standard_opcode_lengths).
          const n = h.standardOpcodeLengths[op - 1] ?? 0;
          for (let i = 0; i < n; i++) r.uleb();
        }
      }
    }
    if (rows.length > 0) this.warnings.push('line program ends without DW_LNE_end_sequence');
  }

  private addSequence(rows: LineRow[]): void {
    if (rows.length === 0) return;
    this.sequences.push({ rows, start: rows[0].address, end: rows[rows.length - 1].address });
  }
}

function readEntryFormat(r: ByteReader): [number, number][] {
  const count = r.u8();
  const format: [number, number][] = [];
  for (let i = 0; i < count; i++) format.push([r.uleb(), r.uleb()]);
  return format;
}

function pathParts(p: string): string[] {
  return normalizePath(p.replace(/\\/g, '/')).split('/').filter((s) => s !== '' && s !== '.');
}

/** The files of `known` that best match `wanted`: equal paths, else the longest common suffix. */
export function matchFiles(known: readonly string[], wanted: string): Set<string> {
  const want = pathParts(wanted);
  const wantNorm = normalizePath(wanted.replace(/\\/g, '/'));
  let bestScore = 0;
  let best = new Set<string>();
  for (const k of known) {
    let score: number;
    if (k === wantNorm) score = Number.MAX_SAFE_INTEGER;
    else {
      const parts = pathParts(k);
      score = 0;
      while (score < parts.length && score < want.length && parts[parts.length - 1 - score] === want[want.length - 1 - score]) score++;
    }
    if (score === 0) continue;
    if (score > bestScore) { bestScore = score; best = new Set([k]); }
    else if (score === bestScore) best.add(k);
  }
  return best;
}
