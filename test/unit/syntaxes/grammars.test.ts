// The TextMate grammars in syntaxes/ (STYLE.md rule 10): tokenize sample files with vscode-textmate
// and check the scopes of chosen tokens, so that a broken regex fails here instead of silently
// leaving the editor uncoloured.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

const root = join(__dirname, '..', '..', '..');
const syntaxes = join(root, 'syntaxes');
const fixtures = join(root, 'test', 'fixtures', 'syntaxes');

const grammarFiles: Record<string, string> = {
  'source.riscv-asm': 'riscv-asm.tmLanguage.json',
  'source.hvscope-translation': 'hvscope-translation.tmLanguage.json',
  'source.hvscope-exits': 'hvscope-exits.tmLanguage.json',
};

interface Tok { text: string; scopes: string[] }
type Lines = { text: string; tokens: Tok[] }[];

let registry: vsctm.Registry;

async function makeRegistry(): Promise<vsctm.Registry> {
  const wasmPath = createRequire(__filename).resolve('vscode-oniguruma/release/onig.wasm');
  const wasm = readFileSync(wasmPath);
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  return new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    // Embedded scopes we do not ship (source.js) load as null: the embedding must still work.
    loadGrammar: async (scopeName: string) => {
      const file = grammarFiles[scopeName];
      if (!file) return null;
      const path = join(syntaxes, file);
      return vsctm.parseRawGrammar(readFileSync(path, 'utf8'), path);
    },
  });
}

async function tokenize(scopeName: string, text: string): Promise<Lines> {
  const grammar = await registry.loadGrammar(scopeName);
  assert.ok(grammar, `grammar ${scopeName} did not load`);
  let state = vsctm.INITIAL;
  const out: Lines = [];
  for (const line of text.split(/\r?\n/)) {
    const r = grammar.tokenizeLine(line, state);
    out.push({ text: line, tokens: r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes })) });
    state = r.ruleStack;
  }
  return out;
}

const fixture = (name: string): string => readFileSync(join(fixtures, name), 'utf8');

/** The line that contains `needle` (the first one, or the `nth`). */
function lineWith(lines: Lines, needle: string, nth = 0): Lines[number] {
  const found = lines.filter((l) => l.text.includes(needle));
  assert.ok(found.length > nth, `no line #${nth} containing ${JSON.stringify(needle)}`);
  return found[nth];
}

function dump(line: Lines[number]): string {
  return line.tokens.map((t) => `  ${JSON.stringify(t.text)} ${t.scopes.join(' ')}`).join('\n');
}

/** Asserts that the token `token` (text, ignoring surrounding blanks) on the line containing `needle` has a scope starting with `scope`. */
function expectScope(lines: Lines, needle: string, token: string, scope: string, nth = 0): void {
  const line = lineWith(lines, needle);
  const toks = line.tokens.filter((t) => t.text.trim() === token.trim());
  assert.ok(toks.length > nth, `no token ${JSON.stringify(token)} on ${JSON.stringify(line.text)}:\n${dump(line)}`);
  const scopes = toks[nth].scopes;
  assert.ok(scopes.some((s) => s.startsWith(scope)), `${JSON.stringify(token)} on ${JSON.stringify(line.text)} has [${scopes.join(', ')}], expected ${scope}:\n${dump(line)}`);
}

/** Asserts that no token of `token` on the line has a scope starting with `scope`. */
function expectNoScope(lines: Lines, needle: string, token: string, scope: string): void {
  const line = lineWith(lines, needle);
  for (const t of line.tokens.filter((x) => x.text.includes(token))) {
    assert.ok(!t.scopes.some((s) => s.startsWith(scope)), `${JSON.stringify(t.text)} on ${JSON.stringify(line.text)} must not be ${scope}:\n${dump(line)}`);
  }
}

