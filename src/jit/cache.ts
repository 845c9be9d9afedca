// The translation cache: blocks keyed by the guest physical (RAM) address of their first
// instruction plus the translation context, heat counters for the first tier, page-granular
// invalidation (stores to code through CodeCache.onInvalidate, a cleared code cache), and the
// listing source for the binary-translation panel (listing.ts).
import type { CodeCache } from '../riscv/hart/codeCache';
import type { Hart } from '../riscv/hart/hart';
import type { Op } from '../riscv/hart/op';
import { Block, BlockEnd, describeContext, type ContextKey } from './block';
import { discover, translateRegion, mnemonic, type RegionBlock } from './translator';
import type { JitBlockInfo, JitGuestInsn, JitLink, JitListingSource } from './listing';
import { disassemble } from '../riscv/isa/disasm';

/**
 * A start is translated once the first tier has interpreted this many instructions from it (up
 * to the next jump it follows or block it reaches): heat counts instructions, not entries, so a
 * long straight-line function is translated after as few calls as a short loop needs
 * iterations. New functions start in V8's bytecode tier, and every translation costs a parse and
 * later an optimizing compile, so code that runs little stays in the first tier.
 */
export const HOT_THRESHOLD = 8000;
/**
 * The threshold then grows by HOT_GROWTH per region compiled, up to HOT_THRESHOLD + HOT_EXTRA_MAX:
 * a small program's few hot loops are translated early, while a guest with much warm code (the
 * Linux boot) translates only what has cost the first tier about as much as translating it would
 * (some 7 ms of V8's optimizing compiler per region, the first tier's time for about 250,000
 * instructions). The boot translates about 570 regions and interprets 204 M of its 1,245 M
 * instructions (counting entries, as before, it translated 383 and interpreted 387 M); fixed or
 * faster-growing thresholds measured within the host's noise.
 */
export const HOT_GROWTH = 800;
export const HOT_EXTRA_MAX = 248000;
/** Invalidated blocks kept for the listing (with their history). */
const DEAD_KEPT = 512;

/** Marker in the heat map: this start cannot be translated (straddles the page end). */
export const NEVER = -1;
/** Marker in the heat map: translate this start when it is next reached (see `compile`). */
export const DUE = 0x3fffffff;
/**
 * Flag in a compact word (PageEntry.compact): a block starts here, or the start is hot enough to
 * get one (PageEntry.isEntry). The first tier walks straight-line code without lookups; it stops
 * here, so the run loop enters or translates the block.
 */
export const ENTRY = 1 << 25;

/**
 * Limits of one region (one compiled function). Measured on bench.elf (shared, loaded host): one
 * block per function ran faster than 8 or 16, because every first use of a slow path or exit in a
 * big function deoptimizes and recompiles all of it; regions stay available for later tuning.
 */
export const REGION_BLOCKS = 1;
const REGION_INSNS = 400;
const BRANCHES = new Set(['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu']);
/** Blocks ending with these do not fall through to the next pc. */
const NO_FALLTHROUGH = new Set(['jal', 'jalr', 'ecall', 'ebreak', 'mret', 'sret']);

export class PageEntry {
  /** The block to enter at each start (key), and every block compiled in the page. */
  readonly blocks = new Map<number, Block>();
  readonly all: Block[] = [];
  /**
   * Instructions the first tier has interpreted so far from each start (halfword slot), whatever
   * the context (a heuristic only: translation never changes what the guest sees). Typed,
   * because every jump the first tier follows adds to it.
   */
  readonly heat = new Int32Array(2048);
  /**
   * The block last entered at each slot (any context), checked before the map; made on first use.
   * Every slot with a block in `blocks` has one here, so an empty slot means no block at all.
   */
  fast: (Block | undefined)[] | null = null;
  /**
   * The first tier's compact form of the page's decoded instructions (firstTier.ts), made on first
   * use. A slot that `isEntry` has ENTRY set in its first word.
   */
  compact: Int32Array | null = null;
  /** The decoded-ops array `compact` was filled from (a page decoded anew starts over). */
  compactOf: readonly (Op | undefined)[] | null = null;

  /** Whether `slot` is an ENTRY: a block starts there, or its heat reached `threshold` (or it is DUE). */
  isEntry(slot: number, threshold: number): boolean {
    return (this.fast !== null && this.fast[slot] !== undefined) || this.heat[slot] >= threshold;
  }

