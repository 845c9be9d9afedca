// The translator's run loop (Hart.engine): the interpreter's inner loop with translated blocks.
// At a block entry (after a jump, a block, or the start of the loop) it looks the pc up through
// the fetch TLB and the cache and runs the block when the remaining budget covers all of it;
// otherwise it interprets, counting the heat of jump targets the fetch TLB maps on the way, up to
// a jump that needs a lookup. Retired instructions, steps and the points where the loop leaves
// (so interrupt checks) are the interpreter's.
import { EV_BREAK, EV_EXC, EV_JUMP, type ExecutionEngine, type Hart } from '../riscv/hart/hart';
import { vaKey } from '../riscv/hart/debugHooks';
import { BlockEnd, contextKey, type Block } from './block';
import { NEVER, type JitCache, type PageEntry } from './cache';
import type { Op } from '../riscv/hart/op';

export class JitEngine implements ExecutionEngine {
  constructor(private readonly cache: JitCache) {}

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
          // Stopped before a memory access off the TLB fast path: the interpreter runs it.
          steps += ~r;
        }
      }
      // No block here: interpret as Hart.interpret does, up to a jump the run loop must look up.
      steps = this.interpretToJump(h, steps, budget);
      if (!this.jumped) return steps;
    }
  }

  /** Set by `interpretToJump`: it stopped after a jump (the pc holds the target), not at an event or the budget. */
  private jumped = false;

  /**
   * Hart.interpret's loop (walking the page's decoded ops by offset) for code with no block.
   * It walks pages the fetch TLB maps without a fetch. A jump to such a page counts the target's
   * heat here and goes on interpreting while the target has no block and is not due to be
   * translated; any other jump stops the loop with `jumped` set, so the run loop looks the
   * target up. An event or the budget leaves exactly as
   * Hart.interpret does. (Returning to the run loop at every jump cost about 80 ns a time.)
   */
  private interpretToJump(h: Hart, steps: number, budget: number): number {
    const start = steps, cache = this.cache, threshold = cache.threshold();
    let ops: (Op | undefined)[] | null = null;
    /** Heat and blocks of the page `ops` belongs to, when it is reached through the fetch TLB. */
    let entry: PageEntry | undefined;
    let page = 0, off = 0;
    this.jumped = false;
    {
      const base = h.fetchTlbPage(h.pcLo, h.pcHi);
      const pageOps = base < 0 ? undefined : cache.pageOps(base >>> 12);
      if (pageOps !== undefined) {
        ops = pageOps; h.fetchOps = pageOps; entry = cache.entry(base >>> 12);
        page = h.pcLo & ~0xfff; off = h.pcLo & 0xfff;
      }
    }
    for (;;) {
      if (steps >= budget) {
        if (ops !== null) {
          const lo = (page + off) | 0;
          if ((lo >>> 0) < (page >>> 0)) h.pcHi = (h.pcHi + 1) | 0;
          h.pcLo = lo;
        }
        break;
      }
      steps++;
      let op: Op | undefined;
      if (ops !== null && off < 4096 && (op = ops[off >>> 1]) !== undefined) {
        h.pcLo = page | off;
      } else {
        if (ops !== null) {
          if (off >= 4096) {
            const next = (page + 4096) | 0;
            if (next === 0) h.pcHi = (h.pcHi + 1) | 0;
            page = next; off -= 4096;
          }
          h.pcLo = page | off;
        }
        op = h.fetch();
        if (op === undefined) { h.trapFromExc(undefined); break; }
        ops = h.fetchOps;
        page = h.pcLo & ~0xfff; off = h.pcLo & 0xfff;
        const base = h.fetchTlbPage(h.pcLo, h.pcHi);
        entry = base < 0 ? undefined : cache.entry(base >>> 12);
      }
      if (h.breakpoints !== null) {
        const key = vaKey(h.pcLo, h.pcHi);
        if (key !== h.resumeKey && h.breakpoints.has(key)) {
          h.debugStop = { kind: 'breakpoint', pcKey: key };
          steps--;
          break;
        }
        h.resumeKey = NaN;
      }
      op.exec(h, op);
      const ev = h.event;
      if (ev === 0) { off += op.len; h.retired++; continue; }
      if ((ev & EV_EXC) !== 0) { h.trapFromExc(op); break; }
      h.retired++;
      if ((ev & EV_JUMP) !== 0) {
        if ((ev & EV_BREAK) !== 0) break;
        h.event = 0;
        const lo = h.pcLo;
        if (entry === undefined || (lo & ~0xfff) !== page || ops !== h.fetchOps) {
          // Another page: follow the jump here too when the fetch TLB maps the target to a page
          // with decoded code (the run loop's find would look at the same entry).
          const base = h.fetchTlbPage(lo, h.pcHi);
          const pageOps = base < 0 ? undefined : cache.pageOps(base >>> 12);
          if (pageOps === undefined) { this.jumped = true; break; }
          ops = pageOps; h.fetchOps = pageOps; entry = cache.entry(base >>> 12);
          page = lo & ~0xfff;
        }
        // Stay here unless the target has a block or gets one now.
        const slot = (lo & 0xfff) >>> 1;
        const heat = entry.heat[slot];
        if ((entry.fast === null || entry.fast[slot] === undefined) && heat + 1 < threshold) {
          if (heat !== NEVER) entry.heat[slot] = heat + 1;
          off = lo & 0xfff;
          continue;
        }
        this.jumped = true;
        break;
      }
      advance(h, op.len);
      break;
    }
    cache.counters.interpreted += steps - start;
    return steps;
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

function advance(h: Hart, len: number): void {
  const lo = h.pcLo, nlo = (lo + len) | 0;
  h.pcLo = nlo;
  if ((nlo >>> 0) < (lo >>> 0)) h.pcHi = (h.pcHi + 1) | 0;
}

