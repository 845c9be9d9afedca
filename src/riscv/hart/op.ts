// A decoded instruction ready to execute: the table entry's semantics plus operand fields,
// in one object shape so the interpreter's call site stays monomorphic in its argument.
import type { Decoded } from '../isa/types';
import type { Hart } from './hart';

/** Register slot that absorbs writes to x0. */
export const X_SCRATCH = 32;

export type ExecFn = (h: Hart, op: Op) => void;

export class Op {
  /**
   * Destination register index for writes. x0 is mapped to the scratch slot 32, so semantics
   * write unconditionally and x0 (never written) always reads 0, with no per-instruction reset.
   */
  readonly rd: number;
  /** Destination as an f register (f0 is a real register, so no remapping). */
  readonly frd: number;
  readonly rs1: number;
  readonly rs2: number;
  readonly rs3: number;
  readonly rm: number;
  readonly imm: number;
  readonly csr: number;
  readonly len: 2 | 4;
  /** Instruction bits as fetched (16-bit parcel or 32-bit word), for tval and disassembly. */
  readonly raw: number;

  constructor(readonly exec: ExecFn, readonly d: Decoded | undefined, raw: number, len: 2 | 4) {
    this.rd = d ? (d.rd === 0 ? X_SCRATCH : d.rd) : X_SCRATCH;
    this.frd = d ? d.rd : 0;
    this.rs1 = d ? d.rs1 : 0;
    this.rs2 = d ? d.rs2 : 0;
    this.rs3 = d ? d.rs3 : 0;
    this.rm = d ? d.rm : 0;
    this.imm = d ? d.imm : 0;
    this.csr = d ? d.csr : 0;
    this.len = len;
    this.raw = raw;
  }
}
