/* hvscope conformance guests: the tiny shared runtime (start.S, rt.c). */
#ifndef HVSCOPE_RT_H
#define HVSCOPE_RT_H
#include <stdint.h>

typedef uint64_t u64;
typedef int64_t s64;
typedef uint32_t u32;
typedef int32_t s32;

/* QEMU virt memory map (ARCHITECTURE.md §2). */
#define UART_BASE 0x10000000ul
#define TEST_BASE 0x00100000ul
#define CLINT_BASE 0x02000000ul
#define CLINT_MSIP (CLINT_BASE + 0x0)
#define CLINT_MTIMECMP (CLINT_BASE + 0x4000)
#define CLINT_MTIME (CLINT_BASE + 0xbff8)

#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

#define MSTATUS_SIE (1ul << 1)
#define MSTATUS_MIE (1ul << 3)
#define MSTATUS_SPIE (1ul << 5)
#define MSTATUS_MPIE (1ul << 7)
#define MSTATUS_SPP (1ul << 8)
#define MSTATUS_MPP (3ul << 11)
#define MSTATUS_MPRV (1ul << 17)
#define MSTATUS_SUM (1ul << 18)
#define MSTATUS_MXR (1ul << 19)
#define MSTATUS_TVM (1ul << 20)
#define MSTATUS_TW (1ul << 21)
#define MSTATUS_TSR (1ul << 22)

#define STR_(x) #x
#define STR(x) STR_(x)
#define csr_read(csr) ({ u64 v_; __asm__ volatile("csrr %0, " STR(csr) : "=r"(v_) :: "memory"); v_; })
#define csr_write(csr, val) __asm__ volatile("csrw " STR(csr) ", %0" :: "rK"((u64)(val)) : "memory")
#define csr_set(csr, val) __asm__ volatile("csrs " STR(csr) ", %0" :: "rK"((u64)(val)) : "memory")
#define csr_clear(csr, val) __asm__ volatile("csrc " STR(csr) ", %0" :: "rK"((u64)(val)) : "memory")
#define csr_swap(csr, val) ({ u64 v_; __asm__ volatile("csrrw %0, " STR(csr) ", %1" : "=r"(v_) : "r"((u64)(val)) : "memory"); v_; })

/* Console and exit. */
void putc_(char c);
void puts_(const char *s);      /* no newline added */
void puthex(u64 v);             /* 16 hex digits */
void sig(const char *name, u64 v);            /* "name=0123456789abcdef\n" */
void sig2(const char *a, const char *b, u64 v); /* "a.b=...\n" */
void sigi(const char *name, int i, u64 v);    /* "name.i=...\n" (i in decimal) */
void line(const char *s);                      /* s + "\n" */
__attribute__((noreturn)) void exit_(int code); /* SiFive test device: 0 -> pass, else fail code */
void *memset(void *d, int c, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n);

/* Trap frame: x[0..31] as saved by the trap entry (x[0] unused), then the trap CSRs. */
struct frame {
  u64 x[32];
  u64 cause, epc, tval, status;
};

/* The last trap taken, filled by the default handlers (M and S). */
struct trapinfo { u64 count, cause, epc, tval, prv; };
extern volatile struct trapinfo mtrap, strap;
/* When non-zero, a synchronous trap resumes there instead of after the faulting instruction. */
extern volatile u64 trap_resume;

/* Handlers: programs may override these weak functions. They may change f->epc, f->status
 * (written back to mepc/mstatus or sepc/sstatus) and f->x[]. */
void handle_mtrap(struct frame *f);
void handle_strap(struct frame *f);
/* The default behaviour (record in mtrap/strap, skip the instruction, ECALL_SWITCH). */
void default_mtrap(struct frame *f);
void default_strap(struct frame *f);

/* Changes the current privilege and returns to the caller in the new mode (same stack; needs
 * identity mappings when paging is on). Going up uses ecall with a7 = ECALL_SWITCH, handled by
 * the default handlers (S handler forwards to M with ecall when asked for M). */
#define ECALL_SWITCH 0x5757u
void enter_mode(int prv);

/* Trap vector entries in start.S. */
extern char mtrap_entry[], strap_entry[];
/* Vectored-mode tables (start.S): entry k stores k (M table: 0x100 + k) in vec_last. */
extern char mvec_table[], svec_table[];
extern volatile u64 vec_last;
extern char __free_start[], __bss_end[];

/* Length of the instruction at addr (2 or 4). */
static inline int insn_len(u64 addr) { return ((*(volatile uint16_t *)addr) & 3) == 3 ? 4 : 2; }
static inline void mmio_write32(u64 a, u32 v) { *(volatile u32 *)a = v; }
static inline u32 mmio_read32(u64 a) { return *(volatile u32 *)a; }
static inline void mmio_write64(u64 a, u64 v) { *(volatile u64 *)a = v; }
static inline u64 mmio_read64(u64 a) { return *(volatile u64 *)a; }
#endif
