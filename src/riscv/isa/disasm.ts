// Disassembly text identical to GNU objdump 2.40 (`riscv64-unknown-elf-objdump -d`, default
// options): mnemonic, one tab, operands; the pseudo-instructions objdump prefers; and its
// trailing `# address` comments. The rules below were established by comparing against objdump
// (test/unit/riscv/isa/disasm-objdump.test.ts), not taken from its sources.
//
// objdump's comments need context it keeps across instructions: after `lui`/`auipc rd` it
// remembers rd's value and the next instruction that uses rd as a base (addi, addiw, jalr, loads,
// stores) prints the resulting address once. Pass a `DisasmState` through consecutive calls to
// reproduce that; without one only the stateless comments (base x0 or tp) are printed.

import { decodeAt } from './decode';
import { csrName, type PrivSpec } from './csrNames';
import type { Decoded } from './types';

export const X_NAMES: readonly string[] = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
];
export const F_NAMES: readonly string[] = [
  'ft0', 'ft1', 'ft2', 'ft3', 'ft4', 'ft5', 'ft6', 'ft7', 'fs0', 'fs1', 'fa0', 'fa1', 'fa2', 'fa3', 'fa4', 'fa5',
  'fa6', 'fa7', 'fs2', 'fs3', 'fs4', 'fs5', 'fs6', 'fs7', 'fs8', 'fs9', 'fs10', 'fs11', 'ft8', 'ft9', 'ft10', 'ft11',
];
const RM_NAMES = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'unknown', 'unknown', 'dyn'];

/** objdump's cross-instruction memory for address comments. */
export interface DisasmState {
  /** Value left in each x register by the last lui/auipc that wrote it and was not yet used as a base. */
  hiAddr: (bigint | undefined)[];
  /** Value of `__global_pointer$`, when the ELF defines it: gp-relative accesses are then annotated. */
  gp?: bigint;
}

export function newDisasmState(gp?: bigint): DisasmState {
  return { hiAddr: new Array<bigint | undefined>(32).fill(undefined), gp };
}

export interface DisasmOptions {
  /** Carry across consecutive instructions to get objdump's lui/auipc-based comments. */
  state?: DisasmState;
  /** CSR names of this privileged spec (objdump follows the ELF's Tag_RISCV_priv_spec); default 1.12. */
  privSpec?: PrivSpec;
}

/** Symbolizer: the text objdump puts between `<>` for an address (e.g. `foo+0x8`), or undefined. */
export type Symbolize = (addr: bigint) => string | undefined;

const MASK64 = (1n << 64n) - 1n;
const X_TP = 4, X_GP = 3;

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

function fmtAddr(a: bigint, symbolize?: Symbolize): string {
  const v = a & MASK64;
  const s = symbolize?.(v);
  return s === undefined ? `0x${v.toString(16)}` : `${v.toString(16)} <${s}>`;
}

function fenceSet(v: number): string {
  if (v === 0) return 'unknown';
  return (v & 8 ? 'i' : '') + (v & 4 ? 'o' : '') + (v & 2 ? 'r' : '') + (v & 1 ? 'w' : '');
}

const rmSuffix = (rm: number): string => (rm === 7 ? '' : `,${RM_NAMES[rm]}`);

/** Register classes of (rd, rs1, rs2) for the F/D instructions whose operands are not all FP. */
function fpClasses(name: string): [boolean, boolean] {
  // returns [rd is FP, rs1 is FP]
  if (/^f(eq|lt|le)\./.test(name) || name.startsWith('fclass.')) return [false, true];
  if (/^fcvt\.(w|wu|l|lu)\.[sd]$/.test(name)) return [false, true];
  if (/^fcvt\.[sd]\.(w|wu|l|lu)$/.test(name)) return [true, false];
  if (name === 'fmv.x.w' || name === 'fmv.x.d') return [false, true];
  if (name === 'fmv.w.x' || name === 'fmv.d.x') return [true, false];
  return [true, true];
}

