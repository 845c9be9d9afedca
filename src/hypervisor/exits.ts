// VM exits as values (ARCHITECTURE.md §6, STYLE.md after salus): one discriminated union with the
// data each handler needs, decoded from the hart's HS trap state right after a trap from V=1
// (hypervisor.adoc, "Trap Entry": scause, sepc, stval, htval, htinst, hstatus.SPV/SPVP/GVA).
import { CAUSE, CSR } from '../riscv/hart/csrs';
import { decodeAt } from '../riscv/isa/decode';
import type { Decoded } from '../riscv/isa/types';
import { toNumberU } from '../common/u64';
import { decodeGuestInsn, decodeHtinst, isHtinstPseudo, type MmioInsn } from './mmio';
import type { Vcpu } from './vcpu';

export type AccessName = 'fetch' | 'load' | 'store';

/** What every exit carries: who, where, when. */
export interface ExitBase {
  /** vCPU (= guest hart id). */
  readonly vcpu: number;
  /** scause exception code or interrupt number. */
  readonly cause: number;
  /** Guest pc of the trap (sepc), halves. */
  readonly pcLo: number;
  readonly pcHi: number;
  /** Guest privilege at the trap: 1 = VS, 0 = VU (sstatus.SPP). */
  readonly guestPriv: number;
  /** hart.retired when the exit was taken (the exit log's time stamp). */
  readonly retired: number;
}

export type VmExit =
  /** ECALL from VS-mode: an SBI call. a0..a5 are in `args` as int32 halves (args[2i] low, args[2i+1] high). */
  | (ExitBase & { readonly kind: 'sbi'; readonly ext: number; readonly fid: number; readonly args: Int32Array })
  /** Guest-page fault (causes 20, 21, 23): an access to an unmapped GPA, MMIO when it is a device window. */
  | (ExitBase & {
    readonly kind: 'guest-page-fault';
    readonly access: AccessName;
    readonly gpa: number;
    /** stval holds the faulting guest virtual address (hstatus.GVA). */
    readonly gvaValid: boolean;
    readonly gvaLo: number;
    readonly gvaHi: number;
    readonly htinst: number;
    /** The fault was on an implicit access of VS-stage translation (a guest page table outside RAM). */
    readonly implicit: boolean;
    /** The faulting load/store, from htinst or from guest memory; undefined if neither decodes. */
    readonly insn: MmioInsn | undefined;
    readonly insnSource: 'htinst' | 'memory' | 'none';
  })
  /** VS-stage page fault taken by HS (shadow mode's hidden faults; causes 12, 13, 15). */
  | (ExitBase & { readonly kind: 'page-fault'; readonly access: AccessName; readonly gvaLo: number; readonly gvaHi: number; readonly htinst: number })
  /** Virtual-instruction exception (cause 22) other than WFI: satp/sfence.vma under VTVM, H instructions, ... */
  | (ExitBase & { readonly kind: 'virtual-instruction'; readonly insn: number; readonly decoded: Decoded | undefined })
  /** WFI in VS/VU-mode with hstatus.VTW=1. */
  | (ExitBase & { readonly kind: 'wfi'; readonly insn: number; readonly len: 2 | 4 })
  /** An HS-level interrupt taken while V=1. */
  | (ExitBase & { readonly kind: 'interrupt' })
  /** Any other exception that reached HS (not delegated through hedeleg). */
  | (ExitBase & { readonly kind: 'exception'; readonly tvalLo: number; readonly tvalHi: number });

export type VmExitKind = VmExit['kind'];

/** Reads the guest instruction at a guest virtual pc (low parcel first); undefined when unreadable. */
export type InsnFetcher = (vcpu: Vcpu, pcLo: number, pcHi: number) => number | undefined;

function accessOf(cause: number): AccessName {
  switch (cause) {
    case CAUSE.FETCH_PAGE_FAULT: case CAUSE.FETCH_GUEST_PAGE_FAULT: return 'fetch';
    case CAUSE.LOAD_PAGE_FAULT: case CAUSE.LOAD_GUEST_PAGE_FAULT: return 'load';
    default: return 'store';
  }
}

const SSTATUS_SPP = 1 << 8;
const HSTATUS_GVA = 1 << 6;

