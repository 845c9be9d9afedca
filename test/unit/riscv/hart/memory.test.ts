// Loads, stores and fetches through translation: misaligned accesses across pages, page-crossing
// instruction fetch, LR/SC and AMO faults, self-modifying code, PMP, and the software TLB's
// invariants (D bit, flushes, MMIO never cached).
import assert from 'node:assert';
import { CSR, Priv, MSTATUS_SUM, MSTATUS_MPRV } from '../../../../src/riscv/hart/csrs';
import { I, R } from './asm';
import { RAM, PTE, Sv39, asm, csr, enter, getX, load, pc, readU64, rig, setCsr, setX, writeU64, type Rig } from './harness';

const MTRAP = RAM + 0xc00;
const TABLES = RAM + 0x80000;
const CODE_VA = 0x1000;
const UART = 0x1000_0000;

/** S-mode with Sv39 on: code at VA 0x1000 (PA RAM+0x1000), M handler parked at MTRAP. */
function paged(body: number[]): { r: Rig; pt: Sv39 } {
  const r = rig();
  const pt = new Sv39(r, TABLES);
  pt.map(CODE_VA, RAM + 0x1000, PTE.R | PTE.X | PTE.A);
  load(r, asm(CODE_VA).emit(...body).halt(), RAM + 0x1000);
  load(r, asm(MTRAP).halt());
  setCsr(r.h, CSR.mtvec, MTRAP);
  setCsr(r.h, CSR.satp, pt.satp);
  enter(r.h, Priv.S, CODE_VA);
  return { r, pt };
}

function bare(body: number[], at = RAM): Rig {
  const r = rig();
  load(r, asm(at).emit(...body).halt());
  load(r, asm(MTRAP).halt());
  setCsr(r.h, CSR.mtvec, MTRAP);
  setPcM(r, at);
  return r;
}

function setPcM(r: Rig, at: number): void {
  enter(r.h, Priv.M, at);
}

const trapped = (r: Rig) => r.h.lastTrap.count > 0;

describe('hart: misaligned accesses', () => {
  it('a misaligned load across two mapped pages is performed', () => {
    const { r, pt } = paged([I.ld(R.a0, R.a1, -4)]);
    pt.map(0x3000, RAM + 0x3000, PTE.R | PTE.W | PTE.A | PTE.D);
    pt.map(0x4000, RAM + 0x8000, PTE.R | PTE.W | PTE.A | PTE.D);
    r.m.ram.view.setUint32(0x3ffc, 0x44332211, true);
    r.m.ram.view.setUint32(0x8000, 0x88776655, true);
    setX(r.h, R.a1, 0x4000);
    r.h.run(1);
    assert.ok(!trapped(r));
    assert.strictEqual(getX(r.h, R.a0), 0x8877665544332211n);
  });

  it('a misaligned load faulting on the second page reports that page (the faulting portion) and leaves rd', () => {
    const { r, pt } = paged([I.ld(R.a0, R.a1, -4)]);
    pt.map(0x3000, RAM + 0x3000, PTE.R | PTE.W | PTE.A | PTE.D);
    setX(r.h, R.a1, 0x4000);
    setX(r.h, R.a0, 0x55);
    r.h.run(2);
    assert.strictEqual(csr(r.h, CSR.mcause), 13n);
    // machine.adoc, mtval: "the virtual address of the portion of the access that caused the fault".
    assert.strictEqual(csr(r.h, CSR.mtval), 0x4000n);
    assert.strictEqual(csr(r.h, CSR.mepc), BigInt(CODE_VA));
    assert.strictEqual(getX(r.h, R.a0), 0x55n);
  });

  it('a misaligned store faulting on the second page writes nothing and reports the second page', () => {
    const { r, pt } = paged([I.sd(R.a2, R.a1, -2)]);
    pt.map(0x3000, RAM + 0x3000, PTE.R | PTE.W | PTE.A | PTE.D);
    pt.map(0x4000, RAM + 0x4000, PTE.R | PTE.A); // read-only
    setX(r.h, R.a1, 0x4000);
    setX(r.h, R.a2, -1n);
    r.h.run(2);
    assert.strictEqual(csr(r.h, CSR.mcause), 15n);
    assert.strictEqual(csr(r.h, CSR.mtval), 0x4000n);
    assert.strictEqual(readU64(r, RAM + 0x3ff8), 0n, 'first page untouched');
  });

  it('a misaligned load whose first page faults reports the original address', () => {
    const { r, pt } = paged([I.lw(R.a0, R.a1, 0)]);
    pt.map(0x4000, RAM + 0x4000, PTE.R | PTE.A);
    setX(r.h, R.a1, 0x3ffe);
    r.h.run(2);
    assert.strictEqual(csr(r.h, CSR.mcause), 13n);
    assert.strictEqual(csr(r.h, CSR.mtval), 0x3ffen);
  });
});

