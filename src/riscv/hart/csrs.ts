// CSR numbers (privileged spec, "CSR Listing") and the bit layouts the hart uses.
export const CSR = {
  // Unprivileged floating point and counters
  fflags: 0x001, frm: 0x002, fcsr: 0x003,
  cycle: 0xc00, time: 0xc01, instret: 0xc02, hpmcounter3: 0xc03, hpmcounter31: 0xc1f,
  // Supervisor
  sstatus: 0x100, sie: 0x104, stvec: 0x105, scounteren: 0x106, senvcfg: 0x10a,
  sscratch: 0x140, sepc: 0x141, scause: 0x142, stval: 0x143, sip: 0x144, stimecmp: 0x14d,
  satp: 0x180,
  // Hypervisor and virtual supervisor (state lives in the hart; semantics in the H issue)
  hstatus: 0x600, hedeleg: 0x602, hideleg: 0x603, hie: 0x604, htimedelta: 0x605, hcounteren: 0x606,
  hgeie: 0x607, henvcfg: 0x60a, htval: 0x643, hip: 0x644, hvip: 0x645, htinst: 0x64a, hgeip: 0xe12,
  hgatp: 0x680, vstimecmp: 0x24d,
  vsstatus: 0x200, vsie: 0x204, vstvec: 0x205, vsscratch: 0x240, vsepc: 0x241, vscause: 0x242,
  vstval: 0x243, vsip: 0x244, vsatp: 0x280,
  // Machine
  mvendorid: 0xf11, marchid: 0xf12, mimpid: 0xf13, mhartid: 0xf14, mconfigptr: 0xf15,
  mstatus: 0x300, misa: 0x301, medeleg: 0x302, mideleg: 0x303, mie: 0x304, mtvec: 0x305,
  mcounteren: 0x306, menvcfg: 0x30a, mcountinhibit: 0x320,
  mscratch: 0x340, mepc: 0x341, mcause: 0x342, mtval: 0x343, mip: 0x344, mtinst: 0x34a, mtval2: 0x34b,
  pmpcfg0: 0x3a0, pmpcfg15: 0x3af, pmpaddr0: 0x3b0, pmpaddr63: 0x3ef,
  mcycle: 0xb00, minstret: 0xb02, mhpmcounter3: 0xb03, mhpmcounter31: 0xb1f,
  mhpmevent3: 0x323, mhpmevent31: 0x33f,
  mseccfg: 0x747,
} as const;

// mstatus, low word (bits 31:0)
export const MSTATUS_SIE = 1 << 1;
export const MSTATUS_MIE = 1 << 3;
export const MSTATUS_SPIE = 1 << 5;
export const MSTATUS_UBE = 1 << 6;
export const MSTATUS_MPIE = 1 << 7;
export const MSTATUS_SPP = 1 << 8;
export const MSTATUS_VS = 3 << 9;
export const MSTATUS_MPP_SHIFT = 11;
export const MSTATUS_MPP = 3 << 11;
export const MSTATUS_FS_SHIFT = 13;
export const MSTATUS_FS = 3 << 13;
export const MSTATUS_XS = 3 << 15;
export const MSTATUS_MPRV = 1 << 17;
export const MSTATUS_SUM = 1 << 18;
export const MSTATUS_MXR = 1 << 19;
export const MSTATUS_TVM = 1 << 20;
export const MSTATUS_TW = 1 << 21;
export const MSTATUS_TSR = 1 << 22;
// mstatus, high word (bits 63:32): UXL = 2 and SXL = 2 (XLEN 64, read-only here), GVA, MPV, SD
export const MSTATUSH_UXL_SXL = (2 << 0) | (2 << 2);
export const MSTATUSH_GVA = 1 << 6;
export const MSTATUSH_MPV = 1 << 7;
export const MSTATUSH_SD = 1 << 31;

