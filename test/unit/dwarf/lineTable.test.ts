import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseElf64 } from '../../../src/elf/elf64';
import { DebugInfo, LineTable, matchFiles, normalizePath } from '../../../src/dwarf';
import { basename, build, C_SOURCE, haveToolchain, MISSING_TOOLCHAIN, objdumpLines, VARIANTS } from './toolchain';

const ROOT = join(__dirname, '..', '..', '..');
const HELLO_ELF = join(ROOT, 'examples', 'hello', 'hello.elf');
const HELLO_C = join(ROOT, 'examples', 'hello', 'hello.c');

function markerLine(source: string, marker: string): number {
  const i = source.split('\n').findIndex((l) => l.includes(marker));
  assert.ok(i >= 0, `marker ${marker} not found`);
  return i + 1;
}

function compareWithObjdump(dwarf: DebugInfo, path: string): void {
  const lines = dwarf.lines();
  assert.ok(lines.ok, lines.ok ? '' : lines.reason);
  assert.deepEqual(lines.value.warnings, []);
  const mine = lines.value.rows();
  const ref = objdumpLines(path);
  assert.ok(ref.length > 10, 'objdump printed a line table');
  assert.equal(mine.length, ref.length, 'row count');
  for (let i = 0; i < ref.length; i++) {
    const m = mine[i], r = ref[i];
    const where = `row ${i} (objdump: ${r.file}:${r.line ?? '-'} @0x${r.address.toString(16)})`;
    assert.equal(m.address, r.address, `${where}: address`);
    assert.equal(m.endSequence, r.line === undefined, `${where}: end_sequence`);
    if (r.line === undefined) continue;
    assert.equal(m.line, r.line, `${where}: line`);
    assert.equal(basename(m.file), basename(r.file), `${where}: file`);
    assert.equal(m.isStmt, r.isStmt, `${where}: is_stmt`);
  }
}

