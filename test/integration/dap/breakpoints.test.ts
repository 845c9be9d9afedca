// DAP scenarios, bare machine (issue "The debug adapter", must-show 1–2): launch and stop on entry,
// source breakpoints (verified; moved to the next line with code), function, instruction,
// conditional and hit-count breakpoints, logpoints, data breakpoints on a global and on an address,
// three-frame stack traces (-O0 and -O1), terminate and restart. Guest: test/guests/dap/bare.c.
import assert from 'node:assert';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import {
  GUESTS, type DebugProtocol, assertAtMarker, collectOutput, cont, contToEnd, describeStop, evalNum, evaluate, frameFunction,
  frames, hex, launchAndConfigure, launchArgs, launchToEnd, marker, nextStop, parseNum, pcOf, setLineBreakpoints, startClient,
  stopClient, symbolAddress, topFrame,
} from './dapHelpers';

const src = GUESTS.bare.source;
const elf = GUESTS.bare.elf;

describe('DAP: breakpoints on the bare-machine guest', function () {
  this.timeout(60_000);
  let dc: DebugClient | undefined;

  beforeEach(async () => { dc = await startClient(); });
  afterEach(async () => { await stopClient(dc); dc = undefined; });

  it('initialize announces the capabilities the scenarios rely on', async () => {
    const caps = (await dc!.initializeRequest({ adapterID: 'hvscope', clientID: 'test', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' })).body ?? {};
    for (const c of ['supportsConfigurationDoneRequest', 'supportsConditionalBreakpoints', 'supportsHitConditionalBreakpoints', 'supportsLogPoints',
      'supportsFunctionBreakpoints', 'supportsInstructionBreakpoints', 'supportsDataBreakpoints', 'supportsDisassembleRequest',
      'supportsReadMemoryRequest', 'supportsWriteMemoryRequest', 'supportsSteppingGranularity', 'supportsExceptionInfoRequest',
      'supportsSetVariable', 'supportsTerminateRequest', 'supportsRestartRequest', 'supportsExceptionFilterOptions'] as const) {
      assert.strictEqual(caps[c], true, `capability ${c}`);
    }
    const filters = (caps.exceptionBreakpointFilters ?? []).map((f) => f.filter);
    for (const f of ['page-fault', 'illegal-instruction', 'ecall-u', 'ecall-s', 'breakpoint', 'misaligned', 'access-fault', 'interrupt',
      'vmexit-sbi', 'vmexit-guest-page-fault', 'vmexit-virtual-instruction', 'vmexit-wfi', 'vmexit-interrupt']) {
      assert.ok(filters.includes(f), `exception filter '${f}' missing (have: ${filters.join(', ')})`);
    }
    const sbi = caps.exceptionBreakpointFilters!.find((f) => f.filter === 'vmexit-sbi')!;
    assert.strictEqual(sbi.supportsCondition, true, 'vmexit-sbi takes a condition ($ext == ...)');
  });

  it('stopOnEntry: stops with reason entry at the ELF entry point, in _start', async () => {
    const stop = await launchAndConfigure(dc!, launchArgs(elf, { stopOnEntry: true }));
    assert.strictEqual(stop.body.reason, 'entry', describeStop(stop));
    const threadId = stop.body.threadId!;
    const threads = (await dc!.threadsRequest()).body.threads;
    assert.ok(threads.some((t) => t.id === threadId), `stopped thread ${threadId} is not among ${JSON.stringify(threads)}`);
    assert.strictEqual(await pcOf(dc!, threadId), symbolAddress(elf, '_start'));
    assert.strictEqual(frameFunction(await topFrame(dc!, threadId)), '_start');
  });

  it('a source breakpoint is verified at its line and hit there; a second continue hits it again', async () => {
    const loop = marker(src, 'loop');
    let resp: DebugProtocol.SetBreakpointsResponse | undefined;
    const stop = await launchAndConfigure(dc!, launchArgs(elf), async () => { resp = await setLineBreakpoints(dc!, src, [{ line: loop.line }]); });
    assert.strictEqual(resp!.body.breakpoints.length, 1);
    assert.strictEqual(resp!.body.breakpoints[0].verified, true, JSON.stringify(resp!.body.breakpoints[0]));
    assert.strictEqual(resp!.body.breakpoints[0].line, loop.line);
    assert.strictEqual(stop.body.reason, 'breakpoint', describeStop(stop));
    const t = stop.body.threadId!;
    await assertAtMarker(dc!, t, loop, 'first hit');
    assert.strictEqual(await evalNum(dc!, 'counter', undefined, t), 0n);
    const again = await cont(dc!, t);
    assert.strictEqual(again.body.reason, 'breakpoint');
    await assertAtMarker(dc!, t, loop, 'second hit');
    assert.strictEqual(await evalNum(dc!, 'counter', undefined, t), 1n);
  });

  it('a breakpoint on a comment line moves to the next line with code, and is hit there', async () => {
    const comment = marker(src, 'comment');
    const target = marker(src, 'after_comment');
    let bp: DebugProtocol.Breakpoint | undefined;
    const stop = await launchAndConfigure(dc!, launchArgs(elf), async () => { bp = (await setLineBreakpoints(dc!, src, [{ line: comment.line }])).body.breakpoints[0]; });
    assert.strictEqual(bp!.verified, true, JSON.stringify(bp));
    assert.strictEqual(bp!.line, target.line, `moved to line ${bp!.line}, expected ${target.line}`);
    await assertAtMarker(dc!, stop.body.threadId!, target);
  });

  it('a breakpoint on a line with no code after it in the file is not verified', async () => {
    let bp: DebugProtocol.Breakpoint | undefined;
    // Line 1 of bare.c is a comment, but code follows; a line far past the end has nothing.
    await launchToEnd(dc!, launchArgs(elf), async () => { bp = (await setLineBreakpoints(dc!, src, [{ line: 100_000 }])).body.breakpoints[0]; });
    assert.strictEqual(bp!.verified, false, JSON.stringify(bp));
  });

  it('function breakpoint on level2: stops at its entry', async () => {
    let bps: DebugProtocol.Breakpoint[] = [];
    const stop = await launchAndConfigure(dc!, launchArgs(elf), async () => {
      bps = (await dc!.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'level2' }, { name: 'no_such_function' }] })).body.breakpoints;
    });
    assert.strictEqual(bps[0].verified, true, JSON.stringify(bps[0]));
    assert.strictEqual(bps[1].verified, false, 'an unknown function is not verified');
    assert.strictEqual(stop.body.reason, 'function breakpoint', describeStop(stop));
    const t = stop.body.threadId!;
    const f = await topFrame(dc!, t);
    assert.strictEqual(frameFunction(f), 'level2');
    // At the entry (the symbol's address, or past the prologue at the first line of the body).
    const pc = await pcOf(dc!, t);
    const entry = symbolAddress(elf, 'level2');
    assert.ok(pc >= entry && pc < entry + 32n, `pc ${hex(pc)} not at level2's entry ${hex(entry)}`);
    assert.strictEqual(await evalNum(dc!, '$a0', f.id), 0n, 'level1(0) -> level2(0)');
  });

  it('instruction breakpoint from a disassemble instructionReference: stops exactly there', async () => {
    const stop0 = await launchAndConfigure(dc!, launchArgs(elf, { stopOnEntry: true }));
    const t = stop0.body.threadId!;
    const level3 = symbolAddress(elf, 'level3');
    const dis = await dc!.disassembleRequest({ memoryReference: hex(level3), instructionCount: 6, resolveSymbols: true });
    const insns = dis.body!.instructions;
    assert.ok(insns.length >= 6, `disassemble returned ${insns.length} instructions`);
    assert.strictEqual(parseNum(insns[0].address), level3);
    const target = insns[3].address; // inside the function, past its first instruction
    const set = await dc!.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: target }] });
    assert.strictEqual(set.body.breakpoints[0].verified, true, JSON.stringify(set.body));
    const stop = await cont(dc!, t);
    assert.strictEqual(stop.body.reason, 'instruction breakpoint', describeStop(stop));
    assert.strictEqual(await pcOf(dc!, t), parseNum(target));
    assert.strictEqual(frameFunction(await topFrame(dc!, t)), 'level3');
  });

  it('conditional breakpoints: `$a0 == 3` on function level1 and `counter > 2` on a line stop once the condition holds', async () => {
    const stop = await launchAndConfigure(dc!, launchArgs(elf), async () => {
      await dc!.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'level1', condition: '$a0 == 3' }] });
    });
    const t = stop.body.threadId!;
    assert.strictEqual(frameFunction(await topFrame(dc!, t)), 'level1');
    assert.strictEqual(await evalNum(dc!, '$a0', undefined, t), 3n);
    assert.strictEqual(await evalNum(dc!, 'counter', undefined, t), 3n, 'stopped only on the fourth call (counter 3)');
    await dc!.setFunctionBreakpointsRequest({ breakpoints: [] });
    await contToEnd(dc!, t);
  });

  it('conditional line breakpoint `counter > 2` stops first at counter 3, then 4, then never', async () => {
    const loop = marker(src, 'loop');
    const stop = await launchAndConfigure(dc!, launchArgs(elf), async () => { await setLineBreakpoints(dc!, src, [{ line: loop.line, condition: 'counter > 2' }]); });
    const t = stop.body.threadId!;
    await assertAtMarker(dc!, t, loop);
    assert.strictEqual(await evalNum(dc!, 'counter', undefined, t), 3n);
    await cont(dc!, t);
    assert.strictEqual(await evalNum(dc!, 'counter', undefined, t), 4n);
    await contToEnd(dc!, t);
  });

  it('a condition the evaluator cannot read is reported, not silently ignored', async () => {
    const loop = marker(src, 'loop');
    let bp: DebugProtocol.Breakpoint | undefined;
    const stop = await launchAndConfigure(dc!, launchArgs(elf), async () => {
      bp = (await setLineBreakpoints(dc!, src, [{ line: loop.line, condition: 'counter >' }])).body.breakpoints[0];
    }).catch((e: Error) => e);
    // Either setBreakpoints says so (verified false with a message) or the stop says so.
    if (bp && bp.verified === false) assert.ok(bp.message, 'an unverified breakpoint carries a message');
    else assert.ok(!(stop instanceof Error) && /condition|expression|syntax|error/i.test(`${stop.body.description ?? ''} ${stop.body.text ?? ''}`), `neither the breakpoint nor the stop reports the bad condition: ${JSON.stringify(bp)}`);
  });

  it('hit count `3` on level3: stops at the third call only', async () => {
    const l3 = marker(src, 'level3');
    const stop = await launchAndConfigure(dc!, launchArgs(elf), async () => { await setLineBreakpoints(dc!, src, [{ line: l3.line, hitCondition: '3' }]); });
    const t = stop.body.threadId!;
    await assertAtMarker(dc!, t, l3);
    assert.strictEqual(await evalNum(dc!, 'counter', undefined, t), 2n, 'third call: counter 2');
    await contToEnd(dc!, t);
  });

  it('hit count `>= 4` on level3: stops at the fourth and fifth calls', async () => {
    const l3 = marker(src, 'level3');
    const stop = await launchAndConfigure(dc!, launchArgs(elf), async () => { await setLineBreakpoints(dc!, src, [{ line: l3.line, hitCondition: '>= 4' }]); });
    const t = stop.body.threadId!;
    assert.strictEqual(await evalNum(dc!, 'counter', undefined, t), 3n);
    await cont(dc!, t);
    assert.strictEqual(await evalNum(dc!, 'counter', undefined, t), 4n);
    await contToEnd(dc!, t);
  });

  it('logpoint `counter={counter}`: one output event per pass, no stop', async () => {
    const loop = marker(src, 'loop');
    const out = collectOutput(dc!);
    try {
      await launchToEnd(dc!, launchArgs(elf), async () => { await setLineBreakpoints(dc!, src, [{ line: loop.line, logMessage: 'counter={counter}' }]); });
    } finally {
      out.stop();
    }
    const lines = out.all().split('\n').map((l) => l.trim()).filter((l) => /^counter=/.test(l));
    assert.deepStrictEqual(lines, ['counter=0', 'counter=1', 'counter=2', 'counter=3', 'counter=4'], `output was:\n${out.all()}`);
  });

  it('data breakpoint on the global `watched` (write): stops after the writing instruction, value visible', async () => {
    // Set from main (after _start's bss clearing, which writes `watched` too).
    const main = marker(src, 'main');
    const stop0 = await launchAndConfigure(dc!, launchArgs(elf), async () => { await setLineBreakpoints(dc!, src, [{ line: main.line }]); });
    const t = stop0.body.threadId!;
    await assertAtMarker(dc!, t, main);
    await setLineBreakpoints(dc!, src, []);
    const info = await dc!.dataBreakpointInfoRequest({ name: 'watched' });
    assert.ok(info.body.dataId, `dataBreakpointInfo gave no dataId: ${JSON.stringify(info.body)}`);
    assert.ok(info.body.accessTypes?.includes('write'), `access types ${JSON.stringify(info.body.accessTypes)}`);
    const set = await dc!.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
    assert.strictEqual(set.body.breakpoints[0].verified, true, JSON.stringify(set.body));
    const stop = await cont(dc!, t);
    assert.strictEqual(stop.body.reason, 'data breakpoint', describeStop(stop));
    await assertDataStopAfterStore(dc!, t, 'watched', 60n);
    const f = await topFrame(dc!, t);
    assert.strictEqual(frameFunction(f), 'main');
    assert.ok([marker(src, 'watch').line, marker(src, 'after_watch').line].includes(f.line), `line ${f.line}`);
    await dc!.setDataBreakpointsRequest({ breakpoints: [] });
    await contToEnd(dc!, t);
  });

  it('data breakpoint on an address (asAddress, 8 bytes, write)', async () => {
    const stop0 = await launchAndConfigure(dc!, launchArgs(elf, { stopOnEntry: true }));
    const t = stop0.body.threadId!;
    const addr = symbolAddress(elf, 'watched');
    const info = await dc!.dataBreakpointInfoRequest({ name: hex(addr), asAddress: true, bytes: 8 });
    assert.ok(info.body.dataId, JSON.stringify(info.body));
    const set = await dc!.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
    assert.strictEqual(set.body.breakpoints[0].verified, true);
    // The first write is _start's bss clearing; continue until the C assignment.
    let stop = await cont(dc!, t);
    assert.strictEqual(stop.body.reason, 'data breakpoint', describeStop(stop));
    if (frameFunction(await topFrame(dc!, t)) === '_start') stop = await cont(dc!, t);
    assert.strictEqual(stop.body.reason, 'data breakpoint', describeStop(stop));
    await assertDataStopAfterStore(dc!, t, `*(u64*)${hex(addr)}`, 60n);
  });

  it('stack trace through three frames of C at -O0: level3, level2, level1, main with their lines', async () => {
    await assertThreeFrames(dc!, GUESTS.bare.elf);
  });

  it('stack trace through three frames of C at -O1', async () => {
    await assertThreeFrames(dc!, GUESTS.bareO1.elf);
  });

  it('terminate ends the session (terminated event); the adapter exits', async () => {
    const stop = await launchAndConfigure(dc!, launchArgs(elf, { stopOnEntry: true }));
    assert.ok(stop.body.threadId);
    const terminated = dc!.waitForEvent('terminated');
    await dc!.terminateRequest({});
    await terminated;
  });

  it('restart: the guest starts again from its entry (stop on entry again, memory reset)', async () => {
    const watch = marker(src, 'after_watch');
    const stop = await launchAndConfigure(dc!, launchArgs(elf, { stopOnEntry: true }), async () => { await setLineBreakpoints(dc!, src, [{ line: watch.line }]); });
    let t = stop.body.threadId!;
    await cont(dc!, t);
    assert.strictEqual(await evalNum(dc!, 'watched', undefined, t), 60n);
    const again = await nextStop(dc!, () => dc!.restartRequest({ arguments: launchArgs(elf, { stopOnEntry: true }) as DebugProtocol.LaunchRequestArguments }));
    assert.strictEqual(again.body.reason, 'entry', describeStop(again));
    t = again.body.threadId!;
    assert.strictEqual(await pcOf(dc!, t), symbolAddress(elf, '_start'));
    assert.strictEqual(await evalNum(dc!, 'watched', undefined, t), 0n, 'a fresh machine: the watched global is zero again');
    // Breakpoints survive the restart.
    await cont(dc!, t);
    assert.strictEqual((await topFrame(dc!, t)).line, watch.line);
  });
});

