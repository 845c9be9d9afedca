/* hvscope conformance guests: console, exit, signatures and the default trap handlers. */
#include "rt.h"

volatile struct trapinfo mtrap, strap;
volatile u64 trap_resume;

void putc_(char c) {
  volatile uint8_t *u = (volatile uint8_t *)UART_BASE;
  while (!(u[5] & 0x20)) { } /* LSR.THRE */
  u[0] = (uint8_t)c;
}
void puts_(const char *s) { while (*s) putc_(*s++); }
void line(const char *s) { puts_(s); putc_('\n'); }
void puthex(u64 v) {
  for (int i = 60; i >= 0; i -= 4) putc_("0123456789abcdef"[(v >> i) & 15]);
}
static void putdec(int v) {
  char b[12]; int n = 0;
  if (v < 0) { putc_('-'); v = -v; }
  do { b[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (n) putc_(b[--n]);
}
void sig(const char *name, u64 v) { puts_(name); putc_('='); puthex(v); putc_('\n'); }
void sig2(const char *a, const char *b, u64 v) { puts_(a); putc_('.'); sig(b, v); }
void sigi(const char *name, int i, u64 v) { puts_(name); putc_('.'); putdec(i); putc_('='); puthex(v); putc_('\n'); }

void exit_(int code) {
  volatile u32 *t = (volatile u32 *)TEST_BASE;
  *t = code == 0 ? 0x5555u : (((u32)code << 16) | 0x3333u);
  for (;;) { }
}

void *memset(void *d, int c, unsigned long n) {
  uint8_t *p = d;
  while (n--) *p++ = (uint8_t)c;
  return d;
}
void *memcpy(void *d, const void *s, unsigned long n) {
  uint8_t *p = d; const uint8_t *q = s;
  while (n--) *p++ = *q++;
  return d;
}

static void fatal(const char *what, struct frame *f) {
  line(what);
  sig("cause", f->cause); sig("epc", f->epc); sig("tval", f->tval);
  exit_(3);
}

void default_mtrap(struct frame *f) {
  u64 c = f->cause;
  if (c == 8 || c == 9 || c == 11) {
    if (f->x[17] == ECALL_SWITCH) {
      f->status = (f->status & ~MSTATUS_MPP) | ((f->x[10] & 3) << 11);
      f->epc += 4;
      return;
    }
  }
  mtrap.count++;
  mtrap.cause = c; mtrap.epc = f->epc; mtrap.tval = f->tval; mtrap.prv = (f->status >> 11) & 3;
  if (c >> 63) fatal("unexpected M interrupt", f);
  if (mtrap.count > 200) fatal("too many M traps", f);
  if (trap_resume) { f->epc = trap_resume; trap_resume = 0; }
  else f->epc += insn_len(f->epc);
}

void default_strap(struct frame *f) {
  u64 c = f->cause;
  if ((c == 8 || c == 9) && f->x[17] == ECALL_SWITCH) {
    if ((f->x[10] & 3) == PRV_M) fatal("S handler cannot switch to M", f);
    f->status = (f->status & ~MSTATUS_SPP) | ((f->x[10] & 1) << 8);
    f->epc += 4;
    return;
  }
  strap.count++;
  strap.cause = c; strap.epc = f->epc; strap.tval = f->tval; strap.prv = (f->status >> 8) & 1;
  if (c >> 63) fatal("unexpected S interrupt", f);
  if (strap.count > 200) fatal("too many S traps", f);
  if (trap_resume) { f->epc = trap_resume; trap_resume = 0; }
  else f->epc += insn_len(f->epc);
}

__attribute__((weak)) void handle_mtrap(struct frame *f) { default_mtrap(f); }
__attribute__((weak)) void handle_strap(struct frame *f) { default_strap(f); }
