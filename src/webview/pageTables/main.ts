// The page-tables panel's front-end (ARCHITECTURE.md §8): tabs per table (satp / VS stage / G stage
// / shadow, and the shadow diff), lazily expanded trees with keyboard navigation, filters, and the
// translation box drawing the 2-D walk. Data shaping lives in ./model (DOM-free, unit-tested).
import type { ShadowDiffResponseBody, TranslateResponseBody } from '../../protocol/requests';
import type {
  FromPageTablesMessage, PageTableFilter, PageTablesState, PanelStage, TableResult, ToPageTablesMessage,
} from '../../protocol/webview';
import { addrLink, focusRow, h, moveFocus, setChildren, vscodeApi } from '../shared/dom';
import {
  DEFAULT_FILTER, DIFF_STATE_TEXT, STAGE_TITLES, diffRows, diffSummary, emptyText, expandRequests, treeRows,
  walkGrid, type TreeInput, type TreeRow, type WalkCell,
} from './model';

const api = vscodeApi<FromPageTablesMessage>();
const post = (m: FromPageTablesMessage): void => api.postMessage(m);
const openMemory = (memoryReference: string): void => post({ type: 'openMemory', memoryReference });

type Tab = PanelStage | 'diff';

interface Saved {
  tab?: Tab;
  expanded?: string[];
  address?: string;
  access?: 'fetch' | 'load' | 'store';
  onlyProblems?: boolean;
}

const saved = (api.getState() as Saved | undefined) ?? {};
let state: PageTablesState | undefined;
let tab: Tab | undefined = saved.tab;
const expanded = new Set<string>(saved.expanded ?? []);
const children = new Map<string, TableResult>();
let translation: { address: string; result: { ok: true; body: TranslateResponseBody } | { ok: false; error: string } } | undefined;
let address = saved.address ?? '';
let access: 'fetch' | 'load' | 'store' = saved.access ?? 'load';
let onlyProblems = saved.onlyProblems ?? false;
let focusedId: string | undefined;

const root = document.getElementById('root')!;

function persist(): void {
  api.setState({ tab, expanded: [...expanded], address, access, onlyProblems } satisfies Saved);
}

function filter(): PageTableFilter {
  return state?.filter ?? DEFAULT_FILTER;
}

function treeInput(stage: PanelStage): TreeInput | undefined {
  const r = state?.roots[stage];
  if (!state || !r?.ok) return undefined;
  return { stage, root: r.table, children, expanded, filter: filter(), machine: state.session.machine };
}

/** Asks for every expanded subtree that is not loaded (after a stop, all of them again). */
function requestSubtrees(): void {
  for (const stage of state?.stages ?? []) {
    const inp = treeInput(stage);
    if (!inp) continue;
    for (const r of expandRequests(inp)) post({ type: 'expand', stage, ...r });
  }
}

window.addEventListener('message', (ev: MessageEvent<ToPageTablesMessage>) => {
  const m = ev.data;
  switch (m.type) {
    case 'state':
      state = m.state;
      if (!tab || (tab !== 'diff' && !state.stages.includes(tab)) || (tab === 'diff' && !state.shadowDiff)) tab = state.stages[0];
      // While the guest runs the snapshot stays the last stop's; at a stop every open subtree is read again.
      if (!state.session.running) { children.clear(); requestSubtrees(); }
      // A new stop: the walk of the address in the box may have changed too.
      if (translation && !state.session.running) post({ type: 'translate', address: translation.address, access });
      break;
    case 'subtree':
      children.set(m.nodeId, m.result);
      requestSubtrees();
      break;
    case 'translation':
      translation = { address: m.address, result: m.result };
      break;
    case 'error':
      showError(m.message);
      return;
  }
  render();
});

function showError(message: string): void {
  const el = document.getElementById('error');
  if (el) setChildren(el, message);
}

// ---------------------------------------------------------------- rendering

function render(): void {
  // Re-rendering replaces the rows: keep the keyboard focus on the same row when it was in the tree.
  const active = document.activeElement as HTMLElement | null;
  const refocus = active?.dataset.id;
  if (refocus) focusedId = refocus;
  if (!state) { setChildren(root, h('h1', {}, 'Page Tables'), h('p', { class: 'muted' }, 'Waiting for the debug session…')); return; }
  const s = state.session;
  const status = s.running ? 'running — showing the last stop' : `stopped${s.stopReason ? ` (${s.stopReason})` : ''}${s.threadId !== undefined ? ` on thread ${s.threadId}` : ''}`;
  const kind = s.machine === 'bare' ? 'bare machine' : `hypervisor, ${s.paging ?? 'nested'} paging`;
  setChildren(root,
    h('header', {},
      h('h1', {}, 'Page Tables'),
      h('p', { class: 'muted' }, `${s.name} · ${kind} · ${status} `, h('button', { class: 'secondary', onclick: () => post({ type: 'refresh' }) }, 'Refresh')),
      h('div', { id: 'error', class: 'error', role: 'alert' })),
    translateBox(),
    tabs(),
    h('section', { id: 'tabpanel', role: 'tabpanel', 'aria-labelledby': `tab-${tab}` }, tab === 'diff' ? diffView() : tableView(tab as PanelStage)));
  if (refocus) root.querySelector<HTMLElement>(`[data-id="${CSS.escape(refocus)}"]`)?.focus();
}

