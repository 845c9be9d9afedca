import assert from 'node:assert/strict';
import { Walker, WalkCause, atpMode, atpPpn } from '../../../src/mmu/walker';
import {
  Access, PERM_FETCH, PERM_LOAD, PERM_STORE, PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, SatpMode,
} from '../../../src/mmu/pte';
import { FakeMem, TableBuilder, halves, pte } from './fakeMem';

const RWX = PTE_V | PTE_R | PTE_W | PTE_X;
const RW = PTE_V | PTE_R | PTE_W;
const AD = PTE_A | PTE_D;
const S = 1, U = 0;
const RAM = 0x8000_0000;

function setup(mode: number) {
  const mem = new FakeMem(RAM, 4 << 20);
  const root = mem.alloc();
  const tb = new TableBuilder(mem, mode, root);
  const w = new Walker(mem);
  const ppn = root / 4096;
  const tr = (va: bigint, access: 0 | 1 | 2 = Access.Load, priv = S, sum = false, mxr = false): number => {
    const [lo, hi] = halves(va);
    return w.translate(mode, ppn, lo, hi, access, priv, sum, mxr);
  };
  return { mem, tb, w, tr, root };
}

describe('mmu/walker: single stage', () => {
  it('translates a 4 KiB Sv39 page and sets A (load) then D (store), writing only on change', () => {
    const { mem, tb, w, tr } = setup(SatpMode.Sv39);
    const leaf = tb.map(0x4000_1000n, 0x8765_4000n, 0, RW);
    assert.equal(tr(0x4000_1abcn), 0);
    assert.equal(w.res.pa, 0x8765_4abc);
    assert.equal(w.res.level, 0);
    assert.equal(w.res.pageShift, 12);
    assert.equal(w.res.pteAddr, leaf);
    assert.equal(mem.get(leaf), pte(0x8765_4000n, RW | PTE_A));
    assert.equal(w.res.perms, PERM_LOAD, 'D=0: stores must walk again');
    assert.deepEqual(mem.writes, [leaf]);
    assert.equal(mem.reads.length, 3, 'three levels read');
    assert.equal(tr(0x4000_1ff8n), 0);
    assert.equal(mem.writes.length, 1, 'A already set: no write');
    assert.equal(tr(0x4000_1000n, Access.Store), 0);
    assert.equal(mem.get(leaf), pte(0x8765_4000n, RW | AD));
    assert.equal(w.res.perms, PERM_LOAD | PERM_STORE);
    assert.equal(w.res.leaf, RW | AD);
    assert.equal(mem.writes.length, 2);
  });

  it('translates megapages and gigapages with the VA supplying the low PPN bits', () => {
    const { w, tb, tr } = setup(SatpMode.Sv39);
    tb.map(0x0020_0000n, 0x8040_0000n, 1, RWX | AD);
    tb.map(0x4000_0000n, 0xc000_0000n, 2, RWX | AD);
    assert.equal(tr(0x0021_2345n), 0);
    assert.equal(w.res.pa, 0x8041_2345);
    assert.equal(w.res.pageShift, 21);
    assert.equal(w.res.level, 1);
    assert.equal(tr(0x7fff_fff8n, Access.Fetch), 0);
    assert.equal(w.res.pa, 0xffff_fff8);
    assert.equal(w.res.pageShift, 30);
    assert.equal(w.res.perms, PERM_FETCH | PERM_LOAD | PERM_STORE);
  });

  it('faults on a misaligned superpage', () => {
    const { tb, tr } = setup(SatpMode.Sv39);
    tb.map(0x0020_0000n, 0x8040_1000n, 1, RWX | AD);
    tb.map(0x4000_0000n, 0x8020_0000n, 2, RWX | AD);
    assert.equal(tr(0x0020_0000n), WalkCause.LoadPageFault);
    assert.equal(tr(0x4000_0000n, Access.Store), WalkCause.StorePageFault);
    assert.equal(tr(0x4000_0000n, Access.Fetch), WalkCause.FetchPageFault);
  });

  it('applies U/S protection with SUM', () => {
    const { tb, tr } = setup(SatpMode.Sv39);
    tb.map(0x1000n, 0x8000_0000n, 0, RWX | AD | PTE_U);
    tb.map(0x2000n, 0x8000_1000n, 0, RWX | AD);
    assert.equal(tr(0x1000n, Access.Load, U), 0);
    assert.equal(tr(0x2000n, Access.Load, U), WalkCause.LoadPageFault, 'U-mode on a supervisor page');
    assert.equal(tr(0x2000n, Access.Fetch, S), 0);
    assert.equal(tr(0x1000n, Access.Load, S, false), WalkCause.LoadPageFault, 'SUM=0');
    assert.equal(tr(0x1000n, Access.Store, S, true), 0, 'SUM=1');
    assert.equal(tr(0x1000n, Access.Fetch, S, true), WalkCause.FetchPageFault, 'S never executes user pages');
  });

  it('MXR makes execute-only pages readable; W is needed for stores, X for fetches', () => {
    const { w, tb, tr } = setup(SatpMode.Sv39);
    tb.map(0x1000n, 0x8000_0000n, 0, PTE_V | PTE_X | AD);
    tb.map(0x2000n, 0x8000_1000n, 0, PTE_V | PTE_R | AD);
    assert.equal(tr(0x1000n, Access.Load), WalkCause.LoadPageFault);
    assert.equal(tr(0x1000n, Access.Load, S, false, true), 0);
    assert.equal(w.res.perms, PERM_FETCH | PERM_LOAD);
    assert.equal(tr(0x1000n, Access.Fetch), 0);
    assert.equal(tr(0x2000n, Access.Store), WalkCause.StorePageFault);
    assert.equal(tr(0x2000n, Access.Fetch), WalkCause.FetchPageFault);
  });

  it('rejects non-canonical addresses and accepts the sign-extended upper half', () => {
    const { w, tb, tr, mem } = setup(SatpMode.Sv39);
    tb.map(0xffff_ffc0_0000_0000n, 0x8000_0000n, 2, RWX | AD);
    assert.equal(tr(0xffff_ffc0_0000_1234n), 0);
    assert.equal(w.res.pa, 0x8000_1234);
    mem.reads = [];
    assert.equal(tr(0x0000_0040_0000_0000n), WalkCause.LoadPageFault, 'bit 38 set, upper bits clear');
    assert.equal(tr(0x8000_0000_0000_0000n, Access.Fetch), WalkCause.FetchPageFault);
    assert.equal(mem.reads.length, 0, 'no table read for a non-canonical address');
  });

  it("'fault' A/D mode raises page faults instead of writing", () => {
    const { mem, w, tb, tr } = setup(SatpMode.Sv39);
    w.adUpdate = 'fault';
    tb.map(0x1000n, 0x8000_0000n, 0, RW);
    tb.map(0x2000n, 0x8000_1000n, 0, RW | PTE_A);
    tb.map(0x3000n, 0x8000_2000n, 0, RW | AD);
    assert.equal(tr(0x1000n), WalkCause.LoadPageFault);
    assert.equal(tr(0x2000n), 0);
    assert.equal(tr(0x2000n, Access.Store), WalkCause.StorePageFault);
    assert.equal(tr(0x3000n, Access.Store), 0);
    assert.equal(mem.writes.length, 0);
  });

  it('faults on reserved bits, the R=0/W=1 encoding and reserved non-leaf bits', () => {
    const { mem, tb, tr } = setup(SatpMode.Sv39);
    const cases: [bigint, number][] = [[1n << 63n, RW | AD], [1n << 61n, RW | AD], [1n << 54n, RW | AD], [0n, PTE_V | PTE_W | AD], [0n, RW & ~PTE_V]];
    cases.forEach(([extra, flags], k) => {
      const va = BigInt(0x1000 * (k + 1));
      const a = tb.map(va, 0x8000_0000n, 0, RW | AD);
      mem.set(a, pte(0x8000_0000n, flags) | extra);
      assert.equal(tr(va), WalkCause.LoadPageFault, `case ${k}`);
    });
    // A non-leaf PTE with A set.
    const va = 0x4000_0000n;
    tb.map(va, 0x8000_0000n, 0, RW | AD);
    const l2 = tb.pteAddr(va, 2);
    assert.equal(tr(va), 0);
    mem.set(l2, mem.get(l2) | BigInt(PTE_A));
    assert.equal(tr(va), WalkCause.LoadPageFault);
    // A pointer at level 0.
    const a0 = tb.map(0x7000n, 0x8000_0000n, 0, RW | AD);
    mem.set(a0, pte(0x8010_0000n, PTE_V));
    assert.equal(tr(0x7000n, Access.Fetch), WalkCause.FetchPageFault);
  });

  it('reports access faults when a PTE read or the A/D write-back fails', () => {
    const { mem, tb, tr } = setup(SatpMode.Sv39);
    const leaf = tb.map(0x1000n, 0x8000_0000n, 0, RW);
    mem.denyRead.add(tb.pteAddr(0x1000n, 1));
    assert.equal(tr(0x1000n, Access.Fetch), WalkCause.FetchAccessFault);
    mem.denyRead.clear();
    mem.denyWrite.add(leaf);
    assert.equal(tr(0x1000n, Access.Store), WalkCause.StoreAccessFault);
    // A root table outside memory.
    const w = new Walker(mem);
    assert.equal(w.translate(SatpMode.Sv39, 0x10, 0x1000, 0, Access.Load, S, false, false), WalkCause.LoadAccessFault);
  });

  it('walks Sv48 and Sv57 (4 KiB pages and top-level superpages) with their canonical widths', () => {
    for (const mode of [SatpMode.Sv48, SatpMode.Sv57]) {
      const { w, tb, tr, mem } = setup(mode);
      const levels = mode - 5;
      const vaBits = 12 + 9 * levels;
      const high = (1n << BigInt(vaBits - 2)) | 0x1234_5000n;
      tb.map(high, 0x8123_4000n, 0, RW | AD);
      mem.reads = [];
      assert.equal(tr(high | 0x10n), 0);
      assert.equal(w.res.pa, 0x8123_4010);
      assert.equal(mem.reads.length, levels);
      // Top-level leaf in the upper half of the address space.
      const topShift = BigInt(12 + 9 * (levels - 1));
      const upper = BigInt.asUintN(64, -(1n << topShift));
      tb.map(upper, 0n, levels - 1, RW | AD);
      assert.equal(tr(upper + 0x1_2345_6788n), 0);
      assert.equal(w.res.pa, 0x1_2345_6788);
      assert.equal(w.res.pageShift, Number(topShift));
      // Just outside the canonical range.
      assert.equal(tr(1n << BigInt(vaBits - 1)), WalkCause.LoadPageFault, `${mode}`);
      assert.equal(tr(1n << BigInt(vaBits)), WalkCause.LoadPageFault);
    }
  });

  it('Bare mode is the identity below 2^56 and an access fault above', () => {
    const w = new Walker(new FakeMem(RAM, 4096));
    assert.equal(w.translate(SatpMode.Bare, 0, 0x1234, 0x10, Access.Load, S, false, false), 0);
    assert.equal(w.res.pa, 0x10_0000_1234);
    assert.equal(w.translate(SatpMode.Bare, 0, 0, 0x0100_0000, Access.Store, S, false, false), WalkCause.StoreAccessFault);
  });

  it('extracts MODE and PPN from satp halves', () => {
    const [lo, hi] = halves((8n << 60n) | (0xabcn << 32n) | 0x8020_0n);
    assert.equal(atpMode(hi), 8);
    assert.equal(atpPpn(lo, hi), 0xabc_0008_0200);
  });
});

