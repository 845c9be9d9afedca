// M extension (unprivileged spec, "M Extension for Integer Multiplication and Division").
// Division by zero and signed overflow do not trap: quotient all ones / the dividend,
// remainder the dividend / zero (the spec's table of special cases).
import type { ExecFn } from '../op';
import { mul64, mulh64, mulhsu64, mulhu64, divu64, hi64, remLo, remHi, sub64 } from '../../../common/u64';

type Table = Record<string, ExecFn>;

/** Signed 64-bit division; returns quotient (lo, hi in qHi) and sets rLo/rHi. */
let qHi = 0, rLo = 0, rHi = 0;
function div64s(alo: number, ahi: number, blo: number, bhi: number): number {
  const an = ahi < 0, bn = bhi < 0;
  let ul = alo, uh = ahi, vl = blo, vh = bhi;
  if (an) { ul = sub64(0, 0, alo, ahi); uh = hi64; }
  if (bn) { vl = sub64(0, 0, blo, bhi); vh = hi64; }
  let ql = divu64(ul, uh, vl, vh);
  let qh = hi64;
  rLo = remLo; rHi = remHi;
  if (an !== bn) { ql = sub64(0, 0, ql, qh); qh = hi64; }
  if (an) { rLo = sub64(0, 0, rLo, rHi); rHi = hi64; }
  qHi = qh;
  return ql;
}

export const muldiv: Table = {
  mul(h, op) { const x = h.x, a = op.rs1 << 1, b = op.rs2 << 1, d = op.rd << 1; x[d] = mul64(x[a], x[a + 1], x[b], x[b + 1]); x[d + 1] = hi64; },
  mulh(h, op) { const x = h.x, a = op.rs1 << 1, b = op.rs2 << 1, d = op.rd << 1; x[d] = mulh64(x[a], x[a + 1], x[b], x[b + 1]); x[d + 1] = hi64; },
  mulhsu(h, op) { const x = h.x, a = op.rs1 << 1, b = op.rs2 << 1, d = op.rd << 1; x[d] = mulhsu64(x[a], x[a + 1], x[b], x[b + 1]); x[d + 1] = hi64; },
  mulhu(h, op) { const x = h.x, a = op.rs1 << 1, b = op.rs2 << 1, d = op.rd << 1; x[d] = mulhu64(x[a], x[a + 1], x[b], x[b + 1]); x[d + 1] = hi64; },
  div(h, op) {
    const x = h.x, a = op.rs1 << 1, b = op.rs2 << 1, d = op.rd << 1;
    const al = x[a], ah = x[a + 1], bl = x[b], bh = x[b + 1];
    if (bl === 0 && bh === 0) { x[d] = -1; x[d + 1] = -1; return; }
    if (bl === -1 && bh === -1 && al === 0 && ah === (1 << 31)) { x[d] = al; x[d + 1] = ah; return; }
    x[d] = div64s(al, ah, bl, bh); x[d + 1] = qHi;
  },
  divu(h, op) {
    const x = h.x, a = op.rs1 << 1, b = op.rs2 << 1, d = op.rd << 1;
    const bl = x[b], bh = x[b + 1];
    if (bl === 0 && bh === 0) { x[d] = -1; x[d + 1] = -1; return; }
    x[d] = divu64(x[a], x[a + 1], bl, bh); x[d + 1] = hi64;
  },
  rem(h, op) {
    const x = h.x, a = op.rs1 << 1, b = op.rs2 << 1, d = op.rd << 1;
    const al = x[a], ah = x[a + 1], bl = x[b], bh = x[b + 1];
    if (bl === 0 && bh === 0) { x[d] = al; x[d + 1] = ah; return; }
    if (bl === -1 && bh === -1 && al === 0 && ah === (1 << 31)) { x[d] = 0; x[d + 1] = 0; return; }
    div64s(al, ah, bl, bh); x[d] = rLo; x[d + 1] = rHi;
  },
  remu(h, op) {
    const x = h.x, a = op.rs1 << 1, b = op.rs2 << 1, d = op.rd << 1;
    const al = x[a], ah = x[a + 1], bl = x[b], bh = x[b + 1];
    if (bl === 0 && bh === 0) { x[d] = al; x[d + 1] = ah; return; }
    divu64(al, ah, bl, bh); x[d] = remLo; x[d + 1] = remHi;
  },
  mulw(h, op) { const x = h.x, d = op.rd << 1; const v = Math.imul(x[op.rs1 << 1], x[op.rs2 << 1]); x[d] = v; x[d + 1] = v >> 31; },
  divw(h, op) {
    const x = h.x, d = op.rd << 1, a = x[op.rs1 << 1], b = x[op.rs2 << 1];
    const v = b === 0 ? -1 : (a === -2147483648 && b === -1) ? a : (a / b) | 0;
    x[d] = v; x[d + 1] = v >> 31;
  },
  divuw(h, op) {
    const x = h.x, d = op.rd << 1, a = x[op.rs1 << 1] >>> 0, b = x[op.rs2 << 1] >>> 0;
    const v = b === 0 ? -1 : Math.floor(a / b) | 0;
    x[d] = v; x[d + 1] = v >> 31;
  },
  remw(h, op) {
    const x = h.x, d = op.rd << 1, a = x[op.rs1 << 1], b = x[op.rs2 << 1];
    const v = b === 0 ? a : (a === -2147483648 && b === -1) ? 0 : (a % b) | 0;
    x[d] = v; x[d + 1] = v >> 31;
  },
  remuw(h, op) {
    const x = h.x, d = op.rd << 1, a = x[op.rs1 << 1] >>> 0, b = x[op.rs2 << 1] >>> 0;
    const v = b === 0 ? a | 0 : (a % b) | 0;
    x[d] = v; x[d + 1] = v >> 31;
  },
};
