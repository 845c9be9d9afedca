// Expect tests (STYLE.md, as v86 does): the generated JavaScript of a few fixed blocks is checked
// in under expect/, so a translator change shows up as a reviewable diff. Regenerate with
// UPDATE_EXPECT=1 npx mocha test/unit/jit/expect.test.ts
import assert from 'node:assert';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Asm, I, R } from '../riscv/hart/asm';
import { RAM, setX } from '../riscv/hart/harness';
import { machine } from './rig';
import { formatBlockListing } from '../../../src/jit/listing';

const dir = join(__dirname, 'expect');
const update = process.env.UPDATE_EXPECT === '1';

/** Runs `a` until its first block is translated and returns that block's listing. */
function listingOf(a: Asm, setup?: (h: import('../../../src/riscv/hart/hart').Hart) => void): string {
  const m = machine('jit');
  m.loadPhys(a.base, a.bytes());
  setup?.(m.harts[0]);
  m.harts[0].run(5000);
  const b = m.jit!.blocks().find((x) => x.start === BigInt(a.addr('block')));
  assert.ok(b, 'the block was not translated');
  // Execution counts depend on timing of translation; the listing's shape is what is reviewed.
  return formatBlockListing({ ...b, executions: 0 });
}

function check(name: string, text: string): void {
  const file = join(dir, `${name}.txt`);
  if (update || !existsSync(file)) {
    writeFileSync(file, text);
    if (!update) assert.fail(`${file} did not exist; written now, review it and run again`);
    return;
  }
  assert.strictEqual(text, readFileSync(file, 'utf8'), `generated code of ${name} changed; review the diff and regenerate with UPDATE_EXPECT=1`);
}

describe('jit: generated code (expect files)', () => {
  it('arithmetic loop with a carry, constant shifts and a backward branch', () => {
    const a = new Asm(RAM);
    a.emit(I.addi(R.t6, 0, 100));
    a.label('block').emit(I.add(R.a0, R.a0, R.a1), I.slli(R.a2, R.a0, 32), I.slli(R.a3, R.a0, 0), I.addi(R.t6, R.t6, -1));
    a.bne(R.t6, 0, 'block');
    a.halt();
    check('arith-loop', listingOf(a));
  });

  it('loads and stores through the inlined TLB fast path', () => {
    const a = new Asm(RAM);
    a.emit(I.addi(R.t6, 0, 100));
    a.label('block').emit(I.ld(R.a0, R.s2, 8), I.sw(R.a0, R.s2, 16), I.lb(R.a1, R.s2, 3), I.addi(R.t6, R.t6, -1));
    a.bne(R.t6, 0, 'block');
    a.halt();
    check('load-store', listingOf(a, (h) => setX(h, R.s2, RAM + 0x8000)));
  });

  it('a CSR read as a call to the interpreter\'s semantics, and an indirect jump', () => {
    const a = new Asm(RAM);
    a.emit(I.addi(R.t6, 0, 100));
    a.label('loop').jal(R.ra, 'block');
    a.emit(I.addi(R.t6, R.t6, -1));
    a.bne(R.t6, 0, 'loop');
    a.halt();
    a.label('block').emit(I.csrr(R.a0, 0xb02), I.jalr(0, R.ra, 0));
    check('helper-indirect', listingOf(a));
  });
});
