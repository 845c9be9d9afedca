// Toolchain-free tests of DebugInfo over the committed test/fixtures/dwarf/tiny.elf, and robustness
// against damaged sections. The fixture was built from tiny.c (next to it) in its own folder with:
//   riscv64-unknown-elf-gcc -march=rv64gc -mabi=lp64d -mcmodel=medany -g -O0 -gdwarf-5 \
//     -fasynchronous-unwind-tables -ffreestanding -nostdlib -nostartfiles -static \
//     -Wl,-Ttext=0xffffffff80000000 -Wl,-e,main -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
//     -ffile-prefix-map=$PWD=. -o tiny.elf tiny.c
// The expected values below come from objdump --dwarf=decodedline and readelf --debug-dump=frames-interp.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseElf64 } from '../../../src/elf/elf64';
import { DebugInfo } from '../../../src/dwarf';

const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'dwarf');
const bytes = new Uint8Array(readFileSync(join(FIXTURE, 'tiny.elf')));
const source = readFileSync(join(FIXTURE, 'tiny.c'), 'utf8');
const K = 0xffff_ffff_8000_0000n;

describe('dwarf/index (committed fixture, no toolchain needed)', () => {
  const elf = parseElf64(bytes);
  const dwarf = DebugInfo.fromElf(elf);

  it('loads every part without problems', () => {
    assert.equal(dwarf.hasDebugInfo(), true);
    assert.deepEqual(dwarf.problems(), []);
    assert.deepEqual(dwarf.files(), ['tiny.c']);
    assert.deepEqual(dwarf.compileUnits().map((c) => [c.name, c.compDir, c.lowPc, c.highPc]), [['tiny.c', '.', K, K + 0xdan]]);
  });

  it('maps the #BP main line to its address and back', () => {
    const line = source.split('\n').findIndex((l) => l.includes('#BP main')) + 1;
    assert.equal(line, 16);
    assert.deepEqual(dwarf.lineToAddresses('/home/someone/project/tiny.c', line), { line: 16, addresses: [K + 0xaen] });
    assert.deepEqual(dwarf.addressToLine(K + 0xc9n), { file: 'tiny.c', line: 16, column: 22 });
    // Line 1 (a comment) moves to the first line with code; line 11's loop gives one address.
    assert.deepEqual(dwarf.lineToAddresses('tiny.c', 1), { line: 4, addresses: [K] });
    assert.deepEqual(dwarf.lineToAddresses('tiny.c', 11), { line: 11, addresses: [K + 0x50n] });
    assert.equal(dwarf.addressToLine(K + 0xdan), undefined);
  });

  it('describes functions and variables', () => {
    assert.deepEqual(dwarf.functions().map((f) => [f.name, f.lowPc, f.highPc, f.declFile, f.declLine]), [
      ['main', K + 0x92n, K + 0xdan, 'tiny.c', 14],
      ['sum', K + 0x3en, K + 0x92n, 'tiny.c', 9],
      ['add', K, K + 0x3en, 'tiny.c', 4],
    ]);
    const sum = dwarf.functionAt(K + 0x50n)!;
    assert.equal(sum.name, 'sum');
    assert.deepEqual(sum.params.map((v) => [v.name, v.type.name, v.type.byteSize, v.location.kind]), [
      ['p', 'const int *', 8, 'fbreg'], ['n', 'ulong', 8, 'fbreg'],
    ]);
    assert.deepEqual(sum.locals.map((v) => [v.name, v.type.name]), [['s', 'ulong'], ['i', 'ulong']]);
    assert.deepEqual(dwarf.functionAt(K + 0x92n)!.locals.map((v) => v.type), [{ name: 'int[3]', byteSize: 12 }]);
    assert.equal(dwarf.functionAt(K + 0xdan), undefined);
  });

  it('unwinds main at a body address through .eh_frame', () => {
    // readelf: main's FDE at 0x9a: CFA sp+48, ra c-8, s0 c-16, s1 c-24.
    const row = dwarf.cfiRowAt(K + 0x9an)!;
    assert.deepEqual(row.cfa, { kind: 'regOffset', reg: 2, offset: 48 });
    const sp = K + 0x10000n;
    const mem = new Map<bigint, bigint>([[sp + 40n, K + 0x1234n], [sp + 32n, 0x77n], [sp + 24n, 0x88n]]);
    const res = dwarf.unwindStep(K + 0x9an, (n) => (n === 2 ? sp : undefined), (a) => mem.get(a))!;
    assert.deepEqual([res.pc, res.sp, res.registers.get(8), res.registers.get(9)], [K + 0x1234n, sp + 48n, 0x77n, 0x88n]);
    assert.equal(dwarf.unwindStep(K + 0x1000n, () => 0n, () => 0n), undefined, 'no CFI outside the code');
  });

  it('applies an address bias everywhere', () => {
    const biased = DebugInfo.fromElf(elf, 0x1000n);
    assert.deepEqual(biased.lineToAddresses('tiny.c', 16), { line: 16, addresses: [K + 0x10aen] });
    assert.equal(biased.functionAt(K + 0x1050n)?.name, 'sum');
    assert.deepEqual(biased.cfiRowAt(K + 0x109an)?.cfa, { kind: 'regOffset', reg: 2, offset: 48 });
  });

  it('answers empty, with reasons, for an ELF without debug sections', () => {
    const none = DebugInfo.fromSections(() => undefined);
    assert.equal(none.hasDebugInfo(), false);
    assert.deepEqual([none.files(), none.functions(), none.compileUnits()], [[], [], []]);
    assert.equal(none.addressToLine(K), undefined);
    assert.equal(none.lineToAddresses('tiny.c', 16), undefined);
    assert.equal(none.unwindStep(K, () => 0n, () => 0n), undefined);
    const problems = none.problems();
    assert.equal(problems.length, 3);
    assert.match(problems[0], /no \.debug_line/);
  });

  it('never throws on damaged sections (truncated, bit-flipped)', function () {
    this.timeout(20000);
    const names = ['.debug_line', '.debug_info', '.debug_abbrev', '.debug_str', '.debug_line_str', '.eh_frame', '.debug_rnglists'];
    let seed = 12345;
    const rand = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
    for (const target of names) {
      const orig = elf.sectionData(target);
      if (orig === undefined) continue;
      for (let trial = 0; trial < 24; trial++) {
        const damaged = trial < 8
          ? orig.slice(0, Math.floor((orig.length * trial) / 8))
          : orig.slice().map((b) => (rand() % 23 === 0 ? rand() & 0xff : b));
        const d = DebugInfo.fromSections((n) => (n === target ? damaged : elf.sectionData(n)), 0n, (n) => elf.section(n)?.addr);
        // Every query must return (possibly empty); problems() must be a list of strings.
        d.files();
        d.addressToLine(K + 0x50n);
        d.lineToAddresses('tiny.c', 16);
        for (const f of d.functions()) void f.params;
        d.functionAt(K + 0x50n);
        d.compileUnits();
        d.unwindStep(K + 0x9an, () => K, () => 0n);
        assert.ok(d.problems().every((p) => typeof p === 'string'));
      }
    }
  });
});
