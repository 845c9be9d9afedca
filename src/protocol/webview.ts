// Messages between the extension and its webview panels (ARCHITECTURE.md §8; STYLE.md, after
// vscode-hexeditor: one typed protocol shared by both sides). Types only. The webview says `ready`
// when its script has loaded (also after VS Code recreated a hidden panel) and the extension
// answers with a full state snapshot; every stop sends a new snapshot.
import type {
  ExitLogResponseBody, PageTableResponseBody, PageTableStage, ShadowDiffResponseBody, TranslateResponseBody,
} from './requests';

/** What both panels know about their session. */
export interface SessionInfo {
  /** The debug session's name (launch configuration name). */
  name: string;
  /** 'hypervisor': the guest runs under the embedded hypervisor; 'bare': the machine alone. */
  machine: 'hypervisor' | 'bare';
  /** Memory virtualization of the embedded hypervisor. */
  paging?: 'nested' | 'shadow';
  /** The guest runs: the snapshot is from the last stop (or there is none yet). */
  running: boolean;
  /** Thread (vCPU/hart) the snapshot is of, and why it stopped. */
  threadId?: number;
  stopReason?: string;
}

/** A table as the panel received it, or why it could not be read. */
export type TableResult = { ok: true; table: PageTableResponseBody } | { ok: false; error: string };

// ---------------------------------------------------------------- page tables

/** The tables a session shows: 'single' on a bare machine (satp), else 'vs' and 'g', and 'shadow' with paging "shadow". */
export type PanelStage = PageTableStage;

export interface PageTableFilter {
  /** Hide entries with V=0 (the adapter then does not send non-zero invalid entries either). */
  onlyValid: boolean;
  /** A flat list of the loaded leaves instead of the tree. */
  onlyLeaf: boolean;
  /** Address range (hex or decimal text as typed); entries overlapping [from, to] are shown. */
  from: string;
  to: string;
}

export interface PageTablesState {
  session: SessionInfo;
  /** The stages this session has, in display order. */
  stages: PanelStage[];
  /** Root tables by stage (absent while running with no stop yet). */
  roots: Partial<Record<PanelStage, TableResult>>;
  /** Paging "shadow": guest table vs shadow table. */
  shadowDiff?: { ok: true; diff: ShadowDiffResponseBody } | { ok: false; error: string };
  filter: PageTableFilter;
}

export type ToPageTablesMessage =
  | { type: 'state'; state: PageTablesState }
  /** The entries of one subtree, asked for with `expand`. */
  | { type: 'subtree'; stage: PanelStage; nodeId: string; result: TableResult }
  | { type: 'translation'; address: string; result: { ok: true; body: TranslateResponseBody } | { ok: false; error: string } }
  | { type: 'error'; message: string };

export type FromPageTablesMessage =
  | { type: 'ready' }
  | { type: 'refresh' }
  /** Load a pointer entry's table: its address, level and the first address it covers. */
  | { type: 'expand'; stage: PanelStage; nodeId: string; tableAddr: string; level: number; vaBase: string }
  /** Translate a guest virtual address (hex or an expression the adapter evaluates). */
  | { type: 'translate'; address: string; access: 'fetch' | 'load' | 'store' }
  | { type: 'setFilter'; filter: PageTableFilter }
  /** Open VS Code's memory view at a DAP memory reference ("v:0x..." guest virtual, "p:0x..." guest physical). */
  | { type: 'openMemory'; memoryReference: string };

// ---------------------------------------------------------------- VM exits

export interface ExitsState {
  session: SessionInfo;
  /** The adapter's exit log (its `message` says why a bare machine has none). */
  log?: { ok: true; body: ExitLogResponseBody } | { ok: false; error: string };
}

export type ToExitsMessage =
  | { type: 'state'; state: ExitsState }
  | { type: 'error'; message: string };

export type FromExitsMessage =
  | { type: 'ready' }
  | { type: 'refresh' }
  /** Open the guest source of an exit ("file:line" from the adapter), or its disassembly when there is none. */
  | { type: 'openLocation'; pc: string; location?: string }
  | { type: 'openMemory'; memoryReference: string };
