// The translation panel's requests (src/debug/session/translation.ts) over a fake translator
// listing: summaries, the block at the pc, guest pcs mapped to source lines, errors that say why;
// then the same over the real runtime on examples/hello with the fake listing on its machine.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { formatBlockListing, type JitBlockInfo, type JitGuestInsn, type JitListingSource } from '../../../src/jit/listing';
import { runtimeView, translationBlock, translationBlocks, type TranslationView } from '../../../src/debug/session/translation';
import { UserError } from '../../../src/common/errors';
import { helloRuntime, helloC, marker, root } from './helpers';
import { HvscopeSession } from '../../../src/debug/session/session';
import type { DebugProtocol } from '@vscode/debugprotocol';

function block(id: number, start: bigint, pa: number, executions: number, guest: JitBlockInfo['guest'], extra: Partial<JitBlockInfo> = {}): JitBlockInfo {
  const end = guest.length ? guest[guest.length - 1].pc + BigInt(guest[guest.length - 1].len) : start;
  return { id, start, end, pa, context: 'S-mode, V=1, Sv39', guest, generated: `function b_${start.toString(16)}(h) {\n  return 0;\n}`, executions, links: [], invalidations: [], live: true, ...extra };
}

class FakeListing implements JitListingSource {
  constructor(readonly list: JitBlockInfo[]) {}
  blocks(): readonly JitBlockInfo[] { return this.list; }
  block(id: number): JitBlockInfo | undefined { return this.list.find((b) => b.id === id); }
  blockContaining(pa: number): JitBlockInfo | undefined {
    return this.list.find((b) => b.live && pa >= b.pa && pa < b.pa + Number(b.end - b.start));
  }
  stats(): Record<string, number> { return { compiled: this.list.length, chainHits: 7 }; }
}

// Guest virtual 0xffffffff80001000.. maps to physical 0x80201000.. (a kernel mapping).
const VBASE = 0xffffffff80001000n, PBASE = 0x80201000;
const hot = block(1, VBASE, PBASE, 900, [
  { pc: VBASE, raw: 0x02010113, len: 4, text: 'addi sp,sp,32' },
  { pc: VBASE + 4n, raw: 0x4501, len: 2, text: 'li a0,0' },
  { pc: VBASE + 6n, raw: 0xfe0718e3, len: 4, text: 'bnez a4,0xffffffff80000ff6' },
], {
  links: [{ kind: 'taken', target: VBASE + 0x40n, chainedTo: 3 }, { kind: 'fallthrough', target: VBASE + 10n }],
  invalidations: [{ retired: 1200, reason: 'fence.i' }],
});
const cold = block(2, VBASE + 0x100n, PBASE + 0x100, 3, [{ pc: VBASE + 0x100n, raw: 0x00008067, len: 4, text: 'ret' }], { live: false });
const warm = block(3, VBASE + 0x40n, PBASE + 0x40, 900, [{ pc: VBASE + 0x40n, raw: 0x8082, len: 2, text: 'ret' }]);

function view(source: JitListingSource | undefined, pa?: number): TranslationView {
  return {
    source,
    currentPa: () => pa,
    addressToPa: (a) => { const v = BigInt(a); return v >= VBASE && v < VBASE + 0x1000n ? PBASE + Number(v - VBASE) : undefined; },
    sourceOf: (pc) => (pc === VBASE + 4n ? { path: '/src/kernel/entry.c', line: 42 } : undefined),
  };
}

