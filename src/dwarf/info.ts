// A minimal .debug_info/.debug_abbrev reader (DWARF 5 §7.5; DWARF 2–4 unit headers): compilation
// units, the functions with code, and their parameters and local variables with printable type
// names and simple locations — what a debugger's stack and variables views need.
//
// Units are found eagerly (headers and root DIEs only); a unit's DIE tree is parsed on first use.

import { ByteReader, DwarfError, stringAt, wrap64 } from './reader';

export interface InfoSections {
  debugInfo: Uint8Array;
  debugAbbrev: Uint8Array;
  debugStr?: Uint8Array;
  debugLineStr?: Uint8Array;
  debugStrOffsets?: Uint8Array;
  debugAddr?: Uint8Array;
  debugRanges?: Uint8Array;
  debugRnglists?: Uint8Array;
}

export interface AddressRange {
  start: bigint;
  end: bigint;
}

export interface CompileUnit {
  /** Offset of the unit header in .debug_info. */
  offset: number;
  version: number;
  addressSize: number;
  name?: string;
  compDir?: string;
  producer?: string;
  language?: number;
  lowPc?: bigint;
  highPc?: bigint;
  /** The code ranges (from low_pc/high_pc or DW_AT_ranges); empty when the unit says nothing. */
  ranges: AddressRange[];
  /** DW_AT_stmt_list: this unit's line program offset in .debug_line. */
  stmtList?: number;
}

/** A printable type: `unsigned int`, `const struct pt *`, `char[4]`; byteSize where known. */
export interface TypeDesc {
  name: string;
  byteSize?: number;
}

/** A variable's location, decoded for the simple single-operation cases (§2.5, §2.6). */
export type VariableLocation =
  | { kind: 'fbreg'; offset: number }
  | { kind: 'breg'; reg: number; offset: number }
  | { kind: 'reg'; reg: number }
  | { kind: 'addr'; address: bigint }
  | { kind: 'cfa' }
  /** A location list (DW_FORM_sec_offset: section offset; DW_FORM_loclistx: index); not decoded. */
  | { kind: 'list'; form: 'offset' | 'index'; value: number }
  | { kind: 'none' }
  | { kind: 'unsupported'; expr: Uint8Array; reason: string };

export interface VariableInfo {
  name: string;
  type: TypeDesc;
  location: VariableLocation;
  /** Raw exprloc bytes of DW_AT_location, when it is a single expression. */
  expr?: Uint8Array;
  declLine?: number;
}

export interface FunctionInfo {
  name: string;
  linkageName?: string;
  /** Offset of the DW_TAG_subprogram DIE in .debug_info. */
  dieOffset: number;
  unit: CompileUnit;
  lowPc?: bigint;
  highPc?: bigint;
  ranges: AddressRange[];
  external: boolean;
  declFile?: string;
  declLine?: number;
  /** DW_AT_frame_base as raw expression bytes (usually DW_OP_call_frame_cfa). */
  frameBase?: Uint8Array;
  frameBaseLocation?: VariableLocation;
  returnType: TypeDesc;
  params: VariableInfo[];
  /** Local variables, including those of nested lexical blocks (not of inlined callees). */
  locals: VariableInfo[];
}

// Tags (§7.5.3 Table 7.3).
export const DW_TAG_array_type = 0x01, DW_TAG_class_type = 0x02, DW_TAG_enumeration_type = 0x04,
  DW_TAG_formal_parameter = 0x05, DW_TAG_lexical_block = 0x0b, DW_TAG_pointer_type = 0x0f,
  DW_TAG_reference_type = 0x10, DW_TAG_compile_unit = 0x11, DW_TAG_structure_type = 0x13,
  DW_TAG_subroutine_type = 0x15, DW_TAG_typedef = 0x16, DW_TAG_union_type = 0x17, DW_TAG_unspecified_parameters = 0x18,
  DW_TAG_inlined_subroutine = 0x1d, DW_TAG_subrange_type = 0x21, DW_TAG_base_type = 0x24, DW_TAG_const_type = 0x26,
  DW_TAG_enumerator = 0x28, DW_TAG_subprogram = 0x2e, DW_TAG_variable = 0x34, DW_TAG_volatile_type = 0x35,
  DW_TAG_restrict_type = 0x37, DW_TAG_unspecified_type = 0x3b, DW_TAG_partial_unit = 0x3c, DW_TAG_atomic_type = 0x47, DW_TAG_skeleton_unit = 0x4a;

