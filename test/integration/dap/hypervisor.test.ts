// DAP scenarios under the embedded hypervisor (issue "The debug adapter", must-show 1–2), in both
// paging modes where behaviour differs: VM-exit filters (SBI with a `$ext` condition, guest-page
// fault on MMIO — nested only: shadow paging has no G stage —, virtual instruction, WFI), guest trap
// filters (page fault: the hidden shadow faults must not fire it; illegal instruction, interrupt),
// data breakpoints, the page-table and translate custom requests, and the custom continues
// (to the next VM exit, to guest re-entry, to the next guest trap). Guest: test/guests/dap/vs.c.
import assert from 'node:assert';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { PageTableResponseBody, TranslateResponseBody } from '../../../src/protocol/requests';
import {
  GUESTS, HVSCOPE_REQUESTS, assertAtMarker, cont, contToEnd, describeStop, evalNum, exceptionInfo, frameFunction, frames, hex,
  launchAndConfigure, launchArgs, marker, nextStop, parseNum, pcOf, setExceptionFilters, setLineBreakpoints, startClient, stopClient,
  symbolAddress, topFrame,
} from './dapHelpers';

const src = GUESTS.vs.source;
const elf = GUESTS.vs.elf;
const SBI_DBCN = 0x4442434en;
const SBI_TIME = 0x54494d45n;
const IRQ = 1n << 63n;

