import assert from 'node:assert/strict';
import { ShadowPager } from '../../../src/hypervisor/shadow';
import { GStage, TablePool, makePte, readPteLo, writePte } from '../../../src/hypervisor/gstage';
import { GuestMemory, RamPhysMem, planHostLayout } from '../../../src/hypervisor/guestMemory';
import { Walker, WalkCause, atpMode, atpPpn } from '../../../src/mmu/walker';
import { Access, PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, SatpMode } from '../../../src/mmu/pte';
import { hostRam } from './fakeHart';

const MiB = 1024 * 1024;
const ROOT = 0x8010_0000, L1 = 0x8010_1000, L0 = 0x8010_2000;
const VA = 0x4000_0000;

function setup() {
  const ram = hostRam(32 * MiB);
  const layout = planHostLayout(ram, 16 * MiB, 4 * MiB);
  const mem = new GuestMemory(ram, layout);
  const pool = new TablePool(ram, layout.tablesHpa, layout.tablesBytes);
  const g = new GStage(pool);
  g.map(0x8000_0000, layout.guestRamHpa, 16 * MiB);
  const isDevice = (gpa: number): boolean => gpa >= 0x1000_0000 && gpa < 0x1000_0100;
  const sp = new ShadowPager(pool, mem, g, new RamPhysMem(ram), isDevice);
  // Guest Sv39 tables in guest RAM (addresses are GPAs).
  const gpte = (gpa: number, target: number, bits: number): void => { const [lo, hi] = makePte(target, bits); writePte(ram, mem.toHpa(gpa), lo, hi); };
  gpte(ROOT + 1 * 8, L1, PTE_V);          // VA 0x4000_0000: VPN[2] = 1
  gpte(L1 + 0 * 8, L0, PTE_V);
  gpte(L0 + 0 * 8, 0x8030_0000, PTE_V | PTE_R | PTE_W);              // clean, not accessed
  gpte(L0 + 1 * 8, 0x8030_1000, PTE_V | PTE_R | PTE_A);              // read-only
  gpte(L0 + 2 * 8, 0x1000_0000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D); // a device
  gpte(L0 + 4 * 8, 0x8030_4000, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A); // user code
  gpte(L0 + 5 * 8, 0x2000_0000, PTE_V | PTE_R | PTE_A);              // neither RAM nor device
  const guestPte = (i: number): number => readPteLo(ram, mem.toHpa(L0 + i * 8));
  const w = new Walker(new RamPhysMem(ram));
  /** Walks the shadow table as the hart would (VS-stage with hgatp Bare), read-only. */
  const shadowWalk = (va: number, acc: 0 | 1 | 2, priv = 1): number => {
    const [lo, hi] = sp.vsatp();
    return w.translate(atpMode(hi), atpPpn(lo, hi), va | 0, 0, acc, priv, false, false);
  };
  return { ram, layout, mem, pool, sp, guestPte, shadowWalk, w };
}