function tabs(): HTMLElement {
  const all: Tab[] = [...(state?.stages ?? []), ...(state?.shadowDiff ? ['diff' as const] : [])];
  const title = (t: Tab): string => (t === 'diff' ? 'Guest vs shadow' : STAGE_TITLES[t]);
  const select = (t: Tab): void => { tab = t; persist(); render(); document.getElementById(`tab-${t}`)?.focus(); };
  return h('div', { role: 'tablist', class: 'tabs', 'aria-label': 'Tables' }, ...all.map((t, i) => h('button', {
    id: `tab-${t}`, role: 'tab', 'aria-selected': t === tab ? 'true' : 'false', tabindex: t === tab ? 0 : -1, class: t === tab ? 'tab active' : 'tab',
    onclick: () => select(t),
    onkeydown: (e: Event) => {
      const k = (e as KeyboardEvent).key;
      if (k === 'ArrowRight') select(all[(i + 1) % all.length]);
      else if (k === 'ArrowLeft') select(all[(i + all.length - 1) % all.length]);
    },
  }, title(t))));
}

function filterBar(): HTMLElement {
  const f = filter();
  const set = (patch: Partial<PageTableFilter>): void => {
    const nf = { ...f, ...patch };
    if (state) state.filter = nf;
    post({ type: 'setFilter', filter: nf });
    render();
  };
  const range = (key: 'from' | 'to', label: string): HTMLElement => h('label', {}, `${label} `, h('input', {
    type: 'text', value: f[key], placeholder: '0x…', size: 18, 'aria-label': `address range ${label}`,
    onchange: (e: Event) => set({ [key]: (e.target as HTMLInputElement).value } as Partial<PageTableFilter>),
  }));
  return h('div', { class: 'filters', role: 'group', 'aria-label': 'Filters' },
    h('label', {}, h('input', { type: 'checkbox', checked: f.onlyValid, onchange: (e: Event) => set({ onlyValid: (e.target as HTMLInputElement).checked }) }), ' only valid'),
    h('label', {}, h('input', { type: 'checkbox', checked: f.onlyLeaf, onchange: (e: Event) => set({ onlyLeaf: (e.target as HTMLInputElement).checked }) }), ' only leaves (loaded)'),
    range('from', 'from'), range('to', 'to'));
}

function tableView(stage: PanelStage): HTMLElement {
  const r = state!.roots[stage];
  const empty = emptyText(stage, r, state!.session.running);
  const head = r?.ok ? h('p', { class: 'muted' }, `${r.table.mode} · root table at ${r.table.tableAddr} (${r.table.addressSpace === 'gpa' ? 'guest physical' : 'physical'}) · level ${r.table.level}`) : undefined;
  if (empty || !r?.ok) return h('div', {}, head, h('p', { class: 'empty' }, empty ?? ''));
  const rows = treeRows(treeInput(stage)!);
  const rowEls: HTMLElement[] = [];
  const tree = h('div', { role: 'tree', class: 'tree', 'aria-label': STAGE_TITLES[stage], 'aria-multiselectable': 'false' },
    h('div', { class: 'row header', 'aria-hidden': 'true' },
      h('span', {}, 'level · index'), h('span', {}, 'range'), h('span', {}, 'size'), h('span', {}, 'flags'),
      h('span', {}, 'target / next table'), h('span', {}, 'PTE'), h('span', {}, 'PTE address')));
  for (const row of rows) {
    const el = treeRow(row, rowEls);
    rowEls.push(el);
    tree.append(el);
    if (row.error) tree.append(h('div', { class: 'row sub error', style: `--depth:${row.depth + 1}` }, h('span', {}, `could not read the table: ${row.error}`)));
  }
  if (rows.length === 0) tree.append(h('p', { class: 'empty' }, 'No entries match the filters.'));
  // Roving tabindex: one row is in the tab order.
  const keep = rowEls.find((e) => e.dataset.id === focusedId) ?? rowEls[0];
  if (keep) keep.tabIndex = 0;
  return h('div', {}, head, filterBar(),
    h('p', { class: 'muted hint' }, 'Keys: ↑/↓ move, → expand, ← collapse, Enter expand or open the target in the memory view, P open the PTE address.'),
    tree);
}

