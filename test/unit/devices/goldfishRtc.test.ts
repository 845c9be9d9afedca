import assert from 'node:assert/strict';
import { DEFAULT_RTC_EPOCH_MS, GoldfishRtc } from '../../../src/devices/goldfishRtc';
import { FakeClock, FakeIrq } from './fakes';

const TIME_LOW = 0x00, TIME_HIGH = 0x04, ALARM_LOW = 0x08, ALARM_HIGH = 0x0c;
const IRQ_ENABLED = 0x10, CLEAR_ALARM = 0x14, ALARM_STATUS = 0x18, CLEAR_INTERRUPT = 0x1c;

function readTime(rtc: GoldfishRtc): bigint {
  const lo = rtc.read(TIME_LOW, 4);
  const hi = rtc.read(TIME_HIGH, 4);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

function writeNs(rtc: GoldfishRtc, highReg: number, lowReg: number, ns: bigint): void {
  rtc.write(highReg, 4, Number(ns >> 32n));
  rtc.write(lowReg, 4, Number(ns & 0xffffffffn));
}

describe('devices/goldfishRtc', () => {
  it('starts at 2026-01-01T00:00:00Z and advances with virtual time (100 ns per tick)', () => {
    const clock = new FakeClock();
    const rtc = new GoldfishRtc(clock, new FakeIrq());
    assert.equal(DEFAULT_RTC_EPOCH_MS, Date.parse('2026-01-01T00:00:00Z'));
    assert.equal(readTime(rtc), 1767225600n * 1_000_000_000n);
    clock.t = 10_000_000 * 3600; // one hour of ticks
    assert.equal(readTime(rtc), (1767225600n + 3600n) * 1_000_000_000n);
  });

  it('TIME_LOW latches the high word', () => {
    const clock = new FakeClock();
    const rtc = new GoldfishRtc(clock, new FakeIrq(), { epochMs: 0 });
    clock.t = Math.floor(0xffffffff / 100); // just below a 2^32 ns carry
    const lo = rtc.read(TIME_LOW, 4);
    clock.t += 1000;
    const hi = rtc.read(TIME_HIGH, 4);
    assert.equal(hi, 0, 'high word from the moment TIME_LOW was read');
    assert.ok(lo > 0xfff00000);
    assert.equal(rtc.peek(TIME_HIGH, 4), 0);
  });

  it('the epoch is a constructor argument and the guest can set the time', () => {
    const clock = new FakeClock();
    const rtc = new GoldfishRtc(clock, new FakeIrq(), { epochMs: 1000 });
    assert.equal(readTime(rtc), 1_000_000_000n);
    clock.t = 50;
    writeNs(rtc, TIME_HIGH, TIME_LOW, 5n << 40n);
    assert.equal(readTime(rtc), 5n << 40n);
    clock.t = 60;
    assert.equal(readTime(rtc), (5n << 40n) + 1000n);
    assert.equal(rtc.timeNs(), (5n << 40n) + 1000n);
  });

  it('fires the alarm when virtual time reaches it, interrupting only when enabled', () => {
    const clock = new FakeClock();
    const irq = new FakeIrq();
    const rtc = new GoldfishRtc(clock, irq, { epochMs: 0 });
    writeNs(rtc, ALARM_HIGH, ALARM_LOW, 1_000_000n); // 1 ms = 10_000 ticks
    rtc.write(IRQ_ENABLED, 4, 1);
    assert.equal(rtc.read(ALARM_STATUS, 4), 1);
    assert.equal(rtc.nextDeadline(), 10_000);
    clock.t = 9_999; rtc.update();
    assert.equal(irq.level, false);
    clock.t = 10_000; rtc.update();
    assert.equal(irq.level, true);
    assert.equal(rtc.read(ALARM_STATUS, 4), 0, 'alarm no longer armed');
    assert.equal(rtc.nextDeadline(), Infinity);
    rtc.write(CLEAR_INTERRUPT, 4, 1);
    assert.equal(irq.level, false);
    // Disabled interrupt: the alarm fires silently; armed alarms can be cleared.
    rtc.write(IRQ_ENABLED, 4, 0);
    writeNs(rtc, ALARM_HIGH, ALARM_LOW, 0n);
    assert.equal(irq.level, false, 'past alarm fired at once but IRQ is disabled');
    rtc.write(CLEAR_INTERRUPT, 4, 1);
    writeNs(rtc, ALARM_HIGH, ALARM_LOW, 10n ** 12n);
    rtc.write(CLEAR_ALARM, 4, 1);
    assert.equal(rtc.read(ALARM_STATUS, 4), 0);
  });
});
