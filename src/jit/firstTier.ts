// The translator's first tier: the interpreter loop for code that has no block yet (engine.ts).
//
// It runs from a compact form of each page's decoded instructions, two int32 words per halfword
// slot (an op code, rd, rs1, rs2 and length; the immediate), filled from the interpreter's decoded
// ops on first use. The common RV64I instructions run inline in one `switch`, loads and stores
// with the TLB fast path inlined; everything else (and every slow path) calls the op's semantic
// function as Hart.interpret does. Measured on the Linux boot: most of this tier's time went to
// reaching each instruction's Op object and the call through it (cache misses on objects spread
// over the heap, and a megamorphic call), not to the semantics.
//
// Retired instructions, the pc field, events, traps and breakpoints follow Hart.interpret
// exactly, so the machine is the same with either engine. The inline cases restate the
// semantics of riscv/hart/semantics/base.ts, as the translator's emitters do: the interpreter
// stays the reference, and the lockstep tests (test/unit/jit/firstTier.test.ts, the Linux boot in
// test/integration/lockstep.test.ts) hold the two equal.
import { EV_BREAK, EV_EXC, EV_JUMP, type Hart } from '../riscv/hart/hart';
import { vaKey } from '../riscv/hart/debugHooks';
import type { Op } from '../riscv/hart/op';
import { ENCODINGS } from '../riscv/isa/encodings';
import { PAGE_KEY_HI, TLB_MASK } from '../riscv/hart/tlb';
import { ENTRY, type JitCache, type PageEntry } from './cache';

// Op codes of the compact form (0: slot not filled yet).
const enum K {
  Slow = 1, Lui, Auipc, Jal, Jalr, Beq, Bne, Blt, Bge, Bltu, Bgeu,
  Lb, Lbu, Lh, Lhu, Lw, Lwu, Ld, Sb, Sh, Sw, Sd,
  Addi, Xori, Ori, Andi, Slli, Srli, Srai, Add, Sub, Xor, Or, And, Sltu,
  Addiw, Slliw, Srliw, Sraiw, Addw, Subw,
}

const NAMED: Record<string, K> = {
  lui: K.Lui, auipc: K.Auipc, jal: K.Jal, jalr: K.Jalr, beq: K.Beq, bne: K.Bne, blt: K.Blt, bge: K.Bge, bltu: K.Bltu, bgeu: K.Bgeu,
  lb: K.Lb, lbu: K.Lbu, lh: K.Lh, lhu: K.Lhu, lw: K.Lw, lwu: K.Lwu, ld: K.Ld, sb: K.Sb, sh: K.Sh, sw: K.Sw, sd: K.Sd,
  addi: K.Addi, xori: K.Xori, ori: K.Ori, andi: K.Andi, slli: K.Slli, srli: K.Srli, srai: K.Srai,
  add: K.Add, sub: K.Sub, xor: K.Xor, or: K.Or, and: K.And, sltu: K.Sltu,
  addiw: K.Addiw, slliw: K.Slliw, srliw: K.Srliw, sraiw: K.Sraiw, addw: K.Addw, subw: K.Subw,
};

/** Compact op code by instruction-table id. */
const CODE_BY_ID = Int32Array.from(ENCODINGS, (e) => NAMED[e.name] ?? K.Slow);

/**
 * Fills the compact words of `slot` of `e` from its decoded op; returns the first word (never 0).
 * It carries ENTRY when `e.isEntry`.
 */
function fill(e: PageEntry, c: Int32Array, slot: number, op: Op, threshold: number): number {
  const code = op.d === undefined ? K.Slow : CODE_BY_ID[op.d.spec.id];
  let w = code | (op.rd << 6) | (op.rs1 << 12) | (op.rs2 << 17) | (op.len << 22);
  if (e.isEntry(slot, threshold)) w |= ENTRY;
  c[slot << 1] = w;
  c[(slot << 1) + 1] = op.imm;
  return w;
}

