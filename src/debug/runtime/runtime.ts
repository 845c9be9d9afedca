// The debugger runtime (STYLE.md, after mock-debug's runtime): owns the machine, runs it in budgets
// with event-loop yields in between (pause answers within one slice), turns what the machine
// returns into stop reasons (values), keeps breakpoints/watchpoints/filters, and implements
// stepping. It knows nothing of DAP: the session translates its events and answers.
import { Machine, ISA_STRING, QUANTUM, type StopCause } from '../../machine/machine';
import { bootBare } from '../../machine/boot';
import { bootHypervisor } from '../../machine/hypervisorBoot';
import type { Vm } from '../../hypervisor/vm';
import { decodeExit, exitReason, type VmExit } from '../../hypervisor/exits';
import type { BlockBackend } from '../../devices/device';
import type { Hart } from '../../riscv/hart/hart';
import { vaKey, type Watchpoint } from '../../riscv/hart/debugHooks';
import { CSR } from '../../riscv/hart/csrs';
import { csrNumber } from '../../riscv/isa/csrNames';
import { decodeAt } from '../../riscv/isa/decode';
import { disassembleWord, X_NAMES, F_NAMES } from '../../riscv/isa/disasm';
import { Target, hex, type Thread, type Space } from './target';
import { SymbolIndex, type PathOps, type SourceLocation } from './symbols';
import type { LaunchPlan } from './launch';
import { EvalError, evaluate, interpolate, parseExpression, type EvalContext, type Width } from './expr';
import { causeName, sbiCallName, exitFilterId, exitFilterIdForCause, exitVariables, trapFilterId, type ActiveFilter } from './filters';
import { unwind, type RawFrame } from './unwind';
import type { JitListingSource } from '../../jit/listing';
import { modeName as satpModeName } from '../../mmu/pte';
import type { StatusEventBody, VcpuRunState } from '../../protocol/requests';

export type StopReasonKind = 'entry' | 'pause' | 'step' | 'breakpoint' | 'function breakpoint' | 'instruction breakpoint' | 'data breakpoint' | 'exception' | 'goto';

export interface ExceptionDetails {
  /** Filter id ('page-fault', 'vmexit-sbi', ..., or 'stuck'/'vm-stopped' for stops nobody asked for). */
  filterId: string;
  /** Short name: the cause or the exit reason. */
  name: string;
  /** One line for the editor's exception widget. */
  description: string;
  /** Further facts: addresses, the decoded instruction, the hypervisor's decision. */
  details: string[];
}

/** Why the runtime stopped: a value the session turns into a `stopped` event. */
export interface StopInfo {
  reason: StopReasonKind;
  threadId: number;
  description?: string;
  hitBreakpointIds?: number[];
  exception?: ExceptionDetails;
}

export type RuntimeEvent =
  | { type: 'stopped'; stop: StopInfo }
  | { type: 'continued'; threadId: number }
  | { type: 'exited'; code: number; message?: string }
  | { type: 'output'; category: 'console' | 'stdout' | 'stderr' | 'important'; text: string }
  | { type: 'console'; text: string }
  | { type: 'breakpointChanged'; id: number };

/** What the host gives the runtime: paths, an optional disk, a clock. */
export interface RuntimeHost {
  paths: PathOps;
  openDisk?(path: string): BlockBackend;
  now(): number;
  /** Schedules `f` after pending I/O (setImmediate in Node). */
  defer(f: () => void): void;
  /** Schedules `f` after `ms` (setTimeout). */
  later(f: () => void, ms: number): void;
}

export interface BreakpointSpec {
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
}

export interface BreakpointResult {
  id: number;
  verified: boolean;
  line?: number;
  address?: bigint;
  message?: string;
}

interface BpEntry extends BreakpointSpec {
  id: number;
  kind: 'breakpoint' | 'function breakpoint' | 'instruction breakpoint';
  hits: number;
}

export interface DataBreakpointSpec extends BreakpointSpec {
  dataId: string;
  accessType?: 'read' | 'write' | 'readWrite';
}

export interface StackFrameInfo {
  /** Index in the thread's stack (0 = innermost). */
  index: number;
  name: string;
  pc: bigint;
  sp: bigint;
  source?: SourceLocation;
  /** A synthetic frame (the VM exit label): no code of its own. */
  label?: boolean;
}

export interface DisassembledLine {
  address: bigint;
  bytes?: string;
  text: string;
  symbol?: string;
  location?: SourceLocation;
  invalid?: boolean;
}

type Mode =
  | { k: 'continue' }
  | { k: 'to'; what: 'vmexit' | 'trap' | 'entry'; thread: Thread }
  | { k: 'line'; thread: Thread; kind: 'over' | 'in'; file?: string; line?: number; startPc: bigint; startSp: bigint; steps: number; returnTo?: { pc: bigint; sp: bigint }; trapDepth?: number }
  | { k: 'out'; thread: Thread; pc: bigint; sp: bigint }
  /** Step out of a trap handler: run until the trap it handles returns (an xRET at depth 0). */
  | { k: 'xret'; thread: Thread; depth: number; steps: number }
  | { k: 'wake'; thread: Thread };

/** Target slice length: short enough that pause answers well within 50 ms. */
const SLICE_MS = 12;
const MAX_LINE_STEPS = 2_000_000;

const WFI = 0x10500073;

const isXret = (word: number): boolean => {
  const n = decodeAt(word)?.spec.name;
  return n === 'mret' || n === 'sret' || n === 'mnret';
};

function isCall(word: number): { len: 2 | 4 } | undefined {
  const d = decodeAt(word);
  if (!d) return undefined;
  const n = d.spec.name;
  if ((n === 'jal' || n === 'jalr') && (d.rd === 1 || d.rd === 5)) return { len: d.len };
  if ((n === 'c.jalr' || n === 'c.jal')) return { len: d.len };
  return undefined;
}

/** Parses "42" (the 42nd hit only), ">= 3", "% 10", "== 5" (DAP hitCondition). */
export function hitConditionMet(cond: string, hits: number): boolean {
  const m = /^\s*(>=|<=|==|>|<|%)?\s*(\d+)\s*$/.exec(cond);
  if (!m) throw new EvalError(`hit condition '${cond}': use a number, or >= N, > N, == N, % N`);
  const n = Number(m[2]);
  switch (m[1]) {
    case '>': return hits > n;
    case '<': return hits < n;
    case '<=': return hits <= n;
    case '==': return hits === n;
    case '%': return n > 0 && hits % n === 0;
    case '>=': return hits >= n;
    default: return hits === n; // a plain number: the N-th hit only (">= N" for every hit from it on)
  }
}

export class Runtime {
  target!: Target;
  symbols: SymbolIndex;
  machine!: Machine;
  vm: Vm | undefined;
  plan!: LaunchPlan;

  private listeners: ((e: RuntimeEvent) => void)[] = [];
  private running = false;
  private scheduled = false;
  private pauseRequested = false;
  private mode: Mode = { k: 'continue' };
  private budget = 100_000;
  private exited = false;
  /** The thread the last stop was about (focus for pause). */
  focus = 1;
  lastStop: StopInfo | undefined;
  /** Console bytes of the current slice. */
  private consoleBuf: number[] = [];
  private sbiInput: number[] = [];

