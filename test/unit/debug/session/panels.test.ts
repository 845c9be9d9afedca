// The adapter additions for the page-tables panel: the trap-value registers of a failed
// translation (hvscope/translate `fault`), the shadow diff, and the whole-table leaf collector;
// the translate body is also fed to the panel's walk grid, as the webview does.
import assert from 'node:assert/strict';
import { inspect } from '../../../../src/mmu/inspect';
import { PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, SatpMode } from '../../../../src/mmu/pte';
import { CSR } from '../../../../src/riscv/hart/csrs';
import { pteFlags, translateBody } from '../../../../src/debug/session/custom';
import { collectLeaves, shadowDiff, type GuestLeaf, type ShadowLeaf } from '../../../../src/debug/session/shadowDiff';
import type { Target, Thread } from '../../../../src/debug/runtime/target';
import { walkGrid } from '../../../../src/webview/pageTables/model';
import { FakeMem, TableBuilder } from '../../mmu/fakeMem';

const RW = PTE_V | PTE_R | PTE_W;
const AD = PTE_A | PTE_D;
const RAM = 0x8000_0000;
const GUEST = 0x4020_0000;
const HOSTG = 0x8020_0000;

/** medeleg delegates everything to HS; hedeleg the page faults (nested paging), as vm.ts sets them. */
function fakeTarget(hedeleg: bigint): { tg: Target; t: Thread } {
  const csrs = new Map<number, bigint>([[CSR.medeleg, (1n << 24n) - 1n], [CSR.hedeleg, hedeleg]]);
  return { tg: { csrHs: (_t: Thread, n: number) => csrs.get(n) } as unknown as Target, t: { id: 1 } as unknown as Thread };
}

/** Guest RAM [GUEST, +2 MiB) at host HOSTG, G-stage mapped page by page; VS tables inside guest RAM. */
function twoStage() {
  const mem = new FakeMem(RAM, 6 << 20);
  const groot = mem.alloc(16384, 16384);
  const g = new TableBuilder(mem, SatpMode.Sv39, groot, true);
  g.map(BigInt(GUEST), BigInt(HOSTG), 0, RW | PTE_X | PTE_U | AD); // G tables before guest RAM
  assert.equal(mem.alloc(0x20_0000, 0x20_0000), HOSTG);
  for (let i = 1; i < 512; i++) g.map(BigInt(GUEST + i * 4096), BigInt(HOSTG + i * 4096), 0, RW | PTE_X | PTE_U | AD);
  let next = HOSTG;
  const allocVs = (): number => { next += 4096; return next - 4096; };
  const toHost = (a: number): number => a - GUEST + HOSTG;
  const fromHost = (a: number): number => a - HOSTG + GUEST;
  const vs = new TableBuilder(mem, SatpMode.Sv39, fromHost(allocVs()), false, toHost, fromHost, allocVs);
  const walk = (va: bigint, access: 'load' | 'store' = 'load') => inspect(mem, {
    mode: SatpMode.Sv39, ppn: vs.root / 4096, va, hgatp: { mode: SatpMode.Sv39, ppn: groot / 4096 }, access: access === 'store' ? 2 : 1, sum: true, mxr: true,
  });
  return { mem, g, vs, walk };
}

