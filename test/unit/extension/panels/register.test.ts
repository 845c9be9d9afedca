// registerPanels() against a minimal fake of `vscode`: the commands open one panel per session with
// the nonce HTML, answer the webview's messages through the adapter's custom requests, refresh at
// every stop, open memory and sources, and dispose the panels with their session.
import assert from 'node:assert/strict';
import Module from 'node:module';
import { join } from 'node:path';

const srcDir = join(__dirname, '..', '..', '..', '..', 'src');

class EventEmitter<T> {
  private fns: ((v: T) => void)[] = [];
  event = (f: (v: T) => void) => { this.fns.push(f); return { dispose: () => { this.fns = this.fns.filter((x) => x !== f); } }; };
  fire(v: T) { for (const f of [...this.fns]) f(v); }
  dispose() { this.fns = []; }
}
interface FakeUri { scheme: string; authority?: string; path: string; toString(): string }
const uri = (scheme: string, path: string, authority = ''): FakeUri => ({ scheme, authority, path, toString: () => `${scheme}://${authority}${path}` });

const log: string[] = [];
const commands = new Map<string, (...a: unknown[]) => unknown>();
const executed: unknown[][] = [];
let tracker: { createDebugAdapterTracker(s: unknown): { onDidSendMessage(m: unknown): void } } | undefined;
const terminate = new EventEmitter<unknown>();
let activeDebugSession: unknown;
let hexEditor = true;

interface FakePanel {
  title: string; viewType: string; options: { enableScripts: boolean; localResourceRoots: FakeUri[] }; disposed: boolean; posted: unknown[];
  webview: { html: string; cspSource: string; send(m: unknown): void };
}
const panels: FakePanel[] = [];

function makePanel(viewType: string, title: string, _col: unknown, options: FakePanel['options']): unknown {
  const recv = new EventEmitter<unknown>();
  const disp = new EventEmitter<void>();
  const p: FakePanel = {
    title, viewType, options, disposed: false, posted: [],
    webview: { html: '', cspSource: 'vscode-webview://fake', send: (m) => recv.fire(m) },
  };
  panels.push(p);
  return {
    webview: {
      get html() { return p.webview.html; }, set html(v: string) { p.webview.html = v; },
      cspSource: p.webview.cspSource,
      asWebviewUri: (u: FakeUri) => uri('vscode-webview', u.path, 'fake'),
      postMessage: async (m: unknown) => { p.posted.push(m); return true; },
      onDidReceiveMessage: recv.event,
    },
    onDidDispose: disp.event,
    reveal: () => log.push(`reveal ${title}`),
    dispose: () => { if (!p.disposed) { p.disposed = true; disp.fire(); } },
  };
}

const fakeVscode = {
  EventEmitter,
  ViewColumn: { One: 1, Beside: -2 },
  Position: class { constructor(readonly line: number, readonly character: number) {} },
  Range: class { constructor(readonly start: unknown, readonly end: unknown) {} },
  Uri: {
    joinPath: (b: FakeUri, ...parts: string[]) => uri(b.scheme, `${b.path}/${parts.join('/')}`),
    from: (c: { scheme: string; authority: string; path: string }) => uri(c.scheme, c.path, c.authority),
    file: (p: string) => uri('file', p),
  },
  window: {
    createWebviewPanel: makePanel,
    showWarningMessage: async (m: string) => { log.push(`warn ${m}`); },
    showInformationMessage: async (m: string) => { log.push(`info ${m}`); return undefined; },
    showTextDocument: async (u: FakeUri, o: { selection: { start: { line: number } } }) => { log.push(`show ${u.path}:${o.selection.start.line}`); },
  },
  commands: {
    registerCommand: (id: string, f: (...a: unknown[]) => unknown) => { commands.set(id, f); return { dispose() {} }; },
    executeCommand: async (...a: unknown[]) => { executed.push(a); },
  },
  extensions: { getExtension: (id: string) => (hexEditor && id === 'ms-vscode.hexeditor' ? {} : undefined) },
  workspace: { workspaceFolders: undefined },
  debug: {
    get activeDebugSession() { return activeDebugSession; },
    registerDebugAdapterTrackerFactory: (_t: string, f: typeof tracker) => { tracker = f; return { dispose() {} }; },
    onDidTerminateDebugSession: terminate.event,
  },
};

const settle = async (): Promise<void> => { for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r)); };

