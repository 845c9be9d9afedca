import assert from 'node:assert/strict';
import { Bus } from '../../../src/devices/bus';
import type { Device } from '../../../src/devices/device';
import {
  CLINT_BASE, isMmio, MMIO_REGIONS, PLIC_BASE, PLIC_NDEV, RAM_BASE, RTC_IRQ, TIMEBASE_HZ, UART0_BASE, UART0_IRQ,
  virtioMmioBase, virtioMmioIrq,
} from '../../../src/machine/memoryMap';

const dummy: Device = { name: 'x', read: () => 0, write: () => undefined, peek: () => 0 };

describe('machine/memoryMap', () => {
  it('matches QEMU virt (ARCHITECTURE.md §2)', () => {
    assert.equal(CLINT_BASE, 0x2000000);
    assert.equal(PLIC_BASE, 0xc000000);
    assert.equal(UART0_BASE, 0x10000000);
    assert.equal(UART0_IRQ, 10);
    assert.equal(RTC_IRQ, 11);
    assert.equal(virtioMmioBase(0), 0x10001000);
    assert.equal(virtioMmioBase(7), 0x10008000);
    assert.deepEqual([0, 7].map(virtioMmioIrq), [1, 8]);
    assert.equal(RAM_BASE, 0x80000000);
    assert.equal(TIMEBASE_HZ, 10_000_000);
    assert.equal(PLIC_NDEV, 95);
  });

  it('regions do not overlap each other or RAM, and IRQs are distinct', () => {
    const bus = new Bus();
    for (const r of MMIO_REGIONS) {
      assert.equal(bus.map(r.base, r.size, dummy), undefined, r.name);
      assert.ok(r.base + r.size <= RAM_BASE);
    }
    const irqs = MMIO_REGIONS.flatMap((r) => (r.irq === undefined ? [] : [r.irq]));
    assert.equal(new Set(irqs).size, irqs.length);
    assert.ok(irqs.every((i) => i >= 1 && i <= PLIC_NDEV));
    assert.equal(isMmio(0x10000005), true);
    assert.equal(isMmio(0x100ff, 4), false);
    assert.equal(isMmio(RAM_BASE), false);
  });
});
