// Page-table entry format shared by Sv39, Sv48, Sv57 and their x4 G-stage variants
// (priv spec, Supervisor-Level ISA, "Sv39: Page-Based 39-bit Virtual-Memory System", PTE figure).
// A PTE travels as two int32 halves: `lo` = bits 31:0, `hi` = bits 63:32.
//
//   63 | 62:61 | 60:54    | 53:10 | 9:8 | 7 6 5 4 3 2 1 0
//    N | PBMT  | reserved | PPN   | RSW | D A G U X W R V
//
// hvscope implements neither Svnapot nor Svpbmt, so N and PBMT are reserved like bits 60:54 and a PTE
// with any of bits 63:54 set raises a page fault (the spec's "or else a page-fault exception is raised").

export const PTE_V = 0x01;
export const PTE_R = 0x02;
export const PTE_W = 0x04;
export const PTE_X = 0x08;
export const PTE_U = 0x10;
export const PTE_G = 0x20;
export const PTE_A = 0x40;
export const PTE_D = 0x80;
/** RSW (bits 9:8): reserved for supervisor software, ignored by the walker. */
export const PTE_RSW_SHIFT = 8;
export const PTE_RSW_MASK = 0x300;
/** PPN starts at bit 10 of the PTE; it is 44 bits wide (bits 53:10). */
export const PTE_PPN_SHIFT = 10;

// Masks over the high half (bit 32 of the PTE is bit 0 of `hi`).
/** Bits 53:32 of the PTE: the upper 22 PPN bits. */
export const PTE_HI_PPN_MASK = 0x003fffff;
/** Bits 60:54: reserved for future standard use. */
export const PTE_HI_RESERVED_MASK = 0x1fc00000;
/** Bits 62:61: PBMT (Svpbmt). */
export const PTE_HI_PBMT_MASK = 0x60000000;
/** Bit 63: N (Svnapot). */
export const PTE_HI_N_MASK = 0x80000000 | 0;
/** Every high-half bit that must be zero here (no Svnapot, no Svpbmt). */
export const PTE_HI_MUST_BE_ZERO = PTE_HI_RESERVED_MASK | PTE_HI_PBMT_MASK | PTE_HI_N_MASK;
/**
 * Low-half bits that are reserved in a non-leaf PTE ("For non-leaf PTEs, the D, A, and U bits are
 * reserved for future standard use"); step 3 of the translation process faults on reserved bits.
 */
export const PTE_NONLEAF_RESERVED = PTE_D | PTE_A | PTE_U;

/** Access kinds, numbered so that `1 << kind` is the matching permission bit. */
export const Access = { Fetch: 0, Load: 1, Store: 2 } as const;
export type AccessKind = 0 | 1 | 2;

/** Permission bits of `WalkResult.perms`: which access kinds a cached translation allows. */
export const PERM_FETCH = 1 << Access.Fetch;
export const PERM_LOAD = 1 << Access.Load;
export const PERM_STORE = 1 << Access.Store;
export const PERM_ALL = PERM_FETCH | PERM_LOAD | PERM_STORE;

/** satp.MODE / vsatp.MODE / hgatp.MODE values (RV64). hgatp uses the same numbers for Sv39x4..Sv57x4. */
export const SatpMode = { Bare: 0, Sv39: 8, Sv48: 9, Sv57: 10 } as const;
export type SatpModeValue = 0 | 8 | 9 | 10;

/** Number of page-table levels of a paged mode (Sv39: 3, Sv48: 4, Sv57: 5). */
export function modeLevels(mode: number): number {
  return mode - 5;
}

/** Spec name of a satp/vsatp (x4 = false) or hgatp (x4 = true) mode. */
export function modeName(mode: number, x4: boolean): string {
  switch (mode) {
    case SatpMode.Bare: return 'Bare';
    case SatpMode.Sv39: return x4 ? 'Sv39x4' : 'Sv39';
    case SatpMode.Sv48: return x4 ? 'Sv48x4' : 'Sv48';
    case SatpMode.Sv57: return x4 ? 'Sv57x4' : 'Sv57';
    default: return `reserved(${mode})`;
  }
}

/** PPN of a PTE as an exact number (< 2^44). */
export function ptePpn(lo: number, hi: number): number {
  return (lo >>> PTE_PPN_SHIFT) + (hi & PTE_HI_PPN_MASK) * 4194304;
}

/** A valid PTE with R or X set is a leaf; with both clear it points to the next level. */
export function pteIsLeaf(lo: number): boolean {
  return (lo & (PTE_R | PTE_X)) !== 0;
}

