import assert from 'node:assert/strict';
import { FunctionInfo, VariableLocation } from '../../../src/dwarf';
import { build, haveToolchain, MISSING_TOOLCHAIN, READELF, run, VARIANTS } from './toolchain';

interface RefDie {
  offset: number;
  depth: number;
  tag: string;
  attrs: Map<string, string>;
  parent?: RefDie;
}

/** Parses `readelf --debug-dump=info` into DIEs with their attribute texts. */
function readelfDies(path: string): Map<number, RefDie> {
  const dies = new Map<number, RefDie>();
  const stack: RefDie[] = [];
  let cur: RefDie | undefined;
  for (const line of run(READELF, ['--debug-dump=info', path]).split('\n')) {
    const d = /^\s*<(\d+)><([0-9a-f]+)>: Abbrev Number: \d+ \((\w+)\)/.exec(line);
    if (d !== null) {
      const depth = Number(d[1]);
      while (stack.length > depth) stack.pop();
      cur = { offset: parseInt(d[2], 16), depth, tag: d[3], attrs: new Map(), parent: stack[stack.length - 1] };
      dies.set(cur.offset, cur);
      stack.push(cur);
      continue;
    }
    if (/Abbrev Number: 0/.test(line)) { cur = undefined; continue; }
    const a = /^\s*<[0-9a-f]+>\s+(DW_AT_\w+)\s*:\s?(.*)$/.exec(line);
    if (a !== null && cur !== undefined) cur.attrs.set(a[1], a[2].trim());
  }
  return dies;
}

/** The attribute's value text: "(strp) (offset: 0x14): name" -> "name". */
function value(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const m = /^\((?:indirect [^)]*|[a-z_]+)\)(?: \(offset: [^)]*\))?: (.*)$/.exec(text);
  return m !== null ? m[1] : text;
}

function ref(text: string | undefined): number | undefined {
  const m = /<0x([0-9a-f]+)>/.exec(text ?? '');
  return m === null ? undefined : parseInt(m[1], 16);
}

function nameOf(dies: Map<number, RefDie>, die: RefDie): string | undefined {
  for (let d: RefDie | undefined = die, i = 0; d !== undefined && i < 4; i++) {
    const n = value(d.attrs.get('DW_AT_name'));
    if (n !== undefined) return n;
    const o = ref(d.attrs.get('DW_AT_abstract_origin') ?? d.attrs.get('DW_AT_specification'));
    d = o === undefined ? undefined : dies.get(o);
  }
  return undefined;
}

/** Our location in readelf's words: "(DW_OP_fbreg: -20)", "(DW_OP_reg10 (a0))", "(location list)". */
function locationMatches(loc: VariableLocation, text: string | undefined): boolean {
  if (text === undefined) return loc.kind === 'none';
  if (/\(location list\)/.test(text)) return loc.kind === 'list' && text.startsWith(`0x${loc.value.toString(16)} `);
  const ops = /\((DW_OP.*)\)\s*$/.exec(text)?.[1] ?? '';
  switch (loc.kind) {
    case 'fbreg': return ops === `DW_OP_fbreg: ${loc.offset}`;
    case 'reg': return new RegExp(`^DW_OP_reg${loc.reg} \\(\\w+\\)$`).test(ops);
    case 'breg': return new RegExp(`^DW_OP_breg${loc.reg} \\(\\w+\\): ${loc.offset}$`).test(ops);
    case 'addr': return ops === `DW_OP_addr: ${loc.address.toString(16)}`;
    case 'cfa': return ops === 'DW_OP_call_frame_cfa';
    case 'unsupported': return ops.includes(';') || !/^DW_OP_(fbreg|reg\d|breg\d|addr:)/.test(ops);
    default: return false;
  }
}

