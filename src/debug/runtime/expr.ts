// The debugger's expression language (debug console, hover, breakpoint conditions, logpoints):
// C-like integer arithmetic over 64-bit values with registers (`$a0`, `$pc`, `$sstatus`, bare ABI
// names when no symbol has the name), memory (`*(u64*)($sp+8)`, `*(u32*)0x80001000`, `*addr` = u64),
// symbols (`main` and `&main` are its address; a global variable `counter` is its value read with
// its size, `&counter` its address), casts `(u32)x` / `(i8)x`. Values are BigInt: this
// is never on a hot path. Unsigned 64-bit throughout, as the hardware sees registers; comparisons of
// signed values use casts to iN.

export type Width = 1 | 2 | 4 | 8;

/** What an expression can reach. Lookups return undefined for unknown names; reads undefined for unreadable memory. */
export interface EvalContext {
  register(name: string): bigint | undefined;
  symbol(name: string): bigint | undefined;
  /**
   * A data object (a global variable) by name: its address and size. Its name alone evaluates to
   * its value; `&name` is the address. Undefined for functions, labels and unknown names.
   */
  dataObject?(name: string): { address: bigint; size: Width; signed: boolean } | undefined;
  readMemory(addr: bigint, size: Width): bigint | undefined;
  /** Extra variables of the context ($ext, $fid of an SBI exit, $cause, ...): checked before registers. */
  variable?(name: string): bigint | undefined;
}

/** The user wrote something the evaluator cannot read or compute: the message says what. */
export class EvalError extends Error {
  override readonly name = 'EvalError';
}

const M64 = (1n << 64n) - 1n;
const wrap = (v: bigint): bigint => v & M64;
const TYPES: Record<string, { size: Width; signed: boolean }> = {
  u8: { size: 1, signed: false }, u16: { size: 2, signed: false }, u32: { size: 4, signed: false }, u64: { size: 8, signed: false },
  i8: { size: 1, signed: true }, i16: { size: 2, signed: true }, i32: { size: 4, signed: true }, i64: { size: 8, signed: true },
  uint8_t: { size: 1, signed: false }, uint16_t: { size: 2, signed: false }, uint32_t: { size: 4, signed: false }, uint64_t: { size: 8, signed: false },
  int8_t: { size: 1, signed: true }, int16_t: { size: 2, signed: true }, int32_t: { size: 4, signed: true }, int64_t: { size: 8, signed: true },
  char: { size: 1, signed: true }, short: { size: 2, signed: true }, int: { size: 4, signed: true }, long: { size: 8, signed: true },
};

/** Truncates to `size` bytes, sign-extending to 64 bits when `signed`. */
export function castTo(v: bigint, size: Width, signed: boolean): bigint {
  const bits = BigInt(size * 8);
  const t = v & ((1n << bits) - 1n);
  return signed ? wrap(BigInt.asIntN(Number(bits), t)) : t;
}

type Tok = { k: 'num'; v: bigint } | { k: 'id'; v: string } | { k: 'reg'; v: string } | { k: 'op'; v: string } | { k: 'end' };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const ops = ['<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+', '-', '*', '/', '%', '&', '|', '^', '~', '!', '<', '>', '(', ')', '?', ':'];
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (/[0-9]/.test(c)) {
      const m = /^(0x[0-9a-f_]+|0b[01_]+|0o[0-7_]+|[0-9_]+)/i.exec(src.slice(i))!;
      const text = m[0].replace(/_/g, '');
      if (/^0x$|^0b$|^0o$/i.test(text)) throw new EvalError(`incomplete number '${m[0]}'`);
      out.push({ k: 'num', v: BigInt(text) });
      i += m[0].length;
      if (/[a-z]/i.test(src[i] ?? '')) throw new EvalError(`bad number '${m[0]}${src[i]}'`);
      continue;
    }
    if (c === '$') {
      const m = /^\$[a-z_][a-z0-9_.]*/i.exec(src.slice(i));
      if (!m) throw new EvalError(`'$' must be followed by a register name, e.g. $a0 or $sstatus`);
      out.push({ k: 'reg', v: m[0].slice(1) });
      i += m[0].length;
      continue;
    }
    if (/[a-z_.]/i.test(c)) {
      const m = /^[a-z_.][a-z0-9_.$]*/i.exec(src.slice(i))!;
      out.push({ k: 'id', v: m[0] });
      i += m[0].length;
      continue;
    }
    const op = ops.find((o) => src.startsWith(o, i));
    if (!op) throw new EvalError(`unexpected character '${c}' at column ${i + 1}`);
    out.push({ k: 'op', v: op });
    i += op.length;
  }
  out.push({ k: 'end' });
  return out;
}

const BINARY: Record<string, number> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7,
  '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};

