// Differential tests of src/riscv/fpu: (1) against the exact BigInt reference (reference.ts) in all
// five rounding modes; (2) against the host's IEEE-754 hardware through a small C program
// (oracle.c) in RNE/RTZ/RDN/RUP for operands without NaNs (x86 NaN rules differ from RISC-V's).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, toInt, fromInt, hex, type Op, type IntKind, fmaNeg } from './harness';
import * as R from './reference';
import { Rng, value, partner, specials } from './gen';

const PER_COMBO = 2600; // × 2 formats × 6 ops × 5 modes ≈ 156,000 arithmetic cases
const OPS: Op[] = ['add', 'sub', 'mul', 'div', 'sqrt', 'fma'];

interface Case { op: Op; w: 32 | 64; rm: number; a: bigint; b: bigint; c: bigint }

function makeCases(): Case[] {
  const r = new Rng(0x5eed1234);
  const cases: Case[] = [];
  for (const w of [32, 64] as const) {
    for (const op of OPS) {
      for (let rm = 0; rm < 5; rm++) {
        for (let i = 0; i < PER_COMBO; i++) {
          const a = value(r, w);
          const b = partner(r, w, a, op);
          let c = value(r, w);
          let fop: Op = op;
          if ((op === 'mul' || op === 'div' || op === 'fma') && r.int(6) === 0) {
            // results around the smallest normal 2^emin, where tininess after rounding matters
            const minNormal = 1n << BigInt(w === 32 ? 23 : 52);
            const target = minNormal - BigInt(r.int(3)) + (r.int(2) === 0 ? 0n : minNormal * BigInt(r.int(3)));
            const q = run('div', w, r.int(4), op === 'div' ? a : target, op === 'div' ? target : a).bits;
            const nb = q ^ BigInt(r.int(4)) ^ (BigInt(r.int(2)) << BigInt(w - 1));
            const tiny = BigInt(r.int(3)) - 1n; // ±1 ulp of the smallest subnormal, or 0
            cases.push({ op, w, rm, a, b: nb, c: tiny < 0n ? (1n << BigInt(w - 1)) | 1n : tiny });
            continue;
          }
          if (op === 'fma') {
            fop = r.pick(['fma', 'fma', 'fmsub', 'fnmsub', 'fnmadd'] as const);
            if (r.int(2) === 0) {
              // cancel against the rounded product: exercises the exact-product path
              const p = run('mul', w, 0, a, b).bits;
              c = p ^ (1n << BigInt(w - 1)) ^ BigInt(r.int(4));
              if (fmaNeg(fop)[0] !== fmaNeg(fop)[1]) c ^= 1n << BigInt(w - 1);
            }
          }
          cases.push({ op: fop, w, rm, a, b, c });
        }
      }
    }
  }
  return cases;
}

function reference(k: Case): R.Res {
  const f = k.w === 32 ? R.F32 : R.F64;
  switch (k.op) {
    case 'add': return R.add(f, k.a, k.b, k.rm);
    case 'sub': return R.add(f, k.a, k.b, k.rm, true);
    case 'mul': return R.mul(f, k.a, k.b, k.rm);
    case 'div': return R.div(f, k.a, k.b, k.rm);
    case 'sqrt': return R.sqrt(f, k.a, k.rm);
    default: {
      const [np, nc] = fmaNeg(k.op);
      return R.fma(f, k.a, k.b, k.c, k.rm, np, nc);
    }
  }
}

const describe_ = (k: Case): string =>
  `${k.op}${k.w} rm=${k.rm} a=${hex(k.a, k.w)} b=${hex(k.b, k.w)} c=${hex(k.c, k.w)}`;

function isNaNBits(w: 32 | 64, v: bigint): boolean {
  const f = w === 32 ? R.F32 : R.F64;
  const d = R.decode(f, v);
  return d.k === 'qnan' || d.k === 'snan';
}

