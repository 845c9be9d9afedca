// The one place the debugger touches src/dwarf (line tables, call-frame information). Everything
// else in the runtime asks a DebugImage, so a changing DWARF reader plugs in here only.
import type { Elf64 } from '../../elf/elf64';
import { LineTable, type SourcePosition } from '../../dwarf/lineTable';
import { CallFrameTable, unwindFramePointer, type ReadMemory64, type ReadRegister } from '../../dwarf/cfi';

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

/** Line table of an ELF (with a load bias), or undefined when it has no usable .debug_line. */
export function loadLineInfo(elf: Elf64, bias: bigint): { info?: LineInfo; warning?: string } {
  const debugLine = elf.sectionData('.debug_line');
  if (!debugLine) return {};
  let table: LineTable;
  try {
    table = new LineTable({ debugLine, debugLineStr: elf.sectionData('.debug_line_str'), debugStr: elf.sectionData('.debug_str') }, bias);
  } catch (e) {
    return { warning: `.debug_line: ${(e as Error).message}` };
  }
  let starts: Set<bigint> | undefined;
  const info: LineInfo = {
    addressToLine: (a) => table.addressToLine(a),
    lineToAddresses: (f, l) => table.lineToAddresses(f, l),
    files: () => table.files(),
    isStatementStart(addr) {
      if (!starts) {
        starts = new Set();
        let prev: { line: number; file: string } | undefined;
        for (const r of table.rows()) {
          if (r.endSequence) { prev = undefined; continue; }
          if (r.isStmt && r.line > 0 && (prev === undefined || prev.line !== r.line || prev.file !== r.file)) starts.add(r.address);
          prev = r;
        }
      }
      return starts.has(addr);
    },
  };
  return { info, warning: table.warnings[0] };
}

export function loadFrameInfo(elf: Elf64, bias: bigint): FrameInfo | undefined {
  const tables: CallFrameTable[] = [];
  for (const name of ['.debug_frame', '.eh_frame'] as const) {
    const data = elf.sectionData(name);
    if (!data) continue;
    try {
      tables.push(new CallFrameTable(data, name, { bias, sectionAddress: (elf.section(name)?.addr ?? 0n) + bias }));
    } catch { /* a broken section: frame pointers still work */ }
  }
  if (tables.length === 0) return undefined;
  return {
    unwind(pc, readReg, readMem, ra) {
      for (const t of tables) {
        const r = t.unwindStep(pc, readReg, readMem, ra);
        if (r) return r;
      }
      return undefined;
    },
  };
}

export { unwindFramePointer };
