// What an hvscope session shows while it runs: a status bar item (live from the adapter's
// `hvscope/status` events) and the guest console. Everything belongs to the session and is
// disposed when it ends (STYLE.md, after codelldb).
import * as vscode from 'vscode';
import { HVSCOPE_EVENTS, type ConsoleEventBody, type StatusEventBody } from '../protocol/requests';
import { DEBUG_TYPE, opensConsoleTerminal, readSettings, type LaunchConfig } from './config';
import { GuestConsole } from './console';
import { getSettings } from './settings';
import { asStatusBody, statusView } from './status';

class SessionUi implements vscode.Disposable {
  private readonly status: vscode.StatusBarItem;
  readonly console: GuestConsole | undefined;

  constructor(private readonly session: vscode.DebugSession, openConsole: boolean) {
    this.status = vscode.window.createStatusBarItem(`hvscope.status.${session.id}`, vscode.StatusBarAlignment.Left, 50);
    this.status.name = 'hvscope session';
    this.update(undefined);
    this.status.show();
    this.console = openConsole ? new GuestConsole(session) : undefined;
  }

  update(live: StatusEventBody | undefined): void {
    const view = statusView(this.session.name, this.session.configuration as Partial<LaunchConfig>, live);
    this.status.text = view.text;
    this.status.tooltip = view.tooltip;
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
      sessions.set(s.id, new SessionUi(s, opensConsoleTerminal(s.configuration as Partial<LaunchConfig>, settings)));
    }),
    vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
      if (e.session.type !== DEBUG_TYPE) return;
      const ui = sessions.get(e.session.id);
      if (e.event === HVSCOPE_EVENTS.console) {
        const body = e.body as ConsoleEventBody | undefined;
        if (typeof body?.text === 'string') ui?.console?.write(body.text);
      } else if (e.event === HVSCOPE_EVENTS.status) {
        const body = asStatusBody(e.body);
        if (body) ui?.update(body);
      }
    }),
    vscode.debug.onDidTerminateDebugSession((s) => {
      sessions.get(s.id)?.dispose();
      sessions.delete(s.id);
    }),
    { dispose: () => { for (const ui of sessions.values()) ui.dispose(); sessions.clear(); } },
  );
}