// Attributes (Table 7.5).
export const DW_AT_sibling = 0x01, DW_AT_location = 0x02, DW_AT_name = 0x03, DW_AT_byte_size = 0x0b,
  DW_AT_stmt_list = 0x10, DW_AT_low_pc = 0x11, DW_AT_high_pc = 0x12, DW_AT_language = 0x13, DW_AT_comp_dir = 0x1b,
  DW_AT_const_value = 0x1c, DW_AT_upper_bound = 0x2f, DW_AT_producer = 0x25, DW_AT_abstract_origin = 0x31,
  DW_AT_count = 0x37, DW_AT_decl_file = 0x3a, DW_AT_decl_line = 0x3b, DW_AT_declaration = 0x3c, DW_AT_external = 0x3f,
  DW_AT_frame_base = 0x40, DW_AT_specification = 0x47, DW_AT_type = 0x49, DW_AT_ranges = 0x55,
  DW_AT_linkage_name = 0x6e, DW_AT_str_offsets_base = 0x72, DW_AT_addr_base = 0x73, DW_AT_rnglists_base = 0x74,
  DW_AT_loclists_base = 0x8c, DW_AT_MIPS_linkage_name = 0x2007;

// Forms (Table 7.6) and the GNU ones GCC emits.
const DW_FORM_addr = 0x01, DW_FORM_block2 = 0x03, DW_FORM_block4 = 0x04, DW_FORM_data2 = 0x05, DW_FORM_data4 = 0x06,
  DW_FORM_data8 = 0x07, DW_FORM_string = 0x08, DW_FORM_block = 0x09, DW_FORM_block1 = 0x0a, DW_FORM_data1 = 0x0b,
  DW_FORM_flag = 0x0c, DW_FORM_sdata = 0x0d, DW_FORM_strp = 0x0e, DW_FORM_udata = 0x0f, DW_FORM_ref_addr = 0x10,
  DW_FORM_ref1 = 0x11, DW_FORM_ref2 = 0x12, DW_FORM_ref4 = 0x13, DW_FORM_ref8 = 0x14, DW_FORM_ref_udata = 0x15,
  DW_FORM_indirect = 0x16, DW_FORM_sec_offset = 0x17, DW_FORM_exprloc = 0x18, DW_FORM_flag_present = 0x19,
  DW_FORM_strx = 0x1a, DW_FORM_addrx = 0x1b, DW_FORM_ref_sup4 = 0x1c, DW_FORM_strp_sup = 0x1d, DW_FORM_data16 = 0x1e,
  DW_FORM_line_strp = 0x1f, DW_FORM_ref_sig8 = 0x20, DW_FORM_implicit_const = 0x21, DW_FORM_loclistx = 0x22,
  DW_FORM_rnglistx = 0x23, DW_FORM_ref_sup8 = 0x24, DW_FORM_strx1 = 0x25, DW_FORM_strx2 = 0x26, DW_FORM_strx3 = 0x27,
  DW_FORM_strx4 = 0x28, DW_FORM_addrx1 = 0x29, DW_FORM_addrx2 = 0x2a, DW_FORM_addrx3 = 0x2b, DW_FORM_addrx4 = 0x2c,
  DW_FORM_GNU_addr_index = 0x1f01, DW_FORM_GNU_str_index = 0x1f02, DW_FORM_GNU_ref_alt = 0x1f20,
  DW_FORM_GNU_strp_alt = 0x1f21;

// Unit types (Table 7.2).
const DW_UT_compile = 1, DW_UT_type = 2, DW_UT_partial = 3, DW_UT_skeleton = 4, DW_UT_split_compile = 5, DW_UT_split_type = 6;

// Range list entries (Table 7.30).
const DW_RLE_end_of_list = 0, DW_RLE_base_addressx = 1, DW_RLE_startx_endx = 2, DW_RLE_startx_length = 3,
  DW_RLE_offset_pair = 4, DW_RLE_base_address = 5, DW_RLE_start_end = 6, DW_RLE_start_length = 7;

// Operations for the simple locations (Table 7.9).
const DW_OP_addr = 0x03, DW_OP_reg0 = 0x50, DW_OP_breg0 = 0x70, DW_OP_regx = 0x90, DW_OP_fbreg = 0x91,
  DW_OP_bregx = 0x92, DW_OP_call_frame_cfa = 0x9c, DW_OP_addrx = 0xa1, DW_OP_GNU_addr_index = 0xfb;

/** An attribute value as read, before unit-dependent indirections (strx, addrx, rnglistx) resolve. */
export type AttrValue = bigint | string | Uint8Array | boolean;

export interface Attribute {
  at: number;
  form: number;
  value: AttrValue;
}

export interface Die {
  offset: number;
  tag: number;
  attrs: Attribute[];
  hasChildren: boolean;
  children: Die[];
  parent?: Die;
}

interface AbbrevEntry {
  tag: number;
  hasChildren: boolean;
  specs: { at: number; form: number; implicitConst?: bigint }[];
}

class Unit {
  root!: Die;
  dies: Map<number, Die> | undefined;
  strOffsetsBase: number | undefined;
  addrBase: number | undefined;
  rnglistsBase: number | undefined;
  loclistsBase: number | undefined;
  info!: CompileUnit;
  functionList: FunctionInfo[] | undefined;

  constructor(
    readonly offset: number,
    readonly end: number,
    readonly version: number,
    readonly unitType: number,
    readonly is64: boolean,
    readonly addressSize: number,
    readonly abbrevs: Map<number, AbbrevEntry>,
    readonly firstDie: number,
  ) {}