/**
 * objdump's base-register comment: the address an instruction with base `rs1` and offset `off`
 * refers to, if objdump knows it (consumes a remembered lui/auipc value).
 */
function baseAddr(st: DisasmState | undefined, rs1: number, off: number, wide: boolean): bigint | undefined {
  let a: bigint;
  const hi = st?.hiAddr[rs1];
  if (st && hi !== undefined) {
    a = (rs1 !== 0 ? hi : 0n) + BigInt(off);
    st.hiAddr[rs1] = undefined;
  } else if (rs1 === X_TP || rs1 === 0) {
    a = BigInt(off);
  } else if (rs1 === X_GP && st?.gp !== undefined) {
    a = st.gp + BigInt(off);
  } else {
    return undefined;
  }
  if (wide) a = BigInt.asIntN(32, a);
  return a & MASK64;
}

/**
 * Disassembles one decoded instruction at `pc` as objdump 2.40 prints its instruction column.
 * Encodings we decode but objdump 2.40 does not accept (non-zero reserved fields of FENCE and
 * FENCE.I, FENCE with an unknown fm, fcvt.d.s/d.w/d.wu with rm != 0) print as objdump prints them: `.4byte`.
 */
export function disassemble(d: Decoded, pc: bigint, symbolize?: Symbolize, opts: DisasmOptions = {}): string {
  const st = opts.state;
  let comment: bigint | undefined;
  const use = (rs1: number, off: number, wide = false): void => {
    const a = baseAddr(st, rs1, off, wide);
    if (a !== undefined) comment = a;
  };
  const text = body(d, pc, symbolize, opts.privSpec ?? '1.12', st, use);
  return comment === undefined ? text : `${text} # ${fmtAddr(comment, symbolize)}`;
}

