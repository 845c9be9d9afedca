/* A floating-point-heavy kernel for `npm run bench` (issue "F and D": interpreter MIPS next to
 * QEMU's): double-precision fused multiply-adds, divisions and square roots in a loop whose result
 * is printed as a checksum, so both emulators must compute the same bits. */
typedef unsigned long u64;
#define UART ((volatile unsigned char *)0x10000000)
static void putc_(char c) { while ((UART[5] & 0x20) == 0) {} UART[0] = c; }
static void puts_(const char *s) { while (*s) putc_(*s++); }
static void puthex(u64 v) { for (int i = 60; i >= 0; i -= 4) putc_("0123456789abcdef"[(v >> i) & 15]); }

#ifndef N
#define N 1000000
#endif

int main(void) {
  double a[64], b[64];
  for (int i = 0; i < 64; i++) { a[i] = 1.0 + i * 0.015625; b[i] = 2.0 - i * 0.0078125; }
  double acc = 0.0, r = 1.0;
  for (int n = 0; n < N; n++) {
    for (int i = 0; i < 64; i += 4) {
      acc = __builtin_fma(a[i], b[i], acc);
      acc = __builtin_fma(a[i + 1], b[i + 1], acc) * 0.999999;
      r = r * 0.5 + a[i + 2] / (b[i + 3] + 1.0);
      a[i + 3] = __builtin_sqrt(r + a[i]);
    }
  }
  union { double d; u64 u; } x = { acc }, y = { r };
  u64 instret;
  __asm__ volatile("csrr %0, minstret" : "=r"(instret));
  /* instret: exact on hvscope; QEMU without -icount returns host ticks there, so the benchmark
     takes the count from hvscope's run (the same binary retires the same instructions). */
  puts_("fpbench acc="); puthex(x.u); puts_(" r="); puthex(y.u); puts_(" instret="); puthex(instret); puts_("\n");
  return 0;
}