describe('mmu/walker: G stage (x4)', () => {
  function gsetup(mode: number) {
    const mem = new FakeMem(RAM, 4 << 20);
    mem.alloc(4096); // so the root is not at the start: 16 KiB alignment matters
    const root = mem.alloc(16384, 16384);
    const tb = new TableBuilder(mem, mode, root, true);
    const w = new Walker(mem);
    const trg = (gpa: bigint, access: 0 | 1 | 2 = Access.Load, mxr = false, hlvx = false): number => {
      const [lo, hi] = halves(gpa);
      return w.translateG(mode, root / 4096, lo, hi, access, mxr, hlvx);
    };
    return { mem, tb, w, trg, root };
  }

  it('uses a 16 KiB root with 11 index bits (Sv39x4)', () => {
    const { w, tb, trg, root } = gsetup(SatpMode.Sv39);
    const gpa = (1n << 40n) | 0x8000_0000n; // root index 1026: beyond the first 4 KiB
    const leaf = tb.map(gpa, 0x8220_0000n, 1, RW | PTE_U);
    assert.equal(tb.pteAddr(gpa, 2), root + 1026 * 8);
    assert.equal(trg(gpa | 0x1_2345n), 0);
    assert.equal(w.res.pa, 0x8221_2345);
    assert.equal(w.res.gPteAddr, leaf);
    assert.equal(w.res.gLeaf & PTE_A, PTE_A);
    assert.equal(w.res.pageShift, 21);
    // hgatp.PPN[1:0] are ignored in the x4 modes.
    const [lo, hi] = halves(gpa);
    assert.equal(w.translateG(SatpMode.Sv39, root / 4096 + 3, lo, hi, Access.Load, false), 0);
    assert.equal(w.res.pa, 0x8220_0000);
  });

  it('raises guest-page faults for GPAs wider than VA+2 bits, with the GPA recorded', () => {
    const { w, trg } = gsetup(SatpMode.Sv39);
    assert.equal(trg(1n << 41n), WalkCause.LoadGuestPageFault);
    assert.equal(w.res.gpaHi, 1 << 9);
    assert.equal(w.res.implicit, false);
    assert.equal(w.res.htinst, 0);
    const g48 = gsetup(SatpMode.Sv48);
    assert.equal(g48.trg(1n << 50n, Access.Store), WalkCause.StoreGuestPageFault);
    const g57 = gsetup(SatpMode.Sv57);
    assert.equal(g57.trg(1n << 59n, Access.Fetch), WalkCause.FetchGuestPageFault);
    assert.equal(g57.trg(1n << 58n, Access.Fetch), WalkCause.FetchGuestPageFault, 'in range, but unmapped');
  });

  it('updates G-stage A/D in hardware, or faults with a guest-page fault under Svade', () => {
    const { mem, w, tb, trg } = gsetup(SatpMode.Sv48);
    const leaf = tb.map(0x1000n, 0x8000_0000n, 0, RW | PTE_U);
    w.adUpdate = 'fault';
    assert.equal(trg(0x1000n, Access.Store), WalkCause.StoreGuestPageFault);
    assert.equal(mem.writes.length, 0);
    w.adUpdate = 'hardware';
    assert.equal(trg(0x1000n, Access.Store), 0);
    assert.equal(mem.get(leaf), pte(0x8000_0000n, RW | PTE_U | AD));
    assert.equal(w.res.perms, PERM_LOAD | PERM_STORE);
  });

  it('requires U=1 in G-stage leaves and honours MXR and HLVX', () => {
    const { tb, trg } = gsetup(SatpMode.Sv39);
    tb.map(0x1000n, 0x8000_0000n, 0, RWX | AD);
    tb.map(0x2000n, 0x8000_0000n, 0, PTE_V | PTE_X | PTE_U | AD);
    tb.map(0x3000n, 0x8000_0000n, 0, PTE_V | PTE_R | PTE_U | AD);
    assert.equal(trg(0x1000n), WalkCause.LoadGuestPageFault);
    assert.equal(trg(0x2000n), WalkCause.LoadGuestPageFault);
    assert.equal(trg(0x2000n, Access.Load, true), 0);
    assert.equal(trg(0x2000n, Access.Load, false, true), 0, 'HLVX reads executable pages');
    assert.equal(trg(0x3000n, Access.Load, false, true), WalkCause.LoadGuestPageFault, 'HLVX needs X');
  });
});