function body(d: Decoded, pc: bigint, symbolize: Symbolize | undefined, privSpec: PrivSpec,
  st: DisasmState | undefined, use: (rs1: number, off: number, wide?: boolean) => void): string {
  // Compressed loads, stores and jumps print no address comment (objdump 2.40 behaviour).
  const { spec, rd, rs1, rs2, imm } = d;
  const name = spec.name;
  const X = X_NAMES, F = F_NAMES;
  const target = (): string => fmtAddr(pc + BigInt(imm), symbolize);

  if (d.len === 2) {
    const c = compressedSpecial(d);
    if (c !== undefined) {
      // Of the compressed forms only C.ADDI and C.ADDIW annotate their base (below).
      if (name === 'addi' && (d.raw & 0xe003) === 0x0001 && rd !== 0) use(rs1, imm);
      return c;
    }
    if (name !== 'addiw') use = () => undefined;
  }

  switch (spec.fmt) {
    case 'U': {
      const v = BigInt(imm);
      if (st) st.hiAddr[rd] = name === 'lui' ? v : pc + v;
      return `${name}\t${X[rd]},${hex(imm >>> 12)}`;
    }
    case 'J':
      if (rd === 0) return `j\t${target()}`;
      if (rd === 1) return `jal\t${target()}`;
      return `jal\t${X[rd]},${target()}`;
    case 'JALR': {
      use(rs1, imm);
      // objdump 2.40 evaluates the base of `jalr rd,imm(rs1)` twice when imm != 0: the first
      // look consumes a remembered lui/auipc value, the second decides the comment (so a tp
      // or x0 base then shows just the offset).
      if (imm !== 0) use(rs1, imm);
      if (rd === 0 && rs1 === 1 && imm === 0) return 'ret';
      const mem = imm === 0 ? X[rs1] : `${imm}(${X[rs1]})`;
      if (rd === 0) return `jr\t${mem}`;
      if (rd === 1) return `jalr\t${mem}`;
      return `jalr\t${X[rd]},${mem}`;
    }
    case 'B':
      // With both registers x0, objdump prints `bltz zero` but `blez zero`.
      if (rs1 === 0 && name === 'bge') return `blez\t${X[rs2]},${target()}`;
      if (rs2 === 0) {
        const z = ({ beq: 'beqz', bne: 'bnez', blt: 'bltz', bge: 'bgez' } as Record<string, string>)[name];
        if (z) return `${z}\t${X[rs1]},${target()}`;
      }
      if (rs1 === 0 && name === 'blt') return `bgtz\t${X[rs2]},${target()}`;
      return `${name}\t${X[rs1]},${X[rs2]},${target()}`;
    case 'LOAD': case 'FLOAD':
      use(rs1, imm);
      return `${name}\t${(spec.fmt === 'FLOAD' ? F : X)[rd]},${imm}(${X[rs1]})`;
    case 'STORE': case 'FSTORE':
      use(rs1, imm);
      return `${name}\t${(spec.fmt === 'FSTORE' ? F : X)[rs2]},${imm}(${X[rs1]})`;
    case 'I':
      switch (name) {
        case 'addi':
          if (rd === 0 && rs1 === 0 && imm === 0) return 'nop';
          if (rs1 === 0) return `li\t${X[rd]},${imm}`;
          if (imm === 0) return `mv\t${X[rd]},${X[rs1]}`;
          use(rs1, imm);
          return `add\t${X[rd]},${X[rs1]},${imm}`;
        case 'addiw':
          if (imm === 0) return `sext.w\t${X[rd]},${X[rs1]}`;
          if (rs1 !== 0) use(rs1, imm, true);
          return `addw\t${X[rd]},${X[rs1]},${imm}`;
        case 'sltiu':
          if (imm === 1) return `seqz\t${X[rd]},${X[rs1]}`;
          break;
        case 'xori':
          if (imm === -1) return `not\t${X[rd]},${X[rs1]}`;
          return `xor\t${X[rd]},${X[rs1]},${imm}`;
        case 'ori':
          return `or\t${X[rd]},${X[rs1]},${imm}`;
        case 'andi':
          if (imm === 255) return `zext.b\t${X[rd]},${X[rs1]}`;
          return `and\t${X[rd]},${X[rs1]},${imm}`;
      }
      return `${name}\t${X[rd]},${X[rs1]},${imm}`;
    case 'SH6': case 'SH5':
      // objdump prints the immediate-shift forms under the register-shift mnemonic.
      return `${name.replace(/i(w?)$/, '$1')}\t${X[rd]},${X[rs1]},${hex(imm)}`;
    case 'R': {
      if (spec.ext === 'F' || spec.ext === 'D') {
        const [fd, fs] = fpClasses(name);
        const sgn = /^fsgnj(n|x)?\.([sd])$/.exec(name);
        if (sgn && rs1 === rs2) {
          const alias = sgn[1] === undefined ? 'fmv' : sgn[1] === 'n' ? 'fneg' : 'fabs';
          return `${alias}.${sgn[2]}\t${F[rd]},${F[rs1]}`;
        }
        return `${name}\t${(fd ? F : X)[rd]},${(fs ? F : X)[rs1]},${(fs ? F : X)[rs2]}`;
      }
      if (rs1 === 0) {
        if (name === 'sub') return `neg\t${X[rd]},${X[rs2]}`;
        if (name === 'subw') return `negw\t${X[rd]},${X[rs2]}`;
        if (name === 'sltu') return `snez\t${X[rd]},${X[rs2]}`;
      }
      if (name === 'slt') {
        if (rs2 === 0) return `sltz\t${X[rd]},${X[rs1]}`;
        if (rs1 === 0) return `sgtz\t${X[rd]},${X[rs2]}`;
      }
      return `${name}\t${X[rd]},${X[rs1]},${X[rs2]}`;
    }
    case 'R4':
      return `${name}\t${F[rd]},${F[rs1]},${F[rs2]},${F[d.rs3]}${rmSuffix(d.rm)}`;
    case 'RF':
      return `${name}\t${F[rd]},${F[rs1]},${F[rs2]}${rmSuffix(d.rm)}`;
    case 'R1F': {
      // The exact conversions take no rounding mode in objdump 2.40, which accepts only rm=000.
      if (name === 'fcvt.d.s' || name === 'fcvt.d.w' || name === 'fcvt.d.wu') {
        if (d.rm !== 0) return invalid32(d.word);
        const [fd, fs] = fpClasses(name);
        return `${name}\t${(fd ? F : X)[rd]},${(fs ? F : X)[rs1]}`;
      }
      const [fd, fs] = fpClasses(name);
      return `${name}\t${(fd ? F : X)[rd]},${(fs ? F : X)[rs1]}${rmSuffix(d.rm)}`;
    }
    case 'R1': {
      const [fd, fs] = fpClasses(name);
      return `${name}\t${(fd ? F : X)[rd]},${(fs ? F : X)[rs1]}`;
    }
    case 'CSR': case 'CSRI':
      return csrText(d, privSpec);
    case 'AMO': case 'LR': {
      const sfx = ['', '.rl', '.aq', '.aqrl'][imm];
      if (spec.fmt === 'LR') return `${name}${sfx}\t${X[rd]},(${X[rs1]})`;
      return `${name}${sfx}\t${X[rd]},${X[rs2]},(${X[rs1]})`;
    }
    case 'FENCE': {
      const fm = imm >>> 8, pred = (imm >>> 4) & 15, succ = imm & 15;
      if (rd !== 0 || rs1 !== 0) return invalid32(d.word);
      if (fm === 8 && pred === 3 && succ === 3) return 'fence.tso';
      if (fm !== 0) return invalid32(d.word);
      if (pred === 1 && succ === 0) return 'pause';
      if (pred === 15 && succ === 15) return 'fence';
      return `fence\t${fenceSet(pred)},${fenceSet(succ)}`;
    }
    case 'SFENCE':
      if (rs2 !== 0) return `${name}\t${X[rs1]},${X[rs2]}`;
      return rs1 !== 0 ? `${name}\t${X[rs1]}` : name;
    case 'HLV':
      return `${name}\t${X[rd]},(${X[rs1]})`;
    case 'HSV':
      return `${name}\t${X[rs2]},(${X[rs1]})`;
    case 'NONE':
      if (name === 'fence.i' && d.word !== 0x0000100f) return invalid32(d.word);
      return name;
  }
}