  get offsetSize(): number {
    return this.is64 ? 8 : 4;
  }
}

export type FileNames = (stmtList: number) => readonly (string | undefined)[] | undefined;

export class DebugInfoReader {
  readonly warnings: string[] = [];
  private readonly units: Unit[] = [];
  private readonly abbrevCache = new Map<number, Map<number, AbbrevEntry>>();
  private fileNames: FileNames | undefined;

  /** Reads every unit header and root DIE. Damaged units are skipped with a warning. */
  constructor(private readonly s: InfoSections, private readonly bias = 0n) {
    const r = new ByteReader(s.debugInfo, 0, '.debug_info');
    while (r.pos < r.length) {
      const offset = r.pos;
      let end: number;
      try {
        const len = r.initialLength();
        end = len.end;
        const unit = this.readUnitHeader(r, offset, len.end, len.is64);
        if (unit !== undefined) {
          this.readRoot(unit);
          this.units.push(unit);
        }
      } catch (e) {
        if (!(e instanceof DwarfError)) throw e;
        this.warnings.push(`.debug_info unit at 0x${offset.toString(16)}: ${e.message}`);
        break;
      }
      r.pos = end;
    }
  }

  /** Supplies decl_file names from the line tables (index.ts wires this). */
  setFileNames(f: FileNames): void {
    this.fileNames = f;
  }

  compileUnits(): CompileUnit[] {
    return this.units.map((u) => u.info);
  }

  /** All functions with code, in unit order. Units that fail to parse are skipped with a warning. */
  functions(): FunctionInfo[] {
    return this.units.flatMap((u) => this.unitFunctions(u));
  }

  /** The function whose code holds addr. */
  functionAt(addr: bigint): FunctionInfo | undefined {
    // Units whose ranges hold addr first; units that say nothing about their ranges after.
    const candidates = [
      ...this.units.filter((u) => inRanges(u.info.ranges, addr)),
      ...this.units.filter((u) => u.info.ranges.length === 0),
    ];
    for (const u of candidates) {
      for (const f of this.unitFunctions(u)) if (inRanges(f.ranges, addr)) return f;
    }
    return undefined;
  }

  /** The DIE at a .debug_info offset (parses its unit). */
  dieAt(offset: number): Die | undefined {
    const u = this.unitOf(offset);
    if (u === undefined) return undefined;
    return this.parseTree(u).get(offset);
  }

  private unitOf(offset: number): Unit | undefined {
    return this.units.find((u) => offset >= u.offset && offset < u.end);
  }

  private readUnitHeader(r: ByteReader, offset: number, end: number, is64: boolean): Unit | undefined {
    const version = r.u16();
    if (version < 2 || version > 5) throw new DwarfError(`unsupported unit version ${version}`);
    let unitType = DW_UT_compile;
    let addressSize: number;
    let abbrevOffset: number;
    if (version >= 5) {
      unitType = r.u8();
      addressSize = r.u8();
      abbrevOffset = r.offset(is64);
      if (unitType === DW_UT_skeleton || unitType === DW_UT_split_compile) r.skip(8); // dwo_id
      else if (unitType === DW_UT_type || unitType === DW_UT_split_type) { r.skip(8); r.offset(is64); }
      else if (unitType !== DW_UT_compile && unitType !== DW_UT_partial) throw new DwarfError(`unknown unit type ${unitType}`);
    } else {
      abbrevOffset = r.offset(is64);
      addressSize = r.u8();
    }
    if (addressSize !== 4 && addressSize !== 8) throw new DwarfError(`unsupported address size ${addressSize}`);
    const abbrevs = this.abbrevTable(abbrevOffset);
    return new Unit(offset, end, version, unitType, is64, addressSize, abbrevs, r.pos);
  }

  private abbrevTable(offset: number): Map<number, AbbrevEntry> {
    let table = this.abbrevCache.get(offset);
    if (table !== undefined) return table;
    table = new Map();
    const r = new ByteReader(this.s.debugAbbrev, offset, '.debug_abbrev');
    for (;;) {
      const code = r.uleb();
      if (code === 0) break;
      const tag = r.uleb();
      const hasChildren = r.u8() !== 0;
      const specs: AbbrevEntry['specs'] = [];
      for (;;) {
        const at = r.uleb();
        const form = r.uleb();
        if (at === 0 && form === 0) break;
        specs.push(form === DW_FORM_implicit_const ? { at, form, implicitConst: r.slebBig() } : { at, form });
      }
      table.set(code, { tag, hasChildren, specs });
    }
    this.abbrevCache.set(offset, table);
    return table;
  }

