// The one instruction table (ARCHITECTURE.md §6): every RV64GC+H instruction once, as a
// mask/match pair over the 32-bit word (compressed instructions are expanded first, see
// compressed.ts). Field layouts are from the unprivileged ISA manual ("RV32/64G Instruction Set
// Listings") and the privileged manual (supervisor and hypervisor chapters).
//
// Order matters only where encodings overlap; decode tries entries of a major opcode in table
// order. PAUSE (Zihintpause) has no entry of its own: it is the FENCE encoding with pred=W,
// succ=0, fm=0 and executes as a FENCE (a HINT), so it decodes as `fence`; disasm.ts prints it as
// `pause`, as objdump does. FENCE.TSO likewise decodes as `fence` (fm=1000) and prints `fence.tso`.

import type { Format, InsnSpec } from './types';

interface Row { name: string; mask: number; match: number; fmt: Format; ext: string }

const rows: Row[] = [];

function add(name: string, mask: number, match: number, fmt: Format, ext: string): void {
  rows.push({ name, mask: mask | 0, match: match | 0, fmt, ext });
}

// Field placement helpers.
const OPC = 0x7f;
const F3 = 0x7000;
const F7 = 0xfe000000 | 0;
const RS2 = 0x1f00000;
const RD = 0xf80;
const f3 = (v: number): number => v << 12;
const f7 = (v: number): number => (v << 25) | 0;
const rs2v = (v: number): number => v << 20;

// ---- RV64I ----
add('lui', OPC, 0x37, 'U', 'I');
add('auipc', OPC, 0x17, 'U', 'I');
add('jal', OPC, 0x6f, 'J', 'I');
add('jalr', OPC | F3, 0x67, 'JALR', 'I');
(['beq', 'bne', '', '', 'blt', 'bge', 'bltu', 'bgeu'] as const).forEach((n, i) => {
  if (n) add(n, OPC | F3, 0x63 | f3(i), 'B', 'I');
});
(['lb', 'lh', 'lw', 'ld', 'lbu', 'lhu', 'lwu'] as const).forEach((n, i) => add(n, OPC | F3, 0x03 | f3(i), 'LOAD', 'I'));
(['sb', 'sh', 'sw', 'sd'] as const).forEach((n, i) => add(n, OPC | F3, 0x23 | f3(i), 'STORE', 'I'));
add('addi', OPC | F3, 0x13 | f3(0), 'I', 'I');
add('slti', OPC | F3, 0x13 | f3(2), 'I', 'I');
add('sltiu', OPC | F3, 0x13 | f3(3), 'I', 'I');
add('xori', OPC | F3, 0x13 | f3(4), 'I', 'I');
add('ori', OPC | F3, 0x13 | f3(6), 'I', 'I');
add('andi', OPC | F3, 0x13 | f3(7), 'I', 'I');
// RV64 shifts: imm[11:6] is a funct6 (shamt is 6 bits).
add('slli', OPC | F3 | 0xfc000000, 0x13 | f3(1), 'SH6', 'I');
add('srli', OPC | F3 | 0xfc000000, 0x13 | f3(5), 'SH6', 'I');
add('srai', OPC | F3 | 0xfc000000, 0x13 | f3(5) | 0x40000000, 'SH6', 'I');
const rtype: [string, number, number][] = [
  ['add', 0, 0], ['sub', 0, 0x20], ['sll', 1, 0], ['slt', 2, 0], ['sltu', 3, 0], ['xor', 4, 0],
  ['srl', 5, 0], ['sra', 5, 0x20], ['or', 6, 0], ['and', 7, 0],
];
for (const [n, a, b] of rtype) add(n, OPC | F3 | F7, 0x33 | f3(a) | f7(b), 'R', 'I');
add('addiw', OPC | F3, 0x1b, 'I', 'I');
add('slliw', OPC | F3 | F7, 0x1b | f3(1), 'SH5', 'I');
add('srliw', OPC | F3 | F7, 0x1b | f3(5), 'SH5', 'I');
add('sraiw', OPC | F3 | F7, 0x1b | f3(5) | f7(0x20), 'SH5', 'I');
const rwtype: [string, number, number][] = [['addw', 0, 0], ['subw', 0, 0x20], ['sllw', 1, 0], ['srlw', 5, 0], ['sraw', 5, 0x20]];
for (const [n, a, b] of rwtype) add(n, OPC | F3 | F7, 0x3b | f3(a) | f7(b), 'R', 'I');
// FENCE: rd and rs1 are reserved for finer-grained fences and ignored (§2.7 "Memory Ordering
// Instructions"); fm=1000 with pred=succ=RW is FENCE.TSO, other fm values execute as FENCE.
add('fence', OPC | F3, 0x0f, 'FENCE', 'I');
add('ecall', -1, 0x00000073, 'NONE', 'I');
add('ebreak', -1, 0x00100073, 'NONE', 'I');

