import assert from 'node:assert/strict';
import { Bus } from '../../../src/devices/bus';
import { Clint, MIP_MSIP_BIT, MIP_MTIP_BIT } from '../../../src/devices/clint';
import { FakeClock, FakeHarts } from './fakes';

const BASE = 0x2000000;

function make(n = 2): { clint: Clint; clock: FakeClock; harts: FakeHarts; bus: Bus } {
  const clock = new FakeClock(), harts = new FakeHarts(n);
  const clint = new Clint(n, clock, harts);
  const bus = new Bus();
  bus.map(BASE, 0x10000, clint);
  return { clint, clock, harts, bus };
}

describe('devices/clint', () => {
  it('msip drives MSIP of the right hart', () => {
    const { bus, harts } = make();
    bus.write(BASE + 4, 4, 1);
    assert.equal(harts.has(1, MIP_MSIP_BIT), true);
    assert.equal(harts.has(0, MIP_MSIP_BIT), false);
    assert.equal(bus.read(BASE + 4, 4), 1);
    bus.write(BASE + 4, 4, 0);
    assert.equal(harts.has(1, MIP_MSIP_BIT), false);
  });

  it('mtimecmp resets to all ones and no timer is due', () => {
    const { bus, clint, harts } = make();
    assert.equal(bus.read(BASE + 0x4000, 8), 0xffffffff);
    assert.equal(bus.hi, -1);
    assert.equal(clint.nextDeadline(), Infinity);
    assert.equal(harts.has(0, MIP_MTIP_BIT), false);
  });

  it('mtime reads the clock, as halves or 64 bits', () => {
    const { bus, clock } = make();
    clock.t = 0x1_2345_6789;
    assert.equal(bus.read(BASE + 0xbff8, 4), 0x23456789);
    assert.equal(bus.read(BASE + 0xbffc, 4), 1);
    assert.equal(bus.read(BASE + 0xbff8, 8), 0x23456789);
    assert.equal(bus.hi, 1);
  });

  it('MTIP follows mtime >= mtimecmp as the clock moves', () => {
    const { bus, clint, clock, harts } = make();
    clock.t = 1000;
    bus.write(BASE + 0x4008, 8, 5000, 0); // hart 1
    assert.equal(harts.has(1, MIP_MTIP_BIT), false);
    assert.equal(clint.nextDeadline(), 5000);
    clock.t = 4999; clint.update();
    assert.equal(harts.has(1, MIP_MTIP_BIT), false);
    clock.t = 5000; clint.update();
    assert.equal(harts.has(1, MIP_MTIP_BIT), true);
    assert.equal(harts.has(0, MIP_MTIP_BIT), false);
    // Writing a later compare value clears MTIP at once (as a timer interrupt handler does).
    bus.write(BASE + 0x4008, 4, 9000);
    assert.equal(harts.has(1, MIP_MTIP_BIT), false);
    // A value in the past sets it at once.
    bus.write(BASE + 0x4000, 8, 10, 0);
    assert.equal(harts.has(0, MIP_MTIP_BIT), true);
    assert.equal(clint.nextDeadline(), 10);
  });

  it('a 64-bit compare value above 2^32 is compared in full', () => {
    const { bus, clint, clock, harts } = make(1);
    bus.write(BASE + 0x4000, 4, 0);
    bus.write(BASE + 0x4004, 4, 1); // 2^32
    clock.t = 0xffffffff; clint.update();
    assert.equal(harts.has(0, MIP_MTIP_BIT), false);
    clock.t = 0x100000000; clint.update();
    assert.equal(harts.has(0, MIP_MTIP_BIT), true);
  });

  it('mtime writes set an offset relative to the clock', () => {
    const { bus, clint, clock } = make(1);
    clock.t = 100;
    bus.write(BASE + 0xbff8, 8, 1000, 0);
    assert.equal(clint.mtime(), 1000);
    clock.t = 150;
    assert.equal(bus.read(BASE + 0xbff8, 4), 1050);
    bus.write(BASE + 0x4000, 8, 2000, 0);
    assert.equal(clint.nextDeadline(), 1100, 'deadline in clock ticks');
  });
});
