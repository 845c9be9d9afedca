import assert from 'node:assert/strict';
import { PMP_L, PMP_R, PMP_W, PMP_X, Pmp, PmpA, PRIV_M, PRIV_S, PRIV_U } from '../../../src/mmu/pmp';
import { Access } from '../../../src/mmu/pte';

const cfgByte = (a: number, perms: number, lock = false): number => (a << 3) | perms | (lock ? PMP_L : 0);
/** Writes pmp<i>cfg alone, keeping the other bytes of its pmpcfg CSR. */
function setCfg(p: Pmp, i: number, v: number): void {
  const n = (i >> 3) * 2;
  let lo = p.readCfg(n);
  let hi = p.hi;
  const k = i & 7;
  if (k < 4) lo = (lo & ~(0xff << (8 * k))) | (v << (8 * k));
  else hi = (hi & ~(0xff << (8 * (k - 4)))) | (v << (8 * (k - 4)));
  p.writeCfg(n, lo, hi);
}
const setAddr = (p: Pmp, i: number, byteAddr: number): void => {
  const v = byteAddr / 4;
  p.writeAddr(i, v % 2 ** 32 | 0, Math.floor(v / 2 ** 32));
};
const napot = (base: number, size: number): number => base / 4 + (size / 8 - 1);

describe('mmu/pmp', () => {
  it('with no active entry: M-mode succeeds, S/U fail; with no entries implemented all succeed', () => {
    const p = new Pmp(16);
    assert.equal(p.check(0x8000_0000, 8, Access.Load, PRIV_M), true);
    assert.equal(p.check(0x8000_0000, 8, Access.Load, PRIV_S), false);
    assert.equal(p.check(0x8000_0000, 4, Access.Fetch, PRIV_U), false);
    const none = new Pmp(0);
    assert.equal(none.check(0x8000_0000, 8, Access.Store, PRIV_U), true);
    assert.equal(none.readCfg(0), 0);
  });

  it('TOR matches [pmpaddr(i-1), pmpaddr(i)) and fails a partial match', () => {
    const p = new Pmp(16);
    setAddr(p, 0, 0x8000_0000);
    setAddr(p, 1, 0x8000_2000);
    setCfg(p, 1, cfgByte(PmpA.Tor, PMP_R | PMP_W));
    assert.equal(p.check(0x8000_0000, 8, Access.Load, PRIV_S), true);
    assert.equal(p.check(0x8000_1ff8, 8, Access.Store, PRIV_U), true);
    assert.equal(p.check(0x8000_1ffc, 8, Access.Load, PRIV_S), false, 'straddles the top');
    assert.equal(p.check(0x7fff_fffc, 8, Access.Load, PRIV_S), false, 'straddles the bottom');
    assert.equal(p.check(0x8000_2000, 4, Access.Load, PRIV_S), false, 'no match');
    assert.equal(p.check(0x8000_1000, 4, Access.Fetch, PRIV_S), false, 'X=0');
    // TOR in entry 0 starts at zero.
    const q = new Pmp(16);
    setAddr(q, 0, 0x1000);
    setCfg(q, 0, cfgByte(PmpA.Tor, PMP_X));
    assert.equal(q.check(0, 4, Access.Fetch, PRIV_U), true);
    assert.equal(q.check(0x1000, 4, Access.Fetch, PRIV_U), false);
  });

  it('NA4 and NAPOT decode their ranges, including all-ones (everything)', () => {
    const p = new Pmp(16);
    setAddr(p, 0, 0x1000_0000);
    setCfg(p, 0, cfgByte(PmpA.Na4, PMP_R));
    p.writeAddr(1, napot(0x8000_0000, 0x20_0000), 0);
    setCfg(p, 1, cfgByte(PmpA.Napot, PMP_R | PMP_X));
    assert.deepEqual(p.rangeOf(0), { start: 0x1000_0000, end: 0x1000_0004 });
    assert.deepEqual(p.rangeOf(1), { start: 0x8000_0000, end: 0x8020_0000 });
    assert.equal(p.check(0x1000_0000, 4, Access.Load, PRIV_S), true);
    assert.equal(p.check(0x1000_0000, 8, Access.Load, PRIV_S), false);
    assert.equal(p.check(0x801f_fffc, 4, Access.Fetch, PRIV_S), true);
    assert.equal(p.check(0x8020_0000, 4, Access.Fetch, PRIV_S), false);
    p.writeAddr(2, -1, 0x003f_ffff);
    setCfg(p, 2, cfgByte(PmpA.Napot, PMP_R | PMP_W | PMP_X));
    assert.equal(p.check(0x3_0000_0000, 8, Access.Store, PRIV_U), true);
    assert.equal(p.check(0x8000_0000, 8, Access.Store, PRIV_U), false, 'entry 1 has priority and denies W');
  });

  it('the lowest-numbered matching entry decides', () => {
    const p = new Pmp(16);
    p.writeAddr(0, napot(0x8000_0000, 0x1000), 0);
    setCfg(p, 0, cfgByte(PmpA.Napot, 0)); // deny the first page
    p.writeAddr(1, napot(0x8000_0000, 0x10_0000), 0);
    setCfg(p, 1, cfgByte(PmpA.Napot, PMP_R | PMP_W | PMP_X));
    assert.equal(p.check(0x8000_0800, 8, Access.Load, PRIV_S), false);
    assert.equal(p.check(0x8000_1000, 8, Access.Load, PRIV_S), true);
    assert.equal(p.check(0x8000_0000, 4096, Access.Load, PRIV_S), false);
    assert.equal(p.check(0x8000_1000, 4096, Access.Load, PRIV_S), true, 'a whole page may be cached');
    assert.equal(p.check(0x8000_0800, 8, Access.Load, PRIV_M), true, 'M ignores unlocked entries');
  });

  it('locked entries bind M-mode and ignore writes, including the TOR bottom', () => {
    const p = new Pmp(16);
    setAddr(p, 0, 0x8000_0000);
    setAddr(p, 1, 0x8010_0000);
    setCfg(p, 1, cfgByte(PmpA.Tor, PMP_R, true));
    assert.equal(p.check(0x8000_0000, 8, Access.Store, PRIV_M), false);
    assert.equal(p.check(0x8000_0000, 8, Access.Load, PRIV_M), true);
    const before = p.changed;
    setCfg(p, 1, cfgByte(PmpA.Off, PMP_R | PMP_W | PMP_X));
    setAddr(p, 1, 0x9000_0000);
    setAddr(p, 0, 0x7000_0000);
    assert.equal(p.cfgOf(1), cfgByte(PmpA.Tor, PMP_R, true));
    assert.equal(p.addrOf(1), 0x8010_0000 / 4);
    assert.equal(p.addrOf(0), 0x8000_0000 / 4, 'pmpaddr0 is the bottom of a locked TOR entry');
    assert.equal(p.changed, before, 'nothing changed');
    // Entry 0 itself is not locked: its cfg is still writable.
    setCfg(p, 0, cfgByte(PmpA.Na4, PMP_R));
    assert.equal(p.cfgOf(0), cfgByte(PmpA.Na4, PMP_R));
    assert.ok(p.changed > before);
  });

  it('WARL: R=0/W=1 clears W, bits 6:5 read zero, pmpaddr keeps 54 bits, unimplemented entries read zero', () => {
    const p = new Pmp(16);
    p.writeCfg(0, PMP_W | 0x60 | (cfgByte(PmpA.Napot, PMP_R | PMP_W) << 8), 0x12345678);
    assert.equal(p.readCfg(0), cfgByte(PmpA.Napot, PMP_R | PMP_W) << 8);
    // Bytes 0x78 0x56 0x34 0x12 → bits 6:5 dropped → 0x18 0x16 0x14 0x12 → W cleared where R=0.
    assert.equal(p.hi, 0x10141418);
    assert.equal(p.cfgOf(4), 0x18);
    p.writeAddr(3, 0xdeadbeef | 0, -1);
    assert.equal(p.readAddr(3), 0xdeadbeef | 0);
    assert.equal(p.hi, 0x003f_ffff);
    p.writeCfg(2, -1, -1);
    assert.equal(p.readCfg(2), 0x9f9f9f9f | 0, 'entries 8..15 (R=W=X=1 so no W clearing)');
    p.writeCfg(4, -1, -1);
    assert.equal(p.readCfg(4), 0, 'entries 16..23 are not implemented');
    assert.throws(() => p.readCfg(1), /illegal/);
  });
});
