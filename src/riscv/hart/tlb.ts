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

  flush(): void {
    this.rTag.fill(NaN);
    this.wTag.fill(NaN);
    this.xTag.fill(NaN);
    this.rSpan.fill(0); this.wSpan.fill(0); this.xSpan.fill(0);
    this.sumFilled.length = 0;
    this.mxrFilled.length = 0;
  }

  /**
   * SFENCE.VMA/HFENCE.VVMA for the virtual page with key `key` (hi·2^20 + lo >>> 12): its own
   * entries, and every entry that came from a superpage containing it.
   */
  flushPage(key: number): void {
    const idx = key & TLB_MASK;
    this.rTag[idx] = NaN; this.wTag[idx] = NaN; this.xTag[idx] = NaN;
    dropSpan(this.rTag, this.rSpan, key);
    dropSpan(this.wTag, this.wSpan, key);
    dropSpan(this.xTag, this.xSpan, key);
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

function dropSpan(tag: Float64Array, span: Uint8Array, key: number): void {
  for (let i = 0; i < TLB_SIZE; i++) {
    const sp = span[i];
    if (sp === 0) continue;
    const size = 2 ** sp;
    if (Math.floor(tag[i] / size) === Math.floor(key / size)) { tag[i] = NaN; span[i] = 0; }
  }
}