// ---- Zifencei: imm, rs1 and rd are reserved and ignored ----
add('fence.i', OPC | F3, 0x0f | f3(1), 'NONE', 'Zifencei');

// ---- M ----
(['mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu'] as const).forEach((n, i) =>
  add(n, OPC | F3 | F7, 0x33 | f3(i) | f7(1), 'R', 'M'));
([['mulw', 0], ['divw', 4], ['divuw', 5], ['remw', 6], ['remuw', 7]] as const).forEach(([n, i]) =>
  add(n, OPC | F3 | F7, 0x3b | f3(i) | f7(1), 'R', 'M'));

// ---- A ----  funct5 in bits 31:27, aq/rl in 26:25.
const F5 = 0xf8000000 | 0;
const amo: [string, number][] = [
  ['sc', 0x03], ['amoswap', 0x01], ['amoadd', 0x00], ['amoxor', 0x04], ['amoand', 0x0c], ['amoor', 0x08],
  ['amomin', 0x10], ['amomax', 0x14], ['amominu', 0x18], ['amomaxu', 0x1c],
];
for (const [w, fn3] of [['w', 2], ['d', 3]] as const) {
  add(`lr.${w}`, OPC | F3 | F5 | RS2, 0x2f | f3(fn3) | (0x02 << 27), 'LR', 'A');
  for (const [n, fn5] of amo) add(`${n}.${w}`, OPC | F3 | F5, 0x2f | f3(fn3) | ((fn5 << 27) | 0), 'AMO', 'A');
}

// ---- F and D ----  fmt in bits 26:25: 00 = S, 01 = D.
for (const [s, fmt, ext, w] of [['s', 0, 'F', 2], ['d', 1, 'D', 3]] as const) {
  add(s === 's' ? 'flw' : 'fld', OPC | F3, 0x07 | f3(w), 'FLOAD', ext);
  add(s === 's' ? 'fsw' : 'fsd', OPC | F3, 0x27 | f3(w), 'FSTORE', ext);
  const fm2 = fmt << 25;
  add(`fmadd.${s}`, OPC | 0x06000000, 0x43 | fm2, 'R4', ext);
  add(`fmsub.${s}`, OPC | 0x06000000, 0x47 | fm2, 'R4', ext);
  add(`fnmsub.${s}`, OPC | 0x06000000, 0x4b | fm2, 'R4', ext);
  add(`fnmadd.${s}`, OPC | 0x06000000, 0x4f | fm2, 'R4', ext);
  const op = (hi5: number): number => 0x53 | f7((hi5 << 2) | fmt);
  add(`fadd.${s}`, OPC | F7, op(0x00), 'RF', ext);
  add(`fsub.${s}`, OPC | F7, op(0x01), 'RF', ext);
  add(`fmul.${s}`, OPC | F7, op(0x02), 'RF', ext);
  add(`fdiv.${s}`, OPC | F7, op(0x03), 'RF', ext);
  add(`fsqrt.${s}`, OPC | F7 | RS2, op(0x0b), 'R1F', ext);
  add(`fsgnj.${s}`, OPC | F7 | F3, op(0x04) | f3(0), 'R', ext);
  add(`fsgnjn.${s}`, OPC | F7 | F3, op(0x04) | f3(1), 'R', ext);
  add(`fsgnjx.${s}`, OPC | F7 | F3, op(0x04) | f3(2), 'R', ext);
  add(`fmin.${s}`, OPC | F7 | F3, op(0x05) | f3(0), 'R', ext);
  add(`fmax.${s}`, OPC | F7 | F3, op(0x05) | f3(1), 'R', ext);
  if (s === 's') add('fcvt.s.d', OPC | F7 | RS2, 0x53 | f7(0x20) | rs2v(1), 'R1F', 'D');
  else add('fcvt.d.s', OPC | F7 | RS2, 0x53 | f7(0x21) | rs2v(0), 'R1F', 'D');
  add(`feq.${s}`, OPC | F7 | F3, op(0x14) | f3(2), 'R', ext);
  add(`flt.${s}`, OPC | F7 | F3, op(0x14) | f3(1), 'R', ext);
  add(`fle.${s}`, OPC | F7 | F3, op(0x14) | f3(0), 'R', ext);
  add(`fclass.${s}`, OPC | F7 | F3 | RS2, op(0x1c) | f3(1), 'R1', ext);
  (['w', 'wu', 'l', 'lu'] as const).forEach((i, k) => {
    add(`fcvt.${i}.${s}`, OPC | F7 | RS2, op(0x18) | rs2v(k), 'R1F', ext);
  });
  (['w', 'wu', 'l', 'lu'] as const).forEach((i, k) => {
    add(`fcvt.${s}.${i}`, OPC | F7 | RS2, op(0x1a) | rs2v(k), 'R1F', ext);
  });
  add(s === 's' ? 'fmv.x.w' : 'fmv.x.d', OPC | F7 | F3 | RS2, op(0x1c), 'R1', ext);
  add(s === 's' ? 'fmv.w.x' : 'fmv.d.x', OPC | F7 | F3 | RS2, op(0x1e), 'R1', ext);
}

