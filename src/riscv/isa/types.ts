// The shape of the one instruction table (ARCHITECTURE.md §6). `encodings.ts` lists every
// instruction once (mnemonic, mask/match over the 32-bit word, operand format); decode,
// disassembly, the interpreter's semantics (riscv/hart/semantics) and the translator are all
// keyed by the entry. Compressed instructions are expanded to their 32-bit equivalent first, so
// they share the entries (Decoded.len says 2).

/** Operand layouts; they decide how `imm` is extracted and how operands are printed. */
export type Format =
  | 'R'        // rd, rs1, rs2
  | 'R4'       // rd, rs1, rs2, rs3 (+rm)         fused multiply-add
  | 'RF'       // rd, rs1, rs2 (+rm)              float arithmetic with rounding mode
  | 'R1F'      // rd, rs1 (+rm)                   fsqrt, fcvt
  | 'R1'       // rd, rs1                         fmv, fclass, (no rm)
  | 'I'        // rd, rs1, imm                    addi, slti, ...
  | 'LOAD'     // rd, imm(rs1)
  | 'FLOAD'    // frd, imm(rs1)
  | 'STORE'    // rs2, imm(rs1)
  | 'FSTORE'   // frs2, imm(rs1)
  | 'SH6'      // rd, rs1, shamt (6 bits)        slli/srli/srai
  | 'SH5'      // rd, rs1, shamt (5 bits)        slliw/srliw/sraiw
  | 'B'        // rs1, rs2, target
  | 'U'        // rd, imm (imm = word & 0xfffff000)
  | 'J'        // rd, target
  | 'JALR'     // rd, imm(rs1)
  | 'CSR'      // rd, csr, rs1
  | 'CSRI'     // rd, csr, zimm (zimm in rs1)
  | 'AMO'      // rd, rs2, (rs1)  + .aq/.rl
  | 'LR'       // rd, (rs1)       + .aq/.rl
  | 'FENCE'    // pred, succ      (imm = bits 31:20)
  | 'SFENCE'   // rs1, rs2        sfence.vma, hfence.*
  | 'HLV'      // rd, (rs1)       hypervisor loads
  | 'HSV'      // rs2, (rs1)      hypervisor stores
  | 'NONE';    // no operands: ecall, ebreak, mret, sret, wfi, fence.i

export interface InsnSpec {
  /** The canonical mnemonic as the specs and objdump spell it, e.g. 'add', 'fadd.d', 'lr.w', 'hlv.b'. */
  readonly name: string;
  readonly mask: number;
  readonly match: number;
  readonly fmt: Format;
  /** Extension that defines it: 'I', 'M', 'A', 'F', 'D', 'Zicsr', 'Zifencei', 'Zihintpause', 'priv', 'H'. */
  readonly ext: string;
  /** Dense index into ENCODINGS, for array dispatch. */
  readonly id: number;
}

/** One decoded instruction. Register fields are raw 5-bit numbers taken from the (expanded) word. */
export interface Decoded {
  spec: InsnSpec;
  /** The instruction as fetched: the 32-bit word, or the 16-bit parcel when len = 2. */
  raw: number;
  /** The 32-bit word the entry matched (the expansion, for a compressed instruction). */
  word: number;
  len: 2 | 4;
  rd: number;
  rs1: number;
  rs2: number;
  rs3: number;
  /** Rounding-mode field, bits 14:12. */
  rm: number;
  /**
   * Immediate, already sign-extended to int32 where the format is signed:
   * I/LOAD/FLOAD/JALR: bits 31:20; STORE/FSTORE: S-immediate; B: branch offset; J: jump offset;
   * U: word & 0xfffff000 (as int32); SH6/SH5: shift amount; FENCE: bits 31:20 (fm|pred|succ);
   * AMO/LR: aq<<1|rl; CSR/CSRI: 0. Other formats: 0.
   */
  imm: number;
  /** CSR number (bits 31:20) for CSR/CSRI, else 0. */
  csr: number;
}