/** Bits of mstatus (low word) that sstatus exposes (supervisor.adoc, "Supervisor Status Register"). */
export const SSTATUS_MASK_LO = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_VS | MSTATUS_FS | MSTATUS_XS | MSTATUS_SUM | MSTATUS_MXR;

// Interrupt numbers (mip/mie bits) and exception causes (machine.adoc, mcause table)
export const IRQ = { SSI: 1, VSSI: 2, MSI: 3, STI: 5, VSTI: 6, MTI: 7, SEI: 9, VSEI: 10, MEI: 11, SGEI: 12 } as const;
export const MIP_SSIP = 1 << 1, MIP_VSSIP = 1 << 2, MIP_MSIP = 1 << 3, MIP_STIP = 1 << 5, MIP_VSTIP = 1 << 6;
export const MIP_MTIP = 1 << 7, MIP_SEIP = 1 << 9, MIP_VSEIP = 1 << 10, MIP_MEIP = 1 << 11, MIP_SGEIP = 1 << 12;

export const CAUSE = {
  MISALIGNED_FETCH: 0, FETCH_ACCESS: 1, ILLEGAL_INSTRUCTION: 2, BREAKPOINT: 3,
  MISALIGNED_LOAD: 4, LOAD_ACCESS: 5, MISALIGNED_STORE: 6, STORE_ACCESS: 7,
  ECALL_U: 8, ECALL_S: 9, ECALL_VS: 10, ECALL_M: 11,
  FETCH_PAGE_FAULT: 12, LOAD_PAGE_FAULT: 13, STORE_PAGE_FAULT: 15,
  FETCH_GUEST_PAGE_FAULT: 20, LOAD_GUEST_PAGE_FAULT: 21, VIRTUAL_INSTRUCTION: 22, STORE_GUEST_PAGE_FAULT: 23,
} as const;

/** Names for the debugger, CLI messages and exception filters. */
export const EXCEPTION_NAMES: Record<number, string> = {
  0: 'instruction address misaligned', 1: 'instruction access fault', 2: 'illegal instruction',
  3: 'breakpoint', 4: 'load address misaligned', 5: 'load access fault',
  6: 'store/AMO address misaligned', 7: 'store/AMO access fault', 8: 'environment call from U-mode',
  9: 'environment call from S-mode', 10: 'environment call from VS-mode', 11: 'environment call from M-mode',
  12: 'instruction page fault', 13: 'load page fault', 15: 'store/AMO page fault',
  20: 'instruction guest-page fault', 21: 'load guest-page fault', 22: 'virtual instruction',
  23: 'store/AMO guest-page fault',
};
export const INTERRUPT_NAMES: Record<number, string> = {
  1: 'supervisor software interrupt', 2: 'virtual supervisor software interrupt', 3: 'machine software interrupt',
  5: 'supervisor timer interrupt', 6: 'virtual supervisor timer interrupt', 7: 'machine timer interrupt',
  9: 'supervisor external interrupt', 10: 'virtual supervisor external interrupt', 11: 'machine external interrupt',
  12: 'supervisor guest external interrupt',
};

export const enum Priv { U = 0, S = 1, M = 3 }

// hstatus (hypervisor.adoc "Hypervisor Status Register"), low word; VSXL = 2 in the high word.
export const HSTATUS_VSBE = 1 << 5;
export const HSTATUS_GVA = 1 << 6;
export const HSTATUS_SPV = 1 << 7;
export const HSTATUS_SPVP = 1 << 8;
export const HSTATUS_HU = 1 << 9;
export const HSTATUS_VTVM = 1 << 20;
export const HSTATUS_VTW = 1 << 21;
export const HSTATUS_VTSR = 1 << 22;
export const HSTATUSH_VSXL = 2;

/** The VS-level interrupt bits (VSSIP, VSTIP, VSEIP) of mip/mie/hip/hie/hvip. */
export const MIP_VS_BITS = MIP_VSSIP | MIP_VSTIP | MIP_VSEIP;
