// The adapter requests behind the page-tables panel, against the real guest test/guests/dap/vs.c:
// hvscope/translate reports the trap-value registers of a fault, and hvscope/shadowDiff compares
// the guest's table with the lazily filled shadow table (paging "shadow"; a message otherwise).
import assert from 'node:assert';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { ShadowDiffResponseBody, TranslateResponseBody } from '../../../src/protocol/requests';
import {
  GUESTS, HVSCOPE_REQUESTS, assertAtMarker, hex, launchAndConfigure, launchArgs, marker, setLineBreakpoints, startClient, stopClient,
  symbolAddress,
} from './dapHelpers';

const src = GUESTS.vs.source;
const elf = GUESTS.vs.elf;

for (const paging of ['nested', 'shadow'] as const) {
  describe(`DAP: page-tables panel requests, ${paging} paging`, function () {
    this.timeout(60_000);
    let dc: DebugClient | undefined;
    beforeEach(async () => { dc = await startClient(); });
    afterEach(async () => { await stopClient(dc); dc = undefined; });

    async function runTo(name: string): Promise<number> {
      const m = marker(src, name);
      const stop = await launchAndConfigure(dc!, launchArgs(elf, { machine: 'hypervisor', paging }), () => setLineBreakpoints(dc!, src, [{ line: m.line }]));
      const t = stop.body.threadId!;
      await assertAtMarker(dc!, t, m, `run to ${name}`);
      return t;
    }

    it('translate: the unmapped FAULT_VA names the page fault, where it goes and the registers it writes', async () => {
      const t = await runTo('fault');
      const r = (await dc!.customRequest(HVSCOPE_REQUESTS.translate, { threadId: t, address: '0x40000000', access: 'load' })).body as TranslateResponseBody;
      const f = r.fault;
      assert.ok(f, JSON.stringify(r).slice(0, 400));
      assert.strictEqual(f.kind, 'page-fault');
      assert.strictEqual(f.cause, 13);
      assert.strictEqual(f.walk, 'first');
      // Nested paging delegates guest page faults to VS (hedeleg); shadow paging takes them in HS first.
      assert.strictEqual(f.target, paging === 'nested' ? 'VS' : 'HS');
      const w = Object.fromEntries(f.writes.map((x) => [x.csr, x.value]));
      if (paging === 'nested') assert.deepStrictEqual(w, { vstval: '0x40000000' });
      else { assert.strictEqual(w.stval, '0x40000000'); assert.strictEqual(w.htval, '0x0'); }
      const ok = (await dc!.customRequest(HVSCOPE_REQUESTS.translate, { threadId: t, address: hex(symbolAddress(elf, 'main')), access: 'fetch' })).body as TranslateResponseBody;
      assert.strictEqual(ok.fault, undefined);
    });

    it(paging === 'shadow' ? 'shadowDiff: the code page is filled and in sync, nothing is stale' : 'shadowDiff: a message, no shadow tables', async () => {
      const t = await runTo('fault');
      const d = (await dc!.customRequest(HVSCOPE_REQUESTS.shadowDiff, { threadId: t })).body as ShadowDiffResponseBody;
      if (paging === 'nested') {
        assert.match(d.message ?? '', /shadow/);
        assert.deepStrictEqual(d.rows, []);
        return;
      }
      assert.strictEqual(d.message, undefined);
      assert.strictEqual(d.guestMode, 'Sv39');
      assert.ok((d.counts['in-sync'] ?? 0) + (d.counts['write-protected'] ?? 0) >= 1, JSON.stringify(d.counts));
      assert.strictEqual(d.counts.stale ?? 0, 0, JSON.stringify(d.rows.filter((r) => r.state === 'stale')).slice(0, 400));
      assert.strictEqual(d.counts['stale-permissions'] ?? 0, 0, JSON.stringify(d.rows.filter((r) => r.state === 'stale-permissions')).slice(0, 400));
      const pc = symbolAddress(elf, 'main') & ~0xfffn;
      const main = d.rows.find((r) => BigInt(r.va) === pc && r.size === '0x1000');
      assert.ok(main && (main.state === 'in-sync' || main.state === 'write-protected'), `main's page: ${JSON.stringify(main)}`);
      assert.ok((d.counts['partly-filled'] ?? 0) + (d.counts['not-filled'] ?? 0) >= 1, 'the guest gigapages are only partly shadowed');
    });
  });
}
