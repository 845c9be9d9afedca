// Lockstep (issue 7): an interpreter machine and a translator machine built the same way run side
// by side in equal budgets; after each, their harts (pc, x, f, retired, privilege, V), their stop
// causes and their console output so far must agree. The first difference ends the run with a
// report. A development tool (`hvscope run --lockstep`) and a test.
import type { Machine, StopCause } from './machine';
import type { Hart } from '../riscv/hart/hart';

const hex = (lo: number, hi: number): string => `0x${(hi >>> 0).toString(16)}${(lo >>> 0).toString(16).padStart(8, '0')}`;

/** The first difference between two harts, in words, or undefined. */
export function compareHarts(a: Hart, b: Hart): string | undefined {
  if (a.pcLo !== b.pcLo || a.pcHi !== b.pcHi) return `pc: interp ${hex(a.pcLo, a.pcHi)}, jit ${hex(b.pcLo, b.pcHi)}`;
  if (a.retired !== b.retired) return `retired: interp ${a.retired}, jit ${b.retired}`;
  if (a.priv !== b.priv || a.virt !== b.virt) return `privilege: interp ${a.priv}/V=${+a.virt}, jit ${b.priv}/V=${+b.virt}`;
  for (let r = 1; r < 32; r++) {
    if (a.x[2 * r] !== b.x[2 * r] || a.x[2 * r + 1] !== b.x[2 * r + 1]) return `x${r}: interp ${hex(a.x[2 * r], a.x[2 * r + 1])}, jit ${hex(b.x[2 * r], b.x[2 * r + 1])}`;
  }
  for (let r = 0; r < 32; r++) {
    if (a.f[2 * r] !== b.f[2 * r] || a.f[2 * r + 1] !== b.f[2 * r + 1]) return `f${r}: interp ${hex(a.f[2 * r], a.f[2 * r + 1])}, jit ${hex(b.f[2 * r], b.f[2 * r + 1])}`;
  }
  return undefined;
}

export interface LockstepResult {
  /** Why the machines stopped (the translator machine's cause; equal to the interpreter's unless diverged). */
  cause: StopCause;
  /** The first divergence, with where it was found. */
  divergence?: string;
}

export class Lockstep {
  /** Console bytes each machine wrote: the caller's sinks push into these. */
  readonly interpOut: number[] = [];
  readonly jitOut: number[] = [];
  private checked = 0;

  constructor(readonly interp: Machine, readonly jit: Machine, readonly step = 10_000) {
    // Translate after a few dozen interpreted instructions instead of the default threshold, so
    // that short guests run (and check) translated code too.
    if (jit.jit !== undefined) { jit.jit.cache.hotThreshold = 24; jit.jit.cache.hotGrowth = 0; }
  }

  /** Runs both machines for up to `budget` instructions per hart, comparing after every `step`. */
  run(budget: number): LockstepResult {
    let done = 0;
    let cause: StopCause = { kind: 'budget' };
    while (done < budget) {
      const q = Math.min(this.step, budget - done);
      const ca = this.interp.run(q), cb = this.jit.run(q);
      cause = cb;
      const d = this.compare(ca, cb);
      if (d !== undefined) return { cause, divergence: d };
      if (cb.kind !== 'budget') break;
      done += q;
    }
    return { cause };
  }

  private compare(ca: StopCause, cb: StopCause): string | undefined {
    const where = `after ${this.jit.retired} instructions`;
    if (JSON.stringify(ca, (_k, v: unknown) => typeof v === 'bigint' ? v.toString(16) : v) !== JSON.stringify(cb, (_k, v: unknown) => typeof v === 'bigint' ? v.toString(16) : v)) {
      return `${where}: stop causes differ: interp ${ca.kind}, jit ${cb.kind}`;
    }
    for (let i = 0; i < this.interp.harts.length; i++) {
      const d = compareHarts(this.interp.harts[i], this.jit.harts[i]);
      if (d !== undefined) return `${where}: hart ${i}: ${d}`;
    }
    const a = this.interpOut, b = this.jitOut;
    const n = Math.min(a.length, b.length);
    for (let i = this.checked; i < n; i++) if (a[i] !== b[i]) return `${where}: console output differs at byte ${i}`;
    if (a.length !== b.length) return `${where}: console output lengths differ: interp ${a.length}, jit ${b.length}`;
    this.checked = n;
    return undefined;
  }
}
