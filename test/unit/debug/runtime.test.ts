import * as assert from 'node:assert';
import { helloRuntime, helloC, marker } from './helpers';
import { ConfigError, planLaunch } from '../../../src/debug/runtime/launch';
import { hitConditionMet } from '../../../src/debug/runtime/runtime';
import { nodeFiles } from '../../../src/debug/session/session';
import { root } from './helpers';

describe('debug/runtime on examples/hello', function () {
  this.timeout(20_000);

  it('resolves a source breakpoint to the line table and moves it to a line with code', () => {
    const { rt } = helloRuntime();
    const line = marker('loop');
    const [exact, moved, none] = rt.setSourceBreakpoints(helloC, [{ line }, { line: 1 }, { line: 100000 }]);
    assert.strictEqual(exact.verified, true);
    assert.strictEqual(exact.line, line);
    assert.strictEqual(moved.verified, true);
    assert.ok(moved.line! > 1, 'moved to the first line with code');
    assert.strictEqual(none.verified, false);
    assert.match(none.message!, /no code/);
    const [fn, missing] = rt.setFunctionBreakpoints([{ name: 'collatz_step' }, { name: 'nosuch' }]);
    assert.strictEqual(fn.verified, true);
    assert.strictEqual(fn.address, rt.symbols.lookup('collatz_step')!.address);
    assert.strictEqual(missing.verified, false);
  });

  it('stops at a breakpoint, unwinds through CFI to main, steps over the breakpoint on continue', async () => {
    const { rt, nextStop } = helloRuntime();
    const line = marker('step');
    rt.setSourceBreakpoints(helloC, [{ line }]);
    rt.start();
    let s = await nextStop();
    assert.ok('reason' in s && s.reason === 'entry');
    rt.continue();
    s = await nextStop();
    assert.ok('reason' in s && s.reason === 'breakpoint');
    const st = rt.stack(1);
    assert.deepStrictEqual(st.slice(0, 4).map((f) => f.name), ['collatz_step', 'chain_length', 'longest_chain', 'main']);
    assert.strictEqual(st[0].source!.line, line);
    const pc = rt.target.guestPc(rt.thread(1));
    const a0 = rt.evaluate(1, '$a0');
    // Continue: the hart must execute the instruction under the breakpoint and come back with the next n.
    rt.continue();
    s = await nextStop();
    assert.ok('reason' in s && s.reason === 'breakpoint');
    assert.strictEqual(rt.target.guestPc(rt.thread(1)), pc);
    assert.notStrictEqual(rt.evaluate(1, '$a0'), a0);
  });

  it('honours conditions, hit counts and logpoints', async () => {
    const { rt, nextStop, events } = helloRuntime();
    const line = marker('loop');
    rt.setSourceBreakpoints(helloC, [{ line, hitCondition: '3' }]);
    rt.setFunctionBreakpoints([{ name: 'collatz_step', logMessage: 'n={$a0,d}', condition: '$a0 == 2' }]);
    rt.start();
    await nextStop();
    rt.continue();
    const s = await nextStop();
    assert.ok('reason' in s && s.reason === 'breakpoint');
    // Third time round the loop (n = 3): collatz_step ran once with n = 2 before.
    const logs = events.filter((e) => e.type === 'output' && e.text.startsWith('n=')).map((e) => (e as { text: string }).text);
    assert.deepStrictEqual(logs, ['n=2\n']);
  });

  it('steps by instruction and by line', async () => {
    const { rt, nextStop } = helloRuntime();
    rt.setFunctionBreakpoints([{ name: 'main' }]);
    rt.start();
    await nextStop();
    rt.continue();
    await nextStop();
    const pc0 = rt.target.guestPc(rt.thread(1));
    rt.stepInstruction(1, false);
    let s = await nextStop();
    assert.ok('reason' in s && s.reason === 'step');
    assert.notStrictEqual(rt.target.guestPc(rt.thread(1)), pc0);
    const l0 = rt.stack(1)[0].source!.line;
    rt.stepLine(1, 'over');
    s = await nextStop();
    assert.ok('reason' in s && s.reason === 'step');
    const f = rt.stack(1)[0];
    assert.strictEqual(f.name, 'main');
    assert.notStrictEqual(f.source!.line, l0);
  });

  it('rejects bad launch options naming the option', () => {
    assert.throws(() => planLaunch({ kernel: 'examples/hello/hello.elf', machine: 'vm' }, nodeFiles, root), (e: Error) => e instanceof ConfigError && e.option === 'machine');
    assert.throws(() => planLaunch({ machine: 'bare' }, nodeFiles, root), (e: Error) => e instanceof ConfigError && e.option === 'kernel');
    assert.throws(() => planLaunch({ kernel: 'examples/hello/hello.elf', memory: '3X' }, nodeFiles, root), (e: Error) => e instanceof ConfigError && e.option === 'memory');
    assert.throws(() => planLaunch({ kernel: 'examples/hello/hello.elf', vcpus: 0 }, nodeFiles, root), (e: Error) => e instanceof ConfigError && e.option === 'vcpus');
    assert.throws(() => planLaunch({ kernel: 'examples/hello/hello.elf', bios: 'x' }, nodeFiles, root), (e: Error) => e instanceof ConfigError && e.option === 'bios');
    assert.throws(() => planLaunch({ kernel: 'examples/hello/hello.elf', symbols: [{ path: 'examples/hello/hello.c' }] }, nodeFiles, root), (e: Error) => e instanceof ConfigError && e.option === 'symbols[0]');
  });

  it('hit conditions: a plain number is that hit only; operators as written', () => {
    assert.deepStrictEqual([1, 2, 3, 4].map((n) => hitConditionMet('3', n)), [false, false, true, false]);
    assert.deepStrictEqual([2, 3, 4].map((n) => hitConditionMet('>= 3', n)), [false, true, true]);
    assert.deepStrictEqual([2, 3, 4, 6].map((n) => hitConditionMet('% 3', n)), [false, true, false, true]);
    assert.throws(() => hitConditionMet('three', 1), /hit condition/);
  });

  it('launch cwd: given, it is the source root for relative DWARF paths; absent, there is none', () => {
    assert.strictEqual(planLaunch({ kernel: 'examples/hello/hello.elf', cwd: '.' }, nodeFiles, root).sourceRoot, root);
    assert.strictEqual(planLaunch({ kernel: 'examples/hello/hello.elf' }, nodeFiles, root).sourceRoot, undefined);
  });
});
