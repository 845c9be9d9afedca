// Shared by the C DAP guests: the trap frame start.S builds, CSR access, and the computation
// both guests run (three levels of calls in a loop with a global counter, a watched global).
#ifndef DAP_COMMON_H
#define DAP_COMMON_H
#include <stdint.h>

typedef uint64_t u64;

/** What start.S's trap entry saves: x0..x31 (x[2] = the interrupted sp), then the trap CSRs. */
struct frame {
  u64 x[32];
  u64 epc, cause, tval, status;
};

#define csr_read(name) ({ u64 v_; __asm__ volatile("csrr %0, " #name : "=r"(v_)); v_; })
#define csr_write(name, v) __asm__ volatile("csrw " #name ", %0" ::"r"((u64)(v)))
#define csr_set(name, v) __asm__ volatile("csrs " #name ", %0" ::"r"((u64)(v)))
#define csr_clear(name, v) __asm__ volatile("csrc " #name ", %0" ::"r"((u64)(v)))

#define NOINLINE __attribute__((noinline))

// Sv39 PTE bits (privileged spec, "Sv39: Page-Based 39-bit Virtual-Memory System").
#define PTE_V (1u << 0)
#define PTE_R (1u << 1)
#define PTE_W (1u << 2)
#define PTE_X (1u << 3)
#define PTE_U (1u << 4)
#define PTE_A (1u << 6)
#define PTE_D (1u << 7)
#define SATP_SV39 (8ull << 60)
#define GIGAPAGE(pa, flags) ((((u64)(pa)) >> 12) << 10 | (flags))

/** The virtual address whose first touch page-faults (its gigapage is mapped by the handler). */
#define FAULT_VA 0x40000000ul

void power_off(int status);
#endif