describe('mmu/walker: two-stage translation', () => {
  // Host: G-stage tables in the first 1 MiB; guest RAM (GPA 0x4020_0000..) at host 0x8020_0000 (2 MiB
  // megapage, writable) plus a read-only window.
  const GUEST = 0x4020_0000;
  const HOSTG = 0x8020_0000;
  function tsetup(vsMode = SatpMode.Sv39, gFlags = RWX | PTE_U | AD) {
    const mem = new FakeMem(RAM, 6 << 20);
    const groot = mem.alloc(16384, 16384);
    const g = new TableBuilder(mem, SatpMode.Sv39, groot, true);
    g.map(BigInt(GUEST), BigInt(HOSTG), 1, gFlags);
    // Guest tables are allocated from guest RAM.
    mem.alloc(0, 0x20_0000);
    const toHost = (a: number) => a - GUEST + HOSTG;
    const fromHost = (a: number) => a - HOSTG + GUEST;
    const vsRootHost = mem.alloc();
    const vs = new TableBuilder(mem, vsMode, fromHost(vsRootHost), false, toHost, fromHost);
    const w = new Walker(mem);
    const tr2 = (va: bigint, access: 0 | 1 | 2 = Access.Load, o: { priv?: number; sum?: boolean; mxrVs?: boolean; mxrHs?: boolean; hlvx?: boolean } = {}): number => {
      const [lo, hi] = halves(va);
      return w.translate2(vsMode, vs.root / 4096, SatpMode.Sv39, groot / 4096, lo, hi, access, o.priv ?? S, o.sum ?? false, o.mxrVs ?? false, o.mxrHs ?? false, o.hlvx ?? false);
    };
    return { mem, g, vs, w, tr2, toHost, groot };
  }

  it('composes VS and G stages, reading every VS PTE through the G stage', () => {
    const { mem, g, vs, w, tr2, toHost } = tsetup();
    g.map(0x1_0000_0000n, 0x9000_0000n, 0, RW | PTE_U | AD);
    const leaf = vs.map(0xffff_ffff_8000_0000n, 0x1_0000_0000n, 0, RW | AD);
    mem.reads = [];
    assert.equal(tr2(0xffff_ffff_8000_0123n), 0);
    assert.equal(w.res.pa, 0x9000_0123);
    assert.equal(w.res.gpa, 0x1_0000_0123);
    assert.equal(w.res.pteAddr, toHost(leaf), 'leaf PTE address is host-physical');
    assert.equal(w.res.pageShift, 12);
    assert.equal(w.res.perms, PERM_LOAD | PERM_STORE);
    // 3 VS levels, each after a 2-level G walk (megapage), then a 3-level G walk of the final GPA.
    assert.equal(mem.reads.length, 3 * 2 + 3 + 3);
  });

  it('uses the smaller page size of the two stages', () => {
    const { vs, w, tr2 } = tsetup();
    vs.map(0x4000_0000n, BigInt(GUEST), 1, RWX | AD);
    assert.equal(tr2(0x4001_2344n, Access.Fetch), 0);
    assert.equal(w.res.pa, HOSTG + 0x1_2344);
    assert.equal(w.res.pageShift, 21);
    assert.equal(w.res.level, 1);
  });

  it('reports a guest-page fault in the G walk of a VS PTE with the PTE GPA and the implicit flag', () => {
    const { g, vs, w, tr2, mem } = tsetup();
    // A level-1 VS table outside guest RAM (GPA 0x5000_0000, unmapped in the G stage).
    const va = 0x1000n;
    vs.map(va, BigInt(GUEST), 0, RW | AD);
    const l2 = vs.pteAddr(va, 2);
    const mapped = mem.get(l2 - GUEST + HOSTG);
    assert.ok((mapped & 1n) === 1n);
    mem.set(l2 - GUEST + HOSTG, pte(0x5000_0000n, PTE_V));
    assert.equal(tr2(va, Access.Store), WalkCause.StoreGuestPageFault, 'reported for the original access type');
    assert.equal(w.res.implicit, true);
    assert.equal(w.res.implicitWrite, false);
    assert.equal(w.res.htinst, 0x3000);
    assert.equal(w.res.gpa, 0x5000_0000 + 0 * 8, 'GPA of the level-1 PTE');
    // Mapped but only as U=0 in the G stage: still a guest-page fault.
    g.map(0x5000_0000n, 0x8030_0000n, 0, RW | AD);
    assert.equal(tr2(va, Access.Fetch), WalkCause.FetchGuestPageFault);
    assert.equal(w.res.gpa, 0x5000_0000);
  });

  it('reports a guest-page fault on the A/D write-back with the write pseudoinstruction', () => {
    const { g, vs, w, tr2, mem, toHost } = tsetup();
    // Map one guest page-table page read-only in the G stage (4 KiB, overriding the megapage).
    const va = 0x2000n;
    const leaf = vs.map(va, BigInt(GUEST), 0, RW);
    const leafPage = BigInt(leaf) & ~0xfffn;
    const g1 = g.pteAddr(leafPage, 1);
    const gTable = mem.alloc();
    for (let k = 0; k < 512; k++) mem.set(gTable + k * 8, pte(BigInt(HOSTG + k * 4096), RWX | PTE_U | AD));
    mem.set(g1, pte(BigInt(gTable), PTE_V));
    const ro = gTable + Number((leafPage >> 12n) & 0x1ffn) * 8;
    mem.set(ro, pte(BigInt(toHost(Number(leafPage))), PTE_V | PTE_R | PTE_U | PTE_A));
    mem.writes = [];
    assert.equal(tr2(va, Access.Load), WalkCause.LoadGuestPageFault);
    assert.equal(w.res.implicit, true);
    assert.equal(w.res.implicitWrite, true);
    assert.equal(w.res.htinst, 0x3020);
    assert.equal(w.res.gpa, leaf);
    assert.equal(mem.writes.length, 0);
    // With Svade for the VS stage it is a plain VS-stage page fault instead.
    w.adUpdateVs = 'fault';
    assert.equal(tr2(va, Access.Load), WalkCause.LoadPageFault);
    assert.equal(w.res.implicit, false);
    // Writable again: the write-back sets A in the VS PTE and D in the G-stage leaf.
    w.adUpdateVs = 'hardware';
    mem.set(ro, pte(BigInt(toHost(Number(leafPage))), PTE_V | PTE_R | PTE_W | PTE_U | PTE_A));
    assert.equal(tr2(va, Access.Load), 0);
    assert.equal(mem.get(toHost(leaf)) & BigInt(PTE_A), BigInt(PTE_A));
    assert.equal(mem.get(ro) & BigInt(PTE_D), BigInt(PTE_D));
  });

  it('reports a fault of the final G-stage walk as not implicit, with the final GPA', () => {
    const { vs, w, tr2 } = tsetup();
    vs.map(0x3000n, 0x7000_0000n, 0, RW | AD);
    assert.equal(tr2(0x3008n, Access.Load), WalkCause.LoadGuestPageFault);
    assert.equal(w.res.implicit, false);
    assert.equal(w.res.htinst, 0);
    assert.equal(w.res.gpa, 0x7000_0008);
  });

  it('applies vsstatus.MXR to the VS stage only and mstatus.MXR to both; HLVX needs X in both', () => {
    const { g, vs, tr2 } = tsetup();
    vs.map(0x1000n, BigInt(GUEST), 0, PTE_V | PTE_X | AD); // VS execute-only, G RWX
    vs.map(0x2000n, 0x6000_0000n, 0, PTE_V | PTE_R | AD); // VS readable, G execute-only
    g.map(0x6000_0000n, 0x8030_0000n, 0, PTE_V | PTE_X | PTE_U | AD);
    assert.equal(tr2(0x1000n), WalkCause.LoadPageFault);
    assert.equal(tr2(0x1000n, Access.Load, { mxrVs: true }), 0);
    assert.equal(tr2(0x1000n, Access.Load, { mxrHs: true }), 0);
    assert.equal(tr2(0x2000n, Access.Load, { mxrVs: true }), WalkCause.LoadGuestPageFault);
    assert.equal(tr2(0x2000n, Access.Load, { mxrHs: true }), 0);
    assert.equal(tr2(0x1000n, Access.Load, { hlvx: true }), 0);
    assert.equal(tr2(0x2000n, Access.Load, { hlvx: true }), WalkCause.LoadPageFault);
  });

  it('VU-mode and vsstatus.SUM apply to the VS stage', () => {
    const { vs, tr2 } = tsetup();
    vs.map(0x1000n, BigInt(GUEST), 0, RW | AD | PTE_U);
    assert.equal(tr2(0x1000n, Access.Load, { priv: U }), 0);
    assert.equal(tr2(0x1000n, Access.Load, { priv: S }), WalkCause.LoadPageFault);
    assert.equal(tr2(0x1000n, Access.Load, { priv: S, sum: true }), 0);
  });

  it('with vsatp Bare the VA is the GPA', () => {
    const { w, mem, groot } = tsetup();
    const [lo, hi] = halves(BigInt(GUEST + 0x10));
    assert.equal(w.translate2(SatpMode.Bare, 0, SatpMode.Sv39, groot / 4096, lo, hi, Access.Store, S, false, false, false), 0);
    assert.equal(w.res.pa, HOSTG + 0x10);
    assert.equal(w.res.pageShift, 21);
    assert.equal(w.translate2(SatpMode.Bare, 0, SatpMode.Sv39, groot / 4096, 0, 1 << 9, Access.Load, S, false, false, false), WalkCause.LoadGuestPageFault);
    assert.equal(w.res.implicit, false);
    void mem;
  });
});
