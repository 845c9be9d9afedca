// DAP scenarios, bare machine (issue "The debug adapter", must-show 1–2): stepping in, over and out
// by line and by instruction, into a trap handler and back; pause of a spinning guest (bounded
// latency); registers, memory, disassembly and evaluate. Guests: test/guests/dap/{bare.c,step.S,spin.S}.
import assert from 'node:assert';
import { spawnSync } from 'node:child_process';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import {
  GUESTS, assertAtMarker, cont, describeStop, evalNum, evaluate, findRegister, frameFunction, hex, launchAndConfigure, launchArgs,
  marker, nextStop, parseNum, pcOf, scopeVariables, setLineBreakpoints, startClient, stopClient, symbolAddress, topFrame,
} from './dapHelpers';

const src = GUESTS.bare.source;
const elf = GUESTS.bare.elf;
const stepSrc = GUESTS.step.source;
const stepElf = GUESTS.step.elf;

describe('DAP: stepping, pause and inspection', function () {
  this.timeout(60_000);
  let dc: DebugClient | undefined;

  beforeEach(async () => { dc = await startClient(); });
  afterEach(async () => { await stopClient(dc); dc = undefined; });

  /** Launches bare.elf to the marker `name`; returns the thread id. */
  async function runTo(name: string, file = src, kernel = elf): Promise<number> {
    const m = marker(file, name);
    const stop = await launchAndConfigure(dc!, launchArgs(kernel), async () => { await setLineBreakpoints(dc!, file, [{ line: m.line }]); });
    const t = stop.body.threadId!;
    await assertAtMarker(dc!, t, m, `run to ${name}`);
    await setLineBreakpoints(dc!, file, []);
    return t;
  }

  it('line step in: main -> level1 -> level2 -> level3; step out back to level2; step over the call in main', async () => {
    const t = await runTo('loop');
    let s = await nextStop(dc!, () => dc!.stepInRequest({ threadId: t }));
    assert.strictEqual(s.body.reason, 'step', describeStop(s));
    await assertAtMarker(dc!, t, marker(src, 'level1'), 'step in to level1');
    await nextStop(dc!, () => dc!.stepInRequest({ threadId: t }));
    await assertAtMarker(dc!, t, marker(src, 'level2'), 'step in to level2');
    await nextStop(dc!, () => dc!.stepInRequest({ threadId: t }));
    await assertAtMarker(dc!, t, marker(src, 'level3'), 'step in to level3');
    s = await nextStop(dc!, () => dc!.stepOutRequest({ threadId: t }));
    assert.strictEqual(s.body.reason, 'step');
    const f = await topFrame(dc!, t);
    assert.strictEqual(frameFunction(f), 'level2', `step out of level3 lands in ${f.name}`);
    assert.strictEqual(f.line, marker(src, 'level2').line, 'back in the middle of the line that called level3');
    // Out of level2 and level1, back in main; then `next` over the rest of the loop body.
    await nextStop(dc!, () => dc!.stepOutRequest({ threadId: t }));
    await nextStop(dc!, () => dc!.stepOutRequest({ threadId: t }));
    assert.strictEqual(frameFunction(await topFrame(dc!, t)), 'main');
    await nextStop(dc!, () => dc!.nextRequest({ threadId: t }));
    await assertAtMarker(dc!, t, marker(src, 'after_comment'), 'next skips the comment line');
  });

  it('line step over (next) does not enter level1', async () => {
    const t = await runTo('loop');
    await nextStop(dc!, () => dc!.nextRequest({ threadId: t }));
    await assertAtMarker(dc!, t, marker(src, 'after_comment'));
    assert.strictEqual(await evalNum(dc!, 'counter', undefined, t), 0n);
  });

  it('instruction step: stepIn with granularity instruction advances one instruction', async () => {
    const t = await runTo('level3');
    const pc0 = await pcOf(dc!, t);
    const s = await nextStop(dc!, () => dc!.stepInRequest({ threadId: t, granularity: 'instruction' }));
    assert.strictEqual(s.body.reason, 'step');
    const pc1 = await pcOf(dc!, t);
    assert.ok(pc1 === pc0 + 2n || pc1 === pc0 + 4n, `pc ${hex(pc0)} -> ${hex(pc1)}: not one sequential instruction`);
    await nextStop(dc!, () => dc!.nextRequest({ threadId: t, granularity: 'instruction' }));
    const pc2 = await pcOf(dc!, t);
    assert.ok(pc2 === pc1 + 2n || pc2 === pc1 + 4n, `pc ${hex(pc1)} -> ${hex(pc2)}`);
  });

  it('instruction step over a call (next, instruction) stays in the caller', async () => {
    const t = await runTo('level2');
    // Step instructions until the call (jal/call) is next, then `next` over it.
    for (let i = 0; i < 12; i++) {
      const pc = await pcOf(dc!, t);
      const insn = (await dc!.disassembleRequest({ memoryReference: hex(pc), instructionCount: 1 })).body!.instructions[0].instruction;
      if (/\b(jalr?|call)\b/.test(insn)) {
        await nextStop(dc!, () => dc!.nextRequest({ threadId: t, granularity: 'instruction' }));
        const after = await pcOf(dc!, t);
        assert.strictEqual(frameFunction(await topFrame(dc!, t)), 'level2', 'still in level2 after stepping over the call');
        assert.ok(after === pc + 4n || after === pc + 2n, `pc ${hex(pc)} -> ${hex(after)}: not the instruction after the call`);
        assert.strictEqual(await evalNum(dc!, '$a0', undefined, t), 4n, 'level3(1) returned 3 * 1 + 1 in a0');
        return;
      }
      await nextStop(dc!, () => dc!.stepInRequest({ threadId: t, granularity: 'instruction' }));
    }
    assert.fail('no call instruction found in level2');
  });

  it('assembly: instruction step across an ecall lands on the handler\'s first instruction; stepping through mret returns after the ecall', async () => {
    const t = await runTo('trap', stepSrc, stepElf);
    const ecallPc = await pcOf(dc!, t);
    await nextStop(dc!, () => dc!.stepInRequest({ threadId: t, granularity: 'instruction' }));
    assert.strictEqual(await pcOf(dc!, t), symbolAddress(stepElf, 'handler'), 'the next stop is the handler\'s first instruction');
    await assertAtMarker(dc!, t, marker(stepSrc, 'handler'));
    assert.strictEqual(await evalNum(dc!, '$mcause', undefined, t), 11n, 'mcause = environment call from M-mode');
    assert.strictEqual(await evalNum(dc!, '$mepc', undefined, t), ecallPc);
    // csrr, addi, csrw, addi: four instructions to the mret, one more returns.
    for (let i = 0; i < 4; i++) await nextStop(dc!, () => dc!.stepInRequest({ threadId: t, granularity: 'instruction' }));
    await assertAtMarker(dc!, t, marker(stepSrc, 'mret'));
    await nextStop(dc!, () => dc!.stepInRequest({ threadId: t, granularity: 'instruction' }));
    assert.strictEqual(await pcOf(dc!, t), ecallPc + 4n);
    await assertAtMarker(dc!, t, marker(stepSrc, 'after_trap'));
    assert.strictEqual(await evalNum(dc!, '$a1', undefined, t), 3n, 'the handler ran (a1 = 2 + 1)');
  });

  it('assembly: instruction step into the handler, then step out returns after the ecall', async () => {
    const t = await runTo('trap', stepSrc, stepElf);
    const ecallPc = await pcOf(dc!, t);
    await nextStop(dc!, () => dc!.stepInRequest({ threadId: t, granularity: 'instruction' }));
    assert.strictEqual(await pcOf(dc!, t), symbolAddress(stepElf, 'handler'));
    const s = await nextStop(dc!, () => dc!.stepOutRequest({ threadId: t }));
    assert.strictEqual(s.body.reason, 'step', describeStop(s));
    assert.strictEqual(await pcOf(dc!, t), ecallPc + 4n, 'step out of a trap handler stops where the trap returns');
  });

  it('assembly: line step (stepIn) at the ecall line goes into the handler; line next at the ecall steps over the trap', async () => {
    let t = await runTo('trap', stepSrc, stepElf);
    await nextStop(dc!, () => dc!.stepInRequest({ threadId: t }));
    await assertAtMarker(dc!, t, marker(stepSrc, 'handler'), 'stepIn on a trapping line');
    await stopClient(dc);
    dc = await startClient();
    t = await runTo('trap', stepSrc, stepElf);
    await nextStop(dc!, () => dc!.nextRequest({ threadId: t }));
    await assertAtMarker(dc!, t, marker(stepSrc, 'after_trap'), 'next over a trapping line');
  });

  it('C: line stepIn at the illegal instruction enters the trap entry (start.S); continue returns to the guest', async () => {
    const t = await runTo('illegal');
    await nextStop(dc!, () => dc!.stepInRequest({ threadId: t }));
    const f = await topFrame(dc!, t);
    assert.strictEqual(frameFunction(f), 'trap_entry', `stepIn on a trapping line stops in ${f.name}`);
    assert.match(f.source?.path ?? '', /start\.S$/);
    assert.strictEqual(await pcOf(dc!, t), symbolAddress(elf, 'trap_entry'));
    await setLineBreakpoints(dc!, src, [{ line: marker(src, 'ebreak').line }]);
    await cont(dc!, t);
    await assertAtMarker(dc!, t, marker(src, 'ebreak'), 'the handler returned past the illegal instruction');
  });

  it('pause of a spinning guest stops within 1 s (measured)', async () => {
    const stopped0 = await launchAndConfigure(dc!, launchArgs(GUESTS.spin.elf, { stopOnEntry: true }));
    const t = stopped0.body.threadId!;
    await dc!.continueRequest({ threadId: t });
    await new Promise((r) => setTimeout(r, 500)); // let it spin
    const t0 = performance.now();
    const s = await nextStop(dc!, () => dc!.pauseRequest({ threadId: t }), 5_000);
    const ms = performance.now() - t0;
    console.log(`      pause latency: ${ms.toFixed(1)} ms`);
    assert.strictEqual(s.body.reason, 'pause', describeStop(s));
    assert.ok(ms < 1000, `pause took ${ms.toFixed(0)} ms`);
    assert.strictEqual(frameFunction(await topFrame(dc!, t)), 'spin');
    assert.ok((await evalNum(dc!, '$a3', undefined, t)) > 1000n, 'the guest really ran');
    // Resume and pause again: still responsive.
    await dc!.continueRequest({ threadId: t });
    const t1 = performance.now();
    await nextStop(dc!, () => dc!.pauseRequest({ threadId: t }), 5_000);
    console.log(`      pause latency (second): ${(performance.now() - t1).toFixed(1)} ms`);
  });

  it('registers: the Registers scope lists pc and x0–x31 by ABI name; setVariable on a0 changes the register', async () => {
    const t = await runTo('level3');
    const { ref, vars } = await scopeVariables(dc!, t, /^Registers$/);
    for (const r of ['pc', 'zero', 'ra', 'sp', 'gp', 'tp', 't0', 's0', 'a0', 'a7', 's11', 't6']) findRegister(vars, r);
    assert.ok(vars.length >= 33, `${vars.length} registers`);
    assert.strictEqual(parseNum(findRegister(vars, 'pc').value), await pcOf(dc!, t));
    const a0 = findRegister(vars, 'a0');
    assert.strictEqual(parseNum(a0.value), 1n);
    const set = await dc!.setVariableRequest({ variablesReference: ref, name: a0.name, value: '0x1234' });
    assert.strictEqual(parseNum(set.body.value), 0x1234n);
    assert.strictEqual(await evalNum(dc!, '$a0', undefined, t), 0x1234n);
    const again = await scopeVariables(dc!, t, /^Registers$/);
    assert.strictEqual(parseNum(findRegister(again.vars, 'a0').value), 0x1234n);
    // Other scopes exist: CSRs and the last trap.
    const f = await topFrame(dc!, t);
    const names = (await dc!.scopesRequest({ frameId: f.id })).body.scopes.map((s) => s.name);
    assert.ok(names.some((n) => /CSR/i.test(n)), `scopes: ${names.join(', ')}`);
    assert.ok(names.some((n) => /trap|exit/i.test(n)), `scopes: ${names.join(', ')}`);
  });

  it('memory: readMemory at sp\'s memoryReference matches *(u64*)($sp+8); writeMemory changes a global', async () => {
    const t = await runTo('level3');
    const { vars } = await scopeVariables(dc!, t, /^Registers$/);
    const sp = findRegister(vars, 'sp');
    assert.ok(sp.memoryReference, `sp carries no memoryReference: ${JSON.stringify(sp)}`);
    const r = await dc!.customRequest('readMemory', { memoryReference: sp.memoryReference, offset: 0, count: 16 });
    const bytes = Buffer.from(r.body.data, 'base64');
    assert.strictEqual(bytes.length, 16);
    assert.strictEqual(parseNum(r.body.address), parseNum(sp.value));
    assert.strictEqual(bytes.readBigUInt64LE(8), await evalNum(dc!, '*(u64*)($sp+8)', undefined, t));

    const addr = symbolAddress(elf, 'watched');
    const data = Buffer.alloc(8);
    data.writeBigUInt64LE(0x1122334455667788n);
    const w = await dc!.customRequest('writeMemory', { memoryReference: hex(addr), data: data.toString('base64') });
    assert.ok(w.success);
    assert.strictEqual(await evalNum(dc!, 'watched', undefined, t), 0x1122334455667788n);
    const back = await dc!.customRequest('readMemory', { memoryReference: hex(addr), count: 8 });
    assert.deepStrictEqual(Buffer.from(back.body.data, 'base64'), data);
  });

  it('readMemory of an unmapped address reports unreadable bytes instead of failing the session', async () => {
    const t = await runTo('level3');
    const r = await dc!.customRequest('readMemory', { memoryReference: '0x0', count: 16 }).catch((e: Error) => e);
    if (!(r instanceof Error)) assert.ok((r.body.unreadableBytes ?? 0) > 0 || !r.body.data, JSON.stringify(r.body));
    assert.strictEqual(await evalNum(dc!, '$a0', undefined, t), 1n, 'the session still answers');
  });

  it('disassemble: objdump-like text, instruction bytes, symbols, source lines', async () => {
    const t = await runTo('level3');
    const start = symbolAddress(elf, 'level3');
    const dis = await dc!.disassembleRequest({ memoryReference: hex(start), instructionCount: 8, resolveSymbols: true });
    const insns = dis.body!.instructions;
    assert.strictEqual(insns.length, 8);
    assert.strictEqual(parseNum(insns[0].address), start);
    assert.match(insns[0].symbol ?? '', /^level3/, `symbol of the first instruction: ${insns[0].symbol}`);
    const reference = objdump(elf, start, start + 64n);
    for (const i of insns) {
      assert.match(i.instructionBytes ?? '', /^([0-9a-f]{2} ?){2,4}$/i, `instruction bytes: ${i.instructionBytes}`);
      const want = reference.get(parseNum(i.address));
      if (want) assert.strictEqual(i.instruction.split(/\s+/)[0], want.split(/\s+/)[0], `mnemonic at ${i.address}: ${i.instruction} vs objdump ${want}`);
    }
    assert.ok(insns.some((i) => i.line !== undefined && i.location?.path?.endsWith('bare.c')), 'instructions carry source locations');
    assert.ok(t);
  });

  it('evaluate: $a0, *(u64*)($sp+8), a symbol, a global, and the console command `help`', async () => {
    const t = await runTo('level3');
    assert.strictEqual(await evalNum(dc!, '$a0', undefined, t), 1n);
    const sp = await evalNum(dc!, '$sp', undefined, t);
    const r = await dc!.customRequest('readMemory', { memoryReference: hex(sp + 8n), count: 8 });
    assert.strictEqual(await evalNum(dc!, '*(u64*)($sp+8)', undefined, t), Buffer.from(r.body.data, 'base64').readBigUInt64LE(0));
    assert.strictEqual(await evalNum(dc!, '&level2', undefined, t), symbolAddress(elf, 'level2'));
    assert.strictEqual(await evalNum(dc!, 'counter', undefined, t), 0n);
    assert.strictEqual(await evalNum(dc!, '$a0 * 3 + 1', undefined, t), 4n);
    const help = await evaluate(dc!, 'help', undefined, t, 'repl');
    assert.ok(help.result.length > 20, `help says: ${help.result}`);
    assert.match(help.result, /help/i);
    const bad = await dc!.evaluateRequest({ expression: '$nosuchregister', context: 'watch', frameId: (await topFrame(dc!, t)).id }).catch((e: Error) => e);
    assert.ok(bad instanceof Error, 'an unknown register is an error response');
  });
});

/** riscv64-unknown-elf-objdump's text by address for [from, to); empty when objdump is missing. */
function objdump(elf: string, from: bigint, to: bigint): Map<bigint, string> {
  const r = spawnSync('riscv64-unknown-elf-objdump', ['-d', '--no-show-raw-insn', `--start-address=${hex(from)}`, `--stop-address=${hex(to)}`, elf], { encoding: 'utf8' });
  const m = new Map<bigint, string>();
  if (r.error) {
    console.log('      (riscv64-unknown-elf-objdump missing: mnemonics not compared)');
    return m;
  }
  for (const line of r.stdout.split('\n')) {
    const hit = /^\s*([0-9a-f]+):\s+(\S.*)$/.exec(line);
    if (hit) m.set(BigInt(`0x${hit[1]}`), hit[2].trim());
  }
  return m;
}
