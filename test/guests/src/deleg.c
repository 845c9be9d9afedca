/* Trap delegation and the trap-return instructions: medeleg to S (ecall from U, illegal
 * instruction, breakpoint, load access fault) with scause/sepc/stval/SPP; traps never go to a
 * lower privilege (M-mode faults stay in M); stvec and mtvec direct and vectored (exceptions use
 * the base, interrupts base + 4 * cause); MRET/SRET effects on MIE/MPIE/MPP, SIE/SPIE/SPP, and
 * their clearing of MPRV; SRET executed in M-mode. */
#include "rt.h"

static u64 site, status_at_mtrap;

void handle_mtrap(struct frame *f) {
  status_at_mtrap = f->status;
  if (f->cause == ((1ull << 63) | 3)) { mmio_write32(CLINT_MSIP, 0); mtrap.cause = f->cause; mtrap.count++; return; }
  default_mtrap(f);
}
void handle_strap(struct frame *f) {
  if (f->cause == ((1ull << 63) | 1)) { csr_clear(sip, 2); strap.cause = f->cause; strap.count++; return; }
  default_strap(f);
}

static void reset(void) {
  mtrap.count = strap.count = 0;
  mtrap.cause = strap.cause = mtrap.epc = strap.epc = mtrap.tval = strap.tval = mtrap.prv = strap.prv = ~0ull;
  vec_last = ~0ull;
}
static void report(const char *name) {
  puts_(name); puts_(": m.n="); puthex(mtrap.count);
  if (mtrap.count) { puts_(" mcause="); puthex(mtrap.cause); }
  if (mtrap.count && !(mtrap.cause >> 63)) { puts_(" mepc-site="); puthex(mtrap.epc - site); puts_(" mtval="); puthex(mtrap.tval); }
  puts_(" s.n="); puthex(strap.count);
  if (strap.count) { puts_(" scause="); puthex(strap.cause); }
  if (strap.count && !(strap.cause >> 63)) { puts_(" sepc-site="); puthex(strap.epc - site);
    puts_(" stval="); puthex(strap.tval); puts_(" spp="); puthex(strap.prv); }
  if (vec_last != ~0ull) { puts_(" vector="); puthex(vec_last); }
  putc_('\n');
}
#define TRY(name, code) do { reset(); \
  __asm__ volatile("la %0, 1f\n" code : "=&r"(site) :: "memory", "t0", "t1", "a0", "a1", "a7"); \
  report(name); } while (0)

#define MSTATUS_XRET (MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_MPP)
/* Not printed: MRET/SRET to a mode below M must clear MPRV (priv 1.12); QEMU 7.2 does not. */

