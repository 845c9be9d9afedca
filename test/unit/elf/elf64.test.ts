import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../../src/common/errors';
import { Elf64, ElfSymbol, parseElf64, PF_R, PF_X, PT_LOAD } from '../../../src/elf/elf64';

const GUESTS = join(homedir(), '.cache', 'hvscope-guests');
const READELF = 'riscv64-unknown-elf-readelf';
const GCC = 'riscv64-unknown-elf-gcc';
const haveReadelf = spawnSync(READELF, ['--version']).status === 0;
const haveGcc = spawnSync(GCC, ['--version']).status === 0;

// ---- a tiny ELF writer for exact, tool-independent cases ----

interface SynthSym { name: string; value: number; size?: number; type: number; bind: number; shndx?: number }

/** One PT_LOAD (.text at 0x80000000, 0x100 bytes, memsz 0x200), .symtab, .strtab, .shstrtab. */
function synthElf(syms: SynthSym[], opts: { machine?: number; cls?: number; data?: number } = {}): Uint8Array {
  const enc = new TextEncoder();
  const shstr = ['', '.text', '.symtab', '.strtab', '.shstrtab', '.debug_line'];
  const shstrBytes: number[] = [];
  const shName: number[] = [];
  for (const s of shstr) { shName.push(shstrBytes.length); shstrBytes.push(...enc.encode(s), 0); }
  const strBytes: number[] = [0];
  const symName = syms.map((s) => { const o = strBytes.length; strBytes.push(...enc.encode(s.name), 0); return o; });

  const textOff = 0x100, textSize = 0x100;
  const symOff = textOff + textSize, symSize = (syms.length + 1) * 24;
  const strOff = symOff + symSize;
  const shstrOff = strOff + strBytes.length;
  const dbgOff = shstrOff + shstrBytes.length;
  const shOff = (dbgOff + 4 + 7) & ~7;
  const shnum = 6;
  const buf = new Uint8Array(shOff + shnum * 64);
  const dv = new DataView(buf.buffer);
  buf.set([0x7f, 0x45, 0x4c, 0x46, opts.cls ?? 2, opts.data ?? 1, 1]);
  dv.setUint16(16, 2, true); // ET_EXEC
  dv.setUint16(18, opts.machine ?? 243, true);
  dv.setUint32(20, 1, true);
  dv.setBigUint64(24, 0x80000010n, true);
  dv.setBigUint64(32, 64n, true);
  dv.setBigUint64(40, BigInt(shOff), true);
  dv.setUint16(52, 64, true);
  dv.setUint16(54, 56, true);
  dv.setUint16(56, 1, true);
  dv.setUint16(58, 64, true);
  dv.setUint16(60, shnum, true);
  dv.setUint16(62, 4, true);
  // PT_LOAD
  dv.setUint32(64, PT_LOAD, true);
  dv.setUint32(68, PF_R | PF_X, true);
  dv.setBigUint64(72, BigInt(textOff), true);
  dv.setBigUint64(80, 0x80000000n, true);
  dv.setBigUint64(88, 0x80000000n, true);
  dv.setBigUint64(96, BigInt(textSize), true);
  dv.setBigUint64(104, 0x200n, true);
  dv.setBigUint64(112, 0x1000n, true);
  for (let i = 0; i < textSize; i++) buf[textOff + i] = i;
  syms.forEach((s, i) => {
    const o = symOff + (i + 1) * 24;
    dv.setUint32(o, symName[i], true);
    buf[o + 4] = (s.bind << 4) | s.type;
    dv.setUint16(o + 6, s.shndx ?? 1, true);
    dv.setBigUint64(o + 8, BigInt(s.value), true);
    dv.setBigUint64(o + 16, BigInt(s.size ?? 0), true);
  });
  buf.set(strBytes, strOff);
  buf.set(shstrBytes, shstrOff);
  const sh = (i: number, type: number, addr: number, off: number, size: number, link = 0, entsize = 0): void => {
    const o = shOff + i * 64;
    dv.setUint32(o, shName[i], true);
    dv.setUint32(o + 4, type, true);
    dv.setBigUint64(o + 16, BigInt(addr), true);
    dv.setBigUint64(o + 24, BigInt(off), true);
    dv.setBigUint64(o + 32, BigInt(size), true);
    dv.setUint32(o + 40, link, true);
    dv.setBigUint64(o + 56, BigInt(entsize), true);
  };
  sh(1, 1, 0x80000000, textOff, textSize);
  sh(2, 2, 0, symOff, symSize, 3, 24);
  sh(3, 3, 0, strOff, strBytes.length);
  sh(4, 3, 0, shstrOff, shstrBytes.length);
  sh(5, 1, 0, dbgOff, 4);
  return buf;
}

