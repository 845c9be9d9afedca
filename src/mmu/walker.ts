// The page-table walker: Sv39/Sv48/Sv57, the G-stage Sv39x4/Sv48x4/Sv57x4, and the two-stage
// composition of the H extension. The hart calls it on a TLB miss (the slow path), so it allocates
// nothing per call: results go to `walker.res`, the return value is 0 or an exception code.
//
// Spec references (riscv-isa-manual):
//   supervisor.adoc "Virtual Address Translation Process" (sv32algorithm) with LEVELS/PTESIZE of
//     Sv39/48/57; "Sv39 ... must have bits 63-39 all equal to bit 38, or else a page-fault".
//   hypervisor.adoc "Two-Stage Address Translation", "Guest Physical Address Translation" (x4 modes),
//     "Guest-Page Faults", "Transformed Instruction or Pseudoinstruction for mtinst or htinst".
//
// Addresses: virtual and guest-physical inputs are (lo, hi) int32 halves, so the width checks are
// exact. Host-physical outputs are numbers: exact below 2^53, which covers every address the
// machine can decode; a PTE whose PPN points at or above 2^53 yields a number that stays >= 2^53,
// which the bus rejects (access fault), so it can never alias RAM.

import { InternalError } from '../common/errors';
import {
  Access, type AccessKind, PERM_ALL, PTE_A, PTE_D, PTE_HI_PPN_MASK, SatpMode,
  leafAllows, leafPerms, pteInvalid, pteIsLeaf,
} from './pte';

/**
 * Physical memory as the walker's implicit accesses see it. The implementation is the machine's:
 * it checks PMAs (is this RAM?) and PMP, with effective privilege S ("PMP checks are also applied
 * to page-table accesses for virtual-address translation, for which the effective privilege mode
 * is S", machine.adoc). Addresses are host-physical, 8-byte aligned.
 */
export interface PhysMem {
  /** Reads the 8-byte PTE at `pa` into `pteLo`/`pteHi`; false = access fault. */
  readPte(pa: number): boolean;
  /** Low half of the PTE read by the last successful readPte. */
  pteLo: number;
  /** High half of the PTE read by the last successful readPte. */
  pteHi: number;
  /** Writes the 8-byte PTE at `pa` (A/D update); false = access fault. */
  writePte(pa: number, lo: number, hi: number): boolean;
}

/**
 * How A/D bits are maintained (supervisor.adoc, translation process step 9, and the Svade/Svadu
 * discussion): 'hardware' sets A on any access and D on a store by writing the PTE back (Svadu,
 * what QEMU 7.2 does and what Debian's OpenSBI and Linux expect there); 'fault' raises a page fault
 * instead (Svade) and leaves the update to software.
 */
export type AdUpdate = 'hardware' | 'fault';

export interface WalkerOptions {
  /** A/D policy for single-stage (satp) and G-stage (hgatp) tables: menvcfg.ADUE. Default 'hardware'. */
  adUpdate?: AdUpdate;
  /** A/D policy for VS-stage (vsatp) tables: henvcfg.ADUE. Default: same as adUpdate. */
  adUpdateVs?: AdUpdate;
}

/** Exception codes the walker returns (mcause values); 0 means the translation succeeded. */
export const WalkCause = {
  Ok: 0,
  FetchAccessFault: 1, LoadAccessFault: 5, StoreAccessFault: 7,
  FetchPageFault: 12, LoadPageFault: 13, StorePageFault: 15,
  FetchGuestPageFault: 20, LoadGuestPageFault: 21, StoreGuestPageFault: 23,
} as const;

/** htinst/mtinst pseudoinstructions for a guest-page fault on an implicit VS-stage access (VSXLEN=64). */
export const HTINST_VS_PTE_READ = 0x00003000;
export const HTINST_VS_PTE_WRITE = 0x00003020;

/** A page size that no stage restricts (Bare). */
const SHIFT_UNBOUNDED = 64;

// Internal status of one stage; mapped to causes by the access kind at the end.
const ST_OK = 0;
const ST_PF = 1;
const ST_AF = 2;
const ST_GPF = 3;

const CAUSE: readonly (readonly number[])[] = [
  [0, 0, 0],
  [WalkCause.FetchPageFault, WalkCause.LoadPageFault, WalkCause.StorePageFault],
  [WalkCause.FetchAccessFault, WalkCause.LoadAccessFault, WalkCause.StoreAccessFault],
  [WalkCause.FetchGuestPageFault, WalkCause.LoadGuestPageFault, WalkCause.StoreGuestPageFault],
];

