/* Compiled C (-Os, RV64IMAC): the compiler's choice of compressed and uncompressed instructions
 * in realistic code: sieve, CRC-32, quicksort, recursion, a switch jump table, 64-bit hashing,
 * struct copies and signed/unsigned narrowing. Prints checksums. */
#include "rt.h"

static uint8_t sieve_buf[10000];
static u32 crc_table[256];
static s32 arr[300];

static u32 sieve(void) {
  u32 n = 0;
  memset(sieve_buf, 1, sizeof sieve_buf);
  for (u32 i = 2; i < sizeof sieve_buf; i++) {
    if (!sieve_buf[i]) continue;
    n++;
    for (u32 j = i * i; j < sizeof sieve_buf; j += i) sieve_buf[j] = 0;
  }
  return n;
}

static u32 crc32(const uint8_t *p, unsigned n) {
  for (u32 i = 0; i < 256; i++) {
    u32 c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_table[i] = c;
  }
  u32 c = 0xffffffffu;
  while (n--) c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
  return ~c;
}

static void qsort_(s32 *a, int lo, int hi) {
  while (lo < hi) {
    s32 pivot = a[(lo + hi) / 2];
    int i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) { s32 t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (j - lo < hi - i) { qsort_(a, lo, j); lo = i; } else { qsort_(a, i, hi); hi = j; }
  }
}

static u64 fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static u64 __attribute__((noinline)) vm(const uint8_t *code, u64 x) {
  u64 acc = x;
  for (;;) {
    switch (*code++) {
    case 0: return acc;
    case 1: acc += *code++; break;
    case 2: acc *= 3; break;
    case 3: acc ^= acc >> 7; break;
    case 4: acc = (acc << 13) | (acc >> 51); break;
    case 5: acc -= 0x9e3779b97f4a7c15ull; break;
    case 6: acc = (u64)(s64)(s32)acc; break;
    case 7: acc = acc / 7 + acc % 7; break;
    default: acc = ~acc; break;
    }
  }
}

struct rec { u64 a; u32 b; uint16_t c; int8_t d; char name[13]; };

int main(void) {
  line("cprog: compiled C");
  sig("sieve.primes<10000", sieve());
  sig("crc32.sieve", crc32(sieve_buf, sizeof sieve_buf));
  u32 seed = 12345;
  for (int i = 0; i < 300; i++) { seed = seed * 1103515245u + 12345u; arr[i] = (s32)seed >> 3; }
  qsort_(arr, 0, 299);
  int sorted = 1; u64 h = 0;
  for (int i = 0; i < 300; i++) { if (i && arr[i - 1] > arr[i]) sorted = 0; h = h * 31 + (u64)(s64)arr[i]; }
  sig("qsort.sorted", sorted); sig("qsort.hash", h);
  sig("qsort.min", (u64)(s64)arr[0]); sig("qsort.max", (u64)(s64)arr[299]);
  sig("fib.20", fib(20));
  static const uint8_t prog[] = { 1, 200, 2, 3, 4, 5, 6, 7, 8, 2, 3, 1, 7, 4, 7, 6, 0 };
  u64 x = 1;
  for (int i = 0; i < 50; i++) x = vm(prog, x + (u64)i);
  sig("vm", x);
  struct rec r1 = { 0x1122334455667788ull, 0xdeadbeef, 0xcafe, -5, "hvscope-rec" }, r2;
  r2 = r1; r2.d = (int8_t)(r2.d * 3);
  sig("rec.a", r2.a); sig("rec.b", r2.b); sig("rec.c", r2.c); sig("rec.d", (u64)(s64)r2.d);
  sig("rec.name", *(u64 *)r2.name);
  u64 m = 0x0123456789abcdefull;
  sig("narrow.s8", (u64)(s64)(int8_t)m); sig("narrow.s16", (u64)(s64)(int16_t)(m >> 8));
  sig("narrow.u16", (u64)(uint16_t)(m >> 24)); sig("narrow.s32", (u64)(s64)(s32)(m << 4));
  sig("div.s", (u64)((s64)-1000000007 / 37)); sig("mod.s", (u64)((s64)-1000000007 % 37));
  line("PASS");
  return 0;
}
