// DAP scenarios for exception filters (issue "The debug adapter", must-show 1–2): every guest trap
// class fires on the bare-machine guest with the right description and exceptionInfo, filters take
// conditions, `hvscope/continueToTrap` stops at the next guest trap, and the vmexit-interrupt filter
// fires for a user's own hypervisor on the bare machine (test/guests/bin/h_interrupts.elf).
// The filters under the embedded hypervisor are in hypervisor.test.ts.
import assert from 'node:assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import {
  GUESTS, HVSCOPE_REQUESTS, contToEnd, cont, describeStop, evalNum, exceptionInfo, frameFunction, launchAndConfigure, launchArgs,
  nextStop, pcOf, repoRoot, setExceptionFilters, startClient, stopClient, symbolAddress, topFrame,
} from './dapHelpers';

const elf = GUESTS.bare.elf;
const IRQ = 1n << 63n;

/** The traps bare.elf takes, in order: filter, mcause, what exceptionInfo's description says. */
const TRAPS: { filter: string; causes: bigint[]; text: RegExp }[] = [
  { filter: 'illegal-instruction', causes: [2n], text: /illegal instruction/i },
  { filter: 'breakpoint', causes: [3n], text: /breakpoint/i },
  // A misaligned AMO: store/AMO address misaligned per the spec (QEMU reports a load).
  { filter: 'misaligned', causes: [6n, 4n], text: /misaligned/i },
  { filter: 'access-fault', causes: [5n], text: /load access fault/i },
  { filter: 'interrupt', causes: [IRQ | 7n], text: /machine timer interrupt/i },
  { filter: 'page-fault', causes: [13n], text: /load page fault/i },
  { filter: 'ecall-s', causes: [9n], text: /environment call from S-mode/i },
  { filter: 'ecall-u', causes: [8n], text: /environment call from U-mode/i },
];

describe('DAP: exception filters (guest trap classes, bare machine)', function () {
  this.timeout(60_000);
  let dc: DebugClient | undefined;

  beforeEach(async () => { dc = await startClient(); });
  afterEach(async () => { await stopClient(dc); dc = undefined; });

  for (const trap of TRAPS) {
    it(`filter ${trap.filter}: stops at the trap vector with reason exception; exceptionInfo says ${trap.text.source}`, async () => {
      const stop = await launchAndConfigure(dc!, launchArgs(elf), () => setExceptionFilters(dc!, [trap.filter]));
      assert.strictEqual(stop.body.reason, 'exception', describeStop(stop));
      const t = stop.body.threadId!;
      assert.match(`${stop.body.description ?? ''} ${stop.body.text ?? ''}`, trap.text, describeStop(stop));
      // The trap has been entered: pc is the vector, mcause says why.
      assert.strictEqual(await pcOf(dc!, t), symbolAddress(elf, 'trap_entry'));
      assert.strictEqual(frameFunction(await topFrame(dc!, t)), 'trap_entry');
      const mcause = await evalNum(dc!, '$mcause', undefined, t);
      assert.ok(trap.causes.includes(mcause), `mcause ${mcause.toString(16)}, expected one of ${trap.causes.map((c) => c.toString(16)).join(', ')}`);
      const info = await exceptionInfo(dc!, t);
      assert.ok(info.exceptionId, 'exceptionInfo has an exceptionId');
      assert.match(info.description ?? '', trap.text, `exceptionInfo: ${JSON.stringify(info)}`);
      assert.strictEqual(info.breakMode, 'always');
      if (trap.filter === 'page-fault') {
        assert.strictEqual(await evalNum(dc!, '$mtval', undefined, t), 0x40000000n, 'mtval = the faulting virtual address');
        assert.match(JSON.stringify(info.details ?? {}) + (info.description ?? ''), /0x0*40000000/i, 'exceptionInfo shows the faulting address');
      }
    });
  }

  it('all filters at once: every trap in order, then the guest runs to its end', async () => {
    const order = [2n, 3n, 6n, 5n, IRQ | 7n, 13n, 9n, 9n, 8n, 8n];
    let stop = await launchAndConfigure(dc!, launchArgs(elf), () => setExceptionFilters(dc!, TRAPS.map((x) => x.filter)));
    const t = stop.body.threadId!;
    const seen: bigint[] = [];
    for (let i = 0; i < order.length; i++) {
      assert.strictEqual(stop.body.reason, 'exception', describeStop(stop));
      let c = await evalNum(dc!, '$mcause', undefined, t);
      if (c === 4n) c = 6n; // QEMU's view of a misaligned AMO, should the emulator follow it
      seen.push(c);
      if (i < order.length - 1) stop = await cont(dc!, t);
    }
    assert.deepStrictEqual(seen.map((c) => c.toString(16)), order.map((c) => c.toString(16)));
    await contToEnd(dc!, t);
  });

  it('a filter condition: ecall-u with `$a7 == 0x99` stops only at the second U-mode ecall', async () => {
    const stop = await launchAndConfigure(dc!, launchArgs(elf), () => setExceptionFilters(dc!, [{ filterId: 'ecall-u', condition: '$a7 == 0x99' }]));
    const t = stop.body.threadId!;
    assert.strictEqual(stop.body.reason, 'exception', describeStop(stop));
    assert.strictEqual(await evalNum(dc!, '$a7', undefined, t), 0x99n);
    assert.strictEqual(await evalNum(dc!, '$mcause', undefined, t), 8n);
    await contToEnd(dc!, t);
  });

  it('no filters: the guest takes all its traps and runs to its end without stopping', async () => {
    const stop = await launchAndConfigure(dc!, launchArgs(elf, { stopOnEntry: true }), () => setExceptionFilters(dc!, []));
    await contToEnd(dc!, stop.body.threadId!);
  });

  it('hvscope/continueToTrap stops at the next guest trap (the illegal instruction), then the next (ebreak)', async () => {
    const stop0 = await launchAndConfigure(dc!, launchArgs(elf, { stopOnEntry: true }));
    const t = stop0.body.threadId!;
    await nextStop(dc!, () => dc!.customRequest(HVSCOPE_REQUESTS.continueToTrap, { threadId: t }));
    assert.strictEqual(await evalNum(dc!, '$mcause', undefined, t), 2n);
    assert.strictEqual(frameFunction(await topFrame(dc!, t)), 'trap_entry');
    await nextStop(dc!, () => dc!.customRequest(HVSCOPE_REQUESTS.continueToTrap, { threadId: t }));
    assert.strictEqual(await evalNum(dc!, '$mcause', undefined, t), 3n);
  });

  it('vmexit-interrupt: a user\'s own hypervisor on the bare machine (h_interrupts.elf) takes an HS interrupt from V=1', async () => {
    const hInt = join(repoRoot, 'test', 'guests', 'bin', 'h_interrupts.elf');
    assert.ok(existsSync(hInt), `${hInt} is missing (committed conformance guest)`);
    const stop = await launchAndConfigure(dc!, { kernel: hInt, machine: 'bare', stopOnEntry: false }, () => setExceptionFilters(dc!, ['vmexit-interrupt']));
    assert.strictEqual(stop.body.reason, 'exception', describeStop(stop));
    const info = await exceptionInfo(dc!, stop.body.threadId!);
    assert.match(info.description ?? '', /interrupt/i, JSON.stringify(info));
  });
});
