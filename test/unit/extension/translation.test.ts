// The binary-translation panel's document model (src/extension/translation/model.ts): URIs, the
// index text and its links, chain links, guest lines, source lenses, the pc line — over listings
// made by the translator's own formatter (src/jit/listing.ts), so a format change shows up here.
import assert from 'node:assert/strict';
import { formatBlockListing, type JitBlockInfo } from '../../../src/jit/listing';
import type { TranslationBlockResponseBody, TranslationBlocksResponseBody } from '../../../src/protocol/translation';
import {
  chainLinks, guestHover, guestLines, headerLine, indexDocument, jitPath, lineOfPc, parseJitPath, sourceLenses,
} from '../../../src/extension/translation/model';

const info: JitBlockInfo = {
  id: 7, start: 0x80001000n, end: 0x8000100an, pa: 0x80001000, context: 'S-mode, V=0, Bare',
  guest: [
    { pc: 0x80001000n, raw: 0x02010113, len: 4, text: 'addi sp,sp,32' },
    { pc: 0x80001004n, raw: 0x4501, len: 2, text: 'li a0,0' },
    { pc: 0x80001006n, raw: 0x02e7c063, len: 4, text: 'blt a5,a4,0x80001046' },
  ],
  // The generated code mentions a target address: it must not become a link.
  generated: 'function b_80001000(h) {\n  // exits to 0x80001046\n  return 0;\n}',
  executions: 12,
  links: [{ kind: 'taken', target: 0x80001046n, chainedTo: 9 }, { kind: 'fallthrough', target: 0x8000100an }],
  invalidations: [{ retired: 5000, reason: 'store to page 0x80001000' }],
  live: true,
};
const listing = formatBlockListing(info);
const body: TranslationBlockResponseBody = {
  summary: { id: 7, start: '0x80001000', end: '0x8000100a', pa: '0x80001000', insns: 3, codeSize: info.generated.length, executions: 12, context: info.context, live: true },
  guest: [
    { pc: '0x80001000', encoding: '02010113', text: 'addi sp,sp,32', location: 'hello.c:10', sourcePath: '/ws/hello.c', line: 10 },
    { pc: '0x80001004', encoding: '4501', text: 'li a0,0', location: 'hello.c:10', sourcePath: '/ws/hello.c', line: 10 },
    { pc: '0x80001006', encoding: '02e7c063', text: 'blt a5,a4,0x80001046', location: 'hello.c:11', sourcePath: '/ws/hello.c', line: 11 },
  ],
  generated: info.generated,
  links: [{ kind: 'taken', target: '0x80001046', chainedTo: 9 }, { kind: 'fallthrough', target: '0x8000100a' }],
  invalidations: [{ retired: 5000, reason: 'store to page 0x80001000' }],
  listing,
};
const lines = listing.split('\n');

