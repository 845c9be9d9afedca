/* H-extension guests (src/h_*.c): a tiny HS-mode test hypervisor on top of the shared runtime.
 * M-mode start code (start.S) runs main(); h_init() delegates to HS and enters it; hs_enter()
 * drops from HS into VS or VU "in place" (same code, same stack: RAM is identity-mapped in the
 * G-stage and, when VS paging is on, in the VS stage); v_exit() comes back to HS with an ECALL
 * that the HS handler turns into a return to HS. Traps taken in HS and VS are recorded (cause,
 * epc, tval, htval, htinst, hstatus) and the faulting instruction is skipped, or the handler
 * resumes at trap_resume. Only h_*.c include this header (it defines handle_strap/handle_mtrap).
 * GCC 12 rejects "_h" in -march, so the assembler is told with .option arch (binutils 2.40). */
#ifndef HVSCOPE_HYP_H
#define HVSCOPE_HYP_H
#include "rt.h"

__asm__(".option arch, +h");

#define CSR_MTINST 0x34a
#define CSR_MTVAL2 0x34b

#define HSTATUS_GVA (1ul << 6)
#define HSTATUS_SPV (1ul << 7)
#define HSTATUS_SPVP (1ul << 8)
#define HSTATUS_HU (1ul << 9)
#define HSTATUS_VTVM (1ul << 20)
#define HSTATUS_VTW (1ul << 21)
#define HSTATUS_VTSR (1ul << 22)
#define MSTATUS_GVA (1ul << 38)
#define MSTATUS_MPV (1ul << 39)

/* PTE bits. */
#define PV 1ul
#define PR 2ul
#define PW 4ul
#define PX 8ul
#define PU 16ul
#define PGLOBAL 32ul
#define PA 64ul
#define PD 128ul

#define IRQ (1ul << 63)

/* ---------------------------------------------------------------------------------------- */
/* Memory for page tables and test pages: a bump allocator over the free area after the image. */
static u64 bump;
static u64 alloc(u64 size, u64 align) {
  if (!bump) bump = (u64)__free_start;
  bump = (bump + align - 1) & ~(align - 1);
  u64 p = bump; bump += size; memset((void *)p, 0, size); return p;
}

/* Page tables: `levels` = 3 (Sv39/Sv39x4) or 4 (Sv48/Sv48x4); g = 1 for a G-stage table, whose
 * root has 2048 entries (two more address bits) and is 16 KiB. Intermediate tables are allocated
 * on demand; returns the PTE at `leaf_level` (0 = 4K, 1 = 2M/`mega`, 2 = 1G). */
static u64 *pte_at(u64 root, int levels, int g, u64 va, int leaf_level) {
  u64 *t = (u64 *)root;
  for (int l = levels - 1; ; l--) {
    u64 mask = (g && l == levels - 1) ? 0x7ff : 0x1ff;
    u64 *e = &t[(va >> (12 + 9 * l)) & mask];
    if (l == leaf_level) return e;
    if (!(*e & PV)) *e = ((alloc(4096, 4096) >> 12) << 10) | PV;
    t = (u64 *)((*e >> 10) << 12);
  }
}
static void pt_map(u64 root, int levels, int g, u64 va, u64 pa, u64 flags, int level) {
  *pte_at(root, levels, g, va, level) = ((pa >> 12) << 10) | flags | PV;
}
static __attribute__((unused)) u64 g_root(void) { return alloc(16384, 16384); }
static __attribute__((unused)) u64 vs_root(void) { return alloc(4096, 4096); }
/* The identity map every G-stage table starts with: MMIO (first GiB) and RAM (second GiB) as
 * 1 GiB pages (G-stage leaves need U: G-stage accesses count as U-mode). */
static __attribute__((unused)) void g_identity(u64 root, int levels) {
  pt_map(root, levels, 1, 0, 0, PU | PR | PW | PA | PD, 2);
  pt_map(root, levels, 1, 0x80000000ul, 0x80000000ul, PU | PR | PW | PX | PA | PD, 2);
}
/* The same for a VS-stage table (no U: guest supervisor code and data). */
static __attribute__((unused)) void vs_identity(u64 root, int levels) {
  pt_map(root, levels, 0, 0, 0, PR | PW | PA | PD, 2);
  pt_map(root, levels, 0, 0x80000000ul, 0x80000000ul, PR | PW | PX | PA | PD, 2);
}
#define HGATP(mode, root) (((u64)(mode) << 60) | ((root) >> 12))
#define SATP(mode, root) (((u64)(mode) << 60) | ((root) >> 12))

