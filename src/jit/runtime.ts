// Helpers the generated code calls (ARCHITECTURE.md §6: slow paths outlined, 64-bit results as
// int32 halves). Each returns the low half and leaves the high half in `HI[0]`, which the
// generated code reads at once. Exits after a slow path or a helper call are outlined too, so the
// block's hot path keeps only a test of `h.event`.
import { EV_EXC, EV_JUMP, type Hart } from '../riscv/hart/hart';
import { mul64, mulh64, mulhsu64, mulhu64, hi64 } from '../common/u64';

/** High half of the last helper result. */
export const HI = new Int32Array(1);

export function mul(al: number, ah: number, bl: number, bh: number): number { const lo = mul64(al, ah, bl, bh); HI[0] = hi64; return lo; }
export function mulh(al: number, ah: number, bl: number, bh: number): number { const lo = mulh64(al, ah, bl, bh); HI[0] = hi64; return lo; }
export function mulhsu(al: number, ah: number, bl: number, bh: number): number { const lo = mulhsu64(al, ah, bl, bh); HI[0] = hi64; return lo; }
export function mulhu(al: number, ah: number, bl: number, bh: number): number { const lo = mulhu64(al, ah, bl, bh); HI[0] = hi64; return lo; }

/**
 * After a helper or slow path left an event: an exception leaves pc and retired at the
 * instruction (the generated code set them before the call); otherwise the instruction retired
 * and, unless it jumped, the pc moves on. Returns true when the instruction completed (so a load
 * still writes its destination).
 */
export function leave(h: Hart, nextLo: number, nextHi: number): boolean {
  const ev = h.event;
  if ((ev & EV_EXC) !== 0) return false;
  h.retired++;
  if ((ev & EV_JUMP) === 0) { h.pcLo = nextLo; h.pcHi = nextHi; }
  return true;
}

