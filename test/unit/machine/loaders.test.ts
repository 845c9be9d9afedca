import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../../src/common/errors';
import { parseElf64 } from '../../../src/elf/elf64';
import {
  applyLoadPlan, detectImage, parseLinuxImage, planElf, planExtent, planImage, planLinuxImage, planRaw,
} from '../../../src/machine/loaders';

const GUESTS = join(homedir(), '.cache', 'hvscope-guests');
const RAM = 0x8000_0000;

/** A Linux Image header (boot-image-header.rst layout) followed by `body` bytes. */
function linuxImage(fields: { textOffset?: bigint; imageSize?: bigint; flags?: bigint; version?: number; magic?: boolean; magic2?: boolean } = {}, body = 0x40): Uint8Array {
  const b = new Uint8Array(64 + body);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, 0x0000006f, true); // j . (code0)
  dv.setBigUint64(8, fields.textOffset ?? 0x200000n, true);
  dv.setBigUint64(16, fields.imageSize ?? 0x1000n, true);
  dv.setBigUint64(24, fields.flags ?? 0n, true);
  dv.setUint32(32, fields.version ?? 2, true);
  if (fields.magic ?? true) b.set([0x52, 0x49, 0x53, 0x43, 0x56, 0, 0, 0], 0x30);
  if (fields.magic2 ?? true) b.set([0x52, 0x53, 0x43, 0x05], 0x38);
  return b;
}

