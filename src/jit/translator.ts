// Block discovery and code generation: decodes a run of instructions from one 4 KiB page through
// the interpreter's code cache (so the page is registered there and stores to it are seen),
// emits JavaScript for each (emit.ts) and compiles the block with `new Function`.
import type { Hart } from '../riscv/hart/hart';
import type { Op } from '../riscv/hart/op';
import { ENCODINGS } from '../riscv/isa/encodings';
import { NATIVE, emitHelper, jumpStatic, regLo, regHi, type InsnCtx } from './emit';
import { BlockEnd } from './block';
import { HI, leave, mul, mulh, mulhsu, mulhu } from './runtime';
import { disassemble } from '../riscv/isa/disasm';

/** Longest block, in instructions (a block runs only when the budget left covers all of it). */
export const MAX_BLOCK = 64;

/** Mnemonics after which nothing in the block could run (they always trap, jump or stop). */
const ENDS_BLOCK = new Set(['jal', 'jalr', 'beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu', 'ecall', 'ebreak', 'mret', 'sret', 'wfi',
  'fence.i', 'sfence.vma', 'hfence.vvma', 'hfence.gvma']);

const BRANCHES = new Set(['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu']);

export function mnemonic(op: Op): string {
  return op.d === undefined ? '(illegal)' : op.d.spec.name;
}

/**
 * Decodes the block at virtual pc (lo, hi) whose page is at RAM offset `pageBase`: instructions up
 * to the first that ends a block, the end of the page, or MAX_BLOCK. Empty when the first
 * instruction straddles the page end.
 */
export function discover(h: Hart, pageBase: number, lo: number): Op[] {
  const ops: Op[] = [];
  const u16 = h.ram.u16;
  let off = lo & 0xfff;
  const page = lo & ~0xfff;
  while (ops.length < MAX_BLOCK && off < 4096) {
    const slot = off >>> 1;
    if (slot === 2047 && (u16[(pageBase >>> 1) + slot] & 3) === 3) break; // straddles the page end
    const op = h.code.opAt(h, pageBase, page | off);
    if (op === undefined) break;
    ops.push(op);
    if (op.d === undefined || ENDS_BLOCK.has(op.d.spec.name)) break;
    off += op.len;
  }
  return ops;
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
  record: { executions: number };
}

/** What the translation of one block yields besides the shared function. */
export interface BlockShape {
  bytes: number;
  end: BlockEnd;
  takenLo: number;
  takenHi: number;
}

export interface RegionTranslation {
  source: string;
  fn: RegionFn;
  shapes: BlockShape[];
}

