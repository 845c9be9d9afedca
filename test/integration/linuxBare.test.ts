// Real guest on the bare machine: Debian OpenSBI (M-mode) boots Debian's riscv64 Linux (S-mode) with
// the busybox initramfs on two harts; /init prints BOOT-OK with the hart count Linux brought up and
// powers off through OpenSBI (SiFive test device), so the process exits with status 0. This is the
// SMP check of the machine: OpenSBI's HSM, IPIs through the CLINT, Sstc timers, the PLIC and UART.
import assert from 'node:assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { guestsDir, hvscopeBin, missingHvscope, runToExit } from './guestProcess';

const fwJump = join(guestsDir, 'opensbi', 'fw_jump.elf');
const image = join(guestsDir, 'linux', 'Image');
const initrd = join(guestsDir, 'linux', 'initrd.gz');
const TIMEOUT_MS = 10 * 60_000;

describe('integration: OpenSBI + Linux + busybox (bare machine, 2 harts)', function () {
  this.timeout(TIMEOUT_MS + 30_000);

  it('boots to /init (BOOT-OK, harts=2) and powers off with status 0', async function () {
    const missing = [fwJump, image, initrd].filter((f) => !existsSync(f));
    if (missing.length) {
      console.log(`      SKIPPED: guest files missing (run scripts/get-guests.sh): ${missing.join(', ')}`);
      this.skip();
    }
    const noCli = missingHvscope();
    if (noCli) assert.fail(noCli);
    const r = await runToExit('node', [hvscopeBin, 'run', '--bare', '--harts', '2', '--memory', '512M', '--bios', fwJump,
      '--kernel', image, '--initrd', initrd, '--append', 'console=ttyS0'], TIMEOUT_MS);
    const tail = r.stdout.slice(-3000);
    assert.strictEqual(r.timedOut, false, `timed out; output tail:\n${tail}`);
    assert.match(r.stdout, /smp: Brought up 1 node, 2 CPUs/, `Linux did not bring up both harts; tail:\n${tail}`);
    assert.match(r.stdout, /BOOT-OK \S+ harts=2/, `no BOOT-OK line; tail:\n${tail}`);
    assert.strictEqual(r.code, 0, `exit status; stderr:\n${r.stderr}`);
  });
});
