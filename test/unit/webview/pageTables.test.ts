// The page-tables panel's data shaping: tree rows from hvscope/pageTable answers (lazy subtrees,
// filters, memory links), the empty states, the walk grid of a single-stage walk, the diff summary.
import assert from 'node:assert/strict';
import type { PageTableEntry, PageTableResponseBody, ShadowDiffResponseBody, TranslateResponseBody } from '../../../src/protocol/requests';
import type { TableResult } from '../../../src/protocol/webview';
import {
  DEFAULT_FILTER, diffRows, diffSummary, emptyText, expandRequests, levelsOf, nodeId, parseAddress, sizeLabel, spacesOf, treeRows,
  walkGrid, type TreeInput,
} from '../../../src/webview/pageTables/model';

const e = (index: number, va: string, size: string, kind: PageTableEntry['kind'], flags: string, target?: string): PageTableEntry => ({
  index, va, size, pteAddr: `0x${(0x8000_0000 + index * 8).toString(16)}`, pte: '0x1', flags, kind, target,
});

const root: PageTableResponseBody = {
  stage: 'vs', mode: 'Sv39', addressSpace: 'gpa', tableAddr: '0x80000000', level: 2,
  entries: [
    e(0, '0x0', '0x40000000', 'pointer', 'V-------', '0x80001000'),
    e(2, '0x80000000', '0x40000000', 'leaf', 'VRWX--AD', '0x80000000'),
    e(3, '0xc0000000', '0x40000000', 'invalid', '-RW-----'),
  ],
};
const sub: PageTableResponseBody = {
  stage: 'vs', mode: 'Sv39', addressSpace: 'gpa', tableAddr: '0x80001000', level: 1,
  entries: [e(0, '0x0', '0x200000', 'leaf', 'VR-X--A-', '0x80200000'), e(1, '0x200000', '0x200000', 'pointer', 'V-------', '0x80002000')],
};

function input(over: Partial<TreeInput> = {}): TreeInput {
  return { stage: 'vs', root, children: new Map(), expanded: new Set(), filter: { ...DEFAULT_FILTER }, machine: 'hypervisor', ...over };
}

