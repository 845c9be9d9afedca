import assert from 'node:assert/strict';
import { decodeGuestInsn, decodeHtinst, emulateMmio, isHtinstPseudo } from '../../../src/hypervisor/mmio';
import { Bus } from '../../../src/devices/bus';
import type { Device } from '../../../src/devices/device';
import { I, R } from '../riscv/hart/asm';

/** A device that records writes and answers reads with a fixed pattern. */
class Reg implements Device {
  readonly name = 'reg';
  writes: [number, number, number][] = [];
  read(offset: number, size: 1 | 2 | 4): number { return this.peek(offset, size); }
  peek(offset: number, size: 1 | 2 | 4): number {
    const v = offset === 0 ? 0xfedcba98 : 0x01234567;
    return size === 4 ? v : v & (size === 1 ? 0xff : 0xffff);
  }
  write(offset: number, size: 1 | 2 | 4, value: number): void { this.writes.push([offset, size, value]); }
}

describe('hypervisor/mmio decode', () => {
  it('decodes a 32-bit transformed load/store from htinst (rs1 = address offset)', () => {
    const lw = decodeHtinst(I.lw(R.a2, 0, 0));
    assert.deepEqual(lw && { ...lw }, { name: 'lw', store: false, size: 4, signed: true, fp: false, reg: R.a2, len: 4, raw: I.lw(R.a2, 0, 0) });
    const sd = decodeHtinst(I.sd(R.t1, 3, 0)); // offset 3 in the rs1 field
    assert.equal(sd?.name, 'sd'); assert.equal(sd?.reg, R.t1); assert.equal(sd?.size, 8); assert.equal(sd?.len, 4);
    const lbu = decodeHtinst(((0 << 20) | (0 << 15) | (4 << 12) | (R.a0 << 7) | 0x03) | 0);
    assert.equal(lbu?.name, 'lbu'); assert.equal(lbu?.signed, false);
  });

  it('decodes a compressed original from htinst (bit 1 clear) with length 2', () => {
    const t = I.sw(R.a0, 0, 0) & ~2; // c.sw a0, 0(a1) transforms to sw a0 with bit 1 cleared
    const m = decodeHtinst(t);
    assert.equal(m?.name, 'sw'); assert.equal(m?.store, true); assert.equal(m?.reg, R.a0); assert.equal(m?.len, 2);
  });

  it('rejects 0, pseudoinstructions and non-load/store instructions', () => {
    assert.equal(decodeHtinst(0), undefined);
    for (const p of [0x2000, 0x3000, 0x2020, 0x3020]) { assert.ok(isHtinstPseudo(p)); assert.equal(decodeHtinst(p), undefined); }
    assert.equal(decodeHtinst(I.addi(1, 1, 1)), undefined);
    assert.equal(decodeHtinst(I.amoaddW(R.a0, R.a1, 0)), undefined, 'AMOs are not emulated on MMIO');
  });

  it('decodes instructions read from guest memory, compressed and not', () => {
    const clw = decodeGuestInsn(0x41c8); // c.lw a0, 4(a1)
    assert.equal(clw?.name, 'lw'); assert.equal(clw?.reg, R.a0); assert.equal(clw?.len, 2); assert.equal(clw?.raw, 0x41c8);
    const csd = decodeGuestInsn(0xe588); // c.sd a0, 8(a1)
    assert.equal(csd?.name, 'sd'); assert.equal(csd?.reg, R.a0); assert.equal(csd?.len, 2);
    const sb = decodeGuestInsn(I.sb(R.t0, R.a1, 5));
    assert.equal(sb?.name, 'sb'); assert.equal(sb?.reg, R.t0); assert.equal(sb?.len, 4);
    // The upper parcel of a compressed instruction is ignored.
    assert.equal(decodeGuestInsn((0x1234 << 16) | 0x41c8)?.name, 'lw');
    assert.equal(decodeGuestInsn(I.wfi()), undefined);
  });
});

describe('hypervisor/mmio emulate', () => {
  const setup = (): { bus: Bus; dev: Reg; regs: { x: Int32Array; f: Int32Array } } => {
    const bus = new Bus();
    const dev = new Reg();
    assert.equal(bus.map(0x1000_0000, 0x100, dev), undefined);
    return { bus, dev, regs: { x: new Int32Array(66), f: new Int32Array(64) } };
  };

  it('sign- and zero-extends loads into x registers', () => {
    const { bus, regs } = setup();
    assert.ok(emulateMmio(regs, bus, 0x1000_0000, decodeGuestInsn(I.lw(R.a0, 0, 0))!));
    assert.deepEqual([regs.x[20], regs.x[21]], [0xfedcba98 | 0, -1]);
    assert.ok(emulateMmio(regs, bus, 0x1000_0000, decodeGuestInsn(I.lb(R.a1, 0, 0))!));
    assert.deepEqual([regs.x[22], regs.x[23]], [(0x98 << 24) >> 24, -1]);
    assert.ok(emulateMmio(regs, bus, 0x1000_0000, decodeHtinst(((4 << 12) | (R.a2 << 7) | 0x03) | 0)!)); // lbu
    assert.deepEqual([regs.x[24], regs.x[25]], [0x98, 0]);
    assert.ok(emulateMmio(regs, bus, 0x1000_0000, decodeGuestInsn(I.ld(R.a3, 0, 0))!));
    assert.deepEqual([regs.x[26] >>> 0, regs.x[27] >>> 0], [0xfedcba98, 0x01234567]);
    // x0 stays zero
    assert.ok(emulateMmio(regs, bus, 0x1000_0000, decodeGuestInsn(I.lw(0, 0, 0))!));
    assert.equal(regs.x[0], 0);
  });

  it('stores from x and f registers, and reports unmapped addresses', () => {
    const { bus, dev, regs } = setup();
    regs.x[2 * R.t1] = 0x11223344; regs.x[2 * R.t1 + 1] = 0x55667788;
    assert.ok(emulateMmio(regs, bus, 0x1000_0004, decodeGuestInsn(I.sh(R.t1, 0, 0))!));
    assert.ok(emulateMmio(regs, bus, 0x1000_0008, decodeGuestInsn(I.sd(R.t1, 0, 0))!));
    assert.deepEqual(dev.writes, [[4, 2, 0x3344], [8, 4, 0x11223344], [12, 4, 0x55667788]]);
    regs.f[2 * 3] = 0x3f800000; regs.f[2 * 3 + 1] = -1;
    const fsw = ((0 << 25) | (3 << 20) | (0 << 15) | (2 << 12) | 0x27) | 0;
    assert.ok(emulateMmio(regs, bus, 0x1000_0010, decodeGuestInsn(fsw)!));
    assert.deepEqual(dev.writes[3], [0x10, 4, 0x3f800000]);
    const flw = ((2 << 12) | (5 << 7) | 0x07) | 0;
    assert.ok(emulateMmio(regs, bus, 0x1000_0000, decodeGuestInsn(flw)!));
    assert.deepEqual([regs.f[10], regs.f[11]], [0xfedcba98 | 0, -1], 'flw NaN-boxes');
    assert.equal(emulateMmio(regs, bus, 0x2000_0000, decodeGuestInsn(I.lw(R.a0, 0, 0))!), false);
    assert.equal(emulateMmio(regs, bus, 0x1000_00fe, decodeGuestInsn(I.sw(R.a0, 0, 0))!), false, 'straddles the window');
  });
});
