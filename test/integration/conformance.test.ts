// Conformance (ARCHITECTURE.md §9): every guest program in test/guests/bin runs under QEMU (the
// reference) and under hvscope; their UART outputs must be identical and their exit codes agree.
// Both run live, no cached reference output. QEMU runs with -icount shift=0 so that minstret and
// mcycle count instructions exactly (the guests print exact minstret differences).
import assert from 'node:assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { firstDifference, hvscopeBin, missingHvscope, missingTool, qemuBin, repoRoot, runToExit, type RunResult } from './guestProcess';

const binDir = join(repoRoot, 'test', 'guests', 'bin');
const QEMU_TIMEOUT_MS = 20_000;
const HVSCOPE_TIMEOUT_MS = 120_000;

// Programs named h_* exercise the hypervisor extension, which QEMU 7.2 enables only with
// `-cpu rv64,h=true`; every other program keeps QEMU's default CPU (hvscope advertises H always).
// hvscope's hart always implements H, so QEMU runs with it too (the programs that do not use H print
// the same either way).
export const qemuArgs = (elf: string): string[] =>
  ['-machine', 'virt', '-cpu', 'rv64,h=true', '-nographic', '-bios', 'none', '-icount', 'shift=0', '-kernel', elf];
export const hvscopeArgs = (elf: string): string[] => [hvscopeBin, 'run', '--bare', '--kernel', elf];

function describeRun(who: string, r: RunResult, timeoutMs: number): string {
  if (r.timedOut) return `${who} timed out after ${timeoutMs} ms (killed)`;
  if (r.code === null) return `${who} killed by ${r.signal}`;
  return `${who} exited with ${r.code}`;
}

const elves = readdirSync(binDir).filter((f) => f.endsWith('.elf')).sort();

describe('conformance: guest programs, hvscope vs QEMU', function () {
  this.timeout(QEMU_TIMEOUT_MS + HVSCOPE_TIMEOUT_MS + 10_000);

  it('has guest programs', () => assert.ok(elves.length >= 10, `only ${elves.length} programs in ${binDir}`));

  for (const name of elves) {
    const elf = join(binDir, name);
    it(name, async function () {
      const noQemu = missingTool(qemuBin);
      if (noQemu) {
        console.log(`    SKIP ${name}: ${noQemu}; install qemu-system-misc to run the conformance suite`);
        this.skip();
      }
      const noHvscope = missingHvscope();
      if (noHvscope) assert.fail(`hvscope CLI not built: ${noHvscope}`);
      const [ref, got] = await Promise.all([
        runToExit(qemuBin, qemuArgs(elf), QEMU_TIMEOUT_MS),
        runToExit('node', hvscopeArgs(elf), HVSCOPE_TIMEOUT_MS),
      ]);
      // The reference must itself be sane, else the comparison means nothing.
      assert.ok(!ref.timedOut && ref.code !== null, `${describeRun('QEMU', ref, QEMU_TIMEOUT_MS)}\n${ref.stderr}`);
      assert.ok(ref.stdout.length > 0, `QEMU printed nothing for ${name}`);
      const diff = firstDifference(ref.stdout, got.stdout);
      if (diff !== undefined) {
        assert.fail(`output differs for ${name} (${describeRun('hvscope', got, HVSCOPE_TIMEOUT_MS)}):\n${diff}` +
          (got.stderr ? `\nhvscope stderr:\n${got.stderr.slice(0, 2000)}` : ''));
      }
      assert.strictEqual(got.code, ref.code, `exit codes differ for ${name}: QEMU ${ref.code}, ${describeRun('hvscope', got, HVSCOPE_TIMEOUT_MS)}\n${got.stderr.slice(0, 2000)}`);
    });
  }
});
