import assert from 'node:assert/strict';
import { GStage, TablePool } from '../../../src/hypervisor/gstage';
import { planHostLayout, GuestMemory, RamPhysMem } from '../../../src/hypervisor/guestMemory';
import { Walker, WalkCause, atpMode, atpPpn } from '../../../src/mmu/walker';
import { Access, SatpMode } from '../../../src/mmu/pte';
import { hostRam } from './fakeHart';

const MiB = 1024 * 1024;
const split = (n: number): [number, number] => [n % 4294967296 | 0, Math.floor(n / 4294967296)];

describe('hypervisor/gstage', () => {
  const ram = hostRam(32 * MiB);
  const layout = planHostLayout(ram, 16 * MiB, 4 * MiB);

  it('places guest RAM after the table region, at a different host address than its GPA', () => {
    assert.equal(layout.tablesHpa, 0x8000_0000);
    assert.equal(layout.guestRamHpa, 0x8040_0000);
    assert.throws(() => planHostLayout(ram, 30 * MiB, 4 * MiB), /too small/);
  });

  for (const mode of ['sv39x4', 'sv48x4'] as const) {
    it(`${mode}: maps guest RAM GPA→HPA, leaves MMIO unmapped, tables inside the hypervisor region`, () => {
      const r = hostRam(32 * MiB);
      const pool = new TablePool(r, layout.tablesHpa, layout.tablesBytes);
      const g = new GStage(pool, mode);
      assert.ok(g.map(0x8000_0000, layout.guestRamHpa, 16 * MiB));
      assert.equal(g.rootHpa % 16384, 0, 'x4 root is 16 KiB aligned');
      assert.ok(pool.contains(g.rootHpa));
      const [lo, hi] = g.hgatp(5);
      assert.equal(atpMode(hi), mode === 'sv39x4' ? SatpMode.Sv39 : SatpMode.Sv48);
      assert.equal(atpPpn(lo, hi & ~(0x3fff << 12)), g.rootPpn);
      assert.equal((hi >>> 12) & 0x3fff, 5, 'VMID');
      const w = new Walker(new RamPhysMem(r));
      for (const gpa of [0x8000_0000, 0x8000_1234, 0x80ff_fff8, 0x8020_0000 + 4097]) {
        const [glo, ghi] = split(gpa);
        for (const acc of [Access.Fetch, Access.Load, Access.Store] as const) {
          assert.equal(w.translateG(g.mode, g.rootPpn, glo, ghi, acc, false), 0, `gpa 0x${gpa.toString(16)}`);
          assert.equal(w.res.pa, gpa - 0x8000_0000 + layout.guestRamHpa);
        }
        assert.ok(!pool.contains(w.res.pa), 'guest RAM never overlaps the tables');
      }
      assert.equal(w.res.pageShift, 21, '2 MiB leaves where aligned');
      for (const gpa of [0x1000_0000, 0x0c00_0000, 0x0010_0000, 0x7fff_f000, 0x8100_0000, 0x2_0000_0000]) {
        const [glo, ghi] = split(gpa);
        assert.equal(w.translateG(g.mode, g.rootPpn, glo, ghi, Access.Load, false), WalkCause.LoadGuestPageFault, `0x${gpa.toString(16)} must be unmapped`);
        assert.equal(w.res.gpa, gpa);
      }
      // Every mapped GPA lands in guest RAM's host range, never in the table region.
      for (let gpa = 0x8000_0000; gpa < 0x8100_0000; gpa += 256 * 1024) {
        assert.equal(w.translateG(g.mode, g.rootPpn, gpa | 0, 0, Access.Store, false), 0);
        assert.ok(w.res.pa >= layout.guestRamHpa && w.res.pa < layout.guestRamHpa + 16 * MiB);
      }
    });
  }

  it('uses 4 KiB leaves for unaligned ranges and splits a megapage on unmap', () => {
    const r = hostRam(32 * MiB);
    const pool = new TablePool(r, layout.tablesHpa, layout.tablesBytes);
    const g = new GStage(pool);
    g.map(0x8000_0000, layout.guestRamHpa, 2 * MiB);
    g.map(0x9000_1000, layout.guestRamHpa + 2 * MiB + 4096, 8192);
    assert.equal(g.leaves2m, 1);
    assert.equal(g.leaves4k, 2);
    const w = new Walker(new RamPhysMem(r));
    assert.equal(w.translateG(g.mode, g.rootPpn, 0x9000_2000 | 0, 0, Access.Load, false), 0);
    assert.equal(w.res.pageShift, 12);
    g.unmap(0x8000_3000, 4096);
    assert.equal(w.translateG(g.mode, g.rootPpn, 0x8000_3000 | 0, 0, Access.Load, false), WalkCause.LoadGuestPageFault);
    assert.equal(w.translateG(g.mode, g.rootPpn, 0x8000_4000 | 0, 0, Access.Load, false), 0);
    assert.equal(w.res.pa, layout.guestRamHpa + 0x4000);
  });

  it('GuestMemory translates GPAs and notes stores to decoded code', () => {
    const r = hostRam(32 * MiB);
    const stores: number[] = [];
    const m = new GuestMemory(r, layout, { noteStore: (p) => stores.push(p) });
    assert.equal(m.toHpa(0x8000_0010), layout.guestRamHpa + 0x10);
    assert.equal(m.toHpa(0x1000_0000), -1);
    assert.ok(m.writePhys(0x8000_2000, Uint8Array.of(1, 2, 3)));
    assert.deepEqual([...r.u8.subarray(layout.guestRamHpa - r.base + 0x2000, layout.guestRamHpa - r.base + 0x2003)], [1, 2, 3]);
    assert.deepEqual(stores, [(layout.guestRamHpa - r.base + 0x2000) / 4096]);
    assert.equal(m.writePhys(0x8000_0000 + 16 * MiB - 1, Uint8Array.of(1, 2)), false);
  });
});
