// Call-frame information: CIEs and FDEs of .debug_frame (DWARF 5 §6.4, CIE versions 1, 3 and 4) and
// .eh_frame (the Linux Standard Base "Exception Frames" format: CIE id 0, augmentation strings "zR",
// "zPLR", "zS", DW_EH_PE_* pointer encodings), the call-frame instruction interpreter (§6.4.2) and
// one unwinding step for the debugger's stack traces.
//
// RISC-V DWARF register numbers (psABI "DWARF Register Numbers"): 0–31 = x0–x31, 32–63 = f0–f31;
// the return address is x1 (ra), the stack pointer x2 (sp), the frame pointer x8 (s0/fp).

import { ByteReader, DwarfError, wrap64 } from './reader';

export const DWARF_REG_RA = 1;
export const DWARF_REG_SP = 2;
export const DWARF_REG_FP = 8;

/** How to compute the canonical frame address (§6.4.1). */
export type CfaRule =
  | { kind: 'regOffset'; reg: number; offset: number }
  | { kind: 'expression'; expr: Uint8Array };

/** How to recover a register of the caller (§6.4.1 "register rules"). */
export type RegisterRule =
  | { kind: 'undefined' }
  | { kind: 'sameValue' }
  | { kind: 'offset'; offset: number }
  | { kind: 'valOffset'; offset: number }
  | { kind: 'register'; reg: number }
  | { kind: 'expression'; expr: Uint8Array }
  | { kind: 'valExpression'; expr: Uint8Array };

export interface Cie {
  offset: number;
  version: number;
  augmentation: string;
  addressSize: number;
  codeAlignmentFactor: number;
  dataAlignmentFactor: number;
  returnAddressRegister: number;
  /** DW_EH_PE_* encoding of FDE addresses ('R' augmentation); absptr otherwise. */
  fdeEncoding: number;
  signalFrame: boolean;
  initialInstructions: Uint8Array;
}

export interface Fde {
  offset: number;
  cie: Cie;
  /** Address range [start, end) the FDE describes (bias applied). */
  start: bigint;
  end: bigint;
  instructions: Uint8Array;
  /** File offset of `instructions` inside the section, for DW_EH_PE_pcrel in DW_CFA_set_loc. */
  instructionsOffset: number;
}

/** One row of the CFI table (§6.4.1): the rules in force for pc in [start, end). */
export interface CfiRow {
  start: bigint;
  end: bigint;
  cfa: CfaRule;
  /** Registers with an explicit rule; a register not listed has the "unspecified" rule. */
  registers: Map<number, RegisterRule>;
}

/** The caller's frame, recovered by one unwinding step. */
export interface UnwindResult {
  /** The caller's pc: the return address, i.e. the instruction after the call. */
  pc: bigint;
  /** The caller's sp: the CFA of the callee. */
  sp: bigint;
  cfa: bigint;
  /**
   * Caller register values the rules recover, by DWARF register number, including sp (2). Registers
   * with no rule keep the callee's value (the usual convention for callee-saved registers); those
   * with expression rules are absent (this reader does not evaluate DWARF expressions).
   */
  registers: Map<number, bigint>;
}

export type FrameSectionKind = '.debug_frame' | '.eh_frame';

export interface FrameSectionOptions {
  /** Load address of the section itself (sh_addr): the base of DW_EH_PE_pcrel in .eh_frame. */
  sectionAddress?: bigint;
  /** Added to every code address (a relocated image). */
  bias?: bigint;
  /** Target address size where the section does not say (.eh_frame, CIE versions 1 and 3). */
  addressSize?: number;
}

export type ReadRegister = (dwarfReg: number) => bigint | undefined;
export type ReadMemory64 = (addr: bigint) => bigint | undefined;

