// DAP scenario on a real guest (issue "The debug adapter", must-show 3): Debian's riscv64 Linux with
// the busybox initramfs under the embedded hypervisor. Stops on the first SBI call exit
// (vmexit-sbi), then on the first guest page fault taken from user space (page-fault filter with a
// condition on the guest privilege at the trap), and reads the faulting task's page-table walk
// with the translate custom request. Needs ~/.cache/hvscope-guests/linux (scripts/get-guests.sh):
// skips loudly without it. Boot to user space takes ~40 s here: generous timeouts.
import assert from 'node:assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { TranslateResponseBody } from '../../../src/protocol/requests';
import { guestsDir } from '../guestProcess';
import {
  HVSCOPE_REQUESTS, type DebugProtocol, describeStop, evalNum, exceptionInfo, hex, launchAndConfigure, nextStop, parseNum, pcOf,
  requireAdapter, setExceptionFilters, startClient, stopClient,
} from './dapHelpers';

const image = join(guestsDir, 'linux', 'Image');
const initrd = join(guestsDir, 'linux', 'initrd.gz');
const BOOT_TIMEOUT_MS = 5 * 60_000;

/**
 * The condition for "taken from user space": the trap variables are $cause and $tval, and `$priv`
 * is the privilege now (the handler's), so the source privilege is read from the guest's
 * sstatus.SPP (bit 8, 0 = from U) at trap entry; user addresses are the lower half of Sv39.
 */
const FROM_USER = '($sstatus & 0x100) == 0 && $tval < 0x4000000000';

describe('DAP: Linux under the embedded hypervisor', function () {
  this.timeout(BOOT_TIMEOUT_MS + 60_000);
  let dc: DebugClient | undefined;

  before(function () {
    const missing = [image, initrd].filter((f) => !existsSync(f));
    if (missing.length) {
      console.log(`    SKIP: Linux guest files missing (run scripts/get-guests.sh): ${missing.join(', ')}`);
      this.skip();
    }
    requireAdapter();
  });

  afterEach(async () => { await stopClient(dc); dc = undefined; });

  for (const paging of ['nested', 'shadow'] as const) {
    it(`${paging}: first SBI exit, first user-space page fault, its page-table walk`, async () => {
      dc = await startClient();
      dc.defaultTimeout = BOOT_TIMEOUT_MS;
      const args = { kernel: image, initrd, bootargs: 'console=ttyS0', machine: 'hypervisor', paging, memory: '256M', vcpus: 1, stopOnEntry: false };
      const stop = await launchAndConfigure(dc, args, () => setExceptionFilters(dc!, ['vmexit-sbi']));
      assert.strictEqual(stop.body.reason, 'exception', describeStop(stop));
      const t = stop.body.threadId!;
      const info = await exceptionInfo(dc, t);
      assert.match(`${info.exceptionId} ${info.description ?? ''}`, /sbi/i, JSON.stringify(info));
      // Linux's first SBI call is sbi_get_spec_version (BASE, fid 0) from its SBI probing.
      assert.strictEqual(await evalNum(dc, '$ext', undefined, t), 0x10n, 'BASE extension first');
      assert.ok((await pcOf(dc, t)) >= 0x80200000n, 'the first exit comes from the kernel image (physical addresses, before the MMU is on)');

      // Now the first page fault from user space (busybox /init or its children).
      await setExceptionFilters(dc, [{ filterId: 'page-fault', condition: FROM_USER }]);
      const t0 = Date.now();
      const pf = await nextStop(dc, () => dc!.continueRequest({ threadId: t }), BOOT_TIMEOUT_MS);
      console.log(`      ${paging}: first user page fault after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      assert.strictEqual(pf.body.reason, 'exception', describeStop(pf));
      const pfInfo = await exceptionInfo(dc, pf.body.threadId!);
      assert.match(pfInfo.description ?? '', /page fault/i, JSON.stringify(pfInfo));
      assert.strictEqual((await evalNum(dc, '$sstatus', undefined, pf.body.threadId!)) & 0x100n, 0n, 'sstatus.SPP = U: taken from user space');
      assert.match(JSON.stringify(pfInfo.details ?? ''), /U-mode/, 'exceptionInfo says where the trap came from');
      const scause = await evalNum(dc, '$scause', undefined, pf.body.threadId!);
      assert.ok([12n, 13n, 15n].includes(scause), `scause ${scause}`);
      const stval = await evalNum(dc, '$stval', undefined, pf.body.threadId!);
      assert.ok(stval < 0x4000000000n, `a user-space address (below the Sv39 kernel half): ${hex(stval)}`);
      // The stop is in the kernel's trap vector (stvec), in the kernel's virtual addresses.
      assert.ok((await pcOf(dc, pf.body.threadId!)) >= 0xffffffc000000000n, 'the trap entered the kernel');

      // The faulting task's page-table walk: satp still holds the task's table at trap entry.
      const walk = (await dc.customRequest(HVSCOPE_REQUESTS.translate, { threadId: pf.body.threadId, address: hex(stval), access: scause === 12n ? 'fetch' : scause === 13n ? 'load' : 'store' })).body as TranslateResponseBody;
      // Linux takes the largest mode the hart offers; the guest's device tree says riscv,sv57
      // (src/machine/hypervisorBoot.ts), so a 5-level table is expected, and any Sv39/48/57 is legal.
      assert.match(walk.first.mode, /^Sv(39|48|57)$/, JSON.stringify(walk).slice(0, 600));
      if (paging === 'nested') {
        // With nested paging the guest owns vsatp, shown as $satp: the walk uses its MODE.
        const satpMode = Number((await evalNum(dc, '$satp', undefined, pf.body.threadId!)) >> 60n);
        assert.strictEqual(walk.first.mode, ({ 8: 'Sv39', 9: 'Sv48', 10: 'Sv57' } as Record<number, string>)[satpMode], `satp.MODE ${satpMode}`);
      }
      assert.ok(walk.first.steps.length >= 1, 'at least the root PTE was read');
      assert.match(walk.outcome, /fault|ok/i);
      if (paging === 'nested') {
        assert.strictEqual(walk.twoStage, true);
        assert.ok(walk.first.steps.every((s) => s.gWalk), 'each VS-stage PTE read is a G-stage walk');
      }
      // The same walk for the faulting pc of the user task (sepc): user code is mapped.
      const sepc = await evalNum(dc, '$sepc', undefined, pf.body.threadId!);
      const code = (await dc.customRequest(HVSCOPE_REQUESTS.translate, { threadId: pf.body.threadId, address: hex(sepc), access: 'fetch' })).body as TranslateResponseBody;
      if (scause !== 12n) assert.ok(code.pa && parseNum(code.pa) > 0n, `the user pc ${hex(sepc)} translates: ${code.outcome}`);
      const terminated = dc.waitForEvent('terminated', 30_000) as Promise<DebugProtocol.Event>;
      await dc.terminateRequest({});
      await terminated;
    });
  }
});
