// evaluate (debug console, hover, watch) and setExpression (`$reg` and `*(T*)addr` lvalues).
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { HvscopeSession } from './session';
import { frameOf } from './stack';
import { evaluate as evalExpr, lvalueOf, EvalError } from '../runtime/expr';
import { runCommand } from '../runtime/commands';
import { UserError } from '../../common/errors';

function show(v: bigint): string {
  const signed = BigInt.asIntN(64, v);
  return signed < 0n && signed > -65536n ? `0x${v.toString(16)} (${signed})` : v < 65536n ? `${v} (0x${v.toString(16)})` : `0x${v.toString(16)}`;
}

export function evaluateRequest(s: HvscopeSession, response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
  s.guard(response, () => {
    const rt = s.runtime();
    const { threadId, index } = args.frameId !== undefined ? frameOf(args.frameId) : { threadId: rt.focus, index: 0 };
    const t = rt.thread(threadId || rt.focus);
    if (args.context === 'repl') {
      const text = runCommand(rt, t, args.expression);
      if (text !== undefined) { response.body = { result: text, variablesReference: 0 }; s.sendResponse(response); return; }
    }
    if (rt.isRunning && args.context === 'hover') throw new EvalError('running');
    const ctx = rt.evalContext(t, index);
    const v = evalExpr(args.expression, ctx);
    // A memory lvalue (a global variable, `*(u32*)addr`) opens its own bytes; any other value is taken as an address.
    let lv: ReturnType<typeof lvalueOf>;
    try { lv = lvalueOf(args.expression, ctx); } catch { lv = undefined; }
    const ref = lv?.kind === 'memory' ? lv.address : v;
    response.body = { result: show(v), variablesReference: 0, memoryReference: `v:0x${ref.toString(16)}` };
    s.sendResponse(response);
  });
}

export function setExpression(s: HvscopeSession, response: DebugProtocol.SetExpressionResponse, args: DebugProtocol.SetExpressionArguments): void {
  s.guard(response, () => {
    const rt = s.runtime();
    if (rt.isRunning) throw new UserError('the guest is running: pause it first');
    const { threadId, index } = args.frameId !== undefined ? frameOf(args.frameId) : { threadId: rt.focus, index: 0 };
    const t = rt.thread(threadId || rt.focus);
    const ctx = rt.evalContext(t, index);
    const lv = lvalueOf(args.expression, ctx);
    if (!lv) throw new UserError(`'${args.expression}' cannot be assigned: use $register, a global variable or *(u32*)address`);
    const v = evalExpr(args.value, ctx);
    if (lv.kind === 'register') {
      const err = rt.setRegister(t, lv.name, v);
      if (err) throw new UserError(err);
    } else {
      const bytes = new Uint8Array(lv.size);
      for (let i = 0; i < lv.size; i++) bytes[i] = Number((v >> BigInt(8 * i)) & 0xffn);
      if (rt.target.write(t, 'v', lv.address, bytes) !== lv.size) throw new UserError(`cannot write ${lv.size} bytes at 0x${lv.address.toString(16)}: not mapped to RAM`);
    }
    s.vars.reset();
    response.body = { value: show(evalExpr(args.expression, rt.evalContext(t, index))) };
    s.sendResponse(response);
  });
}