const FCSR_READ: Record<number, string> = { 1: 'frflags', 2: 'frrm', 3: 'frcsr' };
const FCSR_WRITE: Record<number, string> = { 1: 'fsflags', 2: 'fsrm', 3: 'fscsr' };
const COUNTER_READ: Record<number, string> = { 0xc00: 'rdcycle', 0xc01: 'rdtime', 0xc02: 'rdinstret' };

function csrText(d: Decoded, privSpec: PrivSpec): string {
  const { rd, rs1, csr } = d;
  const X = X_NAMES;
  const name = d.spec.name;
  const c = csrName(csr, privSpec) ?? hex(csr);
  switch (name) {
    case 'csrrw':
      if (csr === 0xc00 && rd === 0 && rs1 === 0) return 'unimp';
      if (FCSR_WRITE[csr]) return rd === 0 ? `${FCSR_WRITE[csr]}\t${X[rs1]}` : `${FCSR_WRITE[csr]}\t${X[rd]},${X[rs1]}`;
      return rd === 0 ? `csrw\t${c},${X[rs1]}` : `csrrw\t${X[rd]},${c},${X[rs1]}`;
    case 'csrrs':
      if (rs1 === 0) {
        if (FCSR_READ[csr]) return `${FCSR_READ[csr]}\t${X[rd]}`;
        if (COUNTER_READ[csr]) return `${COUNTER_READ[csr]}\t${X[rd]}`;
        return `csrr\t${X[rd]},${c}`;
      }
      return rd === 0 ? `csrs\t${c},${X[rs1]}` : `csrrs\t${X[rd]},${c},${X[rs1]}`;
    case 'csrrc':
      return rd === 0 ? `csrc\t${c},${X[rs1]}` : `csrrc\t${X[rd]},${c},${X[rs1]}`;
    case 'csrrwi':
      if (csr === 1 || csr === 2) return `${csr === 1 ? 'fsflagsi' : 'fsrmi'}\t${X[rd]},${rs1}`;
      return rd === 0 ? `csrw\t${c},${rs1}` : `csrrw\t${X[rd]},${c},${rs1}`;
    case 'csrrsi':
      return rd === 0 ? `csrs\t${c},${rs1}` : `csrrs\t${X[rd]},${c},${rs1}`;
    default: // csrrci
      return rd === 0 ? `csrc\t${c},${rs1}` : `csrrc\t${X[rd]},${c},${rs1}`;
  }
}

