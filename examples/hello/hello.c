// hello: hvscope's bundled example guest (`npm run demo`, and the debugger walkthrough).
// Runs in M-mode on QEMU `virt` with no firmware: prints a banner and what it sees of the machine
// (hart id, misa, mtime), computes something small through three levels of calls, echoes the
// console lines typed while it is stopped at `#BP echo`, powers off.
// The `#BP <name>` comments mark lines the debugger tests set breakpoints on: look the marker up,
// never hard-code the line number.
#include <stdint.h>

#define UART0_BASE   0x10000000UL  // ns16550a
#define UART_THR     0             // transmit holding register (write)
#define UART_RBR     0             // receiver buffer register (read)
#define UART_LSR     5             // line status register
#define UART_LSR_DR  0x01          // data ready: RBR holds a received byte
#define UART_LSR_THRE 0x20         // THR empty: ready for the next byte
#define SIFIVE_TEST  0x00100000UL  // SiFive test device: poweroff/fail
#define TEST_PASS    0x5555u       // FINISHER_PASS
#define TEST_FAIL    0x3333u       // FINISHER_FAIL, with the exit code in bits 31:16
#define CLINT_MTIME  0x0200bff8UL  // CLINT mtime, 64-bit, 10 MHz timebase on `virt`

#define csr_read(name) ({ uint64_t v_; __asm__ volatile("csrr %0, " #name : "=r"(v_)); v_; })

static void uart_putc(char c) {
  volatile uint8_t *uart = (volatile uint8_t *)UART0_BASE;
  while ((uart[UART_LSR] & UART_LSR_THRE) == 0) {
  }
  uart[UART_THR] = (uint8_t)c;
}

// The next received byte, or -1 when none arrives within `reads` polls of LSR.
static int uart_getc(unsigned long reads) {
  volatile uint8_t *uart = (volatile uint8_t *)UART0_BASE;
  for (; reads != 0; reads--) {
    if ((uart[UART_LSR] & UART_LSR_DR) != 0) return uart[UART_RBR];
  }
  return -1;
}

static void puts_(const char *s) {
  for (; *s != '\0'; s++) {
    if (*s == '\n') uart_putc('\r');
    uart_putc(*s);
  }
}

