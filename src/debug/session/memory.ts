// Memory requests: readMemory/writeMemory over guest virtual ("v:0x...") and guest physical
// ("p:0x...") addresses (reads never have side effects), and disassemble.
import { Source } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { HvscopeSession } from './session';
import { UserError } from '../../common/errors';

export function readMemory(s: HvscopeSession, response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
  s.guard(response, () => {
    const rt = s.runtime();
    if (args.count > 16 * 1024 * 1024) throw new UserError('readMemory: at most 16 MiB at a time');
    const ref = rt.parseReference(args.memoryReference, rt.focus);
    const addr = BigInt.asUintN(64, ref.address + BigInt(args.offset ?? 0));
    const bytes = rt.target.read(rt.thread(rt.focus), ref.space, addr, args.count);
    response.body = {
      address: `0x${addr.toString(16)}`,
      data: Buffer.from(bytes).toString('base64'),
      unreadableBytes: args.count - bytes.length,
    };
    s.sendResponse(response);
  });
}

export function writeMemory(s: HvscopeSession, response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): void {
  s.guard(response, () => {
    const rt = s.runtime();
    if (rt.isRunning) throw new UserError('the guest is running: pause it first');
    const ref = rt.parseReference(args.memoryReference, rt.focus);
    const addr = BigInt.asUintN(64, ref.address + BigInt(args.offset ?? 0));
    const data = new Uint8Array(Buffer.from(args.data, 'base64'));
    const n = rt.target.write(rt.thread(rt.focus), ref.space, addr, data);
    if (n === 0 && data.length > 0 && !args.allowPartial) throw new UserError(`cannot write at ${ref.space === 'p' ? 'guest physical' : 'guest virtual'} 0x${addr.toString(16)}: not mapped to RAM`);
    response.body = { offset: 0, bytesWritten: n };
    s.sendResponse(response);
    s.vars.reset();
  });
}

export function disassemble(s: HvscopeSession, response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): void {
  s.guard(response, () => {
    const rt = s.runtime();
    const ref = rt.parseReference(args.memoryReference, rt.focus);
    const base = BigInt.asUintN(64, ref.address + BigInt(args.offset ?? 0));
    const lines = rt.disassemble(rt.focus, ref.space, base, args.instructionOffset ?? 0, args.instructionCount);
    response.body = {
      instructions: lines.map((l) => {
        const i: DebugProtocol.DisassembledInstruction = { address: `0x${l.address.toString(16)}`, instruction: l.text };
        if (l.bytes) i.instructionBytes = l.bytes;
        if (l.symbol) i.symbol = l.symbol;
        if (l.location) {
          i.location = new Source(l.location.file.split(/[\\/]/).pop()!, l.location.file);
          i.line = l.location.line;
        }
        if (l.invalid) i.presentationHint = 'invalid';
        return i;
      }),
    };
    s.sendResponse(response);
  });
}