/** Compressed forms objdump prints differently from their 32-bit expansion; undefined otherwise. */
function compressedSpecial(d: Decoded): string | undefined {
  const p = d.raw;
  const X = X_NAMES;
  const { rd, rs1, rs2, imm } = d;
  const q = p & 3, f3 = p >>> 13;
  if (q === 1 && f3 === 0) { // C.ADDI / C.NOP
    if (rd === 0) return imm === 0 ? 'nop' : `c.nop\t${imm}`;
    return `add\t${X[rd]},${X[rs1]},${imm}`;
  }
  if ((q === 0 && f3 === 0) || (q === 1 && f3 === 3 && d.spec.name === 'addi')) {
    return `add\t${X[rd]},${X[rs1]},${imm}`; // C.ADDI4SPN, C.ADDI16SP
  }
  if (q === 1 && f3 === 2 && rd === 0) return `c.li\tzero,${imm}`;
  if (q === 1 && f3 === 3 && rd === 0) return `c.lui\tzero,${hex(imm >>> 12)}`;
  if (q === 2 && f3 === 0) {
    if (imm === 0) return `c.slli64\t${X[rd]}`;
    if (rd === 0) return `c.slli\tzero,${hex(imm)}`;
  }
  if (q === 1 && f3 === 4 && imm === 0 && (d.spec.name === 'srli' || d.spec.name === 'srai')) {
    return `c.${d.spec.name}64\t${X[rd]}`;
  }
  if (q === 2 && f3 === 4 && d.spec.name === 'add') {
    if (rd === 0) return `${(p >>> 12) & 1 ? 'c.add' : 'c.mv'}\tzero,${X[rs2]}`;
    if (((p >>> 12) & 1) === 0) return `mv\t${X[rd]},${X[rs2]}`;
  }
  return undefined;
}

function invalid32(word: number): string {
  return `.4byte\t${hex(word)}`;
}

/**
 * objdump's text for the instruction at `pc`, given the 32 bits fetched there (low parcel in
 * bits 15:0); works for invalid encodings too (`.4byte`/`.2byte`/`unimp`, as objdump prints them).
 * Encodings longer than 32 bits are reported as `.2byte` of the low parcel with len 2.
 */
export function disassembleWord(word: number, pc: bigint, symbolize?: Symbolize, opts: DisasmOptions = {}): { text: string; len: 2 | 4 } {
  const d = decodeAt(word);
  if (d) return { text: disassemble(d, pc, symbolize, opts), len: d.len };
  if ((word & 3) !== 3 || (word & 0x1c) === 0x1c) {
    const p = word & 0xffff;
    if (p === 0) return { text: 'unimp', len: 2 };
    // C.ADDI16SP with nzimm=0 is reserved (c-st-ext.adoc) but objdump 2.40 still prints it.
    if (p === 0x6101) return { text: 'add\tsp,sp,0', len: 2 };
    return { text: `.2byte\t${hex(p)}`, len: 2 };
  }
  return { text: invalid32(word), len: 4 };
}