/** The first compact word of `slot`, filled on first use (0: no decoded op there yet). */
function wordAt(e: PageEntry, c: Int32Array, ops: readonly (Op | undefined)[], slot: number, threshold: number): number {
  const w = c[slot << 1];
  if (w !== 0) return w;
  const op = ops[slot];
  return op === undefined ? 0 : fill(e, c, slot, op, threshold);
}

/** The compact form of the page whose decoded ops are `ops` (reset when the page was decoded anew). */
function compactOf(e: PageEntry | undefined, ops: (Op | undefined)[] | null): Int32Array | null {
  if (e === undefined || ops === null) return null;
  if (e.compactOf !== ops) {
    if (e.compact === null) e.compact = new Int32Array(4096);
    else e.compact.fill(0);
    e.compactOf = ops;
  }
  return e.compact;
}

const ltu = (a: number, b: number): number => (((a >>> 0) < (b >>> 0)) as unknown as number);

export class FirstTier {
  /** Set by `run`: it stopped after a jump (the pc holds the target), not at an event or the budget. */
  jumped = false;

  constructor(private readonly cache: JitCache) {}

  /**
   * Runs code that has no block, as Hart.interpret does, walking the page's instructions by offset.
   * It walks pages the fetch TLB maps without a fetch. A jump to such a page goes on interpreting
   * unless the target is an ENTRY (it has a block, or is hot enough to get one); that, any other
   * jump, or walking into an ENTRY stops the loop with `jumped` set, so the run loop looks the pc
   * up. The instructions run from each start (the first pc, each jump target followed) are added
   * to its heat. An event or the budget leaves exactly as Hart.interpret does. (Returning to the
   * run loop at every jump cost about 80 ns a time.)
   */
  run(h: Hart, steps: number, budget: number): number {
    const start = steps, cache = this.cache, threshold = cache.threshold();
    // Breakpoints change only between runs (the debugger), so a local check per instruction.
    const breakpoints = h.breakpoints;
    const x = h.x, M8 = h.ram.u8, M16 = h.ram.u16, M32 = h.ram.i32;
    let ops: (Op | undefined)[] | null = null;
    /** Heat and blocks of the page `ops` belongs to, when it is reached through the fetch TLB. */
    let entry: PageEntry | undefined;
    let cops: Int32Array | null = null;
    let page = 0, off = 0;
    /**
     * Instructions retired by the inline cases and not yet added to `h.retired`, and the pc field:
     * both are written before anything that reads them (an op's semantic function, a fetch, a
     * trap, leaving the loop), not per instruction.
     */
    let rt = 0;
    /**
     * The start whose heat this run adds to (the pc it began at, then each jump target it
     * follows): its page's entry, its slot, and `steps` when it was reached.
     */
    let heatOf: PageEntry | undefined, heatSlot = 0, heatFrom = steps;
    this.jumped = false;
    {
      const base = h.fetchTlbPage(h.pcLo, h.pcHi);
      const pageOps = base < 0 ? undefined : cache.pageOps(base >>> 12);
      if (pageOps !== undefined) {
        ops = pageOps; h.fetchOps = pageOps; entry = cache.entry(base >>> 12); cops = compactOf(entry, ops);
        page = h.pcLo & ~0xfff; off = h.pcLo & 0xfff;
        heatOf = entry; heatSlot = off >>> 1;
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
      let w = 0;
      const slot = off >>> 1;
      if (cops !== null && off < 4096) {
        w = wordAt(entry!, cops, ops!, slot, threshold);
        if ((w & ENTRY) !== 0 && steps !== start + 1) {
          // Walked into an ENTRY (a block's start, or a start hot enough to get one): the run
          // loop takes it.
          steps--; h.pcLo = page | off; this.jumped = true;
          break;
        }
      }
      if (w === 0) {
        h.retired += rt; rt = 0;
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
        cops = compactOf(entry, ops);
        w = K.Slow;
      }
      if (breakpoints !== null) {
        const key = vaKey(page | off, h.pcHi);
        if (key !== h.resumeKey && breakpoints.has(key)) {
          h.debugStop = { kind: 'breakpoint', pcKey: key };
          h.pcLo = page | off;
          steps--;
          break;
        }
        h.resumeKey = NaN;
      }
      const len = (w >>> 22) & 7, d = ((w >>> 6) & 63) << 1, a = ((w >>> 12) & 31) << 1, b = ((w >>> 17) & 31) << 1;
      // RV64I (unprivileged spec, "RV32I Base Integer Instruction Set" and "RV64I"): registers are
      // int32 halves x[2r] (low) and x[2r+1] (high); rd = x0 writes the scratch slot. A case that
      // completes goes on to the next instruction itself; the rest break to the code below.
      switch (w & 63) {
        case K.Lui: { const imm = cops![(slot << 1) + 1]; x[d] = imm; x[d + 1] = imm >> 31; off += len; rt++; continue; }
        case K.Auipc: {
          const imm = cops![(slot << 1) + 1], pc = page | off, lo = (pc + imm) | 0;
          x[d + 1] = (h.pcHi + (imm >> 31) + ltu(lo, pc)) | 0; x[d] = lo; off += len; rt++; continue;
        }
        case K.Jal: case K.Jalr: {
          const imm = cops![(slot << 1) + 1], pc = page | off, pcHi = h.pcHi;
          let tl: number, th: number;
          if ((w & 63) === K.Jal) { tl = (pc + imm) | 0; th = (pcHi + (imm >> 31) + ltu(tl, pc)) | 0; }
          else { const al = x[a]; tl = (al + imm) | 0; th = (x[a + 1] + (imm >> 31) + ltu(tl, al)) | 0; tl &= ~1; }
          const rl = (pc + len) | 0; // read rs1 above before rd is written
          x[d + 1] = (pcHi + ltu(rl, pc)) | 0; x[d] = rl;
          h.pcLo = tl; h.pcHi = th; break;
        }
        case K.Beq: if (!(x[a] === x[b] && x[a + 1] === x[b + 1])) { off += len; rt++; continue; } break;
        case K.Bne: if (!(x[a] !== x[b] || x[a + 1] !== x[b + 1])) { off += len; rt++; continue; } break;
        case K.Blt: if (!(x[a + 1] < x[b + 1] || (x[a + 1] === x[b + 1] && (x[a] >>> 0) < (x[b] >>> 0)))) { off += len; rt++; continue; } break;
        case K.Bge: if (!(x[a + 1] > x[b + 1] || (x[a + 1] === x[b + 1] && (x[a] >>> 0) >= (x[b] >>> 0)))) { off += len; rt++; continue; } break;
        case K.Bltu: if (!((x[a + 1] >>> 0) < (x[b + 1] >>> 0) || (x[a + 1] === x[b + 1] && (x[a] >>> 0) < (x[b] >>> 0)))) { off += len; rt++; continue; } break;
        case K.Bgeu: if (!((x[a + 1] >>> 0) > (x[b + 1] >>> 0) || (x[a + 1] === x[b + 1] && (x[a] >>> 0) >= (x[b] >>> 0)))) { off += len; rt++; continue; } break;
        case K.Lb: case K.Lbu: case K.Lh: case K.Lhu: case K.Lw: case K.Lwu: case K.Ld: {
          // The TLB fast path of Hart.load*; anything else (a miss, MMIO, misalignment) runs the op.
          const imm = cops![(slot << 1) + 1], al = x[a], lo = (al + imm) | 0;
          const hi = (x[a + 1] + (imm >> 31) + ltu(lo, al)) | 0, i = (lo >>> 12) & TLB_MASK, k = w & 63;
          const size = k <= K.Lbu ? 1 : k <= K.Lhu ? 2 : k <= K.Lwu ? 4 : 8;
          if ((lo & (size - 1)) !== 0 || h.tlbRTag[i] !== hi * PAGE_KEY_HI + (lo >>> 12)) { w = K.Slow; break; }
          const s = h.tlbRBase[i] + (lo & 0xfff);
          switch (k) {
            case K.Lb: x[d] = (M8[s] << 24) >> 24; x[d + 1] = x[d] >> 31; break;
            case K.Lbu: x[d] = M8[s]; x[d + 1] = 0; break;
            case K.Lh: x[d] = (M16[s >>> 1] << 16) >> 16; x[d + 1] = x[d] >> 31; break;
            case K.Lhu: x[d] = M16[s >>> 1]; x[d + 1] = 0; break;
            case K.Lw: x[d] = M32[s >>> 2]; x[d + 1] = x[d] >> 31; break;
            case K.Lwu: x[d] = M32[s >>> 2]; x[d + 1] = 0; break;
            default: x[d] = M32[s >>> 2]; x[d + 1] = M32[(s >>> 2) + 1];
          }
          off += len; rt++; continue;
        }
        case K.Sb: case K.Sh: case K.Sw: case K.Sd: {
          const imm = cops![(slot << 1) + 1], al = x[a], lo = (al + imm) | 0;
          const hi = (x[a + 1] + (imm >> 31) + ltu(lo, al)) | 0, i = (lo >>> 12) & TLB_MASK, k = w & 63;
          const size = k === K.Sb ? 1 : k === K.Sh ? 2 : k === K.Sw ? 4 : 8;
          if ((lo & (size - 1)) !== 0 || h.tlbWTag[i] !== hi * PAGE_KEY_HI + (lo >>> 12)) { w = K.Slow; break; }
          const s = h.tlbWBase[i] + (lo & 0xfff);
          if (k === K.Sb) M8[s] = x[b];
          else if (k === K.Sh) M16[s >>> 1] = x[b];
          else if (k === K.Sw) M32[s >>> 2] = x[b];
          else { M32[s >>> 2] = x[b]; M32[(s >>> 2) + 1] = x[b + 1]; }
          off += len; rt++; continue;
        }
        case K.Addi: {
          const imm = cops![(slot << 1) + 1], al = x[a], lo = (al + imm) | 0;
          x[d + 1] = (x[a + 1] + (imm >> 31) + ltu(lo, al)) | 0; x[d] = lo; off += len; rt++; continue;
        }
        case K.Xori: { const imm = cops![(slot << 1) + 1]; x[d + 1] = x[a + 1] ^ (imm >> 31); x[d] = x[a] ^ imm; off += len; rt++; continue; }
        case K.Ori: { const imm = cops![(slot << 1) + 1]; x[d + 1] = x[a + 1] | (imm >> 31); x[d] = x[a] | imm; off += len; rt++; continue; }
        case K.Andi: { const imm = cops![(slot << 1) + 1]; x[d + 1] = x[a + 1] & (imm >> 31); x[d] = x[a] & imm; off += len; rt++; continue; }
        case K.Slli: case K.Srli: case K.Srai: {
          const sh = cops![(slot << 1) + 1] & 63, l = x[a], hh = x[a + 1], k = w & 63;
          let rl: number, rh: number;
          if (sh === 0) { rl = l; rh = hh; } // JS shift counts are mod 32: 0 and 32 are cases of their own
          else if (k === K.Slli) {
            if (sh < 32) { rl = l << sh; rh = (hh << sh) | (l >>> (32 - sh)); } else { rl = 0; rh = l << (sh - 32); }
          } else if (sh < 32) {
            rl = (l >>> sh) | (hh << (32 - sh)); rh = k === K.Srli ? (hh >>> sh) | 0 : hh >> sh;
          } else if (k === K.Srli) { rl = (hh >>> (sh - 32)) | 0; rh = 0; } else { rl = hh >> (sh - 32); rh = hh >> 31; }
          x[d] = rl; x[d + 1] = rh; off += len; rt++; continue;
        }
        case K.Add: { const al = x[a], lo = (al + x[b]) | 0; x[d + 1] = (x[a + 1] + x[b + 1] + ltu(lo, al)) | 0; x[d] = lo; off += len; rt++; continue; }
        case K.Sub: { const al = x[a], bl = x[b]; x[d + 1] = (x[a + 1] - x[b + 1] - ltu(al, bl)) | 0; x[d] = (al - bl) | 0; off += len; rt++; continue; }
        case K.Xor: x[d] = x[a] ^ x[b]; x[d + 1] = x[a + 1] ^ x[b + 1]; off += len; rt++; continue;
        case K.Or: x[d] = x[a] | x[b]; x[d + 1] = x[a + 1] | x[b + 1]; off += len; rt++; continue;
        case K.And: x[d] = x[a] & x[b]; x[d + 1] = x[a + 1] & x[b + 1]; off += len; rt++; continue;
        case K.Sltu: {
          const ah = x[a + 1] >>> 0, bh = x[b + 1] >>> 0;
          x[d] = (ah < bh || (ah === bh && (x[a] >>> 0) < (x[b] >>> 0))) ? 1 : 0; x[d + 1] = 0; off += len; rt++; continue;
        }
        case K.Addiw: { const v = (x[a] + cops![(slot << 1) + 1]) | 0; x[d] = v; x[d + 1] = v >> 31; off += len; rt++; continue; }
        case K.Slliw: { const v = x[a] << cops![(slot << 1) + 1]; x[d] = v; x[d + 1] = v >> 31; off += len; rt++; continue; }
        case K.Srliw: { const v = (x[a] >>> cops![(slot << 1) + 1]) | 0; x[d] = v; x[d + 1] = v >> 31; off += len; rt++; continue; }
        case K.Sraiw: { const v = x[a] >> cops![(slot << 1) + 1]; x[d] = v; x[d + 1] = v >> 31; off += len; rt++; continue; }
        case K.Addw: { const v = (x[a] + x[b]) | 0; x[d] = v; x[d + 1] = v >> 31; off += len; rt++; continue; }
        case K.Subw: { const v = (x[a] - x[b]) | 0; x[d] = v; x[d + 1] = v >> 31; off += len; rt++; continue; }
        default: break;
      }
      // Here: a taken branch or jump, or an instruction the inline cases leave to its op.
      let ev: number;
      if ((w & 63) !== K.Slow) {
        if ((w & 63) !== K.Jal && (w & 63) !== K.Jalr) {
          // A taken conditional branch: pc + imm (B-type offset).
          const imm = cops![(slot << 1) + 1], pc = page | off, lo = (pc + imm) | 0;
          h.pcHi = (h.pcHi + (imm >> 31) + ltu(lo, pc)) | 0; h.pcLo = lo;
        }
        ev = EV_JUMP;
      } else {
        if (op === undefined) op = ops![slot]!;
        h.pcLo = page | off; h.retired += rt; rt = 0;
        op.exec(h, op);
        ev = h.event;
        if (ev === 0) { off += op.len; h.retired++; continue; }
        if ((ev & EV_EXC) !== 0) { h.trapFromExc(op); break; }
      }
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
          ops = pageOps; h.fetchOps = pageOps; entry = cache.entry(base >>> 12); cops = compactOf(entry, ops);
          page = lo & ~0xfff;
        }
        // Stay here unless the target is an ENTRY: it has a block, or is hot enough to get one.
        if (heatOf !== undefined) heatOf.addHeat(heatSlot, steps - heatFrom, threshold);
        off = lo & 0xfff;
        const tslot = off >>> 1;
        heatOf = entry; heatSlot = tslot; heatFrom = steps;
        if ((wordAt(entry, cops!, ops!, tslot, threshold) & ENTRY) === 0) continue;
        this.jumped = true;
        break;
      }
      // EV_BREAK alone: the instruction falls through; leave the loop with the pc after it.
      const lo = h.pcLo, nlo = (lo + op!.len) | 0;
      h.pcLo = nlo;
      if ((nlo >>> 0) < (lo >>> 0)) h.pcHi = (h.pcHi + 1) | 0;
      break;
    }
    h.retired += rt;
    if (heatOf !== undefined) heatOf.addHeat(heatSlot, steps - heatFrom, threshold);
    cache.counters.interpreted += steps - start;
    return steps;
  }
}