/* ---------------------------------------------------------------------------------------- */
/* Trap records. */
struct htrap { u64 count, cause, epc, tval, htval, htinst, hstatus, status; };
static volatile struct htrap hs, vs;
struct mtrapx { u64 count, cause, epc, tval, tval2, tinst, status; };
static volatile struct mtrapx mx;
static volatile u64 vs_stack[512] __attribute__((aligned(16)));

/* Set to make hreport() leave out the HS cause (where QEMU 7.2 departs from the spec). */
static int hide_hs_cause, hide_tval;
/* Set for HLV/HSV guest-page faults taken in M: QEMU 7.2 writes mtval2 = GVA >> 2 and
 * mstatus.GVA = 0 there (hypervisor.adoc: mtval2 = GPA >> 2 or 0, GVA = 1). */
static int hide_m_hlv;

static void clear_traps(void) {
  hs.count = vs.count = mx.count = mtrap.count = 0;
  hs.cause = vs.cause = mx.cause = ~0ull;
}

/* Called for interrupts taken in HS or VS (programs that expect interrupts set it): it must
 * clear the source. Returns 0 if it did not recognise the interrupt. */
static int (*hs_irq)(u64 cause);
static int (*vs_irq)(u64 cause);

static int vs_frame(struct frame *f) {
  return (u64)f >= (u64)vs_stack && (u64)f < (u64)vs_stack + sizeof vs_stack;
}
static void skip_or_resume(struct frame *f) {
  if (trap_resume) { f->epc = trap_resume; trap_resume = 0; }
  else f->epc += insn_len(f->epc);
}
static void hfatal(const char *what, struct frame *f) {
  line(what); sig("cause", f->cause); sig("epc", f->epc); sig("tval", f->tval);
  exit_(3);
}

/* One S-level handler for both HS and VS (the VS trap vector is strap_entry too; vsscratch
 * points at vs_stack, which is how a VS trap is told apart from an HS one). */
void handle_strap(struct frame *f) {
  u64 c = f->cause;
  if (vs_frame(f)) {                       /* a trap taken in VS-mode */
    if (c & IRQ) {
      vs.count++; vs.cause = c; vs.status = f->status;
      if (!vs_irq || !vs_irq(c)) hfatal("unexpected VS interrupt", f);
      return;
    }
    vs.count++; vs.cause = c; vs.epc = f->epc; vs.tval = f->tval; vs.status = f->status;
    if (vs.count > 100) hfatal("too many VS traps", f);
    skip_or_resume(f);
    return;
  }
  u64 hst = csr_read(hstatus);
  if ((hst & HSTATUS_SPV) && (c == 8 || c == 10) && f->x[17] == ECALL_SWITCH) {
    /* v_exit(): return to HS just after the ECALL, HS interrupts disabled. */
    csr_clear(hstatus, HSTATUS_SPV);
    f->status = (f->status | MSTATUS_SPP) & ~MSTATUS_SPIE;
    f->epc += 4;
    return;
  }
  if (!(hst & HSTATUS_SPV) && (c == 8 || c == 9) && f->x[17] == ECALL_SWITCH) { default_strap(f); return; }
  if (c & IRQ) {
    hs.count++; hs.cause = c; hs.hstatus = hst; hs.status = f->status;
    if (!hs_irq || !hs_irq(c)) hfatal("unexpected HS interrupt", f);
    return;
  }
  hs.count++; hs.cause = c; hs.epc = f->epc; hs.tval = f->tval; hs.status = f->status;
  hs.htval = csr_read(htval); hs.htinst = csr_read(htinst); hs.hstatus = hst;
  if (hs.count > 100) hfatal("too many HS traps", f);
  skip_or_resume(f);
}

void handle_mtrap(struct frame *f) {
  u64 c = f->cause;
  if ((c == 8 || c == 10) && (f->status & MSTATUS_MPV) && f->x[17] == ECALL_SWITCH && f->x[10] == PRV_M) {
    /* v_exit_m(): from VS/VU straight back to M. */
    f->status = (f->status & ~MSTATUS_MPV) | MSTATUS_MPP;
    f->epc += 4;
    return;
  }
  if (!(c & IRQ) && !((c == 8 || c == 9 || c == 11) && f->x[17] == ECALL_SWITCH)) {
    mx.count++; mx.cause = c; mx.epc = f->epc; mx.tval = f->tval; mx.status = f->status;
    mx.tval2 = csr_read(CSR_MTVAL2); mx.tinst = csr_read(CSR_MTINST);
  }
  default_mtrap(f);
}

