// What an hvscope session shows while it runs: a status bar item and the guest console. Everything
// belongs to the session and is disposed when it ends (STYLE.md, after codelldb).
import * as vscode from 'vscode';
import { HVSCOPE_EVENTS, type ConsoleEventBody } from '../protocol/requests';
import { DEBUG_TYPE, readSettings, type LaunchConfig } from './config';
import { GuestConsole } from './console';
import { getSettings } from './settings';
import { statusView } from './status';

class SessionUi implements vscode.Disposable {
  private readonly status: vscode.StatusBarItem;
  readonly console: GuestConsole | undefined;

  constructor(session: vscode.DebugSession, openConsole: boolean) {
    this.status = vscode.window.createStatusBarItem(`hvscope.status.${session.id}`, vscode.StatusBarAlignment.Left, 50);
    this.status.name = 'hvscope session';
    const view = statusView(session.name, session.configuration as Partial<LaunchConfig>);
    this.status.text = view.text;
    this.status.tooltip = view.tooltip;
    this.status.show();
    this.console = openConsole ? new GuestConsole(session) : undefined;
  }

  dispose(): void {
    this.status.dispose();
    this.console?.dispose();
  }
}

export function registerSessionUi(context: vscode.ExtensionContext): void {
  const sessions = new Map<string, SessionUi>();
  context.subscriptions.push(
    vscode.debug.onDidStartDebugSession((s) => {
      if (s.type !== DEBUG_TYPE) return;
      const settings = readSettings(getSettings(s.workspaceFolder));
      sessions.set(s.id, new SessionUi(s, settings.openConsole));
    }),
    vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
      if (e.session.type !== DEBUG_TYPE || e.event !== HVSCOPE_EVENTS.console) return;
      const body = e.body as ConsoleEventBody | undefined;
      if (typeof body?.text === 'string') sessions.get(e.session.id)?.console?.write(body.text);
    }),
    vscode.debug.onDidTerminateDebugSession((s) => {
      sessions.get(s.id)?.dispose();
      sessions.delete(s.id);
    }),
    { dispose: () => { for (const ui of sessions.values()) ui.dispose(); sessions.clear(); } },
  );
}
