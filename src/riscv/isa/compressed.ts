// RVC expansion (unprivileged manual, "C" Extension for Compressed Instructions): every 16-bit
// instruction is rewritten to the 32-bit instruction it is defined to expand to, so decode and
// execution share the one table. RV64C plus the D-extension forms (C.FLD, C.FSD, C.FLDSP,
// C.FSDSP). HINT encodings expand to what they execute (e.g. C.ADDI with imm=0 → addi rd,rd,0);
// reserved encodings return 0, which is itself an illegal 32-bit word.

const bit = (v: number, i: number): number => (v >>> i) & 1;
const bits = (v: number, hi: number, lo: number): number => (v >>> lo) & ((1 << (hi - lo + 1)) - 1);
/** Sign-extends the low `n` bits. */
const sext = (v: number, n: number): number => (v << (32 - n)) >> (32 - n);

function encI(opc: number, rd: number, fn3: number, rs1: number, imm: number): number {
  return (((imm & 0xfff) << 20) | (rs1 << 15) | (fn3 << 12) | (rd << 7) | opc) | 0;
}
function encS(opc: number, fn3: number, rs1: number, rs2: number, imm: number): number {
  return ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (fn3 << 12) | ((imm & 0x1f) << 7) | opc) | 0;
}
function encR(opc: number, rd: number, fn3: number, rs1: number, rs2: number, fn7: number): number {
  return ((fn7 << 25) | (rs2 << 20) | (rs1 << 15) | (fn3 << 12) | (rd << 7) | opc) | 0;
}
function encB(fn3: number, rs1: number, rs2: number, off: number): number {
  return ((bit(off, 12) << 31) | (bits(off, 10, 5) << 25) | (rs2 << 20) | (rs1 << 15) | (fn3 << 12) |
    (bits(off, 4, 1) << 8) | (bit(off, 11) << 7) | 0x63) | 0;
}
function encJ(rd: number, off: number): number {
  return ((bit(off, 20) << 31) | (bits(off, 10, 1) << 21) | (bit(off, 11) << 20) | (bits(off, 19, 12) << 12) |
    (rd << 7) | 0x6f) | 0;
}

const OP_IMM = 0x13, OP_IMM32 = 0x1b, OP = 0x33, OP32 = 0x3b, LOAD = 0x03, STORE = 0x23;
const LOAD_FP = 0x07, STORE_FP = 0x27, JALR = 0x67, LUI = 0x37;

