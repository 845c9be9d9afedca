// Trap entry, delegation, trap return and the trapping privileged instructions
// (machine.adoc "Machine Trap Delegation Registers", "Machine Trap-Vector Base-Address Register",
// "Trap-Return Instructions", "Wait for Interrupt", "Virtualization Support in mstatus Register").
import assert from 'node:assert';
import { CSR, Priv, MSTATUS_MPP, MSTATUS_MPRV, MSTATUS_SIE, MSTATUS_SPIE, MSTATUS_SPP, MSTATUS_MIE, MSTATUS_MPIE,
  MSTATUS_TSR, MSTATUS_TW, MSTATUS_TVM } from '../../../../src/riscv/hart/csrs';
import { I, R } from './asm';
import { RAM, asm, csr, enter, getX, load, pc, rig, setCsr, type Rig } from './harness';

const MTRAP = RAM + 0x800;
const STRAP = RAM + 0xc00;

/** A rig with a parked M handler at MTRAP and S handler at STRAP, and `body` at RAM. */
function withHandlers(body: number[]): Rig {
  const r = rig();
  const a = asm();
  a.emit(...body).halt();
  load(r, a);
  load(r, asm(MTRAP).halt());
  load(r, asm(STRAP).halt());
  setCsr(r.h, CSR.mtvec, MTRAP);
  setCsr(r.h, CSR.stvec, STRAP);
  return r;
}

const MPP = (p: number) => BigInt(p) << 11n;

