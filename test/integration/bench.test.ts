// The shared benchmark guest (../shared/bench) on the bare machine: `hvscope run --bare --kernel`
// bench.elf (M-mode), bench-S.elf (S-mode, Sv39 4 KiB pages, PMP) and bench-VS.elf (VS-mode,
// two-stage translation) must print RESULT PASS with
// exactly the per-kernel instruction counts of ../shared/bench/README.md (its "Kernels" table, kept in
// test/fixtures/bench-expected.json, which scripts/bench.mjs reads too). Each is ~2.2e9 instructions:
// about a minute at today's ~40 MIPS, hence the 10-minute timeout per guest.
import assert from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hvscopeBin, missingHvscope, repoRoot, runToExit } from './guestProcess';

const prebuilt = resolve(repoRoot, '..', 'shared', 'bench', 'prebuilt');
const TIMEOUT_MS = 10 * 60_000;

interface ExpectedSet { kernels: Record<string, number>; elves: string[]; totalProgramElf?: string; totalProgram?: number; totalProgramTolerance?: number }
const expected = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'bench-expected.json'), 'utf8')) as
  { source: string; scale10: ExpectedSet; scale1: ExpectedSet };

/** `kernel NAME reps=N instret=N ...` lines of the guest's report. */
function kernelCounts(out: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of out.matchAll(/^kernel\s+(\w+)\s+reps=\s*\d+\s+instret=\s*(\d+)/gm)) m.set(x[1], Number(x[2]));
  return m;
}

describe('integration: shared benchmark guest, exact instruction counts (bare machine)', function () {
  this.timeout(TIMEOUT_MS + 30_000);

  before(function () {
    if (!existsSync(prebuilt)) {
      console.log(`    SKIP: ${prebuilt} is missing: the shared benchmark binaries (../shared/bench/prebuilt) are needed`);
      this.skip();
    }
    const why = missingHvscope();
    if (why) assert.fail(`hvscope CLI not built: ${why}`);
  });

  it('the expected table is the README\'s (8 kernels, counts as published)', () => {
    assert.deepStrictEqual(Object.keys(expected.scale10.kernels),
      ['crc32', 'sieve', 'matmul', 'listwalk', 'tlbmiss', 'memcpy', 'mul64', 'dispatch']);
    // Spot checks against the README's table, so a mangled fixture fails here and not as a guest bug.
    assert.strictEqual(expected.scale10.kernels.sieve, 365_422_571);
    assert.strictEqual(expected.scale10.kernels.tlbmiss, 30_151_631);
  });

  // M, S, and VS (Sv39 over Sv39x4 through the hart's H extension): the counts are the same in all three.
  for (const name of expected.scale10.elves) {
    it(`${name}: RESULT PASS with exactly the README's per-kernel instret`, async function () {
      const elf = join(prebuilt, name);
      if (!existsSync(elf)) { console.log(`    SKIP: ${elf} is missing`); this.skip(); }
      const r = await runToExit('node', [hvscopeBin, 'run', '--bare', '--kernel', elf], TIMEOUT_MS);
      const tail = r.stdout.split('\n').slice(-15).join('\n');
      assert.strictEqual(r.timedOut, false, `${name} timed out after ${TIMEOUT_MS} ms; output tail:\n${tail}`);
      assert.match(r.stdout, /^RESULT PASS\s*$/m, `no RESULT PASS; output tail:\n${tail}\nstderr:\n${r.stderr.slice(0, 2000)}`);
      assert.strictEqual(r.code, 0, `exit status; stderr:\n${r.stderr.slice(0, 2000)}`);
      const got = kernelCounts(r.stdout);
      const want = new Map(Object.entries(expected.scale10.kernels));
      assert.deepStrictEqual(got, want, `per-kernel instret differs from ${expected.source}`);
      // The README gives bench.elf's total as 2,208,289,0xx (the number of UART polls varies it a
      // little); S and VS mode add their page-table setup, so it holds for M mode only.
      const { totalProgramElf, totalProgram, totalProgramTolerance } = expected.scale10;
      if (name === totalProgramElf) {
        const total = Number(/^total program\s+instret=\s*(\d+)/m.exec(r.stdout)?.[1]);
        assert.ok(Math.abs(total - totalProgram!) <= totalProgramTolerance!,
          `total program instret=${total}, README: 2,208,289,0xx (tolerance ${totalProgramTolerance})`);
      }
    });
  }
});