/** A minimal ELF64 RISC-V executable: program headers only. */
function elfWithSegments(segs: { vaddr: bigint; paddr: bigint; data: number[]; memsz: number }[], entry: bigint, type = 2): Uint8Array {
  const phoff = 64, dataOff = phoff + segs.length * 56;
  const total = dataOff + segs.reduce((n, s) => n + s.data.length, 0);
  const b = new Uint8Array(total);
  const dv = new DataView(b.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  dv.setUint16(16, type, true);
  dv.setUint16(18, 243, true);
  dv.setBigUint64(24, entry, true);
  dv.setBigUint64(32, BigInt(phoff), true);
  dv.setUint16(52, 64, true);
  dv.setUint16(54, 56, true);
  dv.setUint16(56, segs.length, true);
  let off = dataOff;
  segs.forEach((s, i) => {
    const o = phoff + i * 56;
    dv.setUint32(o, 1, true);
    dv.setUint32(o + 4, 7, true);
    dv.setBigUint64(o + 8, BigInt(off), true);
    dv.setBigUint64(o + 16, s.vaddr, true);
    dv.setBigUint64(o + 24, s.paddr, true);
    dv.setBigUint64(o + 32, BigInt(s.data.length), true);
    dv.setBigUint64(o + 40, BigInt(s.memsz), true);
    b.set(s.data, off);
    off += s.data.length;
  });
  return b;
}

describe('machine/loaders', () => {
  it('detects ELF, Linux Image and raw binaries', () => {
    assert.equal(detectImage(elfWithSegments([{ vaddr: 0n, paddr: 0n, data: [1], memsz: 1 }], 0n)), 'elf');
    assert.equal(detectImage(linuxImage()), 'linux-image');
    assert.equal(detectImage(linuxImage({ magic: false })), 'linux-image');
    assert.equal(detectImage(linuxImage({ magic2: false })), 'linux-image');
    assert.equal(detectImage(linuxImage({ magic: false, magic2: false })), 'raw');
    assert.equal(detectImage(new Uint8Array([0x13, 0, 0, 0])), 'raw');
  });

  it('parses the Linux Image header', () => {
    const h = parseLinuxImage(linuxImage({ textOffset: 0x400000n, imageSize: 0x12345000n, version: (1 << 16) | 3 }));
    assert.equal(h.code0, 0x6f);
    assert.equal(h.textOffset, 0x400000);
    assert.equal(h.imageSize, 0x12345000);
    assert.deepEqual(h.version, { major: 1, minor: 3 });
    assert.equal(h.bigEndian, false);
    assert.equal(h.hasMagic && h.hasMagic2, true);
    assert.equal(h.efiStub, false);
  });

  it('rejects a bad Linux Image header with UserError', () => {
    assert.throws(() => parseLinuxImage(new Uint8Array(10)), (e: unknown) => e instanceof UserError && /shorter than the 64-byte header/.test(e.message));
    assert.throws(() => parseLinuxImage(linuxImage({ magic: false, magic2: false })), /no "RSC\\x05" magic/);
    assert.throws(() => parseLinuxImage(linuxImage({ flags: 1n })), /big-endian/);
    assert.throws(() => parseLinuxImage(linuxImage({ textOffset: 0x200010n })), /not page aligned/);
    assert.throws(() => parseLinuxImage(linuxImage({ imageSize: 8n })), /smaller than its header/);
    assert.throws(() => parseLinuxImage(linuxImage({ textOffset: 1n << 60n })), UserError);
  });

  it('plans a Linux Image at RAM + text_offset with its bss zeroed', () => {
    const img = linuxImage({ imageSize: 0x1000n }, 0x40);
    const plan = planLinuxImage(img, RAM);
    assert.equal(plan.kind, 'linux-image');
    assert.equal(plan.entry, 0x8020_0000);
    assert.equal(plan.segments.length, 1);
    assert.equal(plan.segments[0].addr, 0x8020_0000);
    assert.equal(plan.segments[0].bytes, img);
    assert.equal(plan.segments[0].zeroFill, 0x1000 - img.length);
    assert.deepEqual(planExtent(plan), { start: 0x8020_0000, end: 0x8020_1000 });
    assert.throws(() => planLinuxImage(img, RAM, { base: RAM, size: 0x200000 }), /does not fit/);
  });

  it('plans raw binaries', () => {
    const bytes = new Uint8Array([0x73, 0, 0x50, 0x10]);
    const plan = planRaw(bytes, 0x8000_0000);
    assert.deepEqual(plan.segments, [{ addr: 0x8000_0000, bytes, zeroFill: 0 }]);
    assert.equal(plan.entry, 0x8000_0000);
    assert.throws(() => planRaw(new Uint8Array(0), RAM), /empty/);
    assert.throws(() => planRaw(bytes, 0x1000, { base: RAM, size: 0x1000 }), UserError);
  });

  it('plans ELF segments at their physical addresses and moves the entry with them', () => {
    const elf = parseElf64(elfWithSegments([
      { vaddr: 0xffff_ffff_8000_0000n, paddr: 0x8020_0000n, data: [1, 2, 3, 4], memsz: 0x10 },
      { vaddr: 0xffff_ffff_8000_1000n, paddr: 0x8020_1000n, data: [5], memsz: 1 },
    ], 0xffff_ffff_8000_0002n));
    const plan = planElf(elf, { region: { base: RAM, size: 0x1000_0000 } });
    assert.equal(plan.kind, 'elf');
    assert.deepEqual(plan.segments.map((s) => [s.addr, [...s.bytes], s.zeroFill]), [[0x8020_0000, [1, 2, 3, 4], 12], [0x8020_1000, [5], 0]]);
    assert.equal(plan.entry, 0x8020_0002);
    assert.equal(planElf(elf, { bias: 0x100000 }).segments[1].addr, 0x8030_1000);
    assert.throws(() => planElf(elf, { usePaddr: false }), /not a physical address/);
    assert.throws(() => planElf(elf, { region: { base: RAM, size: 0x200000 } }), /does not fit in memory/);
  });

  it('rejects ELF plans that cannot load', () => {
    const overlap = parseElf64(elfWithSegments([
      { vaddr: ramAt(0), paddr: ramAt(0), data: [1, 2], memsz: 0x100 },
      { vaddr: ramAt(0x80), paddr: ramAt(0x80), data: [3], memsz: 1 },
    ], ramAt(0)));
    assert.throws(() => planElf(overlap), /overlap/);
    const rel = parseElf64(elfWithSegments([{ vaddr: 0n, paddr: 0n, data: [1], memsz: 1 }], 0n, 1));
    assert.throws(() => planElf(rel), /not an executable/);
    const none = parseElf64(elfWithSegments([], 0n));
    assert.throws(() => planElf(none), /no loadable/);
  });

  it('writes a plan through the memory interface', () => {
    const img = linuxImage({ imageSize: 0x100n }, 0x10);
    const calls: string[] = [];
    applyLoadPlan(planImage(img, { ramBase: RAM, rawLoadAddr: 0x8020_0000 }), {
      writePhys: (addr, bytes) => calls.push(`write ${addr.toString(16)} ${bytes.length}`),
      zeroPhys: (addr, len) => calls.push(`zero ${addr.toString(16)} ${len}`),
    });
    assert.deepEqual(calls, ['write 80200000 80', 'zero 80200050 176']);
    assert.equal(planImage(new Uint8Array([1, 2, 3, 4]), { ramBase: RAM, rawLoadAddr: 0x8020_0000 }).kind, 'raw');
  });

  describe('real guests', () => {
    it('reads the Debian Linux Image header', function () {
      const file = join(GUESTS, 'linux', 'Image');
      if (!existsSync(file)) {
        console.warn(`SKIP: ${file} missing (run npm run guests)`);
        this.skip();
      }
      const bytes = new Uint8Array(readFileSync(file));
      assert.equal(detectImage(bytes), 'linux-image');
      const h = parseLinuxImage(bytes);
      assert.equal(h.textOffset, 0x200000);
      assert.ok(h.hasMagic2, 'magic2 "RSC\\x05"');
      assert.ok(h.hasMagic, 'magic "RISCV"');
      assert.deepEqual(h.version, { major: 0, minor: 2 });
      assert.ok(h.efiStub, 'Debian kernels carry the EFI stub ("MZ")');
      assert.ok(h.imageSize >= bytes.length, 'image_size covers the file and the bss');
      assert.equal(h.imageSize % 4096, 0);
      const plan = planLinuxImage(bytes, RAM, { base: RAM, size: 256 << 20 });
      assert.equal(plan.entry, 0x8020_0000);
      assert.equal(planExtent(plan).end, 0x8020_0000 + h.imageSize);
    });

    it('plans OpenSBI fw_jump.elf', function () {
      const file = join(GUESTS, 'opensbi', 'fw_jump.elf');
      if (!existsSync(file)) {
        console.warn(`SKIP: ${file} missing (run npm run guests)`);
        this.skip();
      }
      const elf = parseElf64(new Uint8Array(readFileSync(file)));
      const plan = planImage(elf.bytes, { ramBase: RAM, rawLoadAddr: RAM, region: { base: RAM, size: 256 << 20 } });
      assert.equal(plan.kind, 'elf');
      assert.equal(plan.entry, 0x8000_0000);
      const seg = elf.loadSegments[0];
      assert.equal(plan.segments[0].addr, 0x8000_0000);
      assert.equal(plan.segments[0].bytes.length, seg.filesz);
      assert.equal(plan.segments[0].zeroFill, seg.memsz - seg.filesz);
      assert.ok(plan.symbols.length > 0);
    });
  });
});

function ramAt(off: number): bigint {
  return BigInt(RAM + off);
}
