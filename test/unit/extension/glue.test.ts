// The small vscode-free pieces of the extension: adapter plan, status text, continue arguments,
// console line ends.
import assert from 'node:assert/strict';
import { planAdapter } from '../../../src/extension/adapterPlan';
import { statusView } from '../../../src/extension/status';
import { CONTINUE_COMMANDS, continueArguments } from '../../../src/extension/commandIds';
import { LineEndTranslator, PendingOutput } from '../../../src/extension/consoleText';
import { HVSCOPE_REQUESTS } from '../../../src/protocol/requests';

describe('extension glue logic', () => {
  describe('planAdapter', () => {
    const opts = { nodePath: '/usr/bin/node', adapterPath: '/ext/dist/adapter.js', port: 4711 };
    it('runs dist/adapter.js with node by default', () => {
      assert.deepEqual(planAdapter('process', opts), { kind: 'executable', command: '/usr/bin/node', args: ['/ext/dist/adapter.js'] });
    });
    it('connects to the port in server mode and runs inline on request', () => {
      assert.deepEqual(planAdapter('server', { ...opts, port: 9123 }), { kind: 'server', port: 9123, host: '127.0.0.1' });
      assert.deepEqual(planAdapter('inline', opts), { kind: 'inline' });
    });
  });

  describe('statusView', () => {
    it('shows machine, paging and memory of a hypervisor session', () => {
      const v = statusView('Linux', { machine: 'hypervisor', paging: 'shadow', memory: '512M', vcpus: 2, kernel: 'Image' });
      assert.equal(v.text, '$(vm) Linux: hypervisor · shadow paging · 512M · 2 vCPUs');
      assert.match(v.tooltip, /paging: shadow/);
      assert.match(v.tooltip, /kernel: Image/);
    });
    it('defaults to nested paging and shows none for a bare machine', () => {
      assert.equal(statusView('g', {}).text, '$(vm) g: hypervisor · nested paging');
      const b = statusView('fw', { machine: 'bare', vcpus: 4 });
      assert.equal(b.text, '$(vm) fw: bare machine · 4 harts');
      assert.doesNotMatch(b.tooltip, /paging/);
    });
  });

  describe('continue commands', () => {
    it('map to the custom requests of src/protocol', () => {
      assert.equal(CONTINUE_COMMANDS['hvscope.continueToVmExit'], HVSCOPE_REQUESTS.continueToVmExit);
      assert.equal(CONTINUE_COMMANDS['hvscope.continueToTrap'], HVSCOPE_REQUESTS.continueToTrap);
      assert.equal(CONTINUE_COMMANDS['hvscope.continueToGuestEntry'], HVSCOPE_REQUESTS.continueToGuestEntry);
    });
    it('pass the focused thread only when it belongs to the session', () => {
      assert.deepEqual(continueArguments('s1', { sessionId: 's1', threadId: 3 }), { threadId: 3 });
      assert.deepEqual(continueArguments('s1', { sessionId: 's2', threadId: 3 }), {});
      assert.deepEqual(continueArguments('s1', { sessionId: 's1' }), {});
      assert.deepEqual(continueArguments('s1', undefined), {});
    });
  });

  describe('console text', () => {
    it('turns lone LF into CRLF and leaves CRLF alone, across chunks', () => {
      const t = new LineEndTranslator();
      assert.equal(t.translate('a\nb\r\nc'), 'a\r\nb\r\nc');
      assert.equal(t.translate('x\r'), 'x\r');
      assert.equal(t.translate('\ny\n'), '\ny\r\n');
    });
    it('keeps early output until the terminal opens, dropping the oldest beyond the limit', () => {
      const p = new PendingOutput(8);
      p.push('abcd');
      p.push('efgh');
      assert.equal(p.take(), 'abcdefgh');
      assert.equal(p.take(), '');
      p.push('1234');
      p.push('5678');
      p.push('9');
      assert.equal(p.take(), '56789');
    });
  });
});
