// CSR access rules and WARL fields (machine.adoc "CSR Field Specifications", the CSR listing,
// supervisor.adoc), counters (Zicntr, mcounteren/scounteren, mcountinhibit) and Sstc.
import assert from 'node:assert';
import { CSR, Priv, MSTATUS_FS, MSTATUS_MPP, MSTATUS_SIE, MSTATUS_MIE, MIP_STIP } from '../../../../src/riscv/hart/csrs';
import { I, R } from './asm';
import { RAM, asm, csr, enter, getX, load, rig, setCsr, type Rig } from './harness';

const MTRAP = RAM + 0x800;

/** Runs `body` at privilege `priv` and returns the trap cause it raised, or -1n. */
function runAt(priv: Priv, body: number[], setup?: (r: Rig) => void): { r: Rig; cause: bigint } {
  const r = rig();
  load(r, asm().emit(...body).halt());
  load(r, asm(MTRAP).halt());
  setCsr(r.h, CSR.mtvec, MTRAP);
  setup?.(r);
  enter(r.h, priv, RAM);
  r.h.run(body.length + 2);
  return { r, cause: r.h.lastTrap.count > 0 ? csr(r.h, CSR.mcause) : -1n };
}

describe('hart: CSR access', () => {
  it('writing a read-only CSR (bits 11:10 = 3) is illegal; reading it with CSRRS x0 / CSRRSI 0 is not', () => {
    assert.strictEqual(runAt(Priv.M, [I.csrrw(R.zero, CSR.mhartid, R.a0)]).cause, 2n);
    assert.strictEqual(runAt(Priv.M, [I.csrrs(R.a0, CSR.mhartid, R.a1)]).cause, 2n, 'CSRRS with rs1 != x0 writes');
    assert.strictEqual(runAt(Priv.M, [I.csrrwi(R.zero, CSR.cycle, 0)]).cause, 2n);
    assert.strictEqual(runAt(Priv.M, [I.csrrs(R.a0, CSR.mvendorid, R.zero), I.csrrsi(R.a0, CSR.cycle, 0), I.csrrci(R.a0, CSR.mimpid, 0)]).cause, -1n);
  });

  it('the privilege in bits 9:8 is checked', () => {
    assert.strictEqual(runAt(Priv.S, [I.csrr(R.a0, CSR.mstatus)]).cause, 2n);
    assert.strictEqual(runAt(Priv.U, [I.csrr(R.a0, CSR.sstatus)]).cause, 2n);
    assert.strictEqual(runAt(Priv.S, [I.csrr(R.a0, CSR.sstatus), I.csrw(CSR.sscratch, R.a0)]).cause, -1n);
  });

  it('RV32-only CSRs do not exist on RV64', () => {
    for (const num of [0x310 /* mstatush */, 0x31a /* menvcfgh */, 0x3a1 /* pmpcfg1 */, 0xc80 /* cycleh */, 0xb82 /* minstreth */, 0x15d /* stimecmph */]) {
      assert.strictEqual(runAt(Priv.M, [I.csrr(R.a0, num)]).cause, 2n, `0x${num.toString(16)}`);
    }
  });

  it('mstatus: MPP ignores the reserved value 2, SD follows FS, UXL/SXL read 2', () => {
    const { h } = rig();
    setCsr(h, CSR.mstatus, 1 << 11); // MPP = S
    setCsr(h, CSR.mstatus, 2 << 11);
    assert.strictEqual(csr(h, CSR.mstatus) & BigInt(MSTATUS_MPP), 1n << 11n);
    assert.strictEqual(csr(h, CSR.mstatus) >> 63n, 0n);
    setCsr(h, CSR.mstatus, MSTATUS_FS);
    const ms = csr(h, CSR.mstatus);
    assert.strictEqual(ms >> 63n, 1n, 'SD');
    assert.strictEqual((ms >> 32n) & 0xfn, 0xan, 'UXL = SXL = 2');
    assert.strictEqual(csr(h, CSR.sstatus) >> 63n, 1n, 'SD in sstatus');
    setCsr(h, CSR.mstatus, -1n);
    // With H, MPV (bit 39) and GVA (bit 38) are implemented too (hypervisor.adoc, mstatus).
    assert.strictEqual(csr(h, CSR.mstatus) & ~0x800000cf_007e7faan, 0n, 'no bit outside the implemented fields');
  });

  it('sstatus writes touch only supervisor fields', () => {
    const { h } = rig();
    setCsr(h, CSR.mstatus, MSTATUS_MIE | (3 << 11));
    setCsr(h, CSR.sstatus, -1n);
    const ms = csr(h, CSR.mstatus);
    assert.strictEqual(ms & BigInt(MSTATUS_MIE | MSTATUS_MPP), BigInt(MSTATUS_MIE | (3 << 11)));
    assert.strictEqual(ms & BigInt(MSTATUS_SIE), BigInt(MSTATUS_SIE));
  });

  it('WARL masks of mideleg, mie, mtvec/stvec, satp, mcounteren, scounteren, mcountinhibit, menvcfg, senvcfg', () => {
    const { h } = rig();
    setCsr(h, CSR.mideleg, -1n);
    // S bits writable; the VS bits (2, 6, 10) are read-only one with H (hypervisor.adoc).
    assert.strictEqual(csr(h, CSR.mideleg), 0x666n);
    setCsr(h, CSR.mideleg, 0n);
    assert.strictEqual(csr(h, CSR.mideleg), 0x444n);
    setCsr(h, CSR.mie, -1n);
    assert.strictEqual(csr(h, CSR.mie), 0xeeen);
    setCsr(h, CSR.mtvec, RAM + 0x100);
    setCsr(h, CSR.mtvec, RAM + 0x202); // MODE 2 is reserved: ignored
    assert.strictEqual(csr(h, CSR.mtvec), BigInt(RAM + 0x100));
    setCsr(h, CSR.stvec, RAM + 0x301);
    assert.strictEqual(csr(h, CSR.stvec), BigInt(RAM + 0x301));
    setCsr(h, CSR.satp, (8n << 60n) | 0x80010n);
    setCsr(h, CSR.satp, (1n << 60n) | 0x12345n); // unsupported MODE: no effect at all
    assert.strictEqual(csr(h, CSR.satp), (8n << 60n) | 0x80010n);
    // All 32 enables exist: hpmcounter3-31 are implemented as read-only-zero counters.
    setCsr(h, CSR.mcounteren, -1n);
    assert.strictEqual(csr(h, CSR.mcounteren), 0xffffffffn);
    setCsr(h, CSR.scounteren, -1n);
    assert.strictEqual(csr(h, CSR.scounteren), 0xffffffffn);
    setCsr(h, CSR.mcountinhibit, -1n);
    assert.strictEqual(csr(h, CSR.mcountinhibit), 5n, 'TM (bit 1) is read-only zero');
    setCsr(h, CSR.menvcfg, -1n);
    assert.strictEqual(csr(h, CSR.menvcfg), (1n << 63n) | 1n, 'STCE and FIOM');
    setCsr(h, CSR.senvcfg, -1n);
    assert.strictEqual(csr(h, CSR.senvcfg), 1n);
  });
});

