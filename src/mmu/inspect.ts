// The debugger's page-table walks (ARCHITECTURE.md §6, §8): the same algorithm as walker.ts, but
// read-only — no A/D writes, no TLB fill — and recording every step for the page-table panel and the
// "translate" request. BigInt is fine here: this is never on a per-instruction path.
//
// For a two-stage translation every VS-stage PTE fetch carries its own nested G-stage walk, and the
// final GPA gets one more G-stage walk: the whole 2-D walk.
//
// A missing A bit (or D bit for a store) is not a fault when the walker updates A/D in hardware; the
// outcome then says `wouldSetAd`. With adUpdate 'fault' it is the page fault the hart would take.

import {
  Access, type AccessKind, PTE_A, PTE_D, SatpMode, decodePte, leafAllows, modeName, pteInvalid,
  pteIsLeaf, type PteFields,
} from './pte';
import { HTINST_VS_PTE_READ, HTINST_VS_PTE_WRITE, WalkCause, type AdUpdate } from './walker';

/** Read-only physical memory for the debugger: the 8-byte value at `pa`, or undefined (not RAM). */
export interface PtePeek {
  peekPte(pa: bigint): bigint | undefined;
}

export type StepKind =
  /** A valid non-leaf PTE: `next` is the next table. */
  | 'pointer'
  /** A valid leaf PTE. */
  | 'leaf'
  /** V=0, R=0/W=1, or reserved bits set: the walk stops with a page fault. */
  | 'invalid'
  /** The PTE could not be read (not RAM): access fault. */
  | 'unreadable'
  /** Two-stage only: the G-stage walk of this PTE's GPA failed, nothing was read. */
  | 'untranslatable';

export interface WalkStep {
  /** Page-table level (LEVELS-1 = root, 0 = 4 KiB leaves). */
  readonly level: number;
  /** VPN index into the table. */
  readonly index: number;
  /** Table base: physical, or guest-physical for VS-stage tables. */
  readonly tableAddr: bigint;
  /** Address of the PTE: physical, or guest-physical for VS-stage tables. */
  readonly pteAddr: bigint;
  /** VS-stage only: the G-stage walk that translated `pteAddr` (an implicit load). */
  readonly gWalk?: WalkTrace;
  /** VS-stage only: the host-physical address the PTE was read from. */
  readonly pteHostAddr?: bigint;
  /** The PTE, when it was read. */
  readonly pte?: PteFields;
  readonly kind: StepKind;
  /** For a pointer: the next table's address. */
  readonly next?: bigint;
}

export type FaultKind = 'page-fault' | 'guest-page-fault' | 'access-fault';

export type WalkOutcome =
  | {
    readonly kind: 'ok';
    /** Output address: physical, or guest-physical for the VS stage alone. */
    readonly pa: bigint;
    /** Size of the page the leaf maps (4 KiB, 2 MiB, ...); for Bare, undefined. */
    readonly pageSize?: bigint;
    /** Leaf level, -1 for Bare. */
    readonly level: number;
    /** The access would make the hart set A (and D for a store) in this stage's leaf. */
    readonly wouldSetAd: boolean;
  }
  | {
    readonly kind: 'fault';
    readonly fault: FaultKind;
    /** mcause/scause exception code for the requested access kind. */
    readonly cause: number;
    /** Why, in words, for the panel. */
    readonly reason: string;
    /** Level of the step where it stopped (-1: before any table was read). */
    readonly level: number;
    /** Guest-page faults: the faulting GPA (htval = gpa >> 2). */
    readonly gpa?: bigint;
    /** Guest-page faults: it happened on an implicit access for VS-stage translation. */
    readonly implicit?: boolean;
    /** Guest-page faults: htinst value (pseudoinstruction for implicit accesses, else 0). */
    readonly htinst?: number;
  };

export interface WalkTrace {
  readonly stage: 'single' | 'vs' | 'g';
  /** MODE field value and spec name (Sv39, Sv48x4, Bare, ...). */
  readonly mode: number;
  readonly modeName: string;
  /** Address being translated: VA, or GPA for the G stage. */
  readonly input: bigint;
  readonly steps: readonly WalkStep[];
  readonly outcome: WalkOutcome;
}

