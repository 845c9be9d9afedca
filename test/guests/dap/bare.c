// dap-bare: the bare-machine guest of the DAP tests (test/integration/dap). M-mode on QEMU `virt`
// with no firmware. It computes a sum through three levels of calls in a loop (stack traces,
// stepping, conditional and hit-count breakpoints, logpoints on `counter`), writes the global
// `watched` (data breakpoints), takes one trap of each class on purpose and handles it in
// trap_handler (illegal instruction, breakpoint, misaligned AMO, load access fault, machine timer
// interrupt), runs an S-mode part under Sv39 that takes a load page fault (mapped by the handler,
// then retried) and an ecall, and a U-mode part that makes an ecall. Powers off with 0 when all
// went as expected. Lines the tests use carry `#BP <name>` markers: tests look them up.
#include "common.h"

#define UART0 0x10000000ul        // ns16550a
#define UART_LSR_THRE 0x20
#define SIFIVE_TEST 0x00100000ul  // poweroff/fail
#define CLINT_MTIMECMP 0x02004000ul
#define CLINT_MTIME 0x0200bff8ul
#define MSTATUS_MIE (1u << 3)
#define MIE_MTIE (1u << 7)
#define ECALL_EXIT_LOWER 0x99     // a7 of the ecall that ends run_lower
#define ECALL_ADD_ONE 1           // a7 of the ecall that returns a0 + 1

void run_lower(void (*fn)(void), int mode);
void lower_return(void);

volatile u64 counter;             // the loop counter (logpoints, conditions)
volatile u64 watched;             // written once, at the `watch` marker (data breakpoints)
volatile u64 trap_count;
volatile u64 last_cause;
volatile u64 timer_fired;
volatile u64 fault_value;
volatile u64 ecall_result;
static u64 root[512] __attribute__((aligned(4096)));  // the S-mode part's Sv39 root table

static void putc_(char c) {
  volatile uint8_t *uart = (volatile uint8_t *)UART0;
  while ((uart[5] & UART_LSR_THRE) == 0) {
  }
  uart[0] = (uint8_t)c;
}

static void puts_(const char *s) {
  while (*s) putc_(*s++);
}

static void put_hex(u64 v) {
  for (int shift = 60; shift >= 0; shift -= 4) putc_("0123456789abcdef"[(v >> shift) & 0xf]);
}

void __attribute__((noreturn)) power_off(int status) {
  volatile uint32_t *test = (volatile uint32_t *)SIFIVE_TEST;
  *test = status == 0 ? 0x5555u : ((uint32_t)status << 16) | 0x3333u;
  for (;;) __asm__ volatile("wfi");
}

// Three levels of calls: main -> level1 -> level2 -> level3.
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

// Length in bytes of the instruction at pc (16-bit compressed or 32-bit).
static u64 insn_len(u64 pc) {
  return (*(volatile uint16_t *)pc & 3) == 3 ? 4 : 2;
}

void trap_handler(struct frame *f) {
  trap_count++;
  last_cause = f->cause; // #BP handler
  if ((int64_t)f->cause < 0) {
    // Machine timer interrupt: silence it.
    *(volatile u64 *)CLINT_MTIMECMP = ~0ull;
    timer_fired = 1;
    return;
  }
  switch (f->cause) {
  case 2: // illegal instruction
  case 3: // breakpoint
  case 4: // load address misaligned (QEMU reports a misaligned AMO so)
  case 5: // load access fault
  case 6: // store/AMO address misaligned
    f->epc += insn_len(f->epc);
    return;
  case 13: // load page fault from the S-mode part: map the gigapage and retry
    root[FAULT_VA >> 30] = GIGAPAGE(0x80000000ul, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D); // #BP map_fault
    __asm__ volatile("sfence.vma" ::: "memory");
    return;
  case 8: // ecall from U
  case 9: // ecall from S
    if (f->x[17] == ECALL_EXIT_LOWER) {
      f->epc = (u64)lower_return;
      f->status |= 3ull << 11; // MPP = M
    } else {
      f->x[10] += 1;
      f->epc += 4;
    }
    return;
  default:
    puts_("dap-bare: unexpected trap, mcause=");
    put_hex(f->cause);
    puts_(" mepc=");
    put_hex(f->epc);
    puts_("\n");
    power_off(3);
  }
}