static void put_dec(uint64_t v) {
  char buf[21];
  int i = sizeof buf - 1;
  buf[i] = '\0';
  do {
    buf[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0);
  puts_(&buf[i]);
}

static void put_hex(uint64_t v) {
  puts_("0x");
  for (int shift = 60; shift >= 0; shift -= 4) uart_putc("0123456789abcdef"[(v >> shift) & 0xf]);
}

static uint64_t mtime(void) { return *(volatile uint64_t *)CLINT_MTIME; }

// Powers the machine off through the SiFive test device: status 0 = pass, else fail with the code.
// Called by start.S with main's result.
void __attribute__((noreturn)) power_off(int status) {
  volatile uint32_t *test = (volatile uint32_t *)SIFIVE_TEST;
  *test = status == 0 ? TEST_PASS : ((uint32_t)status << 16) | TEST_FAIL;
  for (;;) __asm__ volatile("wfi");
}

// Called by start.S's trap vector: no trap is expected, so report it and fail with status 2.
void __attribute__((noreturn)) trap_report(uint64_t mcause, uint64_t mepc, uint64_t mtval) {
  puts_("unexpected trap: mcause="); // #BP trap
  put_hex(mcause);
  puts_(" mepc=");
  put_hex(mepc);
  puts_(" mtval=");
  put_hex(mtval);
  puts_("\n");
  power_off(2);
}

// The computation: the longest Collatz chain below a limit, three calls deep
// (main -> longest_chain -> chain_length -> collatz_step) for stack-trace tests.
// noinline keeps the three frames at -O1.
static uint64_t __attribute__((noinline)) collatz_step(uint64_t n) {
  return (n & 1) != 0 ? 3 * n + 1 : n / 2; // #BP step
}

static unsigned __attribute__((noinline)) chain_length(uint64_t n) {
  unsigned steps = 0;
  while (n != 1) {
    n = collatz_step(n);
    steps++;
  }
  return steps;
}

struct longest {
  uint64_t start;
  unsigned steps;
};

static struct longest __attribute__((noinline)) longest_chain(uint64_t limit) {
  struct longest best = {1, 0};
  for (uint64_t n = 1; n < limit; n++) {
    unsigned steps = chain_length(n); // #BP loop
    if (steps > best.steps) {
      best.start = n;
      best.steps = steps;
    }
  }
  return best;
}

// The machine's view: misa's MXL and extension letters (bit 0 = 'a' ... bit 25 = 'z').
static void show_misa(void) {
  uint64_t misa = csr_read(misa);
  unsigned mxl = (unsigned)(misa >> 62);
  puts_(mxl == 1 ? "rv32" : mxl == 2 ? "rv64" : mxl == 3 ? "rv128" : "rv?");
  for (int bit = 0; bit < 26; bit++) {
    if ((misa >> bit) & 1) uart_putc((char)('a' + bit));
  }
}

// Waits until mtime has advanced by `ticks`; returns 0 if it does not within a bounded number of
// reads (a stuck timer must not hang the demo). mtime on `virt` runs at 10 MHz: in QEMU it follows
// the host clock, in hvscope retired instructions, so only the fact that it advances is printed.
static int wait_ticks(uint64_t ticks) {
  uint64_t start = mtime();
  for (unsigned reads = 0; reads < 1000000; reads++) {
    if (mtime() - start >= ticks) return 1;
  }
  return 0;
}

// The console: lines typed before the guest gets here (in the debugger's console terminal while
// stopped at `#BP echo`) are echoed back, one by one. With no input the
// guest goes on after a short wait, so the demo and the tests run to the end untouched; an empty
// line, or a longer silence after a line, ends the echo. Polling, not interrupts: the example
// stays one file of straight-line code.
#define ECHO_FIRST_READS 200000UL   // short: nothing typed ahead means no echo session
#define ECHO_NEXT_READS  20000000UL // longer: room to type the next line
#define ECHO_LINE_MAX    72

static unsigned __attribute__((noinline)) echo_lines(void) {
  char line[ECHO_LINE_MAX + 1];
  unsigned len = 0, lines = 0;
  int prev = 0;
  unsigned long reads = ECHO_FIRST_READS;
  for (;;) {
    int c = uart_getc(reads);
    if (c < 0) break;
    reads = ECHO_NEXT_READS;
    if (c == '\n' && prev == '\r') { prev = c; continue; } // CR LF is one line end
    prev = c;
    if (c == '\r' || c == '\n') {
      if (len == 0) break; // an empty line ends the echo
      line[len] = '\0';
      puts_("  echo    : ");
      puts_(line);
      puts_("\n");
      lines++;
      len = 0;
    } else if (c == 0x7f || c == '\b') {
      if (len > 0) len--; // backspace
    } else if (len < ECHO_LINE_MAX && c >= ' ' && c < 0x7f) {
      line[len++] = (char)c;
    }
  }
  return lines;
}

#define COLLATZ_LIMIT 300
#define WAIT_TICKS 1000 // 100 us at 10 MHz

int main(void) {
  puts_("\nhello from hvscope's example guest\n"); // #BP main
  puts_("  hart    : ");
  put_dec(csr_read(mhartid));
  puts_(" (mhartid)\n  isa     : ");
  show_misa();
  puts_(" (misa)\n  mtime   : ");
  int advancing = 1;
  for (int i = 0; i < 3; i++) advancing &= wait_ticks(WAIT_TICKS);
  puts_(advancing ? "advancing, waited 3 x " : "STUCK, did not advance by ");
  put_dec(WAIT_TICKS);
  puts_(" ticks (10 MHz timebase)\n");

  struct longest best = longest_chain(COLLATZ_LIMIT);
  puts_("  compute : the longest Collatz chain below ");
  put_dec(COLLATZ_LIMIT);
  puts_(" starts at ");
  put_dec(best.start);
  puts_(" (");
  put_dec(best.steps);
  puts_(" steps)\n");

  puts_("  console : lines typed now are echoed (type while stopped here, then continue)\n");
  unsigned echoed = echo_lines(); // #BP echo
  if (echoed != 0) {
    puts_("  console : ");
    put_dec(echoed);
    puts_(echoed == 1 ? " line echoed\n" : " lines echoed\n");
  }

  int ok = best.start == 231 && best.steps == 127;
  puts_(ok ? "bye: powering off with status 0\n" : "bye: WRONG RESULT, powering off with status 1\n"); // #BP done
  return ok ? 0 : 1;
}
