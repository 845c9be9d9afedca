// The binary-translation panel's documents as plain data (no `vscode`, unit-tested in
// test/unit/extension/translation.test.ts): virtual document paths, the block index text, and
// where the links, lenses and the pc line are in a block's listing (format: syntaxes/README.md).
import type {
  TranslationBlockResponseBody, TranslationBlocksResponseBody, TranslationGuestInsn, TranslationLink,
} from '../../protocol/translation';

/** URI scheme of the panel's documents: `hvscope-jit:/<sessionId>/index`, `.../block/<id>`, `.../at/<address>`. */
export const JIT_SCHEME = 'hvscope-jit';
/** package.json contributes.languages id of the listing grammar (syntaxes/hvscope-translation.tmLanguage.json). */
export const LISTING_LANGUAGE = 'hvscope-translation';

export const TRANSLATION_COMMANDS = {
  /** Opens the block at the current pc, or the index. */
  show: 'hvscope.showTranslation',
  /** Opens the index of the active session (or of the session given as argument). */
  showIndex: 'hvscope.translation.showIndex',
  /** Opens a guest source file at a line: arguments (path: string, line: number), line 1-based. */
  goToSource: 'hvscope.translation.goToSource',
} as const;

export type JitDoc =
  | { sessionId: string; kind: 'index' }
  | { sessionId: string; kind: 'block'; id: number }
  /** The block containing a guest virtual address (links to successors not chained yet). */
  | { sessionId: string; kind: 'at'; address: string };

export function jitPath(d: JitDoc): string {
  const sid = encodeURIComponent(d.sessionId);
  switch (d.kind) {
    case 'index': return `/${sid}/index`;
    case 'block': return `/${sid}/block/${d.id}`;
    case 'at': return `/${sid}/at/${d.address}`;
  }
}

export function parseJitPath(path: string): JitDoc | undefined {
  const m = /^\/([^/]+)\/(?:(index)|block\/(\d+)|at\/(0x[0-9a-fA-F]+))$/.exec(path);
  if (!m) return undefined;
  const sessionId = decodeURIComponent(m[1]);
  if (m[2]) return { sessionId, kind: 'index' };
  if (m[3]) return { sessionId, kind: 'block', id: Number(m[3]) };
  return { sessionId, kind: 'at', address: m[4].toLowerCase() };
}

/** A span of one line (0-based line and columns, end exclusive), as the editor's ranges. */
export interface Span {
  line: number;
  start: number;
  end: number;
}

export interface IndexLink extends Span {
  blockId: number;
}

export interface IndexDocument {
  text: string;
  links: IndexLink[];
}

const big = (hex: string): bigint | undefined => {
  try { return BigInt(hex); } catch { return undefined; }
};

/** A comment line of the listing language (the grammar scopes `#` lines as comments). */
const comment = (s: string): string => (s ? `# ${s}` : '#');

/**
 * The index: one row per block, sorted by guest address, each row a `block START..END (...)` line
 * (highlighted as a block header) followed by id, physical address, code size, liveness and context.
 */
export function indexDocument(sessionName: string, body: TranslationBlocksResponseBody): IndexDocument {
  const lines = [comment(`hvscope binary translation: ${sessionName}`)];
  if (body.engine !== 'jit') {
    lines.push(comment(body.message ?? 'the session runs the interpreter: no translated blocks'));
    return { text: lines.join('\n') + '\n', links: [] };
  }
  const rows = [...body.blocks].sort((a, b) => {
    const x = big(a.start) ?? 0n, y = big(b.start) ?? 0n;
    return x < y ? -1 : x > y ? 1 : a.id - b.id;
  });
  const shown = rows.length < body.total ? `${rows.length} hottest of ${body.total} blocks` : `${body.total} block${body.total === 1 ? '' : 's'}`;
  lines.push(comment(`engine jit, ${shown}, by guest address; click an address to open the block`));
  const cur = body.current === undefined ? undefined : rows.find((r) => r.id === body.current);
  lines.push(comment(cur ? `the pc is in block ${cur.id} (${cur.start}..${cur.end})` : 'the pc is in no translated block'));
  const stats = Object.entries(body.stats).map(([k, v]) => `${k} ${v}`).join(' · ');
  if (stats) lines.push(comment(`stats: ${stats}`));
  if (body.message) lines.push(comment(body.message));
  lines.push(comment(''));
  const w = (f: (r: (typeof rows)[number]) => string): number => Math.max(0, ...rows.map((r) => f(r).length));
  const rangeW = w((r) => `${r.start}..${r.end}`);
  const headW = w((r) => `(${r.insns} insns, executed ${r.executions} times)`);
  const idW = w((r) => String(r.id));
  const paW = w((r) => r.pa);
  const sizeW = w((r) => String(r.codeSize));
  const links: IndexLink[] = [];
  for (const r of rows) {
    const range = `${r.start}..${r.end}`;
    const head = `(${r.insns} insn${r.insns === 1 ? '' : 's'}, executed ${r.executions} time${r.executions === 1 ? '' : 's'})`;
    const row = `block ${range.padEnd(rangeW)} ${head.padEnd(headW)}  id ${String(r.id).padStart(idW)}  pa ${r.pa.padEnd(paW)}  ${String(r.codeSize).padStart(sizeW)} chars  ${r.live ? 'live' : 'dead'}  ${r.context}${r.id === body.current ? '  <- pc' : ''}`;
    links.push({ line: lines.length, start: 'block '.length, end: 'block '.length + range.length, blockId: r.id });
    lines.push(row);
  }
  return { text: lines.join('\n') + '\n', links };
}

/** Text shown in place of a document the adapter cannot give (session ended, block evicted...). */
export function unavailableText(why: string): string {
  return `${comment(`hvscope binary translation: ${why}`)}\n`;
}