/** A parsed expression; evaluate it against any context. */
export type Expr =
  | { t: 'num'; v: bigint }
  | { t: 'reg'; name: string; explicit: boolean }
  | { t: 'sym'; name: string }
  | { t: 'addr'; name: string }
  | { t: 'deref'; size: Width; signed: boolean; e: Expr }
  | { t: 'cast'; size: Width; signed: boolean; e: Expr }
  | { t: 'un'; op: string; e: Expr }
  | { t: 'bin'; op: string; a: Expr; b: Expr }
  | { t: 'cond'; c: Expr; a: Expr; b: Expr };

export function parseExpression(src: string): Expr {
  const toks = tokenize(src);
  let p = 0;
  const peek = (): Tok => toks[p];
  const isOp = (v: string): boolean => { const t = toks[p]; return t.k === 'op' && t.v === v; };
  const expect = (v: string): void => {
    if (!isOp(v)) throw new EvalError(`expected '${v}'${describe(peek())}`);
    p++;
  };
  const describe = (t: Tok): string => (t.k === 'end' ? ' at the end' : ` before '${t.k === 'num' ? t.v.toString() : t.k === 'reg' ? `$${t.v}` : t.v}'`);

  // "(type*)" or "(type)" at p (p at '('): returns the type and whether it is a pointer.
  const castAhead = (): { size: Width; signed: boolean; ptr: boolean; len: number } | undefined => {
    const a = toks[p + 1], b = toks[p + 2], c = toks[p + 3];
    if (a?.k !== 'id' || !(a.v in TYPES)) return undefined;
    const ty = TYPES[a.v];
    if (b?.k === 'op' && b.v === '*' && c?.k === 'op' && c.v === ')') return { ...ty, ptr: true, len: 4 };
    if (b?.k === 'op' && b.v === ')') return { ...ty, ptr: false, len: 3 };
    return undefined;
  };

  const unary = (): Expr => {
    const t = peek();
    if (t.k === 'op') {
      if (t.v === '*') {
        p++;
        if (isOp('(')) {
          const c = castAhead();
          if (c?.ptr) { p += c.len; return { t: 'deref', size: c.size, signed: c.signed, e: unary() }; }
        }
        return { t: 'deref', size: 8, signed: false, e: unary() };
      }
      if (t.v === '&') {
        p++;
        const n = peek();
        if (n.k !== 'id') throw new EvalError(`'&' takes a symbol name${describe(n)}`);
        p++;
        return { t: 'addr', name: n.v };
      }
      if (t.v === '-' || t.v === '~' || t.v === '!' || t.v === '+') { p++; return { t: 'un', op: t.v, e: unary() }; }
      if (t.v === '(') {
        const c = castAhead();
        if (c && !c.ptr) { p += c.len; return { t: 'cast', size: c.size, signed: c.signed, e: unary() }; }
        if (c?.ptr) { p += c.len; return unary(); } // a pointer cast of an address is the address
        p++;
        const e = ternary();
        expect(')');
        return e;
      }
    }
    return primary();
  };

  const primary = (): Expr => {
    const t = peek();
    p++;
    switch (t.k) {
      case 'num': return { t: 'num', v: wrap(t.v) };
      case 'reg': return { t: 'reg', name: t.v, explicit: true };
      case 'id': return { t: 'sym', name: t.v };
      default: throw new EvalError(t.k === 'end' ? 'the expression ends too early' : `unexpected '${t.v}'`);
    }
  };

  const binary = (minPrec: number): Expr => {
    let a = unary();
    for (;;) {
      const t = peek();
      if (t.k !== 'op') break;
      const prec = BINARY[t.v];
      if (prec === undefined || prec < minPrec) break;
      p++;
      const b = binary(prec + 1);
      a = { t: 'bin', op: t.v, a, b };
    }
    return a;
  };

  const ternary = (): Expr => {
    const c = binary(1);
    if (!isOp('?')) return c;
    p++;
    const a = ternary();
    expect(':');
    const b = ternary();
    return { t: 'cond', c, a, b };
  };

  if (peek().k === 'end') throw new EvalError('empty expression');
  const e = ternary();
  if (peek().k !== 'end') throw new EvalError(`unexpected${describe(peek()).replace(' before', '')}`);
  return e;
}

