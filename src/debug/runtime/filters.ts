// Exception filters (ARCHITECTURE.md §7): one per guest trap class and one per VM exit reason. The
// runtime classifies a trap or an exit into a filter id; the session declares the same list in
// `initialize` (exceptionBreakpointFilters) with conditions supported.
import { EXCEPTION_NAMES, INTERRUPT_NAMES } from '../../riscv/hart/csrs';
import type { VmExit } from '../../hypervisor/exits';

export interface FilterInfo {
  id: string;
  label: string;
  description: string;
  /** The variables a condition may use besides registers. */
  conditionHelp: string;
}

export const TRAP_FILTERS: readonly FilterInfo[] = [
  { id: 'page-fault', label: 'Guest page fault', description: 'instruction/load/store page fault (causes 12, 13, 15)', conditionHelp: '$cause, $tval' },
  { id: 'illegal-instruction', label: 'Illegal instruction', description: 'cause 2', conditionHelp: '$tval (the instruction)' },
  { id: 'ecall-u', label: 'ecall from U/VU-mode', description: 'cause 8 (system calls)', conditionHelp: '$a7, $a0, ...' },
  { id: 'ecall-s', label: 'ecall from S/VS-mode', description: 'causes 9, 10 (SBI calls taken by the guest\'s own firmware)', conditionHelp: '$a7, $a6, ...' },
  { id: 'breakpoint', label: 'ebreak', description: 'cause 3', conditionHelp: '$tval' },
  { id: 'misaligned', label: 'Misaligned access', description: 'causes 0, 4, 6', conditionHelp: '$cause, $tval' },
  { id: 'access-fault', label: 'Access fault', description: 'causes 1, 5, 7', conditionHelp: '$cause, $tval' },
  { id: 'interrupt', label: 'Interrupt', description: 'any interrupt taken by the guest', conditionHelp: '$cause (interrupt number)' },
];

export const EXIT_FILTERS: readonly FilterInfo[] = [
  { id: 'vmexit-sbi', label: 'VM exit: SBI call', description: 'ecall from VS-mode', conditionHelp: '$ext (SBI extension id), $fid' },
  { id: 'vmexit-guest-page-fault', label: 'VM exit: guest-page fault', description: 'G-stage faults (MMIO emulation included) and shadow-paging faults', conditionHelp: '$gpa, $gva, $cause' },
  { id: 'vmexit-virtual-instruction', label: 'VM exit: virtual instruction', description: 'cause 22 (satp/sfence.vma under VTVM, H instructions)', conditionHelp: '$insn' },
  { id: 'vmexit-wfi', label: 'VM exit: WFI', description: 'wfi in VS/VU-mode with hstatus.VTW', conditionHelp: '' },
  { id: 'vmexit-interrupt', label: 'VM exit: interrupt', description: 'an HS-level interrupt while the guest ran', conditionHelp: '$cause' },
];

export const ALL_FILTERS: readonly FilterInfo[] = [...TRAP_FILTERS, ...EXIT_FILTERS];

/** The trap-class filter id for a trap the guest takes itself. */
export function trapFilterId(cause: number, interrupt: boolean): string | undefined {
  if (interrupt) return 'interrupt';
  switch (cause) {
    case 12: case 13: case 15: return 'page-fault';
    case 2: return 'illegal-instruction';
    case 8: return 'ecall-u';
    case 9: case 10: return 'ecall-s';
    case 3: return 'breakpoint';
    case 0: case 4: case 6: return 'misaligned';
    case 1: case 5: case 7: return 'access-fault';
    default: return undefined;
  }
}

/** The exit filter id for an exception or interrupt taken from V=1 into HS-mode (by cause). */
export function exitFilterIdForCause(cause: number, interrupt: boolean, insnIsWfi: boolean): string | undefined {
  if (interrupt) return 'vmexit-interrupt';
  switch (cause) {
    case 10: return 'vmexit-sbi';
    case 20: case 21: case 23: case 12: case 13: case 15: return 'vmexit-guest-page-fault';
    case 22: return insnIsWfi ? 'vmexit-wfi' : 'vmexit-virtual-instruction';
    default: return undefined;
  }
}