/* ---------------------------------------------------------------------------------------- */
/* Mode switches. */

/* From HS: continue in VS (vprv = PRV_S) or VU (PRV_U) at the next statement. */
static void __attribute__((noinline)) hs_enter(int vprv) {
  csr_set(hstatus, HSTATUS_SPV);
  csr_clear(sstatus, MSTATUS_SPP | MSTATUS_SPIE);
  if (vprv == PRV_S) csr_set(sstatus, MSTATUS_SPP);
  __asm__ volatile("la t0, 1f\n csrw sepc, t0\n sret\n1:" ::: "t0", "memory");
}
/* From VS or VU: back to HS at the next statement. */
static void __attribute__((noinline)) v_exit(void) {
  register u64 a0 __asm__("a0") = PRV_S;
  register u64 a7 __asm__("a7") = ECALL_SWITCH;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
}

/* From M: continue in VS or VU at the next statement (mret with MPV = 1). */
static void __attribute__((unused, noinline)) m_enter_v(int vprv) {
  csr_clear(mstatus, MSTATUS_MPP | MSTATUS_MPIE);
  csr_set(mstatus, MSTATUS_MPV | ((u64)vprv << 11));
  __asm__ volatile("la t0, 1f\n csrw mepc, t0\n mret\n1:" ::: "t0", "memory");
}
/* From VS or VU: straight back to M (needs the ECALL not delegated by medeleg). */
static void __attribute__((unused, noinline)) v_exit_m(void) {
  register u64 a0 __asm__("a0") = PRV_M;
  register u64 a7 __asm__("a7") = ECALL_SWITCH;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
}

/* Exceptions that M delegates to HS: everything except ECALL from HS (9, the runtime's way back
 * to M) and from M (11). */
#define MEDELEG_HS ((1ul << 0) | (1ul << 1) | (1ul << 2) | (1ul << 3) | (1ul << 4) | (1ul << 5) | \
  (1ul << 6) | (1ul << 7) | (1ul << 8) | (1ul << 10) | (1ul << 12) | (1ul << 13) | (1ul << 15) | \
  (1ul << 20) | (1ul << 21) | (1ul << 22) | (1ul << 23))

/* From M at the start of main: delegation, the VS trap vector and stack, then HS-mode. */
static void h_init(void) {
  mmio_write64(CLINT_MTIMECMP, ~0ull); /* keep MTIP clear */
  csr_write(medeleg, MEDELEG_HS);
  csr_write(mideleg, 0);
  csr_write(hedeleg, 0);
  csr_write(hideleg, 0);
  csr_write(hgatp, 0);
  csr_write(vsatp, 0);
  csr_write(vstvec, (u64)strap_entry);
  csr_write(vsscratch, (u64)vs_stack + sizeof vs_stack);
  csr_write(hcounteren, 0);
  csr_write(mcounteren, 0);
  enter_mode(PRV_S);
}

/* htinst on an exception: a pseudoinstruction (implicit VS-stage access) prints as is; for a
 * load/store exception the spec allows zero or the transformed instruction (QEMU 7.2 writes zero),
 * printed as "htinst.ok=1" when it is one of the two; everything else must be zero, printed as is. */
static void print_tinst(const char *label, u64 cause, u64 epc, u64 v) {
  int ldst = cause == 4 || cause == 5 || cause == 6 || cause == 7 || cause == 13 || cause == 15 ||
             cause == 21 || cause == 23;
  if (ldst && v != 0x3000 && v != 0x3020 && v != 0x2000 && v != 0x2020) {
    u32 in = *(volatile u32 *)epc; /* guest code is identity-mapped */
    u64 want = 0;
    if ((in & 3) == 3) {
      if ((in & 0x7f) == 0x03) want = in & 0x7fff;          /* load: funct3, rd, opcode */
      else if ((in & 0x7f) == 0x23) want = in & 0x01f0707f; /* store: rs2, funct3, opcode */
      else if ((in & 0x7f) == 0x73) want = in & 0xfff07fff; /* HLV/HSV: all but rs1 */
    }
    puts_(" "); puts_(label); puts_(".ok="); putc_(v == 0 || (want && v == want) ? '1' : '0');
    return;
  }
  puts_(" "); puts_(label); putc_('='); puthex(v);
}

