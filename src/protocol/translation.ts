// Custom DAP requests for the binary-translation panel (ARCHITECTURE.md §8): the index of the
// translator's blocks and the listing of one block. Types only: the adapter serves them from
// src/jit's listing API, the extension renders them as documents in the listing format of
// syntaxes/README.md. Addresses travel as hex strings, as in ./requests.

export const TRANSLATION_REQUESTS = {
  /** The index: every live block (and recently invalidated ones), with counts. */
  blocks: 'hvscope/translationBlocks',
  /** One block's listing: guest disassembly, generated code, chaining, invalidation history. */
  block: 'hvscope/translationBlock',
} as const;

export interface TranslationBlocksArguments {
  threadId?: number;
  /** At most this many blocks, hottest first (default 500). */
  limit?: number;
}

export interface TranslationBlockSummary {
  /** Stable id for the block's lifetime in this session (a retranslation gets a new id). */
  id: number;
  /** First guest (virtual) address and the address after the last instruction. */
  start: string;
  end: string;
  /** Guest physical address of the first instruction (the code cache key). */
  pa: string;
  insns: number;
  /** Size of the generated code in characters. */
  codeSize: number;
  executions: number;
  /** Translation context in words: "S, V=1, Sv39" ... */
  context: string;
  /** False once invalidated (it stays listed with its history until evicted). */
  live: boolean;
}

export interface TranslationBlocksResponseBody {
  /** The engine the session runs ('interp' = translator off; then blocks is empty). */
  engine: 'jit' | 'interp';
  total: number;
  blocks: TranslationBlockSummary[];
  /** The block holding the focused thread's pc, when there is one. */
  current?: number;
  /** Translator statistics (blocks compiled, invalidations by reason, chain hits...). */
  stats: Record<string, number>;
  message?: string;
}

export interface TranslationBlockArguments {
  threadId?: number;
  /** By id, or the block containing this guest virtual address (hex or expression). */
  id?: number;
  address?: string;
}

export interface TranslationGuestInsn {
  pc: string;
  /** Encoding as 8 (32-bit) or 4 (compressed) hex digits. */
  encoding: string;
  text: string;
  /** "file:line" when debug info knows it. */
  location?: string;
  /** Absolute source path and 1-based line, for "Go to guest source". */
  sourcePath?: string;
  line?: number;
}

export interface TranslationLink {
  kind: 'taken' | 'fallthrough' | 'indirect';
  target: string;
  /** The successor's block id when the link is chained to a compiled block. */
  chainedTo?: number;
}

export interface TranslationInvalidation {
  /** Retired-instruction stamp (the hart's instret) when it happened. */
  retired: number;
  reason: string;
}

export interface TranslationBlockResponseBody {
  summary: TranslationBlockSummary;
  guest: TranslationGuestInsn[];
  /** The generated JavaScript exactly as compiled. */
  generated: string;
  links: TranslationLink[];
  invalidations: TranslationInvalidation[];
  /** The whole block in the listing format of syntaxes/README.md. */
  listing: string;
}