function toggle(row: TreeRow, open: boolean): void {
  if (!row.expandable) return;
  if (open) expanded.add(row.id); else expanded.delete(row.id);
  persist();
  if (open) requestSubtrees();
  focusedId = row.id;
  render();
  root.querySelector<HTMLElement>(`[data-id="${CSS.escape(row.id)}"]`)?.focus();
}

function treeRow(row: TreeRow, rowEls: HTMLElement[]): HTMLElement {
  const twisty = row.expandable ? (row.expanded ? '▾' : '▸') : ' ';
  const flags = h('span', { class: `flags kind-${row.kind}`, title: 'V R W X U G A D' }, row.flags);
  const el = h('div', {
    role: 'treeitem', class: `row kind-${row.kind}`, tabindex: -1, 'data-id': row.id, style: `--depth:${row.depth}`,
    'aria-level': row.depth + 1, 'aria-expanded': row.expandable ? String(row.expanded) : undefined,
    'aria-label': `level ${row.level} index ${row.index}, ${row.va} to ${row.vaEnd}, ${row.kind}, flags ${row.flags}`,
    onclick: () => { focusRow(rowEls, el); if (row.expandable) toggle(row, !row.expanded); },
    onkeydown: (e: Event) => {
      const k = (e as KeyboardEvent).key;
      if (moveFocus(rowEls, el, k)) { e.preventDefault(); focusedId = row.id; return; }
      if (k === 'ArrowRight' && row.expandable && !row.expanded) toggle(row, true);
      else if (k === 'ArrowLeft' && row.expanded) toggle(row, false);
      else if (k === 'ArrowLeft' && row.depth > 0) {
        const i = rowEls.indexOf(el);
        const parent = rowEls.slice(0, i).reverse().find((r) => Number(r.getAttribute('aria-level')) === row.depth);
        focusRow(rowEls, parent);
      } else if (k === 'Enter' || k === ' ') {
        if (row.expandable) toggle(row, !row.expanded);
        else if (row.targetRef) openMemory(row.targetRef);
      } else if ((k === 'p' || k === 'P') && row.pteRef) openMemory(row.pteRef);
      else return;
      e.preventDefault();
    },
  },
  h('span', { class: 'lvl' }, h('span', { class: 'twisty', 'aria-hidden': 'true' }, twisty), `L${row.level} · ${row.index}`),
  h('span', {}, addrLink(row.va, row.vaRef, openMemory), h('span', { class: 'muted' }, ` – ${row.vaEnd}`)),
  h('span', {}, row.size),
  flags,
  h('span', {}, addrLink(row.target, row.targetRef, openMemory), row.misaligned ? h('span', { class: 'warn', title: 'PPN not aligned to the page size: any access faults' }, ' misaligned') : undefined,
    row.loading ? h('span', { class: 'muted' }, ' loading…') : undefined),
  h('span', { class: 'mono muted' }, row.pte),
  h('span', {}, addrLink(row.pteAddr, row.pteRef, openMemory)));
  return el;
}

// ---------------------------------------------------------------- translation box

function translateBox(): HTMLElement {
  const input = h('input', { type: 'text', id: 'va', value: address, placeholder: 'guest VA or expression, e.g. 0x80001000 or $sp', size: 36, 'aria-label': 'guest virtual address' }) as HTMLInputElement;
  const sel = h('select', { 'aria-label': 'access kind' }, ...(['load', 'store', 'fetch'] as const).map((a) => h('option', { value: a, selected: a === access }, a))) as HTMLSelectElement;
  const go = (e?: Event): void => {
    e?.preventDefault();
    address = input.value.trim();
    access = sel.value as typeof access;
    persist();
    if (address) post({ type: 'translate', address, access });
  };
  const form = h('form', { class: 'translate', onsubmit: go }, h('label', { for: 'va' }, 'Translate '), input, ' ', sel, ' ', h('button', { type: 'submit' }, 'Walk'));
  return h('section', { 'aria-label': 'Translation' }, form, translation ? walkView() : undefined);
}

function walkCell(c: WalkCell | undefined, title: string): HTMLElement {
  if (!c) return h('td', { class: 'cell none' }, '');
  return h('td', { class: `cell kind-${c.kind}${c.fault ? ' fault' : ''}`, title },
    h('div', {}, `L${c.level}[${c.index}]`, c.fault ? h('span', { class: 'fault-mark', 'aria-label': 'fault here' }, ' ✗') : undefined),
    h('div', { class: 'flags' }, c.flags ?? c.kind),
    h('div', {}, addrLink(c.pteAddr, c.pteRef, openMemory)));
}