  private readRoot(u: Unit): void {
    const r = new ByteReader(this.s.debugInfo, u.firstDie, '.debug_info');
    const root = this.readDie(r, u);
    if (root === undefined) throw new DwarfError('unit without a root DIE');
    u.root = root;
    u.strOffsetsBase = numAttr(root, DW_AT_str_offsets_base);
    u.addrBase = numAttr(root, DW_AT_addr_base);
    u.rnglistsBase = numAttr(root, DW_AT_rnglists_base);
    u.loclistsBase = numAttr(root, DW_AT_loclists_base);
    let ranges: AddressRange[] = [];
    const lowPc = this.addrAttr(u, root, DW_AT_low_pc);
    const highPc = this.highPc(u, root, lowPc);
    try {
      ranges = this.rangesOf(u, root, lowPc ?? this.bias);
    } catch (e) {
      if (!(e instanceof DwarfError)) throw e;
      this.warnings.push(`unit at 0x${u.offset.toString(16)}: ranges: ${e.message}`);
    }
    u.info = {
      offset: u.offset,
      version: u.version,
      addressSize: u.addressSize,
      name: this.strAttr(u, root, DW_AT_name),
      compDir: this.strAttr(u, root, DW_AT_comp_dir),
      producer: this.strAttr(u, root, DW_AT_producer),
      language: numAttr(root, DW_AT_language),
      lowPc,
      highPc,
      ranges,
      stmtList: numAttr(root, DW_AT_stmt_list),
    };
  }

  /** Reads one DIE and its attributes at r (not its children); undefined for a null entry. */
  private readDie(r: ByteReader, u: Unit): Die | undefined {
    const offset = r.pos;
    const code = r.uleb();
    if (code === 0) return undefined;
    const abbrev = u.abbrevs.get(code);
    if (abbrev === undefined) throw new DwarfError(`DIE at 0x${offset.toString(16)} uses unknown abbreviation ${code}`);
    const attrs: Attribute[] = [];
    for (const spec of abbrev.specs) {
      let form = spec.form;
      while (form === DW_FORM_indirect) form = r.uleb();
      const value = form === DW_FORM_implicit_const ? (spec.implicitConst ?? 0n) : this.readForm(r, u, form);
      attrs.push({ at: spec.at, form, value });
    }
    return { offset, tag: abbrev.tag, attrs, hasChildren: abbrev.hasChildren, children: [] };
  }

  private readForm(r: ByteReader, u: Unit, form: number): AttrValue {
    switch (form) {
      case DW_FORM_addr: return r.address(u.addressSize);
      case DW_FORM_data1: case DW_FORM_ref1: case DW_FORM_flag: case DW_FORM_strx1: case DW_FORM_addrx1: {
        const v = BigInt(r.u8());
        return form === DW_FORM_flag ? v !== 0n : form === DW_FORM_ref1 ? v + BigInt(u.offset) : v;
      }
      case DW_FORM_data2: case DW_FORM_ref2: case DW_FORM_strx2: case DW_FORM_addrx2: {
        const v = BigInt(r.u16());
        return form === DW_FORM_ref2 ? v + BigInt(u.offset) : v;
      }
      case DW_FORM_strx3: case DW_FORM_addrx3: return BigInt(r.u24());
      case DW_FORM_data4: case DW_FORM_ref4: case DW_FORM_strx4: case DW_FORM_addrx4: case DW_FORM_ref_sup4: {
        const v = BigInt(r.u32());
        return form === DW_FORM_ref4 ? v + BigInt(u.offset) : v;
      }
      case DW_FORM_data8: case DW_FORM_ref8: case DW_FORM_ref_sig8: case DW_FORM_ref_sup8: {
        const v = r.u64();
        return form === DW_FORM_ref8 ? v + BigInt(u.offset) : v;
      }
      case DW_FORM_data16: return r.bytes(16);
      case DW_FORM_sdata: return r.slebBig();
      case DW_FORM_udata: case DW_FORM_strx: case DW_FORM_addrx: case DW_FORM_loclistx: case DW_FORM_rnglistx:
      case DW_FORM_GNU_addr_index: case DW_FORM_GNU_str_index:
        return r.ulebBig();
      case DW_FORM_ref_udata: return r.ulebBig() + BigInt(u.offset);
      case DW_FORM_string: return r.cstr();
      case DW_FORM_strp: return stringAt(this.s.debugStr, r.offset(u.is64), 'DW_FORM_strp');
      case DW_FORM_line_strp: return stringAt(this.s.debugLineStr, r.offset(u.is64), 'DW_FORM_line_strp');
      // References into a supplementary object file: kept as raw offsets.
      case DW_FORM_strp_sup: case DW_FORM_GNU_strp_alt: case DW_FORM_GNU_ref_alt: case DW_FORM_sec_offset:
        return BigInt(r.offset(u.is64));
      // DWARF 2 ref_addr is address-sized, later versions offset-sized (§7.5.4).
      case DW_FORM_ref_addr: return u.version <= 2 ? r.address(u.addressSize) : BigInt(r.offset(u.is64));
      case DW_FORM_block1: return r.bytes(r.u8());
      case DW_FORM_block2: return r.bytes(r.u16());
      case DW_FORM_block4: return r.bytes(r.u32());
      case DW_FORM_block: case DW_FORM_exprloc: return r.bytes(r.uleb());
      case DW_FORM_flag_present: return true;
      default: throw new DwarfError(`unsupported attribute form 0x${form.toString(16)}`);
    }
  }

