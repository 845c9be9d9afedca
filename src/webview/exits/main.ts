// The VM-exits panel's front-end (ARCHITECTURE.md §8): counts by reason and detail as bars, the
// guest PCs that exit most (with source lines), the timeline of recent exits with their
// retired-instruction stamps, and the memory-virtualization statistics. A click (or Enter) on a
// location opens the source, or the disassembly when there is none.
import type { ExitLogResponseBody } from '../../protocol/requests';
import type { FromExitsMessage, ExitsState, ToExitsMessage } from '../../protocol/webview';
import { addrLink, focusRow, h, moveFocus, setChildren, vscodeApi } from '../shared/dom';
import { bars, exitsEmptyText, pcRows, statRows, timelineRows, type Bar } from './model';

const api = vscodeApi<FromExitsMessage>();
const post = (m: FromExitsMessage): void => api.postMessage(m);
const root = document.getElementById('root')!;
let state: ExitsState | undefined;

window.addEventListener('message', (ev: MessageEvent<ToExitsMessage>) => {
  const m = ev.data;
  if (m.type === 'state') { state = m.state; render(); } else if (m.type === 'error') {
    const el = document.getElementById('error');
    if (el) setChildren(el, m.message);
  }
});

const open = (pc: string, location?: string): void => post({ type: 'openLocation', pc, location });

function barList(title: string, list: Bar[]): HTMLElement {
  return h('section', { 'aria-label': title },
    h('h2', {}, title),
    list.length === 0 ? h('p', { class: 'muted' }, 'none') : h('ul', { class: 'bars' }, ...list.map((b) => h('li', { class: 'bar-row', title: `${b.label}: ${b.count} (${b.percent}%)` },
      h('span', { class: 'bar-label' }, b.label),
      h('span', { class: 'bar-track' }, h('span', { class: 'bar', style: `width:${b.width}%` })),
      h('span', { class: 'bar-count' }, `${b.count} · ${b.percent}%`)))));
}

/** A table whose body rows are keyboard-navigable (roving tabindex; Enter opens the row's location). */
function rowsTable(label: string, headers: string[], rows: { cells: (Node | string)[]; onOpen: () => void; label: string }[]): HTMLElement {
  const rowEls: HTMLElement[] = [];
  const body = h('tbody');
  rows.forEach((r, i) => {
    const tr = h('tr', {
      tabindex: i === 0 ? 0 : -1, class: 'nav-row', 'aria-label': r.label,
      onclick: () => { focusRow(rowEls, tr); r.onOpen(); },
      onkeydown: (e: Event) => {
        const k = (e as KeyboardEvent).key;
        if (moveFocus(rowEls, tr, k)) { e.preventDefault(); return; }
        if (k === 'Enter' || k === ' ') { e.preventDefault(); r.onOpen(); }
      },
    }, ...r.cells.map((c) => h('td', {}, c)));
    rowEls.push(tr);
    body.append(tr);
  });
  return h('table', { class: 'grid', 'aria-label': label }, h('thead', {}, h('tr', {}, ...headers.map((c) => h('th', { scope: 'col' }, c)))), body);
}

function render(): void {
  const s = state?.session;
  const head = h('header', {},
    h('h1', {}, 'VM Exits'),
    s ? h('p', { class: 'muted' }, `${s.name} · ${s.machine === 'bare' ? 'bare machine' : `hypervisor, ${s.paging ?? 'nested'} paging`} · ${s.running ? 'running — showing the last stop' : 'stopped'} `,
      h('button', { class: 'secondary', onclick: () => post({ type: 'refresh' }) }, 'Refresh')) : h('p', { class: 'muted' }, 'Waiting for the debug session…'),
    h('div', { id: 'error', class: 'error', role: 'alert' }));
  const l = state?.log;
  if (!state || !l) { setChildren(root, head, state ? h('p', { class: 'empty' }, exitsEmptyText(undefined, state.session.running) ?? '') : undefined); return; }
  if (!l.ok) { setChildren(root, head, h('p', { class: 'error' }, `Could not read the exit log: ${l.error}`)); return; }
  const log: ExitLogResponseBody = l.body;
  const empty = exitsEmptyText(log, state.session.running);
  if (empty) { setChildren(root, head, h('p', { class: 'empty' }, empty)); return; }
  const pcs = pcRows(log);
  const timeline = timelineRows(log.records);
  const stats = statRows(log.stats);
  setChildren(root, head,
    h('p', {}, `${log.total} exits in all; the timeline shows the latest ${log.records.length}.`),
    h('div', { class: 'columns' }, barList('By reason', bars(log.byReason, log.total)), barList('By detail', bars(log.byDetail, log.total))),
    h('section', { 'aria-label': 'By guest PC' }, h('h2', {}, 'By guest PC'),
      rowsTable('exits by guest PC', ['guest PC', 'exits', 'source', 'reasons'], pcs.map((p) => ({
        label: `${p.pc}, ${p.count} exits, ${p.where || 'no source'}`, onOpen: () => open(p.pc, p.location),
        cells: [h('span', { class: 'mono' }, p.pc), String(p.count), h('span', { class: p.hasSource ? 'link' : 'muted' }, p.where || 'disassembly'), p.reasons],
      })))),
    h('section', { 'aria-label': 'Timeline' }, h('h2', {}, 'Timeline (newest first)'),
      rowsTable('recent exits', ['#', 'vCPU', 'reason', 'detail', 'guest PC', 'source', 'GPA', 'retired', 'Δ retired'], timeline.map((r) => ({
        label: `exit ${r.seq}: ${r.reason} ${r.detail} at ${r.pc}`, onOpen: () => open(r.pc, r.location),
        cells: [String(r.seq), String(r.vcpu), r.reason, r.detail, h('span', { class: 'mono' }, r.pc),
          h('span', { class: r.hasSource ? 'link' : 'muted' }, r.where || 'disassembly'),
          r.gpa ? addrLink(r.gpa, `p:${r.gpa}`, (ref) => post({ type: 'openMemory', memoryReference: ref })) : '',
          String(r.retired), r.sincePrevious === undefined ? '' : `+${r.sincePrevious}`],
      })))),
    stats.length > 0 ? h('section', { 'aria-label': 'Statistics' }, h('h2', {}, 'Memory virtualization'),
      h('dl', { class: 'stats' }, ...stats.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))) : undefined);
}

render();
post({ type: 'ready' });