export interface InspectRequest {
  /** satp.MODE (or vsatp.MODE when `hgatp` is given) and its PPN. */
  readonly mode: number;
  readonly ppn: bigint | number;
  readonly va: bigint;
  /** Present: two-stage translation (V=1) with this hgatp. */
  readonly hgatp?: { readonly mode: number; readonly ppn: bigint | number };
  /** Default: load. */
  readonly access?: AccessKind;
  /** Effective privilege, 0 = U/VU, 1 = S/VS (default 1). */
  readonly priv?: number;
  /** mstatus.SUM, or vsstatus.SUM for two-stage. */
  readonly sum?: boolean;
  /** mstatus.MXR, or vsstatus.MXR for two-stage. */
  readonly mxr?: boolean;
  /** Two-stage: mstatus.MXR (HS level), which also applies to the G stage. */
  readonly mxrHs?: boolean;
  readonly hlvx?: boolean;
  /** As the walker's options; default 'hardware'. */
  readonly adUpdate?: AdUpdate;
  readonly adUpdateVs?: AdUpdate;
}

export interface InspectResult {
  readonly twoStage: boolean;
  /** The satp walk, or the VS-stage walk (each step carrying its nested G-stage walk). */
  readonly first: WalkTrace;
  /** Two-stage, when the VS stage succeeded: the G-stage walk of the final GPA. */
  readonly final?: WalkTrace;
  /** Overall outcome: the host-physical address, or the fault the hart would take. */
  readonly outcome: WalkOutcome;
}

const CAUSES: Record<FaultKind, readonly number[]> = {
  'access-fault': [WalkCause.FetchAccessFault, WalkCause.LoadAccessFault, WalkCause.StoreAccessFault],
  'page-fault': [WalkCause.FetchPageFault, WalkCause.LoadPageFault, WalkCause.StorePageFault],
  'guest-page-fault': [WalkCause.FetchGuestPageFault, WalkCause.LoadGuestPageFault, WalkCause.StoreGuestPageFault],
};

const M64 = (1n << 64n) - 1n;
const ACCESS_NAME = ['fetch', 'load', 'store'];

interface StageParams {
  readonly stage: 'single' | 'vs' | 'g';
  readonly mode: number;
  readonly root: bigint; // table base address
  readonly input: bigint;
  readonly access: AccessKind;
  readonly user: boolean;
  readonly sum: boolean;
  readonly mxr: boolean;
  readonly hlvx: boolean;
  readonly ad: AdUpdate;
  /** VS stage: translates a PTE's GPA (implicit access, load or store). */
  readonly translatePteAddr?: (gpa: bigint, store: boolean) => WalkTrace;
  /** Cause kind for permission/format faults of this stage. */
  readonly pf: FaultKind;
}

/** Debugger translation: the full walk of `req.va`, without side effects. */
export function inspect(mem: PtePeek, req: InspectRequest): InspectResult {
  const access = req.access ?? Access.Load;
  const user = (req.priv ?? 1) === 0;
  const hlvx = req.hlvx ?? false;
  const va = BigInt.asUintN(64, req.va);
  if (!req.hgatp) {
    const first = walk(mem, {
      stage: 'single', mode: req.mode, root: BigInt(req.ppn) << 12n, input: va, access, user,
      sum: req.sum ?? false, mxr: req.mxr ?? false, hlvx, ad: req.adUpdate ?? 'hardware', pf: 'page-fault',
    });
    return { twoStage: false, first, outcome: first.outcome };
  }
  const hg = req.hgatp;
  const mxrHs = req.mxrHs ?? false;
  const adG = req.adUpdate ?? 'hardware';
  const gWalk = (gpa: bigint, acc: AccessKind, hl: boolean): WalkTrace => inspectG(mem, hg.mode, hg.ppn, gpa, acc, mxrHs, hl, adG);
  const first = walk(mem, {
    stage: 'vs', mode: req.mode, root: BigInt(req.ppn) << 12n, input: va, access, user,
    sum: req.sum ?? false, mxr: (req.mxr ?? false) || mxrHs, hlvx, ad: req.adUpdateVs ?? adG, pf: 'page-fault',
    translatePteAddr: (gpa, store) => gWalk(gpa, store ? Access.Store : Access.Load, false),
  });
  if (first.outcome.kind !== 'ok') return { twoStage: true, first, outcome: first.outcome };
  const final = gWalk(first.outcome.pa, access, hlvx);
  let outcome = final.outcome;
  if (outcome.kind === 'ok') {
    const a = first.outcome;
    const sizes = [a.pageSize, outcome.pageSize].filter((s): s is bigint => s !== undefined);
    const pageSize = sizes.length === 0 ? undefined : sizes.reduce((x, y) => (x < y ? x : y));
    outcome = { ...outcome, pageSize, level: a.level, wouldSetAd: a.wouldSetAd || outcome.wouldSetAd };
  } else {
    // Faults of the final G-stage walk are reported for the original access type.
    outcome = { ...outcome, cause: CAUSES[outcome.fault][access] };
  }
  return { twoStage: true, first, final, outcome };
}