  /** Parses a unit's whole DIE tree once; returns offset -> DIE. */
  private parseTree(u: Unit): Map<number, Die> {
    if (u.dies !== undefined) return u.dies;
    const dies = new Map<number, Die>();
    const r = new ByteReader(this.s.debugInfo, u.firstDie, '.debug_info');
    const stack: Die[] = [];
    while (r.pos < u.end) {
      const die = this.readDie(r, u);
      if (die === undefined) {
        if (stack.length === 0) break; // padding after the root's children
        stack.pop();
        if (stack.length === 0) break;
        continue;
      }
      const parent = stack[stack.length - 1];
      if (parent !== undefined) { die.parent = parent; parent.children.push(die); }
      dies.set(die.offset, die);
      if (die.hasChildren) stack.push(die);
      else if (stack.length === 0) break; // a root without children
    }
    u.dies = dies;
    const root = dies.get(u.firstDie);
    if (root !== undefined) u.root = root;
    return dies;
  }

  private unitFunctions(u: Unit): FunctionInfo[] {
    if (u.functionList !== undefined) return u.functionList;
    const list: FunctionInfo[] = [];
    try {
      const dies = this.parseTree(u);
      for (const die of dies.values()) {
        if (die.tag !== DW_TAG_subprogram) continue;
        const f = this.functionOf(u, die);
        if (f !== undefined) list.push(f);
      }
    } catch (e) {
      if (!(e instanceof DwarfError)) throw e;
      this.warnings.push(`unit at 0x${u.offset.toString(16)}: ${e.message}`);
    }
    u.functionList = list;
    return list;
  }

  private functionOf(u: Unit, die: Die): FunctionInfo | undefined {
    if (attr(die, DW_AT_declaration) !== undefined) return undefined;
    const lowPc = this.addrAttr(u, die, DW_AT_low_pc);
    const highPc = this.highPc(u, die, lowPc);
    const ranges = this.rangesOf(u, die, u.info.lowPc ?? this.bias);
    if (ranges.length === 0) return undefined; // abstract instance or discarded: no code
    const origin = this.originChain(die);
    const name = this.firstStr(u, origin, DW_AT_name) ?? '<anonymous>';
    const declFileIndex = firstNum(origin, DW_AT_decl_file);
    const frameBaseAttr = attr(die, DW_AT_frame_base);
    const frameBase = frameBaseAttr?.value instanceof Uint8Array ? frameBaseAttr.value : undefined;
    const params: VariableInfo[] = [];
    const locals: VariableInfo[] = [];
    const walk = (d: Die): void => {
      for (const c of d.children) {
        if (c.tag === DW_TAG_formal_parameter) params.push(this.variableOf(u, c));
        else if (c.tag === DW_TAG_variable) locals.push(this.variableOf(u, c));
        else if (c.tag === DW_TAG_lexical_block) walk(c);
      }
    };
    walk(die);
    return {
      name,
      linkageName: this.firstStr(u, origin, DW_AT_linkage_name) ?? this.firstStr(u, origin, DW_AT_MIPS_linkage_name),
      dieOffset: die.offset,
      unit: u.info,
      lowPc,
      highPc,
      ranges,
      external: origin.some((d) => attr(d, DW_AT_external)?.value === true),
      declFile: declFileIndex === undefined ? undefined : this.fileName(u, declFileIndex),
      declLine: firstNum(origin, DW_AT_decl_line),
      frameBase,
      frameBaseLocation: frameBase === undefined ? undefined : this.decodeLocation(u, frameBase),
      returnType: this.typeOf(u, origin),
      params,
      locals,
    };
  }

  private variableOf(u: Unit, die: Die): VariableInfo {
    const origin = this.originChain(die);
    const loc = attr(die, DW_AT_location);
    let location: VariableLocation;
    let expr: Uint8Array | undefined;
    if (loc === undefined) location = { kind: 'none' };
    else if (loc.value instanceof Uint8Array) { expr = loc.value; location = this.decodeLocation(u, loc.value); }
    else if (typeof loc.value === 'bigint') {
      // DW_FORM_sec_offset (or data4/data8 before DWARF 4): a location list offset.
      location = loc.form === DW_FORM_loclistx ? { kind: 'list', form: 'index', value: Number(loc.value) } : { kind: 'list', form: 'offset', value: Number(loc.value) };
    } else location = { kind: 'unsupported', expr: new Uint8Array(0), reason: `location form 0x${loc.form.toString(16)}` };
    return {
      name: this.firstStr(u, origin, DW_AT_name) ?? '<anonymous>',
      type: this.typeOf(u, origin),
      location,
      expr,
      declLine: firstNum(origin, DW_AT_decl_line),
    };
  }