const TWO32 = 4294967296;

/** The walker's one result object, overwritten by every call. Read it right after the call. */
export class WalkResult {
  /** Host-physical address of the access (success). */
  pa = 0;
  /**
   * log2 of the largest naturally aligned region around `pa` that this translation covers: 12, 21,
   * 30, 39, 48 (the minimum over both stages for two-stage), 64 for Bare. A TLB may map that much.
   */
  pageShift = 12;
  /** Level of the leaf PTE of the satp/vsatp stage (0 = 4 KiB), or -1 for Bare. */
  level = 0;
  /** Low 8 bits of the satp/vsatp-stage leaf PTE after the A/D update (V R W X U G A D). */
  leaf = 0;
  /** Low 8 bits of the G-stage leaf PTE (translate2 / translateG), after the A/D update. */
  gLeaf = 0;
  /**
   * Access kinds (PERM_FETCH | PERM_LOAD | PERM_STORE) that a TLB entry built from this walk may
   * serve without walking again, for the privilege/SUM/MXR of the request. Stores need D=1 in every
   * stage. HLVX is not reflected: do not cache HLV/HLVX/HSV translations under normal permissions.
   */
  perms = 0;
  /** Host-physical address of the satp/vsatp-stage leaf PTE (-1 for Bare). */
  pteAddr = -1;
  /** Host-physical address of the G-stage leaf PTE (-1 for Bare or single stage). */
  gPteAddr = -1;
  /**
   * Guest-physical address, halves: on success of translate2 the final GPA; on a guest-page fault
   * the faulting GPA (the VS PTE's address when `implicit`), for htval = GPA >> 2.
   */
  gpaLo = 0;
  gpaHi = 0;
  /** The guest-page fault happened on an implicit access for VS-stage translation. */
  implicit = false;
  /** ... and that implicit access was the A/D write-back (not a PTE read). */
  implicitWrite = false;

  /** `gpaLo/gpaHi` as a number (exact below 2^53). */
  get gpa(): number {
    return (this.gpaHi >>> 0) * TWO32 + (this.gpaLo >>> 0);
  }

  /** Value for htinst/mtinst on a guest-page fault: the pseudoinstruction when implicit, else 0. */
  get htinst(): number {
    if (!this.implicit) return 0;
    return this.implicitWrite ? HTINST_VS_PTE_WRITE : HTINST_VS_PTE_READ;
  }
}

/** satp/vsatp/hgatp MODE from the high half of the CSR (bits 63:60). */
export function atpMode(hi: number): number {
  return hi >>> 28;
}

/** satp/vsatp/hgatp PPN (bits 43:0) from the CSR halves, as an exact number. */
export function atpPpn(lo: number, hi: number): number {
  return (hi & 0xfff) * TWO32 + (lo >>> 0);
}

export class Walker {
  readonly res = new WalkResult();
  /** A/D policy for satp and hgatp tables (menvcfg.ADUE). May be changed between calls. */
  adUpdate: AdUpdate;
  /** A/D policy for vsatp tables (henvcfg.ADUE). May be changed between calls. */
  adUpdateVs: AdUpdate;

  // G-stage outputs (kept apart from `res` because a VS walk runs G walks in the middle).
  private gPa = 0;
  private gShift = 0;
  private gBits = 0;
  private gPte = -1;
  private gPerm = 0;

  // Two-stage context of the current translate2 call.
  private nested = false;
  private hgMode = 0;
  private hgPpn = 0;
  private mxrHs = false;

  // Satp-stage outputs other than `res` fields.
  private sShift = 0;
  private sPerm = 0;

  constructor(private readonly mem: PhysMem, opts: WalkerOptions = {}) {
    this.adUpdate = opts.adUpdate ?? 'hardware';
    this.adUpdateVs = opts.adUpdateVs ?? this.adUpdate;
  }

