// The DAP session of the `hvscope` debug type: initialize, launch, configurationDone, threads,
// modules, terminate/disconnect/restart. Only translation between DAP and the runtime; the other
// concerns live next to this file (breakpoints, execution, stack, memory, evaluate, custom).
// Errors say whose fault they are (STYLE.md, after codelldb): the launch configuration's (shown to the
// user, naming the option), the guest's, or ours (an internal error with the message).
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  LoggingDebugSession, InitializedEvent, StoppedEvent, ContinuedEvent, ExitedEvent, TerminatedEvent, OutputEvent, Event, Thread as DapThread, Module,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Runtime, type RuntimeEvent } from '../runtime/runtime';
import { ConfigError, planLaunch, type HostFiles, type LaunchArguments, type LaunchPlan } from '../runtime/launch';
import { EvalError } from '../runtime/expr';
import { ALL_FILTERS } from '../runtime/filters';
import { UserError, GuestError } from '../../common/errors';
import { HVSCOPE_EVENTS } from '../../protocol/requests';
import { VariableHandles } from './stack';
import * as breakpoints from './breakpoints';
import * as execution from './execution';
import * as stack from './stack';
import * as memory from './memory';
import * as evaluate from './evaluate';
import * as custom from './custom';
import type { BlockBackend } from '../../devices/device';

/** The host file system for the runtime. */
export const nodeFiles: HostFiles = {
  read(p: string): Uint8Array | string {
    try {
      const st = fs.statSync(p);
      if (!st.isFile()) return 'not a file';
      const b = fs.readFileSync(p);
      return new Uint8Array(b.buffer, b.byteOffset, b.length);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    }
  },
  resolve: (cwd, p) => path.resolve(cwd, p),
};

/** A raw disk image file as a virtio-blk backend (synchronous reads and writes). */
class FileDisk implements BlockBackend {
  private readonly fd: number;
  readonly size: number;
  readonly readOnly = false;
  constructor(p: string) {
    this.fd = fs.openSync(p, 'r+');
    this.size = fs.fstatSync(this.fd).size;
  }
  read(offset: number, dst: Uint8Array): void {
    fs.readSync(this.fd, dst, 0, dst.length, offset);
  }
  write(offset: number, src: Uint8Array): void {
    fs.writeSync(this.fd, src, 0, src.length, offset);
  }
  flush(): void { fs.fsyncSync(this.fd); }
}

export class HvscopeSession extends LoggingDebugSession {
  rt: Runtime | undefined;
  plan: LaunchPlan | undefined;
  readonly vars = new VariableHandles();
  /** Breakpoint requests as last received, re-applied after a restart. */
  readonly remembered = new Map<string, unknown>();
  /**
   * With no terminal attached, guest console output also goes to the Debug Console (`output`
   * events), so any DAP client sees it. The VS Code extension sets the launch option
   * `consoleTerminal` when its terminal shows the console: then only `hvscope/console` carries it
   * and the Debug Console keeps the adapter's own messages (issue 6, "Guest console").
   */
  consoleToDebugConsole = true;
  private configured = false;

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  // ------------------------------------------------------------ plumbing

  /** The runtime, or an error naming what is missing. */
  runtime(): Runtime {
    if (!this.rt) throw new UserError('no guest is running: launch first');
    return this.rt;
  }

  /** Runs a request handler; errors become error responses that say whose fault they are. */
  guard<R extends DebugProtocol.Response>(response: R, f: () => void): void {
    try {
      f();
    } catch (e) {
      this.fail(response, e);
    }
  }

  /** An error response for a request the adapter does not know (public for the concern files). */
  unknownRequest(response: DebugProtocol.Response, command: string): void {
    this.sendErrorResponse(response, { id: 1004, format: `unknown request '${command}'`, showUser: false });
  }

  fail(response: DebugProtocol.Response, e: unknown): void {
    if (e instanceof ConfigError || e instanceof UserError) this.sendErrorResponse(response, { id: 1001, format: e.message, showUser: true });
    else if (e instanceof EvalError) this.sendErrorResponse(response, { id: 1002, format: e.message, showUser: false });
    else if (e instanceof GuestError) this.sendErrorResponse(response, { id: 1003, format: `the guest: ${e.message}`, showUser: true });
    else this.sendErrorResponse(response, { id: 1999, format: `hvscope internal error (please report): ${(e as Error)?.stack ?? String(e)}`, showUser: true });
  }