  /** A DIE followed by its DW_AT_abstract_origin / DW_AT_specification chain (§3.3.8, §2.13.2). */
  private originChain(die: Die): Die[] {
    const chain = [die];
    let d: Die | undefined = die;
    for (let i = 0; i < 8 && d !== undefined; i++) {
      const ref = attr(d, DW_AT_abstract_origin) ?? attr(d, DW_AT_specification);
      if (ref === undefined || typeof ref.value !== 'bigint' || !isRefForm(ref.form)) break;
      d = this.dieAt(Number(ref.value));
      if (d !== undefined) chain.push(d);
    }
    return chain;
  }

  private firstStr(u: Unit, chain: Die[], at: number): string | undefined {
    for (const d of chain) {
      const v = this.strAttr(this.unitOf(d.offset) ?? u, d, at);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /** The printable type of a DIE's DW_AT_type (first along its origin chain); `void` without one. */
  private typeOf(u: Unit, chain: Die[]): TypeDesc {
    for (const d of chain) {
      const t = attr(d, DW_AT_type);
      if (t !== undefined && typeof t.value === 'bigint' && isRefForm(t.form)) {
        const target = this.dieAt(Number(t.value));
        return target === undefined ? { name: '<unknown type>' } : this.describeType(this.unitOf(target.offset) ?? u, target, 0);
      }
    }
    return { name: 'void' };
  }

  private describeType(u: Unit, die: Die, depth: number): TypeDesc {
    if (depth > 16) return { name: '<type too deep>' };
    const name = this.strAttr(u, die, DW_AT_name);
    const size = numAttr(die, DW_AT_byte_size);
    const inner = (): TypeDesc => this.targetType(u, die, depth);
    switch (die.tag) {
      case DW_TAG_base_type: return { name: name ?? '<base type>', byteSize: size };
      case DW_TAG_pointer_type: case DW_TAG_reference_type: {
        const sym = die.tag === DW_TAG_pointer_type ? '*' : '&';
        const target = this.targetDie(die);
        if (target?.tag === DW_TAG_subroutine_type) {
          const fn = this.subroutineParts(u, target, depth + 1);
          return { name: `${fn.ret} (${sym})(${fn.args})`, byteSize: size ?? u.addressSize };
        }
        const t = inner();
        return { name: t.name.endsWith('*') ? `${t.name}${sym}` : `${t.name} ${sym}`, byteSize: size ?? u.addressSize };
      }
      case DW_TAG_const_type: case DW_TAG_volatile_type: case DW_TAG_restrict_type: case DW_TAG_atomic_type: {
        const q = die.tag === DW_TAG_const_type ? 'const' : die.tag === DW_TAG_volatile_type ? 'volatile'
          : die.tag === DW_TAG_restrict_type ? 'restrict' : '_Atomic';
        const t = inner();
        // Qualifiers of pointers follow the star: `char *const`.
        return { name: t.name.endsWith('*') ? `${t.name}${q}` : `${q} ${t.name}`, byteSize: t.byteSize };
      }
      case DW_TAG_typedef: return { name: name ?? '<typedef>', byteSize: inner().byteSize };
      case DW_TAG_structure_type: return { name: `struct ${name ?? '<anonymous>'}`, byteSize: size };
      case DW_TAG_union_type: return { name: `union ${name ?? '<anonymous>'}`, byteSize: size };
      case DW_TAG_class_type: return { name: `class ${name ?? '<anonymous>'}`, byteSize: size };
      case DW_TAG_enumeration_type: return { name: `enum ${name ?? '<anonymous>'}`, byteSize: size };
      case DW_TAG_array_type: {
        const t = inner();
        let dims = '';
        let count = 1;
        let known = true;
        for (const c of die.children) {
          if (c.tag !== DW_TAG_subrange_type) continue;
          const n = numAttr(c, DW_AT_count) ?? (numAttr(c, DW_AT_upper_bound) !== undefined ? numAttr(c, DW_AT_upper_bound)! + 1 : undefined);
          dims += n === undefined ? '[]' : `[${n}]`;
          if (n === undefined) known = false; else count *= n;
        }
        if (dims === '') { dims = '[]'; known = false; }
        return { name: `${t.name}${dims}`, byteSize: size ?? (known && t.byteSize !== undefined ? t.byteSize * count : undefined) };
      }
      case DW_TAG_unspecified_type: return { name: name ?? 'void' };
      case DW_TAG_subroutine_type: {
        const fn = this.subroutineParts(u, die, depth + 1);
        return { name: `${fn.ret} (${fn.args})` };
      }
      default: return { name: name ?? `<tag 0x${die.tag.toString(16)}>`, byteSize: size };
    }
  }

  private subroutineParts(u: Unit, die: Die, depth: number): { ret: string; args: string } {
    const ret = this.targetType(u, die, depth).name;
    const args = die.children.filter((c) => c.tag === DW_TAG_formal_parameter || c.tag === DW_TAG_unspecified_parameters)
      .map((c) => (c.tag === DW_TAG_unspecified_parameters ? '...' : this.targetType(u, c, depth).name));
    return { ret, args: args.length === 0 ? 'void' : args.join(', ') };
  }

  private targetDie(die: Die): Die | undefined {
    const t = attr(die, DW_AT_type);
    if (t === undefined || typeof t.value !== 'bigint' || !isRefForm(t.form)) return undefined;
    return this.dieAt(Number(t.value));
  }

  private targetType(u: Unit, die: Die, depth: number): TypeDesc {
    const t = this.targetDie(die);
    if (t === undefined) return { name: attr(die, DW_AT_type) === undefined ? 'void' : '<unknown type>' };
    return this.describeType(this.unitOf(t.offset) ?? u, t, depth + 1);
  }

  /** Decodes the simple single-operation location expressions (§2.5.1.2, §2.6.1.1.3). */
  private decodeLocation(u: Unit, expr: Uint8Array): VariableLocation {
    if (expr.length === 0) return { kind: 'none' };
    const r = new ByteReader(expr, 0, 'location expression');
    const unsupported = (reason: string): VariableLocation => ({ kind: 'unsupported', expr, reason });
    try {
      const op = r.u8();
      let loc: VariableLocation;
      if (op >= DW_OP_reg0 && op < DW_OP_reg0 + 32) loc = { kind: 'reg', reg: op - DW_OP_reg0 };
      else if (op >= DW_OP_breg0 && op < DW_OP_breg0 + 32) loc = { kind: 'breg', reg: op - DW_OP_breg0, offset: r.sleb() };
      else if (op === DW_OP_regx) loc = { kind: 'reg', reg: r.uleb() };
      else if (op === DW_OP_bregx) { const reg = r.uleb(); loc = { kind: 'breg', reg, offset: r.sleb() }; }
      else if (op === DW_OP_fbreg) loc = { kind: 'fbreg', offset: r.sleb() };
      else if (op === DW_OP_call_frame_cfa) loc = { kind: 'cfa' };
      else if (op === DW_OP_addr) loc = { kind: 'addr', address: wrap64(r.address(u.addressSize) + this.bias) };
      else if (op === DW_OP_addrx || op === DW_OP_GNU_addr_index) loc = { kind: 'addr', address: this.indexedAddress(u, r.ulebBig()) };
      else return unsupported(`operation 0x${op.toString(16)}`);
      if (!r.atEnd) return unsupported('a composite or computed location');
      return loc;
    } catch (e) {
      if (e instanceof DwarfError) return unsupported(e.message);
      throw e;
    }
  }

  private fileName(u: Unit, index: number): string | undefined {
    if (u.info.stmtList === undefined || this.fileNames === undefined) return undefined;
    return this.fileNames(u.info.stmtList)?.[index];
  }

  // ---- attribute interpretation ----

  private strAttr(u: Unit, die: Die, at: number): string | undefined {
    const a = attr(die, at);
    if (a === undefined) return undefined;
    if (typeof a.value === 'string') return a.value;
    if (typeof a.value !== 'bigint') return undefined;
    switch (a.form) {
      case DW_FORM_strx: case DW_FORM_strx1: case DW_FORM_strx2: case DW_FORM_strx3: case DW_FORM_strx4:
      case DW_FORM_GNU_str_index: {
        // §7.26: .debug_str_offsets entries start after an 8- (or 16-) byte header; the base points past it.
        const base = u.strOffsetsBase ?? (u.is64 ? 16 : 8);
        const sec = this.s.debugStrOffsets;
        if (sec === undefined) throw new DwarfError('DW_FORM_strx without .debug_str_offsets');
        const r = new ByteReader(sec, base + Number(a.value) * u.offsetSize, '.debug_str_offsets');
        return stringAt(this.s.debugStr, r.offset(u.is64), 'DW_FORM_strx');
      }
      default: return undefined;
    }
  }

  private addrAttr(u: Unit, die: Die, at: number): bigint | undefined {
    const a = attr(die, at);
    if (a === undefined || typeof a.value !== 'bigint') return undefined;
    if (a.form === DW_FORM_addr) return wrap64(a.value + this.bias);
    if (isAddrx(a.form)) return this.indexedAddress(u, a.value);
    return undefined;
  }

  private indexedAddress(u: Unit, index: bigint): bigint {
    const sec = this.s.debugAddr;
    if (sec === undefined) throw new DwarfError('DW_FORM_addrx without .debug_addr');
    const base = u.addrBase ?? 8;
    const r = new ByteReader(sec, base + Number(index) * u.addressSize, '.debug_addr');
    return wrap64(r.address(u.addressSize) + this.bias);
  }

  /** DW_AT_high_pc: an address, or (DWARF 4+) an offset from low_pc when of constant class (§2.17.2). */
  private highPc(u: Unit, die: Die, lowPc: bigint | undefined): bigint | undefined {
    const a = attr(die, DW_AT_high_pc);
    if (a === undefined || typeof a.value !== 'bigint') return undefined;
    if (a.form === DW_FORM_addr || isAddrx(a.form)) return this.addrAttr(u, die, DW_AT_high_pc);
    return lowPc === undefined ? undefined : wrap64(lowPc + a.value);
  }

  /** The code ranges of a unit or subprogram DIE (§2.17). */
  private rangesOf(u: Unit, die: Die, base: bigint): AddressRange[] {
    const lowPc = this.addrAttr(u, die, DW_AT_low_pc);
    const highPc = this.highPc(u, die, lowPc);
    if (lowPc !== undefined && highPc !== undefined) return highPc > lowPc ? [{ start: lowPc, end: highPc }] : [];
    const a = attr(die, DW_AT_ranges);
    if (a === undefined || typeof a.value !== 'bigint') return [];
    if (u.version >= 5) {
      const sec = this.s.debugRnglists;
      if (sec === undefined) throw new DwarfError('DW_AT_ranges without .debug_rnglists');
      let offset: number;
      if (a.form === DW_FORM_rnglistx) {
        // §7.28: an offset table follows the list header; its entries are relative to the base.
        const listBase = u.rnglistsBase ?? (u.is64 ? 20 : 12);
        const r = new ByteReader(sec, listBase + Number(a.value) * u.offsetSize, '.debug_rnglists');
        offset = listBase + r.offset(u.is64);
      } else offset = Number(a.value);
      return this.readRnglist(u, sec, offset, base);
    }
    const sec = this.s.debugRanges;
    if (sec === undefined) throw new DwarfError('DW_AT_ranges without .debug_ranges');
    return this.readRangesV4(u, sec, Number(a.value), base);
  }

  private readRnglist(u: Unit, sec: Uint8Array, offset: number, base: bigint): AddressRange[] {
    const r = new ByteReader(sec, offset, '.debug_rnglists');
    const out: AddressRange[] = [];
    const push = (start: bigint, end: bigint): void => { if (end > start) out.push({ start, end }); };
    let b = base;
    for (;;) {
      const kind = r.u8();
      switch (kind) {
        case DW_RLE_end_of_list: return out;
        case DW_RLE_base_addressx: b = this.indexedAddress(u, r.ulebBig()); break;
        case DW_RLE_startx_endx: { const s = this.indexedAddress(u, r.ulebBig()); push(s, this.indexedAddress(u, r.ulebBig())); break; }
        case DW_RLE_startx_length: { const s = this.indexedAddress(u, r.ulebBig()); push(s, wrap64(s + r.ulebBig())); break; }
        case DW_RLE_offset_pair: { const s = r.ulebBig(); const e = r.ulebBig(); push(wrap64(b + s), wrap64(b + e)); break; }
        case DW_RLE_base_address: b = wrap64(r.address(u.addressSize) + this.bias); break;
        case DW_RLE_start_end: { const s = r.address(u.addressSize); const e = r.address(u.addressSize); push(wrap64(s + this.bias), wrap64(e + this.bias)); break; }
        case DW_RLE_start_length: { const s = wrap64(r.address(u.addressSize) + this.bias); push(s, wrap64(s + r.ulebBig())); break; }
        default: throw new DwarfError(`unknown range list entry ${kind}`);
      }
    }
  }

  /** DWARF 2–4 .debug_ranges (DWARF 4 §2.17.3): pairs relative to the base; all-ones selects a base. */
  private readRangesV4(u: Unit, sec: Uint8Array, offset: number, base: bigint): AddressRange[] {
    const r = new ByteReader(sec, offset, '.debug_ranges');
    const max = (1n << BigInt(8 * u.addressSize)) - 1n;
    const out: AddressRange[] = [];
    let b = base;
    for (;;) {
      const s = r.address(u.addressSize);
      const e = r.address(u.addressSize);
      if (s === 0n && e === 0n) return out;
      if (s === max) { b = wrap64(e + this.bias); continue; }
      if (e > s) out.push({ start: wrap64(b + s), end: wrap64(b + e) });
    }
  }
}

function attr(die: Die, at: number): Attribute | undefined {
  return die.attrs.find((a) => a.at === at);
}

function numAttr(die: Die, at: number): number | undefined {
  const a = attr(die, at);
  if (a === undefined || typeof a.value !== 'bigint') return undefined;
  return Number(a.value);
}

function firstNum(chain: Die[], at: number): number | undefined {
  for (const d of chain) {
    const v = numAttr(d, at);
    if (v !== undefined) return v;
  }
  return undefined;
}

function isRefForm(form: number): boolean {
  return form === DW_FORM_ref1 || form === DW_FORM_ref2 || form === DW_FORM_ref4 || form === DW_FORM_ref8
    || form === DW_FORM_ref_udata || form === DW_FORM_ref_addr;
}

function isAddrx(form: number): boolean {
  return form === DW_FORM_addrx || form === DW_FORM_addrx1 || form === DW_FORM_addrx2 || form === DW_FORM_addrx3
    || form === DW_FORM_addrx4 || form === DW_FORM_GNU_addr_index;
}

function inRanges(ranges: AddressRange[], addr: bigint): boolean {
  return ranges.some((r) => addr >= r.start && addr < r.end);
}
