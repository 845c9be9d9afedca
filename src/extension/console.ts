// The guest console: a terminal per hvscope session, bound to the adapter's `hvscope/console`
// events (output) and the `hvscope/consoleInput` request (keystrokes). Disposed with the session.
import * as vscode from 'vscode';
import { HVSCOPE_REQUESTS, type ConsoleInputArguments } from '../protocol/requests';
import { LineEndTranslator, PendingOutput } from './consoleText';

export class GuestConsole implements vscode.Disposable {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<void>();
  private readonly lineEnds = new LineEndTranslator();
  private readonly pending = new PendingOutput();
  private opened = false;
  private sessionEnded = false;
  private readonly terminal: vscode.Terminal;

  constructor(private readonly session: vscode.DebugSession) {
    const pty: vscode.Pseudoterminal = {
      onDidWrite: this.writeEmitter.event,
      onDidClose: this.closeEmitter.event,
      open: () => {
        this.opened = true;
        const early = this.pending.take();
        if (early) this.writeEmitter.fire(early);
      },
      close: () => { this.opened = false; },
      handleInput: (data) => this.input(data),
    };
    this.terminal = vscode.window.createTerminal({ name: `hvscope console: ${session.name}`, pty, iconPath: new vscode.ThemeIcon('terminal') });
    this.terminal.show(true); // keep the focus in the editor
  }

  /** Guest output from an `hvscope/console` event. */
  write(text: string): void {
    const t = this.lineEnds.translate(text);
    if (this.opened) this.writeEmitter.fire(t);
    else this.pending.push(t);
  }

  private input(data: string): void {
    if (this.sessionEnded) return;
    const args: ConsoleInputArguments = { text: data };
    // The adapter keeps the order of requests, so keystrokes arrive in the order typed.
    this.session.customRequest(HVSCOPE_REQUESTS.consoleInput, args).then(undefined, (e: unknown) => {
      this.writeEmitter.fire(`\r\n[hvscope: console input failed: ${(e as Error)?.message ?? String(e)}]\r\n`);
    });
  }

  dispose(): void {
    this.sessionEnded = true;
    this.closeEmitter.fire();
    this.terminal.dispose();
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
  }
}
