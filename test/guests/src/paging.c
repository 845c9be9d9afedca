/* Virtual memory, for Sv39, Sv48 and Sv57 in turn: 4K, 2M and 1G pages; A/D bits set by the
 * hardware walk (QEMU 7.2 updates them; printed as PTE flags after a read and after a write);
 * permission faults (R/W/X/U, W without R), SUM, MXR, invalid PTE, non-canonical addresses,
 * misaligned superpage; faults taken in M (mcause/mtval) and delegated to S (scause/stval);
 * U-mode access to non-U pages; MPRV with MPP=S/U from M-mode. */
#include "rt.h"

#define V 1
#define R 2
#define W 4
#define X 8
#define U 16
#define A 64
#define D 128
#define WIN 0x40000000ul /* the 1G test window */

static u64 bump;
static u64 alloc(u64 size, u64 align) {
  bump = (bump + align - 1) & ~(align - 1);
  u64 p = bump; bump += size; memset((void *)p, 0, size); return p;
}
static int levels;
static u64 *pte_for(u64 root, u64 va, int leaf_level) {
  u64 *t = (u64 *)root;
  for (int l = levels - 1; ; l--) {
    u64 *e = &t[(va >> (12 + 9 * l)) & 0x1ff];
    if (l == leaf_level) return e;
    if (!(*e & V)) *e = ((alloc(4096, 4096) >> 12) << 10) | V;
    t = (u64 *)((*e >> 10) << 12);
  }
}
static void map(u64 root, u64 va, u64 pa, u64 flags, int level) { *pte_for(root, va, level) = ((pa >> 12) << 10) | flags | V; }

static void clear(void) { mtrap.count = strap.count = 0; }
static void fault(const char *name) {
  puts_(name); puts_(": m.n="); puthex(mtrap.count);
  if (mtrap.count) { puts_(" mcause="); puthex(mtrap.cause); puts_(" mtval="); puthex(mtrap.tval); }
  puts_(" s.n="); puthex(strap.count);
  if (strap.count) { puts_(" scause="); puthex(strap.cause); puts_(" stval="); puthex(strap.tval); }
  putc_('\n'); clear();
}
static u64 ld(u64 va) { u64 v = 0xdead; __asm__ volatile("ld %0, 0(%1)" : "+r"(v) : "r"(va) : "memory"); return v; }
static void sd(u64 va, u64 v) { __asm__ volatile("sd %0, 0(%1)" :: "r"(v), "r"(va) : "memory"); }
static u64 call_va(u64 va) {
  u64 r;
  __asm__ volatile("la t0, 1f\n sd t0, 0(%2)\n li a0, 0\n jalr %1\n1: mv %0, a0"
                   : "=r"(r) : "r"(va), "r"(&trap_resume) : "t0", "a0", "a1", "a2", "a3", "a4", "a5", "t1", "t2", "ra", "memory");
  trap_resume = 0;
  return r;
}
static void sfence(void) { __asm__ volatile("sfence.vma" ::: "memory"); }