  private onRuntimeEvent(e: RuntimeEvent): void {
    switch (e.type) {
      case 'stopped': {
        this.vars.reset();
        const ev = new StoppedEvent(e.stop.reason, e.stop.threadId, e.stop.exception?.description) as DebugProtocol.StoppedEvent;
        ev.body.allThreadsStopped = true;
        if (e.stop.description) ev.body.description = e.stop.description;
        if (e.stop.hitBreakpointIds) ev.body.hitBreakpointIds = e.stop.hitBreakpointIds;
        // Status first: whoever refreshes at the stop already sees the machine as it stopped.
        this.sendStatus();
        this.sendEvent(ev);
        break;
      }
      case 'continued':
        this.sendEvent(new ContinuedEvent(e.threadId, true));
        this.sendStatus();
        break;
      case 'exited':
        this.sendEvent(new ExitedEvent(e.code));
        this.sendEvent(new TerminatedEvent());
        break;
      case 'output': this.sendEvent(new OutputEvent(e.text, e.category)); break;
      case 'console':
        this.sendEvent(new Event(HVSCOPE_EVENTS.console, { text: e.text }));
        if (this.consoleToDebugConsole) this.sendEvent(new OutputEvent(e.text, 'stdout'));
        break;
      case 'breakpointChanged': break;
    }
  }

  /** `hvscope/status` for the status bar (a custom event: other DAP clients ignore it). */
  private sendStatus(): void {
    if (this.rt) this.sendEvent(new Event(HVSCOPE_EVENTS.status, this.rt.status()));
  }

  private newRuntime(plan: LaunchPlan): Runtime {
    this.consoleToDebugConsole = !plan.consoleTerminal;
    const rt = new Runtime({
      paths: { dirname: path.dirname, basename: path.basename, resolve: (d, p) => path.resolve(d, p) },
      openDisk: (p) => new FileDisk(p),
      now: () => performance.now(),
      defer: (f) => setImmediate(f),
      later: (f, ms) => setTimeout(f, ms),
    });
    rt.onEvent((e) => this.onRuntimeEvent(e));
    rt.launch(plan);
    return rt;
  }

