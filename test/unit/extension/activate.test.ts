// activate() against a minimal fake of the `vscode` module: the factory, providers, commands and
// the per-session status item and console are registered, wired and disposed with the session.
import assert from 'node:assert/strict';
import Module from 'node:module';

type Listener = (e: unknown) => void;
const log: string[] = [];
const listeners: Record<string, Listener[]> = {};
const commands = new Map<string, () => Promise<void>>();
const factories = new Map<string, { createDebugAdapterDescriptor(s: unknown): unknown }>();
const requests: [string, unknown][] = [];
const trackers = new Map<string, { createDebugAdapterTracker(s: unknown): { onDidSendMessage(m: unknown): void } }>();
let activeDebugSession: unknown;

class EventEmitter<T> {
  private fns: ((v: T) => void)[] = [];
  event = (f: (v: T) => void) => { this.fns.push(f); return { dispose() {} }; };
  fire(v: T) { for (const f of this.fns) f(v); }
  dispose() { this.fns = []; }
}
const on = (name: string) => (f: Listener) => { (listeners[name] ??= []).push(f); return { dispose() {} }; };
const emit = (name: string, e: unknown) => { for (const f of listeners[name] ?? []) f(e); };
let pty: { open(): void; handleInput(d: string): void; onDidWrite(f: (s: string) => void): void } | undefined;
const written: string[] = [];

const fakeVscode = {
  EventEmitter,
  ThemeIcon: class { constructor(readonly id: string) {} },
  StatusBarAlignment: { Left: 1 },
  DebugConfigurationProviderTriggerKind: { Initial: 1, Dynamic: 2 },
  DebugAdapterExecutable: class { constructor(readonly command: string, readonly args: string[]) {} },
  DebugAdapterServer: class { constructor(readonly port: number) {} },
  DebugAdapterInlineImplementation: class { constructor(readonly impl: unknown) {} },
  TabInputText: class {}, TabInputCustom: class {},
  workspace: { getConfiguration: () => ({ get: () => undefined }), workspaceFolders: undefined },
  commands: { registerCommand: (id: string, f: () => Promise<void>) => { commands.set(id, f); return { dispose() {} }; } },
  window: {
    showWarningMessage: (m: string) => { log.push(`warn ${m}`); },
    showErrorMessage: (m: string) => { log.push(`error ${m}`); },
    showInformationMessage: (m: string) => { log.push(`info ${m}`); },
    createStatusBarItem: () => ({ text: '', show() { log.push(`status ${this.text}`); }, dispose() { log.push('status disposed'); } }),
    createTerminal: (o: { name: string; pty: typeof pty }) => {
      pty = o.pty;
      pty!.onDidWrite((s) => written.push(s));
      return { show() { log.push(`terminal ${o.name}`); }, dispose() { log.push('terminal disposed'); } };
    },
  },
  debug: {
    get activeDebugSession() { return activeDebugSession; },
    registerDebugAdapterDescriptorFactory: (t: string, f: { createDebugAdapterDescriptor(s: unknown): unknown }) => { factories.set(t, f); return { dispose() {} }; },
    registerDebugAdapterTrackerFactory: (t: string, f: { createDebugAdapterTracker(s: unknown): { onDidSendMessage(m: unknown): void } }) => { trackers.set(t, f); return { dispose() {} }; },
    registerDebugConfigurationProvider: (t: string) => { log.push(`provider ${t}`); return { dispose() {} }; },
    onDidStartDebugSession: on('start'),
    onDidTerminateDebugSession: on('terminate'),
    onDidReceiveDebugSessionCustomEvent: on('custom'),
  },
};

describe('extension/activate (fake vscode)', () => {
  const M = Module as unknown as { _load(req: string, parent: unknown, isMain: boolean): unknown };
  const load = M._load;
  before(() => { M._load = (req, parent, isMain) => req === 'vscode' ? fakeVscode : load(req, parent, isMain); });
  after(() => { M._load = load; });

  it('registers, runs a session and cleans up after it', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ext = require('../../../src/extension/extension') as typeof import('../../../src/extension/extension');
    const subscriptions: { dispose(): void }[] = [];
    ext.activate({ subscriptions, asAbsolutePath: (p: string) => `/ext/${p}` } as never);
    assert.deepEqual([...commands.keys()].sort(), ['hvscope.continueToGuestEntry', 'hvscope.continueToTrap', 'hvscope.continueToVmExit']);
    assert.equal(log.filter((l) => l === 'provider hvscope').length, 2);

    const session = {
      id: 's1', type: 'hvscope', name: 'guest', workspaceFolder: undefined,
      configuration: { machine: 'hypervisor', paging: 'shadow' },
      customRequest: async (cmd: string, args: unknown) => { requests.push([cmd, args]); },
    };
    const d = factories.get('hvscope')!.createDebugAdapterDescriptor(session) as { command: string; args: string[] };
    assert.equal(d.command, process.execPath);
    assert.deepEqual(d.args, ['/ext/dist/adapter.js']);

    await commands.get('hvscope.continueToTrap')!();
    assert.ok(log.some((l) => l.startsWith('warn')), 'no session: a warning, no request');
    assert.equal(requests.length, 0);

    emit('start', session);
    activeDebugSession = session;
    assert.ok(log.includes('status $(vm) guest: hypervisor · shadow paging'));
    assert.ok(log.includes('terminal hvscope console: guest'));
    emit('custom', { session, event: 'hvscope/console', body: { text: 'early\n' } });
    pty!.open();
    emit('custom', { session, event: 'hvscope/console', body: { text: 'late\n' } });
    assert.equal(written.join(''), 'early\r\nlate\r\n');
    pty!.handleInput('ls\r');
    await commands.get('hvscope.continueToVmExit')!();
    assert.deepEqual(requests, [['hvscope/consoleInput', { text: 'ls\r' }], ['hvscope/continueToVmExit', {}]]);

    // The tracker turns the adapter's stopped/continued events into the panels' refresh events.
    const events = require('../../../src/extension/sessionEvents') as typeof import('../../../src/extension/sessionEvents'); // eslint-disable-line @typescript-eslint/no-require-imports
    const stops: unknown[] = [];
    events.onDidStop((e) => stops.push([e.reason, e.threadId]));
    const tracker = trackers.get('hvscope')!.createDebugAdapterTracker(session);
    tracker.onDidSendMessage({ type: 'event', event: 'stopped', body: { reason: 'breakpoint', threadId: 2 } });
    assert.deepEqual(stops, [['breakpoint', 2]]);
    assert.equal(events.lastStopOf(session as never)?.reason, 'breakpoint');
    tracker.onDidSendMessage({ type: 'event', event: 'continued', body: { threadId: 2 } });
    assert.equal(events.lastStopOf(session as never), undefined);

    emit('terminate', session);
    assert.ok(log.includes('status disposed'));
    assert.ok(log.includes('terminal disposed'));
  });
});
