// Block discovery and code generation: decodes a run of instructions from one 4 KiB page through
// the interpreter's code cache (so the page is registered there and stores to it are seen),
// emits JavaScript for each (emit.ts) and compiles the block with `new Function`.
import type { Hart } from '../riscv/hart/hart';
import type { Op } from '../riscv/hart/op';
import { ENCODINGS } from '../riscv/isa/encodings';
import { NATIVE, addConst, emitHelper, jumpStatic, regLo, regHi, type InsnCtx } from './emit';
import { BlockEnd } from './block';
import { HI, leave, mul, mulh, mulhsu, mulhu, div, divu, rem, remu } from './runtime';
import { disassemble } from '../riscv/isa/disasm';

/** Longest block, in instructions (a block runs only when the budget left covers all of it). */
export const MAX_BLOCK = 64;

/**
 * Mnemonics after which nothing in the block could run (they always trap, jump or stop).
 * Conditional branches do not end a block: it goes on along the fallthrough and the taken branch
 * is a side exit (or a jump back to the block's start inside the function), so a path through
 * several not-taken branches costs one return to the run loop instead of one per branch.
 */
const ENDS_BLOCK = new Set(['jal', 'jalr', 'ecall', 'ebreak', 'mret', 'sret', 'wfi',
  'fence.i', 'sfence.vma', 'hfence.vvma', 'hfence.gvma']);

const BRANCHES = new Set(['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu']);

export function mnemonic(op: Op): string {
  return op.d === undefined ? '(illegal)' : op.d.spec.name;
}

/** A discovered block: its ops and the low half of each op's pc (the high half is the block's). */
export interface Discovered {
  ops: Op[];
  pcs: number[];
}

/**
 * Decodes the block at virtual pc (lo, hi) whose page is at RAM offset `pageBase`: instructions up
 * to the first that ends a block, the end of the page, or MAX_BLOCK. A `jal` whose target is in
 * the same page does not end it: decoding goes on at the target (a trace; calls and jumps then
 * cost no return to the run loop), unless the target is already in the block. Empty when the first
 * instruction straddles the page end.
 */
export function discover(h: Hart, pageBase: number, lo: number, hi = 0): Discovered {
  const ops: Op[] = [], pcs: number[] = [];
  const u16 = h.ram.u16;
  let off = lo & 0xfff;
  const page = lo & ~0xfff;
  while (ops.length < MAX_BLOCK && off < 4096) {
    const slot = off >>> 1;
    if (slot === 2047 && (u16[(pageBase >>> 1) + slot] & 3) === 3) break; // straddles the page end
    const pc = page | off;
    const op = h.code.opAt(h, pageBase, pc);
    if (op === undefined) break;
    ops.push(op); pcs.push(pc);
    if (op.d === undefined) break;
    const name = op.d.spec.name;
    if (name === 'jal') {
      const [tl, th] = addConst(pc, hi, op.imm);
      if (th !== hi || (tl & ~0xfff) !== page || pcs.includes(tl) || ops.length >= MAX_BLOCK) break;
      off = tl & 0xfff;
      continue;
    }
    if (ENDS_BLOCK.has(name)) break;
    off += op.len;
  }
  return { ops, pcs };
}

/**
 * Forward conditional branches whose target is a later instruction of the same block (an `if`
 * in the guest code): branch index → target index. The taken branch skips the instructions in
 * between inside the function (a labelled block and `break`), subtracting them from the retired
 * count `n`, so the indices the exits add stay right. Only ranges [branch, target) that nest
 * properly with the ones already taken become skips; the others stay side exits.
 */
function forwardSkips(ops: readonly Op[], pcs: readonly number[], hi: number): Map<number, number> {
  const out = new Map<number, number>();
  const ranges: [number, number][] = [];
  for (let i = 0; i < ops.length - 1; i++) {
    if (!BRANCHES.has(mnemonic(ops[i]))) continue;
    const [tl, th] = addConst(pcs[i], hi, ops[i].imm);
    if (th !== hi) continue;
    const j = pcs.indexOf(tl, i + 1);
    if (j < 0) continue;
    if (!ranges.every(([a, b]) => b <= i || j <= a || (a <= i && j <= b) || (i <= a && b <= j))) continue;
    ranges.push([i, j]);
    out.set(i, j);
  }
  return out;
}

/** One guest instruction as a comment line of the generated source. */
function comment(op: Op, lo: number, hi: number): string {
  const pc = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  const text = op.d === undefined ? '(illegal)' : disassemble(op.d, pc);
  return `// ${pc.toString(16)}: ${text}`;
}

/** One block of a region: its first pc, its ops, and the record that counts its executions. */
export interface RegionBlock {
  lo: number;
  hi: number;
  ops: Op[];
  /** Low half of each op's pc (a trace through jumps is not contiguous). */
  pcs: number[];
  record: { executions: number };
}

