// Data shaping for the page-tables panel, DOM-free (unit-tested in test/unit/webview): the rows of
// the lazily expanded tree with its filters, the grid of the 2-D walk, the shadow-diff summary.
// BigInt is fine here: a panel, not a per-instruction path.
import type {
  PageTableEntry, PageTableResponseBody, ShadowDiffResponseBody, ShadowDiffState, TranslateFault,
  TranslateResponseBody, TranslateStep, TranslateWalk,
} from '../../protocol/requests';
import type { PageTableFilter, PanelStage, SessionInfo, TableResult } from '../../protocol/webview';

export const STAGE_TITLES: Record<PanelStage, string> = {
  single: 'satp', vs: 'VS stage (vsatp)', g: 'G stage (hgatp)', shadow: 'Shadow (vsatp while VTVM)',
};

export const DEFAULT_FILTER: PageTableFilter = { onlyValid: true, onlyLeaf: false, from: '', to: '' };

/** "0x8000_1000", "8000_1000h" is not accepted; decimal digits are. Undefined for empty or malformed text. */
export function parseAddress(text: string): bigint | undefined {
  const t = text.trim().replace(/_/g, '');
  if (t === '') return undefined;
  if (/^0x[0-9a-f]+$/i.test(t) || /^[0-9]+$/.test(t)) return BigInt(t);
  return undefined;
}

const hx = (v: bigint): string => `0x${v.toString(16)}`;

/** 4096n → "4 KiB", 1n << 30n → "1 GiB". */
export function sizeLabel(size: bigint): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let s = size, u = 0;
  while (s >= 1024n && s % 1024n === 0n && u < units.length - 1) { s /= 1024n; u++; }
  return `${s} ${units[u]}`;
}

/** Which DAP memory space an address of a table is in, so that a link can open the memory view. */
export interface Spaces {
  /** The `va` column: a guest virtual address ('v') or, for the G stage, a guest physical one ('p'). */
  va?: 'v' | 'p';
  /** Table and PTE addresses. */
  table?: 'v' | 'p';
  /** A leaf's target (output address). */
  target?: 'v' | 'p';
}

/**
 * Memory references the adapter understands ("v:0x..", "p:0x.."). Host-physical addresses (G-stage
 * and shadow tables under the hypervisor) have no DAP address space, so they get no link.
 */
export function spacesOf(stage: PanelStage, addressSpace: 'hpa' | 'gpa', machine: SessionInfo['machine']): Spaces {
  const hostIsGuest = machine === 'bare';
  switch (stage) {
    case 'single': return { va: 'v', table: 'p', target: 'p' };
    case 'vs': return { va: 'v', table: addressSpace === 'gpa' || hostIsGuest ? 'p' : undefined, target: 'p' };
    case 'g': return { va: 'p', table: hostIsGuest ? 'p' : undefined, target: hostIsGuest ? 'p' : undefined };
    case 'shadow': return { va: 'v' };
  }
}

export const ref = (space: 'v' | 'p' | undefined, addr: string | undefined): string | undefined =>
  space && addr ? `${space}:${addr}` : undefined;

export interface TreeRow {
  /** Stable over refreshes: stage, level and first address of the entry. */
  id: string;
  stage: PanelStage;
  depth: number;
  level: number;
  index: number;
  va: string;
  vaEnd: string;
  size: string;
  flags: string;
  kind: PageTableEntry['kind'];
  pte: string;
  pteAddr: string;
  target?: string;
  misaligned?: boolean;
  expandable: boolean;
  expanded: boolean;
  /** Expanded, and its table has not arrived yet. */
  loading: boolean;
  /** The subtree could not be read. */
  error?: string;
  vaRef?: string;
  pteRef?: string;
  targetRef?: string;
}

/** Node id of an entry: the id its subtree is stored under. */
export function nodeId(stage: PanelStage, level: number, va: string): string {
  return `${stage}/${level}/${va}`;
}

export interface TreeInput {
  stage: PanelStage;
  root: PageTableResponseBody;
  /** Loaded subtrees by node id. */
  children: ReadonlyMap<string, TableResult>;
  expanded: ReadonlySet<string>;
  filter: PageTableFilter;
  machine: SessionInfo['machine'];
}

function overlaps(e: PageTableEntry, from: bigint | undefined, to: bigint | undefined): boolean {
  const lo = BigInt(e.va), hi = lo + BigInt(e.size) - 1n;
  return (from === undefined || hi >= from) && (to === undefined || lo <= to);
}

/**
 * The visible rows of one table tree: expanded pointers followed by their loaded entries, with the
 * filters applied (only valid, only leaves — then a flat list of the loaded leaves —, address range).
 */