/**
 * G-stage walk alone (hgatp) of a guest-physical address. `access` is the access the G stage checks
 * (an implicit VS PTE read is a load); the fault cause is for that kind.
 */
export function inspectG(
  mem: PtePeek, mode: number, ppn: bigint | number, gpa: bigint, access: AccessKind = Access.Load,
  mxr = false, hlvx = false, adUpdate: AdUpdate = 'hardware',
): WalkTrace {
  // hgatp.PPN[1:0] read as zero in the x4 modes: the root is 16 KiB aligned.
  const root = (BigInt(ppn) & ~3n) << 12n;
  return walk(mem, {
    stage: 'g', mode, root, input: BigInt.asUintN(64, gpa), access, user: true, sum: false, mxr, hlvx,
    ad: adUpdate, pf: 'guest-page-fault',
  });
}

function walk(mem: PtePeek, p: StageParams): WalkTrace {
  const x4 = p.stage === 'g';
  const steps: WalkStep[] = [];
  const trace = (outcome: WalkOutcome): WalkTrace => ({
    stage: p.stage, mode: p.mode, modeName: modeName(p.mode, x4), input: p.input, steps, outcome,
  });
  const fault = (kind: FaultKind, level: number, reason: string, extra: { gpa?: bigint; implicit?: boolean; htinst?: number } = {}): WalkTrace => {
    let e = extra;
    if (kind === 'guest-page-fault' && e.gpa === undefined) e = { gpa: p.input, implicit: false, htinst: 0, ...e };
    return trace({ kind: 'fault', fault: kind, cause: CAUSES[kind][p.access], reason, level, ...e });
  };

  if (p.mode === SatpMode.Bare) {
    // VS stage Bare: GPA = VA (the G stage checks its width). Otherwise 56-bit physical addresses.
    if (p.stage !== 'vs' && p.input >> 56n !== 0n) return fault('access-fault', -1, 'address above the 56-bit physical address space');
    return trace({ kind: 'ok', pa: p.input, level: -1, wouldSetAd: false });
  }
  if (p.mode !== SatpMode.Sv39 && p.mode !== SatpMode.Sv48 && p.mode !== SatpMode.Sv57) {
    return fault(p.pf, -1, `MODE ${p.mode} is not a supported translation scheme`);
  }
  const levels = p.mode - 5;
  const vaBits = BigInt(12 + 9 * levels);
  if (x4) {
    if (p.input >> (vaBits + 2n) !== 0n) return fault('guest-page-fault', -1, `guest physical address wider than ${vaBits + 2n} bits`);
  } else {
    const upper = p.input >> (vaBits - 1n);
    if (upper !== 0n && upper !== M64 >> (vaBits - 1n)) return fault(p.pf, -1, `non-canonical address: bits 63..${vaBits - 1n} differ`);
  }

  let table = p.root;
  for (let i = levels - 1; i >= 0; i--) {
    const shift = BigInt(12 + 9 * i);
    const mask = x4 && i === levels - 1 ? 0x7ffn : 0x1ffn;
    const index = Number((p.input >> shift) & mask);
    const pteAddr = table + BigInt(index) * 8n;
    let hostAddr = pteAddr;
    let gWalk: WalkTrace | undefined;
    if (p.translatePteAddr) {
      gWalk = p.translatePteAddr(pteAddr, false);
      if (gWalk.outcome.kind !== 'ok') {
        steps.push({ level: i, index, tableAddr: table, pteAddr, gWalk, kind: 'untranslatable' });
        return implicitFault(gWalk.outcome, i, pteAddr, false);
      }
      hostAddr = gWalk.outcome.pa;
    }
    const raw = mem.peekPte(hostAddr);
    const base = { level: i, index, tableAddr: table, pteAddr, gWalk, pteHostAddr: gWalk ? hostAddr : undefined };
    if (raw === undefined) {
      steps.push({ ...base, kind: 'unreadable' });
      return fault('access-fault', i, `PTE at ${hex(hostAddr)} is not readable memory`);
    }
    const pte = decodePte(raw);
    const lo = Number(raw & 0xffffffffn) | 0, hi = Number(raw >> 32n) | 0;
    if (pteInvalid(lo, hi)) {
      steps.push({ ...base, pte, kind: 'invalid' });
      return fault(p.pf, i, invalidReason(lo, hi));
    }
    const next = pte.ppn << 12n;
    if (!pteIsLeaf(lo)) {
      steps.push({ ...base, pte, kind: 'pointer', next });
      table = next;
      continue;
    }
    steps.push({ ...base, pte, kind: 'leaf' });
    if ((next & ((1n << shift) - 1n)) !== 0n) return fault(p.pf, i, `misaligned superpage: PPN not aligned to ${sizeName(1n << shift)}`);
    if (!leafAllows(lo, p.access, p.user, p.sum, p.mxr, p.hlvx)) return fault(p.pf, i, permissionReason(lo, p));
    const want = p.access === Access.Store ? PTE_A | PTE_D : PTE_A;
    const wouldSetAd = (lo & want) !== want;
    if (wouldSetAd) {
      if (p.ad === 'fault') return fault(p.pf, i, `${(lo & PTE_A) === 0 ? 'A' : 'D'} bit clear and A/D updates are left to software (Svade)`);
      if (p.translatePteAddr) {
        // The hart would write the PTE back: an implicit store through the G stage.
        const w = p.translatePteAddr(pteAddr, true);
        if (w.outcome.kind !== 'ok') return implicitFault(w.outcome, i, pteAddr, true);
      }
    }
    const pa = next | (p.input & ((1n << shift) - 1n));
    return trace({ kind: 'ok', pa, pageSize: 1n << shift, level: i, wouldSetAd });
  }
  return fault(p.pf, 0, 'pointer PTE at level 0');

  function implicitFault(o: WalkOutcome, level: number, gpa: bigint, write: boolean): WalkTrace {
    if (o.kind !== 'fault') throw new Error('unreachable');
    if (o.fault === 'access-fault') return fault('access-fault', level, `G-stage walk for the VS PTE at GPA ${hex(gpa)}: ${o.reason}`);
    return fault('guest-page-fault', level, `implicit ${write ? 'A/D write' : 'read'} of the VS PTE at GPA ${hex(gpa)}: ${o.reason}`, {
      gpa, implicit: true, htinst: write ? HTINST_VS_PTE_WRITE : HTINST_VS_PTE_READ,
    });
  }
}