/** What the translation of one block yields besides the shared function. */
export interface BlockShape {
  bytes: number;
  /** Targets of the side exits (conditional branches before the last instruction), lo/hi pairs. */
  sides: number[];
  end: BlockEnd;
  takenLo: number;
  takenHi: number;
}

export interface RegionTranslation {
  source: string;
  fn: RegionFn;
  shapes: BlockShape[];
}

/**
 * A compiled region: runs from block `entry`, at most `left` instructions; returns the steps
 * taken, or their complement (`~steps`, negative) when it stopped before a memory access off the
 * inline TLB path, which the caller then interprets.
 */
export type RegionFn = (h: Hart, left: number, entry: number) => number;

/**
 * Generates and compiles one function for a region: blocks of one page that reach each other by
 * static branches and jumps. Control moves between them inside the function (a `switch` on the
 * block index in a loop), so a hot loop spanning several blocks never returns to the run loop.
 */
export function translateRegion(h: Hart, blocks: RegionBlock[]): RegionTranslation {
  const reads = new Set<number>(), writes = new Set<number>();
  const mem = { load: false, store: false };
  const index = new Map<string, number>();
  blocks.forEach((b, i) => index.set(`${b.lo}:${b.hi}`, i));
  const region = (lo: number, hi: number): { index: number; length: number } | undefined => {
    const i = index.get(`${lo}:${hi}`);
    return i === undefined ? undefined : { index: i, length: blocks[i].ops.length };
  };
  const cases: string[] = [];
  const shapes: BlockShape[] = [];
  const pre: string[] = ['"use strict";', 'const HI = E.HI, M8 = E.M8, M16 = E.M16, M32 = E.M32, leave = E.leave;',
    'const mul = E.mul, mulh = E.mulh, mulhsu = E.mulhsu, mulhu = E.mulhu;',
    'const div = E.div, divu = E.divu, rem = E.rem, remu = E.remu;'];
  blocks.forEach((blk, bi) => {
    const ops = blk.ops;
    const parts: string[] = [];
    let pcLo = blk.lo, pcHi = blk.hi, bytes = 0;
    let end = BlockEnd.Fallthrough, takenLo = 0, takenHi = 0;
    const sides: number[] = [];
    pre.push(`const B${bi} = E.records[${bi}];`);
    const skips = forwardSkips(ops, blk.pcs, blk.hi);
    const closing: number[] = [];
    ops.forEach((op, i) => {
      // Labelled blocks for the forward branches that stay in the block (skips), properly nested.
      while (closing.length > 0 && closing[closing.length - 1] === i) { closing.pop(); parts.push('      }'); }
      for (const [from, to] of [...skips].filter(([f]) => f === i).sort((a, b) => b[1] - a[1])) {
        parts.push(`      f${from}: {`);
        closing.push(to);
      }
      pcLo = blk.pcs[i]; pcHi = blk.hi;
      const nextLo = (pcLo + op.len) | 0;
      const nextHi = ((nextLo >>> 0) < (pcLo >>> 0) ? pcHi + 1 : pcHi) | 0;
      const to = skips.get(i);
      const c: InsnCtx = { op, i, n: ops.length, pcLo, pcHi, nextLo, nextHi, region, reads, writes, mem, helperId: `${bi}_${i}`,
        forward: to === undefined ? undefined : { label: `f${i}`, skipped: to - i - 1 } };
      const name = mnemonic(op);
      const native = op.d !== undefined ? NATIVE[name] : undefined;
      let code: string;
      if (native !== undefined) code = native(c);
      else {
        pre.push(`const O${bi}_${i} = E.ops[${bi}][${i}], S${bi}_${i} = O${bi}_${i}.exec; // ${name}`);
        code = emitHelper(c, '/*FLUSH*/');
      }
      parts.push(`      ${comment(op, pcLo, pcHi)}\n      ${code}`);
      // The block's shape is its last instruction's (earlier branches are side exits).
      const last = i === ops.length - 1;
      if (!last && BRANCHES.has(name) && to === undefined) sides.push(...addConst(pcLo, pcHi, op.imm));
      if (last && (BRANCHES.has(name) || name === 'jal')) {
        end = name === 'jal' ? BlockEnd.Jump : BlockEnd.Branch;
        const t = (pcLo + op.imm) | 0;
        takenLo = t;
        takenHi = (pcHi + (op.imm >> 31) + ((t >>> 0) < (pcLo >>> 0) ? 1 : 0)) | 0;
      } else if (last && name === 'jalr') end = BlockEnd.Indirect;
      else if (last && native === undefined) end = BlockEnd.Helper;
      // The block's address range is its first contiguous run (a trace jumps on from there).
      if (pcLo === ((blk.lo + bytes) | 0)) bytes += op.len;
      pcLo = nextLo; pcHi = nextHi;
    });
    for (let j = closing.length; j > 0; j--) parts.push('      }');
    const lastName = mnemonic(ops[ops.length - 1]);
    // A block that runs off its last instruction (page end, length limit, or a helper that did
    // not leave) continues at the next pc.
    if (!(BRANCHES.has(lastName) || lastName === 'jal' || lastName === 'jalr')) {
      const c: InsnCtx = { op: ops[ops.length - 1], i: ops.length - 1, n: ops.length, pcLo, pcHi, nextLo: pcLo, nextHi: pcHi, region, reads, writes, mem, helperId: '' };
      parts.push(`      ${jumpStatic(c, pcLo, pcHi)}`);
    }
    shapes.push({ bytes, sides, end, takenLo, takenHi });
    // One block: no switch, and its executions (loop iterations included) counted in a local.
    cases.push(blocks.length === 1 ? `      it++;\n${parts.join('\n')}` : `    case ${bi}: // block ${(blk.hi >>> 0).toString(16)}_${(blk.lo >>> 0).toString(16)}
      B${bi}.executions++;
${parts.join('\n')}`);
  });
  const used = [...new Set([...reads, ...writes])].sort((a, b) => a - b);
  const written = [...writes].sort((a, b) => a - b);
  const store = written.map((r) => `x[${2 * r}] = ${regLo(r)}; x[${2 * r + 1}] = ${regHi(r)};`).join(' ');
  const flush = store ? `${store}\n      ` : '';
  const body = cases.join('\n').split('/*FLUSH*/').join(flush);
  // Most blocks never jump back into their own region: then the body is a labelled block, not a
  // loop, which V8 compiles in a fraction of the time (no loop peeling, no loop phis, no OSR entry).
  const loops = blocks.length > 1 || body.includes('continue body');
  const first = blocks[0];
  const name = `region_${(first.hi >>> 0).toString(16)}_${(first.lo >>> 0).toString(16)}`;
  const source = `${pre.join('\n')}
return function ${name}(h, left, pc) {
  const x = h.x;
  ${used.length ? `let ${used.map((r) => `${regLo(r)} = x[${2 * r}], ${regHi(r)} = x[${2 * r + 1}]`).join(', ')};` : ''}
  ${mem.load ? 'const rT = h.tlbRTag, rB = h.tlbRBase;' : ''}
  ${mem.store ? 'const wT = h.tlbWTag, wB = h.tlbWBase;' : ''}
  const R0 = h.retired, free = h.breakpoints === null;
  let n = 0, ex = 0, tl = 0, th = 0, slow = 0, _l = 0, _h = 0, _s = 0, _i = 0${blocks.length === 1 ? ', it = 0' : ''};
  body: ${loops ? 'for (;;) ' : ''}{
${blocks.length === 1 ? body : `    switch (pc) {\n${body}\n    }`}
  }
  ${blocks.length === 1 ? 'B0.executions += it;' : ''}
  ${store}
  if (ex >= 0) { h.pcLo = tl; h.pcHi = th; h.retired = R0 + n + ex; }
  else { ex = -ex; leave(h, tl, th); }
  return slow === 0 ? n + ex : ~(n + ex);
};
`.replace(/\n\s*\n/g, '\n');
  const env = {
    HI, M8: h.ram.u8, M16: h.ram.u16, M32: h.ram.i32, leave, mul, mulh, mulhsu, mulhu, div, divu, rem, remu,
    ops: blocks.map((b) => b.ops), records: blocks.map((b) => b.record),
  };
  let factory = FACTORIES.get(source);
  if (factory === undefined) {
    if (FACTORIES.size >= MAX_FACTORIES) FACTORIES.clear();
    factory = new Function('E', source) as RegionFactory;
    FACTORIES.set(source, factory);
  }
  return { source, fn: factory(env), shapes };
}

type RegionFactory = (e: Record<string, unknown>) => RegionFn;

/**
 * Compiled factories by source text. The same code translated again (a page invalidated by a
 * store next to it and re-translated, the same code in another context) reuses the factory, and
 * closures made by one factory share V8's feedback and optimized code: no new parse and no new
 * optimizing compile, which is most of a translation's cost on the Linux boot.
 */
const FACTORIES = new Map<string, RegionFactory>();
const MAX_FACTORIES = 2048;

/** Mnemonics the translator emits natively (the rest call the interpreter's semantics). */
export function nativeMnemonics(): string[] {
  return ENCODINGS.filter((e) => NATIVE[e.name] !== undefined).map((e) => e.name);
}
