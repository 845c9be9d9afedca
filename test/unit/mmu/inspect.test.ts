import assert from 'node:assert/strict';
import { dumpTable, inspect, inspectG, viaGStage } from '../../../src/mmu/inspect';
import { Walker, WalkCause } from '../../../src/mmu/walker';
import { Access, PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, SatpMode } from '../../../src/mmu/pte';
import { FakeMem, TableBuilder, halves, pte } from './fakeMem';

const RW = PTE_V | PTE_R | PTE_W;
const RWX = RW | PTE_X;
const AD = PTE_A | PTE_D;
const RAM = 0x8000_0000;
const GUEST = 0x4020_0000;
const HOSTG = 0x8020_0000;

function twoStage() {
  const mem = new FakeMem(RAM, 6 << 20);
  const groot = mem.alloc(16384, 16384);
  const g = new TableBuilder(mem, SatpMode.Sv39, groot, true);
  g.map(BigInt(GUEST), BigInt(HOSTG), 1, RWX | PTE_U | AD);
  // Guest RAM is host [HOSTG, HOSTG + 2 MiB): VS tables come from there, G tables from after it.
  mem.alloc(0x20_0000, 0x20_0000);
  let vsNext = HOSTG;
  const allocVs = (): number => { vsNext += 4096; return vsNext - 4096; };
  const toHost = (a: number) => a - GUEST + HOSTG;
  const fromHost = (a: number) => a - HOSTG + GUEST;
  const vs = new TableBuilder(mem, SatpMode.Sv39, fromHost(allocVs()), false, toHost, fromHost, allocVs);
  return { mem, g, vs, groot, toHost };
}