/** A guest instruction line of a listing: `  0xPC  ENCODING  text`. */
const GUEST_LINE = /^(\s+)(0x[0-9a-fA-F]+)(\s+)([0-9a-fA-F]{8}|[0-9a-fA-F]{4})(?=\s|$)/;
const GENERATED = /^---\s*generated\s*---\s*$/;
/** Lines that end the generated code (syntaxes/README.md: `block `, `---`, `invalidated `). */
const AFTER_GENERATED = /^(?:block\s|---|invalidated\s)/;

export interface GuestLine {
  line: number;
  /** The instruction from the response, matched by pc; undefined when the listing shows a pc the response does not. */
  insn: TranslationGuestInsn | undefined;
  pc: bigint;
}

/** Per line: is it guest code (outside the generated JavaScript)? Guest lines with their instruction. */
export function guestLines(listing: string, guest: readonly TranslationGuestInsn[]): GuestLine[] {
  const byPc = new Map<bigint, TranslationGuestInsn>();
  for (const g of guest) { const pc = big(g.pc); if (pc !== undefined) byPc.set(pc, g); }
  const out: GuestLine[] = [];
  let inGenerated = false;
  listing.split('\n').forEach((text, line) => {
    if (inGenerated && AFTER_GENERATED.test(text) && !GENERATED.test(text)) inGenerated = false;
    if (GENERATED.test(text)) { inGenerated = true; return; }
    if (inGenerated) return;
    const m = GUEST_LINE.exec(text);
    if (!m) return;
    const pc = BigInt(m[2]);
    out.push({ line, pc, insn: byPc.get(pc) });
  });
  return out;
}

/** The listing line of the guest instruction at `pc`, if the block has it. */
export function lineOfPc(listing: string, pc: bigint): number | undefined {
  return guestLines(listing, []).find((g) => g.pc === pc)?.line;
}

/** The line of the block header (`block START..END (...)`), where the per-block lenses go. */
export function headerLine(listing: string): number | undefined {
  const i = listing.split('\n').findIndex((l) => /^block\s/.test(l));
  return i < 0 ? undefined : i;
}

export interface ChainLink extends Span {
  /** The successor's block id when chained, else its guest address (opened as the block containing it). */
  target: { blockId: number } | { address: string };
  kind: TranslationLink['kind'];
}

/**
 * Links to successor blocks: every address in the listing that is a link target of the block —
 * the `chained -> A, B` list of the header, branch operands of guest instructions, and link lines
 * (`taken -> 0x...`) if the translator lists them — but not the block's own range, not the address
 * column of guest lines, comments, and nothing inside the generated JavaScript.
 */
export function chainLinks(listing: string, links: readonly TranslationLink[]): ChainLink[] {
  const byTarget = new Map<bigint, TranslationLink>();
  for (const l of links) {
    const t = big(l.target);
    if (t === undefined) continue;
    const had = byTarget.get(t);
    // A chained link wins over an unchained one to the same address.
    if (!had || (had.chainedTo === undefined && l.chainedTo !== undefined)) byTarget.set(t, l);
  }
  const out: ChainLink[] = [];
  let inGenerated = false;
  listing.split('\n').forEach((text, line) => {
    if (inGenerated && AFTER_GENERATED.test(text) && !GENERATED.test(text)) inGenerated = false;
    if (GENERATED.test(text)) { inGenerated = true; return; }
    if (inGenerated || /^\s*#/.test(text)) return;
    let from = 0;
    const header = /^block\s+0x[0-9a-fA-F]+\.\.0x[0-9a-fA-F]+/.exec(text);
    if (header) from = header[0].length;
    const guest = GUEST_LINE.exec(text);
    if (guest) from = guest[0].length;
    const re = /\b0x[0-9a-fA-F]+\b/g;
    re.lastIndex = from;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const l = byTarget.get(BigInt(m[0]));
      if (!l) continue;
      out.push({
        line, start: m.index, end: m.index + m[0].length, kind: l.kind,
        target: l.chainedTo !== undefined ? { blockId: l.chainedTo } : { address: `0x${BigInt(m[0]).toString(16)}` },
      });
    }
  });
  return out;
}

export interface SourceLens {
  line: number;
  title: string;
  path: string;
  /** 1-based. */
  sourceLine: number;
}

/**
 * "Go to guest source" lenses: one on the header (the block's first instruction with a source
 * position) and one wherever the source line changes between consecutive guest instructions.
 */
export function sourceLenses(block: TranslationBlockResponseBody): SourceLens[] {
  const out: SourceLens[] = [];
  const lines = guestLines(block.listing, block.guest);
  const head = headerLine(block.listing);
  const first = block.guest.find((g) => g.sourcePath !== undefined && g.line !== undefined);
  if (head !== undefined && first) out.push({ line: head, title: `Go to guest source (${first.location ?? `${first.sourcePath}:${first.line}`})`, path: first.sourcePath!, sourceLine: first.line! });
  let prev: string | undefined;
  for (const g of lines) {
    const i = g.insn;
    const key = i?.sourcePath !== undefined && i.line !== undefined ? `${i.sourcePath}:${i.line}` : undefined;
    if (key !== undefined && key !== prev) out.push({ line: g.line, title: i!.location ?? key, path: i!.sourcePath!, sourceLine: i!.line! });
    prev = key;
  }
  return out;
}

/** Hover text (Markdown) of a guest instruction line. */
export function guestHover(g: TranslationGuestInsn): string {
  const parts = [`**${g.pc}** \`${g.encoding}\` \`${g.text}\``];
  parts.push(g.location ? `source: ${g.location}` : 'no source line for this address');
  return parts.join('\n\n');
}