describe('hart: instruction fetch across a page boundary', () => {
  const ADDI = I.addi(R.a0, R.a0, 1);

  function straddle(mapSecond: boolean): Rig {
    const { r, pt } = paged([I.jalr(R.zero, R.a5, 0)]);
    r.m.ram.view.setUint16(0x1ffe, ADDI & 0xffff, true);
    r.m.ram.view.setUint16(0x8000, ADDI >>> 16, true);
    r.m.loadPhys(RAM + 0x8002, asm(0).halt().bytes());
    if (mapSecond) pt.map(0x2000, RAM + 0x8000, PTE.R | PTE.X | PTE.A);
    setX(r.h, R.a5, 0x1ffe);
    r.h.run(4);
    return r;
  }

  it('a 32-bit instruction straddling into a mapped page executes', () => {
    const r = straddle(true);
    assert.ok(!trapped(r));
    assert.strictEqual(getX(r.h, R.a0), 1n);
    assert.strictEqual(pc(r.h), 0x2002n);
  });

  it('when the second page is unmapped: instruction page fault, tval = the second page, mepc = the instruction', () => {
    const r = straddle(false);
    assert.strictEqual(csr(r.h, CSR.mcause), 12n);
    assert.strictEqual(csr(r.h, CSR.mtval), 0x2000n);
    assert.strictEqual(csr(r.h, CSR.mepc), 0x1ffen);
  });
});

describe('hart: LR/SC and AMOs', () => {
  it('SC succeeds after LR, fails without a reservation and leaves memory alone', () => {
    const r = bare([I.lrD(R.a0, R.a1), I.scD(R.a2, R.a3, R.a1), I.scD(R.a4, R.a5, R.a1)]);
    writeU64(r, RAM + 0x2000, 0x1122334455667788n);
    setX(r.h, R.a1, RAM + 0x2000);
    setX(r.h, R.a3, 0xabcdn);
    setX(r.h, R.a5, 0x9999n);
    r.h.run(3);
    assert.ok(!trapped(r));
    assert.strictEqual(getX(r.h, R.a0), 0x1122334455667788n);
    assert.strictEqual(getX(r.h, R.a2), 0n);
    assert.strictEqual(getX(r.h, R.a4), 1n);
    assert.strictEqual(readU64(r, RAM + 0x2000), 0xabcdn);
  });

  it('LR.W sign-extends; SC to another address fails', () => {
    const r = bare([I.lrW(R.a0, R.a1), I.scW(R.a2, R.a3, R.a4)]);
    r.m.ram.view.setInt32(0x2000, -5, true);
    setX(r.h, R.a1, RAM + 0x2000);
    setX(r.h, R.a4, RAM + 0x2008);
    r.h.run(2);
    assert.strictEqual(getX(r.h, R.a0), BigInt.asUintN(64, -5n));
    assert.strictEqual(getX(r.h, R.a2), 1n);
  });

  const cases: [string, number, number, bigint][] = [
    ['misaligned LR.W: load address misaligned', I.lrW(R.a0, R.a1), RAM + 0x2002, 4n],
    ['misaligned AMOADD.W: store/AMO address misaligned', I.amoaddW(R.a0, R.a2, R.a1), RAM + 0x2002, 6n],
    ['misaligned AMOSWAP.D: store/AMO address misaligned', I.amoswapD(R.a0, R.a2, R.a1), RAM + 0x2004, 6n],
    ['LR.W on MMIO: load access fault', I.lrW(R.a0, R.a1), UART, 5n],
    ['AMOADD.W on MMIO: store/AMO access fault', I.amoaddW(R.a0, R.a2, R.a1), UART, 7n],
  ];
  for (const [name, insn, addr, cause] of cases) {
    it(name, () => {
      const r = bare([insn]);
      setX(r.h, R.a1, addr);
      r.h.run(2);
      assert.strictEqual(csr(r.h, CSR.mcause), cause);
      assert.strictEqual(csr(r.h, CSR.mtval), BigInt(addr));
    });
  }

  it('an AMO on a read-only page is a store/AMO page fault and sets no D bit', () => {
    const { r, pt } = paged([I.amoaddW(R.a0, R.a2, R.a1)]);
    pt.map(0x3000, RAM + 0x3000, PTE.R | PTE.A);
    setX(r.h, R.a1, 0x3000);
    r.h.run(2);
    assert.strictEqual(csr(r.h, CSR.mcause), 15n);
    assert.strictEqual(pt.pte(0x3000) & BigInt(PTE.D), 0n);
  });
});

