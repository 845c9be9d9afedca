// SiFive PLIC as QEMU `virt` lays it out (RISC-V PLIC specification, "Memory Map"):
//   0x000000 + 4·src         priority of source src (3 bits: 0 = never, 1..7)
//   0x001000 + 4·w           pending bits, word w (read-only)
//   0x002000 + 0x80·ctx      enable bits of context ctx
//   0x200000 + 0x1000·ctx    priority threshold of context ctx; +4: claim / complete
// Contexts as QEMU `virt`: hart h has context 2h (M-mode, drives mip.MEIP) and 2h+1 (S-mode,
// drives mip.SEIP).
//
// Gateways are level-triggered: a source's pending bit follows its line while it is not claimed;
// claim clears it and blocks the gateway until complete, after which a line that is still high makes
// the source pending again. Claim returns the highest-priority (ties: lowest id) pending source
// enabled for the context with priority above the context's threshold, or 0.
// Only 32-bit accesses reach registers; narrower accesses read 0 and are ignored on write.
import type { Device, HartIrqInputs, IrqLine } from './device';

/** Sources 0..95; 0 is reserved ("no interrupt"), so 1..95 are usable. */
export const PLIC_NUM_SOURCES = 96;
export const MIP_SEIP_BIT = 9;
export const MIP_MEIP_BIT = 11;

const WORDS = PLIC_NUM_SOURCES / 32;
const PRIORITY_MASK = 7;
const PENDING_BASE = 0x1000;
const ENABLE_BASE = 0x2000;
const ENABLE_STRIDE = 0x80;
const CONTEXT_BASE = 0x200000;
const CONTEXT_STRIDE = 0x1000;

export class Plic implements Device {
  readonly name = 'plic';
  readonly numContexts: number;
  private readonly priority = new Uint32Array(PLIC_NUM_SOURCES);
  private readonly pending = new Uint32Array(WORDS);
  /** Claimed and not yet completed (gateway closed). */
  private readonly claimed = new Uint32Array(WORDS);
  /** Current input level of each source line. */
  private readonly level = new Uint32Array(WORDS);
  private readonly enable: Uint32Array;
  private readonly threshold: Uint32Array;
  private readonly lines: IrqLine[] = [];

  constructor(readonly numHarts: number, private readonly harts: HartIrqInputs) {
    this.numContexts = 2 * numHarts;
    this.enable = new Uint32Array(this.numContexts * WORDS);
    this.threshold = new Uint32Array(this.numContexts);
    for (let n = 0; n < PLIC_NUM_SOURCES; n++) {
      const src = n;
      this.lines.push({ set: (l: boolean) => this.setLevel(src, l) });
    }
    this.reset();
  }

  /** The interrupt line of source `n` (1..PLIC_NUM_SOURCES-1), for a device to drive. */
  source(n: number): IrqLine {
    if (!(n >= 1 && n < PLIC_NUM_SOURCES)) throw new RangeError(`PLIC source ${n} out of range 1..${PLIC_NUM_SOURCES - 1}`);
    return this.lines[n];
  }

  /** Power-on state. Line levels are inputs and are kept (devices reset themselves). */
  reset(): void {
    this.priority.fill(0);
    this.claimed.fill(0);
    this.enable.fill(0);
    this.threshold.fill(0);
    this.pending.set(this.level);
    this.update();
  }

  read(offset: number, size: 1 | 2 | 4): number {
    if (size === 4 && offset >= CONTEXT_BASE && (offset & (CONTEXT_STRIDE - 1)) === 4) {
      const ctx = (offset - CONTEXT_BASE) >>> 12;
      if (ctx < this.numContexts) return this.claim(ctx);
    }
    return this.peek(offset, size);
  }

