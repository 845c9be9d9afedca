// Custom DAP requests and events of the hvscope debug adapter (ARCHITECTURE.md §7, §8): the
// arguments and response bodies the panels and the extension exchange with the adapter.
// Types only: the adapter (src/debug) implements them, the extension and webviews consume them.
// 64-bit addresses travel as hex strings ("0x8000_1000" without the underscores).

/** Request names (DAP `command`). */
export const HVSCOPE_REQUESTS = {
  continueToVmExit: 'hvscope/continueToVmExit',
  continueToTrap: 'hvscope/continueToTrap',
  continueToGuestEntry: 'hvscope/continueToGuestEntry',
  pageTable: 'hvscope/pageTable',
  translate: 'hvscope/translate',
  exitLog: 'hvscope/exitLog',
  consoleInput: 'hvscope/consoleInput',
} as const;

/** Event names (DAP `event`). */
export const HVSCOPE_EVENTS = {
  console: 'hvscope/console',
} as const;

/** Arguments of the three custom continues: the thread (vCPU/hart) whose stop is awaited; all threads run. */
export interface ContinueToArguments {
  threadId?: number;
}

export type PageTableStage = 'vs' | 'g' | 'shadow' | 'single';

export interface PageTableArguments {
  threadId?: number;
  /** Which table: the guest's VS-stage (vsatp, or satp on a bare machine), the G stage (hgatp), the shadow table. */
  stage: PageTableStage;
  /** A subtree: the table page's address (hex) and its level; omitted = the root. */
  tableAddr?: string;
  level?: number;
  /** First address the subtree covers (hex), from the parent entry. */
  vaBase?: string;
  includeInvalid?: boolean;
}

export interface PageTableEntry {
  index: number;
  va: string;
  size: string;
  pteAddr: string;
  pte: string;
  /** PTE bits by their spec names, '-' where clear: "VRWXUGAD" order, e.g. "VRWX--AD". */
  flags: string;
  kind: 'pointer' | 'leaf' | 'invalid';
  target?: string;
  misaligned?: boolean;
}

export interface PageTableResponseBody {
  stage: PageTableStage;
  /** MODE name (Sv39, Sv39x4, Bare). */
  mode: string;
  /** Table addresses are host-physical ('hpa') or guest-physical ('gpa', VS-stage read through the G stage). */
  addressSpace: 'hpa' | 'gpa';
  tableAddr: string;
  level: number;
  entries: PageTableEntry[];
  /** Why there is nothing to show (Bare mode, no such stage in this configuration). */
  message?: string;
}

export interface TranslateArguments {
  threadId?: number;
  /** Guest virtual address: hex or an expression the evaluator understands. */
  address: string;
  access?: 'fetch' | 'load' | 'store';
}

export interface TranslateStep {
  stage: 'single' | 'vs' | 'g';
  level: number;
  index: number;
  pteAddr: string;
  pte?: string;
  /** As PageTableEntry.flags. */
  flags?: string;
  kind: string;
  /** VS stage: the G-stage walk of this PTE's guest-physical address. */
  gWalk?: TranslateWalk;
}

export interface TranslateWalk {
  stage: 'single' | 'vs' | 'g';
  mode: string;
  input: string;
  steps: TranslateStep[];
  outcome: string;
}

export interface TranslateResponseBody {
  address: string;
  twoStage: boolean;
  first: TranslateWalk;
  final?: TranslateWalk;
  /** "ok 0x... (4 KiB page)" or the fault the hart would take. */
  outcome: string;
  /** Host-physical address when the translation succeeds. */
  pa?: string;
}

export interface ExitLogArguments {
  /** At most this many of the latest records (default 256). */
  limit?: number;
}

export interface ExitLogRecord {
  seq: number;
  vcpu: number;
  reason: string;
  detail: string;
  cause: number;
  interrupt: boolean;
  pc: string;
  /** "file:line" or a symbol, when known. */
  location?: string;
  gpa?: string;
  insn: number;
  retired: number;
}

export interface ExitLogResponseBody {
  total: number;
  byReason: Record<string, number>;
  byDetail: Record<string, number>;
  topPcs: { pc: string; count: number; location?: string; reasons: Record<string, number> }[];
  records: ExitLogRecord[];
  /** Memory-virtualization statistics (nested/shadow). */
  stats?: Record<string, unknown>;
  /** Set on a bare machine: there is no embedded hypervisor, hence no exit log. */
  message?: string;
}

export interface ConsoleInputArguments {
  /** Text to feed the guest console (UART receive and SBI console). */
  text: string;
}

/** Body of the `hvscope/console` event: guest console output since the last event. */
export interface ConsoleEventBody {
  text: string;
}
