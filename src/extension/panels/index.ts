// The panel commands (ARCHITECTURE.md §8): hvscope.showPageTables and hvscope.showExits open, or
// reveal, the panel of the active hvscope session. One panel of each kind per session; each is
// disposed with its session (sessionPanel.ts).
import * as vscode from 'vscode';
import { DEBUG_TYPE } from '../config';
import { ExitsPanel } from './exitsPanel';
import { PageTablesPanel } from './pageTablesPanel';
import { PANEL_COMMANDS } from './panelModel';
import type { SessionPanel } from './sessionPanel';

export { PANEL_COMMANDS } from './panelModel';

type AnyPanel = SessionPanel<unknown, { type: string }>;

export function registerPanels(context: vscode.ExtensionContext): void {
  const open = new Map<string, AnyPanel>();
  const show = (kind: string, create: (s: vscode.DebugSession) => AnyPanel): void => {
    const session = vscode.debug.activeDebugSession;
    if (!session || session.type !== DEBUG_TYPE) {
      void vscode.window.showWarningMessage('hvscope: no active hvscope debug session. Start one, then open the panel.');
      return;
    }
    const key = `${kind}:${session.id}`;
    const existing = open.get(key);
    if (existing) { existing.reveal(); return; }
    const panel = create(session);
    open.set(key, panel);
    panel.onDidDispose(() => open.delete(key));
  };
  context.subscriptions.push(
    vscode.commands.registerCommand(PANEL_COMMANDS.pageTables, () => show('pageTables', (s) => new PageTablesPanel(s, context.extensionUri) as unknown as AnyPanel)),
    vscode.commands.registerCommand(PANEL_COMMANDS.exits, () => show('exits', (s) => new ExitsPanel(s, context.extensionUri) as unknown as AnyPanel)),
    { dispose: () => { for (const p of [...open.values()]) p.dispose(); } },
  );
}
