// Zicsr and the privileged instructions (privileged spec: "Machine-Mode Privileged Instructions",
// "Supervisor Instructions"). Illegal-instruction tval is the instruction bits, as QEMU reports.
import { X_SCRATCH, type ExecFn, type Op } from '../op';
import { EV_BREAK, type Hart } from '../hart';
import { CAUSE, CSR, MIP_SEIP, Priv } from '../csrs';

type Table = Record<string, ExecFn>;

const enum CsrKind { Write, Set, Clear }

/**
 * CSRRW/CSRRS/CSRRC and immediate forms (Zicsr "CSR Instructions"): CSRRW with rd = x0 does not
 * read; CSRRS/CSRRC with rs1 = x0 (or uimm = 0) do not write, so they may read read-only CSRs.
 */
function csrOp(kind: CsrKind, imm: boolean): ExecFn {
  return (h: Hart, op: Op) => {
    const x = h.x;
    const srcLo = imm ? op.rs1 : x[op.rs1 << 1];
    const srcHi = imm ? 0 : x[(op.rs1 << 1) + 1];
    const doWrite = kind === CsrKind.Write || op.rs1 !== 0;
    const doRead = kind !== CsrKind.Write || op.rd !== X_SCRATCH;
    let oldLo = 0, oldHi = 0;
    if (doRead) {
      oldLo = h.csr.read(op.csr, op.raw);
      if (h.exc >= 0) return;
      oldHi = h.csr.hi;
    }
    if (doWrite) {
      // mip.SEIP reads as the OR of the software-writable bit and the interrupt controller's
      // signal, but "only the software-writable SEIP bit participates in the read-modify-write
      // sequence of a CSRRS or CSRRC instruction" (machine.adoc, "Machine Interrupt Registers").
      const baseLo = op.csr === CSR.mip ? (oldLo & ~MIP_SEIP) | (h.csr.mipSw & MIP_SEIP) : oldLo;
      let lo = srcLo, hi = srcHi;
      if (kind === CsrKind.Set) { lo = baseLo | srcLo; hi = oldHi | srcHi; }
      else if (kind === CsrKind.Clear) { lo = baseLo & ~srcLo; hi = oldHi & ~srcHi; }
      h.csr.write(op.csr, lo, hi, op.raw);
      if (h.exc >= 0) return;
    }
    const d = op.rd << 1;
    x[d] = oldLo; x[d + 1] = oldHi;
  };
}

export const system: Table = {
  csrrw: csrOp(CsrKind.Write, false),
  csrrs: csrOp(CsrKind.Set, false),
  csrrc: csrOp(CsrKind.Clear, false),
  csrrwi: csrOp(CsrKind.Write, true),
  csrrsi: csrOp(CsrKind.Set, true),
  csrrci: csrOp(CsrKind.Clear, true),

  ecall(h) {
    const cause = h.priv === Priv.M ? CAUSE.ECALL_M : h.priv === Priv.S ? (h.virt ? CAUSE.ECALL_VS : CAUSE.ECALL_S) : CAUSE.ECALL_U;
    h.raise(cause);
  },
  // QEMU 7.2 writes tval = 0 for EBREAK; the spec allows zero or the pc.
  ebreak(h) { h.raise(CAUSE.BREAKPOINT); },

  mret(h, op) {
    if (h.priv !== Priv.M) { h.illegal(op); return; }
    h.mret();
  },
  sret(h, op) {
    if (h.priv === Priv.U || (h.priv === Priv.S && h.csr.tsr)) { h.illegal(op); return; }
    h.sret();
  },
  wfi(h, op) {
    // With S-mode present, WFI in U-mode traps; in S-mode it traps when mstatus.TW is set
    // (machine.adoc "Timeout Wait"); QEMU traps at once, and so do we.
    if (h.priv === Priv.U || (h.priv === Priv.S && h.csr.tw)) { h.illegal(op); return; }
    if (!h.csr.wakeable()) h.wfi = true;
    h.event |= EV_BREAK;
  },
  'sfence.vma'(h, op) {
    if (h.priv === Priv.U || (h.priv === Priv.S && h.csr.tvm)) { h.illegal(op); return; }
    h.flushTlb();
  },
};

export function illegalOp(h: Hart, op: Op): void {
  h.illegal(op);
}
