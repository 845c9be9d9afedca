// Emitters: JavaScript source for one guest instruction, keyed by the instruction table's
// mnemonic (isa/encodings.ts). Registers live in locals named after their ABI names with l/h
// suffixes (a0l, a0h); 64-bit arithmetic is done in int32 halves with the branchless carry
// `((lo >>> 0) < (a >>> 0)) | 0`, and shift amounts known at translation time are specialised.
// An instruction without an emitter here runs as a call to the interpreter's semantic function
// (the table stays the one source of truth); see `emitHelper`.
import type { Op } from '../riscv/hart/op';
import { X_SCRATCH } from '../riscv/hart/op';
import { X_NAMES } from '../riscv/isa/disasm';
import { PAGE_KEY_HI, TLB_MASK } from '../riscv/hart/tlb';

/** What an emitter knows about the instruction it translates. */
export interface InsnCtx {
  readonly op: Op;
  /** Index in the block, and the block length. */
  readonly i: number;
  readonly n: number;
  readonly pcLo: number;
  readonly pcHi: number;
  readonly nextLo: number;
  readonly nextHi: number;
  /** The block of the function's region starting at a pc, if any (a jump there stays in the function). */
  readonly region: (lo: number, hi: number) => { index: number; length: number } | undefined;
  /** Registers read and written (filled by the emitters through `r`/`w`). */
  readonly reads: Set<number>;
  readonly writes: Set<number>;
  /** Memory access kinds used (the function loads the TLB arrays it needs). */
  mem: { load: boolean; store: boolean };
  /** Suffix of the names of this instruction's op and semantic function (helper calls). */
  readonly helperId: string;
  /** A branch to a later instruction of the block: the label to break and the instructions skipped. */
  readonly forward?: { label: string; skipped: number };
}

/** An int32 constant as source: small values in decimal, others in hex. */
export function k(v: number): string {
  v |= 0;
  if (v >= -4096 && v <= 4096) return String(v);
  return `(0x${(v >>> 0).toString(16)} | 0)`;
}

export function regLo(r: number): string { return `${X_NAMES[r]}l`; }
export function regHi(r: number): string { return `${X_NAMES[r]}h`; }

/** Reads register r: its local names, or constants for x0. */
function src(c: InsnCtx, r: number): [string, string] {
  if (r === 0) return ['0', '0'];
  c.reads.add(r);
  return [regLo(r), regHi(r)];
}

/** The destination register of the op (undefined for x0: the result is dropped). */
function dst(c: InsnCtx): [string, string] | undefined {
  const r = c.op.rd === X_SCRATCH ? 0 : c.op.rd;
  if (r === 0) return undefined;
  c.writes.add(r);
  return [regLo(r), regHi(r)];
}

/** Assigns (lo, hi) expressions to rd; `lo` must not read rd after hi is written, so temps go first. */
function set(c: InsnCtx, lo: string, hi: string): string {
  const d = dst(c);
  if (d === undefined) return '';
  return `${d[0]} = ${lo}; ${d[1]} = ${hi};`;
}

/** 64-bit constant pc + delta as halves. */
export function addConst(lo: number, hi: number, delta: number): [number, number] {
  const l = (lo + delta) | 0;
  const carry = (l >>> 0) < (lo >>> 0) ? 1 : 0;
  const borrowAdj = delta < 0 ? -1 : 0;
  return [l, (hi + borrowAdj + carry) | 0];
}

const retiredAt = (c: InsnCtx): string => `R0 + n + ${c.i}`;

// Exits only assign locals and break out of the loop; the function's epilogue, which runs on
// every exit, writes pc and instret from them (translator.ts). An exit taken for the first time
// after V8 optimized the function then costs no deoptimization: it holds no property store or
// call whose type feedback is still empty. (On the Linux boot, deopts and re-optimizations of
// regions for calls and property accesses without feedback no longer occur.)

/** Leaves the block with the pc at (lo, hi) source expressions after this instruction retired. */
function exitTo(c: InsnCtx, lo: string, hi: string): string {
  return `tl = ${lo}; th = ${hi}; ex = ${c.i + 1}; break body;`;
}

/**
 * A memory access off the inline TLB path (a miss, MMIO, misalignment, a watched page): leave
 * before the instruction, which has not run, and let the run loop interpret from it.
 */
function slowExit(c: InsnCtx): string {
  return `tl = ${k(c.pcLo)}; th = ${k(c.pcHi)}; ex = ${c.i}; slow = 1; break body;`;
}