describe('dwarf/lineTable', () => {
  describe('paths', () => {
    it('normalizes . and .. segments, keeping relative paths relative', () => {
      assert.equal(normalizePath('/a/./b/../c.c'), '/a/c.c');
      assert.equal(normalizePath('./hello.c'), 'hello.c');
      assert.equal(normalizePath('../x/./y.h'), '../x/y.h');
    });

    it('matches files by full path, then by the longest common suffix', () => {
      const known = ['/src/a/util.c', '/src/b/util.c', '/src/main.c', 'hello.c'];
      assert.deepEqual([...matchFiles(known, '/src/a/util.c')], ['/src/a/util.c']);
      assert.deepEqual([...matchFiles(known, '/home/me/src/b/util.c')], ['/src/b/util.c']);
      assert.deepEqual([...matchFiles(known, 'util.c')].sort(), ['/src/a/util.c', '/src/b/util.c']);
      assert.deepEqual([...matchFiles(known, 'C:\\work\\examples\\hello\\hello.c')], ['hello.c']);
      assert.equal(matchFiles(known, 'other.c').size, 0);
    });
  });

  describe('examples/hello/hello.elf (committed)', () => {
    const dwarf = DebugInfo.fromElf(parseElf64(new Uint8Array(readFileSync(HELLO_ELF))));

    it('lists the sources', () => {
      assert.deepEqual(dwarf.files(), ['hello.c', 'start.S']);
    });

    it('resolves the #BP main marker to an address objdump shows for that line', function () {
      const line = markerLine(readFileSync(HELLO_C, 'utf8'), '#BP main');
      const found = dwarf.lineToAddresses('/anywhere/examples/hello/hello.c', line);
      assert.ok(found !== undefined);
      assert.equal(found.line, line);
      assert.equal(found.addresses.length, 1);
      const pos = dwarf.addressToLine(found.addresses[0]);
      assert.deepEqual(pos && { file: pos.file, line: pos.line }, { file: 'hello.c', line });
      if (!haveToolchain) { console.log(`    ${MISSING_TOOLCHAIN}: objdump cross-check skipped`); return; }
      const ref = objdumpLines(HELLO_ELF).filter((r) => r.file === 'hello.c' && r.line === line && r.isStmt);
      assert.ok(ref.some((r) => r.address === found.addresses[0]), `0x${found.addresses[0].toString(16)} is a row of line ${line}`);
    });

    it('reports an address with a statement row and a non-statement row at the statement line', () => {
      const rows = (dwarf.lines() as { ok: true; value: LineTable }).value.rows();
      let checked = 0;
      for (let i = 0; i + 1 < rows.length; i++) {
        const a = rows[i], b = rows[i + 1];
        if (a.endSequence || b.endSequence || a.address !== b.address || !a.isStmt || b.isStmt || a.line === b.line) continue;
        if (rows[i + 2] && rows[i + 2].address === a.address) continue;
        if (i > 0 && !rows[i - 1].endSequence && rows[i - 1].address === a.address) continue;
        assert.equal(dwarf.addressToLine(a.address)?.line, a.line, `0x${a.address.toString(16)}`);
        checked++;
      }
      assert.ok(checked > 0, 'hello.elf has such a pair (e.g. at the #BP done line)');
    });

    it('moves a breakpoint on a line without code to the next line with code', () => {
      const src = readFileSync(HELLO_C, 'utf8').split('\n');
      const main = markerLine(src.join('\n'), 'int main(void)');
      // The blank/comment lines just above main() have no code: the breakpoint moves forward.
      const comment = markerLine(src.join('\n'), '#define WAIT_TICKS');
      const found = dwarf.lineToAddresses('hello.c', comment);
      assert.ok(found !== undefined);
      assert.ok(found.line >= main, `moved to ${found.line}`);
      assert.equal(dwarf.lineToAddresses('hello.c', 100000), undefined);
      assert.equal(dwarf.lineToAddresses('nothere.c', 10), undefined);
    });

    it('matches objdump on every row', function () {
      if (!haveToolchain) { console.log(`    ${MISSING_TOOLCHAIN}`); this.skip(); }
      compareWithObjdump(dwarf, HELLO_ELF);
    });
  });

  describe('built test programs vs objdump --dwarf=decodedline', function () {
    before(function () {
      if (!haveToolchain) { console.log(`    ${MISSING_TOOLCHAIN}`); this.skip(); }
    });

    for (const v of VARIANTS) {
      it(`${v.name}: every row matches`, () => {
        const b = build(v);
        compareWithObjdump(b.dwarf, b.path);
      });
    }

    it('resolves full paths against the compilation directory (DWARF 4 and 5)', () => {
      for (const v of [VARIANTS[0], VARIANTS[2]]) {
        const b = build(v);
        const dir = b.path.slice(0, b.path.lastIndexOf('/'));
        assert.deepEqual(b.dwarf.files().filter((f) => !f.endsWith('.h')).sort(), [`${dir}/cfi.S`, `${dir}/prog.c`], v.name);
      }
    });

    it('addressToLine gives the row covering each address', () => {
      const b = build(VARIANTS[0]);
      const rows = (b.dwarf.lines() as { ok: true; value: LineTable }).value.rows();
      let stmt: (typeof rows)[number] | undefined;
      for (let i = 0; i + 1 < rows.length; i++) {
        const r = rows[i], next = rows[i + 1];
        if (r.endSequence) { stmt = undefined; continue; }
        if (r.isStmt) stmt = r;
        if (next.address === r.address) continue;
        // Rows sharing an address: the last statement row of the group wins (GDB's choice).
        const want = stmt ?? r;
        stmt = undefined;
        for (const a of [r.address, next.address - 1n]) {
          const pos = b.dwarf.addressToLine(a);
          assert.deepEqual(pos, { file: want.file, line: want.line, column: want.column }, `0x${a.toString(16)}`);
        }
      }
      const last = rows[rows.length - 1];
      assert.equal(b.dwarf.addressToLine(last.address), undefined, 'end_sequence address is outside');
    });

    it('handles kernel addresses (0xffffffff80000000) as bigint', () => {
      const v = VARIANTS[1];
      const b = build(v, '0xffffffff80000000');
      compareWithObjdump(b.dwarf, b.path);
      const line = markerLine(C_SOURCE, '#BP main');
      const found = b.dwarf.lineToAddresses('prog.c', line);
      assert.ok(found !== undefined && found.addresses.length >= 1);
      for (const a of found.addresses) assert.ok(a >= 0xffffffff80000000n);
    });

    it('a breakpoint on a loop line gets one address per function', () => {
      const b = build(VARIANTS[0]);
      const line = markerLine(C_SOURCE, 'for (ulong i');
      const raw = (b.dwarf.lines() as { ok: true; value: LineTable }).value.lineToAddresses('prog.c', line)!;
      assert.ok(raw.addresses.length >= 2, 'the loop line is entered at init and at the condition');
      const found = b.dwarf.lineToAddresses('prog.c', line)!;
      assert.deepEqual(found, { line, addresses: [raw.addresses[0]] });
    });
  });
});