/** The exit filter id of a decoded VM exit (embedded hypervisor). */
export function exitFilterId(e: VmExit): string | undefined {
  switch (e.kind) {
    case 'sbi': return 'vmexit-sbi';
    case 'guest-page-fault': case 'page-fault': return 'vmexit-guest-page-fault';
    case 'virtual-instruction': return 'vmexit-virtual-instruction';
    case 'wfi': return 'vmexit-wfi';
    case 'interrupt': return 'vmexit-interrupt';
    default: return undefined;
  }
}

/** Condition variables of an exit ($ext, $fid, $gpa, $gva, $insn, $cause). */
export function exitVariables(e: VmExit): Map<string, bigint> {
  const m = new Map<string, bigint>([['cause', BigInt(e.cause)]]);
  switch (e.kind) {
    case 'sbi': m.set('ext', BigInt(e.ext >>> 0)); m.set('fid', BigInt(e.fid >>> 0)); break;
    case 'guest-page-fault':
      m.set('gpa', BigInt(e.gpa));
      m.set('gva', (BigInt(e.gvaHi >>> 0) << 32n) | BigInt(e.gvaLo >>> 0));
      break;
    case 'page-fault': m.set('gva', (BigInt(e.gvaHi >>> 0) << 32n) | BigInt(e.gvaLo >>> 0)); break;
    case 'virtual-instruction': case 'wfi': m.set('insn', BigInt(e.insn >>> 0)); break;
  }
  return m;
}

// SBI extension IDs and function IDs (RISC-V SBI specification), for exit descriptions.
const SBI_EXTENSIONS: Record<number, { name: string; functions: string[] }> = {
  0x10: { name: 'BASE', functions: ['sbi_get_spec_version', 'sbi_get_impl_id', 'sbi_get_impl_version', 'sbi_probe_extension', 'sbi_get_mvendorid', 'sbi_get_marchid', 'sbi_get_mimpid'] },
  0x54494d45: { name: 'TIME', functions: ['sbi_set_timer'] },
  0x735049: { name: 'IPI', functions: ['sbi_send_ipi'] },
  0x52464e43: { name: 'RFENCE', functions: ['sbi_remote_fence_i', 'sbi_remote_sfence_vma', 'sbi_remote_sfence_vma_asid', 'sbi_remote_hfence_gvma_vmid', 'sbi_remote_hfence_gvma', 'sbi_remote_hfence_vvma_asid', 'sbi_remote_hfence_vvma'] },
  0x48534d: { name: 'HSM', functions: ['sbi_hart_start', 'sbi_hart_stop', 'sbi_hart_get_status', 'sbi_hart_suspend'] },
  0x53525354: { name: 'SRST', functions: ['sbi_system_reset'] },
  0x504d55: { name: 'PMU', functions: [] },
  0x4442434e: { name: 'DBCN', functions: ['sbi_debug_console_write', 'sbi_debug_console_read', 'sbi_debug_console_write_byte'] },
  0x53555350: { name: 'SUSP', functions: ['sbi_system_suspend'] },
};
const SBI_LEGACY = ['sbi_set_timer', 'sbi_console_putchar', 'sbi_console_getchar', 'sbi_clear_ipi', 'sbi_send_ipi', 'sbi_remote_fence_i', 'sbi_remote_sfence_vma', 'sbi_remote_sfence_vma_asid', 'sbi_shutdown'];

/** "DBCN sbi_debug_console_write (ext 0x4442434e fid 0)": an SBI call by its spec names where known. */
export function sbiCallName(ext: number, fid: number): string {
  const ids = `ext 0x${(ext >>> 0).toString(16)} fid ${fid}`;
  if (ext >= 0 && ext <= 8) return `legacy ${SBI_LEGACY[ext]} (${ids})`;
  const e = SBI_EXTENSIONS[ext >>> 0];
  if (!e) return `unknown extension (${ids})`;
  const f = e.functions[fid];
  return `${e.name}${f ? ` ${f}` : ''} (${ids})`;
}

export function causeName(cause: number, interrupt: boolean): string {
  return (interrupt ? INTERRUPT_NAMES[cause] : EXCEPTION_NAMES[cause]) ?? `${interrupt ? 'interrupt' : 'exception'} ${cause}`;
}

/** An enabled filter with its optional parsed condition (a string, parsed by the runtime). */
export interface ActiveFilter {
  id: string;
  condition?: string;
}
