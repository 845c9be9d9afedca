import * as assert from 'node:assert';
import { evaluate, interpolate, lvalueOf, EvalError, type EvalContext } from '../../../src/debug/runtime/expr';

const mem = new Map<bigint, number>();
for (let i = 0; i < 16; i++) mem.set(0x1000n + BigInt(i), 0xf0 + i);
const ctx: EvalContext = {
  register: (n) => ({ a0: 5n, sp: 0x1000n, pc: 0x80000000n, sstatus: 0x22n } as Record<string, bigint>)[n],
  symbol: (n) => (n === 'main' ? 0x80000100n : n === 'a0' ? undefined : undefined),
  readMemory: (a, size) => {
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) { const b = mem.get(a + BigInt(i)); if (b === undefined) return undefined; v = (v << 8n) | BigInt(b); }
    return v;
  },
  variable: (n) => (n === 'ext' ? 0x10n : undefined),
};

describe('debug/runtime/expr', () => {
  it('evaluates registers, symbols, arithmetic and precedence', () => {
    assert.strictEqual(evaluate('$a0 + 3 * 2', ctx), 11n);
    assert.strictEqual(evaluate('($a0 + 3) * 2', ctx), 16n);
    assert.strictEqual(evaluate('&main', ctx), 0x80000100n);
    assert.strictEqual(evaluate('main + 4', ctx), 0x80000104n);
    assert.strictEqual(evaluate('a0 << 4 | 1', ctx), 0x51n);
    assert.strictEqual(evaluate('$sstatus & 0x2', ctx), 2n);
    assert.strictEqual(evaluate('-1', ctx), 0xffffffffffffffffn);
    assert.strictEqual(evaluate('$a0 == 5 && $ext == 0x10', ctx), 1n);
    assert.strictEqual(evaluate('$a0 > 9 ? 1 : 2', ctx), 2n);
  });

  it('reads memory with casts, little-endian, sign-extending signed types', () => {
    assert.strictEqual(evaluate('*(u8*)($sp+1)', ctx), 0xf1n);
    assert.strictEqual(evaluate('*(u32*)0x1000', ctx), 0xf3f2f1f0n);
    assert.strictEqual(evaluate('*(u64*)($sp+8)', ctx), 0xfffefdfcfbfaf9f8n);
    assert.strictEqual(evaluate('*(i8*)$sp', ctx), 0xfffffffffffffff0n);
    assert.strictEqual(evaluate('(u16)0x12345', ctx), 0x2345n);
  });

  it('says what is wrong', () => {
    assert.throws(() => evaluate('*(u32*)0x2000', ctx), (e: Error) => e instanceof EvalError && /cannot read 4 bytes at 0x2000/.test(e.message));
    assert.throws(() => evaluate('$nosuch', ctx), /no register or variable '\$nosuch'/);
    assert.throws(() => evaluate('1 +', ctx), /ends too early/);
    assert.throws(() => evaluate('1 / 0', ctx), /division by zero/);
    assert.throws(() => evaluate('(1', ctx), /expected '\)'/);
  });

  it('interpolates logpoint messages without throwing', () => {
    assert.strictEqual(interpolate('a0={$a0} dec={$a0,d} bad={$nope} {{x}}', ctx), "a0=0x5 dec=5 bad=<error: no register or variable '$nope'> {x}");
  });

  it('reads a global variable by its name; & gives its address; logpoints print it in decimal', () => {
    const g: EvalContext = { ...ctx, symbol: (n) => (n === 'counter' ? 0x1004n : ctx.symbol(n)), dataObject: (n) => (n === 'counter' ? { address: 0x1004n, size: 4, signed: false } : undefined) };
    assert.strictEqual(evaluate('counter', g), 0xf7f6f5f4n);
    assert.strictEqual(evaluate('&counter', g), 0x1004n);
    assert.strictEqual(evaluate('counter > 2', g), 1n);
    assert.strictEqual(evaluate('main', g), 0x80000100n, 'a function stays its address');
    assert.strictEqual(interpolate('c={counter} x={counter,x} a0={$a0}', g), `c=${0xf7f6f5f4} x=0xf7f6f5f4 a0=0x5`);
    assert.deepStrictEqual(lvalueOf('counter', g), { kind: 'memory', address: 0x1004n, size: 4 });
  });

  it('finds lvalues for setExpression', () => {
    assert.deepStrictEqual(lvalueOf('$a0', ctx), { kind: 'register', name: 'a0' });
    assert.deepStrictEqual(lvalueOf('*(u32*)($sp+4)', ctx), { kind: 'memory', address: 0x1004n, size: 4 });
    assert.strictEqual(lvalueOf('1+2', ctx), undefined);
  });
});
