// The VM-exits panel's data shaping: bars by reason, rows by guest PC with source lines, the
// timeline with retired-instruction stamps, statistics, and the bare-machine empty state.
import assert from 'node:assert/strict';
import type { ExitLogRecord, ExitLogResponseBody } from '../../../src/protocol/requests';
import { bars, exitsEmptyText, parseLocation, pcRows, statRows, timelineRows } from '../../../src/webview/exits/model';

const rec = (seq: number, vcpu: number, reason: string, retired: number, location?: string): ExitLogRecord => ({
  seq, vcpu, reason, detail: `${reason}-d`, cause: 10, interrupt: false, pc: `0x${(0x8020_0000 + seq * 4).toString(16)}`, location, insn: 0, retired,
});

const log: ExitLogResponseBody = {
  total: 10, byReason: { sbi: 6, mmio: 3, wfi: 1, none: 0 }, byDetail: { 'sbi.putchar': 6 },
  topPcs: [
    { pc: '0x80200010', count: 6, location: '/src/guest/hello.c:42', reasons: { sbi: 6 } },
    { pc: '0x80200100', count: 3, location: 'uart_putc+0x10', reasons: { mmio: 2, sbi: 1 } },
  ],
  records: [rec(7, 0, 'sbi', 1000, '/src/guest/hello.c:42'), rec(8, 1, 'mmio', 1500), rec(9, 0, 'wfi', 1800)],
  stats: { fills: 4, shadow: { flushes: 2 } },
};

describe('webview/exits model', () => {
  it('makes bars largest first, with shares of the total and widths relative to the largest', () => {
    assert.deepEqual(bars(log.byReason, log.total), [
      { label: 'sbi', count: 6, percent: 60, width: 100 },
      { label: 'mmio', count: 3, percent: 30, width: 50 },
      { label: 'wfi', count: 1, percent: 10, width: 17 },
    ]);
    assert.deepEqual(bars({}), []);
  });

  it('tells source lines from symbols', () => {
    assert.deepEqual(parseLocation('/src/guest/hello.c:42'), { file: '/src/guest/hello.c', line: 42 });
    assert.deepEqual(parseLocation('C:\\g\\a.c:7'), { file: 'C:\\g\\a.c', line: 7 });
    assert.equal(parseLocation('uart_putc+0x10'), undefined);
    assert.equal(parseLocation(undefined), undefined);
  });

  it('lists guest PCs with base-name source and reasons', () => {
    const rows = pcRows(log);
    assert.deepEqual(rows.map((r) => [r.pc, r.count, r.where, r.hasSource, r.reasons]), [
      ['0x80200010', 6, 'hello.c:42', true, 'sbi 6'],
      ['0x80200100', 3, 'uart_putc+0x10', false, 'mmio 2 · sbi 1'],
    ]);
  });

  it('puts the newest exit first, with the retired stamp and the gap to the same vCPU’s previous exit', () => {
    const rows = timelineRows(log.records);
    assert.deepEqual(rows.map((r) => [r.seq, r.vcpu, r.retired, r.sincePrevious]), [[9, 0, 1800, 800], [8, 1, 1500, undefined], [7, 0, 1000, undefined]]);
    assert.equal(rows[2].where, 'hello.c:42');
    assert.equal(timelineRows(log.records, 1).length, 1);
  });

  it('flattens statistics and shows the adapter’s message on a bare machine', () => {
    assert.deepEqual(statRows(log.stats), [['fills', '4'], ['shadow.flushes', '2']]);
    const bare = { total: 0, byReason: {}, byDetail: {}, topPcs: [], records: [], message: 'machine "bare": no embedded hypervisor, no exit log' };
    assert.equal(exitsEmptyText(bare, false), bare.message);
    assert.equal(exitsEmptyText({ ...bare, message: undefined }, false), 'No VM exits yet.');
    assert.match(exitsEmptyText(undefined, true)!, /running/);
    assert.equal(exitsEmptyText(log, false), undefined);
  });
});
