// DebugInfo: the debugger's one view of an ELF's DWARF — line table, functions and variables,
// call-frame information — parsed lazily on first use. Nothing here throws: a user's ELF with
// damaged or unsupported debug sections gives empty answers and reason strings (`problems()`),
// because a bad input must not take the debug adapter down.

import type { Elf64 } from '../elf/elf64';
import { CallFrameTable, CfiRow, ReadMemory64, ReadRegister, UnwindResult, unwindFramePointer } from './cfi';
import { CompileUnit, DebugInfoReader, FunctionInfo } from './info';
import { LineAddresses, LineTable, SourcePosition } from './lineTable';
import { reasonOf } from './reader';

export type { CfaRule, CfiRow, Cie, Fde, RegisterRule, UnwindResult, ReadMemory64, ReadRegister } from './cfi';
export { CallFrameTable, DWARF_REG_FP, DWARF_REG_RA, DWARF_REG_SP, unwindFramePointer } from './cfi';
export type { AddressRange, CompileUnit, FunctionInfo, TypeDesc, VariableInfo, VariableLocation } from './info';
export { DebugInfoReader } from './info';
export type { LineAddresses, LineRow, SourcePosition } from './lineTable';
export { LineTable, matchFiles, normalizePath } from './lineTable';
export { DwarfError } from './reader';

/** A parsed part, or why it is not available. */
export type Loaded<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Section contents by name (`.debug_line`, ...); undefined when the ELF has no such section. */
export type SectionGetter = (name: string) => Uint8Array | undefined;
/** A section's load address (sh_addr), needed for DW_EH_PE_pcrel pointers in .eh_frame. */
export type SectionAddressGetter = (name: string) => bigint | undefined;

export class DebugInfo {
  private linesPart: Loaded<LineTable> | undefined;
  private infoPart: Loaded<DebugInfoReader> | undefined;
  private framesPart: Loaded<CallFrameTable[]> | undefined;
  private readonly extraProblems: string[] = [];

  private constructor(
    private readonly get: SectionGetter,
    private readonly bias: bigint,
    private readonly sectionAddress: SectionAddressGetter,
  ) {}

  /**
   * Debug info from section contents. `addressBias` is added to every address in the DWARF (an
   * image loaded away from its link address); `sectionAddress` gives sh_addr for .eh_frame.
   */
  static fromSections(get: SectionGetter, addressBias = 0n, sectionAddress?: SectionAddressGetter): DebugInfo {
    return new DebugInfo(get, addressBias, sectionAddress ?? (() => undefined));
  }

  /** Debug info from a parsed ELF (sections by name, .eh_frame's address from its header). */
  static fromElf(elf: Elf64, addressBias = 0n): DebugInfo {
    return DebugInfo.fromSections((n) => elf.sectionData(n), addressBias, (n) => elf.section(n)?.addr);
  }

  /** Whether the ELF has any DWARF this reader uses (no parsing). */
  hasDebugInfo(): boolean {
    return ['.debug_line', '.debug_info', '.debug_frame', '.eh_frame'].some((n) => this.section(n) !== undefined);
  }

  // ---- the parts ----

  lines(): Loaded<LineTable> {
    this.linesPart ??= this.load('.debug_line', () => {
      const debugLine = this.section('.debug_line');
      if (debugLine === undefined) throw new Error('the ELF has no .debug_line section (built without -g?)');
      const compDirs = new Map<number, string>();
      const info = this.info();
      if (info.ok) for (const cu of info.value.compileUnits()) if (cu.stmtList !== undefined && cu.compDir !== undefined) compDirs.set(cu.stmtList, cu.compDir);
      return new LineTable({ debugLine, debugLineStr: this.section('.debug_line_str'), debugStr: this.section('.debug_str'), compDirs }, this.bias);
    });
    return this.linesPart;
  }

  info(): Loaded<DebugInfoReader> {
    if (this.infoPart === undefined) {
      this.infoPart = this.load('.debug_info', () => {
        const debugInfo = this.section('.debug_info');
        const debugAbbrev = this.section('.debug_abbrev');
        if (debugInfo === undefined || debugAbbrev === undefined) throw new Error('the ELF has no .debug_info/.debug_abbrev (built without -g?)');
        return new DebugInfoReader({
          debugInfo, debugAbbrev,
          debugStr: this.section('.debug_str'),
          debugLineStr: this.section('.debug_line_str'),
          debugStrOffsets: this.section('.debug_str_offsets'),
          debugAddr: this.section('.debug_addr'),
          debugRanges: this.section('.debug_ranges'),
          debugRnglists: this.section('.debug_rnglists'),
        }, this.bias);
      });
      const info = this.infoPart;
      if (info.ok) {
        // decl_file numbers name files of the unit's line program.
        info.value.setFileNames((stmtList) => {
          const lines = this.lines();
          return lines.ok ? lines.value.unitFiles(stmtList) : undefined;
        });
      }
    }
    return this.infoPart;
  }

