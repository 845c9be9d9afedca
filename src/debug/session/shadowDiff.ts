// The shadow-paging diff for the page-tables panel (hvscope/shadowDiff): the guest's own table
// (GVA → GPA → host page) against the shadow table the hypervisor fills lazily (GVA → host page,
// 4 KiB leaves, src/hypervisor/shadow.ts). A missing shadow leaf is normal (filled on the first
// access); a shadow leaf that disagrees with the guest is stale (the guest changed its PTE and has
// not fenced yet, or a bug). Pure functions over plain lists, plus a read-only leaf collector.
import { dumpTable, type PtePeek } from '../../mmu/inspect';
import type { PteFields } from '../../mmu/pte';
import type { ShadowDiffRow, ShadowDiffState } from '../../protocol/requests';
import { hex } from '../runtime/target';

/** A leaf of the guest's table: `size` bytes from `va` map to `gpa`; `hpa` is the host page of `gpa` (undefined: not RAM). */
export interface GuestLeaf {
  va: bigint;
  size: bigint;
  gpa: bigint;
  /** PTE flags in "VRWXUGAD" order, '-' where clear. */
  flags: string;
}

/** A 4 KiB leaf of the shadow table. */
export interface ShadowLeaf {
  va: bigint;
  size: bigint;
  hpa: bigint;
  flags: string;
}

export interface ShadowDiffResult {
  rows: ShadowDiffRow[];
  counts: Partial<Record<ShadowDiffState, number>>;
  truncated: boolean;
}

const PAGE = 4096n;
const has = (flags: string, c: string): boolean => flags.includes(c);

/** Index of the guest leaf containing `va` in `sorted` (by va), or -1. */
function find(sorted: GuestLeaf[], va: bigint): number {
  let lo = 0, hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const l = sorted[mid];
    if (va < l.va) hi = mid - 1;
    else if (va >= l.va + l.size) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/**
 * Compares a shadow table with the guest's. The shadow leaf should copy the guest leaf's R/X/U, be
 * writable only when the guest PTE has W and D (shadow.ts: the first store to a clean page faults
 * again and sets D), and map the host page of the guest's GPA.
 */
export function shadowDiff(guest: readonly GuestLeaf[], shadow: readonly ShadowLeaf[], gpaToHpa: (gpa: bigint) => bigint | undefined, limit = 500): ShadowDiffResult {
  const g = [...guest].sort((a, b) => (a.va < b.va ? -1 : a.va > b.va ? 1 : 0));
  const filledPages = new Array<number>(g.length).fill(0);
  const rows: { va: bigint; order: number; row: ShadowDiffRow }[] = [];
  const counts: Partial<Record<ShadowDiffState, number>> = {};
  const add = (va: bigint, order: number, row: ShadowDiffRow): void => {
    counts[row.state] = (counts[row.state] ?? 0) + 1;
    rows.push({ va, order, row });
  };

  for (const s of shadow) {
    const i = find(g, s.va);
    const base = { va: hex(s.va), size: hex(s.size), shadowHpa: hex(s.hpa), shadowFlags: s.flags };
    if (i < 0) { add(s.va, 1, { ...base, state: 'stale', note: 'the guest does not map this page' }); continue; }
    const l = g[i];
    filledPages[i]++;
    const gpa = l.gpa + (s.va - l.va);
    const hpa = gpaToHpa(gpa);
    const guestSide = { guestGpa: hex(gpa), guestHpa: hpa === undefined ? undefined : hex(hpa), guestFlags: l.flags };
    if (hpa !== s.hpa) {
      add(s.va, 1, { ...base, ...guestSide, state: 'stale', note: hpa === undefined ? 'the guest GPA is not RAM' : 'maps another host page than the guest translation' });
      continue;
    }
    const extra = ['R', 'W', 'X', 'U'].filter((c) => has(s.flags, c) && !has(l.flags, c));
    if (has(s.flags, 'W') && !has(l.flags, 'D')) extra.push('W (guest D clear)');
    if (extra.length > 0) { add(s.va, 1, { ...base, ...guestSide, state: 'stale-permissions', note: `shadow grants ${extra.join(', ')}` }); continue; }
    if (has(l.flags, 'W') && !has(s.flags, 'W')) { add(s.va, 1, { ...base, ...guestSide, state: 'write-protected', note: 'read-only until the guest PTE is dirty' }); continue; }
    add(s.va, 1, { ...base, ...guestSide, state: 'in-sync' });
  }

  g.forEach((l, i) => {
    const pages = Number(l.size / PAGE);
    const filled = filledPages[i];
    if (filled >= pages) return;
    const hpa = gpaToHpa(l.gpa);
    const row: ShadowDiffRow = {
      va: hex(l.va), size: hex(l.size), state: filled === 0 ? 'not-filled' : 'partly-filled',
      guestGpa: hex(l.gpa), guestHpa: hpa === undefined ? undefined : hex(hpa), guestFlags: l.flags,
    };
    if (filled > 0 || pages > 1) { row.filled = filled; row.pages = pages; }
    add(l.va, 0, row);
  });

  rows.sort((a, b) => (a.va < b.va ? -1 : a.va > b.va ? 1 : a.order - b.order));
  return { rows: rows.slice(0, limit).map((r) => r.row), counts, truncated: rows.length > limit };
}

/** A leaf found by walking a whole table: VA, size, output address, flags. */
export interface Leaf {
  va: bigint;
  size: bigint;
  target: bigint;
  flags: string;
}

/**
 * Every valid leaf of a table (read-only, through `mem`), depth first, visiting at most `maxTables`
 * table pages (a large guest can have thousands; the diff then says it is truncated).
 */
export function collectLeaves(mem: PtePeek, mode: number, root: bigint, flags: (pte: PteFields) => string, maxTables = 2048): { leaves: Leaf[]; complete: boolean } {
  const leaves: Leaf[] = [];
  let tables = 0, complete = true;
  const visit = (tableAddr: bigint, level: number, vaBase: bigint): void => {
    if (tables >= maxTables) { complete = false; return; }
    tables++;
    for (const e of dumpTable(mem, { mode, tableAddr, level, vaBase })) {
      if (e.kind === 'leaf' && e.target !== undefined) leaves.push({ va: e.va, size: e.size, target: e.target, flags: flags(e.pte) });
      else if (e.kind === 'pointer' && e.target !== undefined && level > 0) visit(e.target, level - 1, e.va);
    }
  };
  visit(root, mode - 6, 0n);
  return { leaves, complete };
}
