// Decoding against the one table (encodings.ts). Entries are bucketed by major opcode
// (bits 6:0) so a lookup scans only the handful of entries sharing it.

import { expandCompressed } from './compressed';
import { ENCODINGS } from './encodings';
import type { Decoded, InsnSpec } from './types';

const buckets: InsnSpec[][] = Array.from({ length: 128 }, () => []);
for (const s of ENCODINGS) {
  if ((s.mask & 0x7f) !== 0x7f) throw new Error(`encoding ${s.name} does not fix the major opcode`);
  buckets[s.match & 0x7f].push(s);
}


function immOf(s: InsnSpec, w: number): number {
  switch (s.fmt) {
    case 'I': case 'LOAD': case 'FLOAD': case 'JALR': case 'FENCE':
      return s.fmt === 'FENCE' ? (w >>> 20) : (w >> 20);
    case 'STORE': case 'FSTORE':
      return ((w >> 25) << 5) | ((w >>> 7) & 0x1f);
    case 'B':
      return ((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 0x3f) << 5) | (((w >>> 8) & 0xf) << 1);
    case 'J':
      return ((w >> 31) << 20) | (((w >>> 12) & 0xff) << 12) | (((w >>> 20) & 1) << 11) | (((w >>> 21) & 0x3ff) << 1);
    case 'U':
      return w & 0xfffff000;
    case 'SH6':
      return (w >>> 20) & 0x3f;
    case 'SH5':
      return (w >>> 20) & 0x1f;
    case 'AMO': case 'LR':
      return (w >>> 25) & 3;
    default:
      return 0;
  }
}

/** Decodes a 32-bit instruction word; undefined when it is not an implemented RV64GC+H instruction. */
export function decode32(word: number): Decoded | undefined {
  const w = word | 0;
  if ((w & 3) !== 3) return undefined;
  const list = buckets[w & 0x7f];
  for (let i = 0; i < list.length; i++) {
    const s = list[i];
    if ((w & s.mask) !== s.match) continue;
    // rm 101/110 are reserved rounding modes, but whether rm is usable depends on frm when it
    // is 111 (dyn), so the check belongs to execution (illegal instruction), not to decode.
    const rm = (w >>> 12) & 7;
    const isCsr = s.fmt === 'CSR' || s.fmt === 'CSRI';
    return {
      spec: s,
      raw: w,
      word: w,
      len: 4,
      rd: (w >>> 7) & 0x1f,
      rs1: (w >>> 15) & 0x1f,
      rs2: (w >>> 20) & 0x1f,
      rs3: (w >>> 27) & 0x1f,
      rm,
      imm: immOf(s, w),
      csr: isCsr ? (w >>> 20) & 0xfff : 0,
    };
  }
  return undefined;
}

/** Decodes a 16-bit parcel through its 32-bit expansion; undefined for illegal/reserved parcels. */
export function decode16(parcel: number): Decoded | undefined {
  const w = expandCompressed(parcel & 0xffff);
  if (w === 0) return undefined;
  const d = decode32(w);
  if (!d) return undefined;
  d.raw = parcel & 0xffff;
  d.len = 2;
  return d;
}

/**
 * Decodes the instruction at pc given the 32 bits fetched there (little-endian, low parcel in
 * bits 15:0): compressed when bits 1:0 != 11. Encodings longer than 32 bits are undefined.
 */
export function decodeAt(word: number): Decoded | undefined {
  if ((word & 3) !== 3) return decode16(word & 0xffff);
  if ((word & 0x1c) === 0x1c) return undefined;
  return decode32(word);
}
