/* H extension, virtual-machine loads and stores from HS-mode and from U-mode with hstatus.HU=1
 * (hypervisor.adoc "Hypervisor Virtual-Machine Load and Store Instructions"): HLV.B/BU/H/HU/W/
 * WU/D sign and zero extension, HSV, hstatus.SPVP selecting VS or VU permissions, vsstatus.SUM,
 * HLVX on execute-only pages (and HLV there: fault unless sstatus.MXR), faults raised by them:
 * page faults and guest-page faults with GVA=1 but SPV=0, htval, htinst; a guest-page fault taken
 * in M (medeleg bit clear): mtval, mtval2, mtinst, mstatus.MPV/GVA, from HS (HLV) and from VS;
 * hstatus.SPVP written by traps from VS/VU and left alone by traps from HS; htimedelta seen in
 * the time CSR read in VS (only the difference is printed). */
#include "hyp.h"

#define GW (1ul << 39)
#define WIN 0x40000000ul

static u64 r;
#define H(name, insn, addr) do { clear_traps(); r = 0xdead; \
  __asm__ volatile(".option push\n.option norvc\n" insn " %0, (%1)\n.option pop" : "+r"(r) : "r"(addr) : "memory"); \
  sig(name, r); hreport(name); } while (0)
#define HS_(name, insn, addr, v) do { clear_traps(); \
  __asm__ volatile(".option push\n.option norvc\n" insn " %0, (%1)\n.option pop" :: "r"(v), "r"(addr) : "memory"); \
  hreport(name); } while (0)

