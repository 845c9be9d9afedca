// The translator's first tier (src/jit/firstTier.ts) against the interpreter, with translation
// turned off: its inline RV64I cases, the TLB fast path and every fallback to the semantic
// functions (misaligned accesses, faults, CSR reads of instret, traps) must leave the same state.
import assert from 'node:assert';
import { Asm, I, R } from '../riscv/hart/asm';
import { RAM, setX } from '../riscv/hart/harness';
import { CSR } from '../../../src/riscv/hart/csrs';
import { pair, lockstep, loop, type Pair } from './rig';

/** Both machines with the program; the translator machine never translates. */
function firstTierOnly(a: Asm, setup?: Parameters<typeof pair>[2]): Pair {
  const p = pair(a, 'trap', setup);
  p.jit.jit!.cache.hotThreshold = 2 ** 30;
  return p;
}

function interpretedOnly(p: Pair): void {
  const c = p.jit.jit!.cache.counters;
  assert.strictEqual(c.compiled, 0, 'something was translated');
  assert.ok(c.interpreted > 0, 'the first tier did not run');
}

describe('jit: the first tier against the interpreter', () => {
  it('64-bit arithmetic, shifts by 0/31/32/63, word operations, x0 as destination, upper immediates', () => {
    const a = loop((a) => {
      a.emit(I.add(R.t0, R.a0, R.a1), I.add(R.a0, R.a0, R.t0), I.sub(R.t1, R.a1, R.a0), I.sub(R.t2, R.a0, R.a1), I.addi(R.a1, R.a1, -2047));
      for (const sh of [0, 1, 31, 32, 33, 63]) a.emit(I.slli(R.s0, R.a2, sh), I.srli(R.s1, R.a2, sh), I.srai(R.s3, R.a2, sh), I.add(R.a6, R.a6, R.s0), I.xor(R.a6, R.a6, R.s1), I.or(R.a7, R.a7, R.s3));
      a.emit(I.xori(R.s4, R.a0, -1), I.ori(R.s5, R.a1, -16), I.andi(R.s6, R.a2, -256), I.and(R.s7, R.a0, R.a2), I.sltu(R.t3, R.a0, R.a1), I.sltu(R.t4, R.a1, R.a0), I.slt(R.t5, R.a0, R.a1));
      a.emit(I.addw(R.s0, R.a0, R.a1), I.subw(R.s1, R.a1, R.a0), I.slliw(R.s3, R.a1, 31), I.srliw(R.s8, R.a2, 7), I.sraiw(R.s9, R.a2, 3), I.addiw(R.s10, R.a0, -1));
      a.emit(I.auipc(R.gp, 0x12345), I.lui(R.tp, 0x80000), I.add(0, R.a0, R.a1), I.addi(0, R.a0, 5), I.add(R.a2, R.a2, R.t0));
    }, 300);
    const p = firstTierOnly(a, (h) => { setX(h, R.a0, 0xffff_ffff_ffff_fff0n); setX(h, R.a1, 0xffff_ffffn); setX(h, R.a2, 0x8000_0000_0000_0001n); });
    lockstep(p, 30_000, [997, 1, 13, 4096]);
    interpretedOnly(p);
  });

  it('branches both ways on equal high halves, and jal/jalr with rd = rs1', () => {
    const a = new Asm(RAM);
    a.emit(I.addi(R.t6, 0, 200));
    a.label('top').emit(I.addi(R.a0, R.a0, -3), I.blt(R.a0, R.a1, 8), I.addi(R.a2, R.a2, 1), I.bge(R.a0, R.a1, 8), I.addi(R.a3, R.a3, 1));
    a.emit(I.bltu(R.a0, R.a1, 8), I.addi(R.a4, R.a4, 1), I.bgeu(R.a1, R.a0, 8), I.addi(R.a5, R.a5, 1), I.beq(R.a4, R.a5, 8), I.addi(R.s0, R.s0, 1));
    a.jal(R.ra, 'func');
    a.emit(I.addi(R.t6, R.t6, -1));
    a.bne(R.t6, 0, 'top');
    a.label('trap').halt();
    a.label('func').emit(I.addi(R.s1, R.s1, 3), I.jalr(R.ra, R.ra, 0)); // rd = rs1: the target is read first
    const p = firstTierOnly(a, (h) => { setX(h, R.a0, 0x1_0000_0100n); setX(h, R.a1, 0x1_8000_0000n); });
    lockstep(p, 6_000, [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144]);
    interpretedOnly(p);
  });

  it('loads and stores of every width across pages: aligned ones inline, misaligned ones and loads into x0', () => {
    const a = loop((a) => {
      a.emit(I.sd(R.a0, R.s2, 0), I.sw(R.a1, R.s2, 12), I.sh(R.a2, R.s2, 18), I.sb(R.a0, R.s2, 23), I.sd(R.a1, R.s2, 33), I.sw(R.a0, R.s2, 41), I.sh(R.a1, R.s2, 45));
      a.emit(I.ld(R.t0, R.s2, 0), I.lw(R.t1, R.s2, 12), I.lwu(R.t2, R.s2, 12), I.lh(R.t3, R.s2, 18), I.lhu(R.s5, R.s2, 18), I.lb(R.t4, R.s2, 23), I.lbu(R.t5, R.s2, 23));
      a.emit(I.ld(R.s0, R.s2, 33), I.lw(R.s1, R.s2, 41), I.lhu(R.s3, R.s2, 45), I.ld(0, R.s2, 0), I.lw(0, R.s2, 41));
      a.emit(I.add(R.a0, R.a0, R.t0), I.add(R.a1, R.a1, R.t2), I.add(R.a2, R.a2, R.s0), I.addi(R.s2, R.s2, 8));
    }, 1500); // 12 KiB of stores: the TLB fast path meets new pages
    const p = firstTierOnly(a, (h) => { setX(h, R.a0, 0x0123_4567_89ab_cdefn); setX(h, R.a1, -5n); setX(h, R.a2, 0x8000n); setX(h, R.s2, RAM + 0x8000); });
    lockstep(p, 60_000, [1000, 7]);
    for (let off = 0; off < 0x3000; off += 0x400) assert.strictEqual(p.jit.ram.view.getBigUint64(0x8000 + off, true), p.interp.ram.view.getBigUint64(0x8000 + off, true));
    interpretedOnly(p);
  });

  it('instret read between inline instructions, traps and their return, and a fault in the middle of a run', () => {
    const a = new Asm(RAM);
    a.emit(I.addi(R.t6, 0, 200));
    a.label('top').emit(I.addi(R.a1, R.a1, 1), I.addi(R.a2, R.a2, 2), I.csrr(R.a0, CSR.minstret), I.add(R.a3, R.a3, R.a0), I.ecall(), I.sd(R.a1, R.s2, 0), I.addi(R.s2, R.s2, 1024), I.addi(R.t6, R.t6, -1));
    a.bne(R.t6, 0, 'top');
    a.halt();
    // The handler steps over ecall; a store fault (s2 left RAM) parks at `park`.
    a.label('trap').emit(I.csrr(R.t1, CSR.mcause), I.addi(R.t2, 0, 11));
    a.bne(R.t1, R.t2, 'park');
    a.emit(I.csrr(R.t0, CSR.mepc), I.addi(R.t0, R.t0, 4), I.csrw(CSR.mepc, R.t0), I.mret());
    a.label('park').halt();
    const p = firstTierOnly(a, (h) => setX(h, R.s2, RAM + 0xd_0000));
    lockstep(p, 20_000, [100, 1, 17, 3]);
    assert.strictEqual(p.jit.harts[0].csr.mcauseLo, 7, 'the store fault was not reached');
    interpretedOnly(p);
  });
});
