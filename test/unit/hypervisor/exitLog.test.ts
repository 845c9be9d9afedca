import assert from 'node:assert/strict';
import { ExitLog } from '../../../src/hypervisor/exitLog';
import type { VmExit } from '../../../src/hypervisor/exits';

const base = (pcLo: number, retired: number) => ({ vcpu: 0, cause: 10, pcLo, pcHi: -1, guestPriv: 1, retired });
const sbi = (pc: number, r: number): VmExit => ({ ...base(pc, r), kind: 'sbi', ext: 0x54494d45, fid: 0, args: new Int32Array(12) });
const mmio = (pc: number, r: number): VmExit => ({
  ...base(pc, r), cause: 23, kind: 'guest-page-fault', access: 'store', gpa: 0x1000_0000, gvaValid: true, gvaLo: 0, gvaHi: 0,
  htinst: 0, implicit: false, insnSource: 'memory',
  insn: { name: 'sb', store: true, size: 1, signed: false, fp: false, reg: 10, len: 2, raw: 0xa023 },
});
const wfi = (pc: number, r: number): VmExit => ({ ...base(pc, r), cause: 22, kind: 'wfi', insn: 0x10500073, len: 4 });

describe('hypervisor/exitLog', () => {
  it('counts by reason, detail and guest pc, and keeps the last N in a ring', () => {
    const log = new ExitLog(3);
    log.record(sbi(0x80001000 | 0, 5), 'TIME.set_timer');
    log.record(mmio(0x80002000 | 0, 9), 'uart0 store');
    log.record(mmio(0x80002000 | 0, 12), 'uart0 store');
    log.record(wfi(0x80003000 | 0, 20));
    log.record(mmio(0x80002000 | 0, 30), 'uart0 store');
    assert.equal(log.total, 5);
    assert.deepEqual(Object.fromEntries(log.byReason), { sbi: 1, mmio: 3, wfi: 1 });
    assert.equal(log.byDetail.get('mmio uart0 store'), 3);
    const e = log.entries();
    assert.deepEqual(e.map((r) => r.seq), [2, 3, 4], 'oldest first, ring of 3');
    assert.deepEqual(e.map((r) => r.retired), [12, 20, 30]);
    assert.equal(e[0].gpa, 0x1000_0000);
    assert.equal(e[0].insn, 0xa023);
    assert.equal(e[1].insn, 0x10500073);
    const top = log.topPcs(2);
    assert.equal(top[0].pcLo, 0x80002000 | 0);
    assert.equal(top[0].count, 3);
    assert.equal(top[0].byReason.get('mmio'), 3);
    assert.equal(top[1].count, 1);
  });

  it('prints a summary table with shares and symbols', () => {
    const log = new ExitLog();
    for (let i = 0; i < 3; i++) log.record(mmio(0x80002000 | 0, i), 'uart0 store');
    log.record(sbi(0x80001000 | 0, 9), 'TIME.set_timer');
    const text = log.summary({ symbol: (lo) => (lo === (0x80002000 | 0) ? 'uart_putc' : undefined) });
    assert.match(text, /^VM exits: 4$/m);
    assert.match(text, /^mmio\s+3\s+75\.0%$/m);
    assert.match(text, /^sbi\s+1\s+25\.0%$/m);
    assert.match(text, /^0xffffffff80002000 <uart_putc> mmio\s+3\s+75\.0%$/m);
    assert.match(text, /sbi TIME\.set_timer\s+1/);
    log.clear();
    assert.equal(log.summary(), 'VM exits: 0\n');
  });
});