describe('hart: self-modifying code', () => {
  it('a store to a page already executed replaces the decoded instruction (after fence.i)', () => {
    const T = RAM + 0x100; // same page as the code doing the store
    const a = asm();
    a.emit(I.jal(R.ra, T - RAM), I.sw(R.t0, R.t1, 0), I.fenceI(), I.jal(R.ra, T - (RAM + 12))).halt();
    const r = bare([]);
    load(r, a);
    load(r, asm(T).emit(I.addi(R.a0, R.a0, 1), I.jalr(R.zero, R.ra, 0)));
    setX(r.h, R.t0, I.addi(R.a0, R.a0, 16));
    setX(r.h, R.t1, T);
    const inv = r.m.code.invalidations;
    r.h.run(9);
    assert.strictEqual(getX(r.h, R.a0), 17n);
    assert.ok(r.m.code.invalidations > inv);
  });

  it('a store to the next instruction of a straight-line run takes effect', () => {
    // sw overwrites the instruction right after it: 'addi a0, a0, 1' becomes 'addi a0, a0, 100'.
    const r = bare([I.addi(R.a0, R.a0, 1), I.sw(R.t0, R.t1, 0), I.fenceI(), I.addi(R.a0, R.a0, 1)]);
    setX(r.h, R.t0, I.addi(R.a0, R.a0, 100));
    setX(r.h, R.t1, RAM + 12);
    r.h.run(2); // decode the page first, then store into it while running
    r.h.run(3);
    assert.strictEqual(getX(r.h, R.a0), 101n);
  });

  it('a page holding decoded code is never in the write TLB', () => {
    const r = bare([I.sw(R.zero, R.t1, 0), I.sw(R.zero, R.t1, 0)]);
    const codePagesInWriteTlb = () => Array.from(r.h.tlbWTag).filter((t, i) => !Number.isNaN(t) && r.m.code.hasPage(r.h.tlbWBase[i] >>> 12)).length;
    setX(r.h, R.t1, RAM + 0x800);
    r.h.run(3); // the stores drop the page's code; fetching the next instruction decodes it again
    assert.ok(r.m.code.hasPage(0));
    assert.strictEqual(codePagesInWriteTlb(), 0);
    assert.ok(!Array.from(r.h.tlbWTag).includes(RAM / 4096), 'store TLB holds the code page');
    setX(r.h, R.t1, RAM + 0x2000);
    setPcM(r, RAM);
    r.h.run(3);
    assert.ok(Array.from(r.h.tlbWTag).includes((RAM + 0x2000) / 4096), 'a data page is cached for stores');
    assert.strictEqual(codePagesInWriteTlb(), 0);
  });
});