// DW_EH_PE_* pointer encodings (LSB "DWARF Exception Header Encoding").
export const DW_EH_PE_absptr = 0x00, DW_EH_PE_uleb128 = 0x01, DW_EH_PE_udata2 = 0x02, DW_EH_PE_udata4 = 0x03,
  DW_EH_PE_udata8 = 0x04, DW_EH_PE_sleb128 = 0x09, DW_EH_PE_sdata2 = 0x0a, DW_EH_PE_sdata4 = 0x0b,
  DW_EH_PE_sdata8 = 0x0c, DW_EH_PE_pcrel = 0x10, DW_EH_PE_textrel = 0x20, DW_EH_PE_datarel = 0x30,
  DW_EH_PE_funcrel = 0x40, DW_EH_PE_aligned = 0x50, DW_EH_PE_indirect = 0x80, DW_EH_PE_omit = 0xff;

// Call frame instructions (§7.24 Table 7.29).
const DW_CFA_advance_loc = 0x40, DW_CFA_offset = 0x80, DW_CFA_restore = 0xc0, DW_CFA_nop = 0x00,
  DW_CFA_set_loc = 0x01, DW_CFA_advance_loc1 = 0x02, DW_CFA_advance_loc2 = 0x03, DW_CFA_advance_loc4 = 0x04,
  DW_CFA_offset_extended = 0x05, DW_CFA_restore_extended = 0x06, DW_CFA_undefined = 0x07,
  DW_CFA_same_value = 0x08, DW_CFA_register = 0x09, DW_CFA_remember_state = 0x0a, DW_CFA_restore_state = 0x0b,
  DW_CFA_def_cfa = 0x0c, DW_CFA_def_cfa_register = 0x0d, DW_CFA_def_cfa_offset = 0x0e,
  DW_CFA_def_cfa_expression = 0x0f, DW_CFA_expression = 0x10, DW_CFA_offset_extended_sf = 0x11,
  DW_CFA_def_cfa_sf = 0x12, DW_CFA_def_cfa_offset_sf = 0x13, DW_CFA_val_offset = 0x14,
  DW_CFA_val_offset_sf = 0x15, DW_CFA_val_expression = 0x16,
  DW_CFA_GNU_args_size = 0x2e, DW_CFA_GNU_negative_offset_extended = 0x2f;

interface State {
  cfa: CfaRule;
  registers: Map<number, RegisterRule>;
}

function copyState(s: State): State {
  return { cfa: s.cfa, registers: new Map(s.registers) };
}

export class CallFrameTable {
  readonly warnings: string[] = [];
  private readonly fdeList: Fde[] = [];
  private readonly tables = new Map<Fde, CfiRow[]>();
  private readonly isEh: boolean;
  private readonly sectionAddress: bigint;
  private readonly bias: bigint;
  private readonly defaultAddressSize: number;

  constructor(private readonly data: Uint8Array, readonly kind: FrameSectionKind, options: FrameSectionOptions = {}) {
    this.isEh = kind === '.eh_frame';
    this.sectionAddress = options.sectionAddress ?? 0n;
    this.bias = options.bias ?? 0n;
    this.defaultAddressSize = options.addressSize ?? 8;
    this.parse();
    this.fdeList.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  }

  fdes(): readonly Fde[] {
    return this.fdeList;
  }

