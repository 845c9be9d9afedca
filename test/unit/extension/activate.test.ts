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
const answers: Record<string, (args: unknown) => unknown> = {};
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
// The binary-translation panel's part of the fake: virtual documents, editors, tabs, providers.
interface FakeUri { scheme: string; path: string; toString(): string }
const mkUri = (scheme: string, path: string): FakeUri => ({ scheme, path, toString: () => `${scheme}:${path}` });
interface FakeDoc { uri: FakeUri; languageId: string; text: string; getText(): string }
interface FakeEditor { document: FakeDoc; viewColumn: number; decorations: unknown[]; setDecorations(t: unknown, r: unknown[]): void; revealRange(): void }
const contentProviders = new Map<string, { provideTextDocumentContent(u: FakeUri): Promise<string> | string }>();
const langProviders: Record<string, unknown> = {};
const textDocuments: FakeDoc[] = [];
let visibleTextEditors: FakeEditor[] = [];
let activeTextEditor: FakeEditor | undefined;
const closedTabs: string[] = [];
class TabInputText { constructor(readonly uri: FakeUri) {} }
class Range { constructor(readonly startLine: unknown, readonly a?: number, readonly endLine?: number, readonly b?: number) {} }
let pty: { open(): void; handleInput(d: string): void; onDidWrite(f: (s: string) => void): void } | undefined;
const written: string[] = [];
const statusItems: { text: string }[] = [];

