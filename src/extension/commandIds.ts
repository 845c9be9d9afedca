// The hvscope commands and the custom requests they send (plain data, no `vscode`).
import { HVSCOPE_REQUESTS, type ContinueToArguments } from '../protocol/requests';

/** Command id (package.json contributes.commands) → custom DAP request. */
export const CONTINUE_COMMANDS = {
  'hvscope.continueToVmExit': HVSCOPE_REQUESTS.continueToVmExit,
  'hvscope.continueToTrap': HVSCOPE_REQUESTS.continueToTrap,
  'hvscope.continueToGuestEntry': HVSCOPE_REQUESTS.continueToGuestEntry,
} as const;

export type ContinueCommand = keyof typeof CONTINUE_COMMANDS;

/** The focused thread or stack frame, as far as the editor tells (vscode.debug.activeStackItem, 1.90+). */
export interface FocusedItem {
  sessionId: string;
  threadId?: number;
}

/** Arguments for the custom continue: the focused thread when it belongs to this session; else the adapter picks. */
export function continueArguments(sessionId: string, focus: FocusedItem | undefined): ContinueToArguments {
  return focus && focus.sessionId === sessionId && typeof focus.threadId === 'number' ? { threadId: focus.threadId } : {};
}
