// Execution requests: continue, next/stepIn/stepOut (by line, or by instruction with granularity
// 'instruction'), pause, and the custom continues (VM exit, guest trap, guest re-entry).
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { HvscopeSession } from './session';
import { UserError } from '../../common/errors';

function ready(s: HvscopeSession): ReturnType<HvscopeSession['runtime']> {
  const rt = s.runtime();
  if (rt.hasExited) throw new UserError('the guest has exited');
  if (rt.isRunning) throw new UserError('the guest is running: pause it first');
  return rt;
}

export function continueRequest(s: HvscopeSession, response: DebugProtocol.ContinueResponse, _args: DebugProtocol.ContinueArguments): void {
  s.guard(response, () => {
    const rt = ready(s);
    response.body = { allThreadsContinued: true };
    s.sendResponse(response);
    rt.continue();
  });
}

export function next(s: HvscopeSession, response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
  s.guard(response, () => {
    const rt = ready(s);
    s.sendResponse(response);
    if (args.granularity === 'instruction') rt.stepInstruction(args.threadId, true);
    else rt.stepLine(args.threadId, 'over');
  });
}

export function stepIn(s: HvscopeSession, response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
  s.guard(response, () => {
    const rt = ready(s);
    s.sendResponse(response);
    if (args.granularity === 'instruction') rt.stepInstruction(args.threadId, false);
    else rt.stepLine(args.threadId, 'in');
  });
}

export function stepOut(s: HvscopeSession, response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): void {
  s.guard(response, () => {
    const rt = ready(s);
    s.sendResponse(response);
    rt.stepOut(args.threadId);
  });
}

export function pause(s: HvscopeSession, response: DebugProtocol.PauseResponse, args: DebugProtocol.PauseArguments): void {
  s.guard(response, () => {
    const rt = s.runtime();
    s.sendResponse(response);
    rt.focus = args.threadId || rt.focus;
    rt.pause();
  });
}

/** hvscope/continueToVmExit, hvscope/continueToTrap, hvscope/continueToGuestEntry. */
export function continueTo(s: HvscopeSession, response: DebugProtocol.Response, what: 'vmexit' | 'trap' | 'entry', threadId: number | undefined): void {
  s.guard(response, () => {
    const rt = ready(s);
    if (what !== 'trap' && !rt.vm && what === 'entry') throw new UserError('continue to guest entry needs the embedded hypervisor (machine: "hypervisor")');
    s.sendResponse(response);
    rt.continueTo(what, threadId ?? rt.focus);
  });
}
