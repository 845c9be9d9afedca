// The translator's run loop (Hart.engine): the interpreter's inner loop with translated blocks.
// At a block entry (after a jump, a block, or the start of the loop) it looks the pc up through
// the fetch TLB and the cache, runs the block when the remaining budget covers all of it, and
// otherwise interprets one instruction exactly as Hart.interpret does. Retired instructions,
// steps and the points where the loop leaves (so interrupt checks) are the interpreter's.
import { EV_BREAK, EV_EXC, EV_JUMP, type ExecutionEngine, type Hart } from '../riscv/hart/hart';
import { vaKey } from '../riscv/hart/debugHooks';
import { TLB_MASK } from '../riscv/hart/tlb';
import { BlockEnd, contextKey, type Block } from './block';
import type { JitCache } from './cache';

const PAGE_KEY_HI = 1048576;

export class JitEngine implements ExecutionEngine {
  constructor(private readonly cache: JitCache) {}

  runInner(h: Hart, steps: number, budget: number): number {
    const cache = this.cache;
    cache.current = h;
    /** The block that just ran and left no event: its successor links are tried first. */
    let prev: Block | null = null;
    let entry = true;
    for (;;) {
      if (steps >= budget) return steps;
      if (entry) {
        const b: Block | undefined = prev !== null ? this.successor(h, prev) : this.find(h);
        prev = null;
        if (b !== undefined && b.ops.length <= budget - steps && (h.breakpoints === null || !b.hasBreakpoint(h.breakpoints))) {
          if (h.breakpoints !== null) h.resumeKey = NaN;
          h.fetchOps = b.pageOps;
          steps += b.fn(h, budget - steps, b.index);
          const ev = h.event;
          if (ev === 0) { prev = b; continue; }
          if ((ev & EV_EXC) !== 0) { h.trapFromExc(b.opAt(h.pcLo, h.pcHi)); return steps; }
          if ((ev & EV_BREAK) !== 0) return steps;
          h.event = 0; // EV_JUMP alone (a helper that jumped): the next pc is a block entry
          continue;
        }
      }
      // One instruction, interpreted as Hart.interpret does.
      cache.counters.interpreted++;
      steps++;
      const op = h.fetch();
      if (op === undefined) { h.trapFromExc(undefined); return steps; }
      if (h.breakpoints !== null) {
        const key = vaKey(h.pcLo, h.pcHi);
        if (key !== h.resumeKey && h.breakpoints.has(key)) {
          h.debugStop = { kind: 'breakpoint', pcKey: key };
          return steps - 1;
        }
        h.resumeKey = NaN;
      }
      op.exec(h, op);
      const ev = h.event;
      if (ev === 0) { advance(h, op.len); h.retired++; entry = false; continue; }
      if ((ev & EV_EXC) !== 0) { h.trapFromExc(op); return steps; }
      h.retired++;
      if ((ev & EV_JUMP) !== 0) {
        if ((ev & EV_BREAK) !== 0) return steps;
        h.event = 0;
        entry = true;
        continue;
      }
      advance(h, op.len);
      return steps;
    }
  }

  /** The block at the pc through the fetch TLB (no entry: interpret, the fetch fills it). */
  private find(h: Hart): Block | undefined {
    const lo = h.pcLo, hi = h.pcHi;
    const idx = (lo >>> 12) & TLB_MASK;
    if (h.tlbXTag[idx] !== hi * PAGE_KEY_HI + (lo >>> 12)) return undefined;
    this.cache.counters.lookups++;
    return this.cache.lookup(h, h.tlbXBase[idx] + (lo & 0xfff), lo, hi, contextKey(h.priv, h.virt));
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
      const idx = (lo >>> 12) & TLB_MASK;
      if (h.tlbXTag[idx] === hi * PAGE_KEY_HI + (lo >>> 12) && h.tlbXBase[idx] === b.ramPage * 4096) { this.cache.counters.chainHits++; return b; }
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

function advance(h: Hart, len: number): void {
  const lo = h.pcLo, nlo = (lo + len) | 0;
  h.pcLo = nlo;
  if ((nlo >>> 0) < (lo >>> 0)) h.pcHi = (h.pcHi + 1) | 0;
}

