// The platform's memory map (ARCHITECTURE.md §2): QEMU `virt`'s layout, so unmodified Debian
// OpenSBI, U-Boot and Linux boot. This is the one place the map lives; the machine wiring, the
// device-tree generator and the hypervisor's MMIO emulation all read these constants.
import { PLIC_NUM_SOURCES } from '../devices/plic';

export { PLIC_NUM_SOURCES };

/** Timebase of mtime / the `time` CSR (device tree `timebase-frequency`). */
export const TIMEBASE_HZ = 10_000_000;

/** SiFive test device: poweroff / reboot (device tree `sifive,test0`, `syscon-poweroff`). */
export const SIFIVE_TEST_BASE = 0x0010_0000;
export const SIFIVE_TEST_SIZE = 0x1000;

/** Google goldfish RTC. */
export const RTC_BASE = 0x0010_1000;
export const RTC_SIZE = 0x1000;
export const RTC_IRQ = 11;

/** SiFive CLINT (mswi + mtimer). */
export const CLINT_BASE = 0x0200_0000;
export const CLINT_SIZE = 0x1_0000;

/** SiFive PLIC. */
export const PLIC_BASE = 0x0c00_0000;
export const PLIC_SIZE = 0x60_0000;
/** Device tree `riscv,ndev`: usable sources are 1..PLIC_NDEV. */
export const PLIC_NDEV = PLIC_NUM_SOURCES - 1;

/** ns16550a UART, 8-bit registers (reg-shift 0). */
export const UART0_BASE = 0x1000_0000;
export const UART0_SIZE = 0x100;
export const UART0_IRQ = 10;
/** Device tree `clock-frequency` of the UART (as QEMU: 3.6864 MHz); no baud timing is modelled. */
export const UART0_CLOCK_HZ = 3_686_400;

/** virtio-mmio slots: slot n at VIRTIO_MMIO_BASE + n·VIRTIO_MMIO_SIZE, IRQ VIRTIO_MMIO_IRQ_BASE + n. */
export const VIRTIO_MMIO_BASE = 0x1000_1000;
export const VIRTIO_MMIO_SIZE = 0x1000;
export const VIRTIO_MMIO_COUNT = 8;
export const VIRTIO_MMIO_IRQ_BASE = 1;

export function virtioMmioBase(slot: number): number {
  return VIRTIO_MMIO_BASE + slot * VIRTIO_MMIO_SIZE;
}

export function virtioMmioIrq(slot: number): number {
  return VIRTIO_MMIO_IRQ_BASE + slot;
}

/** Main memory. */
export const RAM_BASE = 0x8000_0000;
export const RAM_DEFAULT_SIZE = 256 * 1024 * 1024;

/** Where the kernel goes under the embedded hypervisor (ARCHITECTURE.md §3, as OpenSBI fw_jump). */
export const KERNEL_LOAD_ADDR = 0x8020_0000;

/** Device tree `compatible` strings of the platform's devices. */
export const COMPATIBLE = {
  sifiveTest: ['sifive,test1', 'sifive,test0', 'syscon'],
  rtc: ['google,goldfish-rtc'],
  clint: ['sifive,clint0', 'riscv,clint0'],
  plic: ['sifive,plic-1.0.0', 'riscv,plic0'],
  uart: ['ns16550a'],
  virtioMmio: ['virtio,mmio'],
} as const;

/** One row of the map, for `info mtree`-style listings and the device-tree generator. */
export interface MemoryRegion {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  /** PLIC source number, if the device has an interrupt line. */
  readonly irq?: number;
}

/** Every fixed region except RAM (whose size is configured). */
export const MMIO_REGIONS: readonly MemoryRegion[] = [
  { name: 'sifive-test', base: SIFIVE_TEST_BASE, size: SIFIVE_TEST_SIZE },
  { name: 'goldfish-rtc', base: RTC_BASE, size: RTC_SIZE, irq: RTC_IRQ },
  { name: 'clint', base: CLINT_BASE, size: CLINT_SIZE },
  { name: 'plic', base: PLIC_BASE, size: PLIC_SIZE },
  { name: 'uart0', base: UART0_BASE, size: UART0_SIZE, irq: UART0_IRQ },
  ...Array.from({ length: VIRTIO_MMIO_COUNT }, (_, n) => ({
    name: `virtio-mmio${n}`, base: virtioMmioBase(n), size: VIRTIO_MMIO_SIZE, irq: virtioMmioIrq(n),
  })),
];

/** True when [pa, pa+len) lies in one of the fixed MMIO regions (the hypervisor leaves those unmapped). */
export function isMmio(pa: number, len = 1): boolean {
  for (const r of MMIO_REGIONS) if (pa >= r.base && pa + len <= r.base + r.size) return true;
  return false;
}