/**
 * True if the PTE must raise a page fault before anything else is looked at (translation process
 * step 3): V=0, the reserved R=0/W=1 encoding, or a reserved bit set (bits 63:54; D/A/U of a
 * non-leaf PTE).
 */
export function pteInvalid(lo: number, hi: number): boolean {
  if ((lo & PTE_V) === 0) return true;
  if ((lo & (PTE_R | PTE_W)) === PTE_W) return true;
  if ((hi & PTE_HI_MUST_BE_ZERO) !== 0) return true;
  return !pteIsLeaf(lo) && (lo & PTE_NONLEAF_RESERVED) !== 0;
}

/**
 * Does a leaf PTE's U/R/W/X allow an access (translation process steps 6 and 8)?
 * `user`: effective privilege is U (always true for the G-stage, which checks "as though U-mode").
 * `sum`: S-mode may load/store (never fetch) U=1 pages. `mxr`: X=1 pages are readable.
 * `hlvx`: the load needs execute permission instead of read permission (HLVX.HU/HLVX.WU).
 * A and D are not looked at here (step 9).
 */
export function leafAllows(bits: number, access: AccessKind, user: boolean, sum: boolean, mxr: boolean, hlvx: boolean): boolean {
  if ((bits & PTE_U) !== 0) {
    if (!user && (access === Access.Fetch || !sum)) return false;
  } else if (user) {
    return false;
  }
  if (access === Access.Fetch) return (bits & PTE_X) !== 0;
  if (access === Access.Store) return (bits & PTE_W) !== 0;
  if (hlvx) return (bits & PTE_X) !== 0;
  return (bits & PTE_R) !== 0 || (mxr && (bits & PTE_X) !== 0);
}

/**
 * The access kinds a TLB entry may serve without another walk, for a leaf whose A/D bits are as
 * given: everything needs A=1, stores also need D=1 (so the first store after a load walk comes
 * back to the walker to set D).
 */
export function leafPerms(bits: number, user: boolean, sum: boolean, mxr: boolean): number {
  if ((bits & PTE_A) === 0) return 0;
  let p = 0;
  if (leafAllows(bits, Access.Fetch, user, sum, mxr, false)) p |= PERM_FETCH;
  if (leafAllows(bits, Access.Load, user, sum, mxr, false)) p |= PERM_LOAD;
  if ((bits & PTE_D) !== 0 && leafAllows(bits, Access.Store, user, sum, mxr, false)) p |= PERM_STORE;
  return p;
}

/** A PTE decoded for display (debugger paths only). */
export interface PteFields {
  readonly raw: bigint;
  readonly v: boolean;
  readonly r: boolean;
  readonly w: boolean;
  readonly x: boolean;
  readonly u: boolean;
  readonly g: boolean;
  readonly a: boolean;
  readonly d: boolean;
  readonly rsw: number;
  readonly ppn: bigint;
  /** Bits 60:54. */
  readonly reserved: number;
  /** Bits 62:61 (Svpbmt, not implemented: must be 0). */
  readonly pbmt: number;
  /** Bit 63 (Svnapot, not implemented: must be 0). */
  readonly n: boolean;
  /** "rwxugad" style summary, '-' for clear bits; V is implied by the kind. */
  readonly flags: string;
}

export function decodePte(raw: bigint): PteFields {
  const lo = Number(raw & 0xffffffffn);
  const bit = (m: number): boolean => (lo & m) !== 0;
  const flags = [
    bit(PTE_R) ? 'r' : '-', bit(PTE_W) ? 'w' : '-', bit(PTE_X) ? 'x' : '-', bit(PTE_U) ? 'u' : '-',
    bit(PTE_G) ? 'g' : '-', bit(PTE_A) ? 'a' : '-', bit(PTE_D) ? 'd' : '-',
  ].join('');
  return {
    raw,
    v: bit(PTE_V), r: bit(PTE_R), w: bit(PTE_W), x: bit(PTE_X),
    u: bit(PTE_U), g: bit(PTE_G), a: bit(PTE_A), d: bit(PTE_D),
    rsw: (lo & PTE_RSW_MASK) >>> PTE_RSW_SHIFT,
    ppn: (raw >> 10n) & ((1n << 44n) - 1n),
    reserved: Number((raw >> 54n) & 0x7fn),
    pbmt: Number((raw >> 61n) & 3n),
    n: ((raw >> 63n) & 1n) === 1n,
    flags,
  };
}