  peek(offset: number, size: 1 | 2 | 4): number {
    if (size !== 4 || (offset & 3)) return 0;
    if (offset < PENDING_BASE) {
      const src = offset >>> 2;
      return src < PLIC_NUM_SOURCES ? this.priority[src] : 0;
    }
    if (offset < ENABLE_BASE) {
      const w = (offset - PENDING_BASE) >>> 2;
      return w < WORDS ? this.pending[w] : 0;
    }
    if (offset < CONTEXT_BASE) {
      const ctx = ((offset - ENABLE_BASE) / ENABLE_STRIDE) | 0;
      const w = ((offset - ENABLE_BASE) & (ENABLE_STRIDE - 1)) >>> 2;
      return ctx < this.numContexts && w < WORDS ? this.enable[ctx * WORDS + w] : 0;
    }
    const ctx = (offset - CONTEXT_BASE) >>> 12;
    if (ctx >= this.numContexts) return 0;
    switch (offset & (CONTEXT_STRIDE - 1)) {
      case 0: return this.threshold[ctx];
      case 4: return this.best(ctx); // what a claim would return, without claiming
      default: return 0;
    }
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    if (size !== 4 || (offset & 3)) return;
    if (offset < PENDING_BASE) {
      const src = offset >>> 2;
      if (src >= 1 && src < PLIC_NUM_SOURCES) this.priority[src] = value & PRIORITY_MASK;
    } else if (offset < ENABLE_BASE) {
      return; // pending bits are read-only
    } else if (offset < CONTEXT_BASE) {
      const ctx = ((offset - ENABLE_BASE) / ENABLE_STRIDE) | 0;
      const w = ((offset - ENABLE_BASE) & (ENABLE_STRIDE - 1)) >>> 2;
      if (ctx >= this.numContexts || w >= WORDS) return;
      this.enable[ctx * WORDS + w] = w === 0 ? value & ~1 : value; // source 0 does not exist
    } else {
      const ctx = (offset - CONTEXT_BASE) >>> 12;
      if (ctx >= this.numContexts) return;
      const reg = offset & (CONTEXT_STRIDE - 1);
      if (reg === 0) this.threshold[ctx] = value & PRIORITY_MASK;
      else if (reg === 4) this.complete(ctx, value >>> 0);
      else return;
    }
    this.update();
  }

  /** Drives MEIP/SEIP of every hart from the current state. */
  update(): void {
    for (let ctx = 0; ctx < this.numContexts; ctx++) {
      this.harts.setPending(ctx >>> 1, ctx & 1 ? MIP_SEIP_BIT : MIP_MEIP_BIT, this.best(ctx) !== 0);
    }
  }

  /** Whether source n is pending (debug views). */
  isPending(n: number): boolean {
    return ((this.pending[n >>> 5] >>> (n & 31)) & 1) !== 0;
  }

  private setLevel(src: number, high: boolean): void {
    const w = src >>> 5, bit = 1 << (src & 31);
    const was = (this.level[w] & bit) !== 0;
    if (was === high) return;
    if (high) {
      this.level[w] |= bit;
      if (!(this.claimed[w] & bit)) this.pending[w] |= bit;
    } else {
      this.level[w] &= ~bit;
      this.pending[w] &= ~bit; // level-triggered: a line that drops before claim withdraws the request
    }
    this.update();
  }

  /** Highest-priority eligible source for ctx (ties: lowest id), or 0. */
  private best(ctx: number): number {
    let bestSrc = 0;
    let bestPrio = this.threshold[ctx];
    const base = ctx * WORDS;
    for (let w = 0; w < WORDS; w++) {
      let bits = this.pending[w] & this.enable[base + w];
      while (bits !== 0) {
        const b = 31 - Math.clz32(bits & -bits); // lowest set bit first, so ties keep the lowest id
        bits &= bits - 1;
        const src = w * 32 + b;
        const p = this.priority[src];
        if (p > bestPrio) { bestPrio = p; bestSrc = src; }
      }
    }
    return bestSrc;
  }

  private claim(ctx: number): number {
    const src = this.best(ctx);
    if (src !== 0) {
      const w = src >>> 5, bit = 1 << (src & 31);
      this.pending[w] &= ~bit;
      this.claimed[w] |= bit;
      this.update();
    }
    return src;
  }

  private complete(ctx: number, src: number): void {
    if (src === 0 || src >= PLIC_NUM_SOURCES) return;
    const w = src >>> 5, bit = 1 << (src & 31);
    // PLIC spec: a completion for a source not enabled for the context is ignored.
    if (!(this.enable[ctx * WORDS + w] & bit) || !(this.claimed[w] & bit)) return;
    this.claimed[w] &= ~bit;
    if (this.level[w] & bit) this.pending[w] |= bit;
  }
}
