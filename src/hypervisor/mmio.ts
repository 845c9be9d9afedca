// MMIO emulation on guest-page-fault exits: which load or store faulted, and performing it
// against the guest's device bus.
//
// The instruction comes from htinst when the hart provides it (hypervisor.adoc, "Transformed
// Instruction or Pseudoinstruction for mtinst or htinst"): for a load/store the transformed
// instruction is the trapping one with rs1 replaced by the address offset, and bit 1 cleared
// when the original was a compressed instruction (the transformed form is its 32-bit expansion).
// When htinst is 0 the hypervisor reads the instruction from guest memory at sepc (compressed or
// not) and decodes it with the ISA's one table (isa/decode.ts).
import { BUS_FAULT, type Bus } from '../devices/bus';
import { decode16, decode32 } from '../riscv/isa/decode';
import type { Decoded } from '../riscv/isa/types';

/** One decoded guest load or store that MMIO emulation can perform. */
export interface MmioInsn {
  /** Spec name of the (expanded) instruction: 'lw', 'sd', 'flw', ... */
  readonly name: string;
  readonly store: boolean;
  readonly size: 1 | 2 | 4 | 8;
  /** Loads: sign-extend (lb, lh, lw) rather than zero-extend. */
  readonly signed: boolean;
  /** Floating-point register (flw, fld, fsw, fsd). */
  readonly fp: boolean;
  /** rd for loads, rs2 for stores. */
  readonly reg: number;
  /** Length of the trapping instruction (sepc advances by it). */
  readonly len: 2 | 4;
  /** The instruction as fetched (16-bit parcel or 32-bit word), or the htinst value. */
  readonly raw: number;
}

type Shape = readonly [size: 1 | 2 | 4 | 8, signed: boolean, fp: boolean, store: boolean];
const SHAPES: Readonly<Record<string, Shape>> = {
  lb: [1, true, false, false], lh: [2, true, false, false], lw: [4, true, false, false], ld: [8, true, false, false],
  lbu: [1, false, false, false], lhu: [2, false, false, false], lwu: [4, false, false, false],
  flw: [4, false, true, false], fld: [8, false, true, false],
  sb: [1, false, false, true], sh: [2, false, false, true], sw: [4, false, false, true], sd: [8, false, false, true],
  fsw: [4, false, true, true], fsd: [8, false, true, true],
};

/** The MMIO access a decoded instruction makes, or undefined when it is not a plain load/store (AMOs, LR/SC, others). */
export function mmioInsnFromDecoded(d: Decoded, len: 2 | 4 = d.len, raw = d.raw): MmioInsn | undefined {
  const s = SHAPES[d.spec.name];
  if (s === undefined) return undefined;
  const [size, signed, fp, store] = s;
  return { name: d.spec.name, store, size, signed, fp, reg: store ? d.rs2 : d.rd, len, raw };
}

/**
 * htinst values that are pseudoinstructions for an implicit access of VS-stage address translation
 * (a guest page table in unmapped guest-physical memory), not a load/store of the guest's own.
 */
export function isHtinstPseudo(htinst: number): boolean {
  return htinst === 0x00002000 || htinst === 0x00003000 || htinst === 0x00002020 || htinst === 0x00003020;
}

/** Decodes a transformed load/store from htinst (0 and pseudoinstructions give undefined). */
export function decodeHtinst(htinst: number): MmioInsn | undefined {
  if (htinst === 0 || (htinst & 1) === 0 || isHtinstPseudo(htinst)) return undefined;
  const compressed = (htinst & 2) === 0;
  const d = decode32(htinst | 2);
  if (!d) return undefined;
  return mmioInsnFromDecoded(d, compressed ? 2 : 4, htinst);
}

/** Decodes the instruction bits read from guest memory (low parcel in bits 15:0). */
export function decodeGuestInsn(word: number): MmioInsn | undefined {
  const d = (word & 3) !== 3 ? decode16(word & 0xffff) : decode32(word);
  return d ? mmioInsnFromDecoded(d) : undefined;
}

/** Registers the emulation reads and writes (a hart's x and f files, int32 halves). */
export interface RegisterFile {
  readonly x: Int32Array;
  readonly f: Int32Array;
}

/**
 * Performs `insn` at guest-physical `gpa` on `bus` (device windows at GPAs) and updates the
 * destination register. Returns false when no device answers (the caller injects an access fault).
 */
export function emulateMmio(regs: RegisterFile, bus: Bus, gpa: number, insn: MmioInsn): boolean {
  const r = insn.reg;
  if (insn.store) {
    const file = insn.fp ? regs.f : regs.x;
    const lo = file[2 * r], hi = file[2 * r + 1];
    return bus.write(gpa, insn.size, lo, hi);
  }
  const v = bus.read(gpa, insn.size);
  if (v === BUS_FAULT) return false;
  let lo: number, hi: number;
  switch (insn.size) {
    case 1: lo = insn.signed ? (v << 24) >> 24 : v & 0xff; hi = insn.signed ? lo >> 31 : 0; break;
    case 2: lo = insn.signed ? (v << 16) >> 16 : v & 0xffff; hi = insn.signed ? lo >> 31 : 0; break;
    case 4: lo = v | 0; hi = insn.signed ? lo >> 31 : 0; break;
    default: lo = v | 0; hi = bus.hi | 0;
  }
  if (insn.fp) {
    // FLW NaN-boxes: the upper 32 bits of the f register become all ones (d-st-ext.adoc, NaN boxing).
    if (insn.size === 4) hi = -1;
    regs.f[2 * r] = lo; regs.f[2 * r + 1] = hi;
  } else if (r !== 0) {
    regs.x[2 * r] = lo; regs.x[2 * r + 1] = hi;
  }
  return true;
}