describe('webview/pageTables model', () => {
  it('parses addresses and names sizes', () => {
    assert.equal(parseAddress(' 0x8000_1000 '), 0x8000_1000n);
    assert.equal(parseAddress('4096'), 4096n);
    assert.equal(parseAddress(''), undefined);
    assert.equal(parseAddress('sp+8'), undefined);
    assert.equal(sizeLabel(0x1000n), '4 KiB');
    assert.equal(sizeLabel(0x20_0000n), '2 MiB');
    assert.equal(sizeLabel(0x4000_0000n), '1 GiB');
    assert.equal(levelsOf('Sv48x4'), 4);
    assert.equal(levelsOf('Bare'), 0);
  });

  it('shows the root entries collapsed, valid only by default, with flags and memory links', () => {
    const rows = treeRows(input());
    assert.deepEqual(rows.map((r) => [r.level, r.index, r.kind, r.flags, r.expandable, r.expanded, r.depth]), [
      [2, 0, 'pointer', 'V-------', true, false, 0],
      [2, 2, 'leaf', 'VRWX--AD', false, false, 0],
    ]);
    const leaf = rows[1];
    assert.equal(leaf.vaEnd, '0xbfffffff');
    assert.equal(leaf.size, '1 GiB');
    assert.equal(leaf.vaRef, 'v:0x80000000', 'the VA opens in guest-virtual memory');
    assert.equal(leaf.targetRef, 'p:0x80000000', 'a VS-stage leaf maps to a guest-physical address');
    assert.equal(leaf.pteRef, 'p:0x80000010', 'VS-stage tables are guest-physical');
    assert.equal(treeRows(input({ filter: { ...DEFAULT_FILTER, onlyValid: false } })).length, 3);
  });

  it('expands lazily: an expanded node asks for its table, shows loading, then its entries one level deeper', () => {
    const id = nodeId('vs', 2, '0x0');
    const expanded = new Set([id]);
    assert.deepEqual(expandRequests(input({ expanded })), [{ nodeId: id, tableAddr: '0x80001000', level: 1, vaBase: '0x0' }]);
    assert.equal(treeRows(input({ expanded }))[0].loading, true);
    const children = new Map<string, TableResult>([[id, { ok: true, table: sub }]]);
    const rows = treeRows(input({ expanded, children }));
    assert.deepEqual(rows.map((r) => [r.va, r.depth, r.level]), [['0x0', 0, 2], ['0x0', 1, 1], ['0x200000', 1, 1], ['0x80000000', 0, 2]]);
    assert.equal(rows[0].loading, false);
    assert.deepEqual(expandRequests(input({ expanded, children })), [], 'nothing more to load');
    const failed = new Map<string, TableResult>([[id, { ok: false, error: 'not RAM' }]]);
    assert.equal(treeRows(input({ expanded, children: failed }))[0].error, 'not RAM');
  });

  it('filters: only leaves is a flat list of loaded leaves; the range keeps overlapping entries', () => {
    const id = nodeId('vs', 2, '0x0');
    const base = { expanded: new Set([id]), children: new Map<string, TableResult>([[id, { ok: true, table: sub }]]) };
    const leaves = treeRows(input({ ...base, filter: { ...DEFAULT_FILTER, onlyLeaf: true } }));
    assert.deepEqual(leaves.map((r) => [r.va, r.depth, r.kind]), [['0x0', 0, 'leaf'], ['0x80000000', 0, 'leaf']]);
    const ranged = treeRows(input({ ...base, filter: { ...DEFAULT_FILTER, from: '0x210000', to: '0x3fffff' } }));
    assert.deepEqual(ranged.map((r) => r.va), ['0x0', '0x200000'], 'the pointer covering the range and its overlapping child');
  });

  it('G-stage and shadow tables are host-physical: no memory link under the hypervisor', () => {
    assert.deepEqual(spacesOf('g', 'hpa', 'hypervisor'), { va: 'p', table: undefined, target: undefined });
    assert.deepEqual(spacesOf('g', 'hpa', 'bare'), { va: 'p', table: 'p', target: 'p' });
    assert.deepEqual(spacesOf('shadow', 'hpa', 'hypervisor'), { va: 'v' });
    assert.deepEqual(spacesOf('single', 'hpa', 'bare'), { va: 'v', table: 'p', target: 'p' });
  });

  it('has informative empty states', () => {
    const bare: TableResult = { ok: true, table: { stage: 'single', mode: 'Bare', addressSpace: 'hpa', tableAddr: '0x0', level: 0, entries: [], message: 'translation is off (MODE = Bare)' } };
    assert.match(emptyText('single', bare, false)!, /^Bare: no translation/);
    assert.match(emptyText('g', undefined, true)!, /running/);
    assert.match(emptyText('vs', { ok: false, error: 'boom' }, false)!, /Could not read the VS stage .*boom/);
    assert.equal(emptyText('vs', { ok: true, table: root }, false), undefined);
  });

  it('draws a single-stage walk with the fault at the last PTE read', () => {
    const t: TranslateResponseBody = {
      address: '0x1000', twoStage: false, outcome: 'load page fault (cause 13): V=0',
      first: {
        stage: 'single', mode: 'Sv39', input: '0x1000', outcome: 'load page fault (cause 13): V=0', steps: [
          { stage: 'single', level: 2, index: 0, pteAddr: '0x80000000', pte: '0x20000401', flags: 'V-------', kind: 'pointer' },
          { stage: 'single', level: 1, index: 0, pteAddr: '0x80001000', pte: '0x0', flags: '--------', kind: 'invalid' },
        ],
      },
    };
    const g = walkGrid(t, 'bare');
    assert.deepEqual(g.gColumns, []);
    assert.deepEqual(g.rows.map((r) => [r.label, r.fault, r.main?.fault]), [['L2', false, false], ['L1', true, true]]);
    assert.equal(g.rows[0].main?.pteRef, 'p:0x80000000');
    const early = walkGrid({ ...t, first: { ...t.first, steps: [] }, outcome: 'load page fault (cause 13): non-canonical address' });
    assert.equal(early.faultBeforeWalk, true);
  });

  it('summarizes and filters the shadow diff', () => {
    const d: ShadowDiffResponseBody = {
      guestMode: 'Sv39', shadowMode: 'Sv39', counts: { 'in-sync': 3, 'not-filled': 120, stale: 1 },
      rows: [{ va: '0x1000', size: '0x1000', state: 'in-sync' }, { va: '0x2000', size: '0x1000', state: 'stale' }],
    };
    assert.equal(diffSummary(d), '1 stale · 3 in sync · 120 not filled yet');
    assert.deepEqual(diffRows(d, true).map((r) => r.va), ['0x2000']);
    assert.equal(diffRows(d, false).length, 2);
    assert.equal(diffSummary({ ...d, counts: {} }), 'nothing mapped');
  });
});
