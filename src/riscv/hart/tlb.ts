// The hart's software TLB: direct-mapped arrays per access kind (tag = virtual page key, base =
// RAM offset of the page), one set per translation context so that a trap or xRET only switches
// sets instead of flushing (privileged spec: translations depend on the privilege, V, satp/vsatp/
// hgatp and SUM/MXR; a context's set stays valid until one of those changes for it).
//
// Entries are 4 KiB even when the leaf was a superpage; such entries remember the superpage's size,
// so an SFENCE.VMA for one address also drops the other pieces of the same leaf (the fence covers
// the whole leaf) and nothing else.

export const TLB_SIZE = 512;
export const TLB_MASK = TLB_SIZE - 1;
/** Page key = hi·2^20 + (lo >>> 12) for a virtual address (lo, hi): exact for all 64-bit addresses. */
export const PAGE_KEY_HI = 1048576;

/** Translation contexts, one set each. */
export const enum TlbContext { M = 0, S = 1, U = 2, VS = 3, VU = 4 }
export const TLB_CONTEXTS = 5;

export class TlbSet {
  readonly rTag = new Float64Array(TLB_SIZE).fill(NaN);
  readonly rBase = new Int32Array(TLB_SIZE);
  readonly wTag = new Float64Array(TLB_SIZE).fill(NaN);
  readonly wBase = new Int32Array(TLB_SIZE);
  readonly xTag = new Float64Array(TLB_SIZE).fill(NaN);
  readonly xBase = new Int32Array(TLB_SIZE);
  /** Per entry: log2 of the leaf's size in 4 KiB pages (0 for a 4 KiB page, 9 for 2 MiB, ...). */
  readonly rSpan = new Uint8Array(TLB_SIZE);
  readonly wSpan = new Uint8Array(TLB_SIZE);
  readonly xSpan = new Uint8Array(TLB_SIZE);
  /** Indices filled for user pages from S-mode under SUM=1, and for execute-only pages under MXR=1. */
  readonly sumFilled: number[] = [];
  readonly mxrFilled: number[] = [];
  /**
   * The superpage leaves entries came from, by leaf (leaf page number · 32 + log2 span): the
   * indices filled from each (some may since hold other pages). A page fence scans only the
   * leaves containing its page; Linux fences many pages that lie in no superpage.
   */
  private leaves = new Map<number, Leaf>();

  flush(): void {
    this.rTag.fill(NaN);
    this.wTag.fill(NaN);
    this.xTag.fill(NaN);
    this.rSpan.fill(0); this.wSpan.fill(0); this.xSpan.fill(0);
    this.sumFilled.length = 0;
    this.mxrFilled.length = 0;
    this.leaves.clear();
  }

  /** Notes that entry `idx` now holds a piece of the superpage leaf of page `key` spanning 2^span pages. */
  noteSpan(idx: number, key: number, span: number): void {
    const size = SPAN_SIZE[span], base = Math.floor(key / size);
    const id = base * 32 + span;
    let leaf = this.leaves.get(id);
    if (leaf === undefined) {
      if (this.leaves.size >= MAX_LEAVES) this.rebuildLeaves();
      leaf = { base, span, size, idx: [] };
      this.leaves.set(id, leaf);
    }
    if (leaf.idx.length >= 3 * TLB_SIZE) leaf.idx = [...new Set(leaf.idx)];
    leaf.idx.push(idx);
  }

  /** Drops leaves none of whose entries are still present (rebuilt from the arrays). */
  private rebuildLeaves(): void {
    this.leaves.clear();
    const note = (tag: Float64Array, span: Uint8Array): void => {
      for (let i = 0; i < TLB_SIZE; i++) if (span[i] !== 0 && tag[i] === tag[i]) this.noteSpanIfRoom(i, tag[i], span[i]);
    };
    note(this.rTag, this.rSpan); note(this.wTag, this.wSpan); note(this.xTag, this.xSpan);
  }

  private noteSpanIfRoom(idx: number, key: number, span: number): void {
    const size = SPAN_SIZE[span], base = Math.floor(key / size), id = base * 32 + span;
    let leaf = this.leaves.get(id);
    if (leaf === undefined) { leaf = { base, span, size, idx: [] }; this.leaves.set(id, leaf); }
    leaf.idx.push(idx);
  }

  /**
   * SFENCE.VMA/HFENCE.VVMA for the virtual page with key `key` (hi·2^20 + lo >>> 12): its own
   * entries, and every entry that came from a superpage containing it.
   */
  flushPage(key: number): void {
    const idx = key & TLB_MASK;
    this.rTag[idx] = NaN; this.wTag[idx] = NaN; this.xTag[idx] = NaN;
    if (this.leaves.size === 0) return;
    for (const [id, leaf] of this.leaves) {
      if (Math.floor(key / leaf.size) !== leaf.base) continue;
      for (const i of leaf.idx) {
        dropSpan(this.rTag, this.rSpan, i, leaf);
        dropSpan(this.wTag, this.wSpan, i, leaf);
        dropSpan(this.xTag, this.xSpan, i, leaf);
      }
      this.leaves.delete(id);
    }
  }

  /** Notes an index in a SUM/MXR list; past one entry per slot the set is simply flushed. */
  remember(list: number[], idx: number): void {
    if (list.length >= TLB_SIZE) this.flush();
    else list.push(idx);
  }

  /** Drops the entries a permission bit allowed (SUM or MXR going from 1 to 0). */
  dropFilled(list: number[]): void {
    for (const i of list) { this.rTag[i] = NaN; this.wTag[i] = NaN; }
    list.length = 0;
  }

  /** Drops write entries into RAM offset `base` (the page now holds decoded code). */
  dropWritable(base: number): void {
    for (let i = 0; i < TLB_SIZE; i++) if (this.wBase[i] === base) this.wTag[i] = NaN;
  }
}

/** Most leaves remembered per set before the stale ones are dropped. */
const MAX_LEAVES = 256;

interface Leaf { base: number; span: number; size: number; idx: number[] }

/** 2^span pages for each span (no Math.pow on the fence path). */
const SPAN_SIZE = Array.from({ length: 32 }, (_, i) => 2 ** i);

/** Drops entry i if it is a piece of `leaf`. */
function dropSpan(tag: Float64Array, span: Uint8Array, i: number, leaf: Leaf): void {
  if (span[i] === leaf.span && Math.floor(tag[i] / leaf.size) === leaf.base) { tag[i] = NaN; span[i] = 0; }
}
