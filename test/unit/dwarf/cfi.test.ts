import assert from 'node:assert/strict';
import { CallFrameTable, CfiRow, DebugInfo, Fde, RegisterRule } from '../../../src/dwarf';
import { build, haveToolchain, MISSING_TOOLCHAIN, READELF, run, VARIANTS } from './toolchain';

// readelf's RISC-V register names, by DWARF number (psABI: 0–31 = x0–x31, 32–63 = f0–f31).
const X = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7',
  's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];
const F = ['ft0', 'ft1', 'ft2', 'ft3', 'ft4', 'ft5', 'ft6', 'ft7', 'fs0', 'fs1', 'fa0', 'fa1', 'fa2', 'fa3', 'fa4', 'fa5',
  'fa6', 'fa7', 'fs2', 'fs3', 'fs4', 'fs5', 'fs6', 'fs7', 'fs8', 'fs9', 'fs10', 'fs11', 'ft8', 'ft9', 'ft10', 'ft11'];
const NAMES = [...X, ...F];
const signed = (n: number): string => (n < 0 ? `${n}` : `+${n}`);

interface RefFde {
  section: string;
  start: bigint;
  end: bigint;
  columns: string[]; // register names after LOC and CFA
  rows: { loc: bigint; cells: string[] }[];
}

/** Parses `readelf --debug-dump=frames-interp -W`. */
function readelfFrames(path: string): RefFde[] {
  const out: RefFde[] = [];
  let section = '';
  let fde: RefFde | undefined;
  for (const line of run(READELF, ['--debug-dump=frames-interp', '-W', path]).split('\n')) {
    const sec = /^Contents of the (\S+) section:/.exec(line);
    if (sec !== null) { section = sec[1]; fde = undefined; continue; }
    const head = /FDE cie=[0-9a-f]+ pc=([0-9a-f]+)\.\.([0-9a-f]+)/.exec(line);
    if (head !== null) {
      fde = { section, start: BigInt(`0x${head[1]}`), end: BigInt(`0x${head[2]}`), columns: [], rows: [] };
      out.push(fde);
      continue;
    }
    if (/ CIE /.test(line)) { fde = undefined; continue; }
    if (fde === undefined) continue;
    const tokens: string[] = line.match(/r\d+ \(\w+\)|\S+/g) ?? [];
    if (tokens[0] === 'LOC') { fde.columns = tokens.slice(2); continue; }
    if (tokens.length >= 2 && /^[0-9a-f]{16}$/.test(tokens[0])) fde.rows.push({ loc: BigInt(`0x${tokens[0]}`), cells: tokens.slice(1) });
  }
  return out;
}

function cfaText(row: CfiRow): string {
  return row.cfa.kind === 'expression' ? 'exp' : `${NAMES[row.cfa.reg] ?? `r${row.cfa.reg}`}${signed(row.cfa.offset)}`;
}

function ruleText(rule: RegisterRule | undefined): string {
  if (rule === undefined) return 'u';
  switch (rule.kind) {
    case 'undefined': return 'u';
    case 'sameValue': return 's';
    case 'offset': return `c${signed(rule.offset)}`;
    case 'valOffset': return `v${signed(rule.offset)}`;
    case 'register': return `r${rule.reg} (${NAMES[rule.reg]})`;
    case 'expression': return 'exp';
    case 'valExpression': return 'vexp';
  }
}

function compareWithReadelf(dwarf: DebugInfo, path: string): number {
  const frames = dwarf.frames();
  assert.ok(frames.ok, frames.ok ? '' : frames.reason);
  const ref = readelfFrames(path);
  assert.ok(ref.length > 0, 'readelf printed FDEs');
  let checkedRows = 0;
  for (const r of ref) {
    const table: CallFrameTable | undefined = frames.value.find((t) => t.kind === r.section);
    assert.ok(table !== undefined, `${r.section} parsed`);
    assert.deepEqual(table.warnings, []);
    const fde: Fde | undefined = table.fdes().find((f: Fde) => f.start === r.start);
    assert.ok(fde !== undefined, `FDE at 0x${r.start.toString(16)}`);
    assert.equal(fde.end, r.end, 'FDE end');
    const rows = table.table(fde);
    // readelf prints no table for an FDE without instructions: then one row, the CIE's rules.
    if (r.rows.length === 0) { assert.equal(rows.length, 1); continue; }
    const regNums = r.columns.map((c) => NAMES.indexOf(c));
    assert.ok(regNums.every((n) => n >= 0), `known register names: ${r.columns.join(' ')}`);
    const describe = (row: CfiRow): string[] => [cfaText(row), ...regNums.map((n) => ruleText(row.registers.get(n)))];
    for (const refRow of r.rows) {
      const mine: CfiRow | undefined = table.rowAt(refRow.loc);
      assert.ok(mine !== undefined, `a row at 0x${refRow.loc.toString(16)}`);
      assert.deepEqual(describe(mine), refRow.cells, `FDE 0x${r.start.toString(16)} row 0x${refRow.loc.toString(16)}`);
      checkedRows++;
    }
    // And every row of ours starts where readelf has a row, with the same rules.
    for (const row of rows) {
      const refRow = r.rows.find((x) => x.loc === row.start);
      assert.ok(refRow !== undefined, `readelf has a row at 0x${row.start.toString(16)}`);
      assert.deepEqual(describe(row), refRow.cells);
    }
    // Registers readelf does not list have no rule with us either.
    for (const row of rows) for (const reg of row.registers.keys()) assert.ok(regNums.includes(reg), `register ${NAMES[reg]} listed by readelf`);
  }
  return checkedRows;
}