  // ------------------------------------------------------------ lifecycle

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, _args: DebugProtocol.InitializeRequestArguments): void {
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsFunctionBreakpoints: true,
      supportsInstructionBreakpoints: true,
      supportsDataBreakpoints: true,
      supportsDataBreakpointBytes: true,
      supportsEvaluateForHovers: true,
      supportsSetVariable: true,
      supportsSetExpression: true,
      supportsDisassembleRequest: true,
      supportsSteppingGranularity: true,
      supportsReadMemoryRequest: true,
      supportsWriteMemoryRequest: true,
      supportsExceptionInfoRequest: true,
      supportsExceptionOptions: false,
      supportsExceptionFilterOptions: true,
      supportsModulesRequest: true,
      supportsTerminateRequest: true,
      supportsRestartRequest: true,
      supportsValueFormattingOptions: false,
      supportsLoadedSourcesRequest: false,
      exceptionBreakpointFilters: ALL_FILTERS.map((f) => ({
        filter: f.id, label: f.label, description: f.description, default: false, supportsCondition: true,
        conditionDescription: `an expression over registers and memory${f.conditionHelp ? `; also ${f.conditionHelp}` : ''}`,
      })),
    };
    this.sendResponse(response);
    // Breakpoints may be set before launch ends; the runtime exists only after launch, so
    // `initialized` goes out once the guest is booted (launchRequest).
  }

  protected override launchRequest(response: DebugProtocol.LaunchResponse, args: DebugProtocol.LaunchRequestArguments & LaunchArguments): void {
    this.guard(response, () => {
      const plan = planLaunch(args, nodeFiles, process.cwd());
      this.plan = plan;
      this.rt = this.newRuntime(plan);
      this.sendResponse(response);
      this.sendEvent(new InitializedEvent());
    });
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    if (this.rt && !this.configured) {
      this.configured = true;
      this.rt.start();
    }
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    const rt = this.rt;
    response.body = { threads: rt ? rt.threads().map((t) => new DapThread(t.id, t.name)) : [] };
    this.sendResponse(response);
  }

  /** `modules` (the base class has no handler for it: customRequest routes it here). */
  modulesRequest(response: DebugProtocol.ModulesResponse): void {
    this.guard(response, () => {
      const rt = this.runtime();
      const modules = rt.symbols.images.map((img) => {
        const m = new Module(img.id, img.name) as DebugProtocol.Module;
        m.path = img.path;
        m.addressRange = `0x${img.start.toString(16)}-0x${img.end.toString(16)}`;
        m.symbolStatus = `${rt.symbols.symbolCount(img)} symbols${img.lines ? ', line table' : ''}${img.frames ? ', CFI' : ''}`;
        return m;
      });
      response.body = { modules, totalModules: modules.length };
      this.sendResponse(response);
    });
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.rt?.shutdown();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.rt?.shutdown();
    this.rt = undefined;
    this.sendResponse(response);
  }

  protected override restartRequest(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments): void {
    this.guard(response, () => {
      const launchArgs = args.arguments as LaunchArguments | undefined;
      const plan = launchArgs ? planLaunch(launchArgs, nodeFiles, process.cwd()) : this.plan;
      if (!plan) throw new UserError('nothing to restart: launch first');
      this.rt?.shutdown();
      this.plan = plan;
      this.rt = this.newRuntime(plan);
      this.vars.reset();
      breakpoints.reapply(this);
      this.sendResponse(response);
      this.rt.start();
    });
  }

  // ------------------------------------------------------------ delegated concerns

  protected override setBreakPointsRequest(r: DebugProtocol.SetBreakpointsResponse, a: DebugProtocol.SetBreakpointsArguments): void { breakpoints.setBreakpoints(this, r, a); }
  protected override setFunctionBreakPointsRequest(r: DebugProtocol.SetFunctionBreakpointsResponse, a: DebugProtocol.SetFunctionBreakpointsArguments): void { breakpoints.setFunctionBreakpoints(this, r, a); }
  protected override setInstructionBreakpointsRequest(r: DebugProtocol.SetInstructionBreakpointsResponse, a: DebugProtocol.SetInstructionBreakpointsArguments): void { breakpoints.setInstructionBreakpoints(this, r, a); }
  protected override dataBreakpointInfoRequest(r: DebugProtocol.DataBreakpointInfoResponse, a: DebugProtocol.DataBreakpointInfoArguments): void { breakpoints.dataBreakpointInfo(this, r, a); }
  protected override setDataBreakpointsRequest(r: DebugProtocol.SetDataBreakpointsResponse, a: DebugProtocol.SetDataBreakpointsArguments): void { breakpoints.setDataBreakpoints(this, r, a); }
  protected override setExceptionBreakPointsRequest(r: DebugProtocol.SetExceptionBreakpointsResponse, a: DebugProtocol.SetExceptionBreakpointsArguments): void { breakpoints.setExceptionBreakpoints(this, r, a); }
  protected override exceptionInfoRequest(r: DebugProtocol.ExceptionInfoResponse, a: DebugProtocol.ExceptionInfoArguments): void { breakpoints.exceptionInfo(this, r, a); }

  protected override continueRequest(r: DebugProtocol.ContinueResponse, a: DebugProtocol.ContinueArguments): void { execution.continueRequest(this, r, a); }
  protected override nextRequest(r: DebugProtocol.NextResponse, a: DebugProtocol.NextArguments): void { execution.next(this, r, a); }
  protected override stepInRequest(r: DebugProtocol.StepInResponse, a: DebugProtocol.StepInArguments): void { execution.stepIn(this, r, a); }
  protected override stepOutRequest(r: DebugProtocol.StepOutResponse, a: DebugProtocol.StepOutArguments): void { execution.stepOut(this, r, a); }
  protected override pauseRequest(r: DebugProtocol.PauseResponse, a: DebugProtocol.PauseArguments): void { execution.pause(this, r, a); }

  protected override stackTraceRequest(r: DebugProtocol.StackTraceResponse, a: DebugProtocol.StackTraceArguments): void { stack.stackTrace(this, r, a); }
  protected override scopesRequest(r: DebugProtocol.ScopesResponse, a: DebugProtocol.ScopesArguments): void { stack.scopes(this, r, a); }
  protected override variablesRequest(r: DebugProtocol.VariablesResponse, a: DebugProtocol.VariablesArguments): void { stack.variables(this, r, a); }
  protected override setVariableRequest(r: DebugProtocol.SetVariableResponse, a: DebugProtocol.SetVariableArguments): void { stack.setVariable(this, r, a); }

  protected override readMemoryRequest(r: DebugProtocol.ReadMemoryResponse, a: DebugProtocol.ReadMemoryArguments): void { memory.readMemory(this, r, a); }
  protected override writeMemoryRequest(r: DebugProtocol.WriteMemoryResponse, a: DebugProtocol.WriteMemoryArguments): void { memory.writeMemory(this, r, a); }
  protected override disassembleRequest(r: DebugProtocol.DisassembleResponse, a: DebugProtocol.DisassembleArguments): void { memory.disassemble(this, r, a); }

  protected override evaluateRequest(r: DebugProtocol.EvaluateResponse, a: DebugProtocol.EvaluateArguments): void { evaluate.evaluateRequest(this, r, a); }
  protected override setExpressionRequest(r: DebugProtocol.SetExpressionResponse, a: DebugProtocol.SetExpressionArguments): void { evaluate.setExpression(this, r, a); }

  protected override customRequest(command: string, r: DebugProtocol.Response, a: unknown): void { custom.customRequest(this, command, r, a); }
}