  // breakpoints
  private nextId = 1;
  private readonly userBps = new Map<number, BpEntry[]>();
  private sourceBps = new Map<string, { keys: number[]; entries: BpEntry[]; lines: number[] }>();
  private functionBps: { keys: number[]; entries: BpEntry[] } = { keys: [], entries: [] };
  private instructionBps: { keys: number[]; entries: BpEntry[] } = { keys: [], entries: [] };
  private readonly tempKeys = new Set<number>();
  private readonly bpSet = new Set<number>();
  private dataBps: { w: Watchpoint; spec: DataBreakpointSpec; id: number; hits: number; label: string }[] = [];
  private filters = new Map<string, ActiveFilter & { parsed?: ReturnType<typeof parseExpression> }>();

  // VM exits stopped at before the hypervisor handled them, by hart id
  readonly pendingExits = new Map<number, VmExit>();
  /** What the hypervisor decided for each vCPU's last exit (for exceptionInfo and the Last trap scope). */
  readonly lastDecision = new Map<number, string>();
  private pendingStop: StopInfo | undefined;
  /** Hart whose resume must skip the breakpoint it stopped at. */
  halted: { code: number; message?: string } | undefined;

  constructor(private readonly host: RuntimeHost) {
    this.symbols = new SymbolIndex(host.paths);
  }

  onEvent(f: (e: RuntimeEvent) => void): void {
    this.listeners.push(f);
  }

  private emit(e: RuntimeEvent): void {
    for (const f of this.listeners) f(e);
  }

  // ------------------------------------------------------------------ launch

  /** Boots the guest of `plan` (throws UserError for images the loaders refuse). */
  launch(plan: LaunchPlan): void {
    this.plan = plan;
    const console = { write: (b: number) => { this.consoleBuf.push(b); } };
    const disk = plan.diskPath && this.host.openDisk ? this.host.openDisk(plan.diskPath) : undefined;
    if (plan.machine === 'bare') {
      this.machine = new Machine({ memoryBytes: plan.memoryBytes, harts: plan.vcpus, console, disk, engine: plan.engine });
      bootBare(this.machine, { kernel: plan.kernel, bios: plan.bios, initrd: plan.initrd, bootargs: plan.bootargs, isa: ISA_STRING });
      this.vm = undefined;
    } else {
      const sys = bootHypervisor({
        kernel: plan.kernel, initrd: plan.initrd, bootargs: plan.bootargs, memoryBytes: plan.memoryBytes, vcpus: plan.vcpus,
        paging: plan.paging, engine: plan.engine, console, disk, consoleInput: { readByte: () => this.sbiInput.shift() ?? -1 },
      });
      this.machine = sys.machine;
      this.vm = sys.vm;
      this.machine.vmExitHandler = (h) => this.onVmExit(h);
    }
    this.target = new Target(this.machine, this.vm);
    this.symbols = new SymbolIndex(this.host.paths, plan.sourceRoot);
    if (plan.bios && plan.biosPath) this.symbols.add(plan.biosPath, plan.bios);
    this.symbols.add(plan.kernelPath, plan.kernel);
    for (const s of plan.symbols) this.symbols.add(s.path, s.bytes, BigInt(s.offset));
    for (const w of this.symbols.warnings) this.emit({ type: 'output', category: 'console', text: `hvscope: ${w}\n` });
  }

  /** After configurationDone: stop on entry, or run. */
  start(): void {
    if (this.plan.stopOnEntry) this.host.defer(() => this.stop({ reason: 'entry', threadId: 1 }));
    else this.resume({ k: 'continue' });
  }

  get isRunning(): boolean {
    return this.running;
  }

  get hasExited(): boolean {
    return this.exited;
  }

  // ------------------------------------------------------------------ threads

  threads(): { id: number; name: string }[] {
    return this.target.threads.map((t) => ({ id: t.id, name: this.threadName(t) }));
  }

  threadName(t: Thread): string {
    const h = t.hart;
    const what = this.vm ? `vCPU ${t.id - 1}` : `hart ${t.id - 1}`;
    let state: string;
    if (this.pendingExits.has(h.hartId)) state = 'VM exit';
    else if (t.vcpu && t.vcpu.state !== 'running') state = t.vcpu.state === 'wfi' ? 'WFI' : t.vcpu.state;
    else if (h.parked) state = 'parked';
    else if (h.wfi) state = 'WFI';
    else state = this.running ? 'running' : 'stopped';
    return `${what} (${state}, ${this.modeName(t)})`;
  }

  modeName(t: Thread): string {
    const h = t.hart;
    if (this.vm && !h.virt) return 'HS';
    if (h.virt) return h.priv === 1 ? 'VS' : 'VU';
    if (h.priv === 3) return 'M';
    if (h.priv === 1) return h.csr.hasH ? 'HS' : 'S';
    return 'U';
  }

  thread(id: number): Thread {
    const t = this.target.thread(id);
    if (!t) throw new EvalError(`no thread ${id}`);
    return t;
  }

  // ------------------------------------------------------------------ running

  continue(): void {
    this.resume({ k: 'continue' });
  }

  continueTo(what: 'vmexit' | 'trap' | 'entry', threadId: number): void {
    this.resume({ k: 'to', what, thread: this.thread(threadId) });
  }

  pause(): void {
    if (!this.running) return;
    this.pauseRequested = true;
  }

  /** One instruction; `over` steps over calls. */
  stepInstruction(threadId: number, over: boolean): void {
    const t = this.thread(threadId);
    this.focus = threadId;
    if (this.pendingExits.has(t.hart.hartId) || !this.canRun(t)) { this.resume({ k: 'wake', thread: t }); return; }
    const pc = this.target.guestPc(t);
    const w = this.target.fetchWord(t, pc);
    const call = w === undefined ? undefined : isCall(w);
    if (over && call) {
      this.resume({ k: 'out', thread: t, pc: pc + BigInt(call.len), sp: this.target.x(t, 2) });
      return;
    }
    this.running = true;
    this.emit({ type: 'continued', threadId });
    this.host.defer(() => {
      const cause = this.singleStep(t);
      if (cause.kind === 'budget') this.stop({ reason: 'step', threadId });
      else this.handleCause(cause);
    });
  }

  /** Source-line step; falls back to an instruction step where there is no line information. */
  stepLine(threadId: number, kind: 'over' | 'in'): void {
    const t = this.thread(threadId);
    this.focus = threadId;
    const pc = this.target.guestPc(t);
    const loc = this.symbols.addressToLine(pc);
    if (!loc || this.pendingExits.has(t.hart.hartId) || !this.canRun(t)) { this.stepInstruction(threadId, kind === 'over'); return; }
    this.resume({ k: 'line', thread: t, kind, file: loc.file, line: loc.line, startPc: pc, startSp: this.target.x(t, 2), steps: 0 });
  }

  stepOut(threadId: number): void {
    const t = this.thread(threadId);
    this.focus = threadId;
    const frames = this.rawFrames(t);
    // No caller frame: a trap handler (entered from a trap, not called) returns with an xRET.
    if (frames.length < 2) { this.resume({ k: 'xret', thread: t, depth: 0, steps: 0 }); return; }
    this.resume({ k: 'out', thread: t, pc: frames[1].pc, sp: frames[1].sp });
  }

  private canRun(t: Thread): boolean {
    return !t.hart.parked && !t.hart.wfi;
  }

