import assert from 'node:assert/strict';
import { MIP_MEIP_BIT, MIP_SEIP_BIT, Plic, PLIC_NUM_SOURCES } from '../../../src/devices/plic';
import { FakeHarts } from './fakes';

const prio = (s: number) => 4 * s;
const enable = (ctx: number, w = 0) => 0x2000 + 0x80 * ctx + 4 * w;
const threshold = (ctx: number) => 0x200000 + 0x1000 * ctx;
const claim = (ctx: number) => 0x200004 + 0x1000 * ctx;

function make(n = 2): { plic: Plic; harts: FakeHarts } {
  const harts = new FakeHarts(n);
  return { plic: new Plic(n, harts), harts };
}

describe('devices/plic', () => {
  it('has 96 sources, 0 reserved', () => {
    const { plic } = make();
    assert.equal(PLIC_NUM_SOURCES, 96);
    assert.throws(() => plic.source(0), RangeError);
    assert.throws(() => plic.source(96), RangeError);
    plic.write(prio(95), 4, 7);
    assert.equal(plic.read(prio(95), 4), 7);
    plic.write(prio(0), 4, 7);
    assert.equal(plic.read(prio(0), 4), 0);
    plic.write(prio(1), 4, 0xff);
    assert.equal(plic.read(prio(1), 4), 7, 'priority is 3 bits');
  });

  it('a pending enabled source above threshold raises MEIP (context 2h) or SEIP (2h+1)', () => {
    const { plic, harts } = make();
    plic.write(prio(10), 4, 1);
    plic.source(10).set(true);
    assert.equal(plic.read(0x1000, 4), 1 << 10, 'pending bit');
    assert.equal(harts.mip[0] | harts.mip[1], 0, 'not enabled anywhere yet');
    plic.write(enable(3), 4, 1 << 10); // hart 1, S-mode
    assert.equal(harts.has(1, MIP_SEIP_BIT), true);
    assert.equal(harts.has(1, MIP_MEIP_BIT), false);
    plic.write(threshold(3), 4, 1);
    assert.equal(harts.has(1, MIP_SEIP_BIT), false, 'priority must exceed the threshold');
    plic.write(threshold(3), 4, 0);
    plic.write(enable(0), 4, 1 << 10); // hart 0, M-mode
    assert.equal(harts.has(0, MIP_MEIP_BIT), true);
  });

  it('priority 0 never interrupts', () => {
    const { plic, harts } = make(1);
    plic.write(enable(0), 4, 1 << 5);
    plic.source(5).set(true);
    assert.equal(harts.has(0, MIP_MEIP_BIT), false);
    assert.equal(plic.read(claim(0), 4), 0);
  });

  it('claim returns the highest priority, ties to the lowest id; complete re-arms the gateway', () => {
    const { plic, harts } = make(1);
    const ctx = 1;
    for (const s of [3, 7, 40]) { plic.write(prio(s), 4, s === 3 ? 2 : 5); }
    plic.write(enable(ctx, 0), 4, (1 << 3) | (1 << 7));
    plic.write(enable(ctx, 1), 4, 1 << (40 - 32));
    plic.source(3).set(true);
    plic.source(40).set(true);
    plic.source(7).set(true);
    assert.equal(plic.peek(claim(ctx), 4), 7, 'peek shows the claim');
    assert.equal(plic.peek(claim(ctx), 4), 7, 'without claiming');
    assert.equal(plic.read(claim(ctx), 4), 7, 'priority 5, lower id than 40');
    assert.equal(plic.read(claim(ctx), 4), 40);
    assert.equal(plic.read(claim(ctx), 4), 3);
    assert.equal(plic.read(claim(ctx), 4), 0);
    assert.equal(harts.has(0, MIP_SEIP_BIT), false, 'all claimed');
    // Level-triggered: 7 is still high, so completing makes it pending again.
    plic.write(claim(ctx), 4, 7);
    assert.equal(harts.has(0, MIP_SEIP_BIT), true);
    assert.equal(plic.read(claim(ctx), 4), 7);
    // 40 dropped its line before completing: no new request.
    plic.source(40).set(false);
    plic.write(claim(ctx), 4, 40);
    assert.equal(plic.isPending(40), false);
    assert.equal(plic.read(claim(ctx), 4), 0);
  });

  it('a line that stays high is not pending again until complete', () => {
    const { plic } = make(1);
    plic.write(prio(9), 4, 1);
    plic.write(enable(0), 4, 1 << 9);
    plic.source(9).set(true);
    assert.equal(plic.read(claim(0), 4), 9);
    plic.source(9).set(false);
    plic.source(9).set(true);
    assert.equal(plic.isPending(9), false, 'gateway closed while claimed');
    plic.write(claim(0), 4, 9);
    assert.equal(plic.isPending(9), true);
  });

  it('completion of a source not enabled for the context is ignored', () => {
    const { plic } = make(1);
    plic.write(prio(2), 4, 1);
    plic.write(enable(0), 4, 1 << 2);
    plic.source(2).set(true);
    assert.equal(plic.read(claim(0), 4), 2);
    plic.write(enable(0), 4, 0);
    plic.write(claim(0), 4, 2);
    plic.write(enable(0), 4, 1 << 2);
    assert.equal(plic.read(claim(0), 4), 0, 'still claimed');
  });
});