/**
 * Control passes to the static target (lo, hi) after this instruction: inside the function when
 * the target starts a block of the same region and the budget left covers that block (and no
 * breakpoints are set: the run loop checks those per block), else leave the function.
 */
export function jumpStatic(c: InsnCtx, lo: number, hi: number): string {
  const t = c.region(lo, hi);
  if (t === undefined) return exitTo(c, k(lo), k(hi));
  return `n += ${c.i + 1}; if (left - n >= ${t.length} && free) { pc = ${t.index}; continue body; } tl = ${k(lo)}; th = ${k(hi)}; ex = 0; break body;`;
}

/** Effective address rs1 + imm into _l/_h. */
function ea(c: InsnCtx): string {
  const [al, ah] = src(c, c.op.rs1);
  const imm = c.op.imm;
  if (imm === 0) return `_l = ${al}; _h = ${ah};`;
  if (c.op.rs1 === 0) return `_l = ${k(imm)}; _h = ${imm >> 31};`;
  return `_l = (${al} + ${k(imm)}) | 0; _h = (${ah}${imm < 0 ? ' - 1' : ''} + (((_l >>> 0) < (${al} >>> 0)) | 0)) | 0;`;
}

const SIZE_MASK = { 1: 0, 2: 1, 4: 3, 8: 7 } as const;

function load(size: 1 | 2 | 4 | 8, kind: 's' | 'u'): (c: InsnCtx) => string {
  return (c) => {
    c.mem.load = true;
    const d = dst(c);
    const align = size === 1 ? '' : ` && (_l & ${SIZE_MASK[size]}) === 0`;
    const fast = (() => {
      if (d === undefined) return '';
      switch (size) {
        case 1: return kind === 's' ? `${d[0]} = (M8[_s] << 24) >> 24; ${d[1]} = ${d[0]} >> 31;` : `${d[0]} = M8[_s]; ${d[1]} = 0;`;
        case 2: return kind === 's' ? `${d[0]} = (M16[_s >>> 1] << 16) >> 16; ${d[1]} = ${d[0]} >> 31;` : `${d[0]} = M16[_s >>> 1]; ${d[1]} = 0;`;
        case 4: return kind === 's' ? `${d[0]} = M32[_s >>> 2]; ${d[1]} = ${d[0]} >> 31;` : `${d[0]} = M32[_s >>> 2]; ${d[1]} = 0;`;
        default: return `${d[0]} = M32[_s >>> 2]; ${d[1]} = M32[(_s >>> 2) + 1];`;
      }
    })();
    return `${ea(c)} _i = (_l >>> 12) & ${TLB_MASK};
    if (rT[_i] === _h * ${PAGE_KEY_HI} + (_l >>> 12)${align}) { _s = rB[_i] + (_l & 4095); ${fast} }
    else { ${slowExit(c)} }`;
  };
}

function store(size: 1 | 2 | 4 | 8): (c: InsnCtx) => string {
  return (c) => {
    c.mem.store = true;
    const [vl, vh] = src(c, c.op.rs2);
    const align = size === 1 ? '' : ` && (_l & ${SIZE_MASK[size]}) === 0`;
    const fast = size === 1 ? `M8[_s] = ${vl};` : size === 2 ? `M16[_s >>> 1] = ${vl};` : size === 4 ? `M32[_s >>> 2] = ${vl};`
      : `M32[_s >>> 2] = ${vl}; M32[(_s >>> 2) + 1] = ${vh};`;
    return `${ea(c)} _i = (_l >>> 12) & ${TLB_MASK};
    if (wT[_i] === _h * ${PAGE_KEY_HI} + (_l >>> 12)${align}) { _s = wB[_i] + (_l & 4095); ${fast} }
    else { ${slowExit(c)} }`;
  };
}

type Cond = (a: [string, string], b: [string, string]) => string;
const COND: Record<string, Cond> = {
  beq: (a, b) => `${a[0]} === ${b[0]} && ${a[1]} === ${b[1]}`,
  bne: (a, b) => `${a[0]} !== ${b[0]} || ${a[1]} !== ${b[1]}`,
  blt: (a, b) => `${a[1]} < ${b[1]} || (${a[1]} === ${b[1]} && (${a[0]} >>> 0) < (${b[0]} >>> 0))`,
  bge: (a, b) => `${a[1]} > ${b[1]} || (${a[1]} === ${b[1]} && (${a[0]} >>> 0) >= (${b[0]} >>> 0))`,
  bltu: (a, b) => `(${a[1]} >>> 0) < (${b[1]} >>> 0) || (${a[1]} === ${b[1]} && (${a[0]} >>> 0) < (${b[0]} >>> 0))`,
  bgeu: (a, b) => `(${a[1]} >>> 0) > (${b[1]} >>> 0) || (${a[1]} === ${b[1]} && (${a[0]} >>> 0) >= (${b[0]} >>> 0))`,
};

