// RV64I semantics (unprivileged spec, "RV32I Base Integer Instruction Set" and "RV64I").
// Registers are int32 halves: x[2r] low, x[2r+1] high. Each function reads its sources before it
// writes rd, so rd may equal a source. `c = ((lo >>> 0) < (a >>> 0)) as unknown as number` is a
// branchless carry (a ?: would make V8 branch).
import type { ExecFn, Op } from '../op';
import { EV_JUMP, EV_BREAK, type Hart } from '../hart';
import { sll64, srl64, sra64, hi64 } from '../../../common/u64';

type Table = Record<string, ExecFn>;

const carry = (lo: number, a: number): number => (((lo >>> 0) < (a >>> 0)) as unknown as number);

/** Effective address rs1 + imm; returns the low half, high half in `eaHi`. */
let eaHi = 0;
function ea(x: Int32Array, rs1: number, imm: number): number {
  const a = x[rs1 << 1];
  const lo = (a + imm) | 0;
  eaHi = (x[(rs1 << 1) + 1] + (imm >> 31) + carry(lo, a)) | 0;
  return lo;
}

/** Jumps to pc + imm (taken branches, JAL). */
function jumpRel(h: Hart, imm: number): void {
  const lo = (h.pcLo + imm) | 0;
  h.pcHi = (h.pcHi + (imm >> 31) + carry(lo, h.pcLo)) | 0;
  h.pcLo = lo;
  h.event |= EV_JUMP;
}

/** Writes pc + len (the return address) to rd. */
function link(h: Hart, op: Op): void {
  const d = op.rd << 1;
  const lo = (h.pcLo + op.len) | 0;
  h.x[d + 1] = (h.pcHi + carry(lo, h.pcLo)) | 0;
  h.x[d] = lo;
}