export function treeRows(inp: TreeInput): TreeRow[] {
  const sp = spacesOf(inp.stage, inp.root.addressSpace, inp.machine);
  const from = parseAddress(inp.filter.from), to = parseAddress(inp.filter.to);
  const out: TreeRow[] = [];
  const visit = (table: PageTableResponseBody, depth: number): void => {
    for (const e of table.entries) {
      if (inp.filter.onlyValid && e.kind === 'invalid') continue;
      if (!overlaps(e, from, to)) continue;
      const id = nodeId(inp.stage, table.level, e.va);
      const expandable = e.kind === 'pointer' && table.level > 0 && e.target !== undefined;
      const expanded = expandable && inp.expanded.has(id);
      const sub = expanded ? inp.children.get(id) : undefined;
      if (!inp.filter.onlyLeaf || e.kind === 'leaf') {
        out.push({
          id, stage: inp.stage, depth: inp.filter.onlyLeaf ? 0 : depth, level: table.level, index: e.index,
          va: e.va, vaEnd: hx(BigInt(e.va) + BigInt(e.size) - 1n), size: sizeLabel(BigInt(e.size)), flags: e.flags, kind: e.kind,
          pte: e.pte, pteAddr: e.pteAddr, target: e.target, misaligned: e.misaligned,
          expandable: expandable && !inp.filter.onlyLeaf, expanded, loading: expanded && sub === undefined,
          error: sub && !sub.ok ? sub.error : undefined,
          vaRef: ref(sp.va, e.va), pteRef: ref(sp.table, e.pteAddr),
          targetRef: ref(e.kind === 'leaf' ? sp.target : sp.table, e.target),
        });
      }
      if (sub?.ok) visit(sub.table, depth + 1);
    }
  };
  visit(inp.root, 0);
  if (inp.filter.onlyLeaf) out.sort((a, b) => (BigInt(a.va) < BigInt(b.va) ? -1 : BigInt(a.va) > BigInt(b.va) ? 1 : 0));
  return out;
}

/** The ids of expanded nodes whose tables must be (re)loaded, in tree order: after a stop, all of them. */
export function expandRequests(inp: TreeInput): { nodeId: string; tableAddr: string; level: number; vaBase: string }[] {
  const out: { nodeId: string; tableAddr: string; level: number; vaBase: string }[] = [];
  const visit = (table: PageTableResponseBody): void => {
    for (const e of table.entries) {
      if (e.kind !== 'pointer' || table.level === 0 || e.target === undefined) continue;
      const id = nodeId(inp.stage, table.level, e.va);
      if (!inp.expanded.has(id)) continue;
      const sub = inp.children.get(id);
      if (sub === undefined) out.push({ nodeId: id, tableAddr: e.target, level: table.level - 1, vaBase: e.va });
      else if (sub.ok) visit(sub.table);
    }
  };
  visit(inp.root);
  return out;
}

/** Text for an empty table: Bare, no such stage, or no valid entries. */
export function emptyText(stage: PanelStage, t: TableResult | undefined, running: boolean): string | undefined {
  if (t === undefined) return running ? 'The guest is running: the tables are shown at the next stop.' : 'Not loaded yet.';
  if (!t.ok) return `Could not read the ${STAGE_TITLES[stage]} table: ${t.error}`;
  if (t.table.mode === 'Bare') return `Bare: no translation${t.table.message ? ` (${t.table.message})` : ''}. Addresses are used as they are.`;
  if (t.table.message) return t.table.message;
  if (t.table.entries.length === 0) return `${t.table.mode} root at ${t.table.tableAddr}: no valid entries.`;
  return undefined;
}

// ---------------------------------------------------------------- 2-D walk

/** One PTE fetch of the walk grid: the adapter's step, without its nested walk, plus what the grid adds. */
export interface WalkCell extends Omit<TranslateStep, 'gWalk'> {
  fault: boolean;
  pteRef?: string;
}

export interface WalkRow {
  /** "VS L2", "final GPA", "L1" (single stage). */
  label: string;
  /** Two-stage: the guest-physical address the G-stage walk of this row translates. */
  input?: string;
  /** One cell per G-stage level (root first); undefined where that level was not reached. */
  gCells: (WalkCell | undefined)[];
  /** The VS-stage (or single-stage) PTE read of this row; absent for the final row or when its G walk failed. */
  main?: WalkCell;
  outcome?: string;
  fault: boolean;
}

export interface WalkGrid {
  twoStage: boolean;
  address: string;
  firstMode: string;
  gMode?: string;
  /** Column headers of the G-stage levels: "G L2", "G L1", "G L0". */
  gColumns: string[];
  rows: WalkRow[];
  outcome: string;
  pa?: string;
  fault?: TranslateFault;
  /** The walk failed before reading any table (non-canonical address, unsupported MODE). */
  faultBeforeWalk: boolean;
}

/** Levels of a paging mode by its name (Sv39, Sv48x4 ...); 0 for Bare. */
export function levelsOf(mode: string): number {
  const m = /^Sv(39|48|57)/.exec(mode);
  return m ? (Number(m[1]) - 12) / 9 : 0;
}