function branch(name: string): (c: InsnCtx) => string {
  return (c) => {
    const a = src(c, c.op.rs1), b = src(c, c.op.rs2);
    const [tl, th] = addConst(c.pcLo, c.pcHi, c.op.imm);
    // Taken: skip forward inside the block; the skipped instructions do not retire.
    if (c.forward !== undefined) return `if (${COND[name](a, b)}) { n -= ${c.forward.skipped}; break ${c.forward.label}; }`;
    // Not the block's last instruction: the fallthrough goes on in the block.
    if (c.i !== c.n - 1) return `if (${COND[name](a, b)}) { ${jumpStatic(c, tl, th)} }`;
    return `if (${COND[name](a, b)}) { ${jumpStatic(c, tl, th)} }
    ${exitTo(c, k(c.nextLo), k(c.nextHi))}`;
  };
}

/** Constant shifts of (a.l, a.h) by sh (0..63): [lo, hi] expressions, reading `a` only. */
function shiftConst(kind: 'sll' | 'srl' | 'sra', a: [string, string], sh: number): [string, string] {
  const [l, hh] = a;
  if (sh === 0) return [l, hh];
  if (kind === 'sll') {
    if (sh < 32) return [`${l} << ${sh}`, `(${hh} << ${sh}) | (${l} >>> ${32 - sh})`];
    return ['0', sh === 32 ? l : `${l} << ${sh - 32}`];
  }
  if (kind === 'srl') {
    if (sh < 32) return [`(${l} >>> ${sh}) | (${hh} << ${32 - sh})`, `(${hh} >>> ${sh}) | 0`];
    return [sh === 32 ? hh : `(${hh} >>> ${sh - 32}) | 0`, '0'];
  }
  if (sh < 32) return [`(${l} >>> ${sh}) | (${hh} << ${32 - sh})`, `${hh} >> ${sh}`];
  return [sh === 32 ? hh : `${hh} >> ${sh - 32}`, `${hh} >> 31`];
}

function shiftImm(kind: 'sll' | 'srl' | 'sra'): (c: InsnCtx) => string {
  return (c) => {
    const a = src(c, c.op.rs1);
    const [lo, hi] = shiftConst(kind, a, c.op.imm & 63);
    return `_l = ${lo}; _h = ${hi}; ${set(c, '_l', '_h')}`;
  };
}

/** Shift by a register amount: the three cases of a 64-bit shift in halves, chosen at run time. */
function shiftReg(kind: 'sll' | 'srl' | 'sra'): (c: InsnCtx) => string {
  return (c) => {
    const a = src(c, c.op.rs1), b = src(c, c.op.rs2);
    const [l, hh] = a;
    const small = kind === 'sll' ? `_l = ${l} << _s; _h = (${hh} << _s) | (${l} >>> (32 - _s));`
      : kind === 'srl' ? `_l = (${l} >>> _s) | (${hh} << (32 - _s)); _h = (${hh} >>> _s) | 0;`
        : `_l = (${l} >>> _s) | (${hh} << (32 - _s)); _h = ${hh} >> _s;`;
    const big = kind === 'sll' ? `_l = 0; _h = ${l} << (_s - 32);`
      : kind === 'srl' ? `_l = (${hh} >>> (_s - 32)) | 0; _h = 0;`
        : `_l = ${hh} >> (_s - 32); _h = ${hh} >> 31;`;
    return `_s = ${b[0]} & 63; if (_s === 0) { _l = ${l}; _h = ${hh}; } else if (_s < 32) { ${small} } else { ${big} } ${set(c, '_l', '_h')}`;
  };
}

function alu(f: (a: [string, string], b: [string, string]) => [string, string]): (c: InsnCtx) => string {
  return (c) => { const [lo, hi] = f(src(c, c.op.rs1), src(c, c.op.rs2)); return `_l = ${lo}; _h = ${hi}; ${set(c, '_l', '_h')}`; };
}

