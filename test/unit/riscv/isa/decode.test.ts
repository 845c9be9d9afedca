import assert from 'node:assert/strict';
import { decode16, decode32, decodeAt } from '../../../../src/riscv/isa/decode';
import { ENCODINGS, specByName } from '../../../../src/riscv/isa/encodings';
import { disassemble, disassembleWord } from '../../../../src/riscv/isa/disasm';

describe('riscv/isa/decode', () => {
  it('has dense ids and a unique name per entry', () => {
    ENCODINGS.forEach((s, i) => assert.equal(s.id, i));
    assert.equal(new Set(ENCODINGS.map((s) => s.name)).size, ENCODINGS.length);
    for (const n of ['fcvt.l.d', 'fcvt.lu.s', 'fmv.x.d', 'fmv.d.x', 'fence.i', 'sfence.vma', 'hlvx.wu', 'hsv.d', 'amomaxu.d', 'lr.w', 'sc.d']) {
      assert.ok(specByName(n), n);
    }
  });

  it('no two entries match the same word (except by design)', () => {
    for (const a of ENCODINGS) for (const b of ENCODINGS) {
      if (a === b) continue;
      const common = a.mask & b.mask;
      assert.ok((a.match & common) !== (b.match & common), `${a.name} overlaps ${b.name}`);
    }
  });

  it('extracts I, S, B, U, J immediates with sign', () => {
    let d = decode32(0xff010113)!; // addi sp,sp,-16
    assert.equal(d.spec.name, 'addi'); assert.equal(d.rd, 2); assert.equal(d.rs1, 2); assert.equal(d.imm, -16);
    d = decode32(0xfe113c23)!; // sd ra,-8(sp)
    assert.equal(d.spec.name, 'sd'); assert.equal(d.rs2, 1); assert.equal(d.rs1, 2); assert.equal(d.imm, -8);
    d = decode32(0xfe051ee3)!; // bnez a0,.-4
    assert.equal(d.spec.name, 'bne'); assert.equal(d.imm, -4);
    d = decode32(0x800000b7)!; // lui ra,0x80000
    assert.equal(d.spec.name, 'lui'); assert.equal(d.imm, 0x80000000 | 0);
    d = decode32(0xffdff06f)!; // j .-4
    assert.equal(d.spec.name, 'jal'); assert.equal(d.rd, 0); assert.equal(d.imm, -4);
    d = decode32(0x03f51513)!; // slli a0,a0,63
    assert.equal(d.spec.name, 'slli'); assert.equal(d.imm, 63);
    d = decode32(0x4015551b)!; // sraiw a0,a0,1
    assert.equal(d.spec.name, 'sraiw'); assert.equal(d.imm, 1);
  });

  it('fills csr, rm, rs3 and aq/rl', () => {
    let d = decode32(0x34202573)!; // csrr a0,mcause
    assert.equal(d.spec.name, 'csrrs'); assert.equal(d.csr, 0x342); assert.equal(d.imm, 0);
    d = decode32(0x02c5f553)!; // fadd.d fa0,fa1,fa2 (rm=dyn)
    assert.equal(d.spec.name, 'fadd.d'); assert.equal(d.rm, 7);
    d = decode32(0x6ac5f543)!; // fmadd.d fa0,fa1,fa2,fa3
    assert.equal(d.spec.name, 'fmadd.d'); assert.equal(d.rs3, 13);
    d = decode32(0x1605a52f)!; // lr.w.aqrl a0,(a1)
    assert.equal(d.spec.name, 'lr.w'); assert.equal(d.imm, 3);
    d = decode32(0x0100000f)!; // pause decodes as fence
    assert.equal(d.spec.name, 'fence'); assert.equal(d.imm, 0x010);
  });

  it('decodes the H extension', () => {
    assert.equal(decode32(0x6005c573)?.spec.name, 'hlv.b');
    assert.equal(decode32(0x6435c573)?.spec.name, 'hlvx.hu');
    assert.equal(decode32(0x6eb54073)?.spec.name, 'hsv.d');
    assert.equal(decode32(0x62b50073)?.spec.name, 'hfence.gvma');
    assert.equal(decode32(0x22b50073)?.spec.name, 'hfence.vvma');
    assert.equal(decode32(0x6425c573), undefined); // hlv.h with rs2=2: not defined
  });

  it('rejects what is not RV64GC+H', () => {
    assert.equal(decode32(0x08c5853b), undefined); // add.uw (Zba)
    assert.equal(decode32(0x04c5f553), undefined); // fadd.h (Zfh)
    assert.equal(decode32(0x022180d7), undefined); // vadd.vv (V)
    assert.equal(decode32(0x02051513)?.spec.name, 'slli'); // slli a0,a0,32: legal in RV64
    assert.equal(decode32(0x82051513), undefined); // slli with funct6 != 0
    assert.equal(decode32(0x0000a033)?.spec.name, 'slt'); // slt x0,x1,x0 is a HINT, still decodes
    assert.equal(decode32(0x00000000), undefined);
    assert.equal(decode32(0xffffffff), undefined);
  });

  it('decodes compressed parcels through the expansion', () => {
    const d = decode16(0x1141)!;
    assert.equal(d.spec.name, 'addi'); assert.equal(d.len, 2); assert.equal(d.raw, 0x1141);
    assert.equal(d.word >>> 0, 0xff010113); assert.equal(d.imm, -16);
    assert.equal(decode16(0x0000), undefined);
    assert.equal(decode16(0x8002), undefined);
    assert.equal(decodeAt(0x00008082)?.spec.name, 'jalr');
    assert.equal(decodeAt(0x00008082)?.len, 2);
    assert.equal(decodeAt(0xff010113)?.len, 4);
    assert.equal(decodeAt(0x0000001f), undefined); // 48-bit encoding
  });

  it('disassembles like objdump (hand-checked samples)', () => {
    const dis = (w: number, pc = 0x80000000n): string => disassembleWord(w, pc).text;
    assert.equal(dis(0xff010113), 'add\tsp,sp,-16');
    assert.equal(dis(0x00813083), 'ld\tra,8(sp)');
    assert.equal(dis(0x00050463), 'beqz\ta0,0x80000008');
    assert.equal(dis(0x00008067), 'ret');
    assert.equal(dis(0x0100000f), 'pause');
    assert.equal(dis(0x8330000f), 'fence.tso');
    assert.equal(dis(0x0310000f), 'fence\trw,w');
    assert.equal(dis(0xc0051553), 'fcvt.w.s\ta0,fa0,rtz');
    assert.equal(dis(0x30200073), 'mret');
    assert.equal(dis(0x30529073), 'csrw\tmtvec,t0');
    assert.equal(dis(0x6005c573), 'hlv.b\ta0,(a1)');
    assert.equal(dis(0x00001141), 'add\tsp,sp,-16');
    assert.equal(dis(0x0000852e), 'mv\ta0,a1');
    assert.equal(dis(0x00000000), 'unimp');
    assert.equal(dis(0x08c5853b), '.4byte\t0x8c5853b');
    const d = decode32(0x0080006f)!; // j .+8
    assert.equal(disassemble(d, 0x80000000n, (a) => (a === 0x80000008n ? 'foo+0x8' : undefined)), 'j\t80000008 <foo+0x8>');
  });
});