  private resume(mode: Mode): void {
    if (this.exited) return;
    this.mode = mode;
    this.pauseRequested = false;
    this.lastStop = undefined;
    // Every hart sitting on a breakpoint steps over it once.
    for (const h of this.machine.harts) {
      const k = vaKey(h.pcLo, h.pcHi);
      if (this.bpSet.has(k)) h.resumeKey = k;
    }
    if (mode.k === 'out') this.addTemp(mode.pc);
    this.installTrapFilter();
    this.running = true;
    this.emit({ type: 'continued', threadId: this.focus });
    // Exits stopped at before handling: the hypervisor handles them now.
    for (const [hartId] of [...this.pendingExits]) {
      this.pendingExits.delete(hartId);
      const cause = this.handleExit(this.machine.harts[hartId]);
      if (cause) { this.host.defer(() => this.handleCause(cause)); return; }
      if (mode.k === 'wake' && mode.thread.hart.hartId === hartId) {
        this.host.defer(() => this.stop({ reason: 'step', threadId: mode.thread.id }));
        return;
      }
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.host.defer(() => this.slice());
  }

  private slice(): void {
    this.scheduled = false;
    if (!this.running) return;
    if (this.pauseRequested) { this.stop({ reason: 'pause', threadId: this.focus }); return; }
    const m = this.mode;
    const t0 = this.host.now();
    let cause: StopCause;
    if (m.k === 'line' && !m.returnTo) {
      this.lineSlice(m, t0 + SLICE_MS);
      return;
    }
    if (m.k === 'xret') {
      this.xretSlice(m, t0 + SLICE_MS);
      return;
    }
    if (m.k === 'wake') {
      cause = this.machine.run(QUANTUM);
      this.flushConsole();
      if (cause.kind === 'budget' || cause.kind === 'idle') {
        if (this.canRun(m.thread)) { this.stop({ reason: 'step', threadId: m.thread.id }); return; }
        if (cause.kind === 'idle') { this.host.later(() => this.schedule(), 20); return; }
        this.schedule();
        return;
      }
      this.handleCause(cause);
      return;
    }
    cause = this.machine.run(this.budget);
    const dt = this.host.now() - t0;
    // Keep slices near SLICE_MS: the machine's speed varies with the guest (MMIO, exits, walks).
    if (cause.kind === 'budget') {
      if (dt < SLICE_MS / 2) this.budget = Math.min(this.budget * 2, 20_000_000);
      else if (dt > SLICE_MS * 1.5) this.budget = Math.max(QUANTUM, Math.floor(this.budget / 2));
    }
    this.flushConsole();
    this.handleCause(cause);
  }

  private flushConsole(): void {
    if (this.consoleBuf.length === 0) return;
    const text = Buffer.from(this.consoleBuf).toString('latin1');
    this.consoleBuf = [];
    this.emit({ type: 'console', text });
  }

  /** Acts on why the machine returned: go on, or stop with a reason, or end the session. */
  private handleCause(cause: StopCause): void {
    this.flushConsole();
    switch (cause.kind) {
      case 'budget': this.schedule(); return;
      case 'idle':
        // Nothing can run until console input arrives (or forever): poll gently, pause still works.
        this.host.later(() => this.schedule(), 20);
        return;
      case 'poweroff': this.finish(cause.code); return;
      case 'reset': this.finish(0, 'the guest requested a reset; the session ends'); return;
      case 'stuck': {
        const t = this.target.threads[cause.hart];
        this.stop({
          reason: 'exception', threadId: t.id,
          exception: {
            filterId: 'stuck', name: causeName(cause.cause, false),
            description: `${this.target.hypervisor ? 'vCPU' : 'hart'} ${cause.hart} is stuck in a trap loop: ${causeName(cause.cause, false)} at pc 0x${cause.pc.toString(16)}`,
            details: ['Every attempt to run an instruction traps again without progress (the guest\'s fault: check its trap vector and page tables).'],
          },
        });
        return;
      }
      case 'vm': {
        if (cause.reason === 'hvscope-debug') {
          const s = this.pendingStop!;
          this.pendingStop = undefined;
          this.stop(s);
          return;
        }
        if (cause.reason === 'poweroff') { this.finish(cause.code, cause.code === 0 ? undefined : 'the guest powered off reporting a failure'); return; }
        if (cause.reason === 'reboot' || cause.reason === 'reset') { this.finish(0, 'the guest requested a reboot; the session ends'); return; }
        const t = this.target.threads.find((x) => x.vcpu?.lastExit !== undefined && !x.hart.virt) ?? this.target.threads[0];
        this.stop({
          reason: 'exception', threadId: t.id,
          exception: { filterId: 'vm-stopped', name: cause.reason, description: `the hypervisor stopped the VM: ${cause.reason}`, details: this.exitDetails(t) },
        });
        return;
      }
      case 'debug': this.onDebugStop(this.target.threads[cause.hart]); return;
    }
  }

  private finish(code: number, message?: string): void {
    this.running = false;
    this.exited = true;
    this.flushConsole();
    if (message) this.emit({ type: 'output', category: 'console', text: `hvscope: ${message}\n` });
    this.emit({ type: 'exited', code, message });
  }

  stop(s: StopInfo): void {
    this.running = false;
    this.pauseRequested = false;
    this.clearTemp();
    this.mode = { k: 'continue' };
    this.lastStop = s;
    this.focus = s.threadId;
    this.flushConsole();
    this.emit({ type: 'stopped', stop: s });
  }

  /** Ends the run loop (terminate/disconnect). */
  shutdown(): void {
    this.running = false;
    this.exited = true;
  }

  private singleStep(t: Thread): StopCause {
    const h = t.hart;
    h.resumeKey = vaKey(h.pcLo, h.pcHi);
    const r = this.machine.stepHart(h, 1);
    this.flushConsole();
    return r;
  }

  // ------------------------------------------------------------------ line stepping

  private lineSlice(m: Extract<Mode, { k: 'line' }>, deadline: number): void {
    const t = m.thread, h = t.hart, tg = this.target;
    for (let n = 0; ; n++) {
      if ((n & 127) === 127 && this.host.now() > deadline) { this.schedule(); return; }
      const pc = tg.guestPc(t);
      const w = tg.fetchWord(t, pc);
      const call = w === undefined ? undefined : isCall(w);
      const sp = tg.x(t, 2);
      const traps = h.lastTrap.count;
      const xret = w !== undefined && isXret(w);
      const cause = this.singleStep(t);
      if (cause.kind !== 'budget') { this.handleCause(cause); return; }
      if (!this.canRun(t)) { this.stop({ reason: 'step', threadId: t.id }); return; }
      const npc = tg.guestPc(t);
      const trapped = h.lastTrap.count !== traps && (!this.vm || h.lastTrap.toVirt);
      if (m.trapDepth) {
        // Stepping over a trap the line takes: through the handler until its xRET.
        if (trapped) m.trapDepth++;
        else if (xret) m.trapDepth--;
        if (m.trapDepth > 0) {
          if (this.userBpStops(t, npc)) return;
          if (++m.steps > MAX_LINE_STEPS) { this.stop({ reason: 'step', threadId: t.id }); return; }
          continue;
        }
      } else if (trapped) {
        // stepIn goes into the trap handler the guest takes; next steps over the trap.
        if (m.kind === 'in') { this.stop({ reason: 'step', threadId: t.id, description: `trap: ${causeName(h.lastTrap.cause, h.lastTrap.interrupt)}` }); return; }
        m.trapDepth = 1;
        continue;
      }
      if (call && (m.kind === 'over' || !this.symbols.addressToLine(npc))) {
        m.returnTo = { pc: pc + BigInt(call.len), sp };
        this.addTemp(m.returnTo.pc);
        this.schedule();
        return;
      }
      if (call && m.kind === 'in' && this.skipPrologue(m, npc)) continue;
      if (this.lineStepDone(m, npc)) { this.stop({ reason: 'step', threadId: t.id }); return; }
      if (this.userBpStops(t, npc)) return;
      if (++m.steps > MAX_LINE_STEPS) {
        this.emit({ type: 'output', category: 'console', text: `hvscope: the step did not reach another source line within ${MAX_LINE_STEPS} instructions; stopped\n` });
        this.stop({ reason: 'step', threadId: t.id });
        return;
      }
    }
  }

  private xretSlice(m: Extract<Mode, { k: 'xret' }>, deadline: number): void {
    const t = m.thread, h = t.hart, tg = this.target;
    for (let n = 0; ; n++) {
      if ((n & 127) === 127 && this.host.now() > deadline) { this.schedule(); return; }
      const w = tg.fetchWord(t, tg.guestPc(t));
      const xret = w !== undefined && isXret(w);
      const traps = h.lastTrap.count;
      const cause = this.singleStep(t);
      if (cause.kind !== 'budget') { this.handleCause(cause); return; }
      if (!this.canRun(t)) { this.stop({ reason: 'step', threadId: t.id }); return; }
      if (h.lastTrap.count !== traps && (!this.vm || h.lastTrap.toVirt)) m.depth++;
      else if (xret && m.depth-- === 0) { this.stop({ reason: 'step', threadId: t.id }); return; }
      if (this.userBpStops(t, tg.guestPc(t))) return;
      if (++m.steps > MAX_LINE_STEPS) {
        this.emit({ type: 'output', category: 'console', text: `hvscope: the trap handler did not return within ${MAX_LINE_STEPS} instructions; stopped\n` });
        this.stop({ reason: 'step', threadId: t.id });
        return;
      }
    }
  }

  /**
   * Stepping into a C function: its entry line (the `{` line, the prologue) is not where the user
   * wants to be, so the step goes on to the next line, as debuggers do. Only at the entry of a
   * function DWARF knows (assembly labels have no prologue to skip).
   */
  private skipPrologue(m: Extract<Mode, { k: 'line' }>, npc: bigint): boolean {
    const fn = this.symbols.imageAt(npc)?.debug.functionAt(npc);
    if (!fn || fn.lowPc !== npc) return false;
    const loc = this.symbols.addressToLine(npc);
    if (!loc) return false;
    m.file = loc.file; m.line = loc.line; m.startPc = npc;
    return true;
  }

  private lineStepDone(m: Extract<Mode, { k: 'line' }>, npc: bigint): boolean {
    if (!this.symbols.isStatementStart(npc)) return false;
    const loc = this.symbols.addressToLine(npc);
    if (!loc) return false;
    if (loc.line !== m.line || loc.file !== m.file) return true;
    // The same line again: a loop went round (jumped back to the line's start).
    return npc <= m.startPc;
  }

  /** A user breakpoint at `pc` met during a line step stops the step there. */
  private userBpStops(t: Thread, pc: bigint): boolean {
    const key = Number(pc);
    if (!this.userBps.has(key)) return false;
    const s = this.evaluateBreakpoints(t, key);
    if (!s) return false;
    this.stop(s);
    return true;
  }

  // ------------------------------------------------------------------ debug stops

  private onDebugStop(t: Thread): void {
    const h = t.hart;
    const ds = h.debugStop;
    if (!ds) { this.schedule(); return; }
    if (ds.kind === 'trap') {
      const s = this.pendingStop;
      this.pendingStop = undefined;
      if (s) this.stop(s); else this.schedule();
      return;
    }
    if (ds.kind === 'watchpoint') {
      const d = this.dataBps.find((x) => x.id === ds.id);
      if (d) {
        const ctx = this.evalContext(t);
        let stop = true;
        try {
          if (d.spec.condition && evaluate(d.spec.condition, ctx) === 0n) stop = false;
          if (stop) { d.hits++; if (d.spec.hitCondition && !hitConditionMet(d.spec.hitCondition, d.hits)) stop = false; }
        } catch (e) { this.reportConditionError(d.id, e); }
        if (stop && d.spec.logMessage) { this.emit({ type: 'output', category: 'console', text: interpolate(d.spec.logMessage, ctx) + '\n' }); stop = false; }
        if (!stop) { this.schedule(); return; }
      }
      const access = ds.write ? 'write' : 'read';
      this.stop({
        reason: 'data breakpoint', threadId: t.id, hitBreakpointIds: d ? [d.id] : undefined,
        description: `${access} of ${ds.size} bytes at ${hex(BigInt(ds.vaKey))}${d ? ` (${d.label})` : ''}`,
      });
      return;
    }
    // An instruction breakpoint: ours (a step's return address) or the user's.
    const key = ds.pcKey;
    const m = this.mode;
    if (this.tempKeys.has(key) && (m.k === 'out' || (m.k === 'line' && m.returnTo)) && m.thread === t) {
      const target = m.k === 'out' ? m : m.returnTo!;
      if (Number(target.pc) === key && this.target.x(t, 2) >= target.sp) {
        if (m.k === 'out') { this.stop({ reason: 'step', threadId: t.id }); return; }
        m.returnTo = undefined;
        this.clearTemp();
        if (this.lineStepDone(m, this.target.guestPc(t))) { this.stop({ reason: 'step', threadId: t.id }); return; }
        this.schedule();
        return;
      }
    }
    if (this.userBps.has(key)) {
      const s = this.evaluateBreakpoints(t, key);
      if (s) { this.stop(s); return; }
    }
    h.resumeKey = key;
    this.schedule();
  }

  /** Conditions, hit counts and logpoints of the user breakpoints at `key`: the stop, or undefined to go on. */
  private evaluateBreakpoints(t: Thread, key: number): StopInfo | undefined {
    const ctx = this.evalContext(t);
    const hit: BpEntry[] = [];
    for (const e of this.userBps.get(key) ?? []) {
      try {
        if (e.condition && evaluate(e.condition, ctx) === 0n) continue;
        e.hits++;
        if (e.hitCondition && !hitConditionMet(e.hitCondition, e.hits)) continue;
      } catch (err) {
        this.reportConditionError(e.id, err);
        hit.push(e); // a broken condition stops, so the user sees it
        continue;
      }
      if (e.logMessage !== undefined) { this.emit({ type: 'output', category: 'console', text: interpolate(e.logMessage, ctx) + '\n' }); continue; }
      hit.push(e);
    }
    if (hit.length === 0) return undefined;
    return { reason: hit[0].kind, threadId: t.id, hitBreakpointIds: hit.map((e) => e.id) };
  }

  private reportConditionError(id: number, e: unknown): void {
    this.emit({ type: 'output', category: 'stderr', text: `hvscope: breakpoint ${id}: cannot evaluate its condition: ${(e as Error).message}\n` });
  }

  // ------------------------------------------------------------------ traps and VM exits

  private installTrapFilter(): void {
    const m = this.mode;
    const need = this.filters.size > 0 || (m.k === 'to' && m.what === 'trap') || (!this.vm && m.k === 'to' && m.what === 'vmexit');
    for (const t of this.target.threads) t.hart.trapFilter = need ? (h, cause, interrupt) => this.onTrap(h, cause, interrupt) : null;
  }

  /** Called by the hart right after it entered a trap: true stops the run (the stop is in pendingStop). */
  private onTrap(h: Hart, cause: number, interrupt: boolean): boolean {
    const lt = h.lastTrap;
    const t = this.target.threads[h.hartId];
    const toHs = lt.fromVirt && !lt.toVirt && lt.target === 1;
    if (this.vm && toHs) return false; // a VM exit: the exit handler sees it
    let id: string | undefined;
    const vars = new Map<string, bigint>([['cause', BigInt(cause)], ['tval', (BigInt(lt.tvalHi >>> 0) << 32n) | BigInt(lt.tvalLo >>> 0)]]);
    if (toHs) id = exitFilterIdForCause(cause, interrupt, cause === 22 && (lt.tvalLo | 0) === WFI);
    else id = trapFilterId(cause, interrupt);
    const m = this.mode;
    const wanted = (m.k === 'to' && m.thread === t && ((m.what === 'trap' && !toHs) || (m.what === 'vmexit' && toHs)))
      || (id !== undefined && this.filterMatches(id, t, vars));
    if (!wanted) return false;
    const name = causeName(cause, interrupt);
    const details = [
      `${interrupt ? 'interrupt' : 'exception'} ${cause} (${name}) from ${lt.fromVirt ? 'V=1 ' : ''}${['U', 'S', '?', 'M'][this.privBefore(h)] ?? '?'}-mode at pc ${hex((BigInt(lt.pcHi >>> 0) << 32n) | BigInt(lt.pcLo >>> 0))}`,
      `taken into ${lt.toVirt ? 'VS' : lt.target === 3 ? 'M' : 'HS/S'}-mode, tval ${hex(vars.get('tval')!)}`,
    ];
    const insn = this.target.fetchWord(t, (BigInt(lt.pcHi >>> 0) << 32n) | BigInt(lt.pcLo >>> 0));
    if (insn !== undefined && !interrupt) details.push(`instruction: ${disassembleWord(insn, (BigInt(lt.pcHi >>> 0) << 32n) | BigInt(lt.pcLo >>> 0)).text}`);
    this.pendingStop = {
      reason: 'exception', threadId: t.id,
      description: toHs ? `VM exit: ${name}` : `guest trap: ${name}`,
      exception: { filterId: id ?? (toHs ? 'vmexit' : 'trap'), name, description: `${toHs ? 'VM exit' : 'trap'}: ${name}`, details },
    };
    return true;
  }

  private privBefore(h: Hart): number {
    // The previous privilege is in xPP of the target mode's status register.
    const lt = h.lastTrap;
    if (lt.toVirt) return (h.csr.vsstatusLo >>> 8) & 1;
    if (lt.target === 3) return (h.csr.mstatusLo >>> 11) & 3;
    return (h.csr.mstatusLo >>> 8) & 1;
  }

  private filterMatches(id: string, t: Thread, vars: Map<string, bigint>): boolean {
    const f = this.filters.get(id);
    if (!f) return false;
    if (!f.parsed) return true;
    try {
      const ctx = this.evalContext(t, 0, vars);
      return evaluate(f.condition!, ctx) !== 0n;
    } catch (e) {
      this.emit({ type: 'output', category: 'stderr', text: `hvscope: exception filter ${id}: cannot evaluate '${f.condition}': ${(e as Error).message}\n` });
      return true;
    }
  }

  /** Machine.vmExitHandler under the embedded hypervisor: stop before handling when a filter wants it. */
  private onVmExit(h: Hart): StopCause | undefined {
    const vm = this.vm!;
    const t = this.target.threads[h.hartId];
    const v = t.vcpu!;
    const m = this.mode;
    const want = this.filters.size > 0 || (m.k === 'to' && m.what === 'vmexit' && m.thread === t);
    if (want && this.running) {
      const exit = decodeExit(v, (vc, lo, hi) => vm.fetchInsn(vc, lo, hi));
      const id = exitFilterId(exit);
      const hit = (m.k === 'to' && m.what === 'vmexit' && m.thread === t) || (id !== undefined && this.filterMatches(id, t, exitVariables(exit)));
      if (hit) {
        this.pendingExits.set(h.hartId, exit);
        const d = this.describeExit(exit);
        this.pendingStop = {
          reason: 'exception', threadId: t.id, description: `VM exit: ${d.name}`,
          exception: { filterId: id ?? 'vmexit', name: d.name, description: `VM exit: ${d.name} (not handled yet: continue or step lets the hypervisor handle it)`, details: d.details },
        };
        return { kind: 'vm', reason: 'hvscope-debug', code: 0 };
      }
    }
    return this.handleExit(h);
  }

  /** Lets the hypervisor handle the exit `h` stopped at; the stop it causes, if any. */
  private handleExit(h: Hart): StopCause | undefined {
    const vm = this.vm!;
    const t = this.target.threads[h.hartId];
    const out = vm.onHartStopped(h);
    let decision: string = out.action;
    if (out.action === 'inject') decision = `inject ${causeName(out.cause, false)} into the guest`;
    else if (out.action === 'resume') decision = 'handled; resume the guest';
    else if (out.action === 'wait') decision = `the vCPU waits (${out.state})`;
    else if (out.action === 'halt') decision = `halt: ${out.request.kind}`;
    else if (out.action === 'stop') decision = `stop: ${out.reason}`;
    this.lastDecision.set(h.hartId, decision);
    if (out.action === 'halt') {
      const code = out.request.kind === 'poweroff' ? out.request.code : 0;
      return { kind: 'vm', reason: out.request.kind, code };
    }
    if (out.action === 'stop') return { kind: 'vm', reason: out.reason, code: 1 };
    if (!this.running) return undefined;
    const m = this.mode;
    if (out.action === 'inject') {
      // A trap the hypervisor injects is a guest trap too (the hart's trap filter never sees it).
      const id = trapFilterId(out.cause, false);
      const vars = new Map<string, bigint>([['cause', BigInt(out.cause)], ['tval', (BigInt(out.tvalHi >>> 0) << 32n) | BigInt(out.tvalLo >>> 0)]]);
      if ((m.k === 'to' && m.what === 'trap' && m.thread === t) || (id && this.filterMatches(id, t, vars))) {
        const name = causeName(out.cause, false);
        this.pendingStop = {
          reason: 'exception', threadId: t.id, description: `guest trap: ${name}`,
          exception: { filterId: id ?? 'trap', name, description: `guest trap: ${name} (injected by the hypervisor)`, details: [`tval ${hex(vars.get('tval')!)}`, `after VM exit: ${out.exit.kind}`, `hypervisor: ${decision}`] },
        };
        return { kind: 'vm', reason: 'hvscope-debug', code: 0 };
      }
    }
    if (m.k === 'to' && m.what === 'entry' && m.thread === t && (out.action === 'resume' || out.action === 'inject')) {
      this.pendingStop = { reason: 'step', threadId: t.id, description: `guest entry after VM exit: ${exitReason(out.exit)}` };
      return { kind: 'vm', reason: 'hvscope-debug', code: 0 };
    }
    return undefined;
  }

  describeExit(e: VmExit): { name: string; details: string[] } {
    const pc = (BigInt(e.pcHi >>> 0) << 32n) | BigInt(e.pcLo >>> 0);
    const details = [`vCPU ${e.vcpu}, guest ${e.guestPriv ? 'VS' : 'VU'}-mode at pc ${hex(pc)}${this.symbols.symbolize(pc) ? ` <${this.symbols.symbolize(pc)}>` : ''}`, `scause ${e.cause}`];
    let name = exitReason(e);
    switch (e.kind) {
      case 'sbi': name = `SBI call ${sbiCallName(e.ext, e.fid)}`; details.push(`a0 ${hex((BigInt(e.args[1] >>> 0) << 32n) | BigInt(e.args[0] >>> 0))}`); break;
      case 'guest-page-fault':
        name = `${exitReason(e)} (${e.access} GPA ${hex(e.gpa)})`;
        details.push(`GPA ${hex(e.gpa)} (htval ${hex(BigInt(Math.floor(e.gpa / 4)))})`, `GVA ${e.gvaValid ? hex((BigInt(e.gvaHi >>> 0) << 32n) | BigInt(e.gvaLo >>> 0)) : '(not valid)'}`, `htinst ${hex(e.htinst >>> 0)}${e.implicit ? ' (implicit access of VS-stage translation)' : ''}`);
        if (e.insn) details.push(`instruction (${e.insnSource}): ${e.insn.name}`);
        break;
      case 'page-fault': details.push(`GVA ${hex((BigInt(e.gvaHi >>> 0) << 32n) | BigInt(e.gvaLo >>> 0))}`, `access ${e.access}`); break;
      case 'virtual-instruction': {
        const text = disassembleWord(e.insn, pc).text;
        name = `virtual instruction (${text})`; // the cause's name in the privileged spec, with the instruction
        details.push(`instruction: ${text}`);
        break;
      }
      case 'wfi': details.push(`instruction: ${disassembleWord(e.insn, pc).text}`); break;
      case 'interrupt': name = `interrupt: ${causeName(e.cause, true)}`; break;
      case 'exception': name = `exception: ${causeName(e.cause, false)}`; break;
    }
    return { name, details };
  }

  /** Details of the last VM exit of a vCPU (pending or handled) for exceptionInfo and the scopes. */
  exitDetails(t: Thread): string[] {
    const e = this.pendingExits.get(t.hart.hartId) ?? t.vcpu?.lastExit;
    if (!e) return [];
    const d = this.describeExit(e);
    const dec = this.pendingExits.has(t.hart.hartId) ? 'not handled yet' : this.lastDecision.get(t.hart.hartId);
    return [d.name, ...d.details, ...(dec ? [`hypervisor: ${dec}`] : [])];
  }

  // ------------------------------------------------------------------ breakpoints

  private allocId(): number {
    return this.nextId++;
  }

  private rebuildBpSet(): void {
    this.userBps.clear();
    const add = (keys: number[], entries: BpEntry[]): void => {
      keys.forEach((k, i) => {
        if (Number.isNaN(k)) return;
        const list = this.userBps.get(k) ?? [];
        list.push(entries[i]);
        this.userBps.set(k, list);
      });
    };
    for (const s of this.sourceBps.values()) add(s.keys, s.entries);
    add(this.functionBps.keys, this.functionBps.entries);
    add(this.instructionBps.keys, this.instructionBps.entries);
    this.bpSet.clear();
    for (const k of this.userBps.keys()) this.bpSet.add(k);
    for (const k of this.tempKeys) this.bpSet.add(k);
    for (const h of this.machine.harts) h.breakpoints = this.bpSet.size ? this.bpSet : null;
  }

  private addTemp(pc: bigint): void {
    this.tempKeys.add(Number(pc));
    this.rebuildBpSet();
  }

  private clearTemp(): void {
    if (this.tempKeys.size === 0) return;
    this.tempKeys.clear();
    this.rebuildBpSet();
  }

  private checkSpec(spec: BreakpointSpec): string | undefined {
    try {
      if (spec.condition) parseExpression(spec.condition);
      if (spec.hitCondition) hitConditionMet(spec.hitCondition, 0);
    } catch (e) {
      return (e as Error).message;
    }
    return undefined;
  }

  /** Replaces the source breakpoints of `file`; lines move to the nearest line with code. */
  setSourceBreakpoints(file: string, bps: (BreakpointSpec & { line: number })[]): BreakpointResult[] {
    const keys: number[] = [], entries: BpEntry[] = [], results: BreakpointResult[] = [], lines: number[] = [];
    for (const b of bps) {
      const id = this.allocId();
      const entry: BpEntry = { id, kind: 'breakpoint', hits: 0, condition: b.condition, hitCondition: b.hitCondition, logMessage: b.logMessage };
      const bad = this.checkSpec(b);
      const r = bad ? undefined : this.symbols.lineToAddresses(file, b.line);
      if (bad || !r || r.addresses.length === 0) {
        results.push({ id, verified: false, line: b.line, message: bad ?? (this.symbols.images.some((i) => i.lines) ? `no code for ${this.host.paths.basename(file)}:${b.line} or after it in the line tables` : 'the loaded images have no line tables (build with -g)') });
        continue;
      }
      for (const a of r.addresses) { keys.push(Number(a)); entries.push(entry); lines.push(r.line); }
      results.push({ id, verified: true, line: r.line, address: r.addresses[0] });
    }
    this.sourceBps.set(file, { keys, entries, lines });
    this.rebuildBpSet();
    return results;
  }

  /** The line a source breakpoint at `pc` in `file` (a line-table file name) was resolved to. */
  private sourceBpLine(pc: bigint, file: string): number | undefined {
    const key = Number(pc), base = this.host.paths.basename(file);
    for (const [f, s] of this.sourceBps) {
      if (this.host.paths.basename(f) !== base) continue;
      const i = s.keys.indexOf(key);
      if (i >= 0) return s.lines[i];
    }
    return undefined;
  }

  setFunctionBreakpoints(bps: (BreakpointSpec & { name: string })[]): BreakpointResult[] {
    const keys: number[] = [], entries: BpEntry[] = [], results: BreakpointResult[] = [];
    for (const b of bps) {
      const id = this.allocId();
      const bad = this.checkSpec(b);
      let addr: bigint | undefined;
      if (!bad) {
        const s = this.symbols.lookup(b.name.trim());
        if (s) addr = s.address;
        else {
          try { addr = evaluate(b.name, this.evalContext(this.target.threads[0])); } catch { addr = undefined; }
        }
      }
      if (addr === undefined) { results.push({ id, verified: false, message: bad ?? `no symbol '${b.name}' in the loaded images` }); continue; }
      keys.push(Number(addr));
      entries.push({ id, kind: 'function breakpoint', hits: 0, condition: b.condition, hitCondition: b.hitCondition, logMessage: b.logMessage });
      const loc = this.symbols.addressToLine(addr);
      results.push({ id, verified: true, address: addr, line: loc?.line });
    }
    this.functionBps = { keys, entries };
    this.rebuildBpSet();
    return results;
  }

  setInstructionBreakpoints(bps: (BreakpointSpec & { address: bigint })[]): BreakpointResult[] {
    const keys: number[] = [], entries: BpEntry[] = [], results: BreakpointResult[] = [];
    for (const b of bps) {
      const id = this.allocId();
      const bad = this.checkSpec(b);
      if (bad) { results.push({ id, verified: false, message: bad }); continue; }
      keys.push(Number(b.address));
      entries.push({ id, kind: 'instruction breakpoint', hits: 0, condition: b.condition, hitCondition: b.hitCondition, logMessage: b.logMessage });
      results.push({ id, verified: true, address: b.address, line: this.symbols.addressToLine(b.address)?.line });
    }
    this.instructionBps = { keys, entries };
    this.rebuildBpSet();
    return results;
  }

  /** What can be watched for an expression: an id "v:0x...:size" / "p:0x...:size", or why not. */
  dataBreakpointInfo(threadId: number, expr: string, bytes?: number, asAddress?: boolean): { dataId?: string; description: string } {
    const t = this.thread(threadId);
    let space: Space = 'v', addr: bigint, size: number;
    const m = /^\s*([vp]):(\S+?)(?::(\d+))?\s*$/.exec(expr);
    try {
      if (m) { space = m[1] as Space; addr = BigInt(m[2]); size = m[3] ? Number(m[3]) : bytes ?? 8; }
      else if (asAddress) { addr = evaluate(expr, this.evalContext(t)); size = bytes ?? 8; }
      else {
        const e = parseExpression(expr);
        if (e.t === 'deref') { addr = evaluate(expr.replace(/^\s*\*\s*(\([a-z0-9_]+\s*\*\s*\))?/i, ''), this.evalContext(t)); size = e.size; }
        else if (e.t === 'sym' || e.t === 'addr') {
          const s = this.symbols.lookup(e.name);
          if (!s) return { description: `'${expr}' is a register: only memory can be watched (use *(u64*)address)` };
          addr = s.address; size = s.size > 0n && s.size <= 4096n ? Number(s.size) : 8;
        } else return { description: `'${expr}' is not a memory location: write *(u32*)address, a data symbol, or v:/p: addresses` };
      }
    } catch (e) {
      return { description: (e as Error).message };
    }
    if (!(size >= 1 && size <= 1 << 20)) return { description: `size ${size} out of range` };
    return { dataId: `${space}:${hex(addr)}:${size}`, description: `${size} bytes at ${space === 'v' ? 'guest virtual' : 'guest physical'} ${hex(addr)}` };
  }

  setDataBreakpoints(list: DataBreakpointSpec[]): BreakpointResult[] {
    const results: BreakpointResult[] = [];
    this.dataBps = [];
    for (const spec of list) {
      const id = this.allocId();
      const m = /^([vp]):(0x[0-9a-f]+):(\d+)$/i.exec(spec.dataId);
      const bad = this.checkSpec(spec);
      if (!m || bad) { results.push({ id, verified: false, message: bad ?? `unknown data breakpoint id '${spec.dataId}'` }); continue; }
      const addr = BigInt(m[2]), size = Number(m[3]);
      const physical = m[1] === 'p';
      let start: number;
      if (physical) {
        const hpa = this.target.physToHost(addr, size);
        if (hpa === undefined) { results.push({ id, verified: false, message: `guest physical ${hex(addr)} is not RAM` }); continue; }
        start = hpa;
      } else start = Number(addr);
      const acc = spec.accessType ?? 'write';
      this.dataBps.push({
        id, spec, hits: 0, label: `${physical ? 'p' : 'v'}:${hex(addr)}`,
        w: { id, start, end: start + size, physical, read: acc !== 'write', write: acc !== 'read' },
      });
      results.push({ id, verified: true, address: addr });
    }
    const ws = this.dataBps.map((d) => d.w);
    for (const h of this.machine.harts) h.setWatchpoints(ws);
    return results;
  }

  /** Enables exception filters; returns an error message per filter whose condition does not parse. */
  setExceptionFilters(list: ActiveFilter[]): { id: string; error?: string }[] {
    this.filters.clear();
    const out: { id: string; error?: string }[] = [];
    for (const f of list) {
      try {
        const parsed = f.condition && f.condition.trim() ? parseExpression(f.condition) : undefined;
        this.filters.set(f.id, { ...f, parsed });
        out.push({ id: f.id });
      } catch (e) {
        out.push({ id: f.id, error: (e as Error).message });
      }
    }
    this.installTrapFilter();
    return out;
  }

  // ------------------------------------------------------------------ stack

  rawFrames(t: Thread): RawFrame[] {
    const tg = this.target;
    const regs: bigint[] = [];
    for (let r = 0; r < 32; r++) regs.push(tg.x(t, r));
    return unwind({ registers: () => regs, pc: () => tg.guestPc(t), read64: (a) => tg.readValue(t, 'v', a, 8) }, this.symbols);
  }

  stack(threadId: number): StackFrameInfo[] {
    const t = this.thread(threadId);
    const out: StackFrameInfo[] = [];
    const pending = this.pendingExits.get(t.hart.hartId);
    if (pending) out.push({ index: 0, name: `VM exit: ${this.describeExit(pending).name}`, pc: this.target.guestPc(t), sp: this.target.x(t, 2), label: true });
    const frames = this.rawFrames(t);
    frames.forEach((f, i) => {
      // Above the innermost frame the pc is a return address: its line is the call's (pc - 1).
      const look = i === 0 ? f.pc : f.pc - 1n;
      const sym = this.symbols.symbolAt(look);
      const name = sym ? sym.name : hex(f.pc);
      let source = this.symbols.addressToLine(look);
      // Statements of several lines can begin at one address; stopped on a source breakpoint's
      // address, the frame shows the line that breakpoint was resolved to (the one the user chose).
      if (i === 0 && source) { const l = this.sourceBpLine(f.pc, source.file); if (l !== undefined) source = { ...source, line: l }; }
      out.push({ index: out.length, name, pc: f.pc, sp: f.sp, source });
    });
    return out;
  }

  // ------------------------------------------------------------------ expressions

  register(t: Thread, name: string, frame?: StackFrameInfo): bigint | undefined {
    const tg = this.target;
    const n = name.toLowerCase();
    if (n === 'pc') return frame ? frame.pc : tg.guestPc(t);
    if (n === 'sp' && frame) return frame.sp;
    if (n === 'fp') return tg.x(t, 8);
    const xi = X_NAMES.indexOf(n);
    if (xi >= 0) return tg.x(t, xi);
    let m = /^x(\d+)$/.exec(n);
    if (m && Number(m[1]) < 32) return tg.x(t, Number(m[1]));
    m = /^f(\d+)$/.exec(n);
    if (m && Number(m[1]) < 32) return tg.f(t, Number(m[1]));
    const fi = F_NAMES.indexOf(n);
    if (fi >= 0) return tg.f(t, fi);
    if (n === 'priv') return BigInt(t.hart.priv);
    if (n === 'v' || n === 'virt') return t.hart.virt ? 1n : 0n;
    const c = csrNumber(n);
    if (c !== undefined) return tg.csr(t, c);
    return undefined;
  }

  setRegister(t: Thread, name: string, v: bigint): string | undefined {
    const tg = this.target;
    const n = name.toLowerCase().replace(/^\$/, '');
    v &= 0xffffffffffffffffn;
    if (n === 'pc') { tg.setPc(t, v); return undefined; }
    let xi = X_NAMES.indexOf(n === 'fp' ? 's0' : n);
    const m = /^x(\d+)$/.exec(n);
    if (m && Number(m[1]) < 32) xi = Number(m[1]);
    if (xi === 0) return 'x0 (zero) is hard-wired to 0';
    if (xi > 0) { tg.setX(t, xi, v); return undefined; }
    const fm = /^f(\d+)$/.exec(n);
    let fi = fm && Number(fm[1]) < 32 ? Number(fm[1]) : F_NAMES.indexOf(n);
    if (fi >= 0) { tg.setF(t, fi, v); fi = -1; return undefined; }
    const c = csrNumber(n);
    if (c !== undefined) return tg.writeCsr(t, c, v) ? undefined : `${n} cannot be written in this state`;
    return `no register '${name}'`;
  }

  evalContext(t: Thread, frameIndex = 0, vars?: Map<string, bigint>): EvalContext {
    let frame: StackFrameInfo | undefined;
    if (frameIndex > 0) frame = this.stack(t.id).find((f) => f.index === frameIndex && !f.label);
    // $ext, $fid, $gpa, ...: the vCPU's VM exit being stopped at, else its last one.
    if (!vars) {
      const exit = this.pendingExits.get(t.hart.hartId) ?? t.vcpu?.lastExit;
      if (exit) vars = exitVariables(exit);
    }
    return {
      register: (n) => this.register(t, n, frame),
      symbol: (n) => this.symbols.lookup(n)?.address,
      dataObject: (n) => this.dataObject(n),
      readMemory: (a, size: Width) => this.target.readValue(t, 'v', a, size),
      variable: (n) => vars?.get(n),
    };
  }

  /**
   * A global variable by name: an ELF data symbol (STT_OBJECT) of a scalar size. Its st_size gives
   * the width (DWARF types of globals are not read); aggregates and labels stay addresses.
   */
  private dataObject(name: string): { address: bigint; size: Width; signed: boolean } | undefined {
    const s = this.symbols.lookup(name);
    if (!s || (s.type !== 'object' && s.type !== 'tls' && s.type !== 'common')) return undefined;
    const size = Number(s.size);
    return size === 1 || size === 2 || size === 4 || size === 8 ? { address: s.address, size, signed: false } : undefined;
  }

  evaluate(threadId: number, expr: string, frameIndex = 0): bigint {
    return evaluate(expr, this.evalContext(this.thread(threadId), frameIndex));
  }

  // ------------------------------------------------------------------ memory and disassembly

  /** Parses a memory reference: "v:0x1000", "p:0x1000" or a plain expression (guest virtual). */
  parseReference(ref: string, threadId: number): { space: Space; address: bigint } {
    const m = /^([vp]):(.+)$/.exec(ref.trim());
    if (m) return { space: m[1] as Space, address: BigInt.asUintN(64, evaluate(m[2], this.evalContext(this.thread(threadId)))) };
    return { space: 'v', address: evaluate(ref, this.evalContext(this.thread(threadId))) };
  }

  disassemble(threadId: number, space: Space, address: bigint, instructionOffset: number, count: number): DisassembledLine[] {
    const t = this.thread(threadId);
    const tg = this.target;
    const read = (a: bigint): number | undefined => {
      if (space === 'v') return tg.fetchWord(t, a);
      const lo = tg.readValue(t, 'p', a, 2);
      if (lo === undefined) return undefined;
      if ((Number(lo) & 3) !== 3) return Number(lo);
      const hi = tg.readValue(t, 'p', a + 2n, 2);
      return hi === undefined ? undefined : (Number(lo) | (Number(hi) << 16)) | 0;
    };
    // Backwards from `address`: RISC-V has 2- and 4-byte instructions, so walk forward from a point
    // far enough before it (a symbol start when there is one) and keep the instruction boundaries.
    let start = address;
    if (instructionOffset < 0) {
      const back = BigInt(-instructionOffset * 4 + 64);
      const sym = this.symbols.symbolAt(address);
      start = sym && address - sym.address <= back ? sym.address : address - back;
      start &= ~1n;
      const starts: bigint[] = [];
      let a = start;
      while (a < address) {
        starts.push(a);
        const w = read(a);
        a += w !== undefined && (w & 3) === 3 ? 4n : 2n;
      }
      const idx = starts.length + instructionOffset;
      start = idx >= 0 ? starts[idx] : (starts[0] ?? address) + BigInt(idx * 4);
    } else {
      for (let i = 0; i < instructionOffset; i++) {
        const w = read(start);
        start += w !== undefined && (w & 3) === 3 ? 4n : 2n;
      }
    }
    const out: DisassembledLine[] = [];
    let a = start & 0xffffffffffffffffn;
    let lastLoc: string | undefined;
    for (let i = 0; i < count; i++) {
      const w = read(a);
      const sym = this.symbols.symbolAt(a);
      const symbol = sym && sym.offset === 0n ? sym.name : undefined;
      const loc = this.symbols.addressToLine(a);
      const key = loc ? `${loc.file}:${loc.line}` : undefined;
      const location = key !== lastLoc ? loc : undefined;
      lastLoc = key;
      if (w === undefined) {
        out.push({ address: a, text: '<unreadable memory>', invalid: true, symbol });
        a += 2n;
        continue;
      }
      const d = disassembleWord(w, a, (x) => this.symbols.symbolize(x));
      const bytes = d.len === 2 ? (w & 0xffff).toString(16).padStart(4, '0') : (w >>> 0).toString(16).padStart(8, '0');
      const invalid = decodeAt(w) === undefined;
      out.push({ address: a, bytes, text: invalid ? `${d.text}  <invalid instruction>` : d.text, symbol, location, invalid });
      a += BigInt(d.len);
    }
    return out;
  }

  // ------------------------------------------------------------------ panels and status

  /** The binary translator's listing (the binary-translation panel); undefined when the session runs the interpreter only. */
  translation(): JitListingSource | undefined {
    return this.machine?.jit;
  }

  /** The machine at a glance, for the status bar (`hvscope/status`). Cheap: a few fields per hart. */
  status(): StatusEventBody {
    const tg = this.target;
    const vcpus = tg.threads.map((t) => {
      const h = t.hart;
      let state: VcpuRunState;
      if (t.vcpu) state = t.vcpu.state === 'wfi' ? 'wfi' : t.vcpu.state === 'running' ? (this.running ? 'running' : 'stopped') : 'parked';
      else state = h.parked ? 'parked' : h.wfi ? 'wfi' : this.running ? 'running' : 'stopped';
      return { threadId: t.id, name: this.vm ? `vCPU ${t.id - 1}` : `hart ${t.id - 1}`, state, privilege: this.modeName(t), retired: h.retired };
    });
    const focus = tg.thread(this.focus) ?? tg.threads[0];
    return {
      running: this.running,
      machine: this.vm ? 'hypervisor' : 'bare',
      paging: this.vm ? this.plan.paging : 'bare',
      guestMode: satpModeName(Number(this.guestSatp(focus) >> 60n), false),
      vcpus,
      focus: focus.id,
      exits: this.vm ? this.vm.exitLog.total : 0,
      retired: vcpus.reduce((n, v) => n + v.retired, 0),
      engine: this.translation() ? 'jit' : 'interp',
    };
  }

  /** satp as the thread's guest sees it: the shadowed satp, vsatp, or the hart's own satp. */
  private guestSatp(t: Thread): bigint {
    const tg = this.target;
    if (t.vcpu?.shadow) return (BigInt(t.vcpu.shadow.satpHi >>> 0) << 32n) | BigInt(t.vcpu.shadow.satpLo >>> 0);
    if (this.vm || t.hart.virt) return tg.csrHs(t, CSR.vsatp) ?? 0n;
    return tg.csrHs(t, CSR.satp) ?? 0n;
  }

  /** Console input for the guest: UART receive and the SBI console. */
  consoleInput(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    if (this.vm) { this.vm.devices.uart.pushInput(bytes); for (const b of bytes) this.sbiInput.push(b); }
    else this.machine.uart.pushInput(bytes);
  }
}

export { CSR };
