// Lockstep (issue 7): every conformance guest runs under `hvscope run --lockstep`, an interpreter
// machine and a translator machine side by side compared after every quantum (pc, x, f, retired,
// privilege, stop cause, console output); any divergence exits 6 with a report. Then the engines'
// separate runs must print the same console output.
import assert from 'node:assert';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { hvscopeBin, missingHvscope, repoRoot, runToExit } from './guestProcess';

const binDir = join(repoRoot, 'test', 'guests', 'bin');
const TIMEOUT_MS = 240_000;
const elves = readdirSync(binDir).filter((f) => f.endsWith('.elf')).sort();

describe('lockstep: interpreter and translator on the conformance guests', function () {
  this.timeout(2 * TIMEOUT_MS + 10_000);

  for (const name of elves) {
    const elf = join(binDir, name);
    it(name, async function () {
      const missing = missingHvscope();
      if (missing) assert.fail(`hvscope CLI not built: ${missing}`);
      const ls = await runToExit('node', [hvscopeBin, 'run', '--bare', '--kernel', elf, '--lockstep'], TIMEOUT_MS);
      assert.ok(!ls.timedOut, `lockstep run of ${name} timed out`);
      assert.notStrictEqual(ls.code, 6, `${name} diverged: ${ls.stderr}`);
      const [i, j] = await Promise.all([
        runToExit('node', [hvscopeBin, 'run', '--bare', '--kernel', elf, '--engine', 'interp'], TIMEOUT_MS),
        runToExit('node', [hvscopeBin, 'run', '--bare', '--kernel', elf, '--engine', 'jit'], TIMEOUT_MS),
      ]);
      assert.strictEqual(j.stdout, i.stdout, `console output differs for ${name}`);
      assert.strictEqual(j.code, i.code, `exit codes differ for ${name}`);
      assert.strictEqual(ls.stdout, j.stdout, `lockstep output differs from the jit run for ${name}`);
    });
  }
});

// The Linux guest under the embedded hypervisor, in lockstep to BOOT-OK and power-off: the
// translator retires exactly the interpreter's instructions and prints exactly its console output
// (timer interrupts, SBI calls and MMIO exits included). Nested paging: the shadow-paging path
// shares the translator code and is covered by the DAP and hypervisor suites under the jit.
describe('lockstep: the Linux guest, interpreter and translator', function () {
  const guests = process.env.HVSCOPE_GUESTS ?? join(process.env.HOME ?? '', '.cache', 'hvscope-guests');
  const image = join(guests, 'linux', 'Image'), initrd = join(guests, 'linux', 'initrd.gz');
  this.timeout(15 * 60_000);

  it('boots to BOOT-OK with identical instruction counts and console output', async function () {
    if (!existsSync(image) || !existsSync(initrd)) {
      console.log(`    SKIP: Linux guest missing in ${guests} (run scripts/get-guests.sh)`);
      this.skip();
    }
    const r = await runToExit('node', [hvscopeBin, 'run', '--kernel', image, '--initrd', initrd, '--append', 'console=ttyS0', '--lockstep'], 14 * 60_000);
    assert.ok(!r.timedOut, 'lockstep Linux boot timed out');
    assert.notStrictEqual(r.code, 6, `diverged: ${r.stderr}`);
    assert.match(r.stdout, /BOOT-OK \S+ harts=1/);
    assert.strictEqual(r.code, 0, r.stderr);
    const m = /lockstep: interp and jit identical: (\d+) and (\d+) instructions retired, (\d+) and (\d+) console bytes/.exec(r.stderr);
    assert.ok(m, `no lockstep summary: ${r.stderr}`);
    assert.strictEqual(m[1], m[2]);
    assert.strictEqual(m[3], m[4]);
    assert.ok(Number(m[1]) > 1e9, `a whole Linux boot retires over 1e9 instructions (got ${m[1]})`);
  });
});