static void lower_exit(void) {
  register u64 a7 __asm__("a7") = ECALL_EXIT_LOWER;
  __asm__ volatile("ecall" ::"r"(a7) : "memory");
}

static u64 ecall_add_one(u64 v) {
  register u64 a0 __asm__("a0") = v;
  register u64 a7 __asm__("a7") = ECALL_ADD_ONE;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
  return a0;
}

// S-mode under Sv39: the first load from FAULT_VA page-faults (the handler maps it).
static void s_part(void) {
  fault_value = *(volatile uint32_t *)FAULT_VA; // #BP s_fault
  ecall_result = ecall_add_one(41); // #BP s_ecall
  lower_exit();
}

// U-mode with satp Bare (PMP entry 0 allows everything): one ecall.
static void u_part(void) {
  ecall_result += ecall_add_one(1); // #BP u_ecall
  lower_exit();
}

static void take_traps(void) {
  __asm__ volatile(".option push\n.option norvc\nunimp\n.option pop"); // #BP illegal
  __asm__ volatile("ebreak"); // #BP ebreak
  static u64 aligned[2];
  __asm__ volatile("amoadd.w zero, zero, (%0)" ::"r"((char *)aligned + 2) : "memory"); // #BP misaligned
  (void)*(volatile uint32_t *)0x0ul; // #BP access_fault
  // A machine timer interrupt: mtimecmp shortly after now, wait for it.
  *(volatile u64 *)CLINT_MTIMECMP = *(volatile u64 *)CLINT_MTIME + 50;
  csr_set(mie, MIE_MTIE);
  // WFI with interrupts off wakes when the interrupt is pending; it is taken when they go on
  // (no window between the check and the WFI in which it could be missed).
  while (!timer_fired) {
    __asm__ volatile("wfi"); // #BP wfi
    csr_set(mstatus, MSTATUS_MIE);
    csr_clear(mstatus, MSTATUS_MIE);
  }
  csr_clear(mie, MIE_MTIE);
}

int main(void) {
  puts_("dap-bare: start\n"); // #BP main
  // PMP entry 0: NAPOT over everything, RWX, so that S and U may access memory.
  csr_write(pmpaddr0, ~0ull >> 10);
  csr_write(pmpcfg0, 0x1f);
  u64 sum = 0;
  for (counter = 0; counter < 5; counter++) {
    sum += level1(counter); // #BP loop

    // #BP comment: a comment line; a breakpoint here moves to the next line with code
    sum += 1; // #BP after_comment
  }
  watched = sum; // #BP watch
  sum += watched; // #BP after_watch
  take_traps();
  // Sv39 for the S-mode part: RAM and the devices identity-mapped as gigapages, FAULT_VA not yet.
  root[0] = GIGAPAGE(0x0ul, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
  root[2] = GIGAPAGE(0x80000000ul, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
  csr_write(satp, SATP_SV39 | ((u64)root >> 12));
  __asm__ volatile("sfence.vma" ::: "memory");
  run_lower(s_part, 1); // #BP run_s
  csr_write(satp, 0);
  __asm__ volatile("sfence.vma" ::: "memory");
  run_lower(u_part, 0); // #BP run_u
  int ok = sum == 120 && watched == 60 && trap_count == 10 && fault_value == *(volatile uint32_t *)0x80000000ul && ecall_result == 44;
  puts_(ok ? "dap-bare: ok\n" : "dap-bare: WRONG\n"); // #BP done
  return ok ? 0 : 1;
}