describe('extension/translation model', () => {
  it('round-trips document paths and rejects others', () => {
    for (const d of [
      { sessionId: 'a1b2-c3', kind: 'index' as const },
      { sessionId: 'a1b2-c3', kind: 'block' as const, id: 42 },
      { sessionId: 'a1b2-c3', kind: 'at' as const, address: '0xffffffff80001000' },
    ]) assert.deepEqual(parseJitPath(jitPath(d)), d);
    assert.equal(jitPath({ sessionId: 's1', kind: 'block', id: 3 }), '/s1/block/3');
    assert.equal(parseJitPath('/s1/block/x'), undefined);
    assert.equal(parseJitPath('/s1/other'), undefined);
  });

  it('lists the blocks by address with links on their ranges and the pc marked', () => {
    const idx: TranslationBlocksResponseBody = {
      engine: 'jit', total: 3, current: 2, stats: { compiled: 3, chainHits: 5 },
      blocks: [
        { id: 1, start: '0x80002000', end: '0x80002010', pa: '0x80002000', insns: 4, codeSize: 300, executions: 99, context: 'M-mode', live: true },
        { id: 2, start: '0x80001000', end: '0x8000100a', pa: '0x80001000', insns: 3, codeSize: 1200, executions: 1, context: 'M-mode', live: true },
        { id: 3, start: '0x80000f00', end: '0x80000f04', pa: '0x80000f00', insns: 1, codeSize: 80, executions: 5, context: 'M-mode', live: false },
      ],
    };
    const doc = indexDocument('hello', idx);
    const text = doc.text.split('\n');
    assert.ok(text.slice(0, 5).every((l) => l.startsWith('#')), 'a comment header (the grammar scopes it as comments)');
    assert.match(doc.text, /the pc is in block 2 \(0x80001000\.\.0x8000100a\)/);
    assert.match(doc.text, /stats: compiled 3 · chainHits 5/);
    const rows = text.filter((l) => l.startsWith('block '));
    assert.deepEqual(rows.map((r) => /id\s+(\d+)/.exec(r)![1]), ['3', '2', '1'], 'sorted by guest address');
    assert.match(rows[0], /^block 0x80000f00\.\.0x80000f04 \(1 insn, executed 5 times\)\s+id 3 {2}pa 0x80000f00\s+80 chars {2}dead {2}M-mode$/);
    assert.match(rows[1], /executed 1 time\).*live.*<- pc$/);
    assert.equal(rows[0].indexOf(' id '), rows[2].indexOf(' id '), 'columns line up');
    assert.deepEqual(doc.links.map((l) => [text[l.line].slice(l.start, l.end), l.blockId]), [
      ['0x80000f00..0x80000f04', 3], ['0x80001000..0x8000100a', 2], ['0x80002000..0x80002010', 1],
    ]);
  });

  it('explains an empty index when the session runs the interpreter', () => {
    const doc = indexDocument('g', { engine: 'interp', total: 0, blocks: [], stats: {}, message: 'the session runs the interpreter' });
    assert.deepEqual(doc.links, []);
    assert.match(doc.text, /^# .*\n# the session runs the interpreter\n$/);
  });

  it('finds the guest lines of a listing (not the generated code) and the pc line', () => {
    const g = guestLines(listing, body.guest);
    assert.deepEqual(g.map((x) => [x.line, x.pc, x.insn?.text]), [[2, 0x80001000n, 'addi sp,sp,32'], [3, 0x80001004n, 'li a0,0'], [4, 0x80001006n, 'blt a5,a4,0x80001046']]);
    assert.equal(lineOfPc(listing, 0x80001004n), 3);
    assert.equal(lineOfPc(listing, 0x80001002n), undefined);
    assert.equal(headerLine(listing), 1);
    assert.match(lines[1], /^block /);
  });

  it('links chained successors in the header and in branch operands, not in comments or generated code', () => {
    const links = chainLinks(listing, body.links);
    assert.deepEqual(links.map((l) => [l.line, lines[l.line].slice(l.start, l.end), l.target, l.kind]), [
      [1, '0x80001046', { blockId: 9 }, 'taken'],
      [4, '0x80001046', { blockId: 9 }, 'taken'],
    ]);
    assert.match(lines[1], /chained -> 0x80001046/);
    // An unchained successor named in a link line links to the block containing its address.
    const withLinkLine = listing.replace('--- generated ---', 'fallthrough -> 0x8000100a\n--- generated ---');
    const l2 = chainLinks(withLinkLine, body.links).find((l) => l.kind === 'fallthrough');
    assert.deepEqual(l2?.target, { address: '0x8000100a' });
  });

  it('puts "Go to guest source" on the header and where the source line changes', () => {
    assert.deepEqual(sourceLenses(body).map((l) => [l.line, l.title, l.path, l.sourceLine]), [
      [1, 'Go to guest source (hello.c:10)', '/ws/hello.c', 10],
      [2, 'hello.c:10', '/ws/hello.c', 10],
      [4, 'hello.c:11', '/ws/hello.c', 11],
    ]);
    const noSource = { ...body, guest: body.guest.map((g) => ({ pc: g.pc, encoding: g.encoding, text: g.text })) };
    assert.deepEqual(sourceLenses(noSource), []);
    assert.match(guestHover(body.guest[2]), /0x80001006.*02e7c063.*blt/);
    assert.match(guestHover(noSource.guest[0]), /no source line/);
  });
});
