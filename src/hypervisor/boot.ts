// Guest boot (ARCHITECTURE.md §3, as OpenSBI fw_jump / KVM): the kernel at GPA 0x8020_0000 (ELF,
// raw binary or Linux Image — planned by the caller's loaders into segments), an optional initrd,
// the FDT the caller generated (machine/deviceTree.ts with hypervisorGuest), all written into guest
// RAM; the boot vCPU then enters at the entry with a0 = hart id and a1 = the FDT's GPA.
import { UserError } from '../common/errors';
import { GUEST_RAM_BASE, type GuestMemory } from './guestMemory';

/** Where the kernel goes (as OpenSBI fw_jump's FW_JUMP_ADDR). */
export const GUEST_KERNEL_GPA = 0x8020_0000;

const MiB = 1024 * 1024;

/** One piece of guest RAM to fill: `bytes` at `gpa`, then `zeroFill` zero bytes. */
export interface GuestSegment {
  readonly gpa: number;
  readonly bytes: Uint8Array;
  readonly zeroFill: number;
}

export interface GuestBootImage {
  /** The kernel's load plan (machine/loaders LoadSegment: addr → gpa). */
  readonly segments: readonly GuestSegment[];
  /** GPA of the first instruction. */
  readonly entry: number;
  /** The flattened device tree (built by the caller with hypervisorGuest: true). */
  readonly fdt: Uint8Array;
  /** Where to put the FDT; default guestFdtGpa(). */
  readonly fdtGpa?: number;
  /** The initrd and its GPA (the FDT's /chosen must say the same; see guestInitrdGpa). */
  readonly initrd?: { readonly gpa: number; readonly bytes: Uint8Array };
  /** The vCPU that boots (default 0); the others stay STOPPED until HSM hart_start. */
  readonly bootVcpu?: number;
}

/** Initrd placement as QEMU: halfway into RAM below 256 MiB, else at 128 MiB (clear of an uncompressing kernel). */
export function guestInitrdGpa(guestRamBytes: number): number {
  return GUEST_RAM_BASE + (guestRamBytes < 256 * MiB ? guestRamBytes / 2 : 128 * MiB);
}

/** FDT placement as QEMU: at the top of guest RAM, 2 MiB aligned. */
export function guestFdtGpa(guestRamBytes: number, fdtBytes: number): number {
  return Math.floor((GUEST_RAM_BASE + guestRamBytes - fdtBytes) / (2 * MiB)) * 2 * MiB;
}

/** Writes kernel, initrd and FDT into guest RAM. Returns where the FDT went. Throws UserError when something does not fit. */
export function loadGuestImage(mem: GuestMemory, img: GuestBootImage): { fdtGpa: number } {
  const ranges: { name: string; start: number; end: number }[] = [];
  const place = (name: string, start: number, len: number): void => {
    if (!mem.contains(start, Math.max(len, 1))) {
      throw new UserError(`the ${name} (0x${start.toString(16)}, ${len} bytes) does not fit in guest RAM (0x${mem.base.toString(16)}..0x${(mem.base + mem.size).toString(16)})`);
    }
    for (const r of ranges) {
      if (start < r.end && r.start < start + len) throw new UserError(`the ${name} (0x${start.toString(16)}..0x${(start + len).toString(16)}) overlaps the ${r.name}`);
    }
    ranges.push({ name, start, end: start + len });
  };
  for (const s of img.segments) place('kernel', s.gpa, s.bytes.length + s.zeroFill);
  if (img.initrd) place('initrd', img.initrd.gpa, img.initrd.bytes.length);
  const fdtGpa = img.fdtGpa ?? guestFdtGpa(mem.size, img.fdt.length);
  place('device tree', fdtGpa, img.fdt.length);
  if (!mem.contains(img.entry, 2)) throw new UserError(`the kernel entry 0x${img.entry.toString(16)} is not in guest RAM`);
  for (const s of img.segments) {
    mem.writePhys(s.gpa, s.bytes);
    if (s.zeroFill > 0) mem.zeroPhys(s.gpa + s.bytes.length, s.zeroFill);
  }
  if (img.initrd) mem.writePhys(img.initrd.gpa, img.initrd.bytes);
  mem.writePhys(fdtGpa, img.fdt);
  return { fdtGpa };
}