  /**
   * Single-stage translation (V=0): satp MODE/PPN, a virtual address, the access kind, the
   * effective privilege (0 = U, 1 = S; M-mode and MPRV are resolved by the caller, which does not
   * call the walker for an untranslated access), mstatus.SUM and mstatus.MXR.
   * Returns 0 or the exception code (page fault 12/13/15, access fault 1/5/7). `res` holds the result.
   */
  translate(mode: number, rootPpn: number, vaLo: number, vaHi: number, access: AccessKind, priv: number, sum: boolean, mxr: boolean): number {
    const r = this.res;
    this.nested = false;
    r.implicit = false; r.implicitWrite = false; r.gLeaf = 0; r.gPteAddr = -1;
    const st = this.walkS(mode, rootPpn, vaLo, vaHi, access, priv === 0, sum, mxr, false, this.adUpdate);
    if (st !== ST_OK) return CAUSE[st][access];
    r.pageShift = this.sShift;
    r.perms = this.sPerm;
    return 0;
  }

  /**
   * G-stage translation alone (hgatp MODE/PPN) of a guest-physical address, as for an access made
   * with V=1 that bypasses VS-stage translation. `mxr` is the HS-level MXR (mstatus.MXR); `hlvx`
   * makes a load need execute permission. Returns 0 or a cause: guest-page fault 20/21/23 (the GPA
   * is in `res.gpaLo/gpaHi`), access fault 1/5/7.
   */
  translateG(mode: number, rootPpn: number, gpaLo: number, gpaHi: number, access: AccessKind, mxr: boolean, hlvx = false): number {
    const r = this.res;
    this.nested = false;
    r.implicit = false; r.implicitWrite = false;
    r.level = -1; r.leaf = 0; r.pteAddr = -1;
    r.gpaLo = gpaLo; r.gpaHi = gpaHi;
    const st = this.walkG(mode, rootPpn, gpaLo, gpaHi, access, mxr, hlvx);
    if (st !== ST_OK) return CAUSE[st][access];
    r.pa = this.gPa;
    r.pageShift = this.gShift;
    r.gLeaf = this.gBits;
    r.gPteAddr = this.gPte;
    r.perms = this.gPerm;
    return 0;
  }

  /**
   * Two-stage translation (V=1). `priv`: 0 = VU, 1 = VS. `sum`: vsstatus.SUM. `mxrVs`: vsstatus.MXR,
   * which "only overrides VS-stage page protection"; `mxrHs`: mstatus.MXR (= sstatus.MXR), which
   * "overrides both VS-stage and G-stage execute-only permissions". `hlvx`: HLVX, the read needs
   * execute permission in both stages.
   * Every VS-stage PTE address is a GPA, translated by the G-stage as an implicit load (a store for
   * the A/D write-back); a fault there is reported for the original access type with `res.implicit`
   * and the PTE's GPA. Returns 0 or: VS-stage page fault 12/13/15, guest-page fault 20/21/23,
   * access fault 1/5/7.
   */
  translate2(
    vsMode: number, vsPpn: number, hgMode: number, hgPpn: number, vaLo: number, vaHi: number,
    access: AccessKind, priv: number, sum: boolean, mxrVs: boolean, mxrHs: boolean, hlvx = false,
  ): number {
    const r = this.res;
    this.nested = true;
    this.hgMode = hgMode; this.hgPpn = hgPpn; this.mxrHs = mxrHs;
    r.implicit = false; r.implicitWrite = false; r.gLeaf = 0; r.gPteAddr = -1;
    let st = this.walkS(vsMode, vsPpn, vaLo, vaHi, access, priv === 0, sum, mxrVs || mxrHs, hlvx, this.adUpdateVs);
    this.nested = false;
    if (st !== ST_OK) return CAUSE[st][access];
    // walkS left the final GPA in res.gpaLo/gpaHi.
    st = this.walkG(hgMode, hgPpn, r.gpaLo, r.gpaHi, access, mxrHs, hlvx);
    if (st !== ST_OK) return CAUSE[st][access];
    r.pa = this.gPa;
    r.pageShift = Math.min(this.sShift, this.gShift);
    r.gLeaf = this.gBits;
    r.gPteAddr = this.gPte;
    r.perms = this.sPerm & this.gPerm;
    return 0;
  }