describe('hart: traps and delegation', () => {
  it('ECALL from M, S and U gives causes 11, 9, 8 with tval 0 and mepc at the ecall', () => {
    for (const [priv, cause] of [[Priv.M, 11n], [Priv.S, 9n], [Priv.U, 8n]] as const) {
      const r = withHandlers([I.nop(), I.ecall()]);
      setCsr(r.h, CSR.mtval, 0x1234);
      enter(r.h, priv, RAM);
      r.h.run(20);
      assert.strictEqual(csr(r.h, CSR.mcause), cause);
      assert.strictEqual(csr(r.h, CSR.mepc), BigInt(RAM + 4));
      assert.strictEqual(csr(r.h, CSR.mtval), 0n);
      assert.strictEqual(pc(r.h), BigInt(MTRAP));
      assert.strictEqual(r.h.priv, Priv.M);
      assert.strictEqual(csr(r.h, CSR.mstatus) & BigInt(MSTATUS_MPP), MPP(priv));
    }
  });

  it('EBREAK gives cause 3 and an ECALL does not retire', () => {
    const r = withHandlers([I.ebreak()]);
    r.h.run(10);
    assert.strictEqual(csr(r.h, CSR.mcause), 3n);
    assert.strictEqual(csr(r.h, CSR.mepc), BigInt(RAM));
    // tval 0: allowed ("mtval is written with zero" for a breakpoint is legal); QEMU 7.2 does the same.
    assert.strictEqual(csr(r.h, CSR.mtval), 0n);
    assert.strictEqual(r.h.retired, 9); // the parked loop retired; the ebreak did not
  });

  it('an illegal instruction reports its bits in mtval', () => {
    const bad = 0xffffffff | 0;
    const r = withHandlers([bad]);
    r.h.run(5);
    assert.strictEqual(csr(r.h, CSR.mcause), 2n);
    assert.strictEqual(csr(r.h, CSR.mtval), 0xffffffffn);
  });

  it('medeleg sends exceptions from S/U to S with sepc/scause/stval and SPP/SPIE/SIE updated', () => {
    const r = withHandlers([I.ecall()]);
    setCsr(r.h, CSR.medeleg, 1 << 8);
    setCsr(r.h, CSR.mstatus, MSTATUS_SIE);
    enter(r.h, Priv.U, RAM);
    r.h.run(5);
    assert.strictEqual(r.h.priv, Priv.S);
    assert.strictEqual(pc(r.h), BigInt(STRAP));
    assert.strictEqual(csr(r.h, CSR.scause), 8n);
    assert.strictEqual(csr(r.h, CSR.sepc), BigInt(RAM));
    const ms = csr(r.h, CSR.mstatus);
    assert.strictEqual(ms & BigInt(MSTATUS_SPP), 0n, 'SPP = U');
    assert.strictEqual(ms & BigInt(MSTATUS_SPIE), BigInt(MSTATUS_SPIE), 'SPIE = old SIE');
    assert.strictEqual(ms & BigInt(MSTATUS_SIE), 0n, 'SIE cleared');
    assert.strictEqual(csr(r.h, CSR.mcause), 0n, 'M-mode trap CSRs untouched');
  });

  it('delegated exceptions raised in M-mode stay in M-mode; medeleg[11] is read-only zero', () => {
    const r = withHandlers([I.ecall()]);
    setCsr(r.h, CSR.medeleg, 0xffff);
    // 0-9, 12, 13, 15, and with H also 10 (ecall from VS); never 11 (ecall from M).
    assert.strictEqual(csr(r.h, CSR.medeleg), 0xb7ffn);
    setCsr(r.h, CSR.medeleg, (1 << 2) | (1 << 11));
    load(r, asm(RAM).emit(0));  // illegal instruction (all zeros) in M-mode
    r.h.run(5);
    assert.strictEqual(r.h.priv, Priv.M);
    assert.strictEqual(csr(r.h, CSR.mcause), 2n);
  });

  it('vectored mode offsets interrupts only: exceptions go to BASE', () => {
    const r = withHandlers([I.ecall()]);
    setCsr(r.h, CSR.mtvec, MTRAP + 1);
    r.h.run(3);
    assert.strictEqual(csr(r.h, CSR.mcause), 11n);
    // The park loop at MTRAP; a software interrupt now goes to BASE + 4·3.
    load(r, asm(MTRAP + 12).halt());
    setCsr(r.h, CSR.mie, 1 << 3);
    setCsr(r.h, CSR.mstatus, MSTATUS_MIE);
    r.h.csr.setHwPending(3, true);
    r.h.run(3);
    assert.strictEqual(csr(r.h, CSR.mcause), (1n << 63n) | 3n);
    assert.strictEqual(pc(r.h), BigInt(MTRAP + 12));
    assert.strictEqual(csr(r.h, CSR.mepc), BigInt(MTRAP));
  });

  it('MRET to U restores MIE from MPIE, sets MPIE, MPP = U and clears MPRV', () => {
    const r = withHandlers([I.mret()]);
    load(r, asm(RAM + 0x100).halt());
    setCsr(r.h, CSR.mepc, RAM + 0x100);
    setCsr(r.h, CSR.mstatus, MSTATUS_MPIE | MSTATUS_MPRV | Number(MPP(Priv.U)));
    r.h.run(3);
    assert.strictEqual(r.h.priv, Priv.U);
    assert.strictEqual(pc(r.h), BigInt(RAM + 0x100));
    const ms = csr(r.h, CSR.mstatus);
    assert.strictEqual(ms & BigInt(MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPRV | MSTATUS_MPP), BigInt(MSTATUS_MIE | MSTATUS_MPIE));
  });

  it('MRET to M keeps MPRV', () => {
    const r = withHandlers([I.mret()]);
    setCsr(r.h, CSR.mepc, RAM + 0x100);
    load(r, asm(RAM + 0x100).halt());
    setCsr(r.h, CSR.mstatus, MSTATUS_MPRV | Number(MPP(Priv.M)));
    r.h.run(3);
    assert.strictEqual(r.h.priv, Priv.M);
    assert.notStrictEqual(csr(r.h, CSR.mstatus) & BigInt(MSTATUS_MPRV), 0n);
  });

  it('SRET returns to SPP, clears MPRV; with TSR it is illegal in S-mode; in U-mode always', () => {
    let r = withHandlers([I.sret()]);
    load(r, asm(RAM + 0x100).halt());
    setCsr(r.h, CSR.sepc, RAM + 0x100);
    setCsr(r.h, CSR.mstatus, MSTATUS_SPIE | MSTATUS_MPRV | Number(MPP(Priv.S)));
    enter(r.h, Priv.S, RAM);
    r.h.run(3);
    assert.strictEqual(r.h.priv, Priv.U);
    assert.strictEqual(pc(r.h), BigInt(RAM + 0x100));
    assert.strictEqual(csr(r.h, CSR.mstatus) & BigInt(MSTATUS_MPRV | MSTATUS_SIE | MSTATUS_SPIE), BigInt(MSTATUS_SIE | MSTATUS_SPIE));

    r = withHandlers([I.sret()]);
    setCsr(r.h, CSR.mstatus, MSTATUS_TSR);
    enter(r.h, Priv.S, RAM);
    r.h.run(3);
    assert.strictEqual(csr(r.h, CSR.mcause), 2n);
    assert.strictEqual(csr(r.h, CSR.mtval), BigInt(I.sret() >>> 0));

    r = withHandlers([I.sret()]);
    enter(r.h, Priv.U, RAM);
    r.h.run(3);
    assert.strictEqual(csr(r.h, CSR.mcause), 2n);
  });

  it('MRET outside M-mode is illegal', () => {
    const r = withHandlers([I.mret()]);
    enter(r.h, Priv.S, RAM);
    r.h.run(3);
    assert.strictEqual(csr(r.h, CSR.mcause), 2n);
    assert.strictEqual(r.h.priv, Priv.M);
  });

  it('WFI is illegal in U-mode, and in S-mode when TW is set', () => {
    let r = withHandlers([I.wfi()]);
    enter(r.h, Priv.U, RAM);
    r.h.run(3);
    assert.strictEqual(csr(r.h, CSR.mcause), 2n);

    r = withHandlers([I.wfi()]);
    setCsr(r.h, CSR.mstatus, MSTATUS_TW);
    enter(r.h, Priv.S, RAM);
    r.h.run(3);
    assert.strictEqual(csr(r.h, CSR.mcause), 2n);

    r = withHandlers([I.wfi()]);
    enter(r.h, Priv.S, RAM);
    r.h.run(3);
    assert.strictEqual(r.h.wfi, true, 'S-mode WFI without TW waits');
    assert.strictEqual(pc(r.h), BigInt(RAM + 4));
  });

  it('SFENCE.VMA and satp access trap in S-mode when TVM is set, and SFENCE.VMA in U-mode', () => {
    let r = withHandlers([I.sfenceVma()]);
    setCsr(r.h, CSR.mstatus, MSTATUS_TVM);
    enter(r.h, Priv.S, RAM);
    r.h.run(3);
    assert.strictEqual(csr(r.h, CSR.mcause), 2n);

    r = withHandlers([I.csrr(R.a0, CSR.satp)]);
    setCsr(r.h, CSR.mstatus, MSTATUS_TVM);
    enter(r.h, Priv.S, RAM);
    r.h.run(3);
    assert.strictEqual(csr(r.h, CSR.mcause), 2n);

    r = withHandlers([I.sfenceVma()]);
    enter(r.h, Priv.U, RAM);
    r.h.run(3);
    assert.strictEqual(csr(r.h, CSR.mcause), 2n);

    r = withHandlers([I.sfenceVma(), I.csrr(R.a0, CSR.satp), I.addi(R.a1, R.zero, 7)]);
    enter(r.h, Priv.S, RAM);
    r.h.run(3);
    assert.strictEqual(getX(r.h, R.a1), 7n, 'without TVM both run in S-mode');
  });
});
