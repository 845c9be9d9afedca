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
    // V=1: SRET in VU, or in VS with hstatus.VTSR, is a virtual-instruction exception.
    if (h.virt) {
      if (h.priv === Priv.U || h.csr.vtsr) { h.virtualInstruction(op); return; }
    } else if (h.priv === Priv.U || (h.priv === Priv.S && h.csr.tsr)) { h.illegal(op); return; }
    h.sret();
  },
  wfi(h, op) {
    // With S-mode present, WFI in U-mode traps; below M it traps when mstatus.TW is set
    // (machine.adoc "Timeout Wait"); QEMU traps at once, and so do we. With V=1, VU-mode, or
    // VS-mode with hstatus.VTW, raise a virtual-instruction exception (hypervisor.adoc).
    if (h.priv !== Priv.M && h.csr.tw) { h.illegal(op); return; }
    if (h.virt) {
      if (h.priv === Priv.U || h.csr.vtw) { h.virtualInstruction(op); return; }
    } else if (h.priv === Priv.U) { h.illegal(op); return; }
    if (!h.csr.wakeable()) h.wfi = true;
    h.event |= EV_BREAK;
  },
  'sfence.vma'(h, op) {
    if (h.virt) {
      if (h.priv === Priv.U || h.csr.vtvm) { h.virtualInstruction(op); return; }
    } else if (h.priv === Priv.U || (h.priv === Priv.S && h.csr.tvm)) { h.illegal(op); return; }
    // rs1 = x0: every address; otherwise that page (the ASID in rs2 is not used to narrow it).
    if (op.rs1 === 0) h.flushTlbRegime(h.virt);
    else h.flushTlbRegime(h.virt, h.x[op.rs1 << 1], h.x[(op.rs1 << 1) + 1]);
  },

  // H extension fences: HFENCE.VVMA for a guest virtual page or all; HFENCE.GVMA flushes every
  // guest translation (a G-stage change can affect any guest virtual page).
  'hfence.vvma'(h, op) {
    if (!hypervisorAllowed(h, op, false)) return;
    if (op.rs1 === 0) h.flushTlbRegime(true);
    else h.flushTlbRegime(true, h.x[op.rs1 << 1], h.x[(op.rs1 << 1) + 1]);
  },
  'hfence.gvma'(h, op) {
    if (!hypervisorAllowed(h, op, false)) return;
    if (h.priv === Priv.S && h.csr.tvm) { h.illegal(op); return; }
    h.flushTlbRegime(true);
  },
  'hlv.b': hlv(1, true, false), 'hlv.bu': hlv(1, false, false), 'hlv.h': hlv(2, true, false), 'hlv.hu': hlv(2, false, false),
  'hlv.w': hlv(4, true, false), 'hlv.wu': hlv(4, false, false), 'hlv.d': hlv(8, true, false),
  'hlvx.hu': hlv(2, false, true), 'hlvx.wu': hlv(4, false, true),
  'hsv.b': hsv(1), 'hsv.h': hsv(2), 'hsv.w': hsv(4), 'hsv.d': hsv(8),
};

/**
 * Hypervisor instructions (hypervisor.adoc "Hypervisor Instructions"): with V=1 a virtual-
 * instruction exception; in U-mode illegal unless hstatus.HU allows HLV/HLVX/HSV.
 */
function hypervisorAllowed(h: Hart, op: Op, vmAccess: boolean): boolean {
  if (!h.csr.hasH) { h.illegal(op); return false; }
  if (h.virt) { h.virtualInstruction(op); return false; }
  if (h.priv === Priv.U && !(vmAccess && h.csr.hu)) { h.illegal(op); return false; }
  return true;
}

function hlv(size: 1 | 2 | 4 | 8, signed: boolean, hlvx: boolean): ExecFn {
  return (h, op) => {
    if (!hypervisorAllowed(h, op, true)) return;
    const a = op.rs1 << 1;
    const v = h.hyperLoad(h.x[a], h.x[a + 1], size, hlvx);
    if (h.exc >= 0) return;
    const d = op.rd << 1;
    if (size === 8) { h.x[d] = v; h.x[d + 1] = h.hi; return; }
    const sh = 32 - 8 * size;
    const lo = size === 4 ? v | 0 : signed ? (v << sh) >> sh : v & ((1 << (8 * size)) - 1);
    h.x[d] = lo; h.x[d + 1] = signed ? lo >> 31 : 0;
  };
}

function hsv(size: 1 | 2 | 4 | 8): ExecFn {
  return (h, op) => {
    if (!hypervisorAllowed(h, op, true)) return;
    const a = op.rs1 << 1, b = op.rs2 << 1;
    const mask = size === 8 || size === 4 ? -1 : (1 << (8 * size)) - 1;
    h.hyperStore(h.x[a], h.x[a + 1], size, h.x[b] & mask, h.x[b + 1]);
  };
}

export function illegalOp(h: Hart, op: Op): void {
  h.illegal(op);
}
