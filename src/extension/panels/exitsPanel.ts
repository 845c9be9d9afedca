// The VM-exits panel of one session (command hvscope.showExits): the adapter's exit log
// (hvscope/exitLog) at every stop; a click on an exit opens its guest source line, or the
// disassembly when the PC has no line information.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { HVSCOPE_REQUESTS, type ExitLogArguments, type ExitLogResponseBody } from '../../protocol/requests';
import type { ExitsState, FromExitsMessage, ToExitsMessage } from '../../protocol/webview';
import { PANEL_TITLES, errorText, sourceCandidates, sourceOf } from './panelModel';
import { SessionPanel, openMemory } from './sessionPanel';

export class ExitsPanel extends SessionPanel<ToExitsMessage, FromExitsMessage> {
  static readonly viewType = 'hvscope.exits';
  private last: ExitsState | undefined;

  constructor(session: vscode.DebugSession, extensionUri: vscode.Uri) {
    super(session, extensionUri, { viewType: ExitsPanel.viewType, title: PANEL_TITLES.exits, script: 'exits' });
  }

  protected async refresh(): Promise<void> {
    const session = this.info();
    if (session.running) {
      this.post({ type: 'state', state: { session, log: this.last?.log } });
      return;
    }
    let log: ExitsState['log'];
    try {
      log = { ok: true, body: await this.request<ExitLogResponseBody>(HVSCOPE_REQUESTS.exitLog, { limit: 256 } satisfies ExitLogArguments) };
    } catch (e) {
      log = { ok: false, error: errorText(e) };
    }
    this.last = { session, log };
    this.post({ type: 'state', state: this.last });
  }

  protected async receive(m: FromExitsMessage): Promise<void> {
    if (m.type !== 'openLocation') return;
    const src = sourceOf(m.location);
    if (src) {
      const cfg = this.session.configuration as { cwd?: string };
      const bases = [cfg.cwd, this.session.workspaceFolder?.uri.fsPath, ...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath)];
      const file = sourceCandidates(src.file, bases).find((p) => existsSync(p));
      if (file) {
        const pos = new vscode.Position(Math.max(0, src.line - 1), 0);
        await vscode.window.showTextDocument(vscode.Uri.file(file), { selection: new vscode.Range(pos, pos), preview: true, viewColumn: vscode.ViewColumn.One });
        return;
      }
    }
    // No source: VS Code's disassembly view has no "go to address" for extensions (microsoft/vscode#175770);
    // it opens at the focused frame, and the address itself can be shown in the memory view.
    await vscode.commands.executeCommand('debug.action.openDisassemblyView');
    const choice = await vscode.window.showInformationMessage(
      `hvscope: guest PC ${m.pc}${m.location ? ` (${m.location})` : ''} has no source line here. The Disassembly view shows the focused frame.`, 'Show in Memory View');
    if (choice) await openMemory(this.session, `v:${m.pc}`);
  }

  protected onContinue(): void {
    if (this.last) this.post({ type: 'state', state: { ...this.last, session: this.info() } });
  }

  protected postError(message: string): void {
    this.post({ type: 'error', message });
  }
}
