// The translator's run loop (Hart.engine): the interpreter's inner loop with translated blocks.
// At a block entry (after a jump, a block, or the start of the loop) it looks the pc up through
// the fetch TLB and the cache and runs the block when the remaining budget covers all of it;
// otherwise the first tier (firstTier.ts) interprets, adding to the heat of the starts it runs
// from, up to a jump that needs a lookup or a block's start. Retired instructions, steps and the
// points where the loop leaves (so interrupt checks) are the interpreter's.
import { EV_BREAK, EV_EXC, type ExecutionEngine, type Hart } from '../riscv/hart/hart';
import { BlockEnd, contextKey, type Block } from './block';
import type { JitCache } from './cache';
import { FirstTier } from './firstTier';

export class JitEngine implements ExecutionEngine {
  private readonly first: FirstTier;

  constructor(private readonly cache: JitCache) {
    this.first = new FirstTier(cache);
  }

  runInner(h: Hart, steps: number, budget: number): number {
    const cache = this.cache;
    cache.current = h;
    /** The block that just ran and left no event: its successor links are tried first. */
    let prev: Block | null = null;
    for (;;) {
      if (steps >= budget) return steps;
      {
        const b: Block | undefined = prev !== null ? this.successor(h, prev) : this.find(h);
        prev = null;
        if (b !== undefined && b.ops.length <= budget - steps && (h.breakpoints === null || !b.hasBreakpoint(h.breakpoints))) {
          if (h.breakpoints !== null) h.resumeKey = NaN;
          h.fetchOps = b.pageOps;
          const r = b.fn(h, budget - steps, b.index);
          if (r >= 0) {
            steps += r;
            const ev = h.event;
            if (ev === 0) { prev = b; continue; }
            if ((ev & EV_EXC) !== 0) { h.trapFromExc(b.opAt(h.pcLo, h.pcHi)); return steps; }
            if ((ev & EV_BREAK) !== 0) return steps;
            h.event = 0; // EV_JUMP alone (a helper that jumped): the next pc is a block entry
            continue;
          }
          // Stopped before a memory access off the TLB fast path: the first tier runs it.
          steps += ~r;
          cache.counters.slowExits++;
        }
      }
      // No block here: interpret as Hart.interpret does, up to a jump the run loop must look up.
      steps = this.first.run(h, steps, budget);
      if (!this.first.jumped) return steps;
    }
  }

  /** The block at the pc through the fetch TLB (no entry: interpret, the fetch fills it). */
  private find(h: Hart): Block | undefined {
    const lo = h.pcLo, hi = h.pcHi;
    const base = h.fetchTlbPage(lo, hi);
    if (base < 0) return undefined;
    this.cache.counters.lookups++;
    return this.cache.lookup(h, base + (lo & 0xfff), lo, hi, contextKey(h.priv, h.virt));
  }

  /**
   * Chaining: the successor of `prev` from its links when the pc matches (same context, since
   * `prev` left no event; a block in another page is checked against the fetch TLB), else a
   * lookup whose result becomes the link.
   */
  private successor(h: Hart, prev: Block): Block | undefined {
    const lo = h.pcLo, hi = h.pcHi;
    let b = prev.taken;
    if (b === null || b.vaLo !== lo || b.vaHi !== hi) b = prev.fall;
    if (b !== null && b.vaLo === lo && b.vaHi === hi && b.live) {
      if (b.ramPage === prev.ramPage && (lo & ~0xfff) === (prev.vaLo & ~0xfff)) { this.cache.counters.chainHits++; return b; }
      if (h.fetchTlbPage(lo, hi) === b.ramPage * 4096) { this.cache.counters.chainHits++; return b; }
    }
    const found = this.find(h);
    if (found !== undefined) {
      if (prev.end === BlockEnd.Indirect) { prev.taken = found; prev.lastIndirectLo = lo; prev.lastIndirectHi = hi; }
      else if (lo === prev.takenLo && hi === prev.takenHi && (prev.end === BlockEnd.Branch || prev.end === BlockEnd.Jump)) prev.taken = found;
      else prev.fall = found;
    }
    return found;
  }
}