describe('syntaxes: TextMate grammars', () => {
  before(async () => {
    registry = await makeRegistry();
  });

  describe('grammar files', () => {
    for (const [scopeName, file] of Object.entries(grammarFiles)) {
      it(`${file} is valid JSON with scopeName ${scopeName} and no backspace in a regex`, () => {
        const text = readFileSync(join(syntaxes, file), 'utf8');
        const g = JSON.parse(text) as { scopeName: string };
        assert.equal(g.scopeName, scopeName);
        // "\b" in JSON is a backspace (U+0008), not a word boundary ("\\b").
        assert.ok(!text.includes('\b'), 'raw backspace character in the file');
        const strings: string[] = [];
        const walk = (v: unknown): void => {
          if (typeof v === 'string') strings.push(v);
          else if (v && typeof v === 'object') Object.values(v).forEach(walk);
        };
        walk(g);
        const bad = strings.filter((s) => /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(s));
        assert.deepEqual(bad, [], 'control characters in grammar strings');
      });
    }

    it('every regex compiles with oniguruma', async () => {
      for (const file of Object.values(grammarFiles)) {
        const g = JSON.parse(readFileSync(join(syntaxes, file), 'utf8')) as unknown;
        const walk = (v: unknown, key: string): void => {
          if (typeof v === 'string' && ['match', 'begin', 'end', 'while'].includes(key)) {
            // vscode-textmate compiles lazily; compile every regex here so a bad one fails by name.
            assert.doesNotThrow(() => new oniguruma.OnigScanner([v]).dispose(), `${file}: ${v}`);
          } else if (v && typeof v === 'object') {
            for (const [k, x] of Object.entries(v)) walk(x, k);
          }
        };
        walk(g, '');
      }
    });
  });

  describe('source.riscv-asm', () => {
    let s: Lines;
    before(async () => {
      s = await tokenize('source.riscv-asm', fixture('sample.S'));
    });

    it('comments: #, //, /* */ (also across lines); ; is a statement separator', () => {
      expectScope(s, '# a number-sign', 'a number-sign comment', 'comment.line.number-sign');
      expectScope(s, 'csrr    s1, hgatp', 'read the G-stage root', 'comment.line.double-slash');
      expectScope(s, '/* Grammar sample', '/*', 'comment.block');
      expectScope(s, 'test/unit/syntaxes', '*/', 'comment.block');
      expectScope(s, 'li      s11', ';', 'punctuation.separator.statement', 0);
      expectScope(s, 'li      s11', 'nop', 'keyword.mnemonic');
      expectScope(s, 'li      s11', 'the', 'variable.other.symbol');
      // the text after the second ; is a statement, not a comment
      expectNoScope(s, 'li      s11', 'semicolon', 'comment');
    });

    it('preprocessor lines at line start are not comments', () => {
      expectScope(s, '#include <asm', 'include', 'keyword.control.directive.include');
      expectScope(s, '#include <asm', '<asm/csr.h>', 'string.quoted.other.lt-gt.include');
      expectScope(s, '#include "common', 'common.h', 'string.quoted.double');
      expectScope(s, '#define STACK', 'define', 'keyword.control.directive.define');
      expectScope(s, '#define STACK', 'STACK_SIZE', 'entity.name.function.preprocessor');
      expectScope(s, '#define STACK', '1024', 'constant.numeric');
      expectNoScope(s, '#define STACK', 'STACK', 'comment');
    });

    it('labels, local labels and their references', () => {
      expectScope(s, 'entry:', 'entry', 'entity.name.label');
      expectScope(s, '.Lpcrel: auipc', '.Lpcrel', 'entity.name.label');
      expectScope(s, '.Lpcrel: auipc', 'auipc', 'keyword.mnemonic');
      expectScope(s, '1:  addi', '1', 'entity.name.label.local');
      expectScope(s, '1:  addi', 'addi', 'keyword.mnemonic');
      expectScope(s, 'bnez    x31, 1b', '1b', 'variable.other.label.local.backward');
      expectScope(s, 'beqz    a0, 2f', '2f', 'variable.other.label.local.forward');
      expectScope(s, '2:  sfence.vma', 'sfence.vma', 'keyword.mnemonic');
    });

    it('directives', () => {
      expectScope(s, '.globl  entry', '.globl', 'keyword.directive');
      expectScope(s, '.option push', '.option', 'keyword.directive');
      expectScope(s, '.option push', 'push', 'support.constant.option');
      expectScope(s, '.section .text.entry', '.section', 'keyword.directive');
      expectScope(s, '.section .text.entry', '.text.entry', 'entity.name.section');
      expectScope(s, '.section .text.entry', 'ax', 'string.quoted.double');
      expectScope(s, '.cfi_startproc', '.cfi_startproc', 'keyword.directive');
      expectScope(s, '.insn   i', '.insn', 'keyword.directive');
      expectScope(s, '.asciz', '\\n', 'constant.character.escape');
    });

    it('mnemonics of RV64GC+H, with .aq/.rl suffixes and pseudo-instructions', () => {
      for (const m of ['lui', 'csrr', 'csrw', 'csrrw', 'csrrsi', 'hfence.gvma', 'hlv.d', 'hsv.w', 'amoswap.w.aqrl', 'lr.d.aq', 'sc.d.rl',
        'fcvt.w.s', 'fmadd.d', 'c.addi16sp', 'fence', 'fence.i', 'li', 'bnez', 'beqz']) {
        expectScope(s, m === 'fence.i' ? '    fence.i' : `    ${m} `, m, 'keyword.mnemonic');
      }
      expectScope(s, 'fcvt.w.s', 'rtz', 'support.constant.rounding-mode');
      expectScope(s, 'fence   rw', 'rw', 'support.constant.fence');
    });

    it('registers by number and ABI name, integer and float', () => {
      expectScope(s, 'lui     a0', 'a0', 'variable.other.register.general');
      expectScope(s, 'csrw    vsatp, zero', 'zero', 'variable.other.register.general');
      expectScope(s, 'li      s11', 's11', 'variable.other.register.general');
      expectScope(s, '1:  addi', 'x31', 'variable.other.register.general');
      expectScope(s, 'sc.d.rl', 't6', 'variable.other.register.general');
      for (const r of ['ft0', 'fs1', 'fa2', 'f31']) expectScope(s, 'fmadd.d', r, 'variable.other.register.float');
    });

    it('CSR names as operands of csr instructions', () => {
      expectScope(s, 'csrr    s1, hgatp', 'hgatp', 'support.variable.csr');
      expectScope(s, 'csrw    vsatp', 'vsatp', 'support.variable.csr');
      expectScope(s, 'csrrw   sp, mscratch', 'mscratch', 'support.variable.csr');
      expectScope(s, 'csrrsi  x0, sstatus', 'sstatus', 'support.variable.csr');
      // ...and only there: a symbol called `message` stays a symbol
      expectScope(s, 'lui     a0', 'message', 'variable.other.symbol');
    });

    it('numbers and relocation functions', () => {
      expectScope(s, 'lui     a0', 'hi', 'support.function.relocation');
      expectScope(s, 'addi    a0, a0, %lo', 'lo', 'support.function.relocation');
      expectScope(s, '.Lpcrel: auipc', 'pcrel_hi', 'support.function.relocation');
      expectScope(s, 'ld      t2', 'pcrel_lo', 'support.function.relocation');
      expectScope(s, 'li      s11', '-42', 'constant.numeric.integer.decimal');
      expectScope(s, 'c.addi16sp', '-64', 'constant.numeric.integer.decimal');
      expectScope(s, '.insn   i', '0x10', 'constant.numeric.integer.hexadecimal');
      expectScope(s, '.word', '0x00000013', 'constant.numeric.integer.hexadecimal');
      expectScope(s, '.word', '16', 'constant.numeric.integer.decimal');
      expectScope(s, '.word', '0b1010', 'constant.numeric.integer.binary');
    });

    it('the DAP guest start.S', async () => {
      const g = await tokenize('source.riscv-asm', readFileSync(join(root, 'test', 'guests', 'dap', 'start.S'), 'utf8'));
      expectScope(g, '// Start code', 'Start code and trap entry of the C DAP guests, built twice: -DMMODE for the bare-machine guest', 'comment.line.double-slash');
      expectScope(g, '#if defined(MMODE)', 'if', 'keyword.control.directive.conditional');
      expectScope(g, '#if defined(MMODE)', 'defined', 'keyword.operator.word.defined');
      expectScope(g, '#define XTVEC', 'XTVEC', 'entity.name.function.preprocessor');
      expectScope(g, '#endif', 'endif', 'keyword.control.directive.conditional');
      expectScope(g, '.globl _start', '.globl', 'keyword.directive');
      expectScope(g, '_start:', '_start', 'entity.name.label');
      expectScope(g, 'csrr    t0, mhartid', 'csrr', 'keyword.mnemonic');
      expectScope(g, 'csrr    t0, mhartid', 't0', 'variable.other.register.general');
      expectScope(g, 'csrr    t0, mhartid', 'mhartid', 'support.variable.csr');
      expectScope(g, '1:  bgeu', '1', 'entity.name.label.local');
      expectScope(g, '1:  bgeu', 'bgeu', 'keyword.mnemonic');
      expectScope(g, '1:  bgeu', '2f', 'variable.other.label.local.forward');
      expectScope(g, 'j       1b', '1b', 'variable.other.label.local.backward');
      expectScope(g, 'call    main', 'a0, a1 as the platform passed them (hypervisor: hart id, FDT)', 'comment.line.double-slash');
      expectScope(g, 'addi    sp, sp, -FRAME', 'FRAME', 'variable.other.symbol');
      expectScope(g, 'sd      x10, 10*8(sp)', '10', 'constant.numeric');
      expectScope(g, 'sd      x10, 10*8(sp)', 'x10', 'variable.other.register.general');
      expectScope(g, 'li      t1, 0x1880', '0x1880', 'constant.numeric.integer.hexadecimal');
      expectScope(g, 'li      t1, 0x1880', 'MPP and MPIE', 'comment.line.double-slash');
      expectScope(g, '.space  14 * 8', '.space', 'keyword.directive');
      // a #define'd CSR name in a csr instruction is a symbol, not a CSR
      expectScope(g, 'csrw    XSCRATCH, t0', 'XSCRATCH', 'variable.other.symbol');
    });
  });

  describe('source.hvscope-translation', () => {
    let t: Lines;
    before(async () => {
      t = await tokenize('source.hvscope-translation', fixture('listing.hvscope-translation'));
    });

    it('block headers', () => {
      const h = 'block 0x80001000..';
      expectScope(t, h, 'block', 'keyword.other.block');
      expectScope(t, h, '0x80001000', 'entity.name.function.block');
      expectScope(t, h, '0x8000100c', 'constant.numeric.address');
      expectScope(t, h, '1234', 'constant.numeric.integer.decimal');
      expectScope(t, h, 'executed', 'keyword.other');
      expectScope(t, h, '->', 'keyword.operator.chain');
      expectScope(t, h, '0x80002000', 'constant.numeric.address');
      expectScope(t, 'unchained', 'unchained', 'keyword.other');
      expectScope(t, '# translation listing', 'translation listing: 2 blocks', 'comment.line.number-sign');
    });

    it('guest instructions reuse the assembly grammar', () => {
      expectScope(t, '02010113', '0x80001000', 'constant.numeric.address');
      expectScope(t, '02010113', '02010113', 'constant.numeric.encoding');
      expectScope(t, '02010113', 'addi', 'keyword.mnemonic.riscv-asm');
      expectScope(t, '02010113', 'sp', 'variable.other.register.general.riscv-asm');
      expectScope(t, '02010113', '32', 'constant.numeric.integer.decimal.riscv-asm');
      expectScope(t, '4501', '4501', 'constant.numeric.encoding');
      expectScope(t, '4501', 'c.li', 'keyword.mnemonic.riscv-asm');
      expectScope(t, '10500073', 'wfi', 'keyword.mnemonic.riscv-asm');
      expectScope(t, '00008067', 'ret', 'keyword.mnemonic.riscv-asm');
    });

    it('generated JavaScript is an embedded section that ends at the next part of the listing', () => {
      expectScope(t, '--- generated ---', 'generated', 'keyword.other.generated');
      expectScope(t, 'function b_80001000', 'function b_80001000(h) {', 'meta.embedded.block.javascript');
      expectScope(t, 'return 0x80001040', '  return 0x80001040;', 'meta.embedded.block.javascript');
      // the JS's `// addi sp,sp,32` is not assembly
      expectNoScope(t, 'h.x[2]', 'addi', 'keyword.mnemonic');
      expectScope(t, 'invalidated at', 'invalidated', 'keyword.other.invalidated');
      expectNoScope(t, 'invalidated at', 'invalidated', 'meta.embedded');
      expectScope(t, 'invalidated at', '12345', 'constant.numeric.integer.decimal');
      expectScope(t, 'invalidated at', 'store', 'keyword.other.access');
      expectScope(t, 'invalidated at', '0x80001000', 'constant.numeric.address');
      expectScope(t, 'block 0x80002000', 'block', 'keyword.other.block');
      expectNoScope(t, 'block 0x80002000', 'block', 'meta.embedded');
    });
  });

  describe('source.hvscope-exits', () => {
    let e: Lines;
    before(async () => {
      e = await tokenize('source.hvscope-exits', fixture('exits.hvscope-exits'));
    });

    it('headers, tables, numbers and percentages of the summary', () => {
      expectScope(e, 'VM exits:', 'VM exits', 'markup.heading');
      expectScope(e, 'VM exits:', '33', 'constant.numeric.integer.decimal');
      expectScope(e, 'guest instructions retired', 'guest instructions retired', 'variable.other.key');
      expectScope(e, 'page walks', 'PTE memory references', 'variable.other.key');
      expectScope(e, 'page walks', '2.70', 'constant.numeric.float');
      expectScope(e, 'reason ', 'reason', 'markup.heading');
      expectScope(e, 'reason ', 'share', 'support.type.column');
      expectScope(e, '------', '-------------------  ----------  ------', 'punctuation.separator.table');
      expectScope(e, 'mmio    ', 'mmio', 'keyword.other.reason');
      expectScope(e, 'mmio    ', '26', 'constant.numeric.integer.decimal');
      expectScope(e, 'mmio    ', '78.8%', 'constant.numeric.percentage');
      expectScope(e, 'sbi DBCN.console_write', 'DBCN.console_write', 'support.function.sbi');
      expectScope(e, 'mmio uart0 load', 'load', 'keyword.other.access');
      expectScope(e, 'virtual-instruction  ', 'virtual-instruction', 'keyword.other.reason');
      expectScope(e, '0x0000000080200200 mmio', '0x0000000080200200', 'constant.numeric.address');
    });

    it('timeline lines', () => {
      const l = 'instret 12345';
      expectScope(e, l, 'instret', 'variable.other.field');
      expectScope(e, l, '12345', 'constant.numeric.integer.decimal');
      expectScope(e, l, '0xffffffff80001234', 'constant.numeric.address');
      expectScope(e, l, 'sbi', 'keyword.other.reason');
      expectScope(e, l, 'TIME.set_timer', 'support.function.sbi');
      expectScope(e, '<uart_putc+0x10>', '<uart_putc+0x10>', 'entity.name.function.symbol');
      expectScope(e, 'instret 13002', 'guest-page-fault', 'keyword.other.reason');
      expectScope(e, 'instret 13002', 'gpa', 'variable.other.field');
      expectScope(e, 'instret 13003', 'shadow-page-fault', 'keyword.other.reason');
      expectScope(e, 'instret 13004', 'interrupt', 'keyword.other.reason');
    });
  });
});
