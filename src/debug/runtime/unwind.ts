// Stack unwinding: DWARF CFI where the image has it (.debug_frame/.eh_frame), else the frame-pointer
// chain (fp = CFA, ra at fp-8, caller fp at fp-16), else — for the innermost frame only — ra.
import type { SymbolIndex } from './symbols';
import { unwindFramePointer } from './debugInfo';

export interface RawFrame {
  pc: bigint;
  sp: bigint;
  /** How this frame was found: 'top', 'cfi', 'fp', 'ra'. */
  how: 'top' | 'cfi' | 'fp' | 'ra';
}

export interface UnwindSource {
  /** x0..x31 of the innermost frame. */
  registers(): bigint[];
  pc(): bigint;
  read64(addr: bigint): bigint | undefined;
}

const M64 = (1n << 64n) - 1n;

export function unwind(src: UnwindSource, syms: SymbolIndex, maxFrames = 64): RawFrame[] {
  let regs = src.registers();
  let pc = src.pc();
  const frames: RawFrame[] = [{ pc, sp: regs[2], how: 'top' }];
  const read = (a: bigint): bigint | undefined => src.read64(a & M64);
  for (let i = 0; i < maxFrames - 1; i++) {
    const caller = i > 0;
    const img = syms.imageAt(pc);
    let next: { pc: bigint; sp: bigint; regs: bigint[]; how: RawFrame['how'] } | undefined;
    const cur = regs;
    const r = img?.frames?.unwind(pc, (n) => (n >= 0 && n < 32 ? cur[n] : undefined), read, caller);
    if (r) {
      const nr = cur.slice();
      for (const [n, v] of r.registers) if (n >= 0 && n < 32) nr[n] = v;
      nr[2] = r.sp;
      next = { pc: r.pc, sp: r.sp, regs: nr, how: 'cfi' };
    } else {
      const fp = unwindFramePointer(cur[8], read);
      if (fp && fp.sp > cur[2]) {
        const nr = cur.slice();
        nr[2] = fp.sp; nr[8] = fp.fp;
        next = { pc: fp.pc, sp: fp.sp, regs: nr, how: 'fp' };
      } else if (i === 0 && cur[1] !== 0n && cur[1] !== pc) {
        // A leaf without CFI or frame pointer: the return address is still in ra.
        next = { pc: cur[1], sp: cur[2], regs: cur.slice(), how: 'ra' };
      }
    }
    if (!next || next.pc === 0n) break;
    // No progress (a corrupt stack, or code looping on itself): stop rather than repeat.
    const last = frames[frames.length - 1];
    if (next.pc === last.pc && next.sp === last.sp) break;
    if (next.how !== 'ra' && next.sp < last.sp) break;
    frames.push({ pc: next.pc, sp: next.sp, how: next.how });
    regs = next.regs;
    pc = next.pc;
    if (next.how === 'ra') {
      // ra was used once; above it only CFI or the frame-pointer chain can go on.
      regs[1] = 0n;
    }
  }
  return frames;
}
