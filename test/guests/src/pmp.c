/* Physical memory protection: NA4, NAPOT and TOR regions with R/W/X from S and U, the lowest
 * matching entry wins, S/U denied when no entry matches, M-mode unaffected by unlocked entries,
 * MPRV making M-mode accesses use MPP's privilege, locked entries restricting M-mode and ignoring
 * later writes. Needs 4-byte PMP granularity (QEMU: G=0) and at least 8 entries. */
#include "rt.h"

#define OFF 0
#define TOR (1 << 3)
#define NA4 (2 << 3)
#define NAPOT (3 << 3)
#define L (1 << 7)
#define PR 1
#define PW 2
#define PX 4

static u64 pages[5][512] __attribute__((aligned(4096)));

static void clear(void) { mtrap.count = 0; }
static void fault(const char *name) {
  puts_(name); puts_(": n="); puthex(mtrap.count);
  if (mtrap.count) { puts_(" mcause="); puthex(mtrap.cause); puts_(" mtval="); puthex(mtrap.tval); puts_(" mpp="); puthex(mtrap.prv); }
  putc_('\n'); clear();
}
static u64 ld(u64 a) { u64 v = 0xdead; __asm__ volatile("ld %0, 0(%1)" : "+r"(v) : "r"(a) : "memory"); return v; }
static u64 lw(u64 a) { u64 v = 0xdead; __asm__ volatile("lw %0, 0(%1)" : "+r"(v) : "r"(a) : "memory"); return v; }
static void sw(u64 a, u64 v) { __asm__ volatile("sw %0, 0(%1)" :: "r"(v), "r"(a) : "memory"); }
static u64 cfg(int i, u64 c) { return c << (8 * i); }
static u64 napot(u64 base, u64 size) { return (base >> 2) | ((size >> 3) - 1); }

int main(void) {
  line("pmp: NA4, NAPOT, TOR, priority, no-match, MPRV, lock");
  for (int p = 0; p < 5; p++) for (int i = 0; i < 512; i++) pages[p][i] = 0x0101010101010101ull * (u64)(p + 1) + (u64)i;
  u64 P = (u64)pages[0], Q = (u64)pages[1], T = (u64)pages[2], K = (u64)pages[3];
  csr_write(pmpaddr0, P >> 2);                 /* NA4: the first word of P, read-only */
  csr_write(pmpaddr1, napot(Q, 4096));          /* NAPOT 4K: Q, no access */
  csr_write(pmpaddr2, T >> 2);                  /* TOR [T, T + 4K): read-only */
  csr_write(pmpaddr3, (T + 4096) >> 2);
  csr_write(pmpaddr4, napot(P, 4096));          /* NAPOT 4K over P: RW (behind entry 0) */
  csr_write(pmpaddr6, napot(0x80000000ul, 0x10000000ul)); /* RAM: RWX */
  csr_write(pmpaddr7, ~0ull);                   /* everything else (MMIO): RW */
  u64 c = cfg(0, NA4 | PR) | cfg(1, NAPOT) | cfg(2, OFF) | cfg(3, TOR | PR) | cfg(4, NAPOT | PR | PW) |
          cfg(5, OFF) | cfg(6, NAPOT | PR | PW | PX) | cfg(7, NAPOT | PR | PW);
  csr_write(pmpcfg0, c);
  sig("pmpcfg0", csr_read(pmpcfg0));
  sig("pmpaddr1", csr_read(pmpaddr1));
  sig("pmpaddr3", csr_read(pmpaddr3));
  csr_write(mscratch, csr_read(mscratch));
  __asm__ volatile("sfence.vma" ::: "memory");

  for (int prv = PRV_S; prv >= PRV_U; prv--) {
    const char *m = prv == PRV_S ? "S" : "U";
    enter_mode(prv);
    puts_(m); sig(".na4.load", lw(P)); fault("na4.load");
    sw(P, 7); fault("na4.store");
    puts_(m); sig(".na4.next-word.load", lw(P + 4)); fault("na4.next-word.load(entry 4)");
    sw(P + 8, 7); fault("na4.next-word.store(entry 4)");
    ld(Q); fault("napot.none.load");
    sw(Q + 4092, 1); fault("napot.none.store-last-word");
    puts_(m); sig(".tor.load", ld(T + 4088)); fault("tor.load");
    sw(T, 1); fault("tor.store");
    puts_(m); sig(".tor.above", ld(T + 4096)); fault("tor.above(entry 6)");
    enter_mode(PRV_M);
  }
  /* No matching entry: entry 7 off, MMIO unreachable from S (UART would be 0x10000000). */
  csr_write(pmpcfg0, c & ~cfg(7, 0xff));
  enter_mode(PRV_S);
  lw(0x00101000);
  enter_mode(PRV_M); /* (the UART is unreachable from S now: print from M) */
  csr_write(pmpcfg0, c);
  fault("S.no-match.load");
  /* M-mode ignores unlocked entries; with MPRV it uses MPP's privilege. */
  sig("M.napot.none.load", ld(Q)); fault("M.napot.none.load");
  csr_set(mstatus, MSTATUS_MPRV | (1ul << 11));
  ld(Q);
  csr_clear(mstatus, MSTATUS_MPRV | MSTATUS_MPP);
  fault("M.MPRV.MPP=S.load");
  csr_set(mstatus, MSTATUS_MPRV | MSTATUS_MPP);
  ld(Q);
  csr_clear(mstatus, MSTATUS_MPRV | MSTATUS_MPP);
  fault("M.MPRV.MPP=M.load");
  /* A locked entry binds M-mode too, and its configuration and address can no longer change. */
  csr_write(pmpaddr5, napot(K, 4096));
  c |= cfg(5, NAPOT | L | PR);
  csr_write(pmpcfg0, c);
  sig("M.locked.load", ld(K)); fault("M.locked.load");
  sw(K, 1); fault("M.locked.store");
  csr_write(pmpcfg0, c | cfg(5, PW));
  csr_write(pmpaddr5, napot(P, 4096));
  sig("locked.pmpcfg0", csr_read(pmpcfg0));
  sig("locked.pmpaddr5-unchanged", csr_read(pmpaddr5) == napot(K, 4096));
  sw(K, 1); fault("M.locked.store-after-write-attempt");
  line("done");
  return 0;
}
