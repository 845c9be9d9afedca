// The panels' glue rules as plain data, no `vscode` (unit-tested in test/unit/extension/panels):
// what a session shows, the memory-view URI, where an exit's source file is.
import type { PanelStage, SessionInfo } from '../../protocol/webview';

export const PANEL_COMMANDS = {
  pageTables: 'hvscope.showPageTables',
  exits: 'hvscope.showExits',
} as const;

export const PANEL_TITLES = {
  pageTables: 'hvscope: Page Tables',
  exits: 'hvscope: VM Exits',
} as const;

/** What the panels know of a session: its launch configuration and its last stop (none: running). */
export function sessionInfo(name: string, configuration: { machine?: unknown; paging?: unknown }, stop: { threadId?: number; reason: string } | undefined): SessionInfo {
  const machine = configuration.machine === 'bare' ? 'bare' : 'hypervisor';
  return {
    name, machine, paging: machine === 'bare' ? undefined : configuration.paging === 'shadow' ? 'shadow' : 'nested',
    running: stop === undefined, threadId: stop?.threadId, stopReason: stop?.reason,
  };
}

/**
 * The tables of a session, in tab order. A bare machine has satp, and hgatp when its own guest
 * software uses the H extension; under the embedded hypervisor the guest's VS stage and the
 * hypervisor's G stage, or with paging "shadow" the shadow table (the G stage is then Bare).
 */
export function stagesFor(info: SessionInfo): PanelStage[] {
  if (info.machine === 'bare') return ['single', 'g'];
  return info.paging === 'shadow' ? ['vs', 'shadow', 'g'] : ['vs', 'g'];
}

/**
 * VS Code's URI for a DAP memory reference: scheme vscode-debug-memory, the session id as
 * authority, the reference URI-encoded as the first path segment (VS Code's debug memory file
 * system reads it back with decodeURIComponent), then a display name ending in .bin. Opened with
 * the Hex Editor (ms-vscode.hexeditor) as VS Code's own "View Binary Data" does.
 */
export function debugMemoryUri(sessionId: string, memoryReference: string, displayName = 'memory'): { scheme: string; authority: string; path: string } {
  return { scheme: 'vscode-debug-memory', authority: sessionId, path: `/${encodeURIComponent(memoryReference)}/${encodeURIComponent(displayName)}.bin` };
}

export const HEX_EDITOR = { extensionId: 'ms-vscode.hexeditor', viewType: 'hexEditor.hexedit' } as const;

/** "src/hello.c:42" → the file and 1-based line; a symbol ("main+0x10") has none. */
export function sourceOf(location: string | undefined): { file: string; line: number } | undefined {
  const m = location ? /^(.*\S):(\d+)$/.exec(location) : null;
  return m ? { file: m[1], line: Number(m[2]) } : undefined;
}

/** Candidate paths for a DWARF file name: as it is when absolute, else under the launch cwd, then each workspace folder. */
export function sourceCandidates(file: string, bases: readonly (string | undefined)[]): string[] {
  const absolute = file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file) || file.startsWith('\\\\');
  if (absolute) return [file];
  const out: string[] = [];
  for (const b of bases) {
    if (!b) continue;
    const p = `${b.replace(/[\\/]+$/, '')}/${file.replace(/^\.\//, '')}`;
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

/** An error from customRequest, as a line of text. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'object' && e !== null && 'message' in e && typeof (e as { message: unknown }).message === 'string') return (e as { message: string }).message;
  return String(e);
}