describe('mmu/inspect', () => {
  it('records every level of a single-stage walk and writes nothing', () => {
    const mem = new FakeMem(RAM, 1 << 20);
    const root = mem.alloc();
    const tb = new TableBuilder(mem, SatpMode.Sv39, root);
    const leaf = tb.map(0xffff_ffff_c000_1000n, 0x8765_4000n, 0, RW);
    const before = mem.bytes.slice();
    const r = inspect(mem, { mode: SatpMode.Sv39, ppn: root / 4096, va: 0xffff_ffff_c000_1234n, access: Access.Store });
    assert.deepEqual(mem.bytes, before, 'memory unchanged');
    assert.equal(r.twoStage, false);
    assert.equal(r.first.modeName, 'Sv39');
    assert.deepEqual(r.first.steps.map((s) => [s.level, s.index, s.kind]), [[2, 511, 'pointer'], [1, 0, 'pointer'], [0, 1, 'leaf']]);
    assert.equal(r.first.steps[0].pteAddr, BigInt(root + 511 * 8));
    assert.equal(r.first.steps[2].pteAddr, BigInt(leaf));
    assert.equal(r.first.steps[2].pte?.flags, 'rw-----');
    assert.deepEqual(r.outcome, { kind: 'ok', pa: 0x8765_4234n, pageSize: 4096n, level: 0, wouldSetAd: true });
    // Svade: the same walk is a store page fault.
    const f = inspect(mem, { mode: SatpMode.Sv39, ppn: root / 4096, va: 0xffff_ffff_c000_1234n, access: Access.Store, adUpdate: 'fault' });
    assert.equal(f.outcome.kind === 'fault' && f.outcome.cause, WalkCause.StorePageFault);
    assert.deepEqual(mem.bytes, before);
  });

  it('explains faults: non-canonical, invalid PTE, permissions', () => {
    const mem = new FakeMem(RAM, 1 << 20);
    const root = mem.alloc();
    const tb = new TableBuilder(mem, SatpMode.Sv48, root);
    tb.map(0x1000n, 0x8000_0000n, 0, RW | AD);
    const req = { mode: SatpMode.Sv48, ppn: root / 4096 };
    const nc = inspect(mem, { ...req, va: 1n << 47n });
    assert.ok(nc.outcome.kind === 'fault' && /non-canonical/.test(nc.outcome.reason));
    assert.equal(nc.first.steps.length, 0);
    const inv = inspect(mem, { ...req, va: 0x2000n });
    assert.ok(inv.outcome.kind === 'fault' && inv.outcome.reason === 'V=0' && inv.outcome.level === 0);
    const perm = inspect(mem, { ...req, va: 0x1000n, access: Access.Fetch });
    assert.ok(perm.outcome.kind === 'fault' && perm.outcome.cause === WalkCause.FetchPageFault);
    const user = inspect(mem, { ...req, va: 0x1000n, priv: 0 });
    assert.ok(user.outcome.kind === 'fault' && /U=0/.test(user.outcome.reason));
  });

  it('nests a G-stage walk inside every VS-stage PTE fetch, then walks the final GPA', () => {
    const { mem, g, vs, groot, toHost } = twoStage();
    g.map(0x1_0000_0000n, 0x9000_0000n, 0, RW | PTE_U);
    const leaf = vs.map(0x1000n, 0x1_0000_0000n, 0, RW);
    const before = mem.bytes.slice();
    const r = inspect(mem, { mode: SatpMode.Sv39, ppn: vs.root / 4096, va: 0x1010n, hgatp: { mode: SatpMode.Sv39, ppn: groot / 4096 }, access: Access.Store });
    assert.deepEqual(mem.bytes, before, 'no A/D written in either stage');
    assert.equal(r.twoStage, true);
    assert.equal(r.first.stage, 'vs');
    assert.equal(r.first.steps.length, 3);
    for (const s of r.first.steps) {
      assert.equal(s.gWalk?.stage, 'g');
      assert.equal(s.gWalk?.modeName, 'Sv39x4');
      assert.equal(s.gWalk?.steps.length, 2, 'G megapage: 2 levels');
      assert.equal(s.pteHostAddr, BigInt(toHost(Number(s.pteAddr))));
    }
    assert.equal(r.first.steps[2].pteAddr, BigInt(leaf));
    assert.equal(r.final?.steps.length, 3);
    assert.deepEqual(r.outcome, { kind: 'ok', pa: 0x9000_0010n, pageSize: 4096n, level: 0, wouldSetAd: true });
  });

  it('reports the implicit guest-page fault with the VS PTE GPA and htinst', () => {
    const { mem, vs, groot } = twoStage();
    vs.map(0x1000n, BigInt(GUEST), 0, RW | AD);
    const l2 = vs.pteAddr(0x1000n, 2);
    mem.set(l2 - GUEST + HOSTG, pte(0x5000_0000n, PTE_V));
    const r = inspect(mem, { mode: SatpMode.Sv39, ppn: vs.root / 4096, va: 0x1000n, hgatp: { mode: SatpMode.Sv39, ppn: groot / 4096 }, access: Access.Fetch });
    const o = r.outcome;
    assert.ok(o.kind === 'fault');
    assert.equal(o.fault, 'guest-page-fault');
    assert.equal(o.cause, WalkCause.FetchGuestPageFault);
    assert.equal(o.gpa, 0x5000_0000n);
    assert.equal(o.implicit, true);
    assert.equal(o.htinst, 0x3000);
    assert.equal(r.first.steps[1].kind, 'untranslatable');
    assert.equal(r.final, undefined);
  });

  it('inspectG rejects GPAs wider than 41 bits for Sv39x4', () => {
    const mem = new FakeMem(RAM, 1 << 20);
    const root = mem.alloc(16384, 16384);
    const t = inspectG(mem, SatpMode.Sv39, root / 4096, 1n << 41n, Access.Store);
    assert.ok(t.outcome.kind === 'fault' && t.outcome.cause === WalkCause.StoreGuestPageFault && t.outcome.gpa === 1n << 41n);
  });

  it('dumpTable lists one table page, sign-extending upper-half root entries', () => {
    const mem = new FakeMem(RAM, 1 << 20);
    const root = mem.alloc();
    const tb = new TableBuilder(mem, SatpMode.Sv39, root);
    tb.map(0xffff_ffc0_0000_0000n, 0x8000_0000n, 2, RWX | AD);
    tb.map(0x20_0000n, 0x8020_0000n, 1, RW | AD);
    tb.map(0x1000n, 0x8040_1000n, 0, RW | AD);
    const top = dumpTable(mem, { mode: SatpMode.Sv39, tableAddr: BigInt(root), level: 2 });
    assert.deepEqual(top.map((e) => [e.index, e.kind, e.va]), [[0, 'pointer', 0n], [256, 'leaf', 0xffff_ffc0_0000_0000n]]);
    assert.equal(top[1].target, 0x8000_0000n);
    assert.equal(top[1].size, 1n << 30n);
    const mid = dumpTable(mem, { mode: SatpMode.Sv39, tableAddr: top[0].target!, level: 1, vaBase: top[0].va });
    assert.deepEqual(mid.map((e) => [e.index, e.kind, e.va]), [[0, 'pointer', 0n], [1, 'leaf', 0x20_0000n]]);
    const low = dumpTable(mem, { mode: SatpMode.Sv39, tableAddr: mid[0].target!, level: 0, vaBase: mid[0].va });
    assert.deepEqual(low.map((e) => [e.index, e.va, e.target]), [[1, 0x1000n, 0x8040_1000n]]);
  });

  it('dumpTable reads VS tables through the G stage and G roots with 2048 entries', () => {
    const { mem, g, vs, groot } = twoStage();
    vs.map(0x1000n, BigInt(GUEST), 0, RW | AD);
    g.map(1n << 40n, 0x9000_0000n, 2, RW | PTE_U | AD);
    const view = viaGStage(mem, SatpMode.Sv39, groot / 4096);
    const vsTop = dumpTable(view, { mode: SatpMode.Sv39, tableAddr: BigInt(vs.root), level: 2 });
    assert.equal(vsTop.length, 1);
    assert.equal(vsTop[0].kind, 'pointer');
    const gTop = dumpTable(mem, { mode: SatpMode.Sv39, x4: true, tableAddr: BigInt(groot), level: 2 });
    assert.deepEqual(gTop.map((e) => [e.index, e.va]), [[1, 0x4000_0000n], [1024, 1n << 40n]]);
  });

  it('agrees with the walker on random two-stage tables (both walker stages)', () => {
    // A small deterministic PRNG so failures reproduce.
    let seed = 12345;
    const rnd = (n: number): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };
    const seen = new Map<string, number>();
    const flagsPool = [RW | AD, RWX, PTE_V | PTE_X | PTE_A, PTE_V | PTE_R, RW | PTE_U | AD, RWX | PTE_U, PTE_V, PTE_V | PTE_W, 0, RW | PTE_A];
    for (let round = 0; round < 30; round++) {
      const { mem, g, vs, groot } = twoStage();
      const vas: bigint[] = [];
      for (let k = 0; k < 12; k++) {
        const va = BigInt(rnd(4)) << 30n | BigInt(rnd(4)) << 21n | BigInt(rnd(8)) << 12n;
        const level = rnd(3) === 0 ? 1 : 0;
        const gpaTarget = rnd(3) === 0 ? BigInt(0x6000_0000 + rnd(4) * 0x1000) : BigInt(GUEST + rnd(512) * 0x1000);
        vs.map(va, level === 1 ? gpaTarget & ~0x1f_ffffn : gpaTarget, level, flagsPool[rnd(flagsPool.length)]);
        vas.push(va | BigInt(rnd(4096)));
        if (rnd(2) === 0) g.map(BigInt(0x6000_0000 + rnd(4) * 0x1000), 0x9000_0000n, 0, flagsPool[rnd(flagsPool.length)] | (rnd(4) ? PTE_U : 0));
      }
      // Point some VS root entries at tables outside guest RAM, so that the implicit G-stage
      // accesses fault (unmapped, U=0, or not RAM).
      for (let k = 0; k < 2; k++) {
        const at = vs.pteAddr(vas[rnd(vas.length)], 2) - GUEST + HOSTG;
        mem.set(at, pte(BigInt(0x6000_0000 + rnd(4) * 0x1000), PTE_V));
      }
      const w = new Walker(mem);
      for (const va of vas) {
        const access = rnd(3) as 0 | 1 | 2;
        const priv = rnd(2), sum = rnd(2) === 0, mxr = rnd(2) === 0, mxrHs = rnd(4) === 0;
        const r = inspect(mem, { mode: SatpMode.Sv39, ppn: vs.root / 4096, va, hgatp: { mode: SatpMode.Sv39, ppn: groot / 4096 }, access, priv, sum, mxr, mxrHs });
        const [lo, hi] = halves(va);
        const cause = w.translate2(SatpMode.Sv39, vs.root / 4096, SatpMode.Sv39, groot / 4096, lo, hi, access, priv, sum, mxr, mxrHs);
        const ctx = `round ${round} va ${va.toString(16)} access ${access}`;
        const key = r.outcome.kind === 'ok' ? 'ok' : `${r.outcome.fault}${r.outcome.implicit ? '/implicit' : ''}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        if (r.outcome.kind === 'ok') {
          assert.equal(cause, 0, ctx);
          assert.equal(BigInt(w.res.pa), r.outcome.pa, ctx);
        } else {
          assert.equal(cause, r.outcome.cause, ctx);
          if (r.outcome.fault === 'guest-page-fault') {
            assert.equal(BigInt(w.res.gpa), r.outcome.gpa, ctx);
            assert.equal(w.res.htinst, r.outcome.htinst, ctx);
          }
        }
      }
    }
    // The random tables must exercise successes and each kind of fault, or the test proves little.
    for (const k of ['ok', 'page-fault', 'guest-page-fault', 'guest-page-fault/implicit']) assert.ok((seen.get(k) ?? 0) > 5, `${k}: ${JSON.stringify([...seen])}`);
  });
});
