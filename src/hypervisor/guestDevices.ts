// The guest's own devices (ARCHITECTURE.md §3): the same device models as the bare machine
// (devices/), on a guest bus at the guest-physical addresses of QEMU `virt`. The hypervisor
// performs the guest's accesses to them on guest-page-fault exits (mmio.ts); they are never
// mapped in the G-stage.
//
// The values below repeat machine/memoryMap.ts (the one memory map), which hypervisor/ may not
// import (ARCHITECTURE.md §5); a unit test keeps them equal.
//
// Interrupts: the guest PLIC has two contexts per vCPU like the machine's (2h: M, 2h+1: S, as the
// guest FDT's interrupts-extended lists them). The guest has no M-mode, so context 2h drives
// nothing; context 2h+1 — the one Linux uses — drives hvip.VSEIP of vCPU h, which reaches the
// guest as its supervisor external interrupt (hideleg bit 10). There is no CLINT: the guest takes
// timer and IPIs from SBI TIME/IPI (or Sstc's vstimecmp).
import { Bus } from '../devices/bus';
import type { BlockBackend, ByteSink, Clock, Device, DmaMemory, PowerRequest } from '../devices/device';
import { GoldfishRtc } from '../devices/goldfishRtc';
import { MIP_SEIP_BIT, Plic } from '../devices/plic';
import { SifiveTest } from '../devices/sifiveTest';
import { Uart16550 } from '../devices/uart16550';
import { VirtioBlk } from '../devices/virtio/blk';
import { VirtioMmio } from '../devices/virtio/mmio';
import { InternalError } from '../common/errors';

export const GUEST_SIFIVE_TEST_BASE = 0x0010_0000;
export const GUEST_SIFIVE_TEST_SIZE = 0x1000;
export const GUEST_RTC_BASE = 0x0010_1000;
export const GUEST_RTC_SIZE = 0x1000;
export const GUEST_RTC_IRQ = 11;
export const GUEST_PLIC_BASE = 0x0c00_0000;
export const GUEST_PLIC_SIZE = 0x60_0000;
export const GUEST_UART0_BASE = 0x1000_0000;
export const GUEST_UART0_SIZE = 0x100;
export const GUEST_UART0_IRQ = 10;
export const GUEST_VIRTIO_MMIO_BASE = 0x1000_1000;
export const GUEST_VIRTIO_MMIO_SIZE = 0x1000;
export const GUEST_VIRTIO_MMIO_COUNT = 8;
export const GUEST_VIRTIO_MMIO_IRQ_BASE = 1;

export interface GuestDeviceOptions {
  vcpus: number;
  /** Guest console output (UART). */
  console: ByteSink;
  /** Guest time, for the RTC. */
  clock: Clock;
  /** virtio DMA: guest-physical addresses (GuestMemory). */
  dma: DmaMemory;
  /** Drives the guest's supervisor external interrupt (hvip.VSEIP) of vCPU `vcpu`. */
  setExternal(vcpu: number, level: boolean): void;
  /** The guest wrote the SiFive test device (poweroff/reboot). */
  onPower(req: PowerRequest): void;
  /** Block device behind the top virtio-mmio slot (as the machine and QEMU virt fill it). */
  disk?: BlockBackend;
  rtcEpochMs?: number;
}

export interface GuestDevices {
  readonly bus: Bus;
  readonly plic: Plic;
  readonly uart: Uart16550;
  readonly rtc: GoldfishRtc;
  readonly test: SifiveTest;
  readonly virtio: readonly VirtioMmio[];
}

export function createGuestDevices(o: GuestDeviceOptions): GuestDevices {
  const bus = new Bus();
  const map = (base: number, size: number, dev: Device): void => {
    const err = bus.map(base, size, dev);
    if (err) throw new InternalError(`guest bus: cannot map ${dev.name} at 0x${base.toString(16)} (${err.kind})`);
  };
  const plic = new Plic(o.vcpus, {
    setPending: (hart, bit, level) => { if (bit === MIP_SEIP_BIT) o.setExternal(hart, level); },
  });
  const test = new SifiveTest(o.onPower);
  const rtc = new GoldfishRtc(o.clock, plic.source(GUEST_RTC_IRQ), { epochMs: o.rtcEpochMs });
  const uart = new Uart16550(o.console, plic.source(GUEST_UART0_IRQ));
  map(GUEST_SIFIVE_TEST_BASE, GUEST_SIFIVE_TEST_SIZE, test);
  map(GUEST_RTC_BASE, GUEST_RTC_SIZE, rtc);
  map(GUEST_PLIC_BASE, GUEST_PLIC_SIZE, plic);
  map(GUEST_UART0_BASE, GUEST_UART0_SIZE, uart);
  const virtio: VirtioMmio[] = [];
  for (let n = 0; n < GUEST_VIRTIO_MMIO_COUNT; n++) {
    const model = n === GUEST_VIRTIO_MMIO_COUNT - 1 && o.disk ? new VirtioBlk(o.disk) : undefined;
    const dev = new VirtioMmio(`virtio-mmio${n}`, plic.source(GUEST_VIRTIO_MMIO_IRQ_BASE + n), o.dma, model);
    virtio.push(dev);
    map(GUEST_VIRTIO_MMIO_BASE + n * GUEST_VIRTIO_MMIO_SIZE, GUEST_VIRTIO_MMIO_SIZE, dev);
  }
  return { bus, plic, uart, rtc, test, virtio };
}