const fakeVscode = {
  EventEmitter,
  ThemeIcon: class { constructor(readonly id: string) {} },
  ThemeColor: class { constructor(readonly id: string) {} },
  Uri: { from: (c: { scheme: string; path: string }) => mkUri(c.scheme, c.path), parse: (s: string) => mkUri(s.slice(0, s.indexOf(':')), s.slice(s.indexOf(':') + 1)), file: (p: string) => mkUri('file', p) },
  Range, Position: class { constructor(readonly line: number, readonly character: number) {} },
  DocumentLink: class { tooltip?: string; constructor(readonly range: Range, readonly target: FakeUri) {} },
  CodeLens: class { constructor(readonly range: Range, readonly command: { title: string; command: string; arguments: unknown[] }) {} },
  Hover: class { constructor(readonly contents: unknown) {} },
  MarkdownString: class { constructor(readonly value: string) {} },
  TextEditorRevealType: { InCenterIfOutsideViewport: 2 },
  ViewColumn: { Beside: -2 },
  StatusBarAlignment: { Left: 1 },
  DebugConfigurationProviderTriggerKind: { Initial: 1, Dynamic: 2 },
  DebugAdapterExecutable: class { constructor(readonly command: string, readonly args: string[]) {} },
  DebugAdapterServer: class { constructor(readonly port: number) {} },
  DebugAdapterInlineImplementation: class { constructor(readonly impl: unknown) {} },
  TabInputText, TabInputCustom: class {},
  workspace: {
    getConfiguration: () => ({ get: () => undefined }), workspaceFolders: undefined,
    registerTextDocumentContentProvider: (scheme: string, p: { provideTextDocumentContent(u: FakeUri): Promise<string> }) => { contentProviders.set(scheme, p); return { dispose() {} }; },
    onDidOpenTextDocument: on('openDocument'),
    textDocuments,
    openTextDocument: async (uri: FakeUri) => {
      const text = await contentProviders.get(uri.scheme)!.provideTextDocumentContent(uri);
      const doc: FakeDoc = { uri, languageId: 'plaintext', text, getText: () => text };
      textDocuments.push(doc);
      emit('openDocument', doc);
      return doc;
    },
  },
  languages: {
    registerDocumentLinkProvider: (_s: unknown, p: unknown) => { langProviders.links = p; return { dispose() {} }; },
    registerCodeLensProvider: (_s: unknown, p: unknown) => { langProviders.lenses = p; return { dispose() {} }; },
    registerHoverProvider: (_s: unknown, p: unknown) => { langProviders.hover = p; return { dispose() {} }; },
    setTextDocumentLanguage: async (doc: FakeDoc, languageId: string) => { doc.languageId = languageId; return doc; },
  },
  commands: { registerCommand: (id: string, f: () => Promise<void>) => { commands.set(id, f); return { dispose() {} }; } },
  window: {
    showWarningMessage: (m: string) => { log.push(`warn ${m}`); },
    showErrorMessage: (m: string) => { log.push(`error ${m}`); },
    showInformationMessage: (m: string) => { log.push(`info ${m}`); },
    createStatusBarItem: () => { const item = { text: '', show() { log.push(`status ${this.text}`); }, dispose() { log.push('status disposed'); } }; statusItems.push(item); return item; },
    createTextEditorDecorationType: () => ({ dispose() {} }),
    get visibleTextEditors() { return visibleTextEditors; },
    get activeTextEditor() { return activeTextEditor; },
    showTextDocument: async (doc: FakeDoc, o: { viewColumn?: number; preserveFocus?: boolean }) => {
      const ed: FakeEditor = { document: doc, viewColumn: o.viewColumn ?? 1, decorations: [], setDecorations(_t, r) { this.decorations = r; }, revealRange() {} };
      visibleTextEditors = [...visibleTextEditors.filter((e) => e.viewColumn !== ed.viewColumn), ed];
      if (!o.preserveFocus) activeTextEditor = ed;
      return ed;
    },
    tabGroups: {
      get all() { return [{ tabs: visibleTextEditors.map((e) => ({ input: new TabInputText(e.document.uri) })) }]; },
      close: async (tabs: { input: TabInputText }[]) => { for (const t of tabs) closedTabs.push(t.input.uri.toString()); },
    },
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
    assert.deepEqual([...commands.keys()].sort(), ['hvscope.continueToGuestEntry', 'hvscope.continueToTrap', 'hvscope.continueToVmExit', 'hvscope.openExample',
      'hvscope.showExits', 'hvscope.showPageTables', 'hvscope.showTranslation', 'hvscope.translation.goToSource', 'hvscope.translation.showIndex']);
    assert.equal(log.filter((l) => l === 'provider hvscope').length, 2);

    const session = {
      id: 's1', type: 'hvscope', name: 'guest', workspaceFolder: undefined,
      configuration: { machine: 'hypervisor', paging: 'shadow' },
      customRequest: async (cmd: string, args: unknown) => { requests.push([cmd, args]); return answers[cmd]?.(args); },
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

    // The status bar item follows the adapter's hvscope/status events.
    emit('custom', { session, event: 'hvscope/status', body: { running: false, machine: 'hypervisor', paging: 'shadow', guestMode: 'Sv39', vcpus: [{ threadId: 1, name: 'vCPU 0', state: 'stopped', privilege: 'VS', retired: 10 }], focus: 1, exits: 1234, retired: 10, engine: 'jit' } });
    assert.equal(statusItems[statusItems.length - 1].text, '$(vm) guest: vCPU 0 stopped · shadow Sv39 · 1,234 exits');

    // The binary-translation panel: the block at the pc, in the listing language, with lenses; it follows the pc.
    requests.length = 0;
    let current = 4;
    const listingOf = (id: number) => `# block ${id}\nblock 0x8000${id}000..0x8000${id}004 (1 insns, executed 2 times, unchained)\n  0x8000${id}000  00000013  nop\n--- generated ---\nfunction b(h) {}\n`;
    answers['hvscope/translationBlocks'] = () => ({ engine: 'jit', total: 2, blocks: [], current, stats: {} });
    answers['hvscope/translationBlock'] = (a) => {
      const id = (a as { id: number }).id;
      return { summary: { id }, guest: [{ pc: `0x8000${id}000`, encoding: '00000013', text: 'nop', location: 'hello.c:3', sourcePath: '/ws/hello.c', line: 3 }], generated: '', links: [], invalidations: [], listing: listingOf(id) };
    };
    answers.stackTrace = () => ({ stackFrames: [{ instructionPointerReference: `0x8000${current}000` }] });
    tracker.onDidSendMessage({ type: 'event', event: 'stopped', body: { reason: 'breakpoint', threadId: 1 } });
    await commands.get('hvscope.showTranslation')!();
    let ed = visibleTextEditors[0];
    assert.equal(ed.document.uri.toString(), 'hvscope-jit:/s1/block/4');
    assert.equal(ed.document.languageId, 'hvscope-translation');
    assert.match(ed.document.getText(), /^block 0x80004000/m);
    assert.equal(ed.decorations.length, 1, 'the pc line is highlighted');
    assert.deepEqual(requests.find(([c]) => c === 'hvscope/translationBlock')?.[1], { threadId: 1, id: 4 });
    const lenses = (langProviders.lenses as { provideCodeLenses(d: unknown): { command: { title: string; command: string; arguments: unknown[] } }[] }).provideCodeLenses(ed.document);
    assert.deepEqual(lenses.map((l) => [l.command.title, l.command.command, l.command.arguments]), [
      ['Go to guest source (hello.c:3)', 'hvscope.translation.goToSource', ['/ws/hello.c', 3]],
      ['hello.c:3', 'hvscope.translation.goToSource', ['/ws/hello.c', 3]],
      ['Block index', 'hvscope.translation.showIndex', ['s1']],
    ]);
    current = 5;
    tracker.onDidSendMessage({ type: 'event', event: 'stopped', body: { reason: 'step', threadId: 1 } });
    for (let i = 0; i < 10 && visibleTextEditors[0].document.uri.path !== '/s1/block/5'; i++) await new Promise((r) => setImmediate(r));
    ed = visibleTextEditors[0];
    assert.equal(ed.document.uri.toString(), 'hvscope-jit:/s1/block/5', 'the block editor follows the pc');
    assert.equal(ed.decorations.length, 1);

    emit('terminate', session);
    assert.deepEqual(closedTabs, ['hvscope-jit:/s1/block/5'], 'the session\'s listings close with it');
    assert.ok(log.includes('status disposed'));
    assert.ok(log.includes('terminal disposed'));
  });
});