  /** Sets ENTRY on `slot` in the compact form, if that slot is filled (firstTier.ts's fill sets it on the rest). */
  markEntry(slot: number): void {
    const c = this.compact;
    if (c !== null && c[slot << 1] !== 0) c[slot << 1] |= ENTRY;
  }

  /** Clears ENTRY on `slot` (it has no block, and is not hot enough now). */
  unmarkEntry(slot: number): void {
    const c = this.compact;
    if (c !== null) c[slot << 1] &= ~ENTRY;
  }

  /**
   * Adds `n` interpreted instructions to the heat of `slot` (not to a start that cannot be
   * translated, nor past the mark of one that is due); a start that reaches `threshold` becomes
   * an ENTRY, where the first tier stops so that the run loop translates it.
   */
  addHeat(slot: number, n: number, threshold: number): void {
    const v = this.heat[slot];
    if (v < 0 || v >= DUE) return;
    const heat = Math.min(v + n, DUE - 1);
    this.heat[slot] = heat;
    if (heat >= threshold) this.markEntry(slot);
  }
}

export class JitCache implements JitListingSource {
  private readonly pages: (PageEntry | undefined)[];
  private readonly live = new Set<Block>();
  private readonly dead: Block[] = [];
  private nextId = 1;
  /** Translation threshold (HOT_THRESHOLD; tests lower it to translate small loops). */
  hotThreshold = HOT_THRESHOLD;
  /** Threshold growth per compiled region (HOT_GROWTH; tests that translate everything set 0). */
  hotGrowth = HOT_GROWTH;
  /** The hart running now (invalidations are stamped with its retired count). */
  current: Hart | undefined;
  readonly counters = { compiled: 0, regionBlocks: 0, executions: 0, chainHits: 0, lookups: 0, slowExits: 0, invalidatedBlocks: 0, storeInvalidations: 0, clears: 0, fenceI: 0, interpreted: 0 };

  constructor(private readonly code: CodeCache, ramPages: number) {
    this.pages = new Array<PageEntry | undefined>(ramPages).fill(undefined);
    code.onInvalidate.push((p) => this.invalidatePage(p, `store to page 0x${(code.ramBase + p * 4096).toString(16)}`));
    code.onClear.push(() => this.clear('code cache cleared'));
  }

  /** Key of a block start within its page. */
  static key(off: number, ctx: ContextKey): number {
    return (off >>> 1) | (ctx << 11);
  }

  /**
   * The block for virtual pc (lo, hi) at RAM offset `ramOff` in context `ctx`, translating it once
   * it is hot; undefined while it is interpreted.
   */
  lookup(h: Hart, ramOff: number, lo: number, hi: number, ctx: ContextKey): Block | undefined {
    const page = ramOff >>> 12;
    let e = this.pages[page];
    const slot = (ramOff & 0xfff) >>> 1;
    if (e !== undefined) {
      const fast = e.fast;
      if (fast !== null) {
        let b = fast[slot];
        if (b !== undefined) {
          if (b.ctx === ctx && b.vaLo === lo && b.vaHi === hi) return b;
          b = e.blocks.get(JitCache.key(ramOff & 0xfff, ctx));
          if (b !== undefined && b.vaLo === lo && b.vaHi === hi) { fast[slot] = b; return b; }
        }
      }
    } else {
      e = new PageEntry();
      this.pages[page] = e;
    }
    // The first tier, which runs the start when this returns undefined, adds to its heat. A start
    // marked ENTRY when it reached a lower threshold (the threshold grows) loses the mark until
    // it reaches this one, so the first tier no longer stops there. (NEVER is below any threshold.)
    const threshold = this.threshold();
    if (e.heat[slot] < threshold) {
      if (!e.isEntry(slot, threshold)) e.unmarkEntry(slot);
      return undefined;
    }
    const b = this.compile(h, e, ramOff, lo, hi, ctx);
    e.heat[slot] = b === undefined ? NEVER : 0;
    return b;
  }

  /** Instructions interpreted from a start before it is translated, now. */
  threshold(): number {
    return this.hotThreshold + Math.min(HOT_EXTRA_MAX, this.hotGrowth * this.counters.compiled);
  }

  /** The decoded ops of RAM page `page`, if it has any. */
  pageOps(page: number): (Op | undefined)[] | undefined {
    return this.code.pageOps(page);
  }

  /** The heat and blocks of RAM page `page`, made on first use. */
  entry(page: number): PageEntry {
    let e = this.pages[page];
    if (e === undefined) { e = new PageEntry(); this.pages[page] = e; }
    return e;
  }