describe('hart: counters', () => {
  it('minstret counts retired instructions exactly; a write sets the value the next instruction reads', () => {
    const { r } = runAt(Priv.M, [
      I.csrr(R.a0, CSR.minstret), I.nop(), I.nop(), I.csrr(R.a1, CSR.minstret),
      I.csrw(CSR.minstret, R.zero), I.csrr(R.a2, CSR.minstret), I.csrr(R.a3, CSR.instret),
    ]);
    assert.strictEqual(getX(r.h, R.a1) - getX(r.h, R.a0), 3n);
    assert.strictEqual(getX(r.h, R.a2), 0n);
    assert.strictEqual(getX(r.h, R.a3), 1n);
  });

  it('mcountinhibit.IR freezes minstret and CY freezes mcycle; clearing restarts them', () => {
    const { r } = runAt(Priv.M, [
      I.csrw(CSR.minstret, R.zero),              // minstret = 0 after this
      I.csrrsi(R.zero, CSR.mcountinhibit, 4),    // still counted: frozen at 1
      I.nop(), I.nop(),
      I.csrr(R.a0, CSR.minstret),                // 1
      I.csrrci(R.zero, CSR.mcountinhibit, 4),    // retires while inhibited
      I.csrr(R.a1, CSR.minstret),                // 1
      I.csrr(R.a2, CSR.minstret),                // 2
      I.csrw(CSR.mcycle, R.zero),                // mcycle = 0 after this
      I.csrrsi(R.zero, CSR.mcountinhibit, 1),    // frozen at 1
      I.nop(),
      I.csrr(R.a3, CSR.mcycle),                  // 1
      I.csrr(R.a4, CSR.minstret),                // IR not inhibited: kept counting (7)
    ]);
    assert.strictEqual(getX(r.h, R.a0), 1n);
    assert.strictEqual(getX(r.h, R.a1), 1n);
    assert.strictEqual(getX(r.h, R.a2), 2n);
    assert.strictEqual(getX(r.h, R.a3), 1n);
    assert.strictEqual(getX(r.h, R.a4), 7n);
  });

  it('writes to minstret while inhibited are held', () => {
    const { r } = runAt(Priv.M, [I.csrrsi(R.zero, CSR.mcountinhibit, 4), I.addi(R.t0, R.zero, 40), I.csrw(CSR.minstret, R.t0), I.nop(), I.csrr(R.a0, CSR.minstret)]);
    assert.strictEqual(getX(r.h, R.a0), 40n);
  });

  it('cycle/time/instret from S need mcounteren, from U also scounteren', () => {
    for (const [ctr, bit] of [[CSR.cycle, 1], [CSR.time, 2], [CSR.instret, 4], [CSR.hpmcounter3, 8]] as const) {
      assert.strictEqual(runAt(Priv.S, [I.csrr(R.a0, ctr)]).cause, 2n);
      assert.strictEqual(runAt(Priv.S, [I.csrr(R.a0, ctr)], (r) => setCsr(r.h, CSR.mcounteren, bit)).cause, -1n);
      assert.strictEqual(runAt(Priv.U, [I.csrr(R.a0, ctr)], (r) => setCsr(r.h, CSR.mcounteren, bit)).cause, 2n);
      assert.strictEqual(runAt(Priv.U, [I.csrr(R.a0, ctr)], (r) => { setCsr(r.h, CSR.mcounteren, bit); setCsr(r.h, CSR.scounteren, bit); }).cause, -1n);
    }
  });
});

