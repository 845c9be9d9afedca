// The binary-translation panel's requests (src/protocol/translation.ts): the index of translated
// blocks and one block's listing, served from the translator's `JitListingSource` with guest pcs
// mapped to source lines through the debug info. The mapping is a pure function of a small
// `TranslationView` (tests give it a fake translator); `runtimeView` builds one over the runtime.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { HvscopeSession } from './session';
import type { Runtime } from '../runtime/runtime';
import { hex } from '../runtime/target';
import { UserError } from '../../common/errors';
import { formatBlockListing, type JitBlockInfo, type JitListingSource } from '../../jit/listing';
import {
  TRANSLATION_REQUESTS, type TranslationBlockArguments, type TranslationBlockResponseBody, type TranslationBlocksArguments,
  type TranslationBlocksResponseBody, type TranslationBlockSummary, type TranslationGuestInsn,
} from '../../protocol/translation';

/** What the translation requests need from a session: the listing and a few debugger lookups. */
export interface TranslationView {
  /** The translator's listing; undefined when the session runs the interpreter only. */
  source: JitListingSource | undefined;
  /** The focused thread's guest pc, as physical (machine RAM) address: the code cache's key. */
  currentPa(): number | undefined;
  /** A guest virtual address (hex or expression) → its physical address; undefined when unmapped. */
  addressToPa(address: string): number | undefined;
  /** Source position of a guest pc, when the debug info knows it (path absolute, line 1-based). */
  sourceOf(pc: bigint): { path: string; line: number } | undefined;
}

const DEFAULT_LIMIT = 500;
const NO_TRANSLATOR = 'the session runs the interpreter: no translated blocks (the binary translator is off, or not built into this version)';


function basename(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1] || p;
}

export function summaryOf(b: JitBlockInfo): TranslationBlockSummary {
  return {
    id: b.id, start: hex(b.start), end: hex(b.end), pa: hex(b.pa), insns: b.guest.length, codeSize: b.generated.length,
    executions: b.executions, context: b.context, live: b.live,
  };
}

/** `hvscope/translationBlocks`: live and recently invalidated blocks, hottest first, and the block at the pc. */
export function translationBlocks(v: TranslationView, a: TranslationBlocksArguments): TranslationBlocksResponseBody {
  const src = v.source;
  if (!src) return { engine: 'interp', total: 0, blocks: [], stats: {}, message: NO_TRANSLATOR };
  const limit = a.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 0) throw new UserError(`hvscope/translationBlocks: limit must be a non-negative integer, got ${JSON.stringify(a.limit)}`);
  const all = src.blocks();
  // Hottest first; ties by address so the order is stable between stops.
  const blocks = [...all].sort((x, y) => y.executions - x.executions || (x.start < y.start ? -1 : x.start > y.start ? 1 : x.id - y.id)).slice(0, limit).map(summaryOf);
  const pa = v.currentPa();
  const current = pa === undefined ? undefined : src.blockContaining(pa)?.id;
  return { engine: 'jit', total: all.length, blocks, current, stats: { ...src.stats() } };
}

/** The guest instructions with their source positions. */
export function guestInsns(v: TranslationView, b: JitBlockInfo): TranslationGuestInsn[] {
  return b.guest.map((g) => {
    const insn: TranslationGuestInsn = {
      pc: hex(g.pc), encoding: (g.raw >>> 0).toString(16).padStart(g.len * 2, '0').slice(-g.len * 2), text: g.text,
    };
    const src = v.sourceOf(g.pc);
    if (src) { insn.location = `${basename(src.path)}:${src.line}`; insn.sourcePath = src.path; insn.line = src.line; }
    return insn;
  });
}

/** `hvscope/translationBlock`: one block by id, by an address inside it, or (neither given) the block at the pc. */
export function translationBlock(v: TranslationView, a: TranslationBlockArguments): TranslationBlockResponseBody {
  const src = v.source;
  if (!src) throw new UserError(`hvscope/translationBlock: ${NO_TRANSLATOR}`);
  let b: JitBlockInfo | undefined;
  if (a.id !== undefined) {
    if (typeof a.id !== 'number') throw new UserError(`hvscope/translationBlock: id must be a number, got ${JSON.stringify(a.id)}`);
    b = src.block(a.id);
    if (!b) throw new UserError(`no translated block ${a.id} (evicted from the code cache?)`);
  } else if (a.address !== undefined) {
    if (typeof a.address !== 'string') throw new UserError('hvscope/translationBlock: address must be a string (hex or an expression)');
    const pa = v.addressToPa(a.address);
    if (pa === undefined) throw new UserError(`${a.address} is not mapped to RAM: no translated block there`);
    b = src.blockContaining(pa);
    if (!b) throw new UserError(`no live translated block contains ${a.address} (guest pa ${hex(pa)}): not executed often enough to be translated, or invalidated`);
  } else {
    const pa = v.currentPa();
    b = pa === undefined ? undefined : src.blockContaining(pa);
    if (!b) throw new UserError('no translated block contains the pc (the interpreter runs code until it is hot)');
  }
  return {
    summary: summaryOf(b),
    guest: guestInsns(v, b),
    generated: b.generated,
    links: b.links.map((l) => ({ kind: l.kind, target: hex(l.target), ...(l.chainedTo !== undefined ? { chainedTo: l.chainedTo } : {}) })),
    invalidations: b.invalidations.map((i) => ({ retired: i.retired, reason: i.reason })),
    listing: formatBlockListing(b),
  };
}

/** The view over a running session: the focused (or given) thread, the runtime's side-effect-free walks and DWARF lines. */
export function runtimeView(rt: Runtime, threadId?: number): TranslationView {
  const t = () => rt.thread(threadId ?? rt.focus);
  return {
    source: rt.translation(),
    // The guest's pc (sepc while a vCPU sits in the hypervisor), walked as the guest would fetch it:
    // the translator keys its cache by the physical address the hart fetches from.
    currentPa: () => { const th = t(); return rt.target.virtToHost(th, rt.target.guestPc(th)); },
    addressToPa: (address) => rt.target.virtToHost(t(), BigInt.asUintN(64, rt.evaluate(t().id, address))),
    sourceOf: (pc) => { const l = rt.symbols.addressToLine(pc); return l ? { path: l.file, line: l.line } : undefined; },
  };
}

/** Handles the two translation requests; false for any other command (custom.ts goes on). */
export function translationRequest(s: HvscopeSession, command: string, response: DebugProtocol.Response, args: unknown): boolean {
  const a = (args ?? {}) as Record<string, unknown>;
  switch (command) {
    case TRANSLATION_REQUESTS.blocks:
      s.guard(response, () => { response.body = translationBlocks(runtimeView(s.runtime(), a.threadId as number | undefined), a as TranslationBlocksArguments); s.sendResponse(response); });
      return true;
    case TRANSLATION_REQUESTS.block:
      s.guard(response, () => { response.body = translationBlock(runtimeView(s.runtime(), a.threadId as number | undefined), a as TranslationBlockArguments); s.sendResponse(response); });
      return true;
    default:
      return false;
  }
}