describe('dwarf/info', () => {
  before(function () {
    if (!haveToolchain) { console.log(`    ${MISSING_TOOLCHAIN}`); this.skip(); }
  });

  for (const v of VARIANTS) {
    it(`${v.name}: functions and their variables match readelf --debug-dump=info`, () => {
      const b = build(v);
      const info = b.dwarf.info();
      assert.ok(info.ok, info.ok ? '' : info.reason);
      assert.deepEqual(info.value.warnings, []);
      const dies = readelfDies(b.path);

      // Compilation units.
      const cus = [...dies.values()].filter((d) => d.tag === 'DW_TAG_compile_unit');
      assert.deepEqual(b.dwarf.compileUnits().map((c) => c.name), cus.map((d) => value(d.attrs.get('DW_AT_name'))));
      assert.deepEqual(b.dwarf.compileUnits().map((c) => c.compDir), cus.map((d) => value(d.attrs.get('DW_AT_comp_dir'))));

      // Concrete subprograms (with code).
      const subs = [...dies.values()].filter((d) => d.tag === 'DW_TAG_subprogram' && d.attrs.has('DW_AT_low_pc'));
      const mine = new Map<number, FunctionInfo>(b.dwarf.functions().map((f) => [f.dieOffset, f]));
      assert.deepEqual([...mine.keys()].sort(), subs.map((d) => d.offset).sort(), 'the same subprogram DIEs');
      for (const d of subs) {
        const f = mine.get(d.offset)!;
        assert.equal(f.name, nameOf(dies, d));
        const low = BigInt(d.attrs.get('DW_AT_low_pc')!);
        const high = BigInt(d.attrs.get('DW_AT_high_pc')!);
        assert.equal(f.lowPc, low, `${f.name} low_pc`);
        assert.equal(f.highPc, high < low ? low + high : high, `${f.name} high_pc`);
        assert.equal(b.dwarf.functionAt(low)?.name, f.name);
        assert.equal(b.dwarf.functionAt(f.highPc! - 1n)?.name, f.name);

        // Parameters and locals: children, and locals of nested lexical blocks.
        const params: RefDie[] = [], locals: RefDie[] = [];
        for (const c of dies.values()) {
          let p = c.parent;
          while (p !== undefined && p.tag === 'DW_TAG_lexical_block') p = p.parent;
          if (p !== d) continue;
          if (c.tag === 'DW_TAG_formal_parameter' && c.parent === d) params.push(c);
          else if (c.tag === 'DW_TAG_variable') locals.push(c);
        }
        assert.deepEqual(f.params.map((p) => p.name), params.map((p) => nameOf(dies, p)), `${f.name} params`);
        assert.deepEqual(f.locals.map((p) => p.name), locals.map((p) => nameOf(dies, p)), `${f.name} locals`);
        [...f.params, ...f.locals].forEach((vi, i) => {
          const text = [...params, ...locals][i].attrs.get('DW_AT_location');
          assert.ok(locationMatches(vi.location, text), `${f.name}.${vi.name}: ${JSON.stringify(vi.location, (_k, x) => (typeof x === 'bigint' ? x.toString(16) : x))} vs readelf ${text}`);
        });
        if (f.name !== 'asmfn' && f.name !== 'exprfn') {
          assert.deepEqual(f.frameBaseLocation, { kind: 'cfa' });
          assert.equal(f.declFile?.endsWith('/prog.c'), true, `${f.name} decl_file ${f.declFile}`);
        }
      }
    });
  }

  it('names types through typedefs, qualifiers, pointers and arrays', () => {
    const b = build(VARIANTS[0]);
    const byName = new Map(b.dwarf.functions().map((f) => [f.name, f]));
    const walk = byName.get('walk')!;
    const types = Object.fromEntries([...walk.params, ...walk.locals].map((v) => [v.name, v.type]));
    assert.deepEqual(types, {
      p: { name: 'const struct pt *', byteSize: 8 },
      n: { name: 'ulong', byteSize: 8 },
      s: { name: 'ulong', byteSize: 8 },
      i: { name: 'ulong', byteSize: 8 },
      buf: { name: 'char[4]', byteSize: 4 },
    });
    assert.deepEqual(walk.returnType, { name: 'ulong', byteSize: 8 });
    assert.equal(walk.declLine, 7);
    const main = byName.get('main')!;
    assert.deepEqual(main.locals.map((v) => [v.name, v.type]), [['p', { name: 'struct pt[2]', byteSize: 32 }]]);
    const twice = byName.get('twice')!;
    assert.deepEqual(twice.params.map((v) => v.type.name), ['int (*)(int, int)', 'int']);
    assert.equal(twice.external, false);
    assert.equal(byName.get('add')!.external, true);
  });

  it('resolves -O1 out-of-line instances and register locations', () => {
    const b = build(VARIANTS[1]);
    const fns = b.dwarf.functions();
    assert.ok(fns.some((f) => f.name === 'add' && f.params.some((p) => p.location.kind === 'reg' || p.location.kind === 'list')));
    for (const f of fns) for (const v of [...f.params, ...f.locals]) assert.notEqual(v.name, '<anonymous>');
  });
});
