import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Fdt, FDT_MAGIC, formatFdt, parseFdt } from '../../../src/machine/fdt';
import { UserError } from '../../../src/common/errors';

const haveDtc = spawnSync('dtc', ['--version']).status === 0;

function sampleTree(): Fdt {
  const fdt = new Fdt();
  fdt.root.setU32('#address-cells', 2).setU32('#size-cells', 2).setString('compatible', 'test,board');
  const a = fdt.root.addChild('a@1000');
  a.setU32s('reg', [0, 0x1000, 0, 0x100]).setStrings('compatible', ['x,one', 'x,two']).setEmpty('flag');
  a.setU64('big', 0x1_2345_6789n).setBytes('raw', new Uint8Array([1, 2, 3]));
  const b = fdt.root.addChild('b');
  b.setU32('#address-cells', 1).setStrings('compatible', ['y']); // `compatible` and `#address-cells` repeat
  const pa = fdt.allocPhandle(a);
  const pb = fdt.allocPhandle(b);
  b.setU32('link', pa);
  assert.equal(pa, 1);
  assert.equal(pb, 2);
  assert.equal(fdt.allocPhandle(a), 1, 'a node keeps its phandle');
  fdt.addReservation(0x8000_0000, 0x20_0000);
  fdt.bootCpuidPhys = 3;
  return fdt;
}

