// The continue-to commands (Command Palette and debug toolbar): a custom request to the active
// hvscope session, for the focused thread when the editor tells which one it is.
import * as vscode from 'vscode';
import { CONTINUE_COMMANDS, continueArguments, type ContinueCommand, type FocusedItem } from './commandIds';
import { DEBUG_TYPE } from './config';

/** vscode.debug.activeStackItem appeared in 1.90; engines.vscode is ^1.85, so it is read only when present. */
function focusedItem(): FocusedItem | undefined {
  const item = (vscode.debug as { activeStackItem?: { session: vscode.DebugSession; threadId?: number } }).activeStackItem;
  return item ? { sessionId: item.session.id, threadId: item.threadId } : undefined;
}

export function registerCommands(context: vscode.ExtensionContext): void {
  for (const id of Object.keys(CONTINUE_COMMANDS) as ContinueCommand[]) {
    context.subscriptions.push(vscode.commands.registerCommand(id, async () => {
      const session = vscode.debug.activeDebugSession;
      if (!session || session.type !== DEBUG_TYPE) {
        void vscode.window.showWarningMessage('hvscope: no active hvscope debug session.');
        return;
      }
      try {
        await session.customRequest(CONTINUE_COMMANDS[id], continueArguments(session.id, focusedItem()));
      } catch (e) {
        void vscode.window.showErrorMessage(`hvscope: ${(e as Error).message ?? String(e)}`);
      }
    }));
  }
}
