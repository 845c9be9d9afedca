// The HTIF convention of RISC-V test harnesses: a program writes a 64-bit command to its `tohost`
// symbol; (code << 1) | 1 with device 0 ends the run (code 0 = pass), device 1 command 1 prints a
// character. The machine polls tohost between slices (the guest waits on fromhost meanwhile).
import type { Elf64 } from '../elf/elf64';
import type { Machine } from '../machine/machine';
import { UserError } from '../common/errors';

export class Htif {
  private constructor(private readonly m: Machine, private readonly tohost: number, private readonly fromhost: number | undefined,
    private readonly out: { write(b: number): void }) {}

  static fromElf(elf: Elf64 | undefined, m: Machine, out: { write(b: number): void }): Htif {
    if (!elf || elf.tohost === undefined) throw new UserError('--htif: the kernel ELF has no tohost symbol');
    return new Htif(m, Number(elf.tohost), elf.fromhost === undefined ? undefined : Number(elf.fromhost), out);
  }

  /** Handles a pending tohost command; returns the exit code when the program finished. */
  poll(): number | undefined {
    const ram = this.m.ram;
    if (!ram.contains(this.tohost, 8)) return undefined;
    const w = (this.tohost - ram.base) >>> 2;
    const lo = ram.i32[w], hi = ram.i32[w + 1];
    if (lo === 0 && hi === 0) return undefined;
    const device = hi >>> 24, cmd = (hi >>> 16) & 0xff;
    ram.i32[w] = 0; ram.i32[w + 1] = 0;
    if (device === 0 && (lo & 1)) return ((hi & 0xffff) * 2 ** 31) + (lo >>> 1) === 0 ? 0 : Math.max(1, (lo >>> 1) & 0xff);
    if (device === 1 && cmd === 1) {
      this.out.write(lo & 0xff);
      if (this.fromhost !== undefined && ram.contains(this.fromhost, 8)) {
        const f = (this.fromhost - ram.base) >>> 2;
        ram.i32[f] = 1; ram.i32[f + 1] = (1 << 24) | (1 << 16);
      }
    }
    return undefined;
  }
}
