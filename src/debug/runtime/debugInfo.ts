// The one place the debugger touches src/dwarf (line tables, call-frame information). Everything
// else in the runtime asks a DebugImage, so a changing DWARF reader plugs in here only.
// DebugInfo (src/dwarf/index.ts) does the parsing: it applies the load bias once, knows the
// compile units' directories for relative line-table paths, and never throws.
import type { Elf64 } from '../../elf/elf64';
import { DebugInfo, unwindFramePointer, type SourcePosition, type ReadMemory64, type ReadRegister } from '../../dwarf/index';

export type { SourcePosition };

export interface LineInfo {
  addressToLine(addr: bigint): SourcePosition | undefined;
  lineToAddresses(file: string, line: number): { line: number; addresses: bigint[] } | undefined;
  /** Addresses where a statement begins (is_stmt rows): line stepping stops only there. */
  isStatementStart(addr: bigint): boolean;
  files(): string[];
}

export interface FrameInfo {
  /** One CFI unwinding step; undefined where there is no CFI for pc. */
  unwind(pc: bigint, readReg: ReadRegister, readMem: ReadMemory64, returnAddress: boolean): { pc: bigint; sp: bigint; registers: Map<number, bigint> } | undefined;
}

/** The DWARF of an ELF loaded with a bias (parsed lazily by DebugInfo). */
export function loadDebugInfo(elf: Elf64, bias: bigint): DebugInfo {
  return DebugInfo.fromElf(elf, bias);
}

/** Line table of an ELF (with a load bias), or undefined when it has no usable .debug_line. */
export function loadLineInfo(debug: DebugInfo): { info?: LineInfo; warning?: string } {
  const lines = debug.lines();
  if (!lines.ok) {
    // No .debug_line at all is normal (a stripped kernel); a broken one is worth a warning.
    return /has no \.debug_line/.test(lines.reason) ? {} : { warning: lines.reason };
  }
  const table = lines.value;
  let starts: Set<bigint> | undefined;
  const info: LineInfo = {
    addressToLine: (a) => debug.addressToLine(a),
    lineToAddresses: (f, l) => debug.lineToAddresses(f, l),
    files: () => debug.files(),
    isStatementStart(addr) {
      if (!starts) {
        starts = new Set();
        let prev: { line: number; file: string } | undefined;
        try {
          for (const r of table.rows()) {
            if (r.endSequence) { prev = undefined; continue; }
            if (r.isStmt && r.line > 0 && (prev === undefined || prev.line !== r.line || prev.file !== r.file)) starts.add(r.address);
            prev = r;
          }
        } catch { /* a damaged table: the rows read so far */ }
      }
      return starts.has(addr);
    },
  };
  return { info, warning: table.warnings[0] };
}

export function loadFrameInfo(debug: DebugInfo): FrameInfo | undefined {
  const frames = debug.frames();
  if (!frames.ok) return undefined;
  return {
    unwind: (pc, readReg, readMem, ra) => debug.unwindStep(pc, readReg, readMem, ra),
  };
}

export { unwindFramePointer };
