// What the translator shows about itself (ARCHITECTURE.md §8, the binary-translation panel): one
// record per block, kept by the code cache, read by the debug adapter through `JitListingSource`.
// Debugger path only, so 64-bit guest addresses are bigints here.

export interface JitGuestInsn {
  pc: bigint;
  /** Instruction bits as fetched: a 16-bit parcel (len 2) or a 32-bit word (len 4). */
  raw: number;
  len: 2 | 4;
  /** objdump-style disassembly. */
  text: string;
}

export interface JitLink {
  kind: 'taken' | 'fallthrough' | 'indirect';
  /** Guest virtual target (for 'indirect': the last target the inline cache saw). */
  target: bigint;
  /** Id of the compiled block the link is chained to, if any. */
  chainedTo?: number;
}

export interface JitInvalidation {
  /** The hart's retired-instruction count when it happened. */
  retired: number;
  /** "store to page 0x80001000", "fence.i", "sfence.vma", "hfence.gvma", ... */
  reason: string;
}

export interface JitBlockInfo {
  id: number;
  /** First guest virtual address, and the address after the last instruction. */
  start: bigint;
  end: bigint;
  /** Guest physical (machine RAM) address of the first instruction: the cache key with the context. */
  pa: number;
  /** The translation context in words, e.g. "S-mode, V=1, Sv39". */
  context: string;
  guest: readonly JitGuestInsn[];
  /** The generated JavaScript source exactly as given to `new Function`. */
  generated: string;
  executions: number;
  links: readonly JitLink[];
  invalidations: readonly JitInvalidation[];
  /** False once invalidated; dead blocks stay listed (with their history) until evicted. */
  live: boolean;
}

export interface JitListingSource {
  /** All blocks the cache still lists, live and recently invalidated. */
  blocks(): readonly JitBlockInfo[];
  block(id: number): JitBlockInfo | undefined;
  /** The live block whose guest range contains the physical address `pa`, if any. */
  blockContaining(pa: number): JitBlockInfo | undefined;
  /** Counters: blocks compiled, executions, chain hits, invalidations by reason, ... */
  stats(): Record<string, number>;
}

/** One block in the listing format of syntaxes/README.md (the panel's documents and `hvscope run --listing`). */
export function formatBlockListing(b: JitBlockInfo): string {
  const hex = (v: bigint | number): string => `0x${v.toString(16)}`;
  const chained = b.links.filter((l) => l.chainedTo !== undefined).map((l) => hex(l.target));
  const lines = [
    `# block ${b.id}, guest pa ${hex(b.pa)}, ${b.context}${b.live ? '' : ' (invalidated)'}`,
    `block ${hex(b.start)}..${hex(b.end)} (${b.guest.length} insns, executed ${b.executions} times, ${chained.length ? `chained -> ${chained.join(', ')}` : 'unchained'})`,
    ...b.guest.map((g) => `  ${hex(g.pc)}  ${g.raw.toString(16).padStart(g.len * 2, '0')}${' '.repeat(10 - g.len * 2)}${g.text}`),
    '--- generated ---',
    ...b.generated.split('\n'),
    ...b.invalidations.map((i) => `invalidated at instret ${i.retired}: ${i.reason}`),
  ];
  return lines.join('\n') + '\n';
}