/* Prints "name: hs.n=.. cause=.. tval=.. htval=.. htinst=.. gva=.. | vs.n=.. cause=.. tval=..". */
static void hreport(const char *name) {
  puts_(name); puts_(": hs.n="); puthex(hs.count);
  if (hs.count) {
    if (!hide_hs_cause) { puts_(" cause="); puthex(hs.cause); }
    if (!(hs.cause & IRQ)) {
      if (!hide_tval) { puts_(" tval="); puthex(hs.tval); }
      puts_(" htval="); puthex(hs.htval);
      print_tinst("htinst", hs.cause, hs.epc, hs.htinst); puts_(" gva="); putc_('0' + ((hs.hstatus >> 6) & 1));
      puts_(" spv="); putc_('0' + ((hs.hstatus >> 7) & 1)); puts_(" spp="); putc_('0' + ((hs.status >> 8) & 1));
    }
  }
  if (vs.count) {
    puts_(" vs.n="); puthex(vs.count); puts_(" cause="); puthex(vs.cause);
    if (!(vs.cause & IRQ)) { puts_(" tval="); puthex(vs.tval); }
    puts_(" spp="); putc_('0' + ((vs.status >> 8) & 1));
  }
  if (mx.count) {
    puts_(" m.n="); puthex(mx.count); puts_(" mcause="); puthex(mx.cause); puts_(" mtval="); puthex(mx.tval);
    if (!hide_m_hlv) { puts_(" mtval2="); puthex(mx.tval2); }
    print_tinst("mtinst", mx.cause, mx.epc, mx.tinst);
    puts_(" mpv="); putc_('0' + ((mx.status >> 39) & 1));
    /* mstatus.GVA only for traps that write an address to mtval: QEMU 7.2 sets GVA=1 for any
       trap from V=1 (e.g. illegal instruction), where the spec ("hstatus" GVA, and the same for
       mstatus.GVA) requires 0. */
    if (!hide_m_hlv && (mx.cause == 1 || mx.cause == 3 || (mx.cause >= 4 && mx.cause <= 7) || mx.cause == 12 ||
        mx.cause == 13 || mx.cause == 15 || mx.cause == 20 || mx.cause == 21 || mx.cause == 23)) {
      puts_(" gva="); putc_('0' + ((mx.status >> 38) & 1));
    }
  }
  putc_('\n');
  clear_traps();
  hide_hs_cause = hide_tval = hide_m_hlv = 0;
}

/* Guest accessors (callable in any mode). */
/* Not compressed, so that a transformed instruction in htinst can be checked. */
static inline u64 gld(u64 va) { u64 v = 0xdead; __asm__ volatile(".option push\n.option norvc\nld %0, 0(%1)\n.option pop" : "+r"(v) : "r"(va) : "memory"); return v; }
static inline void gsd(u64 va, u64 v) { __asm__ volatile(".option push\n.option norvc\nsd %0, 0(%1)\n.option pop" :: "r"(v), "r"(va) : "memory"); }
/* Calls code at va (a "li a0, N; ret" stub); a fetch fault resumes after the call. */
static __attribute__((unused, noinline)) u64 gcall(u64 va) {
  u64 r;
  __asm__ volatile("la t0, 1f\n sd t0, 0(%2)\n li a0, 0\n jalr %1\n1: mv %0, a0"
                   : "=r"(r) : "r"(va), "r"(&trap_resume) : "t0", "a0", "a1", "a2", "a3", "a4", "a5", "t1", "t2", "ra", "memory");
  trap_resume = 0;
  return r;
}
static inline void put_stub(u64 pa, u32 n) { /* li a0, n; ret */
  *(volatile u32 *)pa = 0x00000513u | (n << 20); *(volatile u32 *)(pa + 4) = 0x00008067u;
  __asm__ volatile("fence.i" ::: "memory");
}
static inline void hfence_gvma_all(void) { __asm__ volatile("hfence.gvma zero, zero" ::: "memory"); }
static inline void hfence_vvma_all(void) { __asm__ volatile("hfence.vvma zero, zero" ::: "memory"); }

/* End of a program: SHOW_ICOUNT builds (for measuring only) also print minstret. */
static void h_done(void) {
#ifdef SHOW_ICOUNT
  enter_mode(PRV_M);
  sig("minstret", csr_read(minstret));
#endif
  line("done");
}
#endif
