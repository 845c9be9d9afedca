import * as assert from 'node:assert';
import { trapFilterId, exitFilterIdForCause, exitFilterId, exitVariables, sbiCallName, ALL_FILTERS } from '../../../src/debug/runtime/filters';
import type { VmExit } from '../../../src/hypervisor/exits';

describe('debug/runtime/filters', () => {
  it('classifies guest traps', () => {
    assert.strictEqual(trapFilterId(13, false), 'page-fault');
    assert.strictEqual(trapFilterId(15, false), 'page-fault');
    assert.strictEqual(trapFilterId(2, false), 'illegal-instruction');
    assert.strictEqual(trapFilterId(8, false), 'ecall-u');
    assert.strictEqual(trapFilterId(9, false), 'ecall-s');
    assert.strictEqual(trapFilterId(10, false), 'ecall-s');
    assert.strictEqual(trapFilterId(3, false), 'breakpoint');
    assert.strictEqual(trapFilterId(4, false), 'misaligned');
    assert.strictEqual(trapFilterId(7, false), 'access-fault');
    assert.strictEqual(trapFilterId(5, true), 'interrupt');
    assert.strictEqual(trapFilterId(11, false), undefined);
  });

  it('classifies VM exits by cause (bare machine) and by decoded exit (hypervisor)', () => {
    assert.strictEqual(exitFilterIdForCause(10, false, false), 'vmexit-sbi');
    assert.strictEqual(exitFilterIdForCause(21, false, false), 'vmexit-guest-page-fault');
    assert.strictEqual(exitFilterIdForCause(22, false, true), 'vmexit-wfi');
    assert.strictEqual(exitFilterIdForCause(22, false, false), 'vmexit-virtual-instruction');
    assert.strictEqual(exitFilterIdForCause(9, true, false), 'vmexit-interrupt');
    const base = { vcpu: 0, cause: 10, pcLo: 0x1000, pcHi: 0, guestPriv: 1, retired: 0 };
    const sbi = { ...base, kind: 'sbi', ext: 0x4442434e, fid: 2, args: new Int32Array(12) } as VmExit;
    assert.strictEqual(exitFilterId(sbi), 'vmexit-sbi');
    assert.strictEqual(exitVariables(sbi).get('ext'), 0x4442434en);
    assert.strictEqual(exitVariables(sbi).get('fid'), 2n);
  });

  it('declares every filter the issue names', () => {
    const ids = ALL_FILTERS.map((f) => f.id);
    for (const id of ['page-fault', 'illegal-instruction', 'ecall-u', 'ecall-s', 'breakpoint', 'misaligned', 'access-fault', 'interrupt',
      'vmexit-sbi', 'vmexit-guest-page-fault', 'vmexit-virtual-instruction', 'vmexit-wfi', 'vmexit-interrupt']) assert.ok(ids.includes(id), id);
  });

  it('names SBI calls by the SBI specification', () => {
    assert.strictEqual(sbiCallName(0x54494d45, 0), 'TIME sbi_set_timer (ext 0x54494d45 fid 0)');
    assert.strictEqual(sbiCallName(0x4442434e, 0), 'DBCN sbi_debug_console_write (ext 0x4442434e fid 0)');
    assert.strictEqual(sbiCallName(0x10, 3), 'BASE sbi_probe_extension (ext 0x10 fid 3)');
    assert.strictEqual(sbiCallName(1, 0), 'legacy sbi_console_putchar (ext 0x1 fid 0)');
    assert.match(sbiCallName(0x12345678, 0), /^unknown extension/);
  });
});
