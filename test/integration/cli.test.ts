// The CLI's contract with the user (issue "The RV64GC machine", The CLI): clear errors and exit
// statuses for bad options and files, for a guest that runs wild, for --max-insns, and HTIF.
import assert from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hvscopeBin, missingHvscope, repoRoot, runToExit } from './guestProcess';

const misc = join(repoRoot, 'test', 'guests', 'misc');
const run = (...args: string[]) => runToExit('node', [hvscopeBin, 'run', ...args], 60_000);

describe('integration: hvscope CLI', function () {
  this.timeout(120_000);
  before(function () {
    const missing = missingHvscope();
    if (missing) assert.fail(missing);
  });

  it('a missing kernel file: exit 1 and a message naming the option and the file', async () => {
    const r = await run('--bare', '--kernel', '/nonexistent/guest.elf');
    assert.strictEqual(r.code, 1);
    assert.match(r.stderr, /--kernel: file not found: \/nonexistent\/guest\.elf/);
  });

  it('a corrupt ELF: exit 1 and a message that says what is wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hvscope-cli-'));
    const bad = join(dir, 'bad.elf');
    writeFileSync(bad, Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(20, 0xff)]));
    const r = await run('--bare', '--kernel', bad);
    assert.strictEqual(r.code, 1);
    assert.match(r.stderr, /hvscope: .*(truncated|ELF)/i);
    assert.doesNotMatch(r.stderr, /internal error/);
  });

  it('an unknown option: exit 1 and the usage', async () => {
    const r = await run('--bare', '--kernel', join(misc, 'htif.elf'), '--frobnicate');
    assert.strictEqual(r.code, 1);
    assert.match(r.stderr, /unknown option '--frobnicate'/);
    assert.match(r.stderr, /usage: hvscope run/);
  });

  it('a guest stuck in a trap loop: exit 3 naming the hart, the cause and the pc', async () => {
    const r = await run('--bare', '--kernel', join(misc, 'trapLoop.elf'));
    assert.strictEqual(r.code, 3);
    assert.match(r.stderr, /hart 0 is stuck in a trap loop: instruction access fault at pc 0x300000/);
  });

  it('--max-insns stops a guest that never finishes: exit 4', async () => {
    // Without --htif nobody answers tohost, so the guest polls forever.
    const r = await run('--bare', '--kernel', join(misc, 'htif.elf'), '--max-insns', '100000');
    assert.strictEqual(r.code, 4);
    assert.match(r.stderr, /stopped after 100000 instructions \(--max-insns\)/);
  });

  it('--htif: tohost putchar reaches stdout and the exit code reaches the process', async () => {
    const r = await run('--bare', '--htif', '--kernel', join(misc, 'htif.elf'));
    assert.strictEqual(r.stdout, 'hi');
    assert.strictEqual(r.code, 7);
  });

  it('the bundled example guest (npm run demo) prints its banner and powers off with 0', async () => {
    const r = await run('--bare', '--kernel', join(repoRoot, 'examples', 'hello', 'hello.elf'));
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /hvscope/i);
  });
});
