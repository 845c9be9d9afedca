// Lockstep (issue 7): every conformance guest runs under `hvscope run --lockstep`, an interpreter
// machine and a translator machine side by side compared after every quantum (pc, x, f, retired,
// privilege, stop cause, console output); any divergence exits 6 with a report. Then the engines'
// separate runs must print the same console output.
import assert from 'node:assert';
import { readdirSync } from 'node:fs';
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
