// The adapter's messages as the panels need them: one DebugAdapterTracker per hvscope session
// turns the DAP traffic into "stopped", "continued" and "terminated" events that every panel
// subscribes to (they refresh at each stop, ARCHITECTURE.md §8). One mechanism for all panels.
import * as vscode from 'vscode';
import { DEBUG_TYPE } from './config';

export interface StopEvent {
  session: vscode.DebugSession;
  /** The thread (vCPU/hart) that stopped, when the adapter says. */
  threadId?: number;
  /** DAP stopped reason: 'breakpoint', 'step', 'exception', 'pause', ... */
  reason: string;
}

interface DapMessage {
  type?: string;
  event?: string;
  body?: { threadId?: number; reason?: string };
}

const stopped = new vscode.EventEmitter<StopEvent>();
const continued = new vscode.EventEmitter<vscode.DebugSession>();
const ended = new vscode.EventEmitter<vscode.DebugSession>();

/** Fires when an hvscope session stops (after the adapter's `stopped` event). */
export const onDidStop: vscode.Event<StopEvent> = stopped.event;
/** Fires when an hvscope session resumes. */
export const onDidContinue: vscode.Event<vscode.DebugSession> = continued.event;
/** Fires when an hvscope session ends: panels of that session dispose themselves. */
export const onDidEnd: vscode.Event<vscode.DebugSession> = ended.event;

/** Last stop per session id, so a panel opened while stopped can show the current state at once. */
const lastStop = new Map<string, StopEvent>();
export function lastStopOf(session: vscode.DebugSession): StopEvent | undefined {
  return lastStop.get(session.id);
}

export function registerSessionEvents(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    stopped, continued, ended,
    vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (m: DapMessage) => {
          if (m.type !== 'event') return;
          if (m.event === 'stopped') {
            const e: StopEvent = { session, threadId: m.body?.threadId, reason: m.body?.reason ?? 'pause' };
            lastStop.set(session.id, e);
            stopped.fire(e);
          } else if (m.event === 'continued') {
            lastStop.delete(session.id);
            continued.fire(session);
          }
        },
      }),
    }),
    vscode.debug.onDidTerminateDebugSession((s) => {
      if (s.type !== DEBUG_TYPE) return;
      lastStop.delete(s.id);
      ended.fire(s);
    }),
  );
}