const STT_NOTYPE = 0, STT_OBJECT = 1, STT_FUNC = 2, STT_SECTION = 3;
const STB_LOCAL = 0, STB_GLOBAL = 1, STB_WEAK = 2;

// ---- comparing with readelf ----

interface ReadelfSym { value: bigint; size: bigint; type: string; bind: string; ndx: string; name: string }

function readelfSymbols(file: string, table: string): ReadelfSym[] {
  const out = spawnSync(READELF, ['-sW', file], { encoding: 'utf8', maxBuffer: 64 << 20 }).stdout;
  const start = out.indexOf(`Symbol table '${table}'`);
  assert.ok(start >= 0, `readelf lists ${table}`);
  const rest = out.slice(start).split('\n').slice(2);
  const syms: ReadelfSym[] = [];
  for (const line of rest) {
    const m = /^\s*\d+:\s+([0-9a-f]+)\s+(\S+)\s+(\w+)\s+(\w+)\s+\w+\s+(\w+)\s?(.*)$/.exec(line);
    if (!m) break;
    const size = m[2].startsWith('0x') ? BigInt(m[2]) : BigInt(m[2]);
    syms.push({ value: BigInt(`0x${m[1]}`), size, type: m[3], bind: m[4], ndx: m[5], name: m[6] });
  }
  return syms;
}

function readelfLoads(file: string): { offset: bigint; vaddr: bigint; paddr: bigint; filesz: bigint; memsz: bigint; flags: string }[] {
  const out = spawnSync(READELF, ['-lW', file], { encoding: 'utf8' }).stdout;
  const rows = [];
  for (const line of out.split('\n')) {
    const m = /^\s*LOAD\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+([RWE ]+?)\s+0x/.exec(line);
    if (m) rows.push({ offset: BigInt(m[1]), vaddr: BigInt(m[2]), paddr: BigInt(m[3]), filesz: BigInt(m[4]), memsz: BigInt(m[5]), flags: m[6].replace(/ /g, '') });
  }
  return rows;
}

function readelfEntry(file: string): bigint {
  const m = /Entry point address:\s+(0x[0-9a-f]+)/.exec(spawnSync(READELF, ['-hW', file], { encoding: 'utf8' }).stdout);
  assert.ok(m);
  return BigInt(m[1]);
}

function flagString(f: number): string {
  return `${f & 4 ? 'R' : ''}${f & 2 ? 'W' : ''}${f & 1 ? 'E' : ''}`;
}

/** Checks entry, PT_LOAD segments and the whole symbol table against readelf. */
function compareWithReadelf(file: string, elf: Elf64): void {
  assert.equal(elf.entry, readelfEntry(file));
  const loads = readelfLoads(file);
  assert.ok(loads.length > 0);
  assert.deepEqual(elf.loadSegments.map((p) => ({
    offset: BigInt(p.offset), vaddr: p.vaddr, paddr: p.paddr, filesz: BigInt(p.filesz), memsz: BigInt(p.memsz), flags: flagString(p.flags),
  })), loads);
  const table = elf.symbolSource === 'symtab' ? '.symtab' : '.dynsym';
  const expected = readelfSymbols(file, table);
  // readelf counts the null symbol 0; we skip nothing either, so lengths match.
  assert.equal(elf.symbols.length, expected.length, 'symbol count');
  const ndx = (s: ElfSymbol): string => (s.shndx === 0 ? 'UND' : s.shndx === 0xfff1 ? 'ABS' : s.shndx === 0xfff2 ? 'COM' : String(s.shndx));
  elf.symbols.forEach((s, i) => {
    const e = expected[i];
    assert.deepEqual(
      { value: s.value, size: s.size, type: s.type.toUpperCase(), bind: s.bind.toUpperCase(), ndx: ndx(s), name: s.name },
      { ...e, name: e.name.replace(/@.*$/, '') }, `symbol ${i}`);
  });
}

