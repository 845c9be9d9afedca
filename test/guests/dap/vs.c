// dap-vs: the DAP tests' guest for the embedded hypervisor (test/integration/dap). An S-mode
// kernel entered in VS-mode at 0x8020_0000 (a0 = hart id, a1 = FDT). It writes to the console
// through SBI DBCN and through the emulated UART (MMIO: guest-page-fault exits), runs the same
// computation as dap-bare (three levels of calls, `counter`, `watched`), executes an illegal
// instruction and a hypervisor CSR read (a virtual-instruction exit; the hypervisor injects an
// illegal-instruction trap), turns on Sv39 in its satp (a virtual-instruction exit in shadow
// paging) and takes a load page fault that its handler fixes, waits in WFI for an SBI timer
// (set_timer; a WFI exit, then a supervisor timer interrupt), and powers off with SBI SRST.
// Lines the tests use carry `#BP <name>` markers: tests look them up.
#include "common.h"

#define UART0 0x10000000ul
#define UART_LSR_THRE 0x20
#define SBI_EXT_TIME 0x54494D45ul // "TIME"
#define SBI_EXT_SRST 0x53525354ul // "SRST"
#define SBI_EXT_DBCN 0x4442434Eul // "DBCN"
#define SSTATUS_SIE (1u << 1)
#define SIE_STIE (1u << 5)

volatile u64 counter;
volatile u64 watched;
volatile u64 trap_count;
volatile u64 last_cause;
volatile u64 timer_fired;
volatile u64 fault_value;
static u64 root[512] __attribute__((aligned(4096)));  // the guest's own Sv39 root table

struct sbiret {
  long error;
  long value;
};

static struct sbiret sbi_call(u64 ext, u64 fid, u64 a0, u64 a1, u64 a2) {
  register u64 r0 __asm__("a0") = a0;
  register u64 r1 __asm__("a1") = a1;
  register u64 r2 __asm__("a2") = a2;
  register u64 r6 __asm__("a6") = fid;
  register u64 r7 __asm__("a7") = ext;
  __asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
  return (struct sbiret){(long)r0, (long)r1};
}

static u64 strlen_(const char *s) {
  u64 n = 0;
  while (s[n]) n++;
  return n;
}

// SBI DBCN console_write: the buffer's guest-physical address (identity-mapped here).
static void dbcn_puts(const char *s) {
  sbi_call(SBI_EXT_DBCN, 0, strlen_(s), (u64)s, 0);
}

static void uart_puts(const char *s) {
  volatile uint8_t *uart = (volatile uint8_t *)UART0;
  for (; *s; s++) {
    while ((uart[5] & UART_LSR_THRE) == 0) {
    }
    uart[0] = (uint8_t)*s;
  }
}

static void sbi_set_timer(u64 when) {
  sbi_call(SBI_EXT_TIME, 0, when, 0, 0);
}

void __attribute__((noreturn)) power_off(int status) {
  sbi_call(SBI_EXT_SRST, 0, 0, status == 0 ? 0 : 1, 0); // shutdown; reason: none / system failure
  for (;;) __asm__ volatile("wfi");
}

static u64 NOINLINE level3(u64 x) {
  u64 r = x * 3 + 1; // #BP level3
  return r;
}

static u64 NOINLINE level2(u64 x) {
  return level3(x + 1) + 1; // #BP level2
}

static u64 NOINLINE level1(u64 x) {
  u64 v = level2(x); // #BP level1
  return v;
}

static u64 insn_len(u64 pc) {
  return (*(volatile uint16_t *)pc & 3) == 3 ? 4 : 2;
}

void trap_handler(struct frame *f) {
  trap_count++;
  last_cause = f->cause; // #BP handler
  if ((int64_t)f->cause < 0) {
    // Supervisor timer interrupt (the SBI timer): silence it.
    sbi_set_timer(~0ull);
    timer_fired = 1;
    return;
  }
  switch (f->cause) {
  case 2: // illegal instruction (also the hypervisor's answer to a virtual-instruction exit)
    f->epc += insn_len(f->epc);
    return;
  case 13: // load page fault: map FAULT_VA's gigapage, retry
    root[FAULT_VA >> 30] = GIGAPAGE(0x80000000ul, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D); // #BP map_fault
    __asm__ volatile("sfence.vma" ::: "memory");
    return;
  default:
    dbcn_puts("dap-vs: unexpected trap\n");
    power_off(3);
  }
}

int main(u64 hartid, u64 fdt) {
  dbcn_puts("dap-vs: hello over SBI DBCN\n"); // #BP main
  uart_puts("dap-vs: uart\n"); // #BP mmio
  u64 sum = 0;
  for (counter = 0; counter < 5; counter++) {
    sum += level1(counter); // #BP loop

    // #BP comment: a comment line; a breakpoint here moves to the next line with code
    sum += 1; // #BP after_comment
  }
  watched = sum; // #BP watch
  sum += watched; // #BP after_watch
  __asm__ volatile(".option push\n.option norvc\nunimp\n.option pop"); // #BP illegal
  u64 hg;
  __asm__ volatile(".option push\n.option arch, +h\ncsrr %0, hgatp\n.option pop" : "=r"(hg)); // #BP vinsn
  // Sv39 in the guest's satp: RAM and devices identity-mapped as gigapages, FAULT_VA not yet.
  root[0] = GIGAPAGE(0x0ul, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
  root[2] = GIGAPAGE(0x80000000ul, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
  csr_write(satp, SATP_SV39 | ((u64)root >> 12)); // #BP satp
  __asm__ volatile("sfence.vma" ::: "memory");
  fault_value = *(volatile uint32_t *)FAULT_VA; // #BP fault
  // WFI until the SBI timer fires (a WFI exit; then the timer interrupt).
  csr_set(sie, SIE_STIE);
  sbi_set_timer(csr_read(time) + 100);
  // WFI with interrupts off wakes when the interrupt is pending; it is taken when they go on
  // (no window between the check and the WFI in which it could be missed).
  while (!timer_fired) {
    __asm__ volatile("wfi"); // #BP wfi
    csr_set(sstatus, SSTATUS_SIE);
    csr_clear(sstatus, SSTATUS_SIE);
  }
  int ok = sum == 120 && watched == 60 && trap_count == 4 && fault_value == *(volatile uint32_t *)0x80000000ul && hartid == 0 && fdt != 0;
  dbcn_puts(ok ? "dap-vs: ok\n" : "dap-vs: WRONG\n"); // #BP done
  return ok ? 0 : 1;
}
