/* Interrupts: machine timer (CLINT mtimecmp), machine software (msip), supervisor software
 * (mip.SSIP), supervisor timer delegated through mideleg, priorities when several are pending
 * (MSI > MTI, SSI > STI), global enables per privilege (M-level always enabled below M; S-level
 * delegated ones never taken in M), WFI wake-up with MIE=0. Prints only which causes were taken
 * and in what order, never times or the interrupted pc. */
#include "rt.h"

#define IRQ(n) ((1ull << 63) | (n))
static volatile u64 log_[16];
static volatile int nlog;
static volatile u64 where[16];

static void note(u64 cause, int mode) { if (nlog < 16) { where[nlog] = (u64)mode; log_[nlog++] = cause; } }

void handle_mtrap(struct frame *f) {
  switch (f->cause) {
  case IRQ(3): mmio_write32(CLINT_MSIP, 0); note(f->cause, 3); return;
  case IRQ(7): mmio_write64(CLINT_MTIMECMP, ~0ull); note(f->cause, 3); return;
  case IRQ(1): csr_clear(mip, 2); note(f->cause, 3); return;
  case IRQ(5): csr_clear(mip, 0x20); note(f->cause, 3); return;
  default: default_mtrap(f);
  }
}
void handle_strap(struct frame *f) {
  switch (f->cause) {
  case IRQ(1): csr_clear(sip, 2); note(f->cause, 1); return;
  case IRQ(5): csr_clear(sie, 0x20); note(f->cause, 1); return; /* STIP is read-only in sip */
  default: default_strap(f);
  }
}

static void show(const char *name) {
  puts_(name); puts_(": taken="); puthex((u64)nlog);
  for (int i = 0; i < nlog; i++) { puts_(i ? ", " : " "); puthex(log_[i]); puts_(where[i] == 3 ? "@M" : "@S"); }
  putc_('\n');
  nlog = 0;
}
static void spin(void) { for (volatile int i = 0; i < 50; i++) { } }
static void wait_taken(int n) { for (int i = 0; i < 1000 && nlog < n; i++) __asm__ volatile("wfi"); }

int main(void) {
  line("interrupts: CLINT, mip, mideleg, priorities, WFI");
  mmio_write64(CLINT_MTIMECMP, ~0ull);
  csr_write(mie, 0); csr_write(mideleg, 0);

  /* Machine timer: due shortly; wait with WFI. */
  csr_write(mie, 1 << 7);
  mmio_write64(CLINT_MTIMECMP, mmio_read64(CLINT_MTIME) + 2000);
  csr_set(mstatus, MSTATUS_MIE);
  wait_taken(1);
  csr_clear(mstatus, MSTATUS_MIE);
  show("MTI");
  /* Machine software interrupt through the CLINT. */
  csr_write(mie, 1 << 3);
  mmio_write32(CLINT_MSIP, 1);
  sig("msip.read", mmio_read32(CLINT_MSIP));
  csr_set(mstatus, MSTATUS_MIE); spin(); csr_clear(mstatus, MSTATUS_MIE);
  show("MSI");
  /* Supervisor software interrupt, not delegated: taken in M. */
  csr_write(mie, 1 << 1);
  csr_set(mip, 2);
  csr_set(mstatus, MSTATUS_MIE); spin(); csr_clear(mstatus, MSTATUS_MIE);
  show("SSI.not-delegated");

  /* Priorities (priv spec: MEI, MSI, MTI, SEI, SSI, STI). Tested within the M-level pair and the
   * S-level pair only: QEMU 7.2 without AIA takes the lowest-numbered pending cause first, so it
   * would take SSI before MSI, which the spec orders the other way. */
  csr_write(mie, (1 << 3) | (1 << 7));
  mmio_write32(CLINT_MSIP, 1);
  mmio_write64(CLINT_MTIMECMP, 0);
  for (int i = 0; i < 1000 && !(csr_read(mip) & 0x80); i++) { }
  sig("pending.MSI+MTI", csr_read(mip) & 0xaaa);
  csr_set(mstatus, MSTATUS_MIE); spin(); csr_clear(mstatus, MSTATUS_MIE);
  show("priority.MSI+MTI");
  csr_write(mie, (1 << 1) | (1 << 5));
  csr_set(mip, 0x22);
  sig("pending.SSI+STI", csr_read(mip) & 0xaaa);
  csr_set(mstatus, MSTATUS_MIE); spin(); csr_clear(mstatus, MSTATUS_MIE);
  show("priority.SSI+STI");

  /* M-level interrupts are enabled in S regardless of mstatus.MIE. */
  csr_write(mie, 1 << 3);
  mmio_write32(CLINT_MSIP, 1);
  spin();
  show("MSI.in-M.MIE=0");
  enter_mode(PRV_S);
  spin();
  enter_mode(PRV_M);
  show("MSI.in-S.MIE=0");

  /* Delegated SSI: not taken in M even with MIE=1; in S only with SIE=1; in U always. */
  csr_write(mideleg, 0x22);
  csr_write(mie, 0x22);
  csr_set(mip, 2);
  csr_set(mstatus, MSTATUS_MIE); spin(); csr_clear(mstatus, MSTATUS_MIE);
  show("SSI.delegated.in-M");
  csr_clear(mstatus, MSTATUS_SIE);
  enter_mode(PRV_S);
  spin();
  enter_mode(PRV_M);
  show("SSI.delegated.in-S.SIE=0");
  enter_mode(PRV_U);
  spin();
  enter_mode(PRV_S);
  enter_mode(PRV_M);
  show("SSI.delegated.in-U");
  /* Delegated STI (mip.STIP set by M), taken in S with SIE=1. */
  csr_set(mip, 0x20);
  enter_mode(PRV_S);
  csr_set(sstatus, MSTATUS_SIE);
  spin();
  csr_clear(sstatus, MSTATUS_SIE);
  enter_mode(PRV_M);
  csr_clear(mip, 0x20);
  show("STI.delegated.in-S");
  /* Both delegated S interrupts pending in S: SSI before STI. */
  csr_write(mie, 0x22);
  csr_set(mip, 0x22);
  enter_mode(PRV_S);
  csr_set(sstatus, MSTATUS_SIE);
  spin();
  csr_clear(sstatus, MSTATUS_SIE);
  enter_mode(PRV_M);
  csr_clear(mip, 0x22);
  show("SSI+STI.delegated.in-S");
  csr_write(mideleg, 0);

  /* WFI wakes up on a pending enabled interrupt even with MIE=0, and no trap is taken. */
  csr_write(mie, 1 << 7);
  mmio_write64(CLINT_MTIMECMP, mmio_read64(CLINT_MTIME) + 1000);
  int i = 0;
  while (!(csr_read(mip) & 0x80) && i < 1000) { __asm__ volatile("wfi"); i++; }
  sig("wfi.MTIP", (csr_read(mip) >> 7) & 1);
  mmio_write64(CLINT_MTIMECMP, ~0ull);
  show("wfi.MIE=0");
  csr_write(mie, 0);
  line("done");
  return 0;
}