function invalidReason(lo: number, hi: number): string {
  if ((lo & 1) === 0) return 'V=0';
  if ((lo & 6) === 4) return 'reserved encoding R=0 W=1';
  if ((hi & 0x80000000) !== 0) return 'N set (Svnapot not implemented)';
  if ((hi & 0x60000000) !== 0) return 'PBMT set (Svpbmt not implemented)';
  if ((hi & 0x1fc00000) !== 0) return 'reserved bits 60:54 set';
  return 'non-leaf PTE with D, A or U set (reserved)';
}

function permissionReason(bits: number, p: StageParams): string {
  const u = (bits & 0x10) !== 0;
  if (p.stage === 'g' && !u) return 'G-stage leaf with U=0 (G-stage accesses are user-level)';
  if (p.user && !u) return 'U-mode access to a supervisor page (U=0)';
  if (!p.user && u && p.access === Access.Fetch) return 'S-mode fetch from a user page (U=1)';
  if (!p.user && u && !p.sum) return 'S-mode access to a user page with SUM=0';
  if (p.hlvx) return 'HLVX needs execute permission (X=0)';
  return `${ACCESS_NAME[p.access]} not permitted by R/W/X${p.access === Access.Load && (bits & 8) !== 0 ? ' (MXR=0)' : ''}`;
}