/** Returns the 32-bit expansion of a 16-bit parcel, or 0 when the parcel is illegal or reserved in RV64DC. */
export function expandCompressed(parcel: number): number {
  const p = parcel & 0xffff;
  const fn3 = p >>> 13;
  // Registers: full 5-bit fields (CR/CI/CSS) and 3-bit x8..x15 fields (CIW/CL/CS/CA/CB).
  const rd = bits(p, 11, 7);
  const rs2 = bits(p, 6, 2);
  const rdp = bits(p, 4, 2) + 8;
  const rs1p = bits(p, 9, 7) + 8;
  // CI-format 6-bit immediate imm[5] = bit 12, imm[4:0] = bits 6:2.
  const ci6 = (bit(p, 12) << 5) | bits(p, 6, 2);
  switch (p & 3) {
    case 0:
      switch (fn3) {
        case 0: { // C.ADDI4SPN: nzuimm[5:4|9:6|2|3]; nzuimm=0 is reserved (this includes 0x0000).
          const imm = (bits(p, 12, 11) << 4) | (bits(p, 10, 7) << 6) | (bit(p, 6) << 2) | (bit(p, 5) << 3);
          return imm === 0 ? 0 : encI(OP_IMM, rdp, 0, 2, imm);
        }
        case 1: return encI(LOAD_FP, rdp, 3, rs1p, clD(p));  // C.FLD
        case 2: return encI(LOAD, rdp, 2, rs1p, clW(p));     // C.LW
        case 3: return encI(LOAD, rdp, 3, rs1p, clD(p));     // C.LD
        case 4: return 0;                                    // reserved
        case 5: return encS(STORE_FP, 3, rs1p, rdp, clD(p)); // C.FSD
        case 6: return encS(STORE, 2, rs1p, rdp, clW(p));    // C.SW
        default: return encS(STORE, 3, rs1p, rdp, clD(p));  // C.SD
      }
    case 1:
      switch (fn3) {
        case 0: return encI(OP_IMM, rd, 0, rd, sext(ci6, 6));          // C.ADDI / C.NOP (HINTs included)
        case 1: return rd === 0 ? 0 : encI(OP_IMM32, rd, 0, rd, sext(ci6, 6)); // C.ADDIW; rd=0 reserved
        case 2: return encI(OP_IMM, rd, 0, 0, sext(ci6, 6));           // C.LI (rd=0 is a HINT)
        case 3: {
          if (rd === 2) { // C.ADDI16SP: nzimm[9] = bit 12, nzimm[4|6|8:7|5] = bits 6:2
            const imm = (bit(p, 12) << 9) | (bit(p, 6) << 4) | (bit(p, 5) << 6) | (bits(p, 4, 3) << 7) | (bit(p, 2) << 5);
            return imm === 0 ? 0 : encI(OP_IMM, 2, 0, 2, sext(imm, 10));
          }
          if (ci6 === 0) return 0; // C.LUI with nzimm=0 is reserved
          return ((sext(ci6, 6) << 12) | (rd << 7) | LUI) | 0; // C.LUI (rd=0 is a HINT)
        }
        case 4: {
          const sub = bits(p, 11, 10);
          if (sub === 0) return encI(OP_IMM, rs1p, 5, rs1p, ci6);               // C.SRLI (shamt=0 is a HINT)
          if (sub === 1) return encI(OP_IMM, rs1p, 5, rs1p, ci6 | 0x400);       // C.SRAI
          if (sub === 2) return encI(OP_IMM, rs1p, 7, rs1p, sext(ci6, 6));     // C.ANDI
          const r2 = bits(p, 4, 2) + 8;
          switch ((bit(p, 12) << 2) | bits(p, 6, 5)) {
            case 0: return encR(OP, rs1p, 0, rs1p, r2, 0x20);   // C.SUB
            case 1: return encR(OP, rs1p, 4, rs1p, r2, 0);      // C.XOR
            case 2: return encR(OP, rs1p, 6, rs1p, r2, 0);      // C.OR
            case 3: return encR(OP, rs1p, 7, rs1p, r2, 0);      // C.AND
            case 4: return encR(OP32, rs1p, 0, rs1p, r2, 0x20); // C.SUBW
            case 5: return encR(OP32, rs1p, 0, rs1p, r2, 0);    // C.ADDW
            default: return 0;                                  // reserved
          }
        }
        case 5: { // C.J: offset[11|4|9:8|10|6|7|3:1|5]
          const off = (bit(p, 12) << 11) | (bit(p, 11) << 4) | (bits(p, 10, 9) << 8) | (bit(p, 8) << 10) |
            (bit(p, 7) << 6) | (bit(p, 6) << 7) | (bits(p, 5, 3) << 1) | (bit(p, 2) << 5);
          return encJ(0, sext(off, 12));
        }
        default: { // C.BEQZ / C.BNEZ: offset[8|4:3] = bits 12:10, offset[7:6|2:1|5] = bits 6:2
          const off = (bit(p, 12) << 8) | (bits(p, 11, 10) << 3) | (bits(p, 6, 5) << 6) | (bits(p, 4, 3) << 1) | (bit(p, 2) << 5);
          return encB(fn3 === 6 ? 0 : 1, rs1p, 0, sext(off, 9));
        }
      }
    case 2:
      switch (fn3) {
        case 0: return encI(OP_IMM, rd, 1, rd, ci6);  // C.SLLI (rd=0 or shamt=0 are HINTs)
        case 1: return encI(LOAD_FP, rd, 3, 2, ldsp(p)); // C.FLDSP
        case 2: { // C.LWSP: uimm[5] = bit 12, uimm[4:2|7:6] = bits 6:2; rd=0 reserved
          const imm = (bit(p, 12) << 5) | (bits(p, 6, 4) << 2) | (bits(p, 3, 2) << 6);
          return rd === 0 ? 0 : encI(LOAD, rd, 2, 2, imm);
        }
        case 3: return rd === 0 ? 0 : encI(LOAD, rd, 3, 2, ldsp(p)); // C.LDSP; rd=0 reserved
        case 4:
          if (bit(p, 12) === 0) {
            if (rs2 === 0) return rd === 0 ? 0 : encI(JALR, 0, 0, rd, 0); // C.JR; rs1=0 reserved
            return encR(OP, rd, 0, 0, rs2, 0);                           // C.MV (rd=0 is a HINT)
          }
          if (rs2 === 0) return rd === 0 ? 0x00100073 : encI(JALR, 1, 0, rd, 0); // C.EBREAK / C.JALR
          return encR(OP, rd, 0, rd, rs2, 0);                                    // C.ADD (rd=0 is a HINT)
        case 5: return encS(STORE_FP, 3, 2, rs2, sdsp(p)); // C.FSDSP
        case 6: { // C.SWSP: uimm[5:2|7:6] = bits 12:7
          const imm = (bits(p, 12, 9) << 2) | (bits(p, 8, 7) << 6);
          return encS(STORE, 2, 2, rs2, imm);
        }
        default: return encS(STORE, 3, 2, rs2, sdsp(p)); // C.SDSP
      }
    default:
      return 0; // not a compressed parcel
  }
}

/** CL/CS word offset: uimm[5:3] = bits 12:10, uimm[2] = bit 6, uimm[6] = bit 5. */
function clW(p: number): number {
  return (bits(p, 12, 10) << 3) | (bit(p, 6) << 2) | (bit(p, 5) << 6);
}
/** CL/CS doubleword offset: uimm[5:3] = bits 12:10, uimm[7:6] = bits 6:5. */
function clD(p: number): number {
  return (bits(p, 12, 10) << 3) | (bits(p, 6, 5) << 6);
}
/** CI doubleword SP offset: uimm[5] = bit 12, uimm[4:3|8:6] = bits 6:2. */
function ldsp(p: number): number {
  return (bit(p, 12) << 5) | (bits(p, 6, 5) << 3) | (bits(p, 4, 2) << 6);
}
/** CSS doubleword SP offset: uimm[5:3|8:6] = bits 12:7. */
function sdsp(p: number): number {
  return (bits(p, 12, 10) << 3) | (bits(p, 9, 7) << 6);
}