  /**
   * The satp/vsatp stage. On success: single stage sets res.pa; nested sets res.gpaLo/gpaHi (the
   * GPA). Both set res.level/leaf/pteAddr, this.sShift, this.sPerm.
   */
  private walkS(
    mode: number, rootPpn: number, vaLo: number, vaHi: number, access: AccessKind,
    user: boolean, sum: boolean, mxr: boolean, hlvx: boolean, ad: AdUpdate,
  ): number {
    const r = this.res;
    const nested = this.nested;
    if (mode === SatpMode.Bare) {
      r.level = -1; r.leaf = 0; r.pteAddr = -1;
      this.sShift = SHIFT_UNBOUNDED; this.sPerm = PERM_ALL;
      if (nested) { r.gpaLo = vaLo; r.gpaHi = vaHi; return ST_OK; }
      // Physical addresses are 56 bits wide; anything above cannot exist.
      if ((vaHi >>> 24) !== 0) return ST_AF;
      r.pa = (vaHi >>> 0) * TWO32 + (vaLo >>> 0);
      return ST_OK;
    }
    if (mode !== SatpMode.Sv39 && mode !== SatpMode.Sv48 && mode !== SatpMode.Sv57) {
      throw new InternalError(`walker: satp mode ${mode} is not supported (the CSR should not hold it)`);
    }
    const levels = mode - 5;
    // Bits 63..VAbits-1 must all equal bit VAbits-1 (VAbits = 39/48/57, i.e. 32 + 7/16/25).
    const top = vaHi >> (levels * 9 - 21);
    if (top !== 0 && top !== -1) return ST_PF;

    // Table base as halves (a GPA when nested).
    let tLo = (rootPpn % 1048576) * 4096 | 0;
    let tHi = Math.floor(rootPpn / 1048576) | 0;
    const mem = this.mem;
    for (let i = levels - 1; i >= 0; i--) {
      const shift = 12 + 9 * i;
      const idx = (shift >= 32 ? vaHi >>> (shift - 32) : (vaLo >>> shift) | (vaHi << (32 - shift))) & 0x1ff;
      const eLo = tLo | (idx << 3);
      const eHi = tHi;
      let pteAddr: number;
      if (nested) {
        // Implicit access for VS-stage translation: G-stage translated as a load, as U-mode.
        const st = this.walkG(this.hgMode, this.hgPpn, eLo, eHi, Access.Load, this.mxrHs, false);
        if (st !== ST_OK) { this.implicitFault(st, eLo, eHi, false); return st; }
        pteAddr = this.gPa;
      } else {
        pteAddr = (tHi >>> 0) * TWO32 + (eLo >>> 0);
      }
      if (!mem.readPte(pteAddr)) return ST_AF;
      let lo = mem.pteLo | 0;
      const hi = mem.pteHi | 0;
      if (pteInvalid(lo, hi)) return ST_PF;
      // Next table / leaf base = PPN << 12, as halves.
      tLo = (lo & 0xfffffc00) << 2;
      tHi = (lo >>> 30) | ((hi & PTE_HI_PPN_MASK) << 2);
      if (!pteIsLeaf(lo)) continue;

      // Leaf (steps 5..10).
      if (!alignedFor(tLo, tHi, shift)) return ST_PF;
      if (!leafAllows(lo, access, user, sum, mxr, hlvx)) return ST_PF;
      const want = access === Access.Store ? PTE_A | PTE_D : PTE_A;
      if ((lo & want) !== want) {
        if (ad === 'fault') return ST_PF;
        let wAddr = pteAddr;
        if (nested) {
          // The write-back is an implicit store: the G-stage needs W and sets its own D.
          const st = this.walkG(this.hgMode, this.hgPpn, eLo, eHi, Access.Store, this.mxrHs, false);
          if (st !== ST_OK) { this.implicitFault(st, eLo, eHi, true); return st; }
          wAddr = this.gPa;
        }
        lo |= want;
        if (!mem.writePte(wAddr, lo, hi)) return ST_AF;
      }
      r.level = i;
      r.leaf = lo & 0xff;
      r.pteAddr = pteAddr;
      this.sShift = shift;
      this.sPerm = leafPerms(lo, user, sum, mxr);
      // pa = base | va[shift-1:0]
      let oLo: number, oHi: number;
      if (shift < 32) { oLo = tLo | (vaLo & ((1 << shift) - 1)); oHi = tHi; }
      else { oLo = vaLo; oHi = tHi | (vaHi & ((1 << (shift - 32)) - 1)); }
      if (nested) { r.gpaLo = oLo; r.gpaHi = oHi; }
      else r.pa = (oHi >>> 0) * TWO32 + (oLo >>> 0);
      return ST_OK;
    }
    return ST_PF; // unreachable: level 0 pointers fault in the loop
  }

