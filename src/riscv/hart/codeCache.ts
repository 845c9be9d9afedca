// Decoded instructions cached per physical RAM page, shared by all harts of a machine.
// A store to a page that holds decoded code drops the page (self-modifying code, code loaded by a
// guest kernel); such pages are never in any hart's write TLB, so every store to them reaches
// `noteStore` on the slow path and the fast path pays nothing. The translator (jit/) hooks the
// same invalidation later.
import { decode16, decode32 } from '../isa/decode';
import type { Decoded } from '../isa/types';
import { Op } from './op';
import { semanticsFor, illegalOp } from './semantics';
import { EV_BREAK, type Hart } from './hart';
import { Access } from './memory';

const PARCELS_PER_PAGE = 2048;

export class CodeCache {
  private readonly pages: (Op[] | undefined)[];
  private readonly harts: Hart[] = [];
  /** Listeners told when a page of code is invalidated (the translator, the debugger's views). */
  readonly onInvalidate: ((ramPage: number) => void)[] = [];
  /** Listeners told when everything is dropped (`clear`). */
  readonly onClear: (() => void)[] = [];
  /** Pages dropped so far (statistics). */
  invalidations = 0;

  /** `ramBase`: physical address of RAM offset 0 (for messages and listings). */
  constructor(ramPages: number, readonly ramBase = 0x8000_0000) {
    this.pages = new Array(ramPages).fill(undefined);
  }

  attach(h: Hart): void {
    this.harts.push(h);
  }

  hasPage(ramPage: number): boolean {
    return this.pages[ramPage] !== undefined;
  }

  /** The decoded ops of a RAM page, if it has any. */
  pageOps(ramPage: number): Op[] | undefined {
    return this.pages[ramPage];
  }

  noteStore(ramPage: number): void {
    const ops = this.pages[ramPage];
    if (ops === undefined) return;
    this.pages[ramPage] = undefined;
    for (const h of this.harts) if (h.fetchOps === ops) { h.fetchOps = null; h.event |= EV_BREAK; }
    this.invalidations++;
    for (const l of this.onInvalidate) l(ramPage);
  }

  /** Drops everything (FENCE.I is not needed for coherence here; this is for reset and restore). */
  clear(): void {
    this.pages.fill(undefined);
    for (const h of this.harts) h.fetchOps = null;
    for (const l of this.onClear) l();
  }

  /** The op at virtual pc (lo) whose page starts at RAM offset `pageBase`. */
  opAt(h: Hart, pageBase: number, pcLo: number): Op | undefined {
    const page = pageBase >>> 12;
    let ops = this.pages[page];
    if (ops === undefined) {
      ops = new Array<Op>(PARCELS_PER_PAGE);
      this.pages[page] = ops;
      for (const other of this.harts) other.dropWritable(page);
    }
    const slot = (pcLo & 0xfff) >>> 1;
    const cached = ops[slot];
    if (cached !== undefined) return cached;
    const u16 = h.ram.u16;
    const lowParcel = u16[(pageBase >>> 1) + slot];
    if ((lowParcel & 3) !== 3) {
      const op = makeOp(decode16(lowParcel), lowParcel, 2);
      ops[slot] = op;
      return op;
    }
    if (slot !== PARCELS_PER_PAGE - 1) {
      const word = (lowParcel | (u16[(pageBase >>> 1) + slot + 1] << 16)) | 0;
      const op = makeOp(decode32(word), word, 4);
      ops[slot] = op;
      return op;
    }
    // A 32-bit instruction straddling two pages: fetch the upper parcel through translation
    // (it may fault on the second page) and do not cache the result.
    const nlo = (h.pcLo + 2) | 0;
    const nhi = (h.pcHi + ((((nlo >>> 0) < (h.pcLo >>> 0)) as unknown as number))) | 0;
    const pa = h.mem.translate(h, nlo, nhi, Access.Fetch, h.priv, h.virt);
    if (pa < 0) return undefined; // exception raised; tval is the second page's address
    if (!h.ram.contains(pa, 2)) { h.raise(1, nlo, nhi); return undefined; }
    const word = (lowParcel | (u16[(pa - h.ram.base) >>> 1] << 16)) | 0;
    return makeOp(decode32(word), word, 4);
  }
}

function makeOp(d: Decoded | undefined, raw: number, len: 2 | 4): Op {
  if (d === undefined) return new Op(illegalOp, undefined, raw, len);
  return new Op(semanticsFor(d.spec), d, raw, len);
}
