// Boot setup of the bare machine (ARCHITECTURE.md §3, "Bare machine"), as QEMU `virt` does it:
// without firmware the program is loaded at its ELF addresses (a raw binary at RAM start) and
// entered in M-mode, like `-bios none`; with firmware (OpenSBI fw_jump) the firmware goes to RAM
// start and the kernel to 0x8020_0000, where fw_jump expects it. Every hart starts at the entry
// with a0 = hart id and a1 = the device tree's address.
import { planImage, planExtent, applyLoadPlan, type LoadPlan } from './loaders';
import { buildDeviceTree } from './deviceTree';
import { RAM_BASE, KERNEL_LOAD_ADDR } from './memoryMap';
import type { Machine } from './machine';
import { UserError } from '../common/errors';

export interface BareBootOptions {
  kernel: Uint8Array;
  bios?: Uint8Array;
  initrd?: Uint8Array;
  bootargs?: string;
  /** The ISA string written to the device tree. */
  isa: string;
}

export interface BootInfo {
  entry: number;
  fdtAddr: number;
  kernel: LoadPlan;
  bios?: LoadPlan;
  initrd?: { start: number; end: number };
}

const MiB = 1024 * 1024;

export function bootBare(m: Machine, opts: BareBootOptions): BootInfo {
  const region = { base: m.ram.base, size: m.ram.size };
  const bios = opts.bios ? planImage(opts.bios, { ramBase: RAM_BASE, rawLoadAddr: RAM_BASE, region }) : undefined;
  const kernel = planImage(opts.kernel, { ramBase: RAM_BASE, rawLoadAddr: bios ? KERNEL_LOAD_ADDR : RAM_BASE, region });
  if (bios) {
    const a = planExtent(bios), b = planExtent(kernel);
    if (a.start < b.end && b.start < a.end) throw new UserError(`the kernel (0x${b.start.toString(16)}..0x${b.end.toString(16)}) overlaps the firmware (0x${a.start.toString(16)}..0x${a.end.toString(16)})`);
  }
  let initrd: { start: number; end: number } | undefined;
  if (opts.initrd) {
    // As QEMU: halfway into RAM below 256 MiB, else at 128 MiB, so an uncompressing kernel does not clobber it.
    const start = RAM_BASE + (m.ram.size < 256 * MiB ? m.ram.size / 2 : 128 * MiB);
    initrd = { start, end: start + opts.initrd.length };
    if (initrd.end > m.ram.base + m.ram.size) throw new UserError(`the initrd (${opts.initrd.length} bytes) does not fit in RAM at 0x${start.toString(16)}`);
  }
  const fdt = buildDeviceTree({
    harts: m.harts.length, memoryBytes: m.ram.size, isa: opts.isa, mmuType: 'sv57',
    bootargs: opts.bootargs, initrd,
  });
  // The FDT goes to the top of RAM, 2 MiB aligned (QEMU's placement).
  const fdtAddr = Math.floor((m.ram.base + m.ram.size - fdt.length) / (2 * MiB)) * 2 * MiB;
  const writer = { writePhys: (a: number, b: Uint8Array) => m.loadPhys(a, b), zeroPhys: (a: number, n: number) => m.zeroPhys(a, n) };
  if (bios) applyLoadPlan(bios, writer);
  applyLoadPlan(kernel, writer);
  if (opts.initrd && initrd) m.loadPhys(initrd.start, opts.initrd);
  m.loadPhys(fdtAddr, fdt);
  const entry = (bios ?? kernel).entry;
  for (const h of m.harts) {
    h.reset(entry | 0, Math.floor(entry / 4294967296));
    h.x[2 * 10] = h.hartId; // a0
    h.x[2 * 11] = fdtAddr | 0; // a1
    h.x[2 * 11 + 1] = Math.floor(fdtAddr / 4294967296);
  }
  return { entry, fdtAddr, kernel, bios, initrd };
}