function cell(s: TranslateStep, space: 'v' | 'p' | undefined): WalkCell {
  return { stage: s.stage, level: s.level, index: s.index, pteAddr: s.pteAddr, pte: s.pte, flags: s.flags, kind: s.kind, fault: false, pteRef: ref(space, s.pteAddr) };
}

/**
 * The 2-D walk as a grid (the classic diagram): rows are the VS-stage levels plus the final G-stage
 * walk of the resulting GPA; columns are the G-stage levels that translate each row's GPA, then
 * the VS PTE read itself. The cell where the walk stopped is marked with `fault`.
 */
export function walkGrid(t: TranslateResponseBody, machine: SessionInfo['machine'] = 'hypervisor'): WalkGrid {
  const failed = t.pa === undefined && !t.outcome.startsWith('ok');
  const hostSpace = machine === 'bare' ? 'p' : undefined;
  const grid: WalkGrid = {
    twoStage: t.twoStage, address: t.address, firstMode: t.first.mode, gColumns: [], rows: [], outcome: t.outcome, pa: t.pa,
    fault: t.fault, faultBeforeWalk: false,
  };
  if (!t.twoStage) {
    const space = t.first.stage === 'single' ? 'p' : hostSpace;
    grid.rows = t.first.steps.map((s) => ({ label: `L${s.level}`, gCells: [], main: cell(s, space), fault: false }));
    if (failed) {
      const last = grid.rows[grid.rows.length - 1];
      if (last) { last.fault = true; last.main!.fault = true; last.outcome = t.first.outcome; } else grid.faultBeforeWalk = true;
    }
    return grid;
  }
  const gWalks = [...t.first.steps.map((s) => s.gWalk), t.final].filter((w): w is TranslateWalk => w !== undefined);
  const gMode = gWalks[0]?.mode;
  const gLevels = gMode ? levelsOf(gMode) : 0;
  grid.gMode = gMode;
  grid.gColumns = Array.from({ length: gLevels }, (_, i) => `G L${gLevels - 1 - i}`);
  const gRow = (w: TranslateWalk | undefined): (WalkCell | undefined)[] => {
    const cells: (WalkCell | undefined)[] = new Array(gLevels).fill(undefined);
    for (const s of w?.steps ?? []) cells[gLevels - 1 - s.level] = cell(s, hostSpace);
    return cells;
  };
  for (const s of t.first.steps) {
    grid.rows.push({
      label: `VS L${s.level}`, input: s.pteAddr, gCells: gRow(s.gWalk),
      main: s.kind === 'untranslatable' ? undefined : cell(s, 'p'),
      outcome: s.gWalk && !s.gWalk.outcome.startsWith('ok') ? s.gWalk.outcome : undefined, fault: false,
    });
  }
  if (t.final) grid.rows.push({ label: 'final GPA', input: t.final.input, gCells: gRow(t.final), outcome: t.final.outcome, fault: false });
  if (failed) {
    const last = grid.rows[grid.rows.length - 1];
    if (!last) { grid.faultBeforeWalk = true; return grid; }
    last.fault = true;
    if (last.main) last.main.fault = true;
    else {
      // The G-stage walk of this row failed: its last reached level is where.
      const reached = last.gCells.filter((c): c is WalkCell => c !== undefined);
      if (reached.length > 0) reached[reached.length - 1].fault = true;
    }
    if (last.outcome === undefined) last.outcome = t.first.outcome;
  }
  return grid;
}

// ---------------------------------------------------------------- shadow diff

export const DIFF_STATE_TEXT: Record<ShadowDiffState, string> = {
  'not-filled': 'not filled yet',
  'partly-filled': 'partly filled',
  'in-sync': 'in sync',
  'write-protected': 'write-protected (guest D clear)',
  stale: 'stale',
  'stale-permissions': 'stale permissions',
};

const DIFF_ORDER: ShadowDiffState[] = ['stale', 'stale-permissions', 'in-sync', 'write-protected', 'partly-filled', 'not-filled'];

/** "1 stale · 3 in sync · 120 not filled yet", most alarming first; empty states left out. */
export function diffSummary(d: ShadowDiffResponseBody): string {
  const parts = DIFF_ORDER.filter((s) => (d.counts[s] ?? 0) > 0).map((s) => `${d.counts[s]} ${DIFF_STATE_TEXT[s]}`);
  return parts.length === 0 ? 'nothing mapped' : parts.join(' · ');
}

/** Rows of the diff with the state filter of the panel: all, or only those that disagree. */
export function diffRows(d: ShadowDiffResponseBody, onlyProblems: boolean): ShadowDiffResponseBody['rows'] {
  return onlyProblems ? d.rows.filter((r) => r.state === 'stale' || r.state === 'stale-permissions') : d.rows;
}