describe('riscv/fpu random differential', function () {
  const cases = makeCases();

  it(`matches the exact BigInt reference on ${cases.length} arithmetic cases (all rounding modes)`, function () {
    const bad: string[] = [];
    for (const k of cases) {
      const got = run(k.op, k.w, k.rm, k.a, k.b, k.c);
      const want = reference(k);
      if (got.bits !== want.bits || got.flags !== want.flags) {
        if (bad.length < 12) bad.push(`${describe_(k)}: got ${hex(got.bits, k.w)}/${got.flags} want ${hex(want.bits, k.w)}/${want.flags}`);
        else bad.push('');
      }
    }
    assert.equal(bad.length, 0, `${bad.length} mismatches:\n${bad.filter((s) => s).join('\n')}`);
  });

  it('matches the host C oracle (x86 SSE/FMA via fenv) in RNE/RTZ/RDN/RUP', function () {
    const dir = mkdtempSync(join(tmpdir(), 'hvscope-fpu-'));
    const exe = join(dir, 'oracle');
    const cc = spawnSync('cc', ['-O2', '-frounding-math', '-ffp-contract=off', '-o', exe, join(__dirname, 'oracle.c'), '-lm'], { encoding: 'utf8' });
    if (cc.error || cc.status !== 0) {
      console.log(`      SKIPPED: no working host C compiler (cc): ${cc.error?.message ?? cc.stderr}`);
      this.skip();
    }
    const sel = cases.filter((k) => k.rm < 4 && !isNaNBits(k.w, k.a) && !isNaNBits(k.w, k.b) && !isNaNBits(k.w, k.c));
    const input = sel.map((k) => {
      // the oracle computes a·b + c: fold FMSUB/FNM* signs into the operands (exact)
      const [np, nc] = fmaNeg(k.op);
      const sb = 1n << BigInt(k.w - 1);
      const op = k.op === 'fmsub' || k.op === 'fnmsub' || k.op === 'fnmadd' ? 'fma' : k.op;
      const a = np ? k.a ^ sb : k.a, c = nc ? k.c ^ sb : k.c;
      return `${op}${k.w} ${k.rm} ${a.toString(16)} ${k.b.toString(16)} ${c.toString(16)}`;
    }).join('\n') + '\n';
    const out = spawnSync(exe, [], { input, encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(out.status, 0, out.stderr);
    const lines = out.stdout.trim().split('\n');
    assert.equal(lines.length, sel.length);
    const bad: string[] = [];
    sel.forEach((k, i) => {
      const [rb, rf] = lines[i].split(' ');
      const want = { bits: BigInt('0x' + rb), flags: Number(rf) };
      const got = run(k.op, k.w, k.rm, k.a, k.b, k.c);
      const nanOk = isNaNBits(k.w, want.bits) && isNaNBits(k.w, got.bits);
      if ((!nanOk && got.bits !== want.bits) || got.flags !== want.flags) {
        if (bad.length < 12) bad.push(`${describe_(k)}: got ${hex(got.bits, k.w)}/${got.flags} oracle ${hex(want.bits, k.w)}/${want.flags}`);
        else bad.push('');
      }
    });
    console.log(`      compared ${sel.length} cases with the host oracle`);
    assert.equal(bad.length, 0, `${bad.length} mismatches:\n${bad.filter((s) => s).join('\n')}`);
  });

  it('float → integer conversions match the reference (all kinds, all modes)', function () {
    const r = new Rng(77);
    const bad: string[] = [];
    let n = 0;
    for (const w of [32, 64] as const) {
      const f = w === 32 ? R.F32 : R.F64;
      for (const kind of ['w', 'wu', 'l', 'lu'] as IntKind[]) {
        for (let rm = 0; rm < 5; rm++) {
          const vals = [...specials(w)];
          for (let i = 0; i < 600; i++) {
            // integers near the range limits and small fractions
            const lim = kind === 'w' ? 31 : kind === 'wu' ? 32 : kind === 'l' ? 63 : 64;
            const e = r.int(3) === 0 ? r.int(lim + 3) : lim - 2 + r.int(4);
            const mag = r.int(2) === 0 ? value(r, w) : R.fromInt(f, (1n << BigInt(Math.max(0, e))) + BigInt(r.int(9)) - 4n, r.int(5)).bits;
            vals.push(r.int(3) === 0 ? mag ^ (1n << BigInt(w - 1)) : mag);
            vals.push(R.fromInt(f, BigInt(r.int(20) - 10), 0).bits + BigInt(r.int(5) - 2));
          }
          for (const a of vals) {
            n++;
            const got = toInt(w, kind, rm, a);
            const want = R.toInt(f, a, kind, rm);
            if (got.bits !== want.bits || got.flags !== want.flags) {
              if (bad.length < 12) bad.push(`fcvt.${kind}.${w} rm=${rm} ${hex(a, w)}: got ${got.bits.toString(16)}/${got.flags} want ${want.bits.toString(16)}/${want.flags}`);
              else bad.push('');
            }
          }
        }
      }
    }
    assert.ok(n > 20000);
    assert.equal(bad.length, 0, `${bad.length} mismatches:\n${bad.filter((s) => s).join('\n')}`);
  });

  it('integer → float and f32 ↔ f64 conversions match the reference', function () {
    const r = new Rng(99);
    const bad: string[] = [];
    for (const w of [32, 64] as const) {
      const f = w === 32 ? R.F32 : R.F64;
      for (const kind of ['w', 'wu', 'l', 'lu'] as IntKind[]) {
        const width = kind === 'w' || kind === 'wu' ? 32 : 64;
        const isSigned = kind === 'w' || kind === 'l';
        for (let rm = 0; rm < 5; rm++) {
          for (let i = 0; i < 400; i++) {
            let u = r.bits(width) >> BigInt(r.int(width));
            if (r.int(4) === 0) u = ((1n << BigInt(width)) - 1n) ^ BigInt(r.int(1 << 12));
            const v = isSigned ? BigInt.asIntN(width, u) : u;
            const got = fromInt(w, kind, rm, BigInt.asUintN(64, v));
            const want = R.fromInt(f, v, rm);
            if (got.bits !== want.bits || got.flags !== want.flags) {
              if (bad.length < 12) bad.push(`fcvt.${w}.${kind} rm=${rm} ${v}: got ${hex(got.bits, w)}/${got.flags} want ${hex(want.bits, w)}/${want.flags}`);
              else bad.push('');
            }
          }
        }
      }
    }
    for (let rm = 0; rm < 5; rm++) {
      for (let i = 0; i < 3000; i++) {
        const d = value(r, 64);
        const got = convS_D(d, rm);
        const want = R.convert(R.F64, R.F32, d, rm);
        if (got.bits !== want.bits || got.flags !== want.flags) {
          if (bad.length < 12) bad.push(`fcvt.s.d rm=${rm} ${hex(d, 64)}: got ${hex(got.bits, 32)}/${got.flags} want ${hex(want.bits, 32)}/${want.flags}`);
          else bad.push('');
        }
        const s = value(r, 32);
        const g2 = convD_S(s);
        const w2 = R.convert(R.F32, R.F64, s, rm);
        if (g2.bits !== w2.bits || g2.flags !== w2.flags) {
          if (bad.length < 12) bad.push(`fcvt.d.s ${hex(s, 32)}: got ${hex(g2.bits, 64)}/${g2.flags} want ${hex(w2.bits, 64)}/${w2.flags}`);
          else bad.push('');
        }
      }
    }
    assert.equal(bad.length, 0, `${bad.length} mismatches:\n${bad.filter((s) => s).join('\n')}`);
  });
});

import * as fpu from '../../../../src/riscv/fpu';
function convS_D(d: bigint, rm: number): R.Res {
  fpu.takeFflags();
  const r = fpu.f64toF32(Number(d & 0xffffffffn) | 0, Number(d >> 32n) | 0, rm);
  return { bits: BigInt(r >>> 0), flags: fpu.takeFflags() };
}
function convD_S(s: bigint): R.Res {
  fpu.takeFflags();
  const lo = fpu.f32toF64(Number(s) | 0);
  return { bits: (BigInt(fpu.resHi >>> 0) << 32n) | BigInt(lo >>> 0), flags: fpu.takeFflags() };
}