describe('machine/fdt', () => {
  it('writes a v17 header and blocks in the right places', () => {
    const blob = sampleTree().toBytes();
    const dv = new DataView(blob.buffer);
    assert.equal(dv.getUint32(0), FDT_MAGIC);
    assert.equal(dv.getUint32(4), blob.length, 'totalsize');
    const offStruct = dv.getUint32(8), offStrings = dv.getUint32(12), offRsv = dv.getUint32(16);
    assert.equal(dv.getUint32(20), 17);
    assert.equal(dv.getUint32(24), 16);
    assert.equal(dv.getUint32(28), 3, 'boot_cpuid_phys');
    assert.equal(offRsv % 8, 0);
    assert.equal(dv.getBigUint64(offRsv), 0x8000_0000n);
    assert.equal(dv.getBigUint64(offRsv + 8), 0x20_0000n);
    assert.equal(dv.getBigUint64(offRsv + 16), 0n, 'terminating reservation');
    assert.equal(offStruct, offRsv + 32);
    assert.equal(offStrings, offStruct + dv.getUint32(36));
    assert.equal(dv.getUint32(offStruct), 1, 'FDT_BEGIN_NODE for the root');
    assert.equal(dv.getUint32(offStrings - 4), 9, 'FDT_END closes the structure block');
  });

  it('deduplicates property names in the strings block', () => {
    const blob = sampleTree().toBytes();
    const dv = new DataView(blob.buffer);
    const strings = new TextDecoder().decode(blob.subarray(dv.getUint32(12), dv.getUint32(12) + dv.getUint32(32)));
    const names = strings.split('\0').filter((s) => s !== '');
    assert.deepEqual(names, [...new Set(names)], 'every name once');
    for (const n of ['#address-cells', '#size-cells', 'compatible', 'reg', 'flag', 'big', 'raw', 'phandle', 'link']) assert.ok(names.includes(n), n);
  });

  it('round-trips through its own reader', () => {
    const back = parseFdt(sampleTree().toBytes());
    assert.equal(back.bootCpuidPhys, 3);
    assert.deepEqual(back.reservations, [{ address: 0x8000_0000n, size: 0x20_0000n }]);
    const a = back.find('/a@1000')!;
    assert.deepEqual(a.getU32s('reg'), [0, 0x1000, 0, 0x100]);
    assert.deepEqual(a.getStrings('compatible'), ['x,one', 'x,two']);
    assert.ok(a.has('flag'));
    assert.equal(a.prop('flag')!.length, 0);
    assert.equal(a.getU64('big'), 0x1_2345_6789n);
    assert.deepEqual([...a.prop('raw')!], [1, 2, 3]);
    assert.equal(back.byPhandle(back.find('/b')!.getU32('link')!), a);
    assert.deepEqual(back.nodes().map((n) => n.path), ['/', '/a@1000', '/b']);
    // Allocation continues above the phandles already present.
    assert.equal(back.allocPhandle(back.root.addChild('c')), 3);
  });

  it('re-serializes a parsed blob byte for byte', () => {
    const blob = sampleTree().toBytes();
    assert.deepEqual(parseFdt(blob).toBytes(), blob);
  });

  it('rejects corrupt blobs with UserError', () => {
    const blob = sampleTree().toBytes();
    assert.throws(() => parseFdt(blob.subarray(0, 20)), UserError);
    const badMagic = blob.slice(); badMagic[0] = 0;
    assert.throws(() => parseFdt(badMagic), /bad magic/);
    assert.throws(() => parseFdt(blob.subarray(0, blob.length - 8)), /totalsize/);
    const badToken = blob.slice();
    const offStruct = new DataView(blob.buffer).getUint32(8);
    new DataView(badToken.buffer).setUint32(offStruct, 7);
    assert.throws(() => parseFdt(badToken), /unknown token/);
  });

  it('rejects duplicate children and bad cells', () => {
    const fdt = new Fdt();
    fdt.root.addChild('x');
    assert.throws(() => fdt.root.addChild('x'), /duplicate/);
    assert.throws(() => fdt.root.setU32('v', -1), RangeError);
    assert.throws(() => fdt.root.setU32('v', 2 ** 32), RangeError);
  });

  it('formats a DTS-like listing', () => {
    const text = formatFdt(sampleTree());
    assert.match(text, /a@1000 \{/);
    assert.match(text, /compatible = "x,one", "x,two";/);
    assert.match(text, /reg = <0x0 0x1000 0x0 0x100>;/);
    assert.match(text, /\tflag;/);
  });

  describe('against dtc', function () {
    let dir = '';
    before(function () {
      if (!haveDtc) {
        console.warn('SKIP: dtc (Debian package device-tree-compiler) is not installed');
        this.skip();
      }
      dir = mkdtempSync(join(tmpdir(), 'hvscope-fdt-'));
    });
    after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

    it('dtc reads what we write', () => {
      const file = join(dir, 'ours.dtb');
      writeFileSync(file, sampleTree().toBytes());
      const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', file], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /\/memreserve\/\s+0x0*80000000 0x0*200000;/);
      assert.match(r.stdout, /compatible = "x,one\\0x,two";/);
      assert.match(r.stdout, /big = <0x01 0x23456789>;/);
      assert.match(r.stdout, /raw = \[01 02 03\];/);
      assert.match(r.stdout, /link = <0x01>;/);
    });

    it('we read what dtc writes', () => {
      const src = join(dir, 'in.dts');
      writeFileSync(src, `/dts-v1/;
/memreserve/ 0x1000 0x2000;
/ {
  model = "m";
  n1: node@10 { reg = <0x10>; list = "a", "bc"; empty; };
  other { ref = <&n1>; bytes = [de ad]; };
};
`);
      const out = join(dir, 'in.dtb');
      const r = spawnSync('dtc', ['-I', 'dts', '-O', 'dtb', '-o', out, src], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const fdt = parseFdt(new Uint8Array(readFileSync(out)));
      assert.deepEqual(fdt.reservations, [{ address: 0x1000n, size: 0x2000n }]);
      assert.equal(fdt.root.getString('model'), 'm');
      const n = fdt.find('/node@10')!;
      assert.deepEqual(n.getStrings('list'), ['a', 'bc']);
      assert.ok(n.has('empty'));
      assert.equal(fdt.byPhandle(fdt.find('/other')!.getU32('ref')!), n);
      assert.deepEqual([...fdt.find('/other')!.prop('bytes')!], [0xde, 0xad]);
    });
  });
});
