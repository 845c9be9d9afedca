// Stack and variables: stackTrace (with the VM-exit label frame), scopes, variables, setVariable.
import { Source, StackFrame, Scope as DapScope } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { HvscopeSession } from './session';
import { scopes as runtimeScopes, type VarNode } from '../runtime/views';
import { evaluate } from '../runtime/expr';
import { UserError } from '../../common/errors';

/** Frame ids encode thread and index, so they survive between requests of one stop. */
const FRAME_STRIDE = 100_000;
export const frameId = (threadId: number, index: number): number => threadId * FRAME_STRIDE + index;
export const frameOf = (id: number): { threadId: number; index: number } => ({ threadId: Math.floor(id / FRAME_STRIDE), index: id % FRAME_STRIDE });

/** variablesReference handles: a scope of a frame, or a node with children. Reset at every stop. */
export class VariableHandles {
  private next = 1;
  private readonly map = new Map<number, { nodes: () => VarNode[]; cache?: VarNode[] }>();

  reset(): void {
    this.map.clear();
    this.next = 1;
  }

  add(nodes: () => VarNode[]): number {
    const id = this.next++;
    this.map.set(id, { nodes });
    return id;
  }

  nodes(ref: number): VarNode[] | undefined {
    const e = this.map.get(ref);
    if (!e) return undefined;
    e.cache ??= e.nodes();
    return e.cache;
  }

  child(ref: number, name: string): VarNode | undefined {
    return this.nodes(ref)?.find((n) => n.name === name);
  }

  invalidate(ref: number): void {
    const e = this.map.get(ref);
    if (e) e.cache = undefined;
  }

  threadOfFrame(id: number): number | undefined {
    return frameOf(id).threadId || undefined;
  }
}

export function stackTrace(s: HvscopeSession, response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
  s.guard(response, () => {
    const rt = s.runtime();
    const all = rt.stack(args.threadId);
    const start = args.startFrame ?? 0;
    const end = args.levels ? start + args.levels : all.length;
    const frames = all.slice(start, end).map((f) => {
      const sf = new StackFrame(frameId(args.threadId, f.index), f.name) as DebugProtocol.StackFrame;
      sf.instructionPointerReference = `0x${f.pc.toString(16)}`;
      if (f.label) {
        sf.presentationHint = 'label';
      } else if (f.source) {
        sf.source = new Source(f.source.file.split(/[\\/]/).pop()!, f.source.file);
        sf.line = f.source.line;
        sf.column = Math.max(1, f.source.column);
      }
      if (!f.source) { sf.line = 0; sf.column = 0; }
      return sf;
    });
    response.body = { stackFrames: frames, totalFrames: all.length };
    s.sendResponse(response);
  });
}

export function scopes(s: HvscopeSession, response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
  s.guard(response, () => {
    const rt = s.runtime();
    const { threadId, index } = frameOf(args.frameId);
    const t = rt.thread(threadId);
    const list = runtimeScopes(rt, t, index);
    response.body = { scopes: list.map((sc) => new DapScope(sc.name, s.vars.add(sc.vars), sc.expensive)) };
    s.sendResponse(response);
  });
}

export function variables(s: HvscopeSession, response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
  s.guard(response, () => {
    const nodes = s.vars.nodes(args.variablesReference) ?? [];
    const from = args.start ?? 0, to = args.count ? from + args.count : nodes.length;
    response.body = {
      variables: nodes.slice(from, to).map((n) => {
        const v: DebugProtocol.Variable = { name: n.name, value: n.value, variablesReference: n.children ? s.vars.add(n.children) : 0 };
        if (n.type) v.type = n.type;
        if (n.evaluateName) v.evaluateName = n.evaluateName;
        if (n.memoryReference) v.memoryReference = n.memoryReference;
        if (!n.set) v.presentationHint = { attributes: ['readOnly'] };
        return v;
      }),
    };
    s.sendResponse(response);
  });
}

export function setVariable(s: HvscopeSession, response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
  s.guard(response, () => {
    const rt = s.runtime();
    if (rt.isRunning) throw new UserError('the guest is running: pause it first');
    const node = s.vars.child(args.variablesReference, args.name);
    if (!node) throw new UserError(`no variable '${args.name}' here (the view is stale: it changes at every stop)`);
    if (!node.set) throw new UserError(`${args.name} is read-only`);
    const v = evaluate(args.value, rt.evalContext(rt.thread(rt.focus)));
    const err = node.set(v);
    if (err) throw new UserError(err);
    s.vars.invalidate(args.variablesReference);
    const updated = s.vars.child(args.variablesReference, args.name);
    response.body = { value: updated?.value ?? `0x${v.toString(16)}` };
    s.sendResponse(response);
  });
}