describe('extension/panels registerPanels (fake vscode)', () => {
  const M = Module as unknown as { _load(req: string, parent: unknown, isMain: boolean): unknown };
  const load = M._load;
  // Fresh copies of the extension modules, bound to this fake (other tests load their own).
  const forget = (): void => { for (const k of Object.keys(require.cache)) if (k.startsWith(join(srcDir, 'extension'))) delete require.cache[k]; };
  before(() => { forget(); M._load = (req, parent, isMain) => (req === 'vscode' ? fakeVscode : load(req, parent, isMain)); });
  after(() => { M._load = load; forget(); });

  it('opens per-session panels, serves their messages, refreshes at stops and disposes them with the session', async () => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const events = require('../../../../src/extension/sessionEvents') as typeof import('../../../../src/extension/sessionEvents');
    const { registerPanels } = require('../../../../src/extension/panels/index') as typeof import('../../../../src/extension/panels/index');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const subscriptions: { dispose(): void }[] = [];
    const context = { subscriptions, extensionUri: uri('file', '/ext') } as never;
    events.registerSessionEvents(context);
    registerPanels(context);
    assert.ok(commands.has('hvscope.showPageTables') && commands.has('hvscope.showExits'));

    await commands.get('hvscope.showPageTables')!();
    assert.match(log.pop() ?? '', /^warn hvscope: no active hvscope debug session/);
    assert.equal(panels.length, 0);

    const requests: [string, Record<string, unknown>][] = [];
    const session = {
      id: 's1', type: 'hvscope', name: 'hello', configuration: { machine: 'bare', cwd: '/nowhere' }, workspaceFolder: undefined,
      customRequest: async (cmd: string, args: Record<string, unknown>) => {
        requests.push([cmd, args]);
        if (cmd === 'hvscope/pageTable') return { stage: args.stage, mode: 'Bare', addressSpace: 'hpa', tableAddr: '0x0', level: 0, entries: [], message: 'translation is off (MODE = Bare)' };
        if (cmd === 'hvscope/translate') throw new Error('cannot evaluate');
        if (cmd === 'hvscope/exitLog') return { total: 0, byReason: {}, byDetail: {}, topPcs: [], records: [], message: 'machine "bare": no embedded hypervisor, no exit log' };
        return undefined;
      },
    };
    activeDebugSession = session;
    const tr = tracker!.createDebugAdapterTracker(session);
    tr.onDidSendMessage({ type: 'event', event: 'stopped', body: { reason: 'breakpoint', threadId: 1 } });

    await commands.get('hvscope.showPageTables')!();
    assert.equal(panels.length, 1);
    const p = panels[0];
    assert.equal(p.title, 'hvscope: Page Tables');
    assert.equal(p.options.enableScripts, true);
    assert.deepEqual(p.options.localResourceRoots.map((u) => u.path), ['/ext/dist/webview', '/ext/media']);
    const nonce = /script-src 'nonce-([^']+)'/.exec(p.webview.html)?.[1];
    assert.ok(nonce && p.webview.html.includes(`<script nonce="${nonce}" src="vscode-webview://fake/ext/dist/webview/pageTables.js">`));

    p.webview.send({ type: 'ready' });
    await settle();
    assert.deepEqual(requests.map(([c, a]) => [c, a.stage, a.threadId]), [['hvscope/pageTable', 'single', 1], ['hvscope/pageTable', 'g', 1]]);
    const state = p.posted.pop() as { type: string; state: { session: { machine: string; running: boolean }; stages: string[]; roots: Record<string, { ok: boolean; table: { mode: string } }> } };
    assert.equal(state.type, 'state');
    assert.deepEqual(state.state.stages, ['single', 'g']);
    assert.equal(state.state.roots.single.table.mode, 'Bare');
    assert.equal(state.state.session.running, false);

    // Messages from the webview: expand, translate (an adapter error comes back as a result), memory.
    requests.length = 0;
    p.webview.send({ type: 'expand', stage: 'single', nodeId: 'n', tableAddr: '0x80001000', level: 1, vaBase: '0x0' });
    p.webview.send({ type: 'translate', address: '$sp', access: 'load' });
    p.webview.send({ type: 'openMemory', memoryReference: 'p:0x80001000' });
    await settle();
    assert.deepEqual(requests[0], ['hvscope/pageTable', { threadId: 1, stage: 'single', tableAddr: '0x80001000', level: 1, vaBase: '0x0', includeInvalid: false }]);
    assert.deepEqual(p.posted.map((m) => (m as { type: string }).type).sort(), ['subtree', 'translation']);
    assert.deepEqual(p.posted.find((m) => (m as { type: string }).type === 'translation'), { type: 'translation', address: '$sp', result: { ok: false, error: 'cannot evaluate' } });
    const open = executed.pop()!;
    assert.equal(open[0], 'vscode.openWith');
    assert.equal((open[1] as FakeUri).toString(), 'vscode-debug-memory://s1/p%3A0x80001000/p_0x80001000.bin');
    assert.equal(open[2], 'hexEditor.hexedit');
    hexEditor = false; // without the Hex Editor: say what is needed instead of opening an unreadable binary
    p.webview.send({ type: 'openMemory', memoryReference: 'v:0x1000' });
    await settle();
    assert.match(log.pop() ?? '', /^info hvscope: the memory view at v:0x1000 needs the Hex Editor extension/);
    hexEditor = true;

    // A stop refreshes; the command again only reveals.
    requests.length = 0;
    tr.onDidSendMessage({ type: 'event', event: 'stopped', body: { reason: 'step', threadId: 1 } });
    await settle();
    assert.equal(requests.filter(([c]) => c === 'hvscope/pageTable').length, 2);
    await commands.get('hvscope.showPageTables')!();
    assert.equal(panels.length, 1);
    assert.equal(log.pop(), 'reveal hvscope: Page Tables');

    // The exits panel: the bare machine's message; a source location opens the file, none the disassembly.
    await commands.get('hvscope.showExits')!();
    const x = panels[1];
    assert.equal(x.title, 'hvscope: VM Exits');
    x.webview.send({ type: 'ready' });
    await settle();
    const xs = x.posted.pop() as { state: { log: { ok: boolean; body: { message: string } } } };
    assert.match(xs.state.log.body.message, /no exit log/);
    x.webview.send({ type: 'openLocation', pc: '0x80000010', location: `${__filename}:7` });
    await settle();
    assert.equal(log.pop(), `show ${__filename}:6`);
    x.webview.send({ type: 'openLocation', pc: '0x80000020', location: 'memcpy+0x8' });
    await settle();
    assert.deepEqual(executed.pop(), ['debug.action.openDisassemblyView']);
    assert.match(log.pop() ?? '', /^info hvscope: guest PC 0x80000020/);

    // The session ends: both panels go.
    terminate.fire(session);
    assert.deepEqual(panels.map((q) => q.disposed), [true, true]);
    for (const s of subscriptions) s.dispose();
  });
});