function aluImm(f: (a: [string, string], imm: number) => [string, string]): (c: InsnCtx) => string {
  return (c) => { const [lo, hi] = f(src(c, c.op.rs1), c.op.imm); return `_l = ${lo}; _h = ${hi}; ${set(c, '_l', '_h')}`; };
}

/** 32-bit result sign-extended (the W instructions). */
function word(f: (a: string, b: string) => string): (c: InsnCtx) => string {
  return (c) => { const d = dst(c); const e = f(src(c, c.op.rs1)[0], src(c, c.op.rs2)[0]); return d ? `${d[0]} = ${e}; ${d[1]} = ${d[0]} >> 31;` : ''; };
}
function wordImm(f: (a: string, imm: number) => string): (c: InsnCtx) => string {
  return (c) => { const d = dst(c); const e = f(src(c, c.op.rs1)[0], c.op.imm); return d ? `${d[0]} = ${e}; ${d[1]} = ${d[0]} >> 31;` : ''; };
}

function mulHelper(fn: string): (c: InsnCtx) => string {
  return (c) => {
    const a = src(c, c.op.rs1), b = src(c, c.op.rs2);
    return `_l = ${fn}(${a[0]}, ${a[1]}, ${b[0]}, ${b[1]}); ${set(c, '_l', 'HI[0]')}`;
  };
}

const lt = (a: [string, string], bl: string, bh: string): string => `(${a[1]} < ${bh} || (${a[1]} === ${bh} && (${a[0]} >>> 0) < (${bl} >>> 0))) | 0`;
const ltu = (a: [string, string], bl: string, bh: string): string => `((${a[1]} >>> 0) < (${bh} >>> 0) || (${a[1]} === ${bh} && (${a[0]} >>> 0) < (${bl} >>> 0))) | 0`;

