// The translator against the interpreter: hand-assembled programs run on both engines in
// lockstep, compared after every run (pc, x, f, retired, trap CSRs), with budgets that cut
// blocks at every point.
import assert from 'node:assert';
import { Asm, I, R } from '../riscv/hart/asm';
import { RAM, setX, getX } from '../riscv/hart/harness';
import { CSR } from '../../../src/riscv/hart/csrs';
import { pair, lockstep, state, loop } from './rig';

const seed = (h: import('../../../src/riscv/hart/hart').Hart): void => {
  setX(h, R.a0, 0xffff_ffff_ffff_fff0n);
  setX(h, R.a1, 0x0000_0000_ffff_ffffn);
  setX(h, R.a2, 0x8000_0000_0000_0001n);
  setX(h, R.a3, 63);
  setX(h, R.a4, 32);
  setX(h, R.a5, 31);
  setX(h, R.s2, RAM + 0x8000);
};

describe('jit: translated blocks against the interpreter', () => {
  it('64-bit arithmetic with carries, constant and variable shifts (0, 31, 32, 63), compares, multiplies', () => {
    const a = loop((a) => {
      a.emit(I.add(R.t0, R.a0, R.a1), I.add(R.a0, R.a0, R.t0), I.sub(R.t1, R.a1, R.a0), I.addi(R.a1, R.a1, 17), I.addi(R.t2, R.a1, -2048));
      for (const sh of [0, 1, 31, 32, 33, 63]) a.emit(I.slli(R.s0, R.a2, sh), I.srli(R.s1, R.a2, sh), I.srai(R.s3, R.a2, sh), I.add(R.a6, R.a6, R.s0), I.xor(R.a6, R.a6, R.s1), I.xor(R.a6, R.a6, R.s3));
      for (const r of [R.a3, R.a4, R.a5, 0]) a.emit(I.sll(R.s0, R.a2, r), I.srl(R.s1, R.a0, r), I.sra(R.s3, R.a2, r), I.add(R.a7, R.a7, R.s0), I.xor(R.a7, R.a7, R.s1), I.add(R.a7, R.a7, R.s3));
      a.emit(I.slt(R.t3, R.a0, R.a1), I.sltu(R.t4, R.a0, R.a1), I.sltiu(R.t5, R.a0, -1), I.xori(R.s4, R.a0, -1), I.andi(R.s4, R.s4, -256), I.or(R.s4, R.s4, R.t3));
      a.emit(I.addw(R.s0, R.a0, R.a1), I.subw(R.s1, R.a1, R.a0), I.sllw(R.s3, R.a1, R.a5), I.sraw(R.s3, R.s3, R.a4), I.slliw(R.s0, R.s0, 31), I.sraiw(R.s1, R.s1, 3), I.addiw(R.s1, R.s1, -1));
      a.emit(I.mul(R.t0, R.a0, R.a2), I.mulh(R.t1, R.a0, R.a2), I.mulhsu(R.t2, R.a2, R.a1), I.mulhu(R.t3, R.a0, R.a1), I.mulw(R.t4, R.a1, R.a2), I.divu(R.t5, R.a0, R.a1), I.add(R.a2, R.a2, R.t0), I.xor(R.a2, R.a2, R.t3));
      a.emit(I.auipc(R.gp, 0x12345), I.lui(R.tp, 0x80000), I.add(0, R.a0, R.a1));
    });
    const p = pair(a, 'trap', seed);
    lockstep(p, 40_000, [997, 13, 1, 4096]);
    assert.ok(p.jit.jit!.stats().compiled > 0, 'nothing was translated');
    assert.notStrictEqual(getX(p.jit.harts[0], R.a6), 0n);
  });

  it('branches both ways (signed and unsigned) and nested loops', () => {
    const a = new Asm(RAM);
    a.emit(I.addi(R.t6, 0, 120));
    a.label('outer').emit(I.addi(R.t5, 0, 7));
    a.label('inner').emit(I.addi(R.a0, R.a0, -3), I.blt(R.a0, R.a1, 8), I.addi(R.a2, R.a2, 1), I.bgeu(R.a0, R.a1, 8), I.addi(R.a3, R.a3, 1), I.addi(R.t5, R.t5, -1));
    a.bne(R.t5, 0, 'inner');
    a.emit(I.addi(R.t6, R.t6, -1));
    a.bne(R.t6, 0, 'outer');
    a.label('trap').halt();
    const p = pair(a, 'trap', (h) => { setX(h, R.a0, 100); setX(h, R.a1, -50); });
    lockstep(p, 30_000, [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144]);
  });

  it('a loop in one page gets hot inside the interpreter: translated at the threshold without a lookup per iteration', () => {
    const p = pair(loop((a) => a.emit(I.addi(R.a0, R.a0, 3))), 'trap');
    const cache = p.jit.jit!.cache;
    // The back edge lands in the same page: the interpreter counts it there and only goes back
    // to the run loop (one lookup, which translates) when the loop head reaches the threshold.
    // Heat counts interpreted instructions: the first iteration is the entry's (with the t6 set),
    // the next ones the loop head's, 3 each, checked at each back edge.
    const beforeHot = 1 + 3 * (Math.ceil(cache.hotThreshold / 3) + 1);
    lockstep(p, beforeHot, [beforeHot]);
    assert.strictEqual(cache.counters.compiled, 0, 'not yet hot');
    assert.strictEqual(cache.counters.lookups, 0, 'no lookup (the entry had no TLB entry yet; the back edges are counted in place)');
    lockstep(p, 601 - beforeHot, [601 - beforeHot]); // to the end of the loop
    assert.strictEqual(cache.counters.compiled, 1);
    assert.strictEqual(cache.counters.lookups, 2, 'the hot loop head (translated) and the loop exit');
    assert.ok(cache.stats().executions > 0, 'the translation ran');
  });

  it('a straight-line body longer than a block: its pieces are translated one after the other once the first is hot', () => {
    const body = (a: Asm): void => { for (let i = 0; i < 200; i++) a.emit(I.addi(R.a0 + (i & 3), R.a0 + ((i + 1) & 3), i)); };
    const p = pair(loop(body, 40), 'trap');
    const cache = p.jit.jit!.cache;
    cache.hotThreshold = 1000; // the loop head is hot after 6 iterations
    const iteration = 202; // the body, the t6 decrement and the back edge
    lockstep(p, 1, [1]); // t6 set: the loop head is next
    lockstep(p, 10 * iteration, [iteration]);
    // Pieces of 64: each one's fallthrough start inherits the heat of the one before, rather than
    // counting up to the threshold again (which took 7 more iterations a piece).
    assert.strictEqual(cache.counters.compiled, 4, 'the body in 4 blocks');
    const interpreted = cache.counters.interpreted;
    lockstep(p, 5 * iteration, [5 * iteration]);
    // The last piece has 11 instructions (the parking jump after the loop too): the budget's last
    // 10 do not cover it, so the first tier runs them.
    assert.strictEqual(cache.counters.interpreted - interpreted, 10, 'the loop runs translated');
  });

  it('the first tier stops where a block starts: after a slow exit it interprets only to the next block', () => {
    // A misaligned load leaves the first block every time (it is not on the TLB fast path); the
    // first tier runs it and the rest of that block, then stops at the next block's start.
    const body = (a: Asm): void => { a.emit(I.ld(R.t0, R.s2, 1)); for (let i = 0; i < 150; i++) a.emit(I.addi(R.a0 + (i & 3), R.a0 + ((i + 1) & 3), i)); };
    const p = pair(loop(body, 40), 'trap', (h) => setX(h, R.s2, RAM + 0x8000));
    const cache = p.jit.jit!.cache;
    const iteration = 153;
    lockstep(p, 1, [1]);
    lockstep(p, 10 * iteration, [iteration]);
    const interpreted = cache.counters.interpreted, slow = cache.counters.slowExits;
    lockstep(p, 5 * iteration, [5 * iteration]);
    assert.strictEqual(cache.counters.slowExits - slow, 5, 'one slow exit an iteration');
    // Each iteration: the load and the rest of its block (64), no more; and once the budget's last
    // 25 instructions, which do not cover the last piece (26, with the parking jump).
    assert.strictEqual(cache.counters.interpreted - interpreted, 5 * 64 + 25, 'interpreted');
  });

  it('forward branches inside a block (nested and overlapping skips), a trace through a call and its return', () => {
    const a = new Asm(RAM);
    a.emit(I.addi(R.t6, 0, 150));
    a.label('top').emit(I.addi(R.a0, R.a0, 7), I.andi(R.t0, R.a0, 3));
    a.beq(R.t0, 0, 'l1');
    a.emit(I.addi(R.a1, R.a1, 1), I.blt(R.a0, R.a1, 8), I.addi(R.a2, R.a2, 1));
    a.label('l1').emit(I.andi(R.t1, R.a0, 5));
    a.bne(R.t1, 0, 'l2');
    a.emit(I.addi(R.a3, R.a3, 1), I.bgeu(R.a2, R.a0, 12)); // overlaps the skip to l2: a side exit
    a.label('l2').emit(I.addi(R.a4, R.a4, 1), I.sd(R.a4, R.s2, 0));
    a.jal(R.ra, 'func');
    a.emit(I.ld(R.a5, R.s2, 0), I.addi(R.t6, R.t6, -1));
    a.bne(R.t6, 0, 'top');
    a.label('trap').halt();
    a.label('func').emit(I.addi(R.s0, R.s0, 3), I.jalr(0, R.ra, 0));
    const p = pair(a, 'trap', (h) => { setX(h, R.s2, RAM + 0x8000); setX(h, R.a1, 40); });
    lockstep(p, 12_000, [1, 2, 3, 5, 7, 11, 13, 17, 19, 23, 97, 1000]);
    const top = p.jit.jit!.blocks().find((b) => b.live && b.start === BigInt(a.addr('top')));
    assert.ok(top, 'the loop was not translated');
    assert.match(top.generated, /break f\d+;/, 'no forward skip was generated');
    assert.ok(top.guest.some((g) => g.pc === BigInt(a.addr('func'))), 'the trace did not follow the call');
    assert.notStrictEqual(getX(p.jit.harts[0], R.a3), 0n);
  });

  it('loads and stores of every width, misaligned ones included', () => {
    const a = loop((a) => {
      a.emit(I.sd(R.a0, R.s2, 0), I.sw(R.a1, R.s2, 12), I.sh(R.a2, R.s2, 18), I.sb(R.a0, R.s2, 23), I.sd(R.a1, R.s2, 33), I.sw(R.a0, R.s2, 41));
      a.emit(I.ld(R.t0, R.s2, 0), I.lw(R.t1, R.s2, 12), I.lwu(R.t2, R.s2, 12), I.lh(R.t3, R.s2, 18), I.lb(R.t4, R.s2, 23), I.lbu(R.t5, R.s2, 23), I.ld(R.s0, R.s2, 33), I.lw(R.s1, R.s2, 41));
      a.emit(I.add(R.a0, R.a0, R.t0), I.add(R.a1, R.a1, R.t2), I.add(R.a2, R.a2, R.s0), I.addi(R.s2, R.s2, 8));
    });
    const p = pair(a, 'trap', seed);
    lockstep(p, 20_000, [1000, 7]);
    for (const off of [0, 0x400, 0x7f8]) assert.strictEqual(p.jit.ram.view.getBigUint64(0x8000 + off, true), p.interp.ram.view.getBigUint64(0x8000 + off, true));
    // The misaligned ones leave the translated block before the access; the first tier runs it.
    assert.ok(p.jit.jit!.stats().slowExits > 0, 'no access left a region for the first tier');
  });

  it('a fault in the middle of a hot block leaves the interpreter\'s precise state (pc, registers, retired, mtval)', () => {
    // s2 walks up through RAM 64 bytes at a time until it leaves RAM (1 MiB): the load faults mid-block.
    const a = new Asm(RAM);
    a.label('top').emit(I.addi(R.a0, R.a0, 1), I.sd(R.a0, R.s2, 0), I.ld(R.a1, R.s2, 8), I.addi(R.a2, R.a2, 3), I.addi(R.s2, R.s2, 64));
    a.j('top');
    a.label('trap').halt();
    const p = pair(a, 'trap', (h) => setX(h, R.s2, RAM + 0x1000));
    lockstep(p, 100_000, [4999]);
    const h = p.jit.harts[0];
    assert.strictEqual(h.csr.mcauseLo, 7, 'store access fault expected');
    assert.strictEqual(h.csr.mepcLo >>> 0, RAM + 4);
    assert.strictEqual(h.csr.mtvalLo >>> 0, RAM + (1 << 20));
    assert.ok(p.jit.jit!.stats().compiled > 0);
    assert.deepStrictEqual(state(p.jit), state(p.interp));
  });

  it('self-modifying code: a store into a translated block invalidates it, the new code runs', () => {
    // The loop adds a1 to a0; after 100 iterations it rewrites its own `add` into `sub` (a word
    // prepared in a3), executes fence.i, and runs on.
    const a = new Asm(RAM);
    a.emit(I.addi(R.t6, 0, 100));
    a.label('top').label('patch').emit(I.add(R.a0, R.a0, R.a1));
    a.emit(I.addi(R.t6, R.t6, -1));
    a.bne(R.t6, 0, 'top');
    a.emit(I.sw(R.a3, R.s2, 0), I.fenceI(), I.addi(R.t6, 0, 100));
    a.j('top');
    a.label('trap').halt();
    const p = pair(a, 'trap', (h) => {
      setX(h, R.a1, 5); setX(h, R.s2, a.addr('patch')); setX(h, R.a3, I.sub(R.a0, R.a0, R.a1));
    });
    lockstep(p, 5000, [250, 3]);
    const st = p.jit.jit!.stats();
    assert.ok(st.invalidatedBlocks > 0, `no block invalidated: ${JSON.stringify(st)}`);
    const dead = p.jit.jit!.blocks().filter((b) => !b.live);
    assert.ok(dead.some((b) => b.invalidations.some((i) => /store to page 0x80000000/.test(i.reason))));
    // 100 adds of 5, then 100 subs, then 100 subs ...: the value after a whole number of rounds is back down.
    assert.ok(getX(p.jit.harts[0], R.a0) !== 500n);
  });

  it('retires exactly the budget: blocks longer than the budget left are interpreted', () => {
    const a = loop((a) => { for (let i = 0; i < 30; i++) a.emit(I.addi(R.a0, R.a0, i)); }, 1000);
    const p = pair(a, 'trap');
    for (let b = 1; b < 80; b++) {
      const before = p.jit.harts[0].retired;
      p.jit.harts[0].run(b); p.interp.harts[0].run(b);
      assert.strictEqual(p.jit.harts[0].retired - before, b);
      assert.deepStrictEqual(state(p.jit), state(p.interp));
    }
    lockstep(p, 10_000, [31, 32, 33]);
  });

  it('traps and CSR instructions inside hot code (helper calls) match the interpreter', () => {
    // ecall in a loop: the handler bumps mepc by 4 and returns; csrr of minstret and mscratch writes.
    const a = new Asm(RAM);
    a.emit(I.addi(R.t6, 0, 300));
    a.label('top').emit(I.csrr(R.a0, CSR.minstret), I.csrw(CSR.mscratch, R.a0), I.ecall(), I.addi(R.a1, R.a1, 1), I.addi(R.t6, R.t6, -1));
    a.bne(R.t6, 0, 'top');
    a.halt();
    a.label('trap').emit(I.csrr(R.t0, CSR.mepc), I.addi(R.t0, R.t0, 4), I.csrw(CSR.mepc, R.t0), I.csrr(R.t1, CSR.mcause), I.mret());
    const p = pair(a, 'trap');
    lockstep(p, 10_000, [100, 1, 17]);
    assert.strictEqual(getX(p.jit.harts[0], R.a1), 300n);
  });
});