// ---- Zicsr ----
(['', 'csrrw', 'csrrs', 'csrrc', '', 'csrrwi', 'csrrsi', 'csrrci'] as const).forEach((n, i) => {
  if (n) add(n, OPC | F3, 0x73 | f3(i), i < 4 ? 'CSR' : 'CSRI', 'Zicsr');
});

// ---- Privileged ----
add('sret', -1, 0x10200073, 'NONE', 'priv');
add('mret', -1, 0x30200073, 'NONE', 'priv');
add('wfi', -1, 0x10500073, 'NONE', 'priv');
add('sfence.vma', F7 | F3 | RD | OPC, 0x12000073, 'SFENCE', 'priv');

// ---- H (privileged manual, "Hypervisor Extension"): SYSTEM opcode, funct3 = 000 / 100 ----
add('hfence.vvma', F7 | F3 | RD | OPC, 0x22000073, 'SFENCE', 'H');
add('hfence.gvma', F7 | F3 | RD | OPC, 0x62000073, 'SFENCE', 'H');
const hlv: [string, number, number][] = [
  ['hlv.b', 0x30, 0], ['hlv.bu', 0x30, 1], ['hlv.h', 0x32, 0], ['hlv.hu', 0x32, 1], ['hlvx.hu', 0x32, 3],
  ['hlv.w', 0x34, 0], ['hlv.wu', 0x34, 1], ['hlvx.wu', 0x34, 3], ['hlv.d', 0x36, 0],
];
for (const [n, fn7, r2] of hlv) add(n, F7 | RS2 | F3 | OPC, f7(fn7) | rs2v(r2) | f3(4) | 0x73, 'HLV', 'H');
const hsv: [string, number][] = [['hsv.b', 0x31], ['hsv.h', 0x33], ['hsv.w', 0x35], ['hsv.d', 0x37]];
for (const [n, fn7] of hsv) add(n, F7 | F3 | RD | OPC, f7(fn7) | f3(4) | 0x73, 'HSV', 'H');

/** Every implemented instruction; `ENCODINGS[i].id === i`. */
export const ENCODINGS: readonly InsnSpec[] = Object.freeze(
  rows.map((r, id) => Object.freeze({ name: r.name, mask: r.mask, match: r.match, fmt: r.fmt, ext: r.ext, id })),
);

/** Looks an entry up by mnemonic (for semantics tables and tests). */
export function specByName(name: string): InsnSpec | undefined {
  return byName.get(name);
}
const byName = new Map(ENCODINGS.map((s) => [s.name, s]));