  /** .debug_frame then .eh_frame tables (either may be absent). */
  frames(): Loaded<CallFrameTable[]> {
    this.framesPart ??= this.load('call-frame information', () => {
      const tables: CallFrameTable[] = [];
      const reasons: string[] = [];
      for (const name of ['.debug_frame', '.eh_frame'] as const) {
        const data = this.section(name);
        if (data === undefined) continue;
        try {
          tables.push(new CallFrameTable(data, name, { sectionAddress: name === '.eh_frame' ? this.sectionAddress(name) ?? 0n : 0n, bias: this.bias }));
        } catch (e) {
          reasons.push(`${name}: ${reasonOf(e)}`);
        }
      }
      if (tables.length === 0) throw new Error(reasons.length > 0 ? reasons.join('; ') : 'the ELF has no .debug_frame or .eh_frame section');
      this.extraProblems.push(...reasons);
      return tables;
    });
    return this.framesPart;
  }

  /** Every reason a part is unavailable, and the warnings of the parts that loaded. */
  problems(): string[] {
    const out: string[] = [];
    const lines = this.lines(), info = this.info(), frames = this.frames();
    if (!lines.ok) out.push(lines.reason); else out.push(...lines.value.warnings.map((w) => `.debug_line: ${w}`));
    if (!info.ok) out.push(info.reason); else out.push(...info.value.warnings);
    if (!frames.ok) out.push(frames.reason); else for (const t of frames.value) out.push(...t.warnings);
    out.push(...this.extraProblems);
    return out;
  }

  // ---- queries: empty answers, never throws ----

  addressToLine(addr: bigint): SourcePosition | undefined {
    return this.query(() => { const l = this.lines(); return l.ok ? l.value.addressToLine(addr) : undefined; }, undefined);
  }

  /**
   * Addresses for a breakpoint on `file`:`line`, moved to the nearest following line with code.
   * Where functions are known, one address per function (the lowest), as a loop header's line
   * has several entries but the user means one place.
   */
  lineToAddresses(file: string, line: number): LineAddresses | undefined {
    return this.query(() => {
      const l = this.lines();
      if (!l.ok) return undefined;
      const found = l.value.lineToAddresses(file, line);
      if (found === undefined) return undefined;
      const info = this.info();
      if (!info.ok) return found;
      const perFunction = new Map<number, bigint>();
      const outside: bigint[] = [];
      for (const a of found.addresses) {
        const f = info.value.functionAt(a);
        if (f === undefined) outside.push(a);
        else if (!perFunction.has(f.dieOffset)) perFunction.set(f.dieOffset, a); // addresses come sorted
      }
      const addresses = [...perFunction.values(), ...outside].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return { line: found.line, addresses };
    }, undefined);
  }

  files(): string[] {
    return this.query(() => { const l = this.lines(); return l.ok ? l.value.files() : []; }, []);
  }

  functionAt(addr: bigint): FunctionInfo | undefined {
    return this.query(() => { const i = this.info(); return i.ok ? i.value.functionAt(addr) : undefined; }, undefined);
  }

  functions(): FunctionInfo[] {
    return this.query(() => { const i = this.info(); return i.ok ? i.value.functions() : []; }, []);
  }

  compileUnits(): CompileUnit[] {
    return this.query(() => { const i = this.info(); return i.ok ? i.value.compileUnits() : []; }, []);
  }

  /** The CFI rules in force at pc (.debug_frame first, then .eh_frame). */
  cfiRowAt(pc: bigint): CfiRow | undefined {
    return this.query(() => {
      const f = this.frames();
      if (!f.ok) return undefined;
      for (const t of f.value) {
        const row = t.rowAt(pc);
        if (row !== undefined) return row;
      }
      return undefined;
    }, undefined);
  }

  /**
   * One step up the stack through DWARF CFI (see CallFrameTable.unwindStep; register numbers are
   * DWARF's: 1 = ra, 2 = sp, 8 = fp). Undefined when no CFI covers pc or at the outermost frame.
   */
  unwindStep(pc: bigint, readReg: ReadRegister, readMem64: ReadMemory64, returnAddress = false): UnwindResult | undefined {
    return this.query(() => {
      const f = this.frames();
      if (!f.ok) return undefined;
      for (const t of f.value) {
        if (t.fdeAt(returnAddress ? pc - 1n : pc) === undefined) continue;
        return t.unwindStep(pc, readReg, readMem64, returnAddress);
      }
      return undefined;
    }, undefined);
  }

  /** Frame-pointer unwinding for code without CFI (see cfi.ts unwindFramePointer). */
  unwindFramePointer(fp: bigint, readMem64: ReadMemory64): { pc: bigint; sp: bigint; fp: bigint } | undefined {
    return this.query(() => unwindFramePointer(fp, readMem64), undefined);
  }

  // ---- helpers ----

  private section(name: string): Uint8Array | undefined {
    try {
      const d = this.get(name);
      return d !== undefined && d.length > 0 ? d : undefined;
    } catch {
      return undefined;
    }
  }

  private load<T>(what: string, make: () => T): Loaded<T> {
    try {
      return { ok: true, value: make() };
    } catch (e) {
      return { ok: false, reason: `${what}: ${reasonOf(e)}` };
    }
  }

  private query<T>(run: () => T, fallback: T): T {
    try {
      return run();
    } catch (e) {
      // A reader bug or a damaged section found late: answer empty, remember why.
      const reason = reasonOf(e);
      if (!this.extraProblems.includes(reason)) this.extraProblems.push(reason);
      return fallback;
    }
  }
}
