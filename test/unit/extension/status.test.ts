// The status bar item's text from the adapter's `hvscope/status` events (src/extension/status.ts).
import assert from 'node:assert/strict';
import { asStatusBody, statusView, vcpuSummary } from '../../../src/extension/status';
import type { StatusEventBody, VcpuStatus } from '../../../src/protocol/requests';

const vcpu = (i: number, state: VcpuStatus['state'], retired = 1000): VcpuStatus => ({ threadId: i + 1, name: `vCPU ${i}`, state, privilege: 'VS', retired });

const live: StatusEventBody = {
  running: false, machine: 'hypervisor', paging: 'nested', guestMode: 'Sv39', vcpus: [vcpu(0, 'stopped', 1_234_567)],
  focus: 1, exits: 1234, retired: 1_234_567, engine: 'jit',
};

describe('extension/status (live)', () => {
  it('shows the vCPU, the paging of both stages and the exits so far', () => {
    const v = statusView('guest', { machine: 'hypervisor', paging: 'nested' }, live);
    assert.equal(v.text, '$(vm) guest: vCPU 0 stopped · nested Sv39 · 1,234 exits');
    assert.match(v.tooltip, /retired instructions: 1,234,567/);
    assert.match(v.tooltip, /engine: binary translator/);
    assert.match(v.tooltip, /vCPU 0: stopped, VS-mode, 1,234,567 instructions \(focus\)/);
  });

  it('counts the states of several vCPUs and says "exit" for one', () => {
    const st = { ...live, running: true, exits: 1, paging: 'shadow' as const, guestMode: 'Bare', vcpus: [vcpu(0, 'running'), vcpu(1, 'wfi'), vcpu(2, 'running'), vcpu(3, 'parked')] };
    assert.equal(statusView('linux', {}, st).text, '$(vm) linux: 4 vCPUs: 2 running, 1 wfi, 1 parked · shadow Bare · 1 exit');
    assert.match(statusView('linux', {}, st).tooltip, /\(running\)/);
  });

  it('has no exits or hypervisor paging on a bare machine', () => {
    const st: StatusEventBody = { ...live, machine: 'bare', paging: 'bare', guestMode: 'Sv48', exits: 0, engine: 'interp', vcpus: [{ threadId: 1, name: 'hart 0', state: 'wfi', privilege: 'S', retired: 5 }] };
    const v = statusView('fw', { machine: 'bare' }, st);
    assert.equal(v.text, '$(vm) fw: hart 0 wfi · Sv48');
    assert.doesNotMatch(v.tooltip, /VM exits/);
    assert.match(v.tooltip, /engine: interpreter/);
    assert.equal(vcpuSummary([], true), 'no harts');
  });

  it('falls back to the configuration until the first event, and checks the event body', () => {
    assert.equal(statusView('g', { paging: 'shadow' }).text, '$(vm) g: hypervisor · shadow paging');
    assert.equal(asStatusBody(live), live);
    assert.equal(asStatusBody({ text: 'console' }), undefined);
    assert.equal(asStatusBody(undefined), undefined);
  });
});
