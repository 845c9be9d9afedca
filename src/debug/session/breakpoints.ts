// Breakpoint requests: source lines, functions, instructions, data, exception filters, exceptionInfo.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { HvscopeSession } from './session';
import type { BreakpointResult } from '../runtime/runtime';
import { UserError } from '../../common/errors';

function toDap(r: BreakpointResult, source?: DebugProtocol.Source): DebugProtocol.Breakpoint {
  const b: DebugProtocol.Breakpoint = { id: r.id, verified: r.verified };
  if (r.line !== undefined) b.line = r.line;
  if (r.message) b.message = r.message;
  if (r.address !== undefined) b.instructionReference = `0x${r.address.toString(16)}`;
  if (source && r.verified) b.source = source;
  return b;
}

export function setBreakpoints(s: HvscopeSession, response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
  s.guard(response, () => {
    const file = args.source.path;
    if (!file) throw new UserError('breakpoints need a source file path (sources without a path have no line table entries)');
    s.remembered.set(`source:${file}`, args);
    const bps: DebugProtocol.SourceBreakpoint[] = args.breakpoints ?? (args.lines ?? []).map((line) => ({ line }));
    const results = s.runtime().setSourceBreakpoints(file, bps.map((b) => ({ line: b.line, condition: b.condition, hitCondition: b.hitCondition, logMessage: b.logMessage })));
    response.body = { breakpoints: results.map((r) => toDap(r, args.source)) };
    s.sendResponse(response);
  });
}

export function setFunctionBreakpoints(s: HvscopeSession, response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
  s.guard(response, () => {
    s.remembered.set('function', args);
    const results = s.runtime().setFunctionBreakpoints(args.breakpoints.map((b) => ({ name: b.name, condition: b.condition, hitCondition: b.hitCondition })));
    response.body = { breakpoints: results.map((r) => toDap(r)) };
    s.sendResponse(response);
  });
}

export function setInstructionBreakpoints(s: HvscopeSession, response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): void {
  s.guard(response, () => {
    s.remembered.set('instruction', args);
    const rt = s.runtime();
    const results = rt.setInstructionBreakpoints(args.breakpoints.map((b) => {
      const base = rt.parseReference(b.instructionReference, rt.focus).address;
      return { address: BigInt.asUintN(64, base + BigInt(b.offset ?? 0)), condition: b.condition, hitCondition: b.hitCondition };
    }));
    response.body = { breakpoints: results.map((r) => toDap(r)) };
    s.sendResponse(response);
  });
}

export function dataBreakpointInfo(s: HvscopeSession, response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
  s.guard(response, () => {
    const rt = s.runtime();
    let expr = args.name;
    // A variable of our scopes: its evaluateName, when it names memory.
    if (args.variablesReference) {
      const node = s.vars.child(args.variablesReference, args.name);
      if (node?.memoryReference && !args.asAddress) expr = node.memoryReference;
      else if (node) { response.body = { dataId: null, description: `${args.name} is a register: watch memory instead (e.g. *(u64*)address)` }; s.sendResponse(response); return; }
    }
    const threadId = args.frameId !== undefined ? s.vars.threadOfFrame(args.frameId) ?? rt.focus : rt.focus;
    const r = rt.dataBreakpointInfo(threadId, expr, args.bytes, args.asAddress);
    response.body = { dataId: r.dataId ?? null, description: r.description, accessTypes: ['read', 'write', 'readWrite'], canPersist: false };
    s.sendResponse(response);
  });
}

export function setDataBreakpoints(s: HvscopeSession, response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
  s.guard(response, () => {
    s.remembered.set('data', args);
    const results = s.runtime().setDataBreakpoints(args.breakpoints.map((b) => ({ dataId: b.dataId, accessType: b.accessType, condition: b.condition, hitCondition: b.hitCondition })));
    response.body = { breakpoints: results.map((r) => toDap(r)) };
    s.sendResponse(response);
  });
}

export function setExceptionBreakpoints(s: HvscopeSession, response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
  s.guard(response, () => {
    s.remembered.set('exception', args);
    const list = [...(args.filters ?? []).map((id) => ({ id })), ...(args.filterOptions ?? []).map((o) => ({ id: o.filterId, condition: o.condition }))];
    const results = s.runtime().setExceptionFilters(list);
    response.body = { breakpoints: results.map((r) => ({ verified: r.error === undefined, message: r.error ? `condition: ${r.error}` : undefined })) };
    s.sendResponse(response);
  });
}

export function exceptionInfo(s: HvscopeSession, response: DebugProtocol.ExceptionInfoResponse, args: DebugProtocol.ExceptionInfoArguments): void {
  s.guard(response, () => {
    const rt = s.runtime();
    const stop = rt.lastStop;
    const ex = stop?.exception;
    if (!ex || stop.threadId !== args.threadId) throw new UserError(`thread ${args.threadId} did not stop for an exception`);
    const t = rt.thread(args.threadId);
    const exit = rt.exitDetails(t);
    response.body = {
      exceptionId: ex.filterId, description: ex.description, breakMode: 'always',
      details: { message: ex.description, typeName: ex.name, stackTrace: [...ex.details, ...(ex.filterId.startsWith('vmexit') ? [] : exit.length ? ['last VM exit:', ...exit] : [])].join('\n') },
    };
    s.sendResponse(response);
  });
}

/** After a restart: the same breakpoints on the new runtime. */
export function reapply(s: HvscopeSession): void {
  const rt = s.runtime();
  for (const [k, v] of s.remembered) {
    if (k.startsWith('source:')) {
      const a = v as DebugProtocol.SetBreakpointsArguments;
      rt.setSourceBreakpoints(a.source.path!, (a.breakpoints ?? []).map((b) => ({ line: b.line, condition: b.condition, hitCondition: b.hitCondition, logMessage: b.logMessage })));
    } else if (k === 'function') rt.setFunctionBreakpoints((v as DebugProtocol.SetFunctionBreakpointsArguments).breakpoints);
    else if (k === 'data') rt.setDataBreakpoints((v as DebugProtocol.SetDataBreakpointsArguments).breakpoints);
    else if (k === 'exception') {
      const a = v as DebugProtocol.SetExceptionBreakpointsArguments;
      rt.setExceptionFilters([...(a.filters ?? []).map((id) => ({ id })), ...(a.filterOptions ?? []).map((o) => ({ id: o.filterId, condition: o.condition }))]);
    }
  }
}