/** Native emitters by mnemonic; the rest become helper calls. */
export const NATIVE: Record<string, (c: InsnCtx) => string> = {
  lui: (c) => set(c, k(c.op.imm), String(c.op.imm >> 31)),
  auipc: (c) => { const [l, hh] = addConst(c.pcLo, c.pcHi, c.op.imm); return set(c, k(l), k(hh)); },
  jal: (c) => {
    const [tl, th] = addConst(c.pcLo, c.pcHi, c.op.imm);
    // Inside a trace the block goes on at the target: only the link is written.
    if (c.i !== c.n - 1) return set(c, k(c.nextLo), k(c.nextHi));
    return `${set(c, k(c.nextLo), k(c.nextHi))} ${jumpStatic(c, tl, th)}`;
  },
  jalr: (c) => `${ea(c)} _l &= -2; ${set(c, k(c.nextLo), k(c.nextHi))} ${exitTo(c, '_l', '_h')}`,
  beq: branch('beq'), bne: branch('bne'), blt: branch('blt'), bge: branch('bge'), bltu: branch('bltu'), bgeu: branch('bgeu'),
  lb: load(1, 's'), lbu: load(1, 'u'), lh: load(2, 's'), lhu: load(2, 'u'), lw: load(4, 's'), lwu: load(4, 'u'), ld: load(8, 's'),
  sb: store(1), sh: store(2), sw: store(4), sd: store(8),
  addi: (c) => {
    if (c.op.imm === 0) { const a = src(c, c.op.rs1); return set(c, a[0], a[1]); }
    return `${ea(c)} ${set(c, '_l', '_h')}`;
  },
  slti: aluImm((a, imm) => [lt(a, k(imm), String(imm >> 31)), '0']),
  sltiu: aluImm((a, imm) => [ltu(a, k(imm), String(imm >> 31)), '0']),
  xori: aluImm((a, imm) => [`${a[0]} ^ ${k(imm)}`, imm < 0 ? `~${a[1]}` : a[1]]),
  ori: aluImm((a, imm) => [`${a[0]} | ${k(imm)}`, imm < 0 ? '-1' : a[1]]),
  andi: aluImm((a, imm) => [`${a[0]} & ${k(imm)}`, imm < 0 ? a[1] : '0']),
  slli: shiftImm('sll'), srli: shiftImm('srl'), srai: shiftImm('sra'),
  add: alu((a, b) => [`(${a[0]} + ${b[0]}) | 0`, `(${a[1]} + ${b[1]} + (((_l >>> 0) < (${a[0]} >>> 0)) | 0)) | 0`]),
  sub: alu((a, b) => [`(${a[0]} - ${b[0]}) | 0`, `(${a[1]} - ${b[1]} - (((${a[0]} >>> 0) < (${b[0]} >>> 0)) | 0)) | 0`]),
  sll: shiftReg('sll'), srl: shiftReg('srl'), sra: shiftReg('sra'),
  slt: alu((a, b) => [lt(a, b[0], b[1]), '0']),
  sltu: alu((a, b) => [ltu(a, b[0], b[1]), '0']),
  xor: alu((a, b) => [`${a[0]} ^ ${b[0]}`, `${a[1]} ^ ${b[1]}`]),
  or: alu((a, b) => [`${a[0]} | ${b[0]}`, `${a[1]} | ${b[1]}`]),
  and: alu((a, b) => [`${a[0]} & ${b[0]}`, `${a[1]} & ${b[1]}`]),
  addiw: wordImm((a, imm) => `(${a} + ${k(imm)}) | 0`),
  slliw: wordImm((a, sh) => `${a} << ${sh}`),
  srliw: wordImm((a, sh) => `(${a} >>> ${sh}) | 0`),
  sraiw: wordImm((a, sh) => `${a} >> ${sh}`),
  addw: word((a, b) => `(${a} + ${b}) | 0`),
  subw: word((a, b) => `(${a} - ${b}) | 0`),
  // JS masks shift counts to 5 bits, as the W shifts do.
  sllw: word((a, b) => `${a} << ${b}`),
  srlw: word((a, b) => `(${a} >>> ${b}) | 0`),
  sraw: word((a, b) => `${a} >> ${b}`),
  mulw: word((a, b) => `Math.imul(${a}, ${b})`),
  // Low half exact from Math.imul; the high word of the 32×32 product from the double product,
  // whose rounding error (< 2^12) is far below the 2^32 step that Math.round recovers.
  mul: (c) => {
    const a = src(c, c.op.rs1), b = src(c, c.op.rs2);
    return `_l = Math.imul(${a[0]}, ${b[0]}); _h = (Math.round(((${a[0]} >>> 0) * (${b[0]} >>> 0) - (_l >>> 0)) / 4294967296) + Math.imul(${a[0]}, ${b[1]}) + Math.imul(${a[1]}, ${b[0]})) | 0; ${set(c, '_l', '_h')}`;
  }, mulh: mulHelper('mulh'), mulhsu: mulHelper('mulhsu'), mulhu: mulHelper('mulhu'),
  div: mulHelper('div'), divu: mulHelper('divu'), rem: mulHelper('rem'), remu: mulHelper('remu'),
  // The W divisions in doubles: exact for 32-bit operands; zero divisors and overflow as the spec's table.
  divw: word((a, b) => `(${b} === 0 ? -1 : (${a} === -2147483648 && ${b} === -1) ? ${a} : (${a} / ${b}) | 0)`),
  divuw: word((a, b) => `(${b} === 0 ? -1 : ((${a} >>> 0) / (${b} >>> 0)) | 0)`),
  remw: word((a, b) => `(${b} === 0 ? ${a} : (${a} === -2147483648 && ${b} === -1) ? 0 : (${a} % ${b}) | 0)`),
  remuw: word((a, b) => `(${b} === 0 ? ${a} : ((${a} >>> 0) % (${b} >>> 0)) | 0)`),
  fence: () => '', 'fence.tso': () => '', pause: () => '',
};

/**
 * Any other instruction: flush the registers the block has written, set pc and retired as the
 * interpreter would, call the table entry's semantic function with the decoded op, reload its
 * destination, and leave the block if it raised an event (a trap, a jump, EV_BREAK).
 */
export function emitHelper(c: InsnCtx, flush: string): string {
  // The semantics may write rd (only rd among the x registers): it counts as written here, so the
  // local is loaded on entry, reloaded after the call and stored on exit.
  const d = c.op.rd === X_SCRATCH ? 0 : c.op.rd;
  if (d !== 0) c.writes.add(d);
  const reload = d !== 0 ? `${regLo(d)} = x[${2 * d}]; ${regHi(d)} = x[${2 * d + 1}]; ` : '';
  return `${flush}h.pcLo = ${k(c.pcLo)}; h.pcHi = ${k(c.pcHi)}; h.retired = ${retiredAt(c)};
    S${c.helperId}(h, O${c.helperId}); ${reload}if (h.event !== 0) { tl = ${k(c.nextLo)}; th = ${k(c.nextHi)}; ex = ${-(c.i + 1)}; break body; }`;
}