export function evaluateExpr(e: Expr, ctx: EvalContext): bigint {
  switch (e.t) {
    case 'num': return e.v;
    case 'reg': {
      const v = ctx.variable?.(e.name) ?? ctx.register(e.name);
      if (v === undefined) throw new EvalError(`no register or variable '$${e.name}'`);
      return wrap(v);
    }
    case 'sym': {
      const obj = ctx.dataObject?.(e.name);
      if (obj !== undefined) {
        const v = ctx.readMemory(obj.address, obj.size);
        if (v === undefined) throw new EvalError(`cannot read '${e.name}' (${obj.size} bytes at 0x${obj.address.toString(16)})`);
        return castTo(v, obj.size, obj.signed);
      }
      const s = ctx.symbol(e.name);
      if (s !== undefined) return wrap(s);
      const r = ctx.register(e.name);
      if (r !== undefined) return wrap(r);
      throw new EvalError(`no symbol or register '${e.name}'`);
    }
    case 'addr': {
      const s = ctx.symbol(e.name);
      if (s === undefined) throw new EvalError(`no symbol '${e.name}'`);
      return wrap(s);
    }
    case 'deref': {
      const a = evaluateExpr(e.e, ctx);
      const v = ctx.readMemory(a, e.size);
      if (v === undefined) throw new EvalError(`cannot read ${e.size} bytes at 0x${a.toString(16)}`);
      return castTo(v, e.size, e.signed);
    }
    case 'cast': return castTo(evaluateExpr(e.e, ctx), e.size, e.signed);
    case 'un': {
      const v = evaluateExpr(e.e, ctx);
      switch (e.op) {
        case '-': return wrap(-v);
        case '~': return wrap(~v);
        case '!': return v === 0n ? 1n : 0n;
        default: return v;
      }
    }
    case 'cond': return evaluateExpr(e.c, ctx) !== 0n ? evaluateExpr(e.a, ctx) : evaluateExpr(e.b, ctx);
    case 'bin': {
      if (e.op === '&&') return evaluateExpr(e.a, ctx) !== 0n && evaluateExpr(e.b, ctx) !== 0n ? 1n : 0n;
      if (e.op === '||') return evaluateExpr(e.a, ctx) !== 0n || evaluateExpr(e.b, ctx) !== 0n ? 1n : 0n;
      const a = evaluateExpr(e.a, ctx), b = evaluateExpr(e.b, ctx);
      switch (e.op) {
        case '+': return wrap(a + b);
        case '-': return wrap(a - b);
        case '*': return wrap(a * b);
        case '/': if (b === 0n) throw new EvalError('division by zero'); return a / b;
        case '%': if (b === 0n) throw new EvalError('division by zero'); return a % b;
        case '<<': return b >= 64n ? 0n : wrap(a << b);
        case '>>': return b >= 64n ? 0n : a >> b;
        case '&': return a & b;
        case '|': return a | b;
        case '^': return a ^ b;
        case '==': return a === b ? 1n : 0n;
        case '!=': return a !== b ? 1n : 0n;
        case '<': return a < b ? 1n : 0n;
        case '>': return a > b ? 1n : 0n;
        case '<=': return a <= b ? 1n : 0n;
        case '>=': return a >= b ? 1n : 0n;
      }
      throw new EvalError(`unknown operator '${e.op}'`);
    }
  }
}

/** Parses and evaluates `src`; throws EvalError with a message for the user. */
export function evaluate(src: string, ctx: EvalContext): bigint {
  return evaluateExpr(parseExpression(src), ctx);
}

/** The address an expression denotes as an lvalue: `*(T*)addr` → addr and size; a register → its name. */
export function lvalueOf(src: string, ctx: EvalContext): { kind: 'memory'; address: bigint; size: Width } | { kind: 'register'; name: string } | undefined {
  const e = parseExpression(src);
  if (e.t === 'deref') return { kind: 'memory', address: evaluateExpr(e.e, ctx), size: e.size };
  if (e.t === 'reg') return { kind: 'register', name: e.name };
  const obj = e.t === 'sym' ? ctx.dataObject?.(e.name) : undefined;
  if (obj !== undefined) return { kind: 'memory', address: obj.address, size: obj.size };
  if (e.t === 'sym' && ctx.symbol(e.name) === undefined && ctx.register(e.name) !== undefined) return { kind: 'register', name: e.name };
  return undefined;
}

/**
 * Logpoint messages: `{expr}` parts evaluated and printed in hex (decimal with `{expr,d}`, and by
 * default for a global variable's name, `{counter}`); an
 * expression that fails prints `<error: ...>` instead of stopping anything. `{{` and `}}` escape.
 */
export function interpolate(template: string, ctx: EvalContext): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === '{' && template[i + 1] === '{') { out += '{'; i++; continue; }
    if (c === '}' && template[i + 1] === '}') { out += '}'; i++; continue; }
    if (c !== '{') { out += c; continue; }
    const end = template.indexOf('}', i);
    if (end < 0) { out += template.slice(i); break; }
    let expr = template.slice(i + 1, end);
    let fmt: 'd' | 'x' | undefined;
    const m = /,\s*([dx])\s*$/.exec(expr);
    if (m) { fmt = m[1] as 'd' | 'x'; expr = expr.slice(0, m.index); }
    try {
      const parsed = parseExpression(expr);
      const v = evaluateExpr(parsed, ctx);
      // A C variable prints like C's printf("%d") would; registers and addresses in hex.
      const dec = fmt === undefined ? parsed.t === 'sym' && ctx.dataObject?.(parsed.name) !== undefined : fmt === 'd';
      out += dec ? v.toString() : `0x${v.toString(16)}`;
    } catch (e) {
      out += `<error: ${(e as Error).message}>`;
    }
    i = end;
  }
  return out;
}