  /**
   * Translates the region that starts at (lo, hi): the block there and the blocks of the same
   * page it reaches by static branches, jumps and fallthrough, compiled into one function.
   */
  private compile(h: Hart, e: PageEntry, ramOff: number, lo: number, hi: number, ctx: ContextKey): Block | undefined {
    const page = ramOff >>> 12;
    const vpage = lo & ~0xfff;
    const pageOps = this.code.pageOps(page) ?? null;
    const list: RegionBlock[] = [];
    const records: Block[] = [];
    const seen = new Set<number>();
    const queue = [lo & 0xfff];
    let total = 0;
    const samePage = (tlo: number, thi: number): boolean => thi === hi && (tlo & ~0xfff) === vpage;
    while (queue.length > 0 && list.length < REGION_BLOCKS && total < REGION_INSNS) {
      const off = queue.shift()!;
      if (seen.has(off)) continue;
      seen.add(off);
      const blo = (vpage | off) | 0;
      const { ops, pcs } = discover(h, page * 4096, blo, hi);
      if (ops.length === 0) continue;
      const rec = new Block(this.nextId++, blo, hi, page, page * 4096 + off, ctx, this.code.pageOps(page) ?? pageOps);
      list.push({ lo: blo, hi, ops, pcs, record: rec });
      records.push(rec);
      total += ops.length;
      const last = ops[ops.length - 1], name = mnemonic(last);
      const lastOff = pcs[pcs.length - 1] & 0xfff, endOff = lastOff + last.len;
      if (BRANCHES.has(name) || name === 'jal') {
        const t = (vpage + lastOff + last.imm) | 0;
        const th = (hi + (last.imm >> 31) + (((t >>> 0) < ((vpage + lastOff) >>> 0)) ? 1 : 0)) | 0;
        if (samePage(t, th)) queue.push(t & 0xfff);
      }
      if (!NO_FALLTHROUGH.has(name) && last.d !== undefined && endOff < 4096) queue.push(endOff);
    }
    if (list.length === 0) return undefined;
    const t = translateRegion(h, list);
    records.forEach((r, i) => r.init(list[i].ops, list[i].pcs, t.shapes[i], t.fn, i, t.source, records));
    const key = JitCache.key(ramOff & 0xfff, ctx);
    const old = e.blocks.get(key);
    if (old !== undefined && (old.vaLo !== lo || old.vaHi !== hi)) this.kill(old, 'replaced (same physical address, other virtual address)', h.retired);
    e.blocks.set(key, records[0]);
    e.fast ??= new Array<Block | undefined>(2048).fill(undefined);
    const fast = e.fast;
    fast[(ramOff & 0xfff) >>> 1] = records[0];
    e.markEntry((ramOff & 0xfff) >>> 1);
    // The region's other blocks become entries where none exists yet (entering there later
    // runs this function instead of waiting to get hot).
    for (const r of records.slice(1)) {
      const k = JitCache.key(r.ramOff & 0xfff, ctx);
      const cur = e.blocks.get(k);
      if (cur === undefined || !cur.live || cur.vaLo !== r.vaLo || cur.vaHi !== r.vaHi) {
        e.blocks.set(k, r);
        e.heat[(r.ramOff & 0xfff) >>> 1] = 0;
        fast[(r.ramOff & 0xfff) >>> 1] ??= r;
        e.markEntry((r.ramOff & 0xfff) >>> 1);
      }
    }
    for (const r of records) {
      e.all.push(r); this.live.add(r);
      // A block cut by the length limit runs on into the next instruction each time it runs, so
      // that start is as hot as this one. Counting it up from zero again made each 64-instruction
      // piece of a long straight-line function wait out the threshold in turn: in the Linux boot,
      // 10 KB of unrolled 32-bit add/rotate/xor rounds (a hash or cipher, by the instruction mix),
      // run 56,000 times, stayed in the first tier.
      if (r.end !== BlockEnd.Fallthrough) continue;
      const last = r.ops.length - 1, next = (r.pcs[last] & 0xfff) + r.ops[last].len;
      if (next < 4096 && e.heat[next >>> 1] !== NEVER && fast[next >>> 1] === undefined) { e.heat[next >>> 1] = DUE; e.markEntry(next >>> 1); }
    }
    this.counters.compiled++;
    this.counters.regionBlocks += records.length;
    return records[0];
  }