for (const paging of ['nested', 'shadow'] as const) {
  describe(`DAP: embedded hypervisor, ${paging} paging`, function () {
    this.timeout(60_000);
    let dc: DebugClient | undefined;
    const args = (extra: Record<string, unknown> = {}): Record<string, unknown> => launchArgs(elf, { machine: 'hypervisor', paging, ...extra });

    beforeEach(async () => { dc = await startClient(); });
    afterEach(async () => { await stopClient(dc); dc = undefined; });

    async function runTo(name: string): Promise<number> {
      const m = marker(src, name);
      const stop = await launchAndConfigure(dc!, args(), () => setLineBreakpoints(dc!, src, [{ line: m.line }]));
      const t = stop.body.threadId!;
      await assertAtMarker(dc!, t, m, `run to ${name}`);
      await setLineBreakpoints(dc!, src, []);
      return t;
    }

    it('stop on entry: VS-mode at 0x80200000 with a0 = hart id 0, a1 = the FDT', async () => {
      const stop = await launchAndConfigure(dc!, args({ stopOnEntry: true }));
      assert.strictEqual(stop.body.reason, 'entry', describeStop(stop));
      const t = stop.body.threadId!;
      assert.strictEqual(await pcOf(dc!, t), 0x80200000n);
      assert.strictEqual(await evalNum(dc!, '$a0', undefined, t), 0n);
      assert.notStrictEqual(await evalNum(dc!, '$a1', undefined, t), 0n);
      const f = await topFrame(dc!, t);
      const scopes = (await dc!.scopesRequest({ frameId: f.id })).body.scopes.map((s) => s.name);
      assert.ok(scopes.some((n) => /hypervisor/i.test(n)), `a Hypervisor scope: ${scopes.join(', ')}`);
    });

    it('a source breakpoint and a three-frame stack trace in the guest', async () => {
      const t = await runTo('level3');
      const fs = await frames(dc!, t);
      assert.deepStrictEqual(fs.slice(0, 4).map((f) => `${frameFunction(f)}:${f.line}`),
        [`level3:${marker(src, 'level3').line}`, `level2:${marker(src, 'level2').line}`, `level1:${marker(src, 'level1').line}`, `main:${marker(src, 'loop').line}`]);
    });

    it('vmexit-sbi with `$ext == 0x4442434E`: stops at the DBCN console write, $ext and $fid visible', async () => {
      const stop = await launchAndConfigure(dc!, args(), () => setExceptionFilters(dc!, [{ filterId: 'vmexit-sbi', condition: '$ext == 0x4442434E' }]));
      assert.strictEqual(stop.body.reason, 'exception', describeStop(stop));
      const t = stop.body.threadId!;
      assert.strictEqual(frameFunction(await topFrame(dc!, t)), 'sbi_call');
      assert.strictEqual(await evalNum(dc!, '$ext', undefined, t), SBI_DBCN);
      assert.strictEqual(await evalNum(dc!, '$fid', undefined, t), 0n);
      assert.strictEqual(await evalNum(dc!, '$a7', undefined, t), SBI_DBCN);
      const info = await exceptionInfo(dc!, t);
      assert.match(`${info.exceptionId} ${info.description ?? ''}`, /sbi/i, JSON.stringify(info));
      assert.match(info.description ?? '', /DBCN|console/i, JSON.stringify(info));
      // The caller is dbcn_puts from main's first line.
      const fs = await frames(dc!, t);
      assert.strictEqual(frameFunction(fs[1]), 'dbcn_puts');
      assert.strictEqual(fs[2].line, marker(src, 'main').line);
      // The condition holds only for DBCN: the next stop is the second DBCN call (the end of main), not TIME or SRST.
      await cont(dc!, t);
      assert.strictEqual(await evalNum(dc!, '$ext', undefined, t), SBI_DBCN);
      assert.strictEqual((await frames(dc!, t))[2].line, marker(src, 'done').line);
      await contToEnd(dc!, t);
    });

    it('vmexit-sbi with `$ext == 0x54494D45`: the first stop is set_timer (TIME)', async () => {
      const stop = await launchAndConfigure(dc!, args(), () => setExceptionFilters(dc!, [{ filterId: 'vmexit-sbi', condition: '$ext == 0x54494D45' }]));
      const t = stop.body.threadId!;
      assert.strictEqual(await evalNum(dc!, '$ext', undefined, t), SBI_TIME);
      assert.match((await exceptionInfo(dc!, t)).description ?? '', /TIME|set_timer/i);
      assert.strictEqual(frameFunction((await frames(dc!, t))[1]), 'sbi_set_timer');
    });

    if (paging === 'nested') {
      it('vmexit-guest-page-fault: the first UART access (MMIO) exits; exceptionInfo names the GPA', async () => {
        const stop = await launchAndConfigure(dc!, args(), () => setExceptionFilters(dc!, ['vmexit-guest-page-fault']));
        assert.strictEqual(stop.body.reason, 'exception', describeStop(stop));
        const t = stop.body.threadId!;
        assert.strictEqual(frameFunction(await topFrame(dc!, t)), 'uart_puts');
        const info = await exceptionInfo(dc!, t);
        assert.strictEqual(info.exceptionId, 'vmexit-guest-page-fault');
        assert.match(info.description ?? '', /guest-page fault|mmio/i, JSON.stringify(info));
        assert.match(JSON.stringify(info), /0x0*10000005|0x0*10000000/i, 'the faulting GPA (UART LSR or THR)');
      });
    } else {
      it('vmexit-guest-page-fault in shadow paging fires on the hidden page faults that fill the shadow table (first: the entry fetch)', async () => {
        const stop = await launchAndConfigure(dc!, args(), () => setExceptionFilters(dc!, ['vmexit-guest-page-fault']));
        assert.strictEqual(stop.body.reason, 'exception', describeStop(stop));
        const t = stop.body.threadId!;
        assert.strictEqual(await pcOf(dc!, t), 0x80200000n, 'the first instruction fetch misses in the empty shadow table');
        assert.match((await exceptionInfo(dc!, t)).description ?? '', /page.fault/i);
      });
    }

    it('vmexit-virtual-instruction: the hgatp read from VS-mode exits first' + (paging === 'shadow' ? ', then the satp write (VTVM)' : ', and nothing else does'), async () => {
      const stop = await launchAndConfigure(dc!, args(), () => setExceptionFilters(dc!, ['vmexit-virtual-instruction']));
      const t = stop.body.threadId!;
      await assertAtMarker(dc!, t, marker(src, 'vinsn'));
      assert.match((await exceptionInfo(dc!, t)).description ?? '', /virtual instruction/i);
      if (paging === 'shadow') {
        await cont(dc!, t);
        await assertAtMarker(dc!, t, marker(src, 'satp'));
        assert.match((await exceptionInfo(dc!, t)).description ?? '', /satp|virtual instruction/i);
        await setExceptionFilters(dc!, []);
      }
      await contToEnd(dc!, t);
    });

    it('vmexit-wfi: stops at the guest\'s WFI while it waits for the SBI timer', async () => {
      const stop = await launchAndConfigure(dc!, args(), () => setExceptionFilters(dc!, ['vmexit-wfi']));
      const t = stop.body.threadId!;
      await assertAtMarker(dc!, t, marker(src, 'wfi'));
      assert.match((await exceptionInfo(dc!, t)).description ?? '', /wfi/i);
    });

    it('page-fault (guest trap): only the guest\'s own fault stops (not shadow fills); scause/stval in the guest\'s view', async () => {
      const stop = await launchAndConfigure(dc!, args(), () => setExceptionFilters(dc!, ['page-fault']));
      assert.strictEqual(stop.body.reason, 'exception', describeStop(stop));
      const t = stop.body.threadId!;
      assert.strictEqual(await pcOf(dc!, t), symbolAddress(elf, 'trap_entry'), 'stopped at the guest\'s trap vector');
      assert.strictEqual(await evalNum(dc!, '$scause', undefined, t), 13n);
      assert.strictEqual(await evalNum(dc!, '$stval', undefined, t), 0x40000000n);
      assert.match((await exceptionInfo(dc!, t)).description ?? '', /load page fault/i);
      await contToEnd(dc!, t);
    });

    it('illegal-instruction (guest trap): the unimp, then the one the hypervisor injects for the hgatp read', async () => {
      const stop = await launchAndConfigure(dc!, args(), () => setExceptionFilters(dc!, ['illegal-instruction']));
      const t = stop.body.threadId!;
      assert.strictEqual(await evalNum(dc!, '$scause', undefined, t), 2n);
      assert.strictEqual(frameFunction(await topFrame(dc!, t)), 'trap_entry');
      const sepc1 = await evalNum(dc!, '$sepc', undefined, t);
      await cont(dc!, t);
      assert.strictEqual(await evalNum(dc!, '$scause', undefined, t), 2n);
      const sepc2 = await evalNum(dc!, '$sepc', undefined, t);
      assert.ok(sepc2 > sepc1, `second illegal instruction at ${hex(sepc2)} after the first at ${hex(sepc1)}`);
      await contToEnd(dc!, t);
    });

    it('interrupt (guest trap): the SBI timer arrives as a supervisor timer interrupt', async () => {
      const stop = await launchAndConfigure(dc!, args(), () => setExceptionFilters(dc!, ['interrupt']));
      const t = stop.body.threadId!;
      assert.strictEqual(await evalNum(dc!, '$scause', undefined, t), IRQ | 5n);
      assert.match((await exceptionInfo(dc!, t)).description ?? '', /supervisor timer interrupt/i);
    });

    it('data breakpoint on `watched` (write): stops after the store with the new value', async () => {
      const t = await runTo('main');
      const info = await dc!.dataBreakpointInfoRequest({ name: 'watched' });
      assert.ok(info.body.dataId, JSON.stringify(info.body));
      const set = await dc!.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
      assert.strictEqual(set.body.breakpoints[0].verified, true);
      const stop = await cont(dc!, t);
      assert.strictEqual(stop.body.reason, 'data breakpoint', describeStop(stop));
      assert.strictEqual(await evalNum(dc!, 'watched', undefined, t), 60n);
      const line = (await topFrame(dc!, t)).line;
      assert.ok([marker(src, 'watch').line, marker(src, 'after_watch').line].includes(line), `line ${line}`);
      await dc!.setDataBreakpointsRequest({ breakpoints: [] });
      await contToEnd(dc!, t);
    });

    it('data breakpoint (read) on the page-faulting address 0x40000000 after the guest maps it', async () => {
      // FAULT_VA is read once, after the handler maps it: the read stops, in main at the `fault` line.
      const t = await runTo('satp');
      const info = await dc!.dataBreakpointInfoRequest({ name: '0x40000000', asAddress: true, bytes: 4 });
      assert.ok(info.body.dataId, JSON.stringify(info.body));
      assert.ok(info.body.accessTypes?.includes('read'), JSON.stringify(info.body));
      await dc!.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'read' }] });
      const stop = await cont(dc!, t);
      assert.strictEqual(stop.body.reason, 'data breakpoint', describeStop(stop));
      const f = await topFrame(dc!, t);
      assert.strictEqual(frameFunction(f), 'main');
      assert.ok([marker(src, 'fault').line, marker(src, 'fault').line + 1].includes(f.line), `line ${f.line}`);
    });

    it('page tables: the guest\'s Sv39 table (VS stage) and the ' + (paging === 'nested' ? 'G-stage (Sv39x4)' : 'shadow') + ' table', async () => {
      const t = await runTo('fault');
      const vs = (await dc!.customRequest(HVSCOPE_REQUESTS.pageTable, { threadId: t, stage: 'vs' })).body as PageTableResponseBody;
      assert.strictEqual(vs.mode, 'Sv39', JSON.stringify(vs).slice(0, 400));
      assert.strictEqual(vs.addressSpace, 'gpa');
      const byIndex = new Map(vs.entries.map((e) => [e.index, e]));
      assert.strictEqual(byIndex.get(0)?.kind, 'leaf', 'root[0]: devices gigapage');
      assert.strictEqual(byIndex.get(2)?.kind, 'leaf', 'root[2]: RAM gigapage');
      assert.strictEqual(parseNum(byIndex.get(2)!.target!), 0x80000000n);
      assert.match(byIndex.get(2)!.flags, /R/);
      assert.match(byIndex.get(2)!.flags, /X/);
      assert.ok(byIndex.get(1) === undefined || byIndex.get(1)!.kind === 'invalid', 'root[1] (FAULT_VA) not yet mapped');
      if (paging === 'nested') {
        const g = (await dc!.customRequest(HVSCOPE_REQUESTS.pageTable, { threadId: t, stage: 'g' })).body as PageTableResponseBody;
        assert.strictEqual(g.mode, 'Sv39x4');
        assert.strictEqual(g.addressSpace, 'hpa');
        assert.ok(g.entries.some((e) => e.kind !== 'invalid'), 'the G stage maps guest RAM');
      } else {
        const sh = (await dc!.customRequest(HVSCOPE_REQUESTS.pageTable, { threadId: t, stage: 'shadow' })).body as PageTableResponseBody;
        assert.strictEqual(sh.mode, 'Sv39');
        assert.ok(sh.entries.some((e) => e.kind !== 'invalid'), 'the shadow table has been filled on demand');
        const g = (await dc!.customRequest(HVSCOPE_REQUESTS.pageTable, { threadId: t, stage: 'g' })).body as PageTableResponseBody;
        assert.ok(g.mode === 'Bare' || g.message, `shadow paging has no G stage: ${JSON.stringify(g).slice(0, 300)}`);
      }
    });

    it('translate: FAULT_VA faults before the handler maps it, translates after; a code address walks ' + (paging === 'nested' ? 'two stages' : 'the guest table'), async () => {
      const t = await runTo('fault');
      const before = (await dc!.customRequest(HVSCOPE_REQUESTS.translate, { threadId: t, address: '0x40000000', access: 'load' })).body as TranslateResponseBody;
      assert.match(before.outcome, /page fault/i, JSON.stringify(before).slice(0, 500));
      assert.strictEqual(before.pa, undefined);
      const code = (await dc!.customRequest(HVSCOPE_REQUESTS.translate, { threadId: t, address: hex(symbolAddress(elf, 'main')), access: 'fetch' })).body as TranslateResponseBody;
      assert.ok(code.pa, `main translates: ${code.outcome}`);
      assert.strictEqual(code.first.mode, 'Sv39');
      assert.ok(code.first.steps.length >= 1);
      if (paging === 'nested') {
        assert.strictEqual(code.twoStage, true);
        assert.ok(code.first.steps.every((s) => s.gWalk !== undefined), 'every VS-stage PTE fetch is itself a G-stage walk');
        assert.ok(code.final, 'the final G-stage walk of the guest-physical result');
        assert.notStrictEqual(parseNum(code.pa!), symbolAddress(elf, 'main'), 'guest RAM lives at a different host-physical range');
      }
      // Let the handler map FAULT_VA, then translate again (at the WFI, after the fault).
      await setLineBreakpoints(dc!, src, [{ line: marker(src, 'wfi').line }]);
      await cont(dc!, t);
      const after = (await dc!.customRequest(HVSCOPE_REQUESTS.translate, { threadId: t, address: '0x40000000', access: 'load' })).body as TranslateResponseBody;
      assert.ok(after.pa, `after the fault: ${after.outcome}`);
      const ram = (await dc!.customRequest(HVSCOPE_REQUESTS.translate, { threadId: t, address: '0x80000000', access: 'load' })).body as TranslateResponseBody;
      assert.strictEqual(after.pa, ram.pa, 'FAULT_VA and 0x80000000 map to the same page');
    });

    it('hvscope/continueToVmExit stops at the first exit (' + (paging === 'nested' ? 'the DBCN ecall' : 'a shadow fill at the entry') + '); continueToGuestEntry stops at re-entry after it', async () => {
      const stop0 = await launchAndConfigure(dc!, args({ stopOnEntry: true }));
      const t = stop0.body.threadId!;
      await nextStop(dc!, () => dc!.customRequest(HVSCOPE_REQUESTS.continueToVmExit, { threadId: t }));
      if (paging === 'shadow') {
        // Shadow paging: the very first exit is the hidden fault of the first fetch (empty shadow
        // table); re-entry retries the same instruction.
        assert.strictEqual(await pcOf(dc!, t), 0x80200000n);
        await nextStop(dc!, () => dc!.customRequest(HVSCOPE_REQUESTS.continueToGuestEntry, { threadId: t }));
        assert.strictEqual(await pcOf(dc!, t), 0x80200000n, 'the faulting fetch is retried');
        return;
      }
      assert.strictEqual(frameFunction(await topFrame(dc!, t)), 'sbi_call');
      const exitPc = await pcOf(dc!, t);
      assert.strictEqual(await evalNum(dc!, '$ext', undefined, t), SBI_DBCN);
      await nextStop(dc!, () => dc!.customRequest(HVSCOPE_REQUESTS.continueToGuestEntry, { threadId: t }));
      assert.strictEqual(await pcOf(dc!, t), exitPc + 4n, 'the guest resumes after the ecall');
      const n = Number(await evalNum(dc!, '$a0', undefined, t));
      assert.strictEqual(n, 0, 'SBI_SUCCESS in a0');
      // The next exits are the UART (MMIO) accesses, in uart_puts.
      await nextStop(dc!, () => dc!.customRequest(HVSCOPE_REQUESTS.continueToVmExit, { threadId: t }));
      assert.strictEqual(frameFunction(await topFrame(dc!, t)), 'uart_puts');
    });

    it('hvscope/continueToTrap stops at the guest\'s first own trap (the illegal instruction)', async () => {
      const stop0 = await launchAndConfigure(dc!, args({ stopOnEntry: true }));
      const t = stop0.body.threadId!;
      await nextStop(dc!, () => dc!.customRequest(HVSCOPE_REQUESTS.continueToTrap, { threadId: t }));
      assert.strictEqual(await pcOf(dc!, t), symbolAddress(elf, 'trap_entry'));
      assert.strictEqual(await evalNum(dc!, '$scause', undefined, t), 2n);
    });

    it('exit log: counts by reason after the run to the WFI', async () => {
      const t = await runTo('wfi');
      const log = (await dc!.customRequest(HVSCOPE_REQUESTS.exitLog, {})).body;
      assert.ok(log.total > 0);
      assert.ok(log.byReason.sbi >= 2, JSON.stringify(log.byReason));
      if (paging === 'shadow') assert.ok(log.byReason['shadow-page-fault'] > 0, JSON.stringify(log.byReason));
      else assert.strictEqual(log.byReason['shadow-page-fault'] ?? 0, 0, JSON.stringify(log.byReason));
      assert.ok(t);
    });
  });
}