function sizeName(size: bigint): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let s = size, u = 0;
  while (s >= 1024n && u < units.length - 1) { s /= 1024n; u++; }
  return `${s} ${units[u]}`;
}

function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}

// ---- page-tables panel: one table page at a time ----

export interface TableEntry {
  readonly index: number;
  /** First virtual (or guest-physical, for G-stage tables) address this entry covers. */
  readonly va: bigint;
  /** Size of the region the entry covers. */
  readonly size: bigint;
  readonly pteAddr: bigint;
  readonly pte: PteFields;
  readonly kind: 'pointer' | 'leaf' | 'invalid';
  /** Pointer: the next table's address (expand with dumpTable(level - 1, va)). Leaf: mapped address. */
  readonly target?: bigint;
  /** Leaf whose PPN is not aligned to its size (any access faults). */
  readonly misaligned?: boolean;
}

export interface DumpRequest {
  /** satp/vsatp/hgatp MODE (8, 9, 10). */
  readonly mode: number;
  /** G-stage table (x4 root of 2048 entries, GPAs not sign-extended). */
  readonly x4?: boolean;
  /** Address of the table page (the root: PPN << 12; hgatp's PPN with bits 1:0 cleared). */
  readonly tableAddr: bigint;
  /** Level of this table (LEVELS-1 for the root). */
  readonly level: number;
  /** First address covered by this table (0 for the root; the parent entry's `va` otherwise). */
  readonly vaBase?: bigint;
  /** Include entries with V=0 whose value is non-zero (default: only valid entries). */
  readonly includeInvalid?: boolean;
}

/**
 * Lists the entries of one table page, read-only. For VS-stage tables pass `viaGStage(...)` as the
 * memory so that table addresses (GPAs) are translated through the G stage.
 */
export function dumpTable(mem: PtePeek, req: DumpRequest): TableEntry[] {
  const levels = req.mode - 5;
  if (levels < 3 || levels > 5 || req.level < 0 || req.level >= levels) return [];
  const x4 = req.x4 ?? false;
  const root = req.level === levels - 1;
  const n = x4 && root ? 2048 : 512;
  const shift = BigInt(12 + 9 * req.level);
  const vaBits = BigInt(12 + 9 * levels);
  const out: TableEntry[] = [];
  for (let index = 0; index < n; index++) {
    const pteAddr = req.tableAddr + BigInt(index) * 8n;
    const raw = mem.peekPte(pteAddr);
    if (raw === undefined) break; // table runs off memory: nothing more to show
    const lo = Number(raw & 0xffffffffn) | 0, hi = Number(raw >> 32n) | 0;
    const valid = !pteInvalid(lo, hi);
    if (!valid && (raw === 0n || !(req.includeInvalid ?? false))) continue;
    let va = (req.vaBase ?? 0n) + (BigInt(index) << shift);
    // Root entries of the upper half of a VA space stand for sign-extended addresses.
    if (!x4 && root && (va >> (vaBits - 1n)) !== 0n) va = BigInt.asUintN(64, BigInt.asIntN(Number(vaBits), va));
    const pte = decodePte(raw);
    const size = 1n << shift;
    if (!valid) { out.push({ index, va, size, pteAddr, pte, kind: 'invalid' }); continue; }
    const target = pte.ppn << 12n;
    if (pteIsLeaf(lo)) out.push({ index, va, size, pteAddr, pte, kind: 'leaf', target, misaligned: (target & (size - 1n)) !== 0n });
    else out.push({ index, va, size, pteAddr, pte, kind: 'pointer', target });
  }
  return out;
}

/** A PtePeek over guest-physical addresses, translated by a read-only G-stage walk (hgatp). */
export function viaGStage(mem: PtePeek, mode: number, ppn: bigint | number, mxr = false): PtePeek {
  return {
    peekPte(gpa: bigint): bigint | undefined {
      const w = inspectG(mem, mode, ppn, gpa, Access.Load, mxr);
      return w.outcome.kind === 'ok' ? mem.peekPte(w.outcome.pa) : undefined;
    },
  };
}