describe('debug/session/translation', () => {
  const src = new FakeListing([cold, hot, warm]);

  it('answers engine "interp" with an explanation when there is no translator', () => {
    const r = translationBlocks(view(undefined, PBASE), {});
    assert.deepEqual({ ...r, message: undefined }, { engine: 'interp', total: 0, blocks: [], stats: {}, message: undefined });
    assert.match(r.message!, /interpreter/);
    assert.throws(() => translationBlock(view(undefined), { id: 1 }), (e: unknown) => e instanceof UserError && /interpreter/.test((e as Error).message));
  });

  it('lists blocks hottest first (ties by address), with the block at the pc as current', () => {
    const r = translationBlocks(view(src, PBASE + 4), {});
    assert.equal(r.engine, 'jit');
    assert.equal(r.total, 3);
    assert.deepEqual(r.blocks.map((b) => b.id), [1, 3, 2]);
    assert.deepEqual(r.blocks[0], {
      id: 1, start: '0xffffffff80001000', end: '0xffffffff8000100a', pa: '0x80201000', insns: 3, codeSize: hot.generated.length,
      executions: 900, context: 'S-mode, V=1, Sv39', live: true,
    });
    assert.equal(r.blocks[2].live, false);
    assert.equal(r.current, 1);
    assert.deepEqual(r.stats, { compiled: 3, chainHits: 7 });
    assert.deepEqual(translationBlocks(view(src, PBASE + 4), { limit: 1 }).blocks.map((b) => b.id), [1]);
    assert.equal(translationBlocks(view(src, 0x1000), {}).current, undefined, 'pc outside every block');
    assert.equal(translationBlocks(view(src, PBASE + 0x100), {}).current, undefined, 'invalidated blocks are not current');
    assert.throws(() => translationBlocks(view(src), { limit: -1 }), UserError);
  });

  it('gives one block with encodings, source lines, links, invalidations and the listing', () => {
    const r = translationBlock(view(src), { id: 1 });
    assert.deepEqual(r.guest, [
      { pc: '0xffffffff80001000', encoding: '02010113', text: 'addi sp,sp,32' },
      { pc: '0xffffffff80001004', encoding: '4501', text: 'li a0,0', location: 'entry.c:42', sourcePath: '/src/kernel/entry.c', line: 42 },
      { pc: '0xffffffff80001006', encoding: 'fe0718e3', text: 'bnez a4,0xffffffff80000ff6' },
    ]);
    assert.deepEqual(r.links, [{ kind: 'taken', target: '0xffffffff80001040', chainedTo: 3 }, { kind: 'fallthrough', target: '0xffffffff8000100a' }]);
    assert.deepEqual(r.invalidations, [{ retired: 1200, reason: 'fence.i' }]);
    assert.equal(r.generated, hot.generated);
    assert.equal(r.listing, formatBlockListing(hot));
    assert.match(r.listing, /chained -> 0xffffffff80001040/);
  });

  it('finds a block by address and by the pc, and says why when there is none', () => {
    assert.equal(translationBlock(view(src), { address: '0xffffffff80001006' }).summary.id, 1);
    assert.equal(translationBlock(view(src, PBASE + 0x40), {}).summary.id, 3);
    const why = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof UserError && re.test((e as Error).message));
    why(() => translationBlock(view(src), { id: 99 }), /no translated block 99/);
    why(() => translationBlock(view(src), { address: '0x1234' }), /not mapped/);
    why(() => translationBlock(view(src), { address: '0xffffffff80001100' }), /no live translated block/);
    why(() => translationBlock(view(src, undefined), {}), /contains the pc/);
  });

  describe('over the runtime (examples/hello, bare machine)', function () {
    this.timeout(20_000);

    it('maps the pc through the runtime and guest pcs to hello.c lines', async () => {
      const { rt, nextStop } = helloRuntime();
      const line = marker('step');
      rt.setSourceBreakpoints(helloC, [{ line }]);
      const machine = rt.machine as unknown as { jit?: JitListingSource };
      machine.jit = undefined; // as with the interpreter only
      assert.equal(rt.translation(), undefined);
      assert.equal(translationBlocks(runtimeView(rt), {}).engine, 'interp');
      rt.start();
      await nextStop();
      rt.continue();
      const s = await nextStop();
      assert.ok('reason' in s && s.reason === 'breakpoint');
      const pc = rt.target.guestPc(rt.thread(1));
      const fn = rt.symbols.lookup('collatz_step')!.address;
      // A block from the function's entry to just past the breakpoint (bare machine: pa = va).
      const insns: JitGuestInsn[] = [];
      for (let a = fn; a <= pc; ) {
        const w = rt.target.fetchWord(rt.thread(1), a)!;
        const len = (w & 3) === 3 ? 4 : 2;
        insns.push({ pc: a, raw: len === 4 ? w : w & 0xffff, len, text: 'insn' });
        a += BigInt(len);
      }
      const b = block(5, fn, Number(fn), 10, insns);
      machine.jit = new FakeListing([b]);
      assert.ok(rt.translation(), 'the accessor reads machine.jit');

      const idx = translationBlocks(runtimeView(rt), {});
      assert.equal(idx.engine, 'jit');
      assert.equal(idx.current, 5);
      const r = translationBlock(runtimeView(rt, 1), { address: 'collatz_step' });
      assert.equal(r.summary.id, 5);
      const at = r.guest.find((g) => g.pc === `0x${pc.toString(16)}`)!;
      assert.equal(at.location, `hello.c:${line}`);
      // The same absolute path the stack trace shows (resolved against the launch cwd).
      assert.equal(at.sourcePath, rt.stack(1)[0].source!.file);
      assert.equal(path.basename(at.sourcePath!), 'hello.c');
      assert.equal(at.line, line);
      assert.equal(rt.status().engine, 'jit');
    });

    it('reports the machine status: harts, paging, retired instructions', async () => {
      const { rt, nextStop } = helloRuntime();
      rt.start();
      await nextStop();
      (rt.machine as unknown as { jit?: JitListingSource }).jit = undefined;
      const st = rt.status();
      assert.equal(st.running, false);
      assert.equal(st.machine, 'bare');
      assert.equal(st.paging, 'bare');
      assert.equal(st.guestMode, 'Bare');
      assert.equal(st.engine, 'interp');
      assert.equal(st.exits, 0);
      assert.deepEqual(st.vcpus.map((v) => [v.name, v.state, v.privilege]), [['hart 0', 'stopped', 'M']]);
      assert.equal(st.retired, st.vcpus[0].retired);
    });
  });
});