  private kill(b: Block, reason: string, retired: number): void {
    if (!b.live) return;
    b.live = false;
    b.invalidations.push({ retired, reason });
    b.taken = null; b.fall = null;
    this.live.delete(b);
    this.dead.push(b);
    if (this.dead.length > DEAD_KEPT) this.dead.splice(0, this.dead.length - DEAD_KEPT);
    this.counters.invalidatedBlocks++;
  }

  /** Drops the blocks of RAM page `page` (its code changed). */
  invalidatePage(page: number, reason: string): void {
    const e = this.pages[page];
    if (e === undefined) return;
    this.pages[page] = undefined;
    if (e.all.length === 0) return;
    this.counters.storeInvalidations++;
    const retired = this.current?.retired ?? 0;
    for (const b of e.all) this.kill(b, reason, retired);
  }

  /** Drops every block (reset, restore, or a test). */
  clear(reason: string): void {
    this.counters.clears++;
    const retired = this.current?.retired ?? 0;
    for (const b of [...this.live]) this.kill(b, reason, retired);
    this.pages.fill(undefined);
  }

  // ---------------------------------------------------------------- JitListingSource

  blocks(): readonly JitBlockInfo[] {
    return [...this.dead, ...this.live].sort((a, b) => a.id - b.id).map((b) => this.info(b));
  }

  block(id: number): JitBlockInfo | undefined {
    for (const b of this.live) if (b.id === id) return this.info(b);
    const d = this.dead.find((b) => b.id === id);
    return d && this.info(d);
  }

  blockContaining(pa: number): JitBlockInfo | undefined {
    const off = pa - this.code.ramBase;
    const e = this.pages[Math.floor(off / 4096)];
    if (e === undefined || off < 0) return undefined;
    let best: Block | undefined;
    for (const b of e.all) if (b.live && b.coversRamOffset(off) && (best === undefined || b.id > best.id)) best = b;
    return best && this.info(best);
  }

  stats(): Record<string, number> {
    let executions = 0;
    for (const b of this.live) executions += b.executions;
    return { ...this.counters, executions, liveBlocks: this.live.size, deadBlocksListed: this.dead.length };
  }

  private info(b: Block): JitBlockInfo {
    const start = (BigInt(b.vaHi >>> 0) << 32n) | BigInt(b.vaLo >>> 0);
    const guest: JitGuestInsn[] = b.ops.map((op, i) => {
      const pc = (BigInt(b.vaHi >>> 0) << 32n) | BigInt(b.pcs[i] >>> 0);
      return { pc, raw: op.raw >>> 0, len: op.len, text: op.d === undefined ? '(illegal)' : disassemble(op.d, pc) };
    });
    const links: JitLink[] = [];
    const big = (lo: number, hi: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    const lastPc = b.pcs[b.pcs.length - 1], lastLen = b.ops[b.ops.length - 1].len;
    const endLo = (lastPc + lastLen) | 0, endHi = ((endLo >>> 0) < (lastPc >>> 0) ? b.vaHi + 1 : b.vaHi) | 0;
    const fallTarget = big(endLo, endHi);
    // Chained: a block of the same function (a direct transfer), or the run loop's successor link.
    const chained = (lo: number, hi: number, link: Block | null): number | undefined =>
      b.peerAt(lo, hi)?.id ?? (link?.live && link.vaLo === lo && link.vaHi === hi ? link.id : undefined);
    for (let i = 0; i < b.sides.length; i += 2) {
      const lo = b.sides[i], hi = b.sides[i + 1];
      links.push({ kind: 'taken', target: big(lo, hi), chainedTo: chained(lo, hi, b.taken) });
    }
    if (b.end === BlockEnd.Branch || b.end === BlockEnd.Jump) links.push({ kind: 'taken', target: big(b.takenLo, b.takenHi), chainedTo: chained(b.takenLo, b.takenHi, b.taken) });
    if (b.end === BlockEnd.Indirect) links.push({ kind: 'indirect', target: big(b.lastIndirectLo, b.lastIndirectHi), chainedTo: b.taken?.live ? b.taken.id : undefined });
    if (b.end !== BlockEnd.Jump && b.end !== BlockEnd.Indirect) links.push({ kind: 'fallthrough', target: fallTarget, chainedTo: chained(endLo, endHi, b.fall) });
    return {
      id: b.id, start, end: start + BigInt(b.bytes), pa: this.code.ramBase + b.ramOff, context: describeContext(b.ctx),
      guest, generated: b.source, executions: b.executions, links, invalidations: [...b.invalidations], live: b.live,
    };
  }
}
