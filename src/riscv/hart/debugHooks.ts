// What the debugger can ask of a hart (ARCHITECTURE.md §6, "Breakpoints and watchpoints cost
// nothing when not hit"): instruction breakpoints checked only while some are set, watchpoints
// that keep their pages out of the software TLB so only those accesses take the checked slow path,
// and a filter that stops the run when a trap is entered.

/** A data watchpoint over [start, end) of virtual or (host-)physical addresses. */
export interface Watchpoint {
  readonly id: number;
  /** Virtual addresses as hi·2^32 + lo (exact below 2^53); physical addresses as numbers. */
  readonly start: number;
  readonly end: number;
  readonly physical: boolean;
  readonly read: boolean;
  readonly write: boolean;
}

/** Why `run` returned StopReason.Debug. */
export type DebugStop =
  | { kind: 'breakpoint'; pcKey: number }
  | { kind: 'watchpoint'; id: number; write: boolean; vaKey: number; pa: number; size: number }
  | { kind: 'trap'; cause: number; interrupt: boolean };

/** Key of a 64-bit virtual address for breakpoint and watchpoint sets. */
export function vaKey(lo: number, hi: number): number {
  return hi * 4294967296 + (lo >>> 0);
}

/** Watchpoints compiled for the slow path: the pages they touch, to keep out of the TLB. */
export class WatchSet {
  readonly virtPages = new Set<number>();
  readonly physPages = new Set<number>();

  constructor(readonly list: readonly Watchpoint[], ramBase: number) {
    for (const w of list) {
      const first = Math.floor(w.start / 4096), last = Math.floor((w.end - 1) / 4096);
      for (let p = first; p <= last; p++) {
        if (w.physical) this.physPages.add(p - ramBase / 4096);
        else this.virtPages.add(p);
      }
    }
  }

  /** The first watchpoint an access hits, or undefined. */
  match(va: number, pa: number, size: number, write: boolean): Watchpoint | undefined {
    for (const w of this.list) {
      if (write ? !w.write : !w.read) continue;
      const a = w.physical ? pa : va;
      if (a < w.end && w.start < a + size) return w;
    }
    return undefined;
  }
}
