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
  shadowDiff: 'hvscope/shadowDiff',
  consoleInput: 'hvscope/consoleInput',
} as const;

/** Event names (DAP `event`). */
export const HVSCOPE_EVENTS = {
  console: 'hvscope/console',
  /** The machine at a glance (the status bar item): sent at every stop and every continue. */
  status: 'hvscope/status',
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
  /** When the walk faults: where it stopped and the trap-value registers the trap would write. */
  fault?: TranslateFault;
}

/** A translation fault as the hart would report it (hypervisor.adoc "Trap Value Registers", htval, htinst). */
export interface TranslateFault {
  kind: 'page-fault' | 'guest-page-fault' | 'access-fault';
  /** mcause/scause exception code and its name. */
  cause: number;
  causeName: string;
  /** Which walk stopped: the first (satp/vsatp) walk, or the final G-stage walk of the GPA. */
  walk: 'first' | 'final';
  /** Level of the step where it stopped (-1: before any table was read). */
  level: number;
  /** Guest-page faults: the faulting GPA; `implicit` when it was a VS-stage PTE access. */
  gpa?: string;
  implicit?: boolean;
  /** The mode that takes the trap: 'M', 'HS' (or 'S' without the H extension), 'VS'. */
  target: 'M' | 'HS' | 'S' | 'VS';
  /** The trap-value CSRs the trap writes, by spec name (stval, vstval, htval, htinst, mtval, mtval2, mtinst), hex or a description. */
  writes: { csr: string; value: string }[];
}

export interface ShadowDiffArguments {
  threadId?: number;
  /** At most this many rows (default 500). */
  limit?: number;
}

/** How a guest mapping and the shadow table agree, per region. */
export type ShadowDiffState =
  /** The guest maps it; no shadow leaf yet (filled on the first access: normal, lazy). */
  | 'not-filled'
  /** Part of a guest superpage has shadow leaves, part not. */
  | 'partly-filled'
  /** Shadow leaf agrees with the guest translation. */
  | 'in-sync'
  /** Shadow leaf agrees, but is read-only until the guest PTE's D bit is set (first store faults again). */
  | 'write-protected'
  /** Shadow leaf maps another host page than the guest translation gives, or the guest no longer maps it. */
  | 'stale'
  /** Shadow leaf grants a permission (R/W/X/U) the guest PTE does not. */
  | 'stale-permissions';

export interface ShadowDiffRow {
  /** Guest virtual address and size of the region (a guest leaf, or one 4 KiB shadow page). */
  va: string;
  size: string;
  state: ShadowDiffState;
  /** The guest's translation: GPA, host page, flags ("VRWXUGAD"); absent when the guest does not map it. */
  guestGpa?: string;
  guestHpa?: string;
  guestFlags?: string;
  /** The shadow leaf: host page and flags; absent when not filled. */
  shadowHpa?: string;
  shadowFlags?: string;
  /** Partly filled superpages: 4 KiB shadow pages present of the total. */
  filled?: number;
  pages?: number;
  note?: string;
}

export interface ShadowDiffResponseBody {
  /** Guest satp MODE name, and the shadow table's. */
  guestMode: string;
  shadowMode: string;
  rows: ShadowDiffRow[];
  /** Counts per state over everything compared (rows may be cut at `limit`). */
  counts: Partial<Record<ShadowDiffState, number>>;
  truncated?: boolean;
  /** Why there is nothing to compare (not shadow paging, bare machine). */
  message?: string;
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

/** What one vCPU (or hart, on a bare machine) is doing, for the status bar. */
export type VcpuRunState = 'running' | 'stopped' | 'parked' | 'wfi';

export interface VcpuStatus {
  /** DAP thread id. */
  threadId: number;
  /** 'vCPU 0' under the hypervisor, 'hart 0' on a bare machine. */
  name: string;
  /** 'parked': not started (SBI HSM STOPPED, or a bare hart waiting for its start) or suspended. */
  state: VcpuRunState;
  /** Privilege mode name: M, HS, S, U, VS, VU. */
  privilege: string;
  /** Instructions this hart retired since reset. */
  retired: number;
}

/** Body of the `hvscope/status` event. */
export interface StatusEventBody {
  /** True from a continue until the next stop. */
  running: boolean;
  machine: 'hypervisor' | 'bare';
  /** Memory virtualization of the embedded hypervisor; 'bare' on a bare machine (no second stage). */
  paging: 'nested' | 'shadow' | 'bare';
  /** MODE of the guest's own table (satp as the guest sees it: vsatp, or the shadowed satp): "Sv39", "Bare". */
  guestMode: string;
  vcpus: VcpuStatus[];
  /** The thread the last stop was about. */
  focus: number;
  /** VM exits handled so far (0 on a bare machine). */
  exits: number;
  /** Instructions retired by all harts. */
  retired: number;
  /** 'jit' when the binary translator runs, 'interp' otherwise. */
  engine: 'jit' | 'interp';
}