describe('hypervisor/shadow', () => {
  it('fills on demand: A on fill, read-only until the first store sets D', () => {
    const t = setup();
    assert.ok(t.sp.writeSatp(ROOT / 4096, SatpMode.Sv39 << 28));
    assert.equal(t.shadowWalk(VA + 8, Access.Load), WalkCause.LoadPageFault, 'empty shadow: hidden fault');
    assert.deepEqual(t.sp.handleFault(VA + 8, 0, Access.Load, 1, false, false), { kind: 'filled', writable: false });
    assert.equal(t.guestPte(0) & (PTE_A | PTE_D), PTE_A, 'A set in the guest PTE, D not');
    assert.equal(t.shadowWalk(VA + 8, Access.Load), 0);
    assert.equal(t.w.res.pa, t.layout.guestRamHpa + 0x30_0008, 'GVA → HPA of the guest page');
    assert.ok(!t.pool.contains(t.w.res.pa));
    assert.equal(t.w.res.leaf & (PTE_A | PTE_D | PTE_W), PTE_A | PTE_D, 'shadow leaf: A=D=1, W=0');
    assert.equal(t.shadowWalk(VA + 8, Access.Store), WalkCause.StorePageFault, 'first store faults');
    assert.deepEqual(t.sp.handleFault(VA + 8, 0, Access.Store, 1, false, false), { kind: 'filled', writable: true });
    assert.equal(t.guestPte(0) & (PTE_A | PTE_D), PTE_A | PTE_D, 'D set in the guest PTE');
    assert.equal(t.shadowWalk(VA + 8, Access.Store), 0);
    assert.equal(t.sp.stats.fills, 2);
    assert.equal(t.sp.stats.dirtyFills, 1);
  });

  it('injects genuine guest faults and leaves the guest PTE alone', () => {
    const t = setup();
    t.sp.writeSatp(ROOT / 4096, SatpMode.Sv39 << 28);
    const before = t.guestPte(1);
    assert.deepEqual(t.sp.handleFault(VA + 0x1000, 0, Access.Store, 1, false, false), { kind: 'guest-fault', cause: WalkCause.StorePageFault });
    assert.equal(t.guestPte(1), before);
    assert.deepEqual(t.sp.handleFault(VA + 0x3000, 0, Access.Load, 1, false, false), { kind: 'guest-fault', cause: WalkCause.LoadPageFault }, 'invalid PTE');
    assert.deepEqual(t.sp.handleFault(VA + 0x4000, 0, Access.Fetch, 1, false, false), { kind: 'guest-fault', cause: WalkCause.FetchPageFault }, 'S may not execute U pages');
    assert.deepEqual(t.sp.handleFault(VA + 0x4000, 0, Access.Fetch, 0, false, false), { kind: 'filled', writable: false });
    assert.equal(t.shadowWalk(VA + 0x4000, Access.Fetch, 0), 0, 'U page executable from VU');
    assert.equal(t.shadowWalk(VA + 0x4000, Access.Fetch, 1), WalkCause.FetchPageFault, 'U copied: VS still cannot execute it');
    assert.equal(t.shadowWalk(VA + 0x1000, Access.Load), WalkCause.LoadPageFault, 'nothing was installed for the faults');
  });

  it('leaves device pages unmapped and reports MMIO; other non-RAM is an access fault', () => {
    const t = setup();
    t.sp.writeSatp(ROOT / 4096, SatpMode.Sv39 << 28);
    assert.deepEqual(t.sp.handleFault(VA + 0x2004, 0, Access.Store, 1, false, false), { kind: 'mmio', gpa: 0x1000_0004 });
    assert.equal(t.shadowWalk(VA + 0x2004, Access.Load), WalkCause.LoadPageFault);
    assert.deepEqual(t.sp.handleFault(VA + 0x5000, 0, Access.Load, 1, false, false), { kind: 'access-fault', cause: WalkCause.LoadAccessFault });
    // A guest root table outside RAM: the implicit access fails.
    t.sp.writeSatp(0x1000_0000 / 4096, SatpMode.Sv39 << 28);
    assert.deepEqual(t.sp.handleFault(VA, 0, Access.Load, 1, false, false), { kind: 'access-fault', cause: WalkCause.LoadAccessFault });
  });

  it('flushes on satp writes and frees the table pages; ignores unsupported modes', () => {
    const t = setup();
    t.sp.writeSatp(ROOT / 4096, SatpMode.Sv39 << 28);
    t.sp.handleFault(VA, 0, Access.Load, 1, false, false);
    const used = t.pool.inUse;
    assert.ok(t.sp.tablePages >= 3);
    t.sp.flush();
    assert.equal(t.pool.inUse, used - 2, 'intermediate tables returned, one fresh root');
    assert.equal(t.shadowWalk(VA, Access.Load), WalkCause.LoadPageFault, 'flushed');
    assert.equal(t.sp.writeSatp(0, 1 << 28), false, 'mode 1 is not supported: no effect');
    assert.equal(t.sp.guestMode, SatpMode.Sv39);
    assert.ok(t.sp.writeSatp(ROOT / 4096, SatpMode.Sv48 << 28));
    assert.equal(atpMode(t.sp.vsatp()[1]), SatpMode.Sv48, 'shadow follows the guest mode');
  });

  it('Bare guest satp: identity over guest RAM only, through a shadow table', () => {
    const t = setup();
    assert.equal(atpMode(t.sp.vsatp()[1]), SatpMode.Sv39);
    assert.deepEqual(t.sp.handleFault(0x8000_5000, 0, Access.Store, 1, false, false), { kind: 'filled', writable: true });
    assert.equal(t.shadowWalk(0x8000_5010, Access.Store), 0);
    assert.equal(t.w.res.pa, t.layout.guestRamHpa + 0x5010);
    assert.equal(t.w.res.leaf & (PTE_R | PTE_W | PTE_X | PTE_U), PTE_R | PTE_W | PTE_X);
    assert.deepEqual(t.sp.handleFault(0x1000_0000, 0, Access.Load, 1, false, false), { kind: 'mmio', gpa: 0x1000_0000 });
    assert.deepEqual(t.sp.handleFault(0x4000_0000, 0, Access.Load, 1, false, false), { kind: 'access-fault', cause: WalkCause.LoadAccessFault });
    assert.deepEqual(t.sp.handleFault(t.layout.tablesHpa + 0x1000_0000, 0, Access.Load, 1, false, false).kind, 'access-fault', 'host tables unreachable');
    // VU access: U set on the leaf.
    t.sp.handleFault(0x8000_6000, 0, Access.Load, 0, false, false);
    assert.equal(t.shadowWalk(0x8000_6000, Access.Load, 0), 0);
  });
});