  /** The FDE whose range holds pc. */
  fdeAt(pc: bigint): Fde | undefined {
    const list = this.fdeList;
    let lo = 0, hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid].start <= pc) lo = mid + 1;
      else hi = mid;
    }
    // FDEs of discarded functions may sit at 0 and overlap: look back a little.
    for (let i = lo - 1; i >= 0 && i >= lo - 16; i--) if (pc >= list[i].start && pc < list[i].end) return list[i];
    return undefined;
  }

  /** The whole table of one FDE (§6.4.1), one row per address range. Throws DwarfError. */
  table(fde: Fde): CfiRow[] {
    let rows = this.tables.get(fde);
    if (rows === undefined) {
      rows = this.execute(fde);
      this.tables.set(fde, rows);
    }
    return rows;
  }

  /** The rules in force at pc, or undefined (no FDE, or its program is malformed). */
  rowAt(pc: bigint): CfiRow | undefined {
    const fde = this.fdeAt(pc);
    if (fde === undefined) return undefined;
    let rows: CfiRow[];
    try {
      rows = this.table(fde);
    } catch (e) {
      if (e instanceof DwarfError) return undefined;
      throw e;
    }
    for (const row of rows) if (pc >= row.start && pc < row.end) return row;
    return undefined;
  }

  /**
   * One unwinding step: from the frame executing at `pc` to its caller. `readReg` gives this frame's
   * registers by DWARF number, `readMem64` reads guest memory (debugger reads: no side effects).
   * For frames above the innermost, pass `returnAddress` so the lookup uses pc - 1, inside the call
   * (a call to a noreturn function may be a function's last instruction). Undefined when there is no
   * rule for pc, the return address is undefined (the outermost frame), or a read fails.
   */
  unwindStep(pc: bigint, readReg: ReadRegister, readMem64: ReadMemory64, returnAddress = false): UnwindResult | undefined {
    const row = this.rowAt(returnAddress ? pc - 1n : pc);
    if (row === undefined) return undefined;
    const raReg = this.fdeAt(returnAddress ? pc - 1n : pc)!.cie.returnAddressRegister;
    return applyRow(row, raReg, readReg, readMem64);
  }

  private parse(): void {
    const r = new ByteReader(this.data, 0, this.kind);
    const cies = new Map<number, Cie>();
    while (r.pos < r.length) {
      const entryOffset = r.pos;
      let end: number;
      let is64: boolean;
      try {
        const len = r.initialLength();
        end = len.end;
        is64 = len.is64;
        // .eh_frame ends at a zero terminator (LSB "Exception Frames").
        if (len.length === 0) {
          if (this.isEh) break;
          continue;
        }
      } catch (e) {
        this.warnings.push(`${this.kind} entry at 0x${entryOffset.toString(16)}: ${(e as Error).message}`);
        break;
      }
      try {
        const idPos = r.pos;
        const id = is64 ? r.u64() : BigInt(r.u32());
        const isCie = this.isEh ? id === 0n : id === (is64 ? 0xffff_ffff_ffff_ffffn : 0xffff_ffffn);
        if (isCie) {
          cies.set(entryOffset, this.readCie(r, entryOffset, end));
        } else {
          // .debug_frame: CIE_pointer is a section offset; .eh_frame: distance back from this field.
          const cieOffset = this.isEh ? idPos - Number(id) : Number(id);
          let cie = cies.get(cieOffset);
          if (cie === undefined) {
            // A CIE may follow its FDEs in .debug_frame.
            const save = r.pos;
            r.pos = cieOffset;
            const len = r.initialLength();
            r.pos += len.is64 ? 8 : 4;
            cie = this.readCie(r, cieOffset, len.end);
            cies.set(cieOffset, cie);
            r.pos = save;
          }
          this.fdeList.push(this.readFde(r, entryOffset, end, cie));
        }
      } catch (e) {
        if (!(e instanceof DwarfError)) throw e;
        this.warnings.push(`${this.kind} entry at 0x${entryOffset.toString(16)}: ${e.message}`);
      }
      r.pos = end;
    }
  }

  private readCie(r: ByteReader, offset: number, end: number): Cie {
    const version = r.u8();
    if (version !== 1 && version !== 3 && version !== 4) throw new DwarfError(`unsupported CIE version ${version}`);
    const augmentation = r.cstr();
    let addressSize = this.defaultAddressSize;
    if (version >= 4) {
      addressSize = r.u8();
      const segSel = r.u8();
      if (segSel !== 0) throw new DwarfError(`segment selectors (size ${segSel}) are not supported`);
    }
    if (augmentation.includes('eh')) r.skip(addressSize); // old GCC "eh" data pointer
    const codeAlignmentFactor = r.uleb();
    const dataAlignmentFactor = r.sleb();
    const returnAddressRegister = version === 1 ? r.u8() : r.uleb();
    let fdeEncoding = DW_EH_PE_absptr;
    let signalFrame = false;
    if (augmentation.startsWith('z')) {
      const augLength = r.uleb();
      const augEnd = r.pos + augLength;
      for (const c of augmentation.slice(1)) {
        if (c === 'R') fdeEncoding = r.u8();
        else if (c === 'L') r.u8(); // LSDA encoding: the FDE's augmentation data is skipped whole
        else if (c === 'P') this.readPointer(r, r.u8(), addressSize);
        else if (c === 'S') signalFrame = true;
        else break; // unknown letters: the augmentation length lets us skip the rest
      }
      r.pos = augEnd;
    } else if (augmentation !== '' && augmentation !== 'eh') {
      throw new DwarfError(`unknown CIE augmentation "${augmentation}"`);
    }
    const initialInstructions = r.bytes(end - r.pos);
    return { offset, version, augmentation, addressSize, codeAlignmentFactor, dataAlignmentFactor, returnAddressRegister,
      fdeEncoding, signalFrame, initialInstructions };
  }

  private readFde(r: ByteReader, offset: number, end: number, cie: Cie): Fde {
    const enc = this.isEh ? cie.fdeEncoding : DW_EH_PE_absptr;
    const start = this.readPointer(r, enc, cie.addressSize);
    // The range is a length: same format, no application (pcrel, ...) part.
    const length = this.readPointer(r, enc & 0x0f, cie.addressSize);
    if (cie.augmentation.startsWith('z')) r.skip(r.uleb());
    const instructionsOffset = r.pos;
    const instructions = r.bytes(end - r.pos);
    const s = wrap64(start + this.bias);
    return { offset, cie, start: s, end: wrap64(s + length), instructions, instructionsOffset };
  }

  /** Reads a DW_EH_PE_* encoded pointer (LSB "DWARF Exception Header Encoding"). */
  private readPointer(r: ByteReader, encoding: number, addressSize: number): bigint {
    if (encoding === DW_EH_PE_omit) return 0n;
    const fieldPos = r.pos;
    const app = encoding & 0x70;
    if (app === DW_EH_PE_aligned) {
      const a = (r.pos + addressSize - 1) & ~(addressSize - 1);
      r.pos = a;
    }
    let v: bigint;
    switch (encoding & 0x0f) {
      case DW_EH_PE_absptr: v = r.address(addressSize); break;
      case DW_EH_PE_uleb128: v = r.ulebBig(); break;
      case DW_EH_PE_udata2: v = BigInt(r.u16()); break;
      case DW_EH_PE_udata4: v = BigInt(r.u32()); break;
      case DW_EH_PE_udata8: v = r.u64(); break;
      case DW_EH_PE_sleb128: v = r.slebBig(); break;
      case DW_EH_PE_sdata2: v = BigInt(r.i16()); break;
      case DW_EH_PE_sdata4: v = BigInt(r.i32()); break;
      case DW_EH_PE_sdata8: v = r.i64(); break;
      default: throw new DwarfError(`unsupported pointer encoding 0x${encoding.toString(16)}`);
    }
    switch (app) {
      case DW_EH_PE_absptr: case DW_EH_PE_aligned: break;
      case DW_EH_PE_pcrel: v += this.sectionAddress + BigInt(fieldPos); break;
      default: throw new DwarfError(`unsupported pointer encoding 0x${encoding.toString(16)} (text/data/func-relative)`);
    }
    if ((encoding & DW_EH_PE_indirect) !== 0) throw new DwarfError('indirect pointer encodings are not supported');
    return wrap64(v);
  }

  /** Runs the CIE's initial instructions then the FDE's (§6.4.2), collecting rows. */
  private execute(fde: Fde): CfiRow[] {
    const cie = fde.cie;
    const state: State = { cfa: { kind: 'regOffset', reg: DWARF_REG_SP, offset: 0 }, registers: new Map() };
    const rows: CfiRow[] = [];
    let loc = fde.start;
    // The CIE's rules are what DW_CFA_restore returns to.
    this.run(new ByteReader(cie.initialInstructions, 0, 'CIE initial instructions'), cie, state, undefined);
    const initial = copyState(state);
    const stack: State[] = [];
    const moveTo = (to: bigint): void => {
      if (to > loc) {
        rows.push({ start: loc, end: to, cfa: state.cfa, registers: new Map(state.registers) });
        loc = to;
      }
    };
    const r = new ByteReader(fde.instructions, 0, 'FDE instructions');
    this.run(r, cie, state, { initial, stack, fde, advance: (delta) => moveTo(wrap64(loc + delta)), setLoc: (a) => moveTo(a) });
    if (fde.end > loc) rows.push({ start: loc, end: fde.end, cfa: state.cfa, registers: new Map(state.registers) });
    return rows;
  }

  private run(r: ByteReader, cie: Cie, state: State,
    fdeCtx: { initial: State; stack: State[]; fde: Fde; advance: (delta: bigint) => void; setLoc: (a: bigint) => void } | undefined): void {
    const caf = BigInt(cie.codeAlignmentFactor);
    const daf = cie.dataAlignmentFactor;
    const setReg = (reg: number, rule: RegisterRule): void => { state.registers.set(reg, rule); };
    const restore = (reg: number): void => {
      const rule = fdeCtx?.initial.registers.get(reg);
      if (rule === undefined) state.registers.delete(reg);
      else state.registers.set(reg, rule);
    };
    const advance = (delta: bigint): void => {
      if (fdeCtx === undefined) throw new DwarfError('location advance in CIE initial instructions');
      fdeCtx.advance(delta * caf);
    };
    const cfaRegOffset = (): { reg: number; offset: number } => {
      if (state.cfa.kind !== 'regOffset') throw new DwarfError('CFA offset/register change after DW_CFA_def_cfa_expression');
      return state.cfa;
    };
    while (r.pos < r.length) {
      const op = r.u8();
      const high = op & 0xc0, low = op & 0x3f;
      if (high === DW_CFA_advance_loc) { advance(BigInt(low)); continue; }
      if (high === DW_CFA_offset) { setReg(low, { kind: 'offset', offset: r.uleb() * daf }); continue; }
      if (high === DW_CFA_restore) { restore(low); continue; }
      switch (op) {
        case DW_CFA_nop: break;
        case DW_CFA_set_loc: {
          if (fdeCtx === undefined) throw new DwarfError('DW_CFA_set_loc in CIE initial instructions');
          const enc = this.isEh ? cie.fdeEncoding : DW_EH_PE_absptr;
          // pcrel operands are relative to the operand's own place in the section.
          const inSection = new ByteReader(this.data, fdeCtx.fde.instructionsOffset + r.pos, this.kind);
          const a = wrap64(this.readPointer(inSection, enc, cie.addressSize) + this.bias);
          r.pos = inSection.pos - fdeCtx.fde.instructionsOffset;
          fdeCtx.setLoc(a);
          break;
        }
        case DW_CFA_advance_loc1: advance(BigInt(r.u8())); break;
        case DW_CFA_advance_loc2: advance(BigInt(r.u16())); break;
        case DW_CFA_advance_loc4: advance(BigInt(r.u32())); break;
        case DW_CFA_offset_extended: { const reg = r.uleb(); setReg(reg, { kind: 'offset', offset: r.uleb() * daf }); break; }
        case DW_CFA_restore_extended: restore(r.uleb()); break;
        case DW_CFA_undefined: setReg(r.uleb(), { kind: 'undefined' }); break;
        case DW_CFA_same_value: setReg(r.uleb(), { kind: 'sameValue' }); break;
        case DW_CFA_register: { const reg = r.uleb(); setReg(reg, { kind: 'register', reg: r.uleb() }); break; }
        case DW_CFA_remember_state:
          if (fdeCtx === undefined) throw new DwarfError('DW_CFA_remember_state in CIE initial instructions');
          fdeCtx.stack.push(copyState(state));
          break;
        case DW_CFA_restore_state: {
          // §6.4.2.4: pops the set of rules, the CFA rule included (as GCC's output expects).
          const saved = fdeCtx?.stack.pop();
          if (saved === undefined) throw new DwarfError('DW_CFA_restore_state with an empty stack');
          state.cfa = saved.cfa;
          state.registers = saved.registers;
          break;
        }
        case DW_CFA_def_cfa: { const reg = r.uleb(); state.cfa = { kind: 'regOffset', reg, offset: r.uleb() }; break; }
        case DW_CFA_def_cfa_sf: { const reg = r.uleb(); state.cfa = { kind: 'regOffset', reg, offset: r.sleb() * daf }; break; }
        case DW_CFA_def_cfa_register: state.cfa = { kind: 'regOffset', reg: r.uleb(), offset: cfaRegOffset().offset }; break;
        case DW_CFA_def_cfa_offset: state.cfa = { kind: 'regOffset', reg: cfaRegOffset().reg, offset: r.uleb() }; break;
        case DW_CFA_def_cfa_offset_sf: state.cfa = { kind: 'regOffset', reg: cfaRegOffset().reg, offset: r.sleb() * daf }; break;
        case DW_CFA_def_cfa_expression: state.cfa = { kind: 'expression', expr: r.bytes(r.uleb()) }; break;
        case DW_CFA_expression: { const reg = r.uleb(); setReg(reg, { kind: 'expression', expr: r.bytes(r.uleb()) }); break; }
        case DW_CFA_val_expression: { const reg = r.uleb(); setReg(reg, { kind: 'valExpression', expr: r.bytes(r.uleb()) }); break; }
        case DW_CFA_offset_extended_sf: { const reg = r.uleb(); setReg(reg, { kind: 'offset', offset: r.sleb() * daf }); break; }
        case DW_CFA_val_offset: { const reg = r.uleb(); setReg(reg, { kind: 'valOffset', offset: r.uleb() * daf }); break; }
        case DW_CFA_val_offset_sf: { const reg = r.uleb(); setReg(reg, { kind: 'valOffset', offset: r.sleb() * daf }); break; }
        case DW_CFA_GNU_args_size: r.uleb(); break;
        case DW_CFA_GNU_negative_offset_extended: { const reg = r.uleb(); setReg(reg, { kind: 'offset', offset: -r.uleb() * daf }); break; }
        default: throw new DwarfError(`unknown call frame instruction 0x${op.toString(16)}`);
      }
    }
  }
}