/** Decodes the HS trap state of `vcpu`'s hart (just after a trap from V=1) into a VmExit. */
export function decodeExit(vcpu: Vcpu, fetch: InsnFetcher): VmExit {
  const h = vcpu.hart;
  const [causeLo, causeHi] = vcpu.csr(CSR.scause);
  const [pcLo, pcHi] = vcpu.csr(CSR.sepc);
  const [tvalLo, tvalHi] = vcpu.csr(CSR.stval);
  // The common fields are written out in each literal: an object spread here cost microseconds
  // per exit (V8's clone of a literal holding a double), a fifth of a shadow-paging exit.
  const id = vcpu.id, cause = causeLo & 0x7fffffff, retired = h.retired;
  const guestPriv = (vcpu.csrLo(CSR.sstatus) & SSTATUS_SPP) !== 0 ? 1 : 0;
  if (causeHi < 0) return { vcpu: id, cause, pcLo, pcHi, guestPriv, retired, kind: 'interrupt' };
  switch (cause) {
    case CAUSE.ECALL_VS: {
      const args = h.x.slice(20, 32);
      return { vcpu: id, cause, pcLo, pcHi, guestPriv, retired, kind: 'sbi', ext: h.x[34] >>> 0, fid: h.x[32] >>> 0, args };
    }
    case CAUSE.FETCH_GUEST_PAGE_FAULT: case CAUSE.LOAD_GUEST_PAGE_FAULT: case CAUSE.STORE_GUEST_PAGE_FAULT: {
      const [htvalLo, htvalHi] = vcpu.csr(CSR.htval);
      const htinst = vcpu.csrLo(CSR.htinst);
      // htval = GPA >> 2; the two low bits are those of the faulting virtual address in stval.
      const gpa = toNumberU(htvalLo, htvalHi) * 4 + (tvalLo & 3);
      const access = accessOf(cause);
      const implicit = isHtinstPseudo(htinst);
      let insn: MmioInsn | undefined;
      let insnSource: 'htinst' | 'memory' | 'none' = 'none';
      if (access !== 'fetch' && !implicit) {
        insn = decodeHtinst(htinst);
        if (insn) insnSource = 'htinst';
        else {
          const w = fetch(vcpu, pcLo, pcHi);
          insn = w === undefined ? undefined : decodeGuestInsn(w);
          if (insn) insnSource = 'memory';
        }
      }
      return {
        vcpu: id, cause, pcLo, pcHi, guestPriv, retired, kind: 'guest-page-fault', access, gpa,
        gvaValid: (vcpu.csrLo(CSR.hstatus) & HSTATUS_GVA) !== 0, gvaLo: tvalLo, gvaHi: tvalHi,
        htinst, implicit, insn, insnSource,
      };
    }
    case CAUSE.FETCH_PAGE_FAULT: case CAUSE.LOAD_PAGE_FAULT: case CAUSE.STORE_PAGE_FAULT:
      return { vcpu: id, cause, pcLo, pcHi, guestPriv, retired, kind: 'page-fault', access: accessOf(cause), gvaLo: tvalLo, gvaHi: tvalHi, htinst: vcpu.csrLo(CSR.htinst) };
    case CAUSE.VIRTUAL_INSTRUCTION: {
      // stval holds the instruction bits when the hart reports them; else read guest memory.
      let insn = tvalLo;
      if (insn === 0) insn = fetch(vcpu, pcLo, pcHi) ?? 0;
      const decoded = insn === 0 ? undefined : decodeAt(insn);
      if (decoded?.spec.name === 'wfi') return { vcpu: id, cause, pcLo, pcHi, guestPriv, retired, kind: 'wfi', insn: decoded.raw, len: decoded.len };
      return { vcpu: id, cause, pcLo, pcHi, guestPriv, retired, kind: 'virtual-instruction', insn: decoded ? decoded.raw : insn, decoded };
    }
    default:
      return { vcpu: id, cause, pcLo, pcHi, guestPriv, retired, kind: 'exception', tvalLo, tvalHi };
  }
}

/** Short label of an exit for the log and statistics ("sbi", "mmio", "wfi", ...). */
export function exitReason(e: VmExit): string {
  switch (e.kind) {
    case 'guest-page-fault': return e.access === 'fetch' || e.implicit ? 'guest-page-fault' : 'mmio';
    case 'page-fault': return 'shadow-page-fault';
    default: return e.kind;
  }
}