export const base: Table = {
  lui(h, op) { const d = op.rd << 1; h.x[d] = op.imm; h.x[d + 1] = op.imm >> 31; },
  auipc(h, op) {
    const lo = (h.pcLo + op.imm) | 0;
    const d = op.rd << 1;
    h.x[d + 1] = (h.pcHi + (op.imm >> 31) + carry(lo, h.pcLo)) | 0;
    h.x[d] = lo;
  },
  jal(h, op) {
    link(h, op);
    jumpRel(h, op.imm);
  },
  jalr(h, op) {
    const lo = ea(h.x, op.rs1, op.imm) & ~1; // read rs1 before rd is written
    const hi = eaHi;
    link(h, op);
    h.pcLo = lo; h.pcHi = hi;
    h.event |= EV_JUMP;
  },

  beq(h, op) { const x = h.x, a = op.rs1 << 1, b = op.rs2 << 1; if (x[a] === x[b] && x[a + 1] === x[b + 1]) jumpRel(h, op.imm); },
  bne(h, op) { const x = h.x, a = op.rs1 << 1, b = op.rs2 << 1; if (x[a] !== x[b] || x[a + 1] !== x[b + 1]) jumpRel(h, op.imm); },
  blt(h, op) {
    const x = h.x, a = op.rs1 << 1, b = op.rs2 << 1;
    const ah = x[a + 1], bh = x[b + 1];
    if (ah < bh || (ah === bh && (x[a] >>> 0) < (x[b] >>> 0))) jumpRel(h, op.imm);
  },
  bge(h, op) {
    const x = h.x, a = op.rs1 << 1, b = op.rs2 << 1;
    const ah = x[a + 1], bh = x[b + 1];
    if (ah > bh || (ah === bh && (x[a] >>> 0) >= (x[b] >>> 0))) jumpRel(h, op.imm);
  },
  bltu(h, op) {
    const x = h.x, a = op.rs1 << 1, b = op.rs2 << 1;
    const ah = x[a + 1] >>> 0, bh = x[b + 1] >>> 0;
    if (ah < bh || (ah === bh && (x[a] >>> 0) < (x[b] >>> 0))) jumpRel(h, op.imm);
  },
  bgeu(h, op) {
    const x = h.x, a = op.rs1 << 1, b = op.rs2 << 1;
    const ah = x[a + 1] >>> 0, bh = x[b + 1] >>> 0;
    if (ah > bh || (ah === bh && (x[a] >>> 0) >= (x[b] >>> 0))) jumpRel(h, op.imm);
  },

  // Loads: a faulting load leaves rd unchanged.
  lb(h, op) { const lo = ea(h.x, op.rs1, op.imm); const v = h.load8(lo, eaHi); if (h.exc >= 0) return; const d = op.rd << 1; h.x[d] = (v << 24) >> 24; h.x[d + 1] = h.x[d] >> 31; },
  lbu(h, op) { const lo = ea(h.x, op.rs1, op.imm); const v = h.load8(lo, eaHi); if (h.exc >= 0) return; const d = op.rd << 1; h.x[d] = v & 0xff; h.x[d + 1] = 0; },
  lh(h, op) { const lo = ea(h.x, op.rs1, op.imm); const v = h.load16(lo, eaHi); if (h.exc >= 0) return; const d = op.rd << 1; h.x[d] = (v << 16) >> 16; h.x[d + 1] = h.x[d] >> 31; },
  lhu(h, op) { const lo = ea(h.x, op.rs1, op.imm); const v = h.load16(lo, eaHi); if (h.exc >= 0) return; const d = op.rd << 1; h.x[d] = v & 0xffff; h.x[d + 1] = 0; },
  lw(h, op) { const lo = ea(h.x, op.rs1, op.imm); const v = h.load32(lo, eaHi); if (h.exc >= 0) return; const d = op.rd << 1; h.x[d] = v; h.x[d + 1] = v >> 31; },
  lwu(h, op) { const lo = ea(h.x, op.rs1, op.imm); const v = h.load32(lo, eaHi); if (h.exc >= 0) return; const d = op.rd << 1; h.x[d] = v; h.x[d + 1] = 0; },
  ld(h, op) { const lo = ea(h.x, op.rs1, op.imm); const v = h.load64(lo, eaHi); if (h.exc >= 0) return; const d = op.rd << 1; h.x[d] = v; h.x[d + 1] = h.hi; },

  sb(h, op) { const lo = ea(h.x, op.rs1, op.imm); h.store8(lo, eaHi, h.x[op.rs2 << 1] & 0xff); },
  sh(h, op) { const lo = ea(h.x, op.rs1, op.imm); h.store16(lo, eaHi, h.x[op.rs2 << 1] & 0xffff); },
  sw(h, op) { const lo = ea(h.x, op.rs1, op.imm); h.store32(lo, eaHi, h.x[op.rs2 << 1]); },
  sd(h, op) { const lo = ea(h.x, op.rs1, op.imm); const s = op.rs2 << 1; h.store64(lo, eaHi, h.x[s], h.x[s + 1]); },

  addi(h, op) {
    const x = h.x, a = op.rs1 << 1, d = op.rd << 1;
    const al = x[a], lo = (al + op.imm) | 0;
    x[d + 1] = (x[a + 1] + (op.imm >> 31) + carry(lo, al)) | 0;
    x[d] = lo;
  },
  slti(h, op) {
    const x = h.x, a = op.rs1 << 1, d = op.rd << 1;
    const ah = x[a + 1], ih = op.imm >> 31;
    x[d] = (ah < ih || (ah === ih && (x[a] >>> 0) < (op.imm >>> 0))) ? 1 : 0; x[d + 1] = 0;
  },
  sltiu(h, op) {
    const x = h.x, a = op.rs1 << 1, d = op.rd << 1;
    const ah = x[a + 1] >>> 0, ih = (op.imm >> 31) >>> 0;
    x[d] = (ah < ih || (ah === ih && (x[a] >>> 0) < (op.imm >>> 0))) ? 1 : 0; x[d + 1] = 0;
  },
  xori(h, op) { const x = h.x, a = op.rs1 << 1, d = op.rd << 1; x[d + 1] = x[a + 1] ^ (op.imm >> 31); x[d] = x[a] ^ op.imm; },
  ori(h, op) { const x = h.x, a = op.rs1 << 1, d = op.rd << 1; x[d + 1] = x[a + 1] | (op.imm >> 31); x[d] = x[a] | op.imm; },
  andi(h, op) { const x = h.x, a = op.rs1 << 1, d = op.rd << 1; x[d + 1] = x[a + 1] & (op.imm >> 31); x[d] = x[a] & op.imm; },
  slli(h, op) { const x = h.x, a = op.rs1 << 1, d = op.rd << 1; x[d] = sll64(x[a], x[a + 1], op.imm); x[d + 1] = hi64; },
  srli(h, op) { const x = h.x, a = op.rs1 << 1, d = op.rd << 1; x[d] = srl64(x[a], x[a + 1], op.imm); x[d + 1] = hi64; },
  srai(h, op) { const x = h.x, a = op.rs1 << 1, d = op.rd << 1; x[d] = sra64(x[a], x[a + 1], op.imm); x[d + 1] = hi64; },

  add(h, op) {
    const x = h.x, a = op.rs1 << 1, b = op.rs2 << 1, d = op.rd << 1;
    const al = x[a], lo = (al + x[b]) | 0;
    x[d + 1] = (x[a + 1] + x[b + 1] + carry(lo, al)) | 0;
    x[d] = lo;
  },
  sub(h, op) {
    const x = h.x, a = op.rs1 << 1, b = op.rs2 << 1, d = op.rd << 1;
    const al = x[a], bl = x[b];
    x[d + 1] = (x[a + 1] - x[b + 1] - (((al >>> 0) < (bl >>> 0)) as unknown as number)) | 0;
    x[d] = (al - bl) | 0;
  },
  sll(h, op) { const x = h.x, a = op.rs1 << 1, d = op.rd << 1; x[d] = sll64(x[a], x[a + 1], x[op.rs2 << 1] & 63); x[d + 1] = hi64; },
  srl(h, op) { const x = h.x, a = op.rs1 << 1, d = op.rd << 1; x[d] = srl64(x[a], x[a + 1], x[op.rs2 << 1] & 63); x[d + 1] = hi64; },
  sra(h, op) { const x = h.x, a = op.rs1 << 1, d = op.rd << 1; x[d] = sra64(x[a], x[a + 1], x[op.rs2 << 1] & 63); x[d + 1] = hi64; },
  slt(h, op) {
    const x = h.x, a = op.rs1 << 1, b = op.rs2 << 1, d = op.rd << 1;
    const ah = x[a + 1], bh = x[b + 1];
    x[d] = (ah < bh || (ah === bh && (x[a] >>> 0) < (x[b] >>> 0))) ? 1 : 0; x[d + 1] = 0;
  },
  sltu(h, op) {
    const x = h.x, a = op.rs1 << 1, b = op.rs2 << 1, d = op.rd << 1;
    const ah = x[a + 1] >>> 0, bh = x[b + 1] >>> 0;
    x[d] = (ah < bh || (ah === bh && (x[a] >>> 0) < (x[b] >>> 0))) ? 1 : 0; x[d + 1] = 0;
  },
  xor(h, op) { const x = h.x, a = op.rs1 << 1, b = op.rs2 << 1, d = op.rd << 1; x[d] = x[a] ^ x[b]; x[d + 1] = x[a + 1] ^ x[b + 1]; },
  or(h, op) { const x = h.x, a = op.rs1 << 1, b = op.rs2 << 1, d = op.rd << 1; x[d] = x[a] | x[b]; x[d + 1] = x[a + 1] | x[b + 1]; },
  and(h, op) { const x = h.x, a = op.rs1 << 1, b = op.rs2 << 1, d = op.rd << 1; x[d] = x[a] & x[b]; x[d + 1] = x[a + 1] & x[b + 1]; },

  // RV64I word operations: 32-bit result sign-extended to 64 bits.
  addiw(h, op) { const x = h.x, d = op.rd << 1; const v = (x[op.rs1 << 1] + op.imm) | 0; x[d] = v; x[d + 1] = v >> 31; },
  slliw(h, op) { const x = h.x, d = op.rd << 1; const v = x[op.rs1 << 1] << op.imm; x[d] = v; x[d + 1] = v >> 31; },
  srliw(h, op) { const x = h.x, d = op.rd << 1; const v = (x[op.rs1 << 1] >>> op.imm) | 0; x[d] = v; x[d + 1] = v >> 31; },
  sraiw(h, op) { const x = h.x, d = op.rd << 1; const v = x[op.rs1 << 1] >> op.imm; x[d] = v; x[d + 1] = v >> 31; },
  addw(h, op) { const x = h.x, d = op.rd << 1; const v = (x[op.rs1 << 1] + x[op.rs2 << 1]) | 0; x[d] = v; x[d + 1] = v >> 31; },
  subw(h, op) { const x = h.x, d = op.rd << 1; const v = (x[op.rs1 << 1] - x[op.rs2 << 1]) | 0; x[d] = v; x[d + 1] = v >> 31; },
  sllw(h, op) { const x = h.x, d = op.rd << 1; const v = x[op.rs1 << 1] << (x[op.rs2 << 1] & 31); x[d] = v; x[d + 1] = v >> 31; },
  srlw(h, op) { const x = h.x, d = op.rd << 1; const v = (x[op.rs1 << 1] >>> (x[op.rs2 << 1] & 31)) | 0; x[d] = v; x[d + 1] = v >> 31; },
  sraw(h, op) { const x = h.x, d = op.rd << 1; const v = x[op.rs1 << 1] >> (x[op.rs2 << 1] & 31); x[d] = v; x[d + 1] = v >> 31; },

  // Memory ordering: a single-threaded interpreter is sequentially consistent; the code cache is
  // kept coherent with stores, so FENCE.I has nothing left to do (Zifencei).
  fence() { /* nothing to order */ },
  'fence.tso'() { /* nothing to order */ },
  pause() { /* Zihintpause: a hint */ },
  // Stores already dropped stale decoded code; leaving the loop makes the fetch look again.
  'fence.i'(h) { h.event |= EV_BREAK; },
};
