// A tiny RV64 assembler for hart tests: encodes the few instruction formats the tests need, with
// labels for branches and jumps. Written from the unprivileged spec's "Base Instruction Formats"
// and "Immediate Encoding Variants"; registers are numbers (x0..x31).

export const R = {
  zero: 0, ra: 1, sp: 2, gp: 3, tp: 4, t0: 5, t1: 6, t2: 7, s0: 8, s1: 9,
  a0: 10, a1: 11, a2: 12, a3: 13, a4: 14, a5: 15, a6: 16, a7: 17,
  s2: 18, s3: 19, s4: 20, s5: 21, s6: 22, s7: 23, s8: 24, s9: 25, s10: 26, s11: 27, t3: 28, t4: 29, t5: 30, t6: 31,
} as const;

const rType = (f7: number, rs2: number, rs1: number, f3: number, rd: number, op: number): number =>
  ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) | 0;
const iType = (imm: number, rs1: number, f3: number, rd: number, op: number): number =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) | 0;
const sType = (imm: number, rs2: number, rs1: number, f3: number, op: number): number =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 0x1f) << 7) | op) | 0;
const bType = (imm: number, rs2: number, rs1: number, f3: number): number =>
  ((((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12)
    | (((imm >> 1) & 0xf) << 8) | (((imm >> 11) & 1) << 7) | 0x63) | 0;
const jType = (imm: number, rd: number): number =>
  ((((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3ff) << 21) | (((imm >> 11) & 1) << 20)
    | (((imm >> 12) & 0xff) << 12) | (rd << 7) | 0x6f) | 0;

/** Single instructions (no labels). */
export const I = {
  addi: (rd: number, rs1: number, imm: number) => iType(imm, rs1, 0, rd, 0x13),
  slli: (rd: number, rs1: number, sh: number) => iType(sh & 63, rs1, 1, rd, 0x13),
  add: (rd: number, rs1: number, rs2: number) => rType(0, rs2, rs1, 0, rd, 0x33),
  sub: (rd: number, rs1: number, rs2: number) => rType(0x20, rs2, rs1, 0, rd, 0x33),
  lui: (rd: number, imm20: number) => (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x37) | 0,
  lb: (rd: number, rs1: number, imm: number) => iType(imm, rs1, 0, rd, 0x03),
  lh: (rd: number, rs1: number, imm: number) => iType(imm, rs1, 1, rd, 0x03),
  lw: (rd: number, rs1: number, imm: number) => iType(imm, rs1, 2, rd, 0x03),
  ld: (rd: number, rs1: number, imm: number) => iType(imm, rs1, 3, rd, 0x03),
  sb: (rs2: number, rs1: number, imm: number) => sType(imm, rs2, rs1, 0, 0x23),
  sh: (rs2: number, rs1: number, imm: number) => sType(imm, rs2, rs1, 1, 0x23),
  sw: (rs2: number, rs1: number, imm: number) => sType(imm, rs2, rs1, 2, 0x23),
  sd: (rs2: number, rs1: number, imm: number) => sType(imm, rs2, rs1, 3, 0x23),
  jalr: (rd: number, rs1: number, imm: number) => iType(imm, rs1, 0, rd, 0x67),
  csrrw: (rd: number, csr: number, rs1: number) => iType(csr, rs1, 1, rd, 0x73),
  csrrs: (rd: number, csr: number, rs1: number) => iType(csr, rs1, 2, rd, 0x73),
  csrrc: (rd: number, csr: number, rs1: number) => iType(csr, rs1, 3, rd, 0x73),
  csrrwi: (rd: number, csr: number, uimm: number) => iType(csr, uimm, 5, rd, 0x73),
  csrrsi: (rd: number, csr: number, uimm: number) => iType(csr, uimm, 6, rd, 0x73),
  csrrci: (rd: number, csr: number, uimm: number) => iType(csr, uimm, 7, rd, 0x73),
  csrr: (rd: number, csr: number) => iType(csr, 0, 2, rd, 0x73),
  csrw: (csr: number, rs1: number) => iType(csr, rs1, 1, 0, 0x73),
  ecall: () => 0x00000073,
  ebreak: () => 0x00100073,
  mret: () => 0x30200073,
  sret: () => 0x10200073,
  wfi: () => 0x10500073,
  sfenceVma: (rs1 = 0, rs2 = 0) => rType(0x09, rs2, rs1, 0, 0, 0x73),
  fenceI: () => 0x0000100f,
  nop: () => iType(0, 0, 0, 0, 0x13),
  /** jal rd, offset (bytes, relative to this instruction). */
  jal: (rd: number, off: number) => jType(off, rd),
  beq: (rs1: number, rs2: number, off: number) => bType(off, rs2, rs1, 0),
  bne: (rs1: number, rs2: number, off: number) => bType(off, rs2, rs1, 1),
  // A extension: funct5, aq = rl = 0; width 2 = .w, 3 = .d
  lrW: (rd: number, rs1: number) => rType(0x02 << 2, 0, rs1, 2, rd, 0x2f),
  lrD: (rd: number, rs1: number) => rType(0x02 << 2, 0, rs1, 3, rd, 0x2f),
  scW: (rd: number, rs2: number, rs1: number) => rType(0x03 << 2, rs2, rs1, 2, rd, 0x2f),
  scD: (rd: number, rs2: number, rs1: number) => rType(0x03 << 2, rs2, rs1, 3, rd, 0x2f),
  amoaddW: (rd: number, rs2: number, rs1: number) => rType(0x00, rs2, rs1, 2, rd, 0x2f),
  amoswapD: (rd: number, rs2: number, rs1: number) => rType(0x01 << 2, rs2, rs1, 3, rd, 0x2f),
  // Used by the translator's lockstep tests (test/unit/jit).
  sll: (d: number, a: number, b: number) => rType(0, b, a, 1, d, 0x33),
  srl: (d: number, a: number, b: number) => rType(0, b, a, 5, d, 0x33),
  sra: (d: number, a: number, b: number) => rType(0x20, b, a, 5, d, 0x33),
  slt: (d: number, a: number, b: number) => rType(0, b, a, 2, d, 0x33),
  sltu: (d: number, a: number, b: number) => rType(0, b, a, 3, d, 0x33),
  xor: (d: number, a: number, b: number) => rType(0, b, a, 4, d, 0x33),
  or: (d: number, a: number, b: number) => rType(0, b, a, 6, d, 0x33),
  and: (d: number, a: number, b: number) => rType(0, b, a, 7, d, 0x33),
  mul: (d: number, a: number, b: number) => rType(1, b, a, 0, d, 0x33),
  mulh: (d: number, a: number, b: number) => rType(1, b, a, 1, d, 0x33),
  mulhsu: (d: number, a: number, b: number) => rType(1, b, a, 2, d, 0x33),
  mulhu: (d: number, a: number, b: number) => rType(1, b, a, 3, d, 0x33),
  divu: (d: number, a: number, b: number) => rType(1, b, a, 5, d, 0x33),
  addw: (d: number, a: number, b: number) => rType(0, b, a, 0, d, 0x3b),
  subw: (d: number, a: number, b: number) => rType(0x20, b, a, 0, d, 0x3b),
  sllw: (d: number, a: number, b: number) => rType(0, b, a, 1, d, 0x3b),
  sraw: (d: number, a: number, b: number) => rType(0x20, b, a, 5, d, 0x3b),
  mulw: (d: number, a: number, b: number) => rType(1, b, a, 0, d, 0x3b),
  srli: (d: number, a: number, sh: number) => iType(sh & 63, a, 5, d, 0x13),
  srai: (d: number, a: number, sh: number) => iType((sh & 63) | 0x400, a, 5, d, 0x13),
  slliw: (d: number, a: number, sh: number) => iType(sh & 31, a, 1, d, 0x1b),
  sraiw: (d: number, a: number, sh: number) => iType((sh & 31) | 0x400, a, 5, d, 0x1b),
  srliw: (d: number, a: number, sh: number) => iType(sh & 31, a, 5, d, 0x1b),
  addiw: (d: number, a: number, imm: number) => iType(imm, a, 0, d, 0x1b),
  sltiu: (d: number, a: number, imm: number) => iType(imm, a, 3, d, 0x13),
  xori: (d: number, a: number, imm: number) => iType(imm, a, 4, d, 0x13),
  ori: (d: number, a: number, imm: number) => iType(imm, a, 6, d, 0x13),
  andi: (d: number, a: number, imm: number) => iType(imm, a, 7, d, 0x13),
  lbu: (d: number, a: number, imm: number) => iType(imm, a, 4, d, 0x03),
  lhu: (d: number, a: number, imm: number) => iType(imm, a, 5, d, 0x03),
  lwu: (d: number, a: number, imm: number) => iType(imm, a, 6, d, 0x03),
  blt: (a: number, b: number, off: number) => bType(off, b, a, 4),
  bgeu: (a: number, b: number, off: number) => bType(off, b, a, 7),
  bge: (a: number, b: number, off: number) => bType(off, b, a, 5),
  bltu: (a: number, b: number, off: number) => bType(off, b, a, 6),
  auipc: (d: number, imm20: number) => (((imm20 & 0xfffff) << 12) | (d << 7) | 0x17) | 0,
};

/** A program under construction: 32-bit words from `base`, labels for jal/branches. */
export class Asm {
  readonly words: number[] = [];
  private readonly labels = new Map<string, number>();
  private readonly fixups: { index: number; label: string; make: (off: number) => number }[] = [];

  constructor(readonly base: number) {}

  /** Address of the next instruction. */
  get pc(): number {
    return this.base + 4 * this.words.length;
  }

  label(name: string): this {
    this.labels.set(name, this.pc);
    return this;
  }

  emit(...ws: number[]): this {
    for (const w of ws) this.words.push(w | 0);
    return this;
  }

  jal(rd: number, label: string): this { return this.fix(label, (off) => I.jal(rd, off)); }
  j(label: string): this { return this.jal(0, label); }
  beq(rs1: number, rs2: number, label: string): this { return this.fix(label, (off) => I.beq(rs1, rs2, off)); }
  bne(rs1: number, rs2: number, label: string): this { return this.fix(label, (off) => I.bne(rs1, rs2, off)); }
  /** An endless loop (`j .`): the place where a test program parks. */
  halt(): this { return this.emit(I.jal(0, 0)); }

  addr(label: string): number {
    const a = this.labels.get(label);
    if (a === undefined) throw new Error(`no label ${label}`);
    return a;
  }

  /** The program as bytes, labels resolved. */
  bytes(): Uint8Array {
    for (const f of this.fixups) this.words[f.index] = f.make(this.addr(f.label) - (this.base + 4 * f.index));
    const out = new Uint8Array(this.words.length * 4);
    const dv = new DataView(out.buffer);
    this.words.forEach((w, i) => dv.setInt32(4 * i, w, true));
    return out;
  }

  private fix(label: string, make: (off: number) => number): this {
    this.fixups.push({ index: this.words.length, label, make });
    this.words.push(0);
    return this;
  }
}