describe('hart: Sstc', () => {
  it('stimecmp from S needs menvcfg.STCE and mcounteren.TM; from U it is illegal', () => {
    const read = [I.csrr(R.a0, CSR.stimecmp)];
    assert.strictEqual(runAt(Priv.S, read).cause, 2n);
    assert.strictEqual(runAt(Priv.S, read, (r) => setCsr(r.h, CSR.menvcfg, 1n << 63n)).cause, 2n, 'STCE without TM');
    assert.strictEqual(runAt(Priv.S, read, (r) => setCsr(r.h, CSR.mcounteren, 2)).cause, 2n, 'TM without STCE');
    assert.strictEqual(runAt(Priv.S, read, (r) => { setCsr(r.h, CSR.menvcfg, 1n << 63n); setCsr(r.h, CSR.mcounteren, 2); }).cause, -1n);
    assert.strictEqual(runAt(Priv.U, read, (r) => { setCsr(r.h, CSR.menvcfg, 1n << 63n); setCsr(r.h, CSR.mcounteren, 7); setCsr(r.h, CSR.scounteren, 7); }).cause, 2n);
    assert.strictEqual(runAt(Priv.M, read).cause, -1n);
  });

  it('with STCE, STIP follows stimecmp and is read-only in mip; without, it is software-writable', () => {
    const { h, m } = rig();
    setCsr(h, CSR.mip, MIP_STIP);
    assert.strictEqual(csr(h, CSR.mip), BigInt(MIP_STIP));
    setCsr(h, CSR.menvcfg, 1n << 63n);
    assert.strictEqual(csr(h, CSR.mip), 0n, 'the software STIP no longer shows (stimecmp is all ones)');
    setCsr(h, CSR.mip, MIP_STIP);
    assert.strictEqual(csr(h, CSR.mip), 0n, 'read-only');
    setCsr(h, CSR.stimecmp, m.now());
    assert.strictEqual(csr(h, CSR.mip), BigInt(MIP_STIP), 'stimecmp <= time');
    setCsr(h, CSR.stimecmp, m.now() + 10);
    assert.strictEqual(csr(h, CSR.mip), 0n);
  });

  it('an S-mode timer set through stimecmp wakes WFI and traps to S after the idle skip', () => {
    const r = rig();
    const STRAP = RAM + 0xc00;
    load(r, asm().emit(I.csrw(CSR.stimecmp, R.a0), I.csrrs(R.zero, CSR.sie, R.a1), I.csrrsi(R.zero, CSR.sstatus, MSTATUS_SIE), I.wfi()).halt());
    load(r, asm(STRAP).halt());
    setCsr(r.h, CSR.stvec, STRAP);
    setCsr(r.h, CSR.menvcfg, 1n << 63n);
    setCsr(r.h, CSR.mcounteren, 2);
    setCsr(r.h, CSR.mideleg, MIP_STIP);
    enter(r.h, Priv.S, RAM);
    r.h.x[2 * R.a0] = 500_000;
    r.h.x[2 * R.a1] = MIP_STIP;
    r.m.run(40_000);
    assert.strictEqual(r.h.priv, Priv.S);
    assert.strictEqual(csr(r.h, CSR.scause), (1n << 63n) | 5n);
    assert.ok(r.m.now() >= 500_000);
    assert.ok(r.h.retired < 40_000);
  });
});
