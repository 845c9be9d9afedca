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
import type { Op } from '../riscv/hart/op';

const PAGE_KEY_HI = 1048576;

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
          steps += b.fn(h, budget - steps, b.index);
          const ev = h.event;
          if (ev === 0) { prev = b; continue; }
          if ((ev & EV_EXC) !== 0) { h.trapFromExc(b.opAt(h.pcLo, h.pcHi)); return steps; }
          if ((ev & EV_BREAK) !== 0) return steps;
          h.event = 0; // EV_JUMP alone (a helper that jumped): the next pc is a block entry
          continue;
        }
      }
      // No block here: interpret as Hart.interpret does, up to the next jump (the next block entry).
      steps = this.interpretToJump(h, steps, budget);
      if (!this.jumped) return steps;
    }
  }

  /** Set by `interpretToJump`: it stopped after a jump (the pc holds the target), not at an event or the budget. */
  private jumped = false;

  /**
   * Hart.interpret's loop (walking the page's decoded ops by offset), stopping after the first
   * instruction that jumped without EV_BREAK; `jumped` tells that case from the others, which
   * leave exactly as Hart.interpret does.
   */
  private interpretToJump(h: Hart, steps: number, budget: number): number {
    const start = steps;
    let ops: (Op | undefined)[] | null = null;
    let page = 0, off = 0;
    this.jumped = false;
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
        this.jumped = true;
        break;
      }
      advance(h, op.len);
      break;
    }
    this.cache.counters.interpreted += steps - start;
    return steps;
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

