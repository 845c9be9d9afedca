// Interrupt priority and enabling per privilege (machine.adoc "Machine Interrupt Registers (mip and
// mie)", supervisor.adoc "Supervisor Interrupt Registers"), mip write rules, WFI wake-up and the
// machine's idle time skip.
import assert from 'node:assert';
import { CSR, Priv, MSTATUS_MIE, MSTATUS_SIE, MIP_SEIP, MIP_SSIP, MIP_STIP } from '../../../../src/riscv/hart/csrs';
import { I, R } from './asm';
import { RAM, asm, csr, enter, getX, load, pc, rig, setCsr, setX, type Rig } from './harness';

const MTRAP = RAM + 0x800;
const STRAP = RAM + 0xc00;
const INT = 1n << 63n;
const HW = [3, 7, 11]; // MSIP, MTIP, MEIP come from devices; the rest through the mip CSR

function parked(): Rig {
  const r = rig();
  load(r, asm().halt());
  load(r, asm(MTRAP).halt());
  load(r, asm(STRAP).halt());
  setCsr(r.h, CSR.mtvec, MTRAP);
  setCsr(r.h, CSR.stvec, STRAP);
  return r;
}

function pend(r: Rig, irqs: number[]): void {
  let sw = 0;
  for (const i of irqs) if (HW.includes(i)) r.h.csr.setHwPending(i, true); else sw |= 1 << i;
  setCsr(r.h, CSR.mip, sw);
}

/** Which trap, if any, is taken in one step: [target privilege, cause] or undefined. */
function taken(r: Rig): [Priv, bigint] | undefined {
  const before = r.h.lastTrap.count;
  r.h.run(1);
  if (r.h.lastTrap.count === before) return undefined;
  const target = r.h.priv;
  return [target, target === Priv.M ? csr(r.h, CSR.mcause) : csr(r.h, CSR.scause)];
}

