import assert from 'node:assert/strict';
import { expandCompressed } from '../../../../src/riscv/isa/compressed';

// Expected words are the 32-bit encodings of the spec's expansions, checked by hand against
// the instruction listings (and `riscv64-unknown-elf-as` for the assembly shown).
describe('riscv/isa/compressed expandCompressed', () => {
  const cases: [number, number, string][] = [
    [0x0001, 0x00000013, 'c.nop → addi x0,x0,0'],
    [0x1141, 0xff010113, 'c.addi sp,-16 → addi sp,sp,-16'],
    [0x0028, 0x00810513, 'c.addi4spn a0,sp,8 → addi a0,sp,8'],
    [0x6108, 0x00053503, 'c.ld a0,0(a0) → ld a0,0(a0)'],
    [0x60a2, 0x00813083, 'c.ldsp ra,8(sp) → ld ra,8(sp)'],
    [0xe406, 0x00113423, 'c.sdsp ra,8(sp) → sd ra,8(sp)'],
    [0x8082, 0x00008067, 'c.jr ra → jalr x0,0(ra)'],
    [0x9082, 0x000080e7, 'c.jalr ra → jalr ra,0(ra)'],
    [0x852e, 0x00b00533, 'c.mv a0,a1 → add a0,x0,a1'],
    [0x952e, 0x00b50533, 'c.add a0,a1 → add a0,a0,a1'],
    [0x9002, 0x00100073, 'c.ebreak'],
    [0x4505, 0x00100513, 'c.li a0,1 → addi a0,x0,1'],
    [0x6505, 0x00001537, 'c.lui a0,0x1'],
    [0x7ffd, 0xffffffb7, 'c.lui t6,0xfffff'],
    [0x7101, 0xe0010113, 'c.addi16sp sp,-512'],
    [0x2505, 0x0015051b, 'c.addiw a0,1'],
    [0x8105, 0x00155513, 'c.srli a0,1'],
    [0x8505, 0x40155513, 'c.srai a0,1'],
    [0x897d, 0x01f57513, 'c.andi a0,31'],
    [0x8d0d, 0x40b50533, 'c.sub a0,a1'],
    [0x9d2d, 0x00b5053b, 'c.addw a0,a1'],
    [0x050a, 0x00251513, 'c.slli a0,2'],
    [0xa001, 0x0000006f, 'c.j . (offset 0)'],
    [0xbffd, 0xfffff06f, 'c.j .-2'],
    [0xc111, 0x00050263, 'c.beqz a0,.+4'],
    [0xfd7d, 0xfe051fe3, 'c.bnez a0,.-2'],
    [0x2008, 0x00043507, 'c.fld fa0,0(s0)'],
    [0x8001, 0x00045413, 'c.srli s0,0 (RV64 HINT) → srli s0,s0,0'],
    [0x0505, 0x00150513, 'c.addi a0,1'],
  ];
  for (const [p, w, what] of cases) {
    it(`${what} (0x${p.toString(16)})`, () => {
      assert.equal((expandCompressed(p) >>> 0).toString(16), (w >>> 0).toString(16));
    });
  }

  it('returns 0 for reserved and illegal parcels', () => {
    for (const p of [
      0x0000, // all zeros: illegal
      0x0004, // c.addi4spn with nzuimm = 0
      0x4002, // c.lwsp with rd = 0
      0x6002, // c.ldsp with rd = 0
      0x8002, // c.jr with rs1 = 0
      0x2001, // c.addiw with rd = 0
      0x6101, // c.addi16sp with nzimm = 0
      0x6081, // c.lui with nzimm = 0
      0x8000, // quadrant 0 funct3 100: reserved
      0x9c41, // c.subw/c.addw space, reserved half
    ]) assert.equal(expandCompressed(p), 0, `0x${p.toString(16)}`);
  });
});
