import assert from 'node:assert/strict';
import { Bus, BUS_FAULT } from '../../../src/devices/bus';
import type { Device } from '../../../src/devices/device';

/** A device that records accesses and returns offset-derived values. */
class Probe implements Device {
  readonly log: string[] = [];
  peeks = 0;
  resets = 0;
  constructor(readonly name: string) {}
  read(offset: number, size: 1 | 2 | 4): number { this.log.push(`r${size}@${offset}`); return (0xa0000000 + offset) >>> 0; }
  peek(offset: number, _size: 1 | 2 | 4): number { this.peeks++; return (0xb0000000 + offset) >>> 0; }
  write(offset: number, size: 1 | 2 | 4, value: number): void { this.log.push(`w${size}@${offset}=${value.toString(16)}`); }
  reset(): void { this.resets++; }
}

describe('devices/bus', () => {
  it('refuses overlapping mappings with an error value', () => {
    const bus = new Bus();
    const a = new Probe('a');
    assert.equal(bus.map(0x1000, 0x1000, a), undefined);
    const err = bus.map(0x1800, 0x1000, new Probe('b'));
    assert.equal(err?.kind, 'overlap');
    if (err?.kind === 'overlap') assert.equal(err.existing.device, a);
    assert.equal(bus.map(0x0800, 0x0801, new Probe('c'))?.kind, 'overlap');
    assert.equal(bus.map(0x2000, 0x100, new Probe('d')), undefined, 'adjacent is fine');
    assert.equal(bus.map(0x3000, 0, new Probe('e'))?.kind, 'invalid');
    assert.deepEqual(bus.list().map((m) => m.device.name), ['a', 'd']);
  });

  it('passes offsets, finds devices, and faults on unmapped or straddling accesses', () => {
    const bus = new Bus();
    const a = new Probe('a'), b = new Probe('b');
    bus.map(0x10000000, 0x100, b);
    bus.map(0x100000, 0x1000, a);
    assert.equal(bus.find(0x100ff0)?.device, a);
    assert.equal(bus.find(0x10000100), undefined);
    assert.equal(bus.read(0x100010, 4), 0xa0000010);
    assert.equal(bus.read(0x10000005, 1), 0xa0000005);
    assert.deepEqual(b.log, ['r1@5']);
    assert.equal(bus.read(0x200000, 4), BUS_FAULT);
    assert.equal(bus.read(0x100ffe, 4), BUS_FAULT, 'straddles the end');
    assert.equal(bus.write(0x50, 4, 1), false);
    assert.equal(bus.write(0x100004, 2, 0x12345), true);
    assert.deepEqual(a.log.slice(-1), ['w2@4=2345'], 'narrow writes are masked');
  });

  it('splits 8-byte accesses into two 4-byte accesses, low word first', () => {
    const bus = new Bus();
    const a = new Probe('a');
    bus.map(0x2000000, 0x10000, a);
    const lo = bus.read(0x2000008, 8);
    assert.equal(lo, 0xa0000008);
    assert.equal(bus.hi, 0xa000000c | 0);
    assert.ok(bus.write(0x2000010, 8, 0x11223344, 0x55667788));
    assert.deepEqual(a.log, ['r4@8', 'r4@12', 'w4@16=11223344', 'w4@20=55667788']);
    assert.equal(bus.read(0x200fffc, 8), BUS_FAULT, 'an 8-byte access past the end faults');
  });

  it('peek goes through Device.peek only', () => {
    const bus = new Bus();
    const a = new Probe('a');
    bus.map(0, 0x100, a);
    assert.equal(bus.peek(0x10, 8), 0xb0000010);
    assert.equal(bus.hi, 0xb0000014 | 0);
    assert.equal(a.peeks, 2);
    assert.deepEqual(a.log, []);
    bus.reset();
    assert.equal(a.resets, 1);
  });
});