describe('elf/elf64', () => {
  describe('synthetic files', () => {
    const syms: SynthSym[] = [
      { name: 'text_start', value: 0x80000000, type: STT_NOTYPE, bind: STB_LOCAL },
      { name: '$x', value: 0x80000000, type: STT_NOTYPE, bind: STB_LOCAL },
      { name: 'f', value: 0x80000010, size: 0x20, type: STT_FUNC, bind: STB_GLOBAL },
      { name: 'f_alias', value: 0x80000010, size: 0x20, type: STT_FUNC, bind: STB_WEAK },
      { name: '.Ltmp', value: 0x80000018, type: STT_NOTYPE, bind: STB_LOCAL },
      { name: 'obj', value: 0x80000080, size: 8, type: STT_OBJECT, bind: STB_LOCAL },
      { name: 'obj', value: 0x80000090, size: 8, type: STT_OBJECT, bind: STB_GLOBAL },
      { name: '.text', value: 0x80000000, type: STT_SECTION, bind: STB_LOCAL },
      { name: 'tohost', value: 0x80000100, size: 8, type: STT_OBJECT, bind: STB_GLOBAL },
      { name: 'fromhost', value: 0x80000108, size: 8, type: STT_OBJECT, bind: STB_GLOBAL },
      { name: 'CONST', value: 0x80000014, type: STT_NOTYPE, bind: STB_GLOBAL, shndx: 0xfff1 },
      { name: 'undefined_one', value: 0, type: STT_NOTYPE, bind: STB_GLOBAL, shndx: 0 },
    ];
    const elf = parseElf64(synthElf(syms));

    it('reads header, segments and sections', () => {
      assert.equal(elf.entry, 0x80000010n);
      assert.equal(elf.loadSegments.length, 1);
      const seg = elf.loadSegments[0];
      assert.deepEqual([seg.paddr, seg.vaddr, seg.filesz, seg.memsz, seg.offset, seg.flags], [0x80000000n, 0x80000000n, 0x100, 0x200, 0x100, PF_R | PF_X]);
      assert.deepEqual(elf.sections.map((s) => s.name), ['', '.text', '.symtab', '.strtab', '.shstrtab', '.debug_line']);
      assert.equal(elf.sectionData('.text')![5], 5);
      assert.deepEqual(elf.debug, { line: true, info: false, frame: false, ehFrame: false });
      assert.equal(elf.symbolSource, 'symtab');
      assert.equal(elf.symbols.length, syms.length + 1);
    });

    it('looks symbols up by name, preferring global definitions', () => {
      assert.equal(elf.lookup('obj')!.value, 0x80000090n);
      assert.equal(elf.lookup('f')!.size, 0x20n);
      assert.equal(elf.lookup('undefined_one'), undefined);
      assert.equal(elf.lookup('nope'), undefined);
      assert.equal(elf.tohost, 0x80000100n);
      assert.equal(elf.fromhost, 0x80000108n);
    });

    it('finds the nearest preceding symbol, skipping mapping, .L, section and absolute symbols', () => {
      const at = (a: number): string | undefined => {
        const r = elf.symbolAt(BigInt(a));
        return r && `${r.symbol.name}+${r.offset}`;
      };
      assert.equal(at(0x7fffffff), undefined);
      assert.equal(at(0x80000000), 'text_start+0');
      assert.equal(at(0x8000000c), 'text_start+12');
      assert.equal(at(0x80000010), 'f+0', 'a global function beats its weak alias');
      assert.equal(at(0x8000001c), 'f+12', '.Ltmp and the absolute CONST are not locations');
      assert.equal(at(0x80000084), 'obj+4');
      assert.equal(at(0x80000094), 'obj+4');
      assert.equal(at(0x80000200), 'fromhost+248');
    });

    it('has no tohost when the symbol is absent', () => {
      const e = parseElf64(synthElf([{ name: 'main', value: 0x80000000, type: STT_FUNC, bind: STB_GLOBAL }]));
      assert.equal(e.tohost, undefined);
      assert.equal(e.fromhost, undefined);
    });

    it('rejects wrong and corrupt files with clear UserErrors', () => {
      const good = synthElf(syms);
      assert.throws(() => parseElf64(new TextEncoder().encode('#!/bin/sh\necho hi\n')), (e: unknown) => e instanceof UserError && /not an ELF file/.test(e.message));
      assert.throws(() => parseElf64(new Uint8Array(0)), /not an ELF file/);
      assert.throws(() => parseElf64(synthElf(syms, { cls: 1 })), /32-bit ELF/);
      assert.throws(() => parseElf64(synthElf(syms, { data: 2 })), /big-endian/);
      assert.throws(() => parseElf64(synthElf(syms, { machine: 62 })), /not RISC-V: ELF machine 62/);
      assert.throws(() => parseElf64(good.subarray(0, 40)), /truncated ELF header/);
      assert.throws(() => parseElf64(good.subarray(0, 0x120)), /truncated: segment 0/);
      assert.throws(() => parseElf64(good.subarray(0, good.length - 10)), /truncated section headers/);
      const badPh = good.slice();
      new DataView(badPh.buffer).setBigUint64(32, BigInt(good.length - 20), true);
      assert.throws(() => parseElf64(badPh), /truncated program headers/);
      const badSec = good.slice();
      const shoff = Number(new DataView(good.buffer).getBigUint64(40, true));
      new DataView(badSec.buffer).setBigUint64(shoff + 64 + 32, 0x100000n, true); // .text size
      assert.throws(() => parseElf64(badSec), /section 1 .* extends past the end/);
      const badStrndx = good.slice();
      new DataView(badStrndx.buffer).setUint16(62, 99, true);
      assert.throws(() => parseElf64(badStrndx), /name table index 99/);
      for (const bytes of [badPh, badSec, badStrndx]) assert.throws(() => parseElf64(bytes), UserError);
    });
  });

  describe('a program built with the cross toolchain', function () {
    let dir = '';
    let file = '';
    before(function () {
      if (!haveGcc || !haveReadelf) {
        console.warn(`SKIP: ${GCC} / ${READELF} not installed (Debian gcc-riscv64-unknown-elf, binutils-riscv64-unknown-elf)`);
        this.skip();
      }
      dir = mkdtempSync(join(tmpdir(), 'hvscope-elf-'));
      writeFileSync(join(dir, 't.c'), [
        'volatile unsigned long tohost __attribute__((section(".htif")));',
        'volatile unsigned long fromhost __attribute__((section(".htif")));',
        'int counter = 5;',
        'static int __attribute__((noinline)) helper(int x) { return x * 3 + counter; }',
        'int main(void) { counter = helper(counter); tohost = 1; return 0; }',
        'void _start(void) { main(); for (;;); }',
      ].join('\n'));
      file = join(dir, 't.elf');
      const r = spawnSync(GCC, ['-g', '-O1', '-nostdlib', '-march=rv64imac_zicsr', '-mabi=lp64', '-mcmodel=medany',
        '-Wl,-Ttext=0x80000000', '-o', file, join(dir, 't.c')], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    });
    after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

    it('matches readelf, with tohost, fromhost and debug sections', () => {
      const elf = parseElf64(new Uint8Array(readFileSync(file)));
      compareWithReadelf(file, elf);
      assert.equal(elf.symbolSource, 'symtab');
      assert.equal(elf.tohost, elf.lookup('tohost')!.value);
      assert.equal(elf.fromhost, elf.lookup('fromhost')!.value);
      assert.equal(elf.fromhost! - elf.tohost!, 8n);
      assert.equal(elf.debug.line, true);
      assert.equal(elf.debug.info, true);
      assert.equal(elf.debug.frame, true);
      const main = elf.lookup('main')!;
      assert.equal(main.type, 'func');
      assert.deepEqual(elf.symbolAt(main.value + 2n), { symbol: main, offset: 2n });
      const helper = elf.lookup('helper')!;
      assert.equal(helper.bind, 'local');
      assert.equal(elf.symbolAt(helper.value)!.symbol.name, 'helper');
    });
  });

  for (const [label, rel] of [['OpenSBI fw_jump.elf', 'opensbi/fw_jump.elf'], ['U-Boot u-boot-smode.elf', 'u-boot/u-boot-smode.elf']]) {
    describe(`real guest: ${label}`, function () {
      const file = join(GUESTS, rel);
      before(function () {
        if (!existsSync(file)) {
          console.warn(`SKIP: ${file} missing (run npm run guests)`);
          this.skip();
        }
        if (!haveReadelf) {
          console.warn(`SKIP: ${READELF} not installed (Debian binutils-riscv64-unknown-elf)`);
          this.skip();
        }
      });

      it('matches readelf: entry, segments, symbols', () => {
        const elf = parseElf64(new Uint8Array(readFileSync(file)));
        compareWithReadelf(file, elf);
        // Both Debian builds are stripped of .symtab but keep .dynsym.
        assert.ok(elf.symbols.length > 10);
        const fn = elf.symbols.find((s) => s.type === 'func' && s.size > 4n)!;
        const at = elf.symbolAt(fn.value + 2n)!;
        assert.equal(at.symbol.value, fn.value);
        assert.equal(at.offset, 2n);
      });
    });
  }
});
