// Differential rigs for the translator tests: the same program on an interpreter machine and a
// translator machine, compared instruction-exactly after every run.
import assert from 'node:assert';
import { Machine, type EngineKind } from '../../../src/machine/machine';
import type { Hart } from '../../../src/riscv/hart/hart';
import { CSR } from '../../../src/riscv/hart/csrs';
import { openPmp, setCsr, RAM } from '../riscv/hart/harness';
import { Asm, I, R } from '../riscv/hart/asm';

export interface Pair { interp: Machine; jit: Machine; }

export function machine(engine: EngineKind): Machine {
  const m = new Machine({ memoryBytes: 1 << 20, harts: 1, console: { write() { /* discard */ } }, engine });
  // Small test loops get translated after a few iterations.
  if (m.jit !== undefined) { m.jit.cache.hotThreshold = 24; m.jit.cache.hotGrowth = 0; }
  const h = m.harts[0];
  h.reset(RAM | 0, 0);
  openPmp(h);
  return m;
}

/** Both machines with the program loaded at RAM and mtvec at `trap` (a label of the program), if given. */
export function pair(a: Asm, trap?: string, setup?: (h: Hart) => void): Pair {
  const p = { interp: machine('interp'), jit: machine('jit') };
  const bytes = a.bytes();
  for (const m of [p.interp, p.jit]) {
    m.loadPhys(a.base, bytes);
    if (trap !== undefined) setCsr(m.harts[0], CSR.mtvec, a.addr(trap));
    setup?.(m.harts[0]);
  }
  return p;
}

/** Architectural state that must agree between engines. */
export function state(m: Machine): Record<string, unknown> {
  const h = m.harts[0];
  return {
    pc: `${(h.pcHi >>> 0).toString(16)}_${(h.pcLo >>> 0).toString(16)}`,
    x: Array.from(h.x.subarray(0, 64)),
    f: Array.from(h.f),
    retired: h.retired,
    priv: h.priv,
    mcause: h.csr.mcauseLo, mepc: h.csr.mepcLo, mtval: h.csr.mtvalLo,
  };
}

/** Runs both machines in steps of the given budgets (cycled) until `total` instructions, comparing after each. */
export function lockstep(p: Pair, total: number, budgets: number[] = [1000]): void {
  let done = 0, i = 0;
  while (done < total) {
    const b = budgets[i++ % budgets.length];
    const wi = p.interp.harts[0].run(b), wj = p.jit.harts[0].run(b);
    assert.strictEqual(wj, wi, `stop reasons differ after ${done} steps`);
    assert.strictEqual(p.jit.harts[0].lastSteps, p.interp.harts[0].lastSteps, `steps differ after ${done}`);
    assert.deepStrictEqual(state(p.jit), state(p.interp), `state differs after ${done} + ${b} steps`);
    done += b;
  }
}

/** A loop body `n` times: t6 counts down; the body then falls to a parking `j .`. */
export function loop(body: (a: Asm) => void, n = 200): Asm {
  const a = new Asm(RAM);
  a.emit(I.addi(R.t6, 0, n));
  a.label('top');
  body(a);
  a.emit(I.addi(R.t6, R.t6, -1));
  a.bne(R.t6, 0, 'top');
  a.label('park').halt();
  a.label('trap').halt();
  return a;
}