/** A compiled region: runs from block `entry`, at most `left` instructions; returns the steps taken. */
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
    'const loadSlow = E.loadSlow, storeSlow = E.storeSlow, mul = E.mul, mulh = E.mulh, mulhsu = E.mulhsu, mulhu = E.mulhu;'];
  blocks.forEach((blk, bi) => {
    const ops = blk.ops;
    const parts: string[] = [];
    let pcLo = blk.lo, pcHi = blk.hi, bytes = 0;
    let end = BlockEnd.Fallthrough, takenLo = 0, takenHi = 0;
    pre.push(`const B${bi} = E.records[${bi}];`);
    ops.forEach((op, i) => {
      const nextLo = (pcLo + op.len) | 0;
      const nextHi = ((nextLo >>> 0) < (pcLo >>> 0) ? pcHi + 1 : pcHi) | 0;
      const c: InsnCtx = { op, i, n: ops.length, pcLo, pcHi, nextLo, nextHi, region, reads, writes, mem, helperId: `${bi}_${i}` };
      const name = mnemonic(op);
      const native = op.d !== undefined ? NATIVE[name] : undefined;
      let code: string;
      if (native !== undefined) code = native(c);
      else {
        pre.push(`const O${bi}_${i} = E.ops[${bi}][${i}], S${bi}_${i} = O${bi}_${i}.exec; // ${name}`);
        code = emitHelper(c, '/*FLUSH*/');
      }
      parts.push(`      ${comment(op, pcLo, pcHi)}\n      ${code}`);
      if (BRANCHES.has(name) || name === 'jal') {
        end = name === 'jal' ? BlockEnd.Jump : BlockEnd.Branch;
        const t = (pcLo + op.imm) | 0;
        takenLo = t;
        takenHi = (pcHi + (op.imm >> 31) + ((t >>> 0) < (pcLo >>> 0) ? 1 : 0)) | 0;
      } else if (name === 'jalr') end = BlockEnd.Indirect;
      else if (native === undefined && i === ops.length - 1) end = BlockEnd.Helper;
      bytes += op.len;
      pcLo = nextLo; pcHi = nextHi;
    });
    const lastName = mnemonic(ops[ops.length - 1]);
    // A block that runs off its last instruction (page end, length limit, or a helper that did
    // not leave) continues at the next pc.
    if (!(BRANCHES.has(lastName) || lastName === 'jal' || lastName === 'jalr')) {
      const c: InsnCtx = { op: ops[ops.length - 1], i: ops.length - 1, n: ops.length, pcLo, pcHi, nextLo: pcLo, nextHi: pcHi, region, reads, writes, mem, helperId: '' };
      parts.push(`      ${jumpStatic(c, pcLo, pcHi)}`);
    }
    shapes.push({ bytes, end, takenLo, takenHi });
    cases.push(`    case ${bi}: // block ${(blk.hi >>> 0).toString(16)}_${(blk.lo >>> 0).toString(16)}
      B${bi}.executions++;
${parts.join('\n')}`);
  });
  const used = [...new Set([...reads, ...writes])].sort((a, b) => a - b);
  const written = [...writes].sort((a, b) => a - b);
  const store = written.map((r) => `x[${2 * r}] = ${regLo(r)}; x[${2 * r + 1}] = ${regHi(r)};`).join(' ');
  const flush = store ? `${store}\n      ` : '';
  const body = cases.join('\n').split('/*FLUSH*/').join(flush);
  const first = blocks[0];
  const name = `region_${(first.hi >>> 0).toString(16)}_${(first.lo >>> 0).toString(16)}`;
  const source = `${pre.join('\n')}
return function ${name}(h, left, pc) {
  const x = h.x;
  ${used.length ? `let ${used.map((r) => `${regLo(r)} = x[${2 * r}], ${regHi(r)} = x[${2 * r + 1}]`).join(', ')};` : ''}
  ${mem.load ? 'const rT = h.tlbRTag, rB = h.tlbRBase;' : ''}
  ${mem.store ? 'const wT = h.tlbWTag, wB = h.tlbWBase;' : ''}
  const R0 = h.retired, free = h.breakpoints === null;
  let n = 0, ex = 0, _l = 0, _h = 0, _s = 0, _i = 0, _v = 0;
  body: for (;;) {
    switch (pc) {
${body}
    }
  }
  ${store}
  return n + ex;
};
`.replace(/\n\s*\n/g, '\n');
  const env = {
    HI, M8: h.ram.u8, M16: h.ram.u16, M32: h.ram.i32, leave, mul, mulh, mulhsu, mulhu,
    ops: blocks.map((b) => b.ops), records: blocks.map((b) => b.record),
    loadSlow: loadSlowAt, storeSlow: storeSlowAt,
  };
  const fn = (new Function('E', source) as (e: typeof env) => RegionFn)(env);
  return { source, fn, shapes };
}

/** The interpreter's slow load with the pc and retired count it would have at this instruction. */
function loadSlowAt(h: Hart, lo: number, hi: number, size: 1 | 2 | 4 | 8, pcLo: number, pcHi: number, retired: number): number {
  h.pcLo = pcLo; h.pcHi = pcHi; h.retired = retired;
  return h.loadSlow(lo, hi, size);
}

function storeSlowAt(h: Hart, lo: number, hi: number, size: 1 | 2 | 4 | 8, vLo: number, vHi: number, pcLo: number, pcHi: number, retired: number): void {
  h.pcLo = pcLo; h.pcHi = pcHi; h.retired = retired;
  h.storeSlow(lo, hi, size, vLo, vHi);
}

/** Mnemonics the translator emits natively (the rest call the interpreter's semantics). */
export function nativeMnemonics(): string[] {
  return ENCODINGS.filter((e) => NATIVE[e.name] !== undefined).map((e) => e.name);
}