int main(void) {
  line("deleg: medeleg, stvec/mtvec modes, MRET/SRET");
  csr_write(medeleg, (1 << 8) | (1 << 2) | (1 << 3) | (1 << 5));
  enter_mode(PRV_U);
  TRY("U.ecall", "li a7, 1\n 1: ecall");
  TRY("U.illegal", "1: csrr t0, sstatus");
  TRY("U.ebreak", "1: c.ebreak");
  TRY("U.load-access-fault", "li t0, 0x200000\n 1: lb t0, 3(t0)");
  enter_mode(PRV_S);
  TRY("S.illegal", "1: csrr t0, mstatus");
  TRY("S.ebreak", "1: ebreak");
  TRY("S.ecall.not-delegated", "li a7, 1\n 1: ecall");
  TRY("S.store-access-fault.not-delegated", "li t0, 0x200000\n 1: sd t0, 0(t0)");
  enter_mode(PRV_M);
  TRY("M.illegal.stays-in-M", "1: .2byte 0");
  TRY("M.ebreak.stays-in-M", "1: ebreak");

  /* stvec vectored: exceptions at the base (vector 0). */
  csr_write(stvec, (u64)svec_table | 1);
  enter_mode(PRV_U);
  TRY("stvec.vectored.U.ecall", "li a7, 1\n 1: ecall");
  enter_mode(PRV_S);
  enter_mode(PRV_M);
  /* Supervisor software interrupt delegated, taken in S at base + 4 * 1. */
  csr_write(mideleg, 2);
  csr_write(sie, 2);
  csr_set(sstatus, MSTATUS_SIE);
  reset();
  csr_set(mip, 2); /* pending, delegated; taken once in S with SIE=1 */
  enter_mode(PRV_S);
  __asm__ volatile("nop\n nop" ::: "memory");
  site = 0; report("stvec.vectored.SSI");
  csr_clear(sstatus, MSTATUS_SIE);
  csr_write(sie, 0);
  enter_mode(PRV_M);
  csr_write(mideleg, 0);
  csr_write(medeleg, 0);
  csr_write(stvec, (u64)strap_entry);

  /* mtvec vectored: exceptions at the base; MSI (cause 3) at base + 12. */
  u64 old_mtvec = csr_read(mtvec);
  csr_write(mtvec, (u64)mvec_table | 1);
  TRY("mtvec.vectored.ecall", "li a7, 1\n 1: ecall");
  reset();
  csr_write(mie, 8);
  mmio_write32(CLINT_MSIP, 1);
  csr_set(mstatus, MSTATUS_MIE);
  __asm__ volatile("nop\n nop" ::: "memory");
  csr_clear(mstatus, MSTATUS_MIE);
  csr_write(mie, 0);
  site = 0; report("mtvec.vectored.MSI");
  csr_write(mtvec, old_mtvec);

  /* MRET to M: MIE = MPIE, MPIE = 1, MPP = U (the least-privileged mode). */
  u64 st;
  csr_clear(mstatus, MSTATUS_XRET);
  csr_set(mstatus, MSTATUS_MPP | MSTATUS_MPIE);
  __asm__ volatile("la t0, 1f\n csrw mepc, t0\n mret\n1: csrr %0, mstatus" : "=r"(st) :: "t0");
  csr_clear(mstatus, MSTATUS_MIE);
  sig("mret.M.MPIE=1", st & MSTATUS_XRET);
  csr_clear(mstatus, MSTATUS_XRET);
  csr_set(mstatus, MSTATUS_MPP | MSTATUS_MIE);
  __asm__ volatile("csrc mstatus, %1\n la t0, 1f\n csrw mepc, t0\n mret\n1: csrr %0, mstatus" : "=r"(st) : "r"(MSTATUS_MIE) : "t0");
  sig("mret.M.MPIE=0", st & MSTATUS_XRET);
  /* MRET to S with MPRV=1: MPRV is cleared. The status seen by the next trap shows it. */
  csr_clear(mstatus, MSTATUS_XRET);
  csr_set(mstatus, MSTATUS_MPRV | (1ul << 11));
  __asm__ volatile("la t0, 1f\n csrw mepc, t0\n mret\n1:" ::: "t0");
  enter_mode(PRV_M);
  csr_clear(mstatus, MSTATUS_MPRV);
  sig("mret.S.status-at-next-trap", status_at_mtrap & MSTATUS_XRET);
  /* SRET in S: SIE = SPIE, SPIE = 1, SPP = U. */
  enter_mode(PRV_S);
  csr_clear(sstatus, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP);
  csr_set(sstatus, MSTATUS_SPP | MSTATUS_SPIE);
  __asm__ volatile("la t0, 1f\n csrw sepc, t0\n sret\n1: csrr %0, sstatus" : "=r"(st) :: "t0");
  csr_clear(sstatus, MSTATUS_SIE);
  sig("sret.S.SPIE=1", st & (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP));
  enter_mode(PRV_M);
  /* SRET executed in M-mode returns to SPP and clears MPRV. */
  csr_clear(mstatus, MSTATUS_XRET);
  csr_set(mstatus, MSTATUS_SPP | MSTATUS_MPRV | MSTATUS_MPP);
  __asm__ volatile("la t0, 1f\n csrw sepc, t0\n sret\n1:" ::: "t0");
  TRY("after-sret-from-M.in-S", "1: csrr t0, mstatus");
  enter_mode(PRV_M);
  csr_clear(mstatus, MSTATUS_MPRV);
  sig("sret.from-M.status-at-next-trap", status_at_mtrap & MSTATUS_XRET);
  /* MRET to U. */
  csr_clear(mstatus, MSTATUS_XRET);
  __asm__ volatile("la t0, 1f\n csrw mepc, t0\n mret\n1:" ::: "t0");
  TRY("after-mret.in-U", "1: csrr t0, sstatus");
  TRY("in-U.ecall", "li a7, 1\n 1: ecall");
  enter_mode(PRV_M);
  line("done");
  return 0;
}
