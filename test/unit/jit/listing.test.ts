// The listing API (JitListingSource) of a machine running translated code.
import assert from 'node:assert';
import { Asm, I, R } from '../riscv/hart/asm';
import { RAM } from '../riscv/hart/harness';
import { machine } from './rig';
import { formatBlockListing } from '../../../src/jit/listing';

describe('jit: listings', () => {
  it('lists blocks with guest disassembly, generated source, executions, links and lookups by address', () => {
    const m = machine('jit');
    const a = new Asm(RAM);
    a.emit(I.addi(R.t6, 0, 500));
    a.label('top').emit(I.addi(R.a0, R.a0, 1), I.addi(R.t6, R.t6, -1));
    a.bne(R.t6, 0, 'top');
    a.halt();
    m.loadPhys(RAM, a.bytes());
    m.harts[0].run(3000);
    const src = m.jit!;
    const b = src.blocks().find((x) => x.start === BigInt(a.addr('top')));
    assert.ok(b);
    // The block goes on past the loop's branch (a side exit) to the parking jump.
    assert.strictEqual(b.end, b.start + 16n);
    assert.strictEqual(b.guest.length, 4);
    assert.deepStrictEqual(b.guest.map((g) => g.pc), [0x80000004n, 0x80000008n, 0x8000000cn, 0x80000010n]);
    assert.strictEqual(b.guest[2].text, 'bnez\tt6,0x80000004');
    assert.match(b.generated, /function region_0_80000004/);
    assert.ok(b.executions > 400, `executions ${b.executions}`);
    const taken = b.links.find((l) => l.kind === 'taken');
    assert.strictEqual(taken?.target, BigInt(a.addr('top')));
    assert.strictEqual(taken?.chainedTo, b.id, 'the loop is chained to itself');
    assert.strictEqual(src.blockContaining(a.addr('top') + 4)?.id, b.id);
    assert.strictEqual(src.block(b.id)?.pa, a.addr('top'));
    assert.match(b.context, /M-mode, V=0/);
    assert.ok(src.stats().compiled >= 1);
    const text = formatBlockListing(b);
    assert.match(text, /^# block \d+, guest pa 0x80000004, M-mode, V=0\n/);
    assert.match(text, /--- generated ---/);
  });

  it('an interpreter machine has no translator', () => {
    assert.strictEqual(machine('interp').jit, undefined);
  });
});