/** At a data-breakpoint stop: the watched value is already written and the previous instruction is a store. */
async function assertDataStopAfterStore(dc: DebugClient, t: number, expr: string, value: bigint): Promise<void> {
  assert.strictEqual(await evalNum(dc, expr, undefined, t), value, `${expr} at the stop (the write has happened)`);
  const pc = await pcOf(dc, t);
  const dis = await dc.disassembleRequest({ memoryReference: hex(pc), instructionOffset: -1, instructionCount: 2 });
  const prev = dis.body!.instructions[0];
  assert.ok(parseNum(prev.address) < pc, `instruction before pc: ${JSON.stringify(dis.body!.instructions)}`);
  assert.match(prev.instruction, /^\s*(c\.)?s[bhwd]\b|^\s*(c\.)?s[wd]sp\b/, `the instruction before pc ${hex(pc)} is not a store: ${prev.instruction}`);
}

async function assertThreeFrames(dc: DebugClient, elf: string): Promise<void> {
  const l3 = marker(src, 'level3');
  const stop = await launchAndConfigure(dc, launchArgs(elf), async () => { await setLineBreakpoints(dc, src, [{ line: l3.line }]); });
  const t = stop.body.threadId!;
  const fs = await frames(dc, t);
  const got = fs.slice(0, 4).map((f) => `${frameFunction(f)}:${f.line}`);
  const want = [`level3:${l3.line}`, `level2:${marker(src, 'level2').line}`, `level1:${marker(src, 'level1').line}`, `main:${marker(src, 'loop').line}`];
  assert.deepStrictEqual(got, want, `frames: ${fs.map((f) => `${f.name} @ ${f.source?.name}:${f.line}`).join(' | ')}`);
  for (const f of fs.slice(0, 4)) assert.match(f.source?.path ?? '', /bare\.c$/);
  // Locals of an outer frame are that frame's: evaluating $a0 in frame 0 is level3's argument.
  assert.strictEqual(await evalNum(dc, '$a0', fs[0].id), 1n, 'level3(counter + 1) with counter 0');
  const r = await evaluate(dc, '$sp', fs[1].id);
  assert.ok(parseNum(r.result) > (await evalNum(dc, '$sp', fs[0].id)), 'the caller frame has its own (higher) sp');
}