/** A session driven in-process: requests dispatched directly, events and responses collected. */
class RecordingSession extends HvscopeSession {
  readonly events: DebugProtocol.Event[] = [];
  readonly responses: DebugProtocol.Response[] = [];
  private waiting: { event: string; resolve: (e: DebugProtocol.Event) => void } | undefined;
  private seq = 1;
  override sendEvent(e: DebugProtocol.Event): void {
    this.events.push(e);
    if (this.waiting?.event === e.event) { const w = this.waiting; this.waiting = undefined; w.resolve(e); }
  }
  override sendResponse(r: DebugProtocol.Response): void { this.responses.push(r); }
  request(command: string, args: unknown): DebugProtocol.Response | undefined {
    const seq = this.seq++;
    (this as unknown as { dispatchRequest(r: DebugProtocol.Request): void }).dispatchRequest({ seq, type: 'request', command, arguments: args });
    return this.responses.find((r) => r.request_seq === seq);
  }
  next(event: string): Promise<DebugProtocol.Event> {
    return new Promise((resolve) => { this.waiting = { event, resolve }; });
  }
}

describe('debug/session: hvscope/status and the console terminal option (examples/hello)', function () {
  this.timeout(20_000);

  async function runToStep(extra: Record<string, unknown>): Promise<RecordingSession> {
    const s = new RecordingSession();
    s.request('initialize', { adapterID: 'hvscope' });
    const launch = s.request('launch', { kernel: 'examples/hello/hello.elf', machine: 'bare', cwd: root, ...extra });
    assert.equal(launch?.success, true, launch?.message);
    s.request('setBreakpoints', { source: { path: helloC }, breakpoints: [{ line: marker('step') }] });
    const stopped = s.next('stopped');
    s.request('configurationDone', {});
    await stopped;
    s.request('disconnect', {});
    return s;
  }

  const text = (s: RecordingSession, event: string): string =>
    s.events.filter((e) => e.event === event && (event !== 'output' || (e.body as { category?: string }).category === 'stdout'))
      .map((e) => (e.body as { text?: string; output?: string }).text ?? (e.body as { output: string }).output).join('');

  it('echoes guest output to the Debug Console without a terminal, and not with one', async () => {
    const plain = await runToStep({});
    assert.match(text(plain, 'hvscope/console'), /hello from hvscope/);
    assert.match(text(plain, 'output'), /hello from hvscope/, 'other DAP clients see the guest in output events');
    const term = await runToStep({ consoleTerminal: true });
    assert.match(text(term, 'hvscope/console'), /hello from hvscope/);
    assert.equal(text(term, 'output'), '', 'the terminal shows the guest; the Debug Console does not repeat it');
  });

  it('sends hvscope/status at continue and just before every stop', async () => {
    const s = await runToStep({});
    const names = s.events.map((e) => e.event);
    const stop = names.indexOf('stopped');
    assert.equal(names[stop - 1], 'hvscope/status');
    const atStop = s.events[stop - 1].body as import('../../../src/protocol/requests').StatusEventBody;
    assert.equal(atStop.running, false);
    assert.equal(atStop.vcpus[0].state, 'stopped');
    assert.ok(atStop.retired > 0);
    const cont = names.indexOf('continued');
    assert.equal(names[cont + 1], 'hvscope/status');
    assert.equal((s.events[cont + 1].body as { running: boolean }).running, true);
  });

  it('rejects a consoleTerminal that is not a boolean, naming the option', () => {
    const s = new RecordingSession();
    s.request('initialize', { adapterID: 'hvscope' });
    const r = s.request('launch', { kernel: 'examples/hello/hello.elf', machine: 'bare', cwd: root, consoleTerminal: 'yes' });
    assert.equal(r?.success, false);
    assert.match(r?.message ?? JSON.stringify(r?.body), /consoleTerminal/);
  });
});
