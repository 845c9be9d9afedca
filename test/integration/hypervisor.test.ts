// Real guests under the embedded hypervisor (issue "The hypervisor", must-show 1, 2 and 5): Debian's
// riscv64 Linux with the busybox initramfs boots in VS-mode to /init (BOOT-OK with the hart count),
// in nested and in shadow paging, with one and two vCPUs, and powers off through SBI SRST (exit 0);
// the interactive initramfs answers a command typed on stdin; Debian's S-mode U-Boot reaches its
// prompt as a guest in both modes; a panic and --max-insns end the run with a non-zero status.
import assert from 'node:assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GuestSession, guestsDir, hvscopeBin, missingHvscope, runToExit } from './guestProcess';
import { driveUboot } from './uboot.test';

const image = join(guestsDir, 'linux', 'Image');
const initrd = join(guestsDir, 'linux', 'initrd.gz');
const initrdShell = join(guestsDir, 'linux', 'initrd-shell.gz');
const uboot = join(guestsDir, 'u-boot', 'u-boot-smode.bin');
const TIMEOUT_MS = 10 * 60_000;

function linuxArgs(paging: string, vcpus: number, rd = initrd, append = 'console=ttyS0'): string[] {
  return [hvscopeBin, 'run', '--kernel', image, '--initrd', rd, '--append', append, '--paging', paging, '--vcpus', String(vcpus), '--exits'];
}

describe('integration: guests under the embedded hypervisor', function () {
  this.timeout(TIMEOUT_MS + 60_000);

  before(function () {
    const missing = [image, initrd, initrdShell, uboot].filter((f) => !existsSync(f));
    if (missing.length) {
      console.log(`    SKIP: guest files missing (run scripts/get-guests.sh): ${missing.join(', ')}`);
      this.skip();
    }
    const noCli = missingHvscope();
    if (noCli) assert.fail(noCli);
  });

  for (const paging of ['nested', 'shadow']) {
    for (const vcpus of [1, 2]) {
      it(`Linux, ${paging} paging, ${vcpus} vCPU${vcpus > 1 ? 's' : ''}: BOOT-OK harts=${vcpus}, SRST power-off, exit 0`, async () => {
        const r = await runToExit('node', linuxArgs(paging, vcpus), TIMEOUT_MS);
        const tail = r.stdout.slice(-2500);
        assert.strictEqual(r.timedOut, false, `timed out; tail:\n${tail}`);
        assert.match(r.stdout, new RegExp(`BOOT-OK \\S+ harts=${vcpus}`), `no BOOT-OK; tail:\n${tail}\nstderr:\n${r.stderr}`);
        assert.strictEqual(r.code, 0, `exit status; stderr:\n${r.stderr}`);
        // The exit summary (--exits) shows the SRST call that powered the guest off and, in
        // shadow mode, the hidden page faults that filled the shadow tables.
        assert.match(r.stderr, /sbi SRST\.system_reset/);
        if (paging === 'shadow') assert.match(r.stderr, /shadow-page-fault/);
        else assert.doesNotMatch(r.stderr, /shadow-page-fault/);
      });
    }
  }

  it('the interactive initramfs answers a command typed on stdin', async () => {
    const s = new GuestSession('node', linuxArgs('nested', 1, initrdShell));
    try {
      // busybox's ash prints "~ # " and then asks for the cursor position (ESC [6n).
      await s.waitFor(/BOOT-OK[\s\S]*# (\x1b\[6n)?$/, TIMEOUT_MS);
      const from = s.mark();
      s.type('echo answer=$((6*7))\n');
      await s.waitFor(/answer=42/, 60_000, from);
      s.type('poweroff -f\n');
      const r = await s.exited(60_000);
      assert.strictEqual(r.code, 0, `exit status; stderr:\n${s.stderr}`);
    } finally {
      s.kill();
    }
  });

  for (const paging of ['nested', 'shadow']) {
    it(`U-Boot (S-mode build) as a guest, ${paging} paging: prompt, version, poweroff`, async () => {
      const v = await driveUboot('node', [hvscopeBin, 'run', '--paging', paging, '--kernel', uboot], TIMEOUT_MS);
      assert.match(v, /U-Boot \d{4}\.\d{2}/);
    });
  }

  it('a guest kernel panic ends the run with status 2 and says so', async () => {
    const r = await runToExit('node', linuxArgs('nested', 1, initrd, 'console=ttyS0 rdinit=/does-not-exist init=/does-not-exist'), TIMEOUT_MS);
    assert.match(r.stdout, /Kernel panic - not syncing/);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /the guest kernel panicked/);
  });

  it('--max-insns ends a guest run with status 4', async () => {
    const r = await runToExit('node', [...linuxArgs('nested', 1), '--max-insns', '2000000'], 120_000);
    assert.strictEqual(r.code, 4);
    assert.match(r.stderr, /stopped after 2000000 instructions \(--max-insns\)/);
  });
});
