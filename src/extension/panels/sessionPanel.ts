// A webview panel that belongs to one debug session (STYLE.md, after codelldb): it refreshes at
// every stop of its session (sessionEvents.onDidStop) and is disposed when the session ends.
// Messages both ways are typed by src/protocol/webview.ts.
import * as vscode from 'vscode';
import { lastStopOf, onDidContinue, onDidEnd, onDidStop } from '../sessionEvents';
import type { SessionInfo } from '../../protocol/webview';
import { HEX_EDITOR, debugMemoryUri, errorText, sessionInfo } from './panelModel';
import { makeNonce, panelHtml } from './html';

export interface PanelOptions {
  viewType: string;
  title: string;
  /** Bundle name: dist/webview/<script>.js. */
  script: string;
}

export abstract class SessionPanel<ToWebview, FromWebview extends { type: string }> implements vscode.Disposable {
  protected readonly panel: vscode.WebviewPanel;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly disposedEmitter = new vscode.EventEmitter<void>();
  private disposed = false;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  readonly onDidDispose = this.disposedEmitter.event;

  constructor(readonly session: vscode.DebugSession, extensionUri: vscode.Uri, opts: PanelOptions) {
    const dist = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    this.panel = vscode.window.createWebviewPanel(opts.viewType, opts.title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, {
      enableScripts: true,
      // Only the bundled scripts and the media folder are loadable; nothing remote.
      localResourceRoots: [dist, vscode.Uri.joinPath(extensionUri, 'media')],
      enableFindWidget: true,
    });
    const webview = this.panel.webview;
    webview.html = panelHtml({
      cspSource: webview.cspSource, nonce: makeNonce(), title: opts.title,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, `${opts.script}.js`)).toString(),
    });
    this.subscriptions.push(
      webview.onDidReceiveMessage((m: FromWebview) => { void this.handle(m); }),
      this.panel.onDidDispose(() => this.dispose()),
      onDidStop((e) => { if (e.session.id === session.id) this.scheduleRefresh(); }),
      onDidContinue((s) => { if (s.id === session.id) this.onContinue(); }),
      onDidEnd((s) => { if (s.id === session.id) this.dispose(); }),
    );
  }

  /** The session as the webview shows it: name, machine, paging, running or stopped where. */
  protected info(): SessionInfo {
    return sessionInfo(this.session.name, this.session.configuration as { machine?: unknown; paging?: unknown }, lastStopOf(this.session));
  }

  protected post(message: ToWebview): void {
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  /** A custom DAP request of this session. */
  protected request<T>(command: string, args: unknown): Promise<T> {
    return Promise.resolve(this.session.customRequest(command, args)) as Promise<T>;
  }

  /** Reloads everything the webview shows and posts a snapshot. */
  protected abstract refresh(): Promise<void>;
  /** A message from the webview other than `ready`/`refresh`/`openMemory`. */
  protected abstract receive(message: FromWebview): Promise<void>;
  /** The session resumed: the snapshot is from the last stop. */
  protected abstract onContinue(): void;
  protected abstract postError(message: string): void;

  /** Runs refresh(); stops that arrive meanwhile cause one more run, not one per stop. */
  scheduleRefresh(): void {
    if (this.disposed) return;
    if (this.refreshing) { this.refreshAgain = true; return; }
    this.refreshing = this.refresh().catch((e: unknown) => this.postError(errorText(e))).finally(() => {
      this.refreshing = undefined;
      if (this.refreshAgain) { this.refreshAgain = false; this.scheduleRefresh(); }
    });
  }

  private async handle(m: FromWebview): Promise<void> {
    try {
      const x = m as { type: string; memoryReference?: string };
      if (x.type === 'ready' || x.type === 'refresh') this.scheduleRefresh();
      else if (x.type === 'openMemory' && x.memoryReference) await openMemory(this.session, x.memoryReference);
      else await this.receive(m);
    } catch (e) {
      this.postError(errorText(e));
    }
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.subscriptions) s.dispose();
    this.panel.dispose();
    this.disposedEmitter.fire();
    this.disposedEmitter.dispose();
  }
}

/** Opens VS Code's memory view (the Hex Editor over the session's vscode-debug-memory file system) at a DAP memory reference. */
export async function openMemory(session: vscode.DebugSession, memoryReference: string): Promise<void> {
  const uri = vscode.Uri.from(debugMemoryUri(session.id, memoryReference, memoryReference.replace(/[^0-9A-Za-z_]+/g, '_')));
  if (vscode.extensions.getExtension(HEX_EDITOR.extensionId)) {
    await vscode.commands.executeCommand('vscode.openWith', uri, HEX_EDITOR.viewType, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    return;
  }
  const choice = await vscode.window.showInformationMessage(
    `hvscope: the memory view at ${memoryReference} needs the Hex Editor extension (${HEX_EDITOR.extensionId}).`, 'Install Hex Editor', 'Open Anyway');
  if (choice === 'Install Hex Editor') await vscode.commands.executeCommand('workbench.extensions.installExtension', HEX_EDITOR.extensionId);
  else if (choice === 'Open Anyway') await vscode.commands.executeCommand('vscode.open', uri, { viewColumn: vscode.ViewColumn.Beside, preview: true });
}