  /** A G-stage failure on a VS PTE access: a guest-page fault records the PTE's GPA. */
  private implicitFault(st: number, gLo: number, gHi: number, write: boolean): void {
    if (st !== ST_GPF) return;
    const r = this.res;
    r.implicit = true; r.implicitWrite = write;
    r.gpaLo = gLo; r.gpaHi = gHi;
  }

  /**
   * The G-stage (hgatp): x4 root of 16 KiB with 11 index bits, GPA bits above 41/50/59 must be zero,
   * U=1 required ("as though executed in U-mode"), MXR from HS level only. On a guest-page fault
   * res.gpaLo/gpaHi are left for the caller to set. Outputs in this.g*.
   */
  private walkG(mode: number, rootPpn: number, gLo: number, gHi: number, access: AccessKind, mxr: boolean, hlvx: boolean): number {
    if (mode === SatpMode.Bare) {
      if ((gHi >>> 24) !== 0) return ST_AF;
      this.gPa = (gHi >>> 0) * TWO32 + (gLo >>> 0);
      this.gShift = SHIFT_UNBOUNDED; this.gBits = 0; this.gPte = -1; this.gPerm = PERM_ALL;
      return ST_OK;
    }
    if (mode !== SatpMode.Sv39 && mode !== SatpMode.Sv48 && mode !== SatpMode.Sv57) {
      throw new InternalError(`walker: hgatp mode ${mode} is not supported (the CSR should not hold it)`);
    }
    const levels = mode - 5;
    // GPA width = VA width + 2 = 41/50/59 = 32 + 9/18/27.
    if ((gHi >>> (levels * 9 - 18)) !== 0) { this.gpfAt(gLo, gHi); return ST_GPF; }
    // The root is 16 KiB aligned: hgatp.PPN[1:0] read as zero in the x4 modes.
    const root = rootPpn - (rootPpn % 4);
    let tLo = (root % 1048576) * 4096 | 0;
    let tHi = Math.floor(root / 1048576) | 0;
    const mem = this.mem;
    for (let i = levels - 1; i >= 0; i--) {
      const shift = 12 + 9 * i;
      const mask = i === levels - 1 ? 0x7ff : 0x1ff;
      const idx = (shift >= 32 ? gHi >>> (shift - 32) : (gLo >>> shift) | (gHi << (32 - shift))) & mask;
      const pteAddr = (tHi >>> 0) * TWO32 + ((tLo >>> 0) + idx * 8);
      if (!mem.readPte(pteAddr)) return ST_AF;
      let lo = mem.pteLo | 0;
      const hi = mem.pteHi | 0;
      if (pteInvalid(lo, hi)) { this.gpfAt(gLo, gHi); return ST_GPF; }
      tLo = (lo & 0xfffffc00) << 2;
      tHi = (lo >>> 30) | ((hi & PTE_HI_PPN_MASK) << 2);
      if (!pteIsLeaf(lo)) continue;
      if (!alignedFor(tLo, tHi, shift) || !leafAllows(lo, access, true, false, mxr, hlvx)) {
        this.gpfAt(gLo, gHi); return ST_GPF;
      }
      const want = access === Access.Store ? PTE_A | PTE_D : PTE_A;
      if ((lo & want) !== want) {
        if (this.adUpdate === 'fault') { this.gpfAt(gLo, gHi); return ST_GPF; }
        lo |= want;
        if (!mem.writePte(pteAddr, lo, hi)) return ST_AF;
      }
      this.gBits = lo & 0xff;
      this.gPte = pteAddr;
      this.gShift = shift;
      this.gPerm = leafPerms(lo, true, false, mxr);
      let oLo: number, oHi: number;
      if (shift < 32) { oLo = tLo | (gLo & ((1 << shift) - 1)); oHi = tHi; }
      else { oLo = gLo; oHi = tHi | (gHi & ((1 << (shift - 32)) - 1)); }
      this.gPa = (oHi >>> 0) * TWO32 + (oLo >>> 0);
      return ST_OK;
    }
    this.gpfAt(gLo, gHi);
    return ST_GPF;
  }

  private gpfAt(gLo: number, gHi: number): void {
    this.res.gpaLo = gLo; this.res.gpaHi = gHi;
  }
}

/** Misaligned-superpage check (step 5): the leaf base must be aligned to 2^shift. */
function alignedFor(bLo: number, bHi: number, shift: number): boolean {
  if (shift < 32) return (bLo & ((1 << shift) - 1)) === 0;
  return bLo === 0 && (bHi & ((1 << (shift - 32)) - 1)) === 0;
}