describe('dwarf/cfi', () => {
  describe('built test programs vs readelf --debug-dump=frames-interp', function () {
    before(function () {
      if (!haveToolchain) { console.log(`    ${MISSING_TOOLCHAIN}`); this.skip(); }
    });

    for (const v of VARIANTS) {
      it(`${v.name}: every FDE row matches`, () => {
        const b = build(v);
        const n = compareWithReadelf(b.dwarf, b.path);
        assert.ok(n > 10, `${n} rows compared`);
        const frames = b.dwarf.frames();
        assert.ok(frames.ok);
        const kinds = frames.value.map((t) => t.kind);
        // The C code's CFI lands in .debug_frame only without asynchronous unwind tables.
        assert.deepEqual(kinds, v.name.endsWith('debugframe') ? ['.debug_frame', '.eh_frame'] : ['.eh_frame']);
      });
    }

    it('unwinds through asmfn at each instruction (eh_frame, pcrel FDE pointers)', () => {
      const b = build(VARIANTS[0]);
      const asmfn = b.dwarf.functions().find((f) => f.name === 'asmfn')!;
      const start = asmfn.lowPc!;
      // Simulated machine at entry: sp = 0x1000, ra = 0x80001234, s0 = 0x5555.
      const entrySp = 0x1000n, ra = 0x8000_1234n, callerS0 = 0x5555n;
      const mem = new Map<bigint, bigint>();
      // After "addi sp,-32; sd ra,24(sp); sd s0,16(sp); addi s0,sp,32".
      const sp = entrySp - 32n;
      mem.set(sp + 24n, ra);
      mem.set(sp + 16n, callerS0);
      const regsAt = (pcOff: bigint): Map<number, bigint> => {
        const regs = new Map<number, bigint>([[1, ra], [2, pcOff === 0n ? entrySp : sp], [8, pcOff >= 8n ? entrySp : callerS0]]);
        if (pcOff >= 0x14n) regs.set(2, sp); // still inside the frame until the final addi
        if (pcOff >= 0x16n) regs.set(2, entrySp);
        return regs;
      };
      for (const off of [0n, 2n, 4n, 6n, 8n, 0xan, 0xcn, 0xen]) {
        const regs = regsAt(off);
        const res = b.dwarf.unwindStep(start + off, (n) => regs.get(n), (a) => mem.get(a));
        assert.ok(res !== undefined, `unwind at +0x${off.toString(16)}`);
        assert.equal(res.pc, ra, `caller pc at +0x${off.toString(16)}`);
        assert.equal(res.sp, entrySp, `caller sp at +0x${off.toString(16)}`);
        if (off >= 6n && off < 0x10n) assert.equal(res.registers.get(8), callerS0, `caller s0 at +0x${off.toString(16)}`);
      }
    });

    it('reports DWARF-expression rules as such and does not unwind through them', () => {
      const b = build(VARIANTS[0]);
      const exprfn = b.dwarf.functions().find((f) => f.name === 'exprfn')!;
      const row = b.dwarf.cfiRowAt(exprfn.lowPc! + 2n)!;
      assert.equal(row.cfa.kind, 'expression');
      assert.deepEqual(row.cfa.kind === 'expression' ? [...row.cfa.expr] : [], [0x72, 0x10, 0x06]);
      assert.deepEqual(row.registers.get(8)?.kind, 'expression');
      assert.equal(b.dwarf.unwindStep(exprfn.lowPc! + 2n, () => 0x1000n, () => 0n), undefined);
    });

    it('unwinds a C function at -O0 through .debug_frame, with frame pointers agreeing', () => {
      const b = build(VARIANTS[2]);
      const main = b.dwarf.functions().find((f) => f.name === 'main')!;
      // The body of a non-leaf -O0 function: CFA = s0 + 0, ra at CFA-8, the caller's s0 at CFA-16.
      const frames = b.dwarf.frames();
      assert.ok(frames.ok);
      const table = frames.value.find((t) => t.kind === '.debug_frame')!;
      const body = table.table(table.fdeAt(main.lowPc!)!).find((r) => r.cfa.kind === 'regOffset' && r.cfa.reg === 8)!;
      assert.deepEqual([body.cfa, body.registers.get(1), body.registers.get(8)],
        [{ kind: 'regOffset', reg: 8, offset: 0 }, { kind: 'offset', offset: -8 }, { kind: 'offset', offset: -16 }]);
      const fp = 0x2000n;
      const mem = new Map<bigint, bigint>([[fp - 8n, 0x8000_0abcn], [fp - 16n, 0x3000n]]);
      const regs = new Map<number, bigint>([[2, fp - 64n], [8, fp], [1, 0xdeadn]]);
      const res = b.dwarf.unwindStep(body.start, (n) => regs.get(n), (a) => mem.get(a));
      assert.ok(res !== undefined);
      assert.deepEqual({ pc: res.pc, sp: res.sp, s0: res.registers.get(8) }, { pc: 0x8000_0abcn, sp: fp, s0: 0x3000n });
      assert.deepEqual(b.dwarf.unwindFramePointer(fp, (a) => mem.get(a)), { pc: 0x8000_0abcn, sp: fp, fp: 0x3000n });
      // A leaf keeps its return address in ra: no rule for ra, the caller's pc is ra's value.
      const add = b.dwarf.functions().find((f) => f.name === 'add')!;
      const leaf = b.dwarf.unwindStep(add.lowPc!, (n) => (n === 1 ? 0x8000_0100n : n === 2 ? 0x4000n : undefined), () => undefined);
      assert.deepEqual(leaf && { pc: leaf.pc, sp: leaf.sp }, { pc: 0x8000_0100n, sp: 0x4000n });
      // returnAddress looks the rules up at pc - 1: the return address just past add is still add's.
      assert.ok(b.dwarf.unwindStep(add.highPc!, () => 0x4000n, () => 0n, true) !== undefined);
    });
  });

  describe('hand-made sections', () => {
    // .debug_frame, 32-bit: a version-4 CIE (address_size 8) and an FDE, then a version-1 CIE.
    function debugFrame(): Uint8Array {
      const b: number[] = [];
      const u32 = (v: number): void => { b.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24); };
      const u64 = (v: bigint): void => { for (let i = 0n; i < 8n; i++) b.push(Number((v >> (8n * i)) & 0xffn)); };
      // CIE: id, version 4, "", address_size 8, seg 0, caf 2, daf -8 (0x78), ra 1; def_cfa sp 0.
      const cie = [0xff, 0xff, 0xff, 0xff, 4, 0, 8, 0, 2, 0x78, 1, 0x0c, 2, 0];
      u32(cie.length); b.push(...cie);
      const fdeStart = b.length;
      // FDE: advance_loc 1 (x caf 2), def_cfa_offset 16, offset ra 1 (x -8), remember, advance 1,
      // def_cfa_offset_sf -4 (x -8 = 32), restore_state, advance_loc1 3, restore ra, nop.
      const instr = [0x41, 0x0e, 16, 0x81, 1, 0x0a, 0x41, 0x13, 0x7c, 0x0b, 0x02, 3, 0xc1, 0];
      u32(4 + 8 + 8 + instr.length); u32(0); u64(0xffff_ffff_8000_0000n); u64(0x20n); b.push(...instr);
      void fdeStart;
      return new Uint8Array(b);
    }

    it('interprets a version-4 CIE and remember/restore_state', () => {
      const t = new CallFrameTable(debugFrame(), '.debug_frame');
      assert.deepEqual(t.warnings, []);
      const base = 0xffff_ffff_8000_0000n;
      const rows = t.table(t.fdes()[0]).map((r) => ({ start: r.start - base, end: r.end - base, cfa: r.cfa, regs: [...r.registers] }));
      assert.deepEqual(rows, [
        { start: 0n, end: 2n, cfa: { kind: 'regOffset', reg: 2, offset: 0 }, regs: [] },
        { start: 2n, end: 4n, cfa: { kind: 'regOffset', reg: 2, offset: 16 }, regs: [[1, { kind: 'offset', offset: -8 }]] },
        { start: 4n, end: 10n, cfa: { kind: 'regOffset', reg: 2, offset: 16 }, regs: [[1, { kind: 'offset', offset: -8 }]] },
        { start: 10n, end: 0x20n, cfa: { kind: 'regOffset', reg: 2, offset: 16 }, regs: [] },
      ]);
      assert.equal(t.rowAt(base + 0x20n), undefined);
      const mem = new Map<bigint, bigint>([[0x1000n - 8n, base + 0x400n]]);
      const res = t.unwindStep(base + 4n, (n) => (n === 2 ? 0x1000n - 16n : undefined), (a) => mem.get(a));
      assert.deepEqual(res && { pc: res.pc, sp: res.sp }, { pc: base + 0x400n, sp: 0x1000n });
    });

    it('reports truncated and garbage sections as warnings, never throws', () => {
      const good = debugFrame();
      for (let cut = 1; cut < good.length; cut += 3) {
        const t = new CallFrameTable(good.subarray(0, cut), '.debug_frame');
        assert.ok(t.fdes().length === 0 ? t.warnings.length > 0 || cut < 4 : true, `cut at ${cut}`);
      }
      const junk = new Uint8Array(64).map((_, i) => (i * 37 + 11) & 0xff);
      const dwarf = DebugInfo.fromSections((n) => (n === '.eh_frame' || n === '.debug_frame' ? junk : undefined));
      assert.equal(dwarf.unwindStep(0x1000n, () => 0n, () => 0n), undefined);
      assert.ok(dwarf.problems().length > 0);
    });
  });
});