static void run(int mode, const char *name, u64 noncanon) {
  levels = mode - 5;
  puts_("== "); line(name);
  u64 root = alloc(4096, 4096), uroot = alloc(4096, 4096);
  u64 pg = alloc(8 * 4096, 4096);                  /* data pages 0..7 */
  u64 big = alloc(4u << 20, 2u << 20);             /* 2M-aligned physical region */
  for (int i = 0; i < 8; i++) *(u64 *)(pg + i * 4096ul) = 0x1111111111111111ull * (u64)(i + 1);
  *(u64 *)(big + 0x1238) = 0xb16b00b5cafef00dull;
  *(u32 *)(pg + 6 * 4096ul) = 0x07700513u; *(u32 *)(pg + 6 * 4096ul + 4) = 0x00008067u; /* li a0,0x77; ret */
  /* Kernel root: MMIO and RAM as 1G pages, the test window below. */
  map(root, 0, 0, R | W | A | D, 2);
  map(root, 0x80000000ul, 0x80000000ul, R | W | X | A | D, 2);
  map(root, 0xc0000000ul, 0x80000000ul, R | A, 2); /* a read-only alias of RAM */
  map(root, WIN + 0 * 4096, pg + 0 * 4096, R | W, 0);          /* A/D clear */
  map(root, WIN + 1 * 4096, pg + 1 * 4096, R | A, 0);          /* read-only */
  map(root, WIN + 2 * 4096, pg + 2 * 4096, X | A, 0);          /* execute-only */
  map(root, WIN + 3 * 4096, pg + 3 * 4096, U | R | W | A | D, 0);
  *pte_for(root, WIN + 4 * 4096, 0) = ((pg + 4 * 4096) >> 12) << 10 | R | W | A | D; /* V=0 */
  map(root, WIN + 5 * 4096, pg + 5 * 4096, W | A | D, 0);      /* W without R: reserved */
  map(root, WIN + 6 * 4096, pg + 6 * 4096, R | X | A, 0);      /* code */
  map(root, WIN + 0x200000, big, R | W | A | D, 1);            /* 2M page */
  map(root, WIN + 0x400000, big + 0x1000, R | W | A | D, 1);   /* misaligned 2M page */
  /* User root: the same RAM and window, RAM and MMIO with U set. */
  map(uroot, 0, 0, U | R | W | A | D, 2);
  map(uroot, 0x80000000ul, 0x80000000ul, U | R | W | X | A | D, 2);
  map(uroot, WIN + 0 * 4096, pg + 0 * 4096, R | W | A | D, 0);
  map(uroot, WIN + 3 * 4096, pg + 3 * 4096, U | R | W | A | D, 0);
  map(uroot, WIN + 1 * 4096, pg + 1 * 4096, U | R | A, 0);
  map(uroot, WIN + 6 * 4096, pg + 6 * 4096, U | X | A, 0);

  csr_write(satp, ((u64)mode << 60) | (root >> 12));
  sfence();
  sig("satp.mode", csr_read(satp) >> 60);
  enter_mode(PRV_S);
  clear();
  sig("4k.read", ld(WIN));
  fault("4k.read");
  enter_mode(PRV_M);
  sig("pte.after-read", *pte_for(root, WIN, 0) & 0xff);
  enter_mode(PRV_S);
  sd(WIN + 8, 0x5a5a);
  enter_mode(PRV_M);
  sig("pte.after-write", *pte_for(root, WIN, 0) & 0xff);
  sig("4k.write.phys", *(u64 *)(pg + 8));
  enter_mode(PRV_S);
  sig("2m.read", ld(WIN + 0x200000 + 0x1238));
  sd(WIN + 0x3ff000, 0x2222);
  sig("1g.alias.read", ld(0xc0000000ul + (big - 0x80000000ul) + 0x1238));
  fault("superpages");
  enter_mode(PRV_M);
  sig("2m.write.phys", *(u64 *)(big + 0x1ff000));
  enter_mode(PRV_S);
  sd(0xc0000000ul + (big - 0x80000000ul), 1); fault("1g.alias.store-to-readonly");
  ld(WIN + 0x400000); fault("2m.misaligned-superpage.load");
  sd(WIN + 4096, 1); fault("readonly.store");
  ld(WIN + 2 * 4096); fault("execute-only.load.MXR=0");
  csr_set(sstatus, MSTATUS_MXR);
  sig("execute-only.load.MXR=1", ld(WIN + 2 * 4096)); fault("execute-only.load.MXR=1");
  csr_clear(sstatus, MSTATUS_MXR);
  ld(WIN + 3 * 4096); fault("user-page.load.SUM=0");
  csr_set(sstatus, MSTATUS_SUM);
  sig("user-page.load.SUM=1", ld(WIN + 3 * 4096)); fault("user-page.load.SUM=1");
  call_va(WIN + 3 * 4096); fault("user-page.fetch.SUM=1");
  csr_clear(sstatus, MSTATUS_SUM);
  ld(WIN + 4 * 4096); fault("invalid.load");
  sd(WIN + 4 * 4096, 1); fault("invalid.store");
  ld(WIN + 5 * 4096); fault("w-without-r.load");
  sig("exec.ok", call_va(WIN + 6 * 4096)); fault("exec.ok");
  call_va(WIN + 0 * 4096); fault("no-x.fetch");
  call_va(WIN + 4 * 4096); fault("invalid.fetch");
  ld(noncanon); fault("non-canonical.load");
  sd(noncanon, 1); fault("non-canonical.store");
  call_va(noncanon); fault("non-canonical.fetch");
  enter_mode(PRV_M);
  /* Delegated page faults go to S with scause/stval. */
  csr_write(medeleg, (1 << 12) | (1 << 13) | (1 << 15));
  enter_mode(PRV_S);
  ld(WIN + 4 * 4096); fault("delegated.load");
  sd(WIN + 4096, 1); fault("delegated.store");
  call_va(WIN + 0 * 4096); fault("delegated.fetch");
  enter_mode(PRV_M);
  csr_write(medeleg, 0);
  /* MPRV: M-mode loads and stores translated with the privilege in MPP. */
  csr_set(mstatus, MSTATUS_MPRV | (1ul << 11)); /* MPP = S */
  sig("mprv.S.load", ld(WIN + 4096));
  csr_clear(mstatus, MSTATUS_MPRV | MSTATUS_MPP);
  csr_set(mstatus, MSTATUS_MPRV); /* MPP = U */
  ld(WIN + 4096);
  csr_clear(mstatus, MSTATUS_MPRV | MSTATUS_MPP);
  fault("mprv.U.load-nonuser");
  /* U-mode under the user root. */
  csr_write(satp, ((u64)mode << 60) | (uroot >> 12));
  sfence();
  enter_mode(PRV_U);
  sig("U.user.load", ld(WIN + 3 * 4096));
  ld(WIN); fault("U.nonuser.load");
  sd(WIN + 4096, 1); fault("U.readonly.store");
  sig("U.exec", call_va(WIN + 6 * 4096)); fault("U.exec");
  enter_mode(PRV_M);
  csr_write(satp, 0);
  sfence();
}

int main(void) {
  line("paging: Sv39, Sv48, Sv57");
  bump = (u64)__free_start;
  run(8, "Sv39", 0x0000008000000000ull);
  run(9, "Sv48", 0x0000800000000000ull);
  run(10, "Sv57", 0x0100000000000000ull);
  line("done");
  return 0;
}
