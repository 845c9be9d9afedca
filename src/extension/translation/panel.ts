// The binary-translation panel (ARCHITECTURE.md §8, issue 6): the translator's blocks as virtual
// documents of the `hvscope-jit` scheme — an index of blocks and one listing per block — in the
// listing language, so syntaxes/hvscope-translation.tmLanguage.json highlights them (guest
// disassembly through source.riscv-asm, the generated code through source.js).
//
// Why text editors over virtual documents and not a custom editor: VS Code's custom editor API
// renders a webview, and a webview gets no TextMate highlighting, no find, folding, minimap or
// copy-as-text; the listing grammar would be useless there. A TextDocumentContentProvider gives
// the real editor; what a custom editor would add comes from language features over the scheme:
// DocumentLinks (index rows → blocks, chained successors → their blocks), CodeLens ("Go to guest
// source" per block and wherever the source line changes), hovers on guest instructions, and a
// highlighted pc line. The documents follow the pc: at every stop they refresh, and a visible
// block document switches to the block holding the new pc.
import * as vscode from 'vscode';
import {
  TRANSLATION_REQUESTS, type TranslationBlockArguments, type TranslationBlockResponseBody, type TranslationBlocksArguments,
  type TranslationBlocksResponseBody,
} from '../../protocol/translation';
import { DEBUG_TYPE } from '../config';
import { lastStopOf, onDidContinue, onDidEnd, onDidStop, type StopEvent } from '../sessionEvents';
import {
  JIT_SCHEME, LISTING_LANGUAGE, TRANSLATION_COMMANDS, chainLinks, guestHover, guestLines, headerLine, indexDocument, jitPath, lineOfPc,
  parseJitPath, sourceLenses, unavailableText, type IndexLink, type JitDoc,
} from './model';

type Cached =
  | { kind: 'index'; body: TranslationBlocksResponseBody; links: IndexLink[] }
  | { kind: 'block'; body: TranslationBlockResponseBody };

const uriOf = (d: JitDoc): vscode.Uri => vscode.Uri.from({ scheme: JIT_SCHEME, path: jitPath(d) });

function docOf(uri: vscode.Uri): JitDoc | undefined {
  return uri.scheme === JIT_SCHEME ? parseJitPath(uri.path) : undefined;
}

const errorMessage = (e: unknown): string => (e as Error)?.message ?? String(e);

