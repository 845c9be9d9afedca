// A extension (unprivileged spec, "A Extension for Atomic Instructions"). The interpreter runs one
// hart at a time, so every AMO is trivially atomic; .aq/.rl need no action. LR/SC follow QEMU's
// model, which the spec permits: SC succeeds when a reservation is held for the same address and
// memory still holds the value LR read; the reservation is dropped by every SC and when the machine
// switches harts.
import type { ExecFn, Op } from '../op';
import type { Hart } from '../hart';
import { Access } from '../memory';
import { add64, hi64, lt64, ltu64 } from '../../../common/u64';

type Table = Record<string, ExecFn>;

let ahi = 0;
function addr(h: Hart, op: Op): number {
  const x = h.x, a = op.rs1 << 1;
  ahi = x[a + 1];
  return x[a];
}

/** AMO on a 32-bit word: rd gets the old value sign-extended; memory gets f(old, rs2). */
function amoW(f: (old: number, src: number) => number): ExecFn {
  return (h, op) => {
    const lo = addr(h, op);
    const off = h.atomicAddr(lo, ahi, 4, Access.Store);
    if (off < 0) return;
    const i32 = h.ram.i32;
    const old = i32[off >>> 2];
    i32[off >>> 2] = f(old, h.x[op.rs2 << 1]);
    const d = op.rd << 1;
    h.x[d] = old; h.x[d + 1] = old >> 31;
  };
}

/** AMO on a 64-bit doubleword; f returns the new low half and leaves the high half in `rh`. */
let rh = 0;
function amoD(f: (ol: number, oh: number, sl: number, sh: number) => number): ExecFn {
  return (h, op) => {
    const lo = addr(h, op);
    const off = h.atomicAddr(lo, ahi, 8, Access.Store);
    if (off < 0) return;
    const i32 = h.ram.i32, w = off >>> 2;
    const ol = i32[w], oh = i32[w + 1];
    const s = op.rs2 << 1;
    i32[w] = f(ol, oh, h.x[s], h.x[s + 1]);
    i32[w + 1] = rh;
    const d = op.rd << 1;
    h.x[d] = ol; h.x[d + 1] = oh;
  };
}

function lr(size: 4 | 8): ExecFn {
  return (h, op) => {
    const lo = addr(h, op), hi = ahi;
    const off = h.atomicAddr(lo, hi, size, Access.Load);
    if (off < 0) return;
    const i32 = h.ram.i32, w = off >>> 2;
    const vl = i32[w], vh = size === 8 ? i32[w + 1] : vl >> 31;
    h.resvValid = true; h.resvLo = lo; h.resvHi = hi; h.resvValLo = vl; h.resvValHi = vh;
    const d = op.rd << 1;
    h.x[d] = vl; h.x[d + 1] = vh;
  };
}

function sc(size: 4 | 8): ExecFn {
  return (h, op) => {
    const lo = addr(h, op), hi = ahi;
    const d = op.rd << 1;
    const held = h.resvValid && h.resvLo === lo && h.resvHi === hi;
    h.resvValid = false;
    // Without a matching reservation SC fails without touching memory (and so cannot fault).
    if (!held) { h.x[d] = 1; h.x[d + 1] = 0; return; }
    const off = h.atomicAddr(lo, hi, size, Access.Store);
    if (off < 0) return;
    const i32 = h.ram.i32, w = off >>> 2;
    const same = size === 8 ? i32[w] === h.resvValLo && i32[w + 1] === h.resvValHi : i32[w] === h.resvValLo;
    if (same) {
      const s = op.rs2 << 1;
      i32[w] = h.x[s];
      if (size === 8) i32[w + 1] = h.x[s + 1];
    }
    h.x[d] = same ? 0 : 1; h.x[d + 1] = 0;
  };
}

const min = (a: number, b: number) => (a < b ? a : b);
const max = (a: number, b: number) => (a > b ? a : b);

export const atomic: Table = {
  'lr.w': lr(4), 'lr.d': lr(8), 'sc.w': sc(4), 'sc.d': sc(8),
  'amoswap.w': amoW((_o, s) => s),
  'amoadd.w': amoW((o, s) => (o + s) | 0),
  'amoxor.w': amoW((o, s) => o ^ s),
  'amoand.w': amoW((o, s) => o & s),
  'amoor.w': amoW((o, s) => o | s),
  'amomin.w': amoW((o, s) => min(o | 0, s | 0)),
  'amomax.w': amoW((o, s) => max(o | 0, s | 0)),
  'amominu.w': amoW((o, s) => ((o >>> 0) < (s >>> 0) ? o : s)),
  'amomaxu.w': amoW((o, s) => ((o >>> 0) > (s >>> 0) ? o : s)),
  'amoswap.d': amoD((_ol, _oh, sl, sh) => { rh = sh; return sl; }),
  'amoadd.d': amoD((ol, oh, sl, sh) => { const l = add64(ol, oh, sl, sh); rh = hi64; return l; }),
  'amoxor.d': amoD((ol, oh, sl, sh) => { rh = oh ^ sh; return ol ^ sl; }),
  'amoand.d': amoD((ol, oh, sl, sh) => { rh = oh & sh; return ol & sl; }),
  'amoor.d': amoD((ol, oh, sl, sh) => { rh = oh | sh; return ol | sl; }),
  'amomin.d': amoD((ol, oh, sl, sh) => { if (lt64(ol, oh, sl, sh)) { rh = oh; return ol; } rh = sh; return sl; }),
  'amomax.d': amoD((ol, oh, sl, sh) => { if (lt64(ol, oh, sl, sh)) { rh = sh; return sl; } rh = oh; return ol; }),
  'amominu.d': amoD((ol, oh, sl, sh) => { if (ltu64(ol, oh, sl, sh)) { rh = oh; return ol; } rh = sh; return sl; }),
  'amomaxu.d': amoD((ol, oh, sl, sh) => { if (ltu64(ol, oh, sl, sh)) { rh = sh; return sl; } rh = oh; return ol; }),
};