describe('hart: interrupts', () => {
  it('takes interrupts in the order MEI, MSI, MTI, SEI, SSI, STI', () => {
    const order = [11, 3, 7, 9, 1, 5];
    for (let k = 0; k < order.length; k++) {
      const r = parked();
      setCsr(r.h, CSR.mie, 0xaaa);
      setCsr(r.h, CSR.mstatus, MSTATUS_MIE);
      pend(r, order.slice(k));
      assert.deepStrictEqual(taken(r), [Priv.M, INT | BigInt(order[k])], `with ${order.slice(k).join(',')} pending`);
    }
  });

  it('M-mode takes M-level interrupts only with mstatus.MIE', () => {
    const r = parked();
    setCsr(r.h, CSR.mie, 1 << 7);
    pend(r, [7]);
    assert.strictEqual(taken(r), undefined);
    setCsr(r.h, CSR.mstatus, MSTATUS_MIE);
    assert.deepStrictEqual(taken(r), [Priv.M, INT | 7n]);
  });

  it('delegated interrupts are never taken in M-mode, even with MIE and SIE set', () => {
    const r = parked();
    setCsr(r.h, CSR.mideleg, MIP_SSIP | MIP_STIP | MIP_SEIP);
    setCsr(r.h, CSR.mie, MIP_SSIP | MIP_STIP | MIP_SEIP);
    setCsr(r.h, CSR.mstatus, MSTATUS_MIE | MSTATUS_SIE);
    pend(r, [1, 5, 9]);
    assert.strictEqual(taken(r), undefined);
  });

  it('M-level interrupts are taken in S-mode and U-mode whatever MIE says', () => {
    for (const p of [Priv.S, Priv.U]) {
      const r = parked();
      setCsr(r.h, CSR.mie, 1 << 3);
      pend(r, [3]);
      enter(r.h, p, RAM);
      assert.deepStrictEqual(taken(r), [Priv.M, INT | 3n]);
    }
  });

  it('delegated interrupts in S-mode need SIE; in U-mode they are always enabled', () => {
    let r = parked();
    setCsr(r.h, CSR.mideleg, MIP_SSIP);
    setCsr(r.h, CSR.mie, MIP_SSIP);
    pend(r, [1]);
    enter(r.h, Priv.S, RAM);
    assert.strictEqual(taken(r), undefined, 'S-mode, SIE = 0');
    setCsr(r.h, CSR.sstatus, MSTATUS_SIE);
    assert.deepStrictEqual(taken(r), [Priv.S, INT | 1n]);
    assert.strictEqual(pc(r.h), BigInt(STRAP));

    r = parked();
    setCsr(r.h, CSR.mideleg, MIP_SSIP);
    setCsr(r.h, CSR.mie, MIP_SSIP);
    pend(r, [1]);
    enter(r.h, Priv.U, RAM);
    assert.deepStrictEqual(taken(r), [Priv.S, INT | 1n], 'U-mode, SIE = 0');
    assert.strictEqual(csr(r.h, CSR.sepc), BigInt(RAM));
  });

  it('an M-level interrupt outranks a delegated one of higher priority', () => {
    const r = parked();
    setCsr(r.h, CSR.mideleg, MIP_SEIP);
    setCsr(r.h, CSR.mie, MIP_SEIP | MIP_STIP);
    pend(r, [9, 5]); // SEI (delegated) outranks STI by number, but STI is M-level here
    enter(r.h, Priv.U, RAM);
    assert.deepStrictEqual(taken(r), [Priv.M, INT | 5n]);
  });

  it('sip/sie show only delegated bits; sip writes only SSIP', () => {
    const r = parked();
    setCsr(r.h, CSR.mideleg, MIP_SSIP | MIP_STIP);
    setCsr(r.h, CSR.mie, 0xaaa);
    assert.strictEqual(csr(r.h, CSR.sie), BigInt(MIP_SSIP | MIP_STIP));
    setCsr(r.h, CSR.sip, 0xfff);
    assert.strictEqual(csr(r.h, CSR.mip), BigInt(MIP_SSIP));
    setCsr(r.h, CSR.mip, MIP_STIP | MIP_SEIP);
    assert.strictEqual(csr(r.h, CSR.sip), BigInt(MIP_STIP));
    setCsr(r.h, CSR.mip, 0xfff);
    // VSSIP (bit 2) is writable through mip as an alias of hvip.VSSIP (hypervisor.adoc).
    assert.strictEqual(csr(r.h, CSR.mip), BigInt(MIP_SSIP | MIP_STIP | MIP_SEIP | 4), 'MSIP/MTIP/MEIP are read-only');
  });

  it('CSRRS on mip reads SEIP as the OR with the PLIC but writes back only the software bit', () => {
    const r = rig();
    load(r, asm().emit(I.csrrsi(R.a0, CSR.mip, MIP_SSIP)).halt());
    r.h.csr.setHwPending(9, true); // the PLIC asserts SEIP
    r.h.run(1);
    assert.strictEqual(getX(r.h, R.a0), BigInt(MIP_SEIP), 'rd sees the OR');
    r.h.csr.setHwPending(9, false);
    assert.strictEqual(csr(r.h, CSR.mip), BigInt(MIP_SSIP), 'SEIP was not latched into the software bit');
  });

  it('WFI waits until an interrupt is pending in mie, even with MIE = 0, and then goes on', () => {
    const r = rig();
    load(r, asm().emit(I.wfi(), I.addi(R.a0, R.zero, 5)).halt());
    setCsr(r.h, CSR.mie, 1 << 3);
    r.h.run(10);
    assert.strictEqual(r.h.wfi, true);
    r.h.run(10);
    assert.strictEqual(getX(r.h, R.a0), 0n, 'still waiting');
    r.h.csr.setHwPending(3, true);
    r.h.run(10);
    assert.strictEqual(getX(r.h, R.a0), 5n, 'resumed after the WFI without a trap (MIE = 0)');
    assert.strictEqual(r.h.lastTrap.count, 0);
  });

  it('the machine skips idle time in WFI to the next mtimecmp and takes the timer interrupt', () => {
    const r = parked();
    const CLINT_MTIMECMP = 0x0200_4000;
    const a = asm();
    // mtimecmp = 1_000_000 ticks (0.1 s at 10 MHz), then MTIE + MIE, then WFI.
    a.emit(I.sw(R.a1, R.a0, 0), I.sw(R.zero, R.a0, 4), I.csrrs(R.zero, CSR.mie, R.a2), I.csrrsi(R.zero, CSR.mstatus, MSTATUS_MIE), I.wfi()).halt();
    load(r, a);
    setX(r.h, R.a0, CLINT_MTIMECMP);
    setX(r.h, R.a1, 1_000_000);
    setX(r.h, R.a2, 1 << 7);
    const stop = r.m.run(50_000);
    assert.deepStrictEqual(stop, { kind: 'budget' });
    assert.strictEqual(csr(r.h, CSR.mcause), INT | 7n);
    assert.strictEqual(csr(r.h, CSR.mepc), BigInt(RAM + 20), 'mepc: the instruction after the WFI');
    assert.ok(r.m.now() >= 1_000_000, `time advanced to the deadline (now ${r.m.now()})`);
    assert.ok(r.h.retired < 50_000, 'the wait cost no instructions');
  });

  it('the machine reports idle when every hart waits and no timer can wake it', () => {
    const r = rig();
    load(r, asm().emit(I.wfi()).halt());
    setCsr(r.h, CSR.mie, 1 << 7);
    assert.deepStrictEqual(r.m.run(100_000), { kind: 'idle' });
  });
});
