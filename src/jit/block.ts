// A translated block: one run of guest instructions inside one 4 KiB page, its compiled
// function, and what the listing shows about it (listing.ts).
import type { Op } from '../riscv/hart/op';
import { vaKey } from '../riscv/hart/debugHooks';
import type { RegionFn } from './translator';
import type { JitInvalidation } from './listing';

/** Translation context: privilege | V << 2 (XLEN is fixed at 64). */
export type ContextKey = number;

export function contextKey(priv: number, virt: boolean): ContextKey {
  return priv | (virt ? 4 : 0);
}

export function describeContext(ctx: ContextKey): string {
  const priv = ['U', 'S', '?', 'M'][ctx & 3];
  return `${priv}-mode, V=${(ctx >> 2) & 1}`;
}

/** How a block ends, for its links. */
export const enum BlockEnd { Fallthrough, Branch, Jump, Indirect, Helper }

export class Block {
  /**
   * The compiled function of the block's region, the block's index in it, and the region's
   * source exactly as given to `new Function` (set by `init`).
   */
  fn: RegionFn = () => 0;
  index = 0;
  /** The blocks compiled into the same function (control moves between them directly). */
  peers: readonly Block[] = [];
  source = '';
  ops: readonly Op[] = [];
  /** Low half of each op's pc (the high half is vaHi): a trace follows jumps within its page. */
  pcs: readonly number[] = [];
  /** Byte length of the block's first contiguous run of guest code (its listed address range). */
  bytes = 0;
  end = BlockEnd.Fallthrough;
  /** Side-exit targets (conditional branches inside the block), lo/hi pairs. */
  sides: readonly number[] = [];
  /** Static target of the taken branch or jump. */
  takenLo = 0;
  takenHi = 0;
  live = true;
  executions = 0;
  readonly invalidations: JitInvalidation[] = [];
  /** Successor cache (chaining): the block last found after a taken branch/jump or an indirect jump, and after a fallthrough. */
  taken: Block | null = null;
  fall: Block | null = null;
  /** Last indirect target seen (for the listing). */
  lastIndirectLo = 0;
  lastIndirectHi = 0;

  constructor(
    readonly id: number,
    /** Guest virtual address of the first instruction. */
    readonly vaLo: number,
    readonly vaHi: number,
    /** RAM page number of the block's page, and the RAM offset of the first instruction. */
    readonly ramPage: number,
    readonly ramOff: number,
    readonly ctx: ContextKey,
    /** The code cache page's op array at translation time (`Hart.fetchOps` while the block runs). */
    readonly pageOps: (Op | undefined)[] | null,
  ) {}

  init(ops: readonly Op[], pcs: readonly number[], shape: { bytes: number; sides: number[]; end: BlockEnd; takenLo: number; takenHi: number }, fn: RegionFn, index: number, source: string, peers: readonly Block[]): void {
    this.ops = ops; this.pcs = pcs; this.bytes = shape.bytes; this.sides = shape.sides; this.end = shape.end; this.takenLo = shape.takenLo; this.takenHi = shape.takenHi;
    this.fn = fn; this.index = index; this.source = source; this.peers = peers;
  }

  /** Instructions in the block. */
  get length(): number {
    return this.ops.length;
  }

  /** The block of the same function that starts at (lo, hi), if any. */
  peerAt(lo: number, hi: number): Block | undefined {
    return this.peers.find((p) => p.vaLo === lo && p.vaHi === hi);
  }

  /** The op at virtual pc (lo, hi) in this block or its peers (where an exception left the pc). */
  opAt(lo: number, hi: number): Op | undefined {
    for (const b of this.peers.length ? this.peers : [this]) {
      if (b.vaHi !== hi) continue;
      const i = b.pcs.indexOf(lo);
      if (i >= 0) return b.ops[i];
    }
    return undefined;
  }

  /** Whether one of the block's instructions starts at or covers RAM offset `off`. */
  coversRamOffset(off: number): boolean {
    const base = this.ramOff - (this.vaLo & 0xfff);
    for (let i = 0; i < this.ops.length; i++) {
      const o = base + (this.pcs[i] & 0xfff);
      if (off >= o && off < o + this.ops[i].len) return true;
    }
    return false;
  }

  /** Whether a breakpoint (debugHooks.vaKey keys) is set at one of the block's instructions. */
  hasBreakpoint(bps: Set<number>): boolean {
    for (const pc of this.pcs) if (bps.has(vaKey(pc, this.vaHi))) return true;
    return false;
  }
}
