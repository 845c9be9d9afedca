// Which debug adapter descriptor a session gets (STYLE.md, after mock-debug: one factory per run
// mode). Plain data, no `vscode`: adapterFactory.ts turns the plan into a descriptor.
import type { AdapterMode } from './config';

export type AdapterPlan =
  /** The adapter as its own Node process speaking DAP over stdio (the default). */
  | { kind: 'executable'; command: string; args: string[] }
  /** An adapter already listening (`node dist/adapter.js --server=PORT`), for debugging the adapter itself. */
  | { kind: 'server'; port: number; host: string }
  /** The session class inside the extension host, for tests. */
  | { kind: 'inline' };

export function planAdapter(mode: AdapterMode, opts: { nodePath: string; adapterPath: string; port: number }): AdapterPlan {
  switch (mode) {
    case 'process': return { kind: 'executable', command: opts.nodePath, args: [opts.adapterPath] };
    case 'server': return { kind: 'server', port: opts.port, host: '127.0.0.1' };
    case 'inline': return { kind: 'inline' };
  }
}