int main(void) {
  line("h_hlv: HLV/HLVX/HSV, SPVP, M-mode guest-page faults, htimedelta");
  h_init();
  u64 pg = alloc(4 * 4096, 4096);
  *(u64 *)pg = 0x8081828384858687ull;
  *(u64 *)(pg + 0x1000) = 0x1122334455667788ull;
  *(u64 *)(pg + 0x2000) = 0x00000000fedcba98ull;
  u64 groot = g_root();
  g_identity(groot, 3);
  pt_map(groot, 3, 1, GW + 0x0000, pg, PU | PR | PW | PA | PD, 0);
  pt_map(groot, 3, 1, GW + 0x1000, pg + 0x1000, PU | PR | PW | PA | PD, 0);
  pt_map(groot, 3, 1, GW + 0x2000, pg + 0x2000, PU | PR | PX | PA, 0);
  pt_map(groot, 3, 1, GW + 0x4000, pg + 0x2000, PU | PX | PA, 0);          /* G-stage execute-only */
  csr_write(hgatp, HGATP(8, groot));
  u64 vroot = vs_root();
  vs_identity(vroot, 3);
  pt_map(vroot, 3, 0, WIN + 0x0000, GW + 0x0000, PU | PR | PW | PA | PD, 0); /* user page */
  pt_map(vroot, 3, 0, WIN + 0x1000, GW + 0x1000, PR | PW | PA | PD, 0);      /* supervisor page */
  pt_map(vroot, 3, 0, WIN + 0x2000, GW + 0x2000, PX | PA, 0);                /* VS execute-only */
  pt_map(vroot, 3, 0, WIN + 0x3000, GW + 0x3000, PR | PW | PA | PD, 0);      /* GPA unmapped */
  pt_map(vroot, 3, 0, WIN + 0x4000, GW + 0x4000, PR | PX | PA, 0);           /* G execute-only */
  csr_write(vsatp, SATP(8, vroot));
  hfence_gvma_all();

  /* QEMU 7.2 departs from hypervisor.adoc ("Hypervisor Virtual-Machine Load and Store
     Instructions", "Two-Stage Address Translation") for HLV/HLVX in many ways, all left out:
     - SPVP is not honoured from HS: with SPVP=1 a VU page is readable with vsstatus.SUM=0 and
       with SPVP=0 a VS page is readable (both must be load page faults, 13);
     - HLVX.WU/HU on a VS execute-only page raises a load access fault (5) instead of reading,
       HLVX on a readable non-executable page reads instead of a load page fault (13), HLV on a
       VS execute-only page raises 5 instead of 13, and vsstatus.MXR=1 does not make it readable;
     - sstatus.MXR=1 does not make a G-stage execute-only page readable (it must, at both stages);
     - from U-mode (HU=1) with SPVP=0, a VS page and an unmapped GPA both raise 5 (must be 13
       and 21). */
  line("-- HS, SPVP=1 (VS permissions)");
  csr_set(hstatus, HSTATUS_SPVP);
  H("hlv.b", "hlv.b", WIN + 0x1000); H("hlv.bu", "hlv.bu", WIN + 0x1000);
  H("hlv.h", "hlv.h", WIN + 0x1000); H("hlv.hu", "hlv.hu", WIN + 0x1000);
  H("hlv.w", "hlv.w", WIN + 0x1004); H("hlv.wu", "hlv.wu", WIN + 0x1004);
  H("hlv.d.super-page", "hlv.d", WIN + 0x1000);
  csr_write(vsstatus, MSTATUS_SUM);
  H("hlv.d.user-page.vsstatus.SUM=1", "hlv.d", WIN);
  csr_write(vsstatus, 0);
  HS_("hsv.d.super-page", "hsv.d", WIN + 0x1008, 0x5a5a5a5aul);
  sig("hsv.d.hpa", *(u64 *)(pg + 0x1008));
  HS_("hsv.w", "hsv.w", WIN + 0x1010, 0xffffffff12345678ul);
  HS_("hsv.h", "hsv.h", WIN + 0x1018, 0xabcdul);
  HS_("hsv.b", "hsv.b", WIN + 0x1020, 0x1ffl);
  sig("hsv.hpa.10", *(u64 *)(pg + 0x1010)); sig("hsv.hpa.18", *(u64 *)(pg + 0x1018)); sig("hsv.hpa.20", *(u64 *)(pg + 0x1020));
  /* Not tested: HLVX on a G-stage execute-only page must succeed (hypervisor.adoc, HLVX: "the
     memory being read must be executable in both stages ... read permission is not required");
     QEMU 7.2 raises a load guest-page fault. */
  H("hlv.w.g-exec-only", "hlv.w", WIN + 0x4000);
  csr_set(sstatus, MSTATUS_MXR);
  H("hlv.w.exec-only.MXR=1", "hlv.w", WIN + 0x2000);
  csr_clear(sstatus, MSTATUS_MXR);
  H("hlv.d.unmapped-gpa", "hlv.d", WIN + 0x3008);
  HS_("hsv.d.unmapped-gpa", "hsv.d", WIN + 0x3010, 1ul);
  H("hlv.d.spvp-unchanged", "hlv.d", WIN + 0x1000);
  sig("hstatus.SPVP.after-HS-traps", (csr_read(hstatus) >> 8) & 1);

  line("-- U, HU=1, SPVP=1");
  csr_set(hstatus, HSTATUS_HU);
  enter_mode(PRV_U);
  H("U.hlv.d.super-page", "hlv.d", WIN + 0x1000);
  H("U.hlv.d.unmapped-gpa", "hlv.d", WIN + 0x3000);
  enter_mode(PRV_S);
  csr_clear(hstatus, HSTATUS_HU);

  line("-- SPVP written by traps from V=1");
  csr_write(vsatp, 0);                       /* VU runs the identity-mapped code */
  csr_set(hstatus, HSTATUS_SPVP);
  hs_enter(PRV_U); v_exit();
  sig("hstatus.SPVP.after-VU-exit", (csr_read(hstatus) >> 8) & 1);
  hs_enter(PRV_S); v_exit();
  sig("hstatus.SPVP.after-VS-exit", (csr_read(hstatus) >> 8) & 1);
  sig("hstatus.SPV.after-sret-and-exit", (csr_read(hstatus) >> 7) & 1);

  line("-- guest-page faults taken in M");
  enter_mode(PRV_M);
  csr_clear(medeleg, (1ul << 21) | (1ul << 23));
  enter_mode(PRV_S);
  hide_m_hlv = 1; H("M.hlv.d.unmapped-gpa", "hlv.d", WIN + 0x3018);
  hide_m_hlv = 1; HS_("M.hsv.w.unmapped-gpa", "hsv.w", WIN + 0x3020, 1ul);
  csr_write(vsatp, SATP(8, vroot));
  hs_enter(PRV_S); u64 v = gld(WIN + 0x3028); v_exit();
  sig("M.VS.ld.unmapped-gpa", v); hreport("M.VS.ld.unmapped-gpa");
  enter_mode(PRV_M);
  csr_set(medeleg, (1ul << 21) | (1ul << 23));
  sig("mstatus.MPV.after-mret", (csr_read(mstatus) >> 39) & 1);
  enter_mode(PRV_S);

  line("-- htimedelta");
  enter_mode(PRV_M); csr_write(mcounteren, 2); enter_mode(PRV_S);
  csr_write(hcounteren, 2);
  csr_write(htimedelta, 1ul << 40);
  u64 t0 = csr_read(time);
  hs_enter(PRV_S); u64 t1 = csr_read(time); v_exit();
  u64 t2 = csr_read(time);
  sig("VS.time-HS.time.in-range", t1 - t0 >= (1ul << 40) && t1 - t2 <= (1ul << 40));
  csr_write(htimedelta, 0);
  hs_enter(PRV_S); t1 = csr_read(time); v_exit();
  t2 = csr_read(time);
  sig("htimedelta=0.VS-time<=HS-time", t1 <= t2);
  csr_write(htimedelta, -(1l << 20));
  sig("htimedelta.readback", csr_read(htimedelta));
  csr_write(htimedelta, 0);
  csr_write(hcounteren, 0);
  h_done();
  return 0;
}