describe('debug/session: panel requests', () => {
  describe('translate fault (trap-value registers)', () => {
    it('a G-stage fault while fetching a VS PTE: implicit guest-page fault into HS with htval = PTE GPA >> 2 and the read pseudoinstruction', () => {
      const { mem, g, vs, walk } = twoStage();
      vs.map(0x1000n, BigInt(GUEST + 0x10_0000), 0, RW | AD);
      const leafTable = vs.pteAddr(0x1000n, 0) & ~0xfff;
      mem.set(g.pteAddr(BigInt(leafTable), 0), 0n); // the G stage no longer maps the VS leaf table
      const { tg, t } = fakeTarget(1n << 13n);
      const body = translateBody(tg, t, walk(0x1000n), 0x1000n, 'load', true);
      assert.equal(body.pa, undefined);
      const f = body.fault!;
      assert.equal(f.kind, 'guest-page-fault');
      assert.equal(f.cause, 21);
      assert.equal(f.causeName, 'load guest-page fault');
      assert.equal(f.walk, 'first');
      assert.equal(f.implicit, true);
      const pteGpa = BigInt(vs.pteAddr(0x1000n, 0));
      assert.equal(f.gpa, `0x${pteGpa.toString(16)}`);
      assert.equal(f.target, 'HS', 'guest-page faults are never delegated to VS');
      const w = Object.fromEntries(f.writes.map((x) => [x.csr, x.value]));
      assert.equal(w.stval, '0x1000');
      assert.equal(w.htval, `0x${(pteGpa >> 2n).toString(16)}`);
      assert.match(w.htinst, /^0x3000 .*read/);
      assert.match(w['hstatus.GVA'], /^1/);

      // The panel's grid: rows VS L2, L1, L0; the L0 row has no VS PTE read and its G L0 cell is the fault.
      const grid = walkGrid(body);
      assert.deepEqual(grid.gColumns, ['G L2', 'G L1', 'G L0']);
      assert.deepEqual(grid.rows.map((r) => r.label), ['VS L2', 'VS L1', 'VS L0']);
      const last = grid.rows[2];
      assert.equal(last.fault, true);
      assert.equal(last.main, undefined);
      assert.equal(last.input, `0x${pteGpa.toString(16)}`);
      assert.deepEqual(last.gCells.map((c) => c?.fault), [false, false, true]);
      assert.equal(last.gCells[2]?.kind, 'invalid');
      assert.ok(grid.rows[0].main && !grid.rows[0].main.fault && grid.rows[0].main.kind === 'pointer');
      assert.ok(grid.rows.slice(0, 2).every((r) => !r.fault && r.gCells.every((c) => c && !c.fault)));
    });

    it('a VS-stage page fault delegated by hedeleg goes to VS and writes only vstval', () => {
      const { walk } = twoStage();
      const { tg, t } = fakeTarget(1n << 13n);
      const body = translateBody(tg, t, walk(0x5000n), 0x5000n, 'load', true);
      assert.equal(body.fault?.kind, 'page-fault');
      assert.equal(body.fault?.target, 'VS');
      assert.deepEqual(body.fault?.writes, [{ csr: 'vstval', value: '0x5000' }]);
      // Not delegated (shadow paging leaves page faults to the hypervisor): HS with htval = 0.
      const hs = translateBody(fakeTarget(0n).tg, t, walk(0x5000n), 0x5000n, 'load', true).fault!;
      assert.equal(hs.target, 'HS');
      assert.deepEqual(hs.writes.find((x) => x.csr === 'htval'), { csr: 'htval', value: '0x0' });
    });

    it('a fault of the final G-stage walk is marked in the final row', () => {
      const { vs, walk } = twoStage();
      vs.map(0x3000n, 0x1_0000_0000n, 0, RW | AD); // GPA outside guest RAM: the G stage has no mapping
      const { tg, t } = fakeTarget(1n << 13n);
      const body = translateBody(tg, t, walk(0x3008n, 'store'), 0x3008n, 'store', true);
      assert.equal(body.fault?.walk, 'final');
      assert.equal(body.fault?.cause, 23);
      assert.equal(body.fault?.implicit, false);
      assert.equal(body.fault?.writes.find((x) => x.csr === 'htval')?.value, `0x${(0x1_0000_0008n >> 2n).toString(16)}`);
      const grid = walkGrid(body);
      const last = grid.rows[grid.rows.length - 1];
      assert.equal(last.label, 'final GPA');
      assert.equal(last.input, '0x100000008');
      assert.equal(last.fault, true);
      assert.ok(grid.rows.slice(0, -1).every((r) => !r.fault));
    });

    it('a successful walk has no fault', () => {
      const { vs, walk } = twoStage();
      vs.map(0x2000n, BigInt(GUEST + 0x1000), 0, RW | AD);
      const body = translateBody(fakeTarget(0n).tg, { id: 1 } as unknown as Thread, walk(0x2010n), 0x2010n, 'load', true);
      assert.equal(body.fault, undefined);
      assert.equal(body.pa, `0x${(HOSTG + 0x1010).toString(16)}`);
      assert.equal(walkGrid(body).rows.length, 4);
    });
  });

  describe('shadowDiff', () => {
    const gpaToHpa = (gpa: bigint): bigint | undefined => (gpa >= 0x8000_0000n && gpa < 0x8800_0000n ? gpa + 0x1000_0000n : undefined);
    const guest: GuestLeaf[] = [
      { va: 0x1000n, size: 0x1000n, gpa: 0x8000_1000n, flags: 'VRW---AD' },
      { va: 0x2000n, size: 0x1000n, gpa: 0x8000_2000n, flags: 'VRW---A-' },
      { va: 0x3000n, size: 0x1000n, gpa: 0x8000_3000n, flags: 'VR-X--A-' },
      { va: 0x20_0000n, size: 0x20_0000n, gpa: 0x8020_0000n, flags: 'VRW---AD' },
      { va: 0x40_0000n, size: 0x1000n, gpa: 0x8040_0000n, flags: 'VR----A-' },
    ];
    const shadow: ShadowLeaf[] = [
      { va: 0x1000n, size: 0x1000n, hpa: 0x9000_1000n, flags: 'VRW---AD' }, // in sync
      { va: 0x2000n, size: 0x1000n, hpa: 0x9000_2000n, flags: 'VR----AD' }, // write-protected until D
      { va: 0x3000n, size: 0x1000n, hpa: 0x9000_7000n, flags: 'VR-X--AD' }, // stale: other host page
      { va: 0x20_1000n, size: 0x1000n, hpa: 0x9020_1000n, flags: 'VRW---AD' }, // one page of the superpage
      { va: 0x40_0000n, size: 0x1000n, hpa: 0x9040_0000n, flags: 'VRW---AD' }, // stale permission: W
      { va: 0x50_0000n, size: 0x1000n, hpa: 0x9050_0000n, flags: 'VR----AD' }, // guest no longer maps it
    ];

    it('classifies each shadow leaf and each unfilled guest mapping, sorted by address', () => {
      const d = shadowDiff(guest, shadow, gpaToHpa);
      assert.deepEqual(d.rows.map((r) => [r.va, r.state]), [
        ['0x1000', 'in-sync'], ['0x2000', 'write-protected'], ['0x3000', 'stale'],
        ['0x200000', 'partly-filled'], ['0x201000', 'in-sync'], ['0x400000', 'stale-permissions'], ['0x500000', 'stale'],
      ]);
      const partly = d.rows[3];
      assert.equal(partly.filled, 1);
      assert.equal(partly.pages, 512);
      assert.match(d.rows[5].note ?? '', /W/);
      assert.match(d.rows[6].note ?? '', /does not map/);
      assert.deepEqual(d.counts, { 'in-sync': 2, 'write-protected': 1, stale: 2, 'partly-filled': 1, 'stale-permissions': 1 });
      assert.equal(d.truncated, false);
    });

    it('lists guest mappings with no shadow leaf as not filled, and cuts at the limit', () => {
      const d = shadowDiff(guest, [], gpaToHpa, 3);
      assert.equal(d.counts['not-filled'], 5);
      assert.equal(d.rows.length, 3);
      assert.equal(d.truncated, true);
      assert.equal(d.rows[0].guestHpa, '0x90001000');
    });
  });

  it('collectLeaves finds every leaf of a table, sign-extending upper-half addresses', () => {
    const mem = new FakeMem(RAM, 1 << 20);
    const root = mem.alloc();
    const tb = new TableBuilder(mem, SatpMode.Sv39, root);
    tb.map(0x1000n, 0x8001_0000n, 0, RW | AD);
    tb.map(0xffff_ffff_c000_0000n, 0x8000_0000n, 1, RW | PTE_X | AD);
    const { leaves, complete } = collectLeaves(mem, SatpMode.Sv39, BigInt(root), pteFlags);
    assert.equal(complete, true);
    assert.deepEqual(leaves.map((l) => [l.va, l.size, l.target, l.flags]), [
      [0x1000n, 0x1000n, 0x8001_0000n, 'VRW---AD'],
      [0xffff_ffff_c000_0000n, 0x20_0000n, 0x8000_0000n, 'VRWX--AD'],
    ]);
    assert.equal(collectLeaves(mem, SatpMode.Sv39, BigInt(root), pteFlags, 1).complete, false);
  });
});