class TranslationPanel implements vscode.TextDocumentContentProvider, vscode.DocumentLinkProvider, vscode.CodeLensProvider, vscode.HoverProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly sessions = new Map<string, vscode.DebugSession>();
  /** The last response behind each open document (by URI string): links, lenses and hovers read it. */
  private readonly cache = new Map<string, Cached>();
  /** Documents whose language is being set (opening by a link gives plain text first). */
  private readonly settingLanguage = new Set<string>();
  private readonly pcLine = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.stackFrameHighlightBackground'),
    overviewRulerColor: new vscode.ThemeColor('editor.stackFrameHighlightBackground'),
  });

  addSession(s: vscode.DebugSession): void {
    if (s.type === DEBUG_TYPE) this.sessions.set(s.id, s);
  }

  // ------------------------------------------------------------ documents

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const d = docOf(uri);
    const key = uri.toString();
    if (!d) return unavailableText(`not a document of this panel: ${uri.path}`);
    const session = this.sessions.get(d.sessionId);
    if (!session) { this.cache.delete(key); return unavailableText('the debug session has ended'); }
    const threadId = lastStopOf(session)?.threadId;
    try {
      if (d.kind === 'index') {
        const args: TranslationBlocksArguments = { threadId };
        const body = await session.customRequest(TRANSLATION_REQUESTS.blocks, args) as TranslationBlocksResponseBody;
        const doc = indexDocument(session.name, body);
        this.cache.set(key, { kind: 'index', body, links: doc.links });
        return doc.text;
      }
      const args: TranslationBlockArguments = d.kind === 'block' ? { threadId, id: d.id } : { threadId, address: d.address };
      const body = await session.customRequest(TRANSLATION_REQUESTS.block, args) as TranslationBlockResponseBody;
      this.cache.set(key, { kind: 'block', body });
      return body.listing;
    } catch (e) {
      this.cache.delete(key);
      return unavailableText(errorMessage(e));
    }
  }

  /** The listing language for every document of the scheme, however it was opened. */
  async ensureLanguage(doc: vscode.TextDocument): Promise<vscode.TextDocument> {
    if (doc.uri.scheme !== JIT_SCHEME || doc.languageId === LISTING_LANGUAGE) return doc;
    const key = doc.uri.toString();
    if (this.settingLanguage.has(key)) return doc;
    this.settingLanguage.add(key);
    try { return await vscode.languages.setTextDocumentLanguage(doc, LISTING_LANGUAGE); } finally { this.settingLanguage.delete(key); }
  }

  private async open(d: JitDoc, column?: vscode.ViewColumn, preserveFocus = false): Promise<vscode.TextEditor> {
    const doc = await this.ensureLanguage(await vscode.workspace.openTextDocument(uriOf(d)));
    return vscode.window.showTextDocument(doc, { viewColumn: column, preserveFocus, preview: true });
  }

  // ------------------------------------------------------------ language features

  provideDocumentLinks(doc: vscode.TextDocument): vscode.DocumentLink[] {
    const d = docOf(doc.uri);
    const c = this.cache.get(doc.uri.toString());
    if (!d || !c) return [];
    const range = (s: { line: number; start: number; end: number }) => new vscode.Range(s.line, s.start, s.line, s.end);
    if (c.kind === 'index') {
      return c.links.map((l) => {
        const link = new vscode.DocumentLink(range(l), uriOf({ sessionId: d.sessionId, kind: 'block', id: l.blockId }));
        link.tooltip = `Open block ${l.blockId}`;
        return link;
      });
    }
    return chainLinks(c.body.listing, c.body.links).map((l) => {
      const target: JitDoc = 'blockId' in l.target ? { sessionId: d.sessionId, kind: 'block', id: l.target.blockId } : { sessionId: d.sessionId, kind: 'at', address: l.target.address };
      const link = new vscode.DocumentLink(range(l), uriOf(target));
      link.tooltip = 'blockId' in l.target ? `${l.kind}: chained to block ${l.target.blockId}` : `${l.kind}: not chained; open the block containing this address`;
      return link;
    });
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const d = docOf(doc.uri);
    const c = this.cache.get(doc.uri.toString());
    if (!d || c?.kind !== 'block') return [];
    const lenses = sourceLenses(c.body).map((l) => new vscode.CodeLens(new vscode.Range(l.line, 0, l.line, 0), {
      title: l.title, command: TRANSLATION_COMMANDS.goToSource, arguments: [l.path, l.sourceLine], tooltip: `${l.path}:${l.sourceLine}`,
    }));
    const head = headerLine(c.body.listing) ?? 0;
    lenses.push(new vscode.CodeLens(new vscode.Range(head, 0, head, 0), { title: 'Block index', command: TRANSLATION_COMMANDS.showIndex, arguments: [d.sessionId] }));
    return lenses;
  }

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const c = this.cache.get(doc.uri.toString());
    if (c?.kind !== 'block') return undefined;
    const g = guestLines(c.body.listing, c.body.guest).find((x) => x.line === pos.line);
    return g?.insn ? new vscode.Hover(new vscode.MarkdownString(guestHover(g.insn))) : undefined;
  }

  // ------------------------------------------------------------ commands

  /** `hvscope.showTranslation`: the block at the current pc of the active session, or the index. */
  async show(): Promise<void> {
    const session = vscode.debug.activeDebugSession;
    if (!session || session.type !== DEBUG_TYPE) {
      void vscode.window.showWarningMessage('hvscope: no active hvscope debug session.');
      return;
    }
    this.addSession(session);
    const stop = lastStopOf(session);
    let current: number | undefined;
    try {
      const args: TranslationBlocksArguments = { threadId: stop?.threadId, limit: 1 };
      current = (await session.customRequest(TRANSLATION_REQUESTS.blocks, args) as TranslationBlocksResponseBody).current;
    } catch (e) {
      void vscode.window.showErrorMessage(`hvscope: ${errorMessage(e)}`);
      return;
    }
    if (current === undefined) { await this.open({ sessionId: session.id, kind: 'index' }); return; }
    const ed = await this.open({ sessionId: session.id, kind: 'block', id: current });
    if (stop) await this.markPc(ed, session, stop.threadId);
  }

  async showIndex(sessionId?: string): Promise<void> {
    const session = sessionId !== undefined ? this.sessions.get(sessionId) : vscode.debug.activeDebugSession;
    if (!session || session.type !== DEBUG_TYPE) {
      void vscode.window.showWarningMessage('hvscope: no active hvscope debug session.');
      return;
    }
    this.addSession(session);
    await this.open({ sessionId: session.id, kind: 'index' });
  }

  // ------------------------------------------------------------ following the pc

  private editorsOf(sessionId: string): vscode.TextEditor[] {
    return vscode.window.visibleTextEditors.filter((e) => docOf(e.document.uri)?.sessionId === sessionId);
  }

  /** The guest pc of a thread: frame 0 of its stack (the guest pc also at a VM-exit label frame). */
  private async pcOf(session: vscode.DebugSession, threadId: number | undefined): Promise<bigint | undefined> {
    if (threadId === undefined) return undefined;
    try {
      const r = await session.customRequest('stackTrace', { threadId, startFrame: 0, levels: 1 }) as { stackFrames?: { instructionPointerReference?: string }[] };
      const ip = r.stackFrames?.[0]?.instructionPointerReference;
      return ip ? BigInt(ip) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Highlights and reveals the pc's guest line in a block editor (no highlight when the pc is not in it). */
  private async markPc(ed: vscode.TextEditor, session: vscode.DebugSession, threadId: number | undefined): Promise<void> {
    const pc = await this.pcOf(session, threadId);
    const line = pc === undefined ? undefined : lineOfPc(ed.document.getText(), pc);
    if (line === undefined) { ed.setDecorations(this.pcLine, []); return; }
    const r = new vscode.Range(line, 0, line, 0);
    ed.setDecorations(this.pcLine, [r]);
    ed.revealRange(r, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  /** At a stop: refresh the session's documents; the active (or first visible) block editor moves to the pc's block. */
  async onStop(e: StopEvent): Promise<void> {
    const sid = e.session.id;
    this.addSession(e.session);
    for (const doc of vscode.workspace.textDocuments) if (docOf(doc.uri)?.sessionId === sid) this.changed.fire(doc.uri);
    const blockEditors = this.editorsOf(sid).filter((ed) => docOf(ed.document.uri)?.kind !== 'index');
    if (blockEditors.length === 0) return;
    const active = vscode.window.activeTextEditor;
    const follow = blockEditors.find((ed) => ed === active) ?? blockEditors[0];
    let current: number | undefined;
    try {
      const args: TranslationBlocksArguments = { threadId: e.threadId, limit: 1 };
      current = (await e.session.customRequest(TRANSLATION_REQUESTS.blocks, args) as TranslationBlocksResponseBody).current;
    } catch {
      return; // the session went away meanwhile
    }
    let ed = follow;
    const target = current === undefined ? undefined : uriOf({ sessionId: sid, kind: 'block', id: current });
    if (target && follow.document.uri.toString() !== target.toString()) {
      // preserveFocus: the stop focuses the source editor; the listing follows without taking it.
      ed = await this.open({ sessionId: sid, kind: 'block', id: current! }, follow.viewColumn, true);
    }
    for (const other of blockEditors) if (other !== ed) other.setDecorations(this.pcLine, []);
    await this.markPc(ed, e.session, e.threadId);
  }

  onContinue(session: vscode.DebugSession): void {
    for (const ed of this.editorsOf(session.id)) ed.setDecorations(this.pcLine, []);
  }

  /** The session ended: its documents close and their data is dropped. */
  onEnd(session: vscode.DebugSession): void {
    this.sessions.delete(session.id);
    for (const key of [...this.cache.keys()]) {
      if (docOf(vscode.Uri.parse(key))?.sessionId === session.id) this.cache.delete(key);
    }
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputText && docOf(t.input.uri)?.sessionId === session.id);
    if (tabs.length) void vscode.window.tabGroups.close(tabs, true);
  }

  dispose(): void {
    this.changed.dispose();
    this.pcLine.dispose();
    this.cache.clear();
    this.sessions.clear();
  }
}

/** Opens a guest source file at a 1-based line, beside the listing when one is active. */
async function goToSource(path: unknown, line: unknown): Promise<void> {
  if (typeof path !== 'string' || typeof line !== 'number') return;
  const pos = new vscode.Position(Math.max(0, line - 1), 0);
  const beside = vscode.window.activeTextEditor?.document.uri.scheme === JIT_SCHEME;
  try {
    await vscode.window.showTextDocument(vscode.Uri.file(path), { selection: new vscode.Range(pos, pos), viewColumn: beside ? vscode.ViewColumn.Beside : undefined, preview: true });
  } catch (e) {
    void vscode.window.showErrorMessage(`hvscope: cannot open the guest source ${path}: ${errorMessage(e)}`);
  }
}

export function registerTranslationPanel(context: vscode.ExtensionContext): void {
  const panel = new TranslationPanel();
  const selector: vscode.DocumentSelector = { scheme: JIT_SCHEME };
  context.subscriptions.push(
    panel,
    vscode.workspace.registerTextDocumentContentProvider(JIT_SCHEME, panel),
    vscode.languages.registerDocumentLinkProvider(selector, panel),
    vscode.languages.registerCodeLensProvider(selector, panel),
    vscode.languages.registerHoverProvider(selector, panel),
    vscode.commands.registerCommand(TRANSLATION_COMMANDS.show, () => panel.show()),
    vscode.commands.registerCommand(TRANSLATION_COMMANDS.showIndex, (sessionId?: unknown) => panel.showIndex(typeof sessionId === 'string' ? sessionId : undefined)),
    vscode.commands.registerCommand(TRANSLATION_COMMANDS.goToSource, (path: unknown, line: unknown) => goToSource(path, line)),
    vscode.workspace.onDidOpenTextDocument((doc) => { void panel.ensureLanguage(doc); }),
    vscode.debug.onDidStartDebugSession((s) => panel.addSession(s)),
    onDidStop((e) => { void panel.onStop(e); }),
    onDidContinue((s) => panel.onContinue(s)),
    onDidEnd((s) => panel.onEnd(s)),
  );
}