/** Applies one CFI row to this frame's registers, giving the caller's (§6.4.1). */
export function applyRow(row: CfiRow, raReg: number, readReg: ReadRegister, readMem64: ReadMemory64): UnwindResult | undefined {
  if (row.cfa.kind !== 'regOffset') return undefined; // DWARF expressions are not evaluated here
  const base = readReg(row.cfa.reg);
  if (base === undefined) return undefined;
  const cfa = wrap64(base + BigInt(row.cfa.offset));
  const registers = new Map<number, bigint>();
  let raUndefined = false;
  for (const [reg, rule] of row.registers) {
    let v: bigint | undefined;
    switch (rule.kind) {
      case 'undefined': if (reg === raReg) raUndefined = true; continue;
      case 'sameValue': v = readReg(reg); break;
      // An unreadable save slot loses that register only; the return address is checked below.
      case 'offset': v = readMem64(wrap64(cfa + BigInt(rule.offset))); break;
      case 'valOffset': v = wrap64(cfa + BigInt(rule.offset)); break;
      case 'register': v = readReg(rule.reg); break;
      case 'expression': case 'valExpression': continue;
    }
    if (v !== undefined) registers.set(reg, v);
  }
  if (raUndefined) return undefined; // §6.4.4: an undefined return address marks the outermost frame
  registers.set(DWARF_REG_SP, cfa);
  // No rule for the return address register: it still holds the return address (a leaf, or a
  // function's first instructions before ra is saved).
  const pc = row.registers.has(raReg) ? registers.get(raReg) : readReg(raReg);
  if (pc === undefined) return undefined;
  return { pc, sp: cfa, cfa, registers };
}

/**
 * Frame-pointer unwinding for code without CFI, under the RISC-V GCC/LLVM frame layout
 * (-fno-omit-frame-pointer): fp (x8) holds the CFA, the return address is at fp - 8 and the caller's
 * fp at fp - 16. Undefined when fp is 0 (the outermost frame), misaligned, or unreadable.
 */
export function unwindFramePointer(fp: bigint, readMem64: ReadMemory64): { pc: bigint; sp: bigint; fp: bigint } | undefined {
  if (fp === 0n || (fp & 7n) !== 0n) return undefined;
  const ra = readMem64(wrap64(fp - 8n));
  const callerFp = readMem64(wrap64(fp - 16n));
  if (ra === undefined || callerFp === undefined || ra === 0n) return undefined;
  return { pc: ra, sp: fp, fp: callerFp };
}