function walkView(): HTMLElement {
  const t = translation!;
  if (!t.result.ok) return h('p', { class: 'error' }, `${t.address}: ${t.result.error}`);
  const g = walkGrid(t.result.body, state?.session.machine);
  const mainTitle = g.twoStage ? 'VS PTE' : 'PTE';
  const table = h('table', { class: 'walk', 'aria-label': '2-D walk' },
    h('caption', {}, g.twoStage ? `${g.address}: ${g.firstMode} over ${g.gMode ?? 'Bare'} — each VS-stage PTE address (a GPA) is itself walked through the G stage` : `${g.address}: ${g.firstMode}`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, g.twoStage ? 'row (GPA walked)' : 'level'), ...g.gColumns.map((c) => h('th', { scope: 'col' }, c)), h('th', { scope: 'col' }, g.twoStage ? mainTitle : 'PTE'), h('th', { scope: 'col' }, 'result'))),
    h('tbody', {}, ...g.rows.map((r) => h('tr', { class: r.fault ? 'fault-row' : '' },
      h('th', { scope: 'row' }, r.label, r.input ? h('div', { class: 'muted mono' }, r.input) : undefined),
      ...r.gCells.map((c, i) => walkCell(c, `${g.gColumns[i]} of ${r.input ?? ''}`)),
      r.label === 'final GPA' ? h('td', { class: 'cell none' }, '—') : walkCell(r.main, mainTitle),
      h('td', { class: r.fault ? 'error' : 'muted' }, r.outcome ?? '')))));
  const f = g.fault;
  return h('div', { class: 'walk-view' },
    g.rows.length > 0 ? table : undefined,
    h('p', { class: f || g.faultBeforeWalk ? 'error' : 'ok' }, f ? '✗ ' : '✓ ', g.outcome, g.pa ? ' · ' : undefined, g.pa ? addrLink(g.pa, state?.session.machine === 'bare' ? `p:${g.pa}` : undefined, openMemory, true) : undefined),
    f ? h('div', { class: 'trap' },
      h('p', {}, `The hart would take ${f.causeName} (cause ${f.cause}) into ${f.target}-mode, from the ${f.walk === 'final' ? 'final G-stage walk' : g.twoStage ? 'VS-stage walk' : 'walk'} at level ${f.level}${f.gpa ? `, faulting GPA ${f.gpa}${f.implicit ? ' (implicit access to a VS-stage PTE)' : ''}` : ''}. It writes:`),
      h('ul', {}, ...f.writes.map((w) => h('li', {}, h('code', {}, w.csr), ' = ', w.value)))) : undefined);
}

// ---------------------------------------------------------------- shadow diff

function diffView(): HTMLElement {
  const d = state!.shadowDiff;
  if (!d) return h('p', { class: 'empty' }, 'No shadow page tables in this session.');
  if (!d.ok) return h('p', { class: 'error' }, `Could not compare the tables: ${d.error}`);
  return diffTable(d.diff);
}

function diffTable(d: ShadowDiffResponseBody): HTMLElement {
  if (d.message) return h('p', { class: 'empty' }, d.message);
  const rows = diffRows(d, onlyProblems);
  return h('div', {},
    h('p', {}, `Guest ${d.guestMode} vs shadow ${d.shadowMode}: ${diffSummary(d)}${d.truncated ? ' (cut short: large table)' : ''}`),
    h('label', {}, h('input', { type: 'checkbox', checked: onlyProblems, onchange: (e: Event) => { onlyProblems = (e.target as HTMLInputElement).checked; persist(); render(); } }), ' only stale entries'),
    h('table', { class: 'diff', 'aria-label': 'guest table vs shadow table' },
      h('thead', {}, h('tr', {}, ...['GVA', 'size', 'state', 'guest GPA', 'guest flags', 'guest host page', 'shadow host page', 'shadow flags', 'note'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, ...rows.map((r) => h('tr', { class: `state-${r.state}` },
        h('td', {}, addrLink(r.va, `v:${r.va}`, openMemory, true)),
        h('td', {}, r.pages && r.pages > 1 ? `${r.size} (${r.filled ?? 0}/${r.pages} pages)` : r.size),
        h('td', {}, DIFF_STATE_TEXT[r.state]),
        h('td', {}, addrLink(r.guestGpa, r.guestGpa ? `p:${r.guestGpa}` : undefined, openMemory, true)),
        h('td', { class: 'flags' }, r.guestFlags ?? '—'),
        h('td', { class: 'mono' }, r.guestHpa ?? '—'),
        h('td', { class: 'mono' }, r.shadowHpa ?? '—'),
        h('td', { class: 'flags' }, r.shadowFlags ?? '—'),
        h('td', { class: 'muted' }, r.note ?? ''))))));
}

render();
post({ type: 'ready' });