describe('hart: software TLB', () => {
  it('the first store to a page with D = 0 walks and sets D; the second store does not walk', () => {
    const { r, pt } = paged([I.ld(R.a0, R.a1, 0), I.sd(R.a2, R.a1, 0), I.sd(R.a2, R.a1, 8)]);
    pt.map(0x3000, RAM + 0x3000, PTE.R | PTE.W);
    setX(r.h, R.a1, 0x3000);
    r.h.run(1);
    assert.strictEqual(pt.pte(0x3000) & BigInt(PTE.A | PTE.D), BigInt(PTE.A), 'a load sets A only');
    const walks0 = r.m.memory.walks;
    r.h.run(1);
    assert.strictEqual(r.m.memory.walks, walks0 + 1, 'the first store walks although the page is in the load TLB');
    assert.strictEqual(pt.pte(0x3000) & BigInt(PTE.D), BigInt(PTE.D));
    r.h.run(1);
    assert.strictEqual(r.m.memory.walks, walks0 + 1, 'the second store hits the TLB');
  });

  it('sfence.vma drops a stale translation', () => {
    const { r, pt } = paged([I.ld(R.a0, R.a1, 0), I.sfenceVma(), I.ld(R.a2, R.a1, 0)]);
    pt.map(0x3000, RAM + 0x3000, PTE.R | PTE.A);
    writeU64(r, RAM + 0x3000, 1n);
    writeU64(r, RAM + 0x5000, 2n);
    setX(r.h, R.a1, 0x3000);
    r.h.run(1);
    pt.map(0x3000, RAM + 0x5000, PTE.R | PTE.A);
    r.h.run(2);
    assert.strictEqual(getX(r.h, R.a0), 1n);
    assert.strictEqual(getX(r.h, R.a2), 2n);
  });

  it('clearing sstatus.SUM drops translations of user pages made while it was set', () => {
    const { r, pt } = paged([I.csrrs(R.zero, CSR.sstatus, R.t0), I.ld(R.a0, R.a1, 0), I.csrrc(R.zero, CSR.sstatus, R.t0), I.ld(R.a2, R.a1, 0)]);
    pt.map(0x3000, RAM + 0x3000, PTE.R | PTE.U | PTE.A);
    writeU64(r, RAM + 0x3000, 9n);
    setX(r.h, R.t0, MSTATUS_SUM);
    setX(r.h, R.a1, 0x3000);
    r.h.run(5);
    assert.strictEqual(getX(r.h, R.a0), 9n);
    assert.strictEqual(csr(r.h, CSR.mcause), 13n);
    assert.strictEqual(csr(r.h, CSR.mepc), BigInt(CODE_VA + 12));
  });

  it('clearing mstatus.MPRV in M-mode drops translations made with MPP = S', () => {
    const r = bare([I.ld(R.a0, R.a1, 0), I.csrrc(R.zero, CSR.mstatus, R.t0), I.ld(R.a2, R.a1, 0)]);
    const pt = new Sv39(r, TABLES);
    pt.map(0x3000, RAM + 0x3000, PTE.R | PTE.A);
    writeU64(r, RAM + 0x3000, 3n);
    setCsr(r.h, CSR.satp, pt.satp);
    setCsr(r.h, CSR.mstatus, MSTATUS_MPRV | (1 << 11));
    setX(r.h, R.t0, MSTATUS_MPRV);
    setX(r.h, R.a1, 0x3000);
    r.h.run(4);
    assert.strictEqual(getX(r.h, R.a0), 3n, 'MPRV: translated as S');
    assert.strictEqual(csr(r.h, CSR.mcause), 5n, 'without MPRV 0x3000 is a physical address with nothing there');
  });

  it('MMIO pages are never cached; RAM pages are', () => {
    const r = bare([I.lb(R.a0, R.a1, 5), I.lb(R.a0, R.a1, 5), I.ld(R.a2, R.a3, 0)]);
    setX(r.h, R.a1, UART);
    setX(r.h, R.a3, RAM + 0x2000);
    r.h.run(3);
    const tags = Array.from(r.h.tlbRTag);
    assert.ok(!tags.includes(UART / 4096));
    assert.ok(tags.includes((RAM + 0x2000) / 4096));
  });
});

describe('hart: PMP', () => {
  // Entry 0: TOR [0, top0) with cfg0; entry 1: TOR [top0, 2^56) with cfg1.
  function pmp2(r: Rig, top0: number, cfg0: number, cfg1: number): void {
    setCsr(r.h, CSR.pmpaddr0, top0 / 4);
    setCsr(r.h, CSR.pmpaddr0 + 1, (1n << 54n) - 1n);
    setCsr(r.h, CSR.pmpcfg0, (0x08 | cfg0) | ((0x08 | cfg1) << 8));
  }

  it('S-mode fetch stops where execute permission ends inside a page, even for code decoded before', () => {
    const r = bare([I.nop(), I.nop(), I.nop()], RAM + 0x7f8);
    r.h.run(3); // M-mode decodes all three
    pmp2(r, RAM + 0x800, 0x7, 0x3);
    enter(r.h, Priv.S, RAM + 0x7f8);
    r.h.run(4);
    assert.strictEqual(csr(r.h, CSR.mcause), 1n);
    assert.strictEqual(csr(r.h, CSR.mtval), BigInt(RAM + 0x800));
  });

  it('an access is checked over all its bytes: a load half inside a readable region faults', () => {
    const r = bare([I.ld(R.a0, R.a1, 0)]);
    pmp2(r, RAM + 0x2004, 0x7, 0x0);
    setX(r.h, R.a1, RAM + 0x2000);
    setX(r.h, R.a0, 0x77);
    enter(r.h, Priv.S, RAM);
    r.h.run(2);
    assert.strictEqual(csr(r.h, CSR.mcause), 5n);
    assert.strictEqual(csr(r.h, CSR.mtval), BigInt(RAM + 0x2000));
    assert.strictEqual(getX(r.h, R.a0), 0x77n);
  });
});
